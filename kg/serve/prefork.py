"""`kg serve`'s process model: a supervisor and N server processes sharing one listening socket.

Why: one Python process is one core's worth of HTTP work, and a query cannot be cancelled inside it. So the
supervisor (the `kg serve` process) binds the socket, opens the graph once (building and caching the closure
if needed, so the children only open the cache), then starts N children (`python -m kg.serve.prefork`, the
socket passed as a file descriptor). Each child answers HTTP with its own event loop and runs its queries
in-process, in threads (kg.serve.runner). When one of its queries overruns the time limit, the request gets
its 503 and the child ends: it stops accepting, gives its other requests a short grace (those that finish are
answered, those still waiting for a query get a 503), then leaves with os._exit, which frees the runaway's CPU
at once. The supervisor starts a replacement while the other children keep serving.

Ctrl-C (SIGINT) or SIGTERM to the supervisor: the children are told to stop (SIGTERM: uvicorn finishes the
requests in flight), those still alive after a bound are killed, and the supervisor exits 0 once every child
is reaped. A child also dies with its supervisor (PR_SET_PDEATHSIG on Linux), so none is left behind even if
the supervisor is killed outright.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

GRACE = 1.0  # seconds the other requests of an ending child get to finish
EXIT_RUNAWAY = 0  # a child that ended for a runaway query: replaced, nothing to report
EXIT_STARTUP = 3  # a child that could not start: the supervisor gives up if none ever starts


def default_processes() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


# -- the supervisor --------------------------------------------------------------------------------------
class Supervisor:
    """Start, watch and replace the children; stop them all on SIGINT/SIGTERM."""

    def __init__(self, config: object, sock: socket.socket, processes: int) -> None:
        self.config = config
        self.sock = sock
        self.processes = max(1, processes)
        self.children: dict[int, tuple[subprocess.Popen, float, int]] = {}
        self.stopping = False
        # the children's connection counts (kg.serve.protocol.Balance), one 8-byte slot each
        self.counts = os.memfd_create("kg-serve-balance", 0) if hasattr(os, "memfd_create") else -1
        if self.counts >= 0:
            os.ftruncate(self.counts, 8 * self.processes)

    def _argv(self, index: int) -> list[str]:
        values = {name: getattr(self.config, name) for name in self.config._fields}  # type: ignore[attr-defined]
        return [sys.executable, "-m", "kg.serve.prefork", str(self.sock.fileno()), json.dumps(values),
                str(self.counts), str(self.processes), str(index)]

    def _spawn(self, index: int) -> None:
        if self.counts >= 0:  # a process not yet accepting is never the least busy
            os.pwrite(self.counts, (1 << 40).to_bytes(8, "little"), 8 * index)
        fds = [self.sock.fileno()] + ([self.counts] if self.counts >= 0 else [])
        child = subprocess.Popen(self._argv(index), pass_fds=fds, stdin=subprocess.DEVNULL)
        self.children[child.pid] = (child, time.monotonic(), index)

    def _on_signal(self, signum: int, frame: object) -> None:
        self.stopping = True

    def run(self) -> None:
        previous = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for index in range(self.processes):
                self._spawn(index)
            failures = 0
            while not self.stopping:
                time.sleep(0.1)
                for pid, (child, started, index) in list(self.children.items()):
                    code = child.poll()
                    if code is None:
                        continue
                    del self.children[pid]
                    if self.stopping:
                        break
                    if code == EXIT_STARTUP:
                        failures += 1
                        if failures >= 3 * self.processes and not self.children:
                            from kg.shared.errors import KgError

                            raise KgError("kg serve: the server processes could not start (see above)")
                        time.sleep(min(5.0, 0.5 * failures))
                    elif time.monotonic() - started > 5:
                        failures = 0
                    self._spawn(index)
        finally:
            self.stopping = True
            self._stop_children()
            for s, handler in previous.items():
                signal.signal(s, handler)
            if self.counts >= 0:
                os.close(self.counts)

    def _stop_children(self) -> None:
        for child, _, _ in self.children.values():
            if child.poll() is None:
                try:
                    child.send_signal(signal.SIGTERM)
                except ProcessLookupError:
                    pass
        bound = time.monotonic() + float(self.config.timeout) + 5  # type: ignore[attr-defined]
        for child, _, _ in list(self.children.values()):
            try:
                child.wait(timeout=max(0.1, bound - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.children.clear()


def supervise(config: object, sock: socket.socket) -> None:
    """Serve with config.processes children (None: one per CPU) until SIGINT/SIGTERM."""
    processes = config.processes or default_processes()  # type: ignore[attr-defined]
    Supervisor(config, sock, processes).run()


# -- a child ---------------------------------------------------------------------------------------------
def _die_with_parent() -> None:
    """Ask Linux to kill this process if its supervisor dies without stopping it (best effort, elsewhere a
    no-op): a child that outlived it would keep the port and the store open."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Ending:
    """The runaway hook of one child: end the process, once, after a grace for its other requests."""

    def __init__(self, server: object, runner: object) -> None:
        self.server = server
        self.runner = runner
        self.started = False

    def __call__(self) -> None:
        """Called in the event loop when a query overruns its deadline."""
        if self.started:
            return
        self.started = True
        import asyncio

        stop_accepting = getattr(self.server, "stop_accepting", None)
        if stop_accepting is not None:  # at once: the other processes take the next connections
            stop_accepting()
        self.server.should_exit = True  # type: ignore[attr-defined]  # then shut down (idle connections: a grace)
        loop = asyncio.get_running_loop()
        loop.call_later(GRACE, self.runner.abort_pending)  # type: ignore[attr-defined]
        loop.call_later(GRACE + 2.0, _leave)  # a request that still has not finished is not waited for

    def stopping(self, loop: object) -> None:
        """Called from the signal handler when the supervisor stops this process: queries still running after
        the grace are answered 503 too, rather than cut off when uvicorn's graceful shutdown runs out."""
        loop.call_soon_threadsafe(loop.call_later, GRACE, self.runner.abort_pending)  # type: ignore[attr-defined]


def _leave() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(EXIT_RUNAWAY)


def child_main(fd: int, values: dict[str, object], counts: int = -1, slots: int = 1, index: int = 0) -> None:
    _die_with_parent()
    if os.getppid() == 1:  # the supervisor died before the line above
        os._exit(EXIT_STARTUP)
    import kg

    kg.BACKGROUND_CACHE = False  # a regime opened on first use is cached before it is served
    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig
    from kg.serve.protocol import Balance, balanced_server_for, server_for
    from kg.shared.errors import KgError

    sock = socket.socket(fileno=fd)
    try:
        app = create_app(ServeConfig(**values))
    except KgError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        os._exit(EXIT_STARTUP)
    if counts >= 0:
        server = balanced_server_for(app, sock, Balance(counts, slots, index), graceful=GRACE + 1.0)
    else:
        server = server_for(app, graceful=GRACE + 1.0)
    ending = app.state.kg.runner.on_runaway = _Ending(server, app.state.kg.runner)
    handle_exit = server.handle_exit  # type: ignore[attr-defined]

    def on_signal(signum: int, frame: object) -> None:
        import asyncio

        handle_exit(signum, frame)
        loop = asyncio._get_running_loop()  # the signal handler runs in the loop's thread, between its callbacks
        if loop is not None:
            ending.stopping(loop)

    server.handle_exit = on_signal  # type: ignore[attr-defined]
    # uvicorn re-raises the signal that stopped it once it has shut down; with these handlers that is a no-op
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    try:
        server.run(sockets=None if counts >= 0 else [sock])  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        pass
    _leave()  # not sys.exit: a runaway query's thread would keep the interpreter from ending


if __name__ == "__main__":
    child_main(int(sys.argv[1]), json.loads(sys.argv[2]), *(int(a) for a in sys.argv[3:6]))
