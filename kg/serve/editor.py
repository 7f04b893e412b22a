"""The SPARQL editor for people (issue 26, item 4): the query runs on the page itself (through the endpoint's own
runner: the same deadline and row limit as /sparql), its answer is shown as a table with labels and words, the
query stays in the box when it fails (with the one-line reason), downloads link to /sparql in each format, and the
named queries are offered as examples (`/editor?example=NAME` loads one)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kg.shared.namespaces import sparql_prefix_block

FORMATS = ("json", "xml", "csv", "tsv")
DEFAULT = ("SELECT ?s ?label WHERE {\n  ?s a ekg:Organisation ; rdfs:label ?label .\n"
           "  FILTER(LANG(?label) = \"en\")\n} ORDER BY ?label LIMIT 50\n")


async def run_text(state: object, text: str) -> tuple[object | None, str | None]:
    """(QueryResult, None) or (None, the reason it failed, in one line)."""
    from kg.serve.runner import ProcessEnding, QueryTimeout
    from kg.shared.results import to_result

    resources = state.resources  # type: ignore[attr-defined]
    job = {"query": text, "select_format": "json", "graph_format": "nt"}
    try:
        header, body = await resources.run(resources.served, job)
    except QueryTimeout:
        return None, f"the query ran past the time limit of {float(resources.config.timeout):g} s and was stopped"
    except ProcessEnding:
        return None, "the server process answering this query is stopping; send it again"
    if int(header.get("status", 500)) != 200:
        return None, str(header.get("message", "query failed"))
    fmt = str(header.get("format"))
    if fmt == "json":
        parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return to_result(parsed, text), None
    from kg.shared.results import GraphResult

    return GraphResult([q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]), None


async def editor_page(site: object, request: Request, lang: str, title: str) -> Response:
    """GET /editor[?query=…][&example=NAME]: the box, and the answer when a query is given."""
    from kg.inspection.results import result_table
    from kg.query.catalog import prepare
    from kg.shared.errors import KgError
    from kg.shared.results import GraphResult

    params = request.query_params
    text = params.get("query", "")
    example = site.catalog.get(params.get("example", ""))  # type: ignore[attr-defined]
    if example is not None and not text:
        try:
            text = prepare(example, {})
        except KgError:
            text = example.text
    table = error = graph = None
    elapsed = None
    if text.strip() and example is None:
        start = time.perf_counter()
        result, error = await run_text(site.state, text)  # type: ignore[attr-defined]
        elapsed = (time.perf_counter() - start) * 1000
        if isinstance(result, GraphResult):
            from kg.output.rdf import serialize_triples

            graph = "".join(serialize_triples(result.triples, "turtle"))
        elif result is not None:
            table = await run_in_threadpool(result_table, site.builder, result, lang,  # type: ignore[attr-defined]
                                            site.config.max_rows)  # type: ignore[attr-defined]
    shown = text if text.strip() else sparql_prefix_block() + "\n" + DEFAULT
    downloads = [(fmt, "/sparql?" + urlencode({"query": text, "format": fmt})) for fmt in FORMATS] if table else []
    examples = sorted(site.catalog.values(), key=lambda q: q.name)  # type: ignore[attr-defined]
    return site.render(request, "editor.html", 400 if error else 200,  # type: ignore[attr-defined]
                       title=title, text=shown, table=table, error=error, graph=graph,
                       elapsed=elapsed, downloads=downloads, examples=examples, formats=FORMATS)
