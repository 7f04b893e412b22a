"""Run SPARQL jobs (kg.serve.worker.run_job) in threads of the server process, each with a deadline.

Why threads: pyoxigraph releases the GIL while it evaluates a query, so a query in a thread leaves the event loop
free to answer other requests, with no hop to another process. Such a query cannot be cancelled, though: past
its deadline the request gets its 503 at once and `on_runaway` is called. Under `kg serve` that hook ends the
whole process (kg.serve.prefork): it stops accepting, gives its other requests a short grace (`abort_pending`
answers those still waiting for a query with a 503), then leaves with os._exit, which frees the runaway's CPU;
the supervisor starts a fresh process meanwhile served by the others. In a process that must not end (an app
built in a test) the hook is None: the 503 still goes out at the deadline and the thread runs to its end.

The hand-over is kept lean (a queue the threads take jobs from, a future of the event loop set through
call_soon_threadsafe, one timer per job): concurrent.futures with asyncio.wrap_future and wait_for cost about
0.2 ms of CPU per request, more than the query itself on the project graph.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Mapping

from kg.serve.worker import run_job

DEFAULT_THREADS = 4  # per process; 8 answered 15-25 % fewer requests a second than 2 or 4 (docs/serving.md)
QUERY_STACK = 32 << 20  # bytes of stack for each query thread
_QUEUED, _RUNNING, _DONE, _DROPPED = range(4)
_TIMEOUT, _ENDING = object(), object()


class QueryTimeout(Exception):
    """The query ran past its time limit."""


class ProcessEnding(Exception):
    """The server process is ending (another query ran away, or it was told to stop) before this query could
    answer."""


class _Job:
    __slots__ = ("future", "job", "loop", "state", "store")

    def __init__(self, loop: asyncio.AbstractEventLoop, store: object, job: Mapping[str, object]) -> None:
        self.loop, self.store, self.job = loop, store, job
        self.future: asyncio.Future = loop.create_future()
        self.state = _QUEUED


def _settle(future: asyncio.Future, value: object) -> None:
    if not future.done():
        future.set_result(value)


class QueryRunner:
    """Threads that run jobs on opened stores; a deadline per job, the wait for a free thread included."""

    def __init__(self, timeout: float, threads: int = DEFAULT_THREADS,
                 on_runaway: Callable[[], None] | None = None) -> None:
        self.timeout = float(timeout)
        self.threads = max(1, threads)
        self.on_runaway = on_runaway
        self.runaways = 0
        self.pending: set[asyncio.Future] = set()
        self.ending = False
        self.jobs: queue.SimpleQueue | None = None
        self.lock = threading.Lock()  # a job's state moves from queued to running or dropped, not both

    def _start(self) -> queue.SimpleQueue:
        jobs: queue.SimpleQueue = queue.SimpleQueue()
        # A roomy stack (address space, touched only as used): pyoxigraph recurses over a query's structure, and
        # kg.shared.sparqltext's bounds were measured on 8 MiB; this keeps them 4× clear whatever `ulimit -s` says.
        previous = threading.stack_size(QUERY_STACK)
        try:
            for index in range(self.threads):  # daemons: a runaway query never keeps the interpreter from ending
                threading.Thread(target=self._work, args=(jobs,), name=f"kg-query-{index}", daemon=True).start()
        finally:
            threading.stack_size(previous)
        self.jobs = jobs
        return jobs

    def _work(self, jobs: queue.SimpleQueue) -> None:
        while True:
            item = jobs.get()
            if item is None:
                return
            with self.lock:
                if item.state != _QUEUED:  # its request gave up while it waited
                    continue
                item.state = _RUNNING
            try:
                value: object = run_job(item.store, item.job)  # type: ignore[arg-type]
            except BaseException as exc:  # handed to the request, which raises it
                value = exc
            item.state = _DONE
            try:
                item.loop.call_soon_threadsafe(_settle, item.future, value)
            except RuntimeError:  # the loop is closed: nobody waits any more
                pass

    async def run(self, store: object, job: Mapping[str, object]) -> tuple[dict, bytes]:
        """The job's (header, body); QueryTimeout past the deadline, ProcessEnding once abort_pending ran."""
        if self.ending:
            raise ProcessEnding()
        jobs = self.jobs or self._start()  # started on first use: an app may be started and stopped more than once
        loop = asyncio.get_running_loop()
        item = _Job(loop, store, job)
        jobs.put(item)
        timer = loop.call_later(self.timeout, _settle, item.future, _TIMEOUT)
        self.pending.add(item.future)
        try:
            value = await item.future
        except asyncio.CancelledError:
            self._drop(item)
            if self.ending:
                raise ProcessEnding() from None
            raise
        finally:
            timer.cancel()
            self.pending.discard(item.future)
        if value is _TIMEOUT or value is _ENDING:
            if self._drop(item) and value is _TIMEOUT:  # it was running: it runs on, out of reach
                self.runaways += 1
                if self.on_runaway is not None:
                    self.on_runaway()
            raise QueryTimeout() if value is _TIMEOUT else ProcessEnding()
        if isinstance(value, BaseException):
            raise value
        return value  # type: ignore[return-value]

    def _drop(self, item: _Job) -> bool:
        """Give up on a job; True when it had started running (and has not finished)."""
        with self.lock:
            running = item.state == _RUNNING
            if item.state == _QUEUED:
                item.state = _DROPPED
        return running

    def abort_pending(self) -> None:
        """Make every request still waiting for a query raise ProcessEnding (answered 503), and refuse new ones:
        the process is about to end."""
        self.ending = True
        for future in list(self.pending):
            _settle(future, _ENDING)

    def stop(self) -> None:
        if self.jobs is not None:
            for _ in range(self.threads):
                self.jobs.put(None)  # each thread ends when it takes one (a thread still running a query later)
            self.jobs = None
