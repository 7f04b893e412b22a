"""Run the application under uvicorn with its fast HTTP/1.1 parser (httptools), made to ignore an offered HTTP/2
upgrade.

Why: Java's HTTP client (so Apache Jena's rsparql) sends `Upgrade: h2c` with its POSTs. uvicorn's httptools
protocol then takes the request as bodiless and drops the body (the query), answering 400; its h11 protocol gets
it right but halves the endpoint's throughput. A server may ignore an upgrade it does not speak (RFC 9110
§7.8), so the header is renamed before the parser sees it. h11 is used when httptools is missing.
"""

from __future__ import annotations

import re

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


def serve(app: object, host: str, port: int) -> None:
    """Serve until Ctrl-C (uvicorn stops cleanly on SIGINT and SIGTERM, running the app's shutdown)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="warning", http=_protocol_class())  # type: ignore[arg-type]
