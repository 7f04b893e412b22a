"""Run SPARQL jobs (kg.serve.worker.run_job) in threads of the server process, each with a deadline.

Why threads: pyoxigraph releases the GIL while it evaluates a query, so a query in a thread leaves the event loop
free to answer other requests, with no hop to another process. Such a query cannot be cancelled, though: past
its deadline the request gets its 503 at once and `on_runaway` is called. Under `kg serve` that hook ends the
whole process (kg.serve.prefork): it stops accepting, gives its other requests a short grace (`abort_pending`
answers those still waiting for a query with a 503), then leaves with os._exit, which frees the runaway's CPU;
the supervisor starts a fresh process meanwhile served by the others. In a process that must not end (an app
built in a test) the hook is None: the 503 still goes out at the deadline and the thread runs to its end.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from kg.serve.worker import run_job

DEFAULT_THREADS = 8


class QueryTimeout(Exception):
    """The query ran past its time limit."""


class ProcessEnding(Exception):
    """The server process is ending (another query ran away) before this query could answer."""


class QueryRunner:
    """Threads that run jobs on opened stores; a deadline per job, the wait for a free thread included."""

    def __init__(self, timeout: float, threads: int = DEFAULT_THREADS,
                 on_runaway: Callable[[], None] | None = None) -> None:
        self.timeout = float(timeout)
        self.threads = max(1, threads)
        self.executor: ThreadPoolExecutor | None = None
        self.on_runaway = on_runaway
        self.runaways = 0
        self.pending: set[asyncio.Future] = set()
        self.ending = False

    async def run(self, store: object, job: Mapping[str, object]) -> tuple[dict, bytes]:
        """The job's (header, body); QueryTimeout past the deadline, ProcessEnding once abort_pending ran."""
        if self.ending:
            raise ProcessEnding()
        if self.executor is None:  # started on first use: an app may be started and stopped more than once
            self.executor = ThreadPoolExecutor(self.threads, thread_name_prefix="kg-query")
        work = self.executor.submit(run_job, store, job)  # type: ignore[arg-type]
        waiting = asyncio.wrap_future(work)
        self.pending.add(waiting)
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), self.timeout)
        except TimeoutError:
            if work.cancel():  # still queued behind other queries: it never ran, nothing to stop
                raise QueryTimeout() from None
            self.runaways += 1
            if self.on_runaway is not None:
                self.on_runaway()
            raise QueryTimeout() from None
        except asyncio.CancelledError:
            if self.ending:
                raise ProcessEnding() from None
            raise
        finally:
            self.pending.discard(waiting)

    def abort_pending(self) -> None:
        """Make every request still waiting for a query raise ProcessEnding (answered 503), and refuse new ones:
        the process is about to end."""
        self.ending = True
        for waiting in list(self.pending):
            waiting.cancel()

    def stop(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None
