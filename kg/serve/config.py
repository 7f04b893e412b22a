"""The server's settings, as one plain value passed to every route module."""

from __future__ import annotations

from pathlib import Path

from kg.shared.records import Record

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0  # seconds per query, then 503
DEFAULT_MAX_ROWS = 10_000
PUBLIC_BASE = "https://w3id.org/ecosystem-kg/"


class ServeConfig(Record):
    """data_dir (None: the project graph), host, port, reasoning (none|rdfs|owlrl), base_url (the public base the
    pages link to; None: the address served), timeout, max_rows, sources_dir (the seed texts, optional), processes
    (server processes `kg serve` runs; None: one per CPU), threads (query threads per process), allow_service (the
    endpoints a query's SERVICE clauses may call; none by default: kg.serve.federation)."""

    _fields = ("data_dir", "host", "port", "reasoning", "base_url", "timeout", "max_rows", "sources_dir",
               "processes", "threads", "allow_service")
    _defaults = {"data_dir": None, "host": DEFAULT_HOST, "port": DEFAULT_PORT, "reasoning": "owlrl",  # noqa: RUF012
                 "base_url": None, "timeout": DEFAULT_TIMEOUT, "max_rows": DEFAULT_MAX_ROWS, "sources_dir": None,
                 "processes": None, "threads": 4, "allow_service": ()}
    __slots__ = _fields

    def sources_path(self) -> Path | None:
        return Path(self.sources_dir) if self.sources_dir else None
