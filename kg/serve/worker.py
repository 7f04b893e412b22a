"""A query worker: a child process of `kg serve` that runs one SPARQL query at a time on a read-only store and
writes the finished response body.

Why a process: pyoxigraph cannot cancel a running query, so a query past its time limit is stopped by killing
its worker (kg.serve.workers starts a fresh one). Every worker opens the cached store with
`Store.read_only`, which RocksDB allows any number of processes to do at once.

Wire format, both ways: a 4-byte big-endian length, then that many bytes. A job is one JSON frame; a reply is
a JSON header frame followed by a body frame. `run_job` is the whole logic, callable without a process.
"""

from __future__ import annotations

import json
import re
import struct
import sys
from collections.abc import Mapping
from itertools import islice
from typing import BinaryIO

import pyoxigraph as ox

from kg.shared.namespaces import PREFIXES

_LENGTH = struct.Struct(">I")
_stores: dict[str, ox.Store] = {}


def open_store(path: str) -> ox.Store:
    store = _stores.get(path)
    if store is None:
        store = _stores[path] = ox.Store.read_only(path)
    return store


def _message(exc: BaseException) -> str:
    text = " ".join(str(exc.args[0] if exc.args else exc).split())
    return text[:400] + ("…" if len(text) > 400 else "")


def _graphs(names: list[str] | None) -> list[ox.NamedNode] | None:
    return None if names is None else [ox.NamedNode(n) for n in names]


def _ordered(query: str) -> bool:
    """has_order_by, with a shortcut for the usual shapes: tokenising a whole query costs more than running it."""
    from kg.shared.sparqltext import has_order_by

    if "order" not in query.lower():
        return False
    tail = query[query.rfind("}") + 1:]
    if not any(c in tail for c in "\"'#<") and re.search(r"(?i)\border\s+by\b", tail):
        return True
    return has_order_by(query)


def _compact_json(variables: list[str], rows: list[tuple[object, ...]]) -> str:
    """SPARQL 1.1 JSON results without indentation: the same document as `kg query --format json`, written by
    json's C encoder (the indented form goes through its pure-Python one, 1 ms per small answer)."""
    from kg.output.formatting import json_term

    bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False,
                      separators=(",", ":")) + "\n"


def run_job(store: ox.Store, job: Mapping[str, object]) -> tuple[dict[str, object], bytes]:
    """Run one query and write its answer: (header, body). The header holds `status` (200, 400 or 406),
    `format` (of the body), `rows` and `truncated` (the row limit, when rows were cut) or `message`.

    job: query, default_graph / named_graphs (IRIs, or None for the store's own dataset), select_format and
    graph_format (None: the client accepts no format for that kind of result), max_rows."""
    from kg.output.formatting import render_ask, render_csv, render_tsv, render_xml
    from kg.output.rdf import serialize_triples
    query = str(job["query"])
    max_rows = int(job.get("max_rows") or 10_000)  # type: ignore[call-overload]
    try:
        result = store.query(query, prefixes=PREFIXES, default_graph=_graphs(job.get("default_graph")),  # type: ignore[arg-type]
                             named_graphs=_graphs(job.get("named_graphs")))  # type: ignore[arg-type]
    except SyntaxError as exc:
        return {"status": 400, "message": f"query does not parse: {_message(exc)}"}, b""
    except (ValueError, OSError, RuntimeError) as exc:
        return {"status": 400, "message": f"query failed: {_message(exc)}"}, b""
    try:
        if isinstance(result, ox.QueryBoolean):
            fmt = job.get("select_format")
            if fmt is None:
                return {"status": 406, "message": "an ASK result is written as JSON, XML, CSV or TSV"}, b""
            from kg.shared.results import AskResult

            return {"status": 200, "format": fmt, "rows": 1}, render_ask(AskResult(bool(result)), fmt).encode()
        if isinstance(result, ox.QuerySolutions):
            fmt = job.get("select_format")
            if fmt is None:
                return {"status": 406, "message": "SELECT results are written as JSON, XML, CSV or TSV"}, b""
            names = [v.value for v in result.variables]
            rows = [tuple(s[n] for n in names) for s in islice(result, max_rows + 1)]
            truncated = len(rows) > max_rows
            rows = rows[:max_rows]
            # the same stable order as `kg query` (kg.output.formatting); most queries hold no "order" at all
            if not _ordered(query):
                rows.sort(key=lambda row: tuple("" if t is None else str(t) for t in row))
            writers = {"json": _compact_json, "xml": render_xml, "csv": render_csv, "tsv": render_tsv}
            body = writers[str(fmt)](names, rows).encode()
            return {"status": 200, "format": fmt, "rows": len(rows),
                    "truncated": max_rows if truncated else None}, body
        fmt = job.get("graph_format")
        if fmt is None:
            return {"status": 406, "message": "graph results are written as Turtle, JSON-LD or N-Triples"}, b""
        triples = list(islice(result, max_rows + 1))
        truncated = len(triples) > max_rows
        body = "".join(serialize_triples(triples[:max_rows], str(fmt))).encode()
        return {"status": 200, "format": fmt, "rows": min(len(triples), max_rows),
                "truncated": max_rows if truncated else None}, body
    except (ValueError, OSError, RuntimeError) as exc:  # evaluation errors surface while iterating
        return {"status": 400, "message": f"query failed: {_message(exc)}"}, b""


# -- the process ------------------------------------------------------------------------------------
def read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)) + data)


def frame(data: bytes) -> bytes:
    return _LENGTH.pack(len(data)) + data


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the server dies without stopping it (best effort, elsewhere a no-op):
    a worker deep in a runaway query would otherwise never read the end of its input."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main() -> None:
    """Serve jobs from stdin until it closes. Says `ready` once the store opens."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server decides
    _die_with_parent()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    paths = sys.argv[1:]
    for path in paths:
        open_store(path)
    write_frame(stdout, json.dumps({"ready": True}).encode())
    stdout.flush()
    while True:
        data = read_frame(stdin)
        if data is None:
            return
        job = json.loads(data)
        try:
            header, body = run_job(open_store(job["store"]), job)
        except Exception as exc:  # a bug must not take the pipe down silently: report it as a 500
            header, body = {"status": 500, "message": f"internal error: {type(exc).__name__}: {exc}"}, b""
        stdout.write(frame(json.dumps(header).encode()) + frame(body))
        stdout.flush()


if __name__ == "__main__":
    main()
