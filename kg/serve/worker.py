"""One SPARQL job of the endpoint: run a query on an opened store and write the finished response body.

`run_job` is plain data in, data out; kg.serve.runner calls it in a thread with a deadline (pyoxigraph releases
the GIL while it evaluates a query).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from itertools import islice

import pyoxigraph as ox

from kg.shared.namespaces import PREFIXES


def _message(exc: BaseException) -> str:
    text = " ".join(str(exc.args[0] if exc.args else exc).split())
    return text[:400] + ("…" if len(text) > 400 else "")


def _graphs(names: list[str] | None) -> list[ox.NamedNode] | None:
    return None if names is None else [ox.NamedNode(n) for n in names]


def _ordered(query: str) -> bool:
    """has_order_by, with a shortcut for the usual shapes: tokenising a whole query costs more than running it."""
    from kg.shared.sparqltext import has_order_by

    if b"order" not in query.encode("utf-8", "surrogatepass").lower():  # bytes.lower: ASCII only, 50x faster
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
    from kg.shared.errors import InputError
    from kg.shared.sparqltext import check_nesting

    try:  # a query nested deeper than pyoxigraph's parser can take would crash the whole process
        check_nesting(query)
    except InputError as exc:
        return {"status": 400, "message": exc.message}, b""
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
