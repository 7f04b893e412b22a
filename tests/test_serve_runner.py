"""kg.serve.runner in process: queries in threads with a deadline. The 503 goes out at the deadline whatever the
query does; `on_runaway` is called only for a query that was running (the hook `kg serve`'s processes use to
end themselves, tested over HTTP in test_serve_endpoint.py); a query still queued is simply dropped; and when
the process ends, the requests still waiting get an answer (ProcessEnding, a 503), not silence."""

from __future__ import annotations

import asyncio
import threading
import time

import pyoxigraph as ox
import pytest

from kg.serve.runner import ProcessEnding, QueryRunner, QueryTimeout


class SlowStore:
    """A store whose queries take `seconds` (sleeping, so the GIL is free, as pyoxigraph frees it)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = 0
        self.lock = threading.Lock()

    def query(self, query: str, **_: object) -> ox.QueryBoolean:
        with self.lock:
            self.started += 1
        time.sleep(self.seconds)
        return ox.Store().query("ASK {}")


JOB = {"query": "ASK {}", "select_format": "json", "graph_format": None}


def test_a_quick_query_answers() -> None:
    async def main() -> tuple[dict, bytes]:
        runner = QueryRunner(5.0)
        try:
            return await runner.run(SlowStore(0.0), dict(JOB))
        finally:
            runner.stop()

    header, body = asyncio.run(main())
    assert header["status"] == 200 and b"\"boolean\":true" in body.replace(b" ", b"")


def test_the_deadline_answers_at_once_and_calls_the_hook_for_a_running_query() -> None:
    calls: list[float] = []

    async def main() -> tuple[float, list[object]]:
        runner = QueryRunner(0.2, threads=1, on_runaway=lambda: calls.append(time.monotonic()))
        started = time.monotonic()
        outcomes = await asyncio.gather(runner.run(SlowStore(1.0), dict(JOB)), runner.run(SlowStore(0.0), dict(JOB)),
                                        return_exceptions=True)
        elapsed = time.monotonic() - started
        runner.stop()
        return elapsed, outcomes

    elapsed, outcomes = asyncio.run(main())
    assert elapsed < 0.8  # the 503s do not wait for the query
    assert [type(o) for o in outcomes] == [QueryTimeout, QueryTimeout]
    assert len(calls) == 1  # the second job waited for the one thread and never ran: no runaway to stop


def test_ending_the_process_answers_the_waiting_requests() -> None:
    async def main() -> list[object]:
        runner = QueryRunner(10.0, threads=4)
        tasks = [asyncio.create_task(runner.run(SlowStore(0.5), dict(JOB))) for _ in range(2)]
        await asyncio.sleep(0.1)
        runner.abort_pending()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        with pytest.raises(ProcessEnding):  # and nothing new is taken
            await runner.run(SlowStore(0.0), dict(JOB))
        runner.stop()
        return outcomes

    assert [type(o) for o in asyncio.run(main())] == [ProcessEnding, ProcessEnding]


def test_an_app_built_in_process_answers_503_at_the_deadline() -> None:
    from starlette.testclient import TestClient

    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig

    app = create_app(ServeConfig(timeout=0.3))
    runner = app.state.kg.runner
    calls: list[int] = []
    runner.on_runaway = lambda: calls.append(1)
    slow = SlowStore(1.0)
    app.state.kg.resources.stores["owlrl"].store = slow  # the served store, slowed down
    with TestClient(app) as client:
        started = time.monotonic()
        response = client.get("/sparql", params={"query": "ASK {}"})
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.text == "Error: the query ran past the time limit of 0.3 s and was stopped\n"
    assert elapsed < 0.9 and slow.started == 1 and calls == [1]
