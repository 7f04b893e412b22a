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

_H2C = re.compile(rb"(?im)^upgrade(\s*:\s*h2c)")


def _protocol_class() -> object:
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:
        return "h11"

    class Http11Only(HttpToolsProtocol):  # type: ignore[misc]
        def data_received(self, data: bytes) -> None:
            if b"h2c" in data:
                end = data.find(b"\r\n\r\n")
                head = data if end < 0 else data[:end]
                if _H2C.search(head):
                    data = _H2C.sub(rb"x-ignored-upgrade\1", head) + (b"" if end < 0 else data[end:])
            super().data_received(data)

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
                            timeout_graceful_shutdown=None if graceful is None else max(1, round(graceful)))
    return uvicorn.Server(config)
