"""Run the application under uvicorn with its fast HTTP/1.1 parser (httptools), made to ignore an offered HTTP/2
upgrade.

Why: Java's HTTP client (so Apache Jena's rsparql) sends `Upgrade: h2c` with its POSTs. uvicorn's httptools
protocol then takes the request as bodiless and drops the body (the query), answering 400; its h11 protocol gets
it right but halves the endpoint's throughput. A server may ignore an upgrade it does not speak (RFC 9110
§7.8), so the header is renamed before the parser sees it. h11 is used when httptools is missing.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable

_H2C = re.compile(rb"(?im)^upgrade(\s*:\s*h2c)")
MAX_REQUEST_LINE = 48 * 1024  # bytes: above the endpoint's 32 KiB query string (its own 414), below httptools' 64 KiB
MAX_HEADERS = 64 * 1024  # bytes of header lines: browsers send a few KiB, servers commonly take 8 to 64
REFUSED_LINGER = 2.0  # seconds a refused connection is kept, reading and dropping, before it is closed
IDLE_LINGER = 0.5  # seconds an idle connection of a stopping process waits for a request already on its way


def _protocol_class() -> object:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "h11"

    class Http11Only(HttpToolsProtocol):  # type: ignore[misc]
        head_bytes = 0  # of the request whose head is being read (0: between requests)
        line_bytes = -1  # length of its request line, once its end was seen
        in_head = True
        refused = False  # answered 414/431: what follows is dropped
        ending = False  # the process is stopping: answer what comes, then close

        def data_received(self, data: bytes) -> None:
            if self.refused:  # read and dropped until the client closes: a close with unread data is a reset
                return
            if self.in_head and self._head_too_large(data):
                return
            if b"h2c" in data:
                end = data.find(b"\r\n\r\n")
                head = data if end < 0 else data[:end]
                if _H2C.search(head):
                    data = _H2C.sub(rb"x-ignored-upgrade\1", head) + (b"" if end < 0 else data[end:])
            super().data_received(data)

        def _head_too_large(self, data: bytes) -> bool:
            """Answer 414 or 431 and stop reading when the request line or the headers pass their limit:
            httptools itself takes a request line past 64 KiB as garbage (a bare 400) and buffers a header of
            any size (40 MB were read, and answered 200)."""
            before = self.head_bytes
            self.head_bytes += len(data)
            if self.line_bytes < 0:
                newline = data.find(b"\n")
                if newline >= 0:
                    self.line_bytes = before + newline
            end = data.find(b"\r\n\r\n")
            head_end = before + end + 4 if end >= 0 else self.head_bytes  # a body may follow in the same read
            if self.line_bytes > MAX_REQUEST_LINE or (self.line_bytes < 0 and self.head_bytes > MAX_REQUEST_LINE):
                self._refuse(414, f"the request line is over {MAX_REQUEST_LINE} bytes: POST the query (as an "
                                  "application/sparql-query body, or form-encoded) instead of putting it in the URL")
                return True
            if self.line_bytes >= 0 and head_end - self.line_bytes > MAX_HEADERS:
                self._refuse(431, f"the request's headers are over {MAX_HEADERS} bytes")
                return True
            return False

        def _refuse(self, status: int, message: str) -> None:
            self.refused = True
            body = f"Error: {message}\n".encode()
            reason = {414: b"URI Too Long", 431: b"Request Header Fields Too Large"}[status]
            self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: %d\r\n"
                                 b"connection: close\r\n\r\n%s" % (status, reason, len(body), body))
            try:
                self.transport.write_eof()  # the answer, then our end closed; what the client still sends is dropped
            except (NotImplementedError, RuntimeError, OSError):
                pass
            self.loop.call_later(REFUSED_LINGER, self.transport.close)

        def on_headers_complete(self) -> None:
            self.in_head = False
            super().on_headers_complete()
            if self.ending and self.cycle is not None:  # answered, then closed: the process is going
                self.cycle.keep_alive = False

        def shutdown(self) -> None:
            """The process is stopping. An idle connection (kept alive, or accepted a moment ago) is not closed at
            once, as uvicorn does: a request may be on its way, and a close with it unread is a reset the client
            cannot tell from a crash. It gets a short while to arrive and is answered (Connection: close); a
            connection still idle then is closed (a plain FIN, which clients retry on)."""
            self.ending = True
            if self.cycle is None or self.cycle.response_complete:
                self.loop.call_later(IDLE_LINGER, self._close_if_idle)
            else:
                self.cycle.keep_alive = False

        def _close_if_idle(self) -> None:
            if (self.cycle is None or self.cycle.response_complete) and not self.transport.is_closing():
                self.transport.close()

        def on_message_complete(self) -> None:
            self.in_head, self.head_bytes, self.line_bytes = True, 0, -1
            super().on_message_complete()

    return Http11Only


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything starts: a busy port is one `Error:` line (exit 2), not a
    traceback after the workers started, and port 0 gets its real number for the message."""
    from kg.shared.errors import KgError

    if not host.strip():  # '' would mean every interface: never by accident
        raise KgError("--host: give an address to listen on, e.g. 127.0.0.1 (the default)")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except (OSError, TypeError, ValueError, UnicodeError) as exc:  # TypeError/UnicodeError: a name that is no host
        from kg.shared.utf8 import shown

        sock.close()
        if not isinstance(exc, OSError):
            raise KgError(f"--host {shown(host)}: not an address or host name") from None
        raise KgError(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})") from None
    sock.listen(2048)  # the server processes accept from it themselves (Balance)
    sock.set_inheritable(True)
    return sock


def server_for(app: object, graceful: float | None = None) -> object:
    """A uvicorn server for the app, to run on a bound socket (`.run(sockets=[sock])`) until SIGINT/SIGTERM:
    uvicorn then stops accepting, lets the requests in flight finish (at most `graceful` seconds when given)
    and runs the app's shutdown."""
    import uvicorn

    # Run on the socket object itself, not its descriptor: uvicorn re-wraps a descriptor as a Unix socket, and
    # the event loop then leaves Nagle's algorithm on (40 ms stalls per answer with delayed ACKs).
    config = uvicorn.Config(app, log_level="warning", http=_protocol_class(),  # type: ignore[arg-type]
                            h11_max_incomplete_event_size=MAX_HEADERS,  # without httptools: h11 answers 400
                            timeout_graceful_shutdown=None if graceful is None else max(1, round(graceful)))
    return uvicorn.Server(config)


class Balance:
    """How many connections each server process holds, in memory they all share (one 8-byte slot each): a
    process with more than the least busy one lets the others take the next connection.

    Why: processes sharing a listening socket race for each new connection, and whoever wakes first takes it;
    8 keep-alive clients were split 1/7, 2/6 or 3/5 about as often as 4/4, and the busy process then answers
    most of the load on one core while the other idles."""

    POLITE_FOR = 0.01  # seconds a busy process waits for a less busy one to take a connection, then takes it

    def __init__(self, fd: int, slots: int, index: int) -> None:
        import mmap

        self.memory = mmap.mmap(fd, 8 * slots)
        self.slots, self.index = slots, index

    def publish(self, count: int) -> None:
        self.memory[8 * self.index:8 * self.index + 8] = count.to_bytes(8, "little")

    def least_of_others(self) -> int:
        counts = [int.from_bytes(self.memory[8 * i:8 * i + 8], "little") for i in range(self.slots) if i != self.index]
        return min(counts) if counts else 1 << 62


def balanced_server_for(app: object, listener: socket.socket, balance: Balance,
                        graceful: float | None = None) -> object:
    """server_for, accepting connections itself from the shared socket, one at a time and only when this
    process is among the least busy (Balance). Run it with `.run()`."""
    import asyncio

    import uvicorn

    class BalancedServer(uvicorn.Server):  # type: ignore[misc]
        accepting: asyncio.Task | None = None
        stopped_accepting = False

        def __init__(self, config: object) -> None:
            super().__init__(config)
            self.handing: set[asyncio.Task] = set()

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=[])  # the app's startup; no listener of uvicorn's own
            if self.should_exit:
                return
            config = self.config

            def create_protocol(_loop: asyncio.AbstractEventLoop | None = None) -> asyncio.Protocol:
                return config.http_protocol_class(config=config, server_state=self.server_state,  # type: ignore[call-arg]
                                                  app_state=self.lifespan.state, _loop=_loop)

            self.accepting = asyncio.get_running_loop().create_task(self._accept(create_protocol))

        async def _accept(self, create_protocol: Callable[..., asyncio.Protocol]) -> None:
            """Accept from a reader callback, not an awaited sock_accept: stop_accepting then takes effect at once,
            and no connection taken from the kernel can be lost to a cancelled wait (it would be reset)."""
            loop = asyncio.get_running_loop()
            listener.setblocking(False)
            connections = self.server_state.connections
            polite = [0.0]

            def watch() -> None:
                if not self.stopped_accepting:
                    loop.add_reader(listener.fileno(), ready)

            def later(delay: float) -> None:
                loop.remove_reader(listener.fileno())
                loop.call_later(delay, watch)

            def ready() -> None:
                if self.stopped_accepting:
                    return
                mine = len(connections)
                balance.publish(mine)
                if mine > balance.least_of_others() and polite[0] < Balance.POLITE_FOR:
                    polite[0] += 0.001  # a less busy process may take it
                    later(0.001)
                    return
                polite[0] = 0.0
                try:
                    conn, _ = listener.accept()
                except (BlockingIOError, InterruptedError):  # another process took it
                    return
                except OSError:  # out of descriptors, a connection reset before it was taken: try again
                    later(0.05)
                    return
                conn.setblocking(False)
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                balance.publish(mine + 1)
                # served to the end even if the process stops accepting meanwhile (kept: not garbage-collected)
                task = loop.create_task(loop.connect_accepted_socket(create_protocol, conn))
                self.handing.add(task)
                task.add_done_callback(self.handing.discard)

            watch()

        def stop_accepting(self) -> None:
            """Take no more connections from the shared socket, at once: the other processes take them."""
            if not self.stopped_accepting:
                self.stopped_accepting = True
                try:
                    asyncio.get_running_loop().remove_reader(listener.fileno())
                except (RuntimeError, ValueError, OSError):
                    pass
                balance.publish(1 << 40)  # never the least busy again

        async def on_tick(self, counter: int) -> bool:
            balance.publish(len(self.server_state.connections))  # connections closed since the last accept
            return await super().on_tick(counter)

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            self.stop_accepting()
            if self.handing:  # connections taken from the kernel get their protocol before the shutdown starts
                await asyncio.wait(list(self.handing), timeout=1.0)
            listener.close()  # this process's copy: the others keep serving
            await super().shutdown(sockets=None)

    return BalancedServer(server_for(app, graceful).config)  # type: ignore[attr-defined]
