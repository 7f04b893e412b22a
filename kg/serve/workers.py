"""The pool of query workers (kg.serve.worker), seen from the server: hand a job to an idle worker, wait for its
answer until the deadline, and kill it when the deadline passes, so a runaway query stops burning a core.

A killed worker is replaced in the background; requests meanwhile wait for the other workers. The deadline
covers the wait for a free worker too: a request never takes much longer than the time limit.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Mapping

from kg.serve.worker import frame

_LENGTH_SIZE = 4


class QueryTimeout(Exception):
    """The query ran past its time limit (its worker was killed)."""


class WorkerFailed(Exception):
    """The worker died or answered garbage (it was replaced)."""


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    async def read_frame(self) -> bytes:
        assert self.process.stdout is not None
        head = await self.process.stdout.readexactly(_LENGTH_SIZE)
        return await self.process.stdout.readexactly(int.from_bytes(head, "big"))

    async def ask(self, job: Mapping[str, object]) -> tuple[dict, bytes]:
        assert self.process.stdin is not None
        self.process.stdin.write(frame(json.dumps(job).encode()))
        await self.process.stdin.drain()
        header = json.loads(await self.read_frame())
        body = await self.read_frame()
        return header, body

    async def kill(self) -> None:
        if self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass
        await self.process.wait()


class WorkerPool:
    """`size` worker processes, each with the given stores opened read-only."""

    def __init__(self, size: int, store_paths: list[str]) -> None:
        self.size = max(1, size)
        self.store_paths = list(store_paths)
        self.workers: set[_Worker] = set()
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.replacing: set[asyncio.Task] = set()
        self.closed = False

    async def _spawn(self) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "kg.serve.worker", *self.store_paths,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=dict(os.environ),
            limit=1 << 26)
        worker = _Worker(process)
        try:
            ready = json.loads(await asyncio.wait_for(worker.read_frame(), 120))
            if not ready.get("ready"):
                raise WorkerFailed("worker did not start")
        except (asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            await worker.kill()
            raise WorkerFailed(f"a query worker did not start ({type(exc).__name__})") from None
        self.workers.add(worker)
        return worker

    async def start(self) -> None:
        for worker in await asyncio.gather(*(self._spawn() for _ in range(self.size))):
            self.idle.put_nowait(worker)

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self.workers)

    async def _replace(self, worker: _Worker) -> None:
        self.workers.discard(worker)
        await worker.kill()
        if self.closed:
            return
        try:
            fresh = await self._spawn()
        except WorkerFailed as exc:
            print(f"kg serve: {exc}", file=sys.stderr)
            return
        if self.closed:
            await fresh.kill()
            return
        self.idle.put_nowait(fresh)

    def _replace_later(self, worker: _Worker) -> None:
        task = asyncio.get_running_loop().create_task(self._replace(worker))
        self.replacing.add(task)
        task.add_done_callback(self.replacing.discard)

    async def run(self, job: Mapping[str, object], timeout: float) -> tuple[dict, bytes]:
        """The worker's (header, body) for a job; QueryTimeout past `timeout` seconds (wait included)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            worker = await asyncio.wait_for(self.idle.get(), timeout)
        except TimeoutError:
            raise QueryTimeout() from None
        try:
            answer = await asyncio.wait_for(worker.ask(job), max(0.001, deadline - loop.time()))
        except TimeoutError:
            await worker.kill()  # the CPU is freed now, before the 503 goes out
            self._replace_later(worker)
            raise QueryTimeout() from None
        except (asyncio.IncompleteReadError, ConnectionError, ValueError, OSError) as exc:
            self._replace_later(worker)
            raise WorkerFailed(f"a query worker failed ({type(exc).__name__})") from None
        except asyncio.CancelledError:  # the client went away mid-query: the worker's state is unknown
            if worker.process.returncode is None:
                worker.process.kill()
            self._replace_later(worker)
            raise
        self.idle.put_nowait(worker)
        return answer

    async def stop(self) -> None:
        self.closed = True
        for task in list(self.replacing):
            task.cancel()
        for worker in list(self.workers):
            if worker.process.stdin is not None:
                worker.process.stdin.close()
        for worker in list(self.workers):
            try:
                await asyncio.wait_for(worker.process.wait(), 2)
            except TimeoutError:
                await worker.kill()
        self.workers.clear()
