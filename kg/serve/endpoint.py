"""The SPARQL 1.1 Protocol endpoint (/sparql), named queries as an API (/queries/NAME), and the RDF side of
dereferenceable IRIs (/id/NAME, /ontology).

Queries run in threads of the server process, each with a deadline (kg.serve.runner; a runaway ends the process
under `kg serve`, kg.serve.prefork); the dereferenced descriptions are plain look-ups on the opened store.
HTML is not written here: for a browser,
/id/NAME calls `state.render_entity_html(request, iri)`, /ontology `state.render_ontology_html(request, iri)`,
/queries/NAME `state.render_query_html(request, named_query)`, /queries `state.render_queries_html(request)`
and /sparql without a query `state.render_sparql_html(request)`, when the site module set them; otherwise those
paths answer with RDF or JSON, and 406 to a client that accepts only HTML.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from kg.serve import conneg
from kg.serve.form import parse_form
from kg.serve.runner import ProcessEnding, QueryTimeout
from kg.shared.errors import KgError
from kg.shared.namespaces import EKD, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, ONTOLOGY_IRI

MAX_BODY = 1 << 20  # bytes of a POSTed query: far above any real query, far below a memory problem
MAX_QUERY_STRING = 32 * 1024  # below uvicorn's own 64 KiB limit on a request line (a bare 400)
RESULT_FORMATS = tuple(conneg.RESULT_TYPES)
GRAPH_FORMATS = tuple(conneg.GRAPH_TYPES)
_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|\s)*(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(?:#[^\n]*\n|\s)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


class GraphStore:
    """One regime's closure as the queries see it: the opened store and its named graphs."""

    def __init__(self, store: ox.Store, ontology: list[str], data: list[str], inferred: list[str]) -> None:
        self.store = store
        self.ontology = ontology
        self.data = data
        self.inferred = inferred

    def asserted(self) -> list[str]:
        return self.ontology + self.data


def _graph_store(kgraph: object) -> GraphStore:
    names = [[g.value for g in graphs] for graphs in (kgraph.ontology_graphs, kgraph.data_graphs,  # type: ignore[attr-defined]
                                                      kgraph.inferred_graphs)]  # type: ignore[attr-defined]
    return GraphStore(kgraph.store, *names)  # type: ignore[attr-defined]


class Resources:
    """Long-lived resources of the endpoint, started and stopped with the app: the threads that run queries
    (kg.serve.runner), the store of each reasoning regime they may need (the served one at start, others on
    first use by a named query) and the service description's figures."""

    def __init__(self, state: object) -> None:
        from kg.serve.runner import DEFAULT_THREADS, QueryRunner

        self.state = state
        self.config = state.config  # type: ignore[attr-defined]
        self.runner = QueryRunner(float(self.config.timeout), int(self.config.threads or DEFAULT_THREADS))
        self.stores: dict[str, GraphStore] = {self.config.reasoning: _graph_store(state.kgraph)}  # type: ignore[attr-defined]
        self.lock: asyncio.Lock | None = None
        self.description_counts: dict[str, int] | None = None

    def start(self) -> None:
        self.lock = asyncio.Lock()

    def stop(self) -> None:
        self.runner.stop()

    @property
    def served(self) -> GraphStore:
        return self.stores[self.config.reasoning]

    async def store_for(self, regime: str) -> tuple[GraphStore, list[str] | None]:
        """The store and default graph answering a named query that asks for `regime`, as `kg query` would:
        the asserted graphs for none, else that regime's closure (opened once, on first use)."""
        if regime == "none":
            return self.served, self.served.asserted()
        if regime not in self.stores:
            if self.lock is None:
                self.lock = asyncio.Lock()
            async with self.lock:
                if regime not in self.stores:
                    from kg.engine.graph import open_graph

                    state = self.state
                    kgraph = await run_in_threadpool(open_graph, state.layout, reasoning=regime)  # type: ignore[attr-defined]
                    kgraph.ensure_provenance()
                    self.stores[regime] = _graph_store(kgraph)
        return self.stores[regime], None

    async def run(self, store: GraphStore, job: dict[str, object]) -> tuple[dict, bytes]:
        job.setdefault("max_rows", self.config.max_rows)
        return await self.runner.run(store.store, job)


# -- responses ----------------------------------------------------------------------------------------
def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line plain-text error, as the command line prints it."""
    return Response(f"Error: {message}\n", status_code=status, media_type="text/plain; charset=utf-8",
                    headers=headers)


def _content_type(fmt: str) -> str:
    mtype = conneg.media_type(fmt)
    return mtype if mtype.endswith("json") else f"{mtype}; charset=utf-8"


def _answer(header: dict, body: bytes) -> Response:
    status = int(header.get("status", 500))
    if status != 200:
        return error(status, str(header.get("message", "query failed")))
    headers = {"Vary": "Accept", "X-KG-Rows": str(header.get("rows", ""))}
    if header.get("truncated"):
        headers["X-KG-Truncated"] = str(header["truncated"])
    return Response(body, media_type=_content_type(str(header["format"])), headers=headers)


async def _run_query(resources: Resources, store: GraphStore, job: dict[str, object]) -> Response:
    timeout = float(resources.config.timeout)
    from kg.serve.federation import refusal

    refused = refusal(str(job["query"]), resources.config.allow_service or ())  # no SSRF through SERVICE
    if refused:
        return error(400, refused)
    try:
        header, body = await resources.run(store, job)
    except QueryTimeout:
        return error(503, f"the query ran past the time limit of {timeout:g} s and was stopped",
                     {"Retry-After": "10"})
    except ProcessEnding:
        return error(503, "the server process answering this query is stopping (the server is stopping, or "
                          "another query ran past the time limit and the process is replaced); send it again",
                     {"Retry-After": "1"})
    if header.get("status") == 400 and _UPDATE.match(str(job["query"])):
        return error(403, "SPARQL Update is refused: this endpoint is read-only")
    return _answer(header, body)


async def _delegate(function: object, *args: object) -> Response:
    out = function(*args)  # type: ignore[operator]
    if inspect.isawaitable(out):
        out = await out
    return out  # type: ignore[return-value]


def _formats(request: Request) -> tuple[str | None, str | None]:
    """(format for SELECT/ASK results, format for graph results) the client accepts."""
    accept = request.headers.get("accept")
    select_fmt = conneg.choose(accept, RESULT_FORMATS)
    graph_fmt = conneg.choose(accept, GRAPH_FORMATS)
    return select_fmt, graph_fmt


class RequestTooLarge(Exception):
    pass


async def _body(request: Request) -> bytes:
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY:
        raise RequestTooLarge()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise RequestTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _iris(values: list[str], what: str) -> list[str]:
    out = []
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise KgError(f"{what}: {value!r} is not an IRI") from None
        out.append(value)
    return out


# -- /sparql --------------------------------------------------------------------------------------------
def sparql_route(state: object, resources: Resources) -> Route:
    async def sparql(request: Request) -> Response:
        raw_qs = request.scope.get("query_string", b"")
        if len(raw_qs) > MAX_QUERY_STRING:
            return error(414, f"the request's query string is over {MAX_QUERY_STRING} bytes; POST the query")
        fields = parse_form(raw_qs)
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                body = await _body(request)
            except RequestTooLarge:
                return error(413, f"the request body is over {MAX_BODY} bytes")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return error(400, "the request body is not UTF-8")
            if ctype == "application/x-www-form-urlencoded":
                fields += parse_form(body)
            elif ctype == "application/sparql-query":
                fields.append(("query", text))
            elif ctype == "application/sparql-update":
                return error(403, "SPARQL Update is refused: this endpoint is read-only")
            else:
                return error(415, f"unsupported Content-Type {ctype or '(none)'!r}: send "
                                  "application/sparql-query or application/x-www-form-urlencoded")
        names = [k for k, _ in fields]
        if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
            return error(403, "SPARQL Update is refused: this endpoint is read-only")
        queries = [v for k, v in fields if k == "query"]
        if len(queries) > 1:
            return error(400, "give one query (the request holds several `query` parameters)")
        if not queries:
            if request.method == "POST":
                return error(400, "no query: send `query=` form-encoded or an application/sparql-query body")
            return await service_description(request)
        try:
            default = _iris([v for k, v in fields if k == "default-graph-uri"], "default-graph-uri")
            named = _iris([v for k, v in fields if k == "named-graph-uri"], "named-graph-uri")
        except KgError as exc:
            return error(400, exc.message)
        select_fmt, graph_fmt = _formats(request)
        fmt_param = next((v for k, v in fields if k in ("format", "output")), None)
        if fmt_param is not None:
            fmt = conneg.FORMAT_NAMES.get(fmt_param.strip().lower())
            if fmt is None:
                return error(400, f"format {fmt_param!r}: choose from {', '.join(sorted(set(conneg.FORMAT_NAMES)))}")
            if fmt in RESULT_FORMATS:
                select_fmt = fmt
            else:
                graph_fmt = fmt
        if select_fmt is None and graph_fmt is None:
            return error(406, "cannot answer in any format the Accept header allows; results are written as "
                              + ", ".join(conneg.media_type(f) for f in RESULT_FORMATS + GRAPH_FORMATS))
        job: dict[str, object] = {"query": queries[0], "select_format": select_fmt, "graph_format": graph_fmt}
        if default or named:
            job["default_graph"] = _expand(resources.served, default)
            job["named_graphs"] = named
        return await _run_query(resources, resources.served, job)

    async def service_description(request: Request) -> Response:
        accept = request.headers.get("accept")
        html = getattr(state, "render_sparql_html", None)
        fmt = conneg.choose(accept, GRAPH_FORMATS + ((conneg.HTML,) if html else ()))
        if fmt is None:
            return error(406, "the service description is written as Turtle, JSON-LD or N-Triples")
        if fmt == conneg.HTML:
            return await _delegate(html, request)
        if resources.description_counts is None:
            resources.description_counts = await run_in_threadpool(_counts, state.kgraph)  # type: ignore[attr-defined]
        endpoint = _public_base(state, request) + "sparql"
        triples = _service_description(endpoint, resources, resources.description_counts)
        return _rdf_response(triples, fmt, prefixes={"sd": SD, "void": VOID, "formats": FORMATS_NS})

    state.sparql_handler = sparql  # type: ignore[attr-defined]  # kg.serve.app's short path
    return Route("/sparql", sparql, methods=["GET", "POST"])


def _expand(store: GraphStore, names: list[str]) -> list[str]:
    """default-graph-uri values, with the three project graph names standing for their parts (the IRIs a
    remote store loaded by `kg load` uses): …/graph/ontology, …/graph/data, …/graph/inferred."""
    parts = {GRAPH_ONTOLOGY: store.ontology, GRAPH_DATA: store.data, GRAPH_INFERRED: store.inferred}
    out: list[str] = []
    for name in names:
        out += parts.get(name, [name])
    return list(dict.fromkeys(out))


def _public_base(state: object, request: Request) -> str:
    base = state.config.base_url  # type: ignore[attr-defined]
    if base:
        return base if base.endswith("/") else base + "/"
    return str(request.base_url)


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _counts(kgraph: object) -> dict[str, int]:
    """Triples in the default graph and in each named graph, for the service description."""
    kg = kgraph  # KnowledgeGraph
    counts = {"": kg.count("all")}  # type: ignore[attr-defined]
    for graph in kg.graphs("all"):  # type: ignore[attr-defined]
        counts[graph.value] = sum(1 for _ in kg.store.quads_for_pattern(None, None, None, graph))  # type: ignore[attr-defined]
    return counts


def _service_description(endpoint: str, resources: Resources, counts: dict[str, int]) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description of the endpoint: what it accepts, what it writes and its dataset."""
    node, lit = ox.NamedNode, ox.Literal
    config = resources.config
    service, dataset, default = node(endpoint), ox.BlankNode("dataset"), ox.BlankNode("default")
    out = [
        ox.Triple(service, node(RDF_TYPE), node(SD + "Service")),
        ox.Triple(service, node(SD + "endpoint"), service),
        ox.Triple(service, node(SD + "supportedLanguage"), node(SD + "SPARQL11Query")),
        ox.Triple(service, node(SD + "feature"), node(SD + "UnionDefaultGraph")),
        ox.Triple(service, node(SD + "defaultDataset"), dataset),
        ox.Triple(service, node(DCTERMS + "description"), lit(
            f"Read-only SPARQL 1.1 endpoint of ecosystem-kg (SPARQL Update is refused). Each query may run "
            f"{config.timeout:g} s, then the answer is 503; results are cut at {config.max_rows} rows (header "
            f"X-KG-Truncated). The project prefixes (ekg:, ekd:, rdfs:, skos:, prov:, …) are predeclared.",
            language="en")),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "JSON-LD", "N-Triples"):
        out.append(ox.Triple(service, node(SD + "resultFormat"), node(FORMATS_NS + name)))
    regime = config.reasoning
    what = {"none": "the ontology and the data (no reasoning)",
            "rdfs": "the ontology, the data and their RDFS closure",
            "owlrl": "the ontology, the data and their OWL 2 RL closure"}[regime]
    out += [
        ox.Triple(dataset, node(RDF_TYPE), node(SD + "Dataset")),
        ox.Triple(dataset, node(SD + "defaultGraph"), default),
        ox.Triple(default, node(RDF_TYPE), node(SD + "Graph")),
        ox.Triple(default, node(VOID + "triples"), lit(str(counts.get("", 0)), datatype=node(
            "http://www.w3.org/2001/XMLSchema#integer"))),
        ox.Triple(default, node(DCTERMS + "description"), lit(
            f"The union of {what}: every named graph below. default-graph-uri also takes {GRAPH_ONTOLOGY}, "
            f"{GRAPH_DATA} and {GRAPH_INFERRED} for those parts.", language="en")),
    ]
    store = resources.served
    for kind, graphs in (("ontology", store.ontology), ("data", store.data), ("inferred", store.inferred)):
        for index, name in enumerate(graphs):
            named, graph = ox.BlankNode(f"{kind}{index}"), ox.BlankNode(f"{kind}{index}g")
            out += [
                ox.Triple(dataset, node(SD + "namedGraph"), named),
                ox.Triple(named, node(RDF_TYPE), node(SD + "NamedGraph")),
                ox.Triple(named, node(SD + "name"), node(name)),
                ox.Triple(named, node(SD + "graph"), graph),
                ox.Triple(graph, node(RDF_TYPE), node(SD + "Graph")),
                ox.Triple(graph, node(VOID + "triples"), lit(str(counts.get(name, 0)), datatype=node(
                    "http://www.w3.org/2001/XMLSchema#integer"))),
            ]
    return out


def _rdf_response(triples: list[ox.Triple], fmt: str, headers: dict[str, str] | None = None,
                  prefixes: dict[str, str] | None = None) -> Response:
    """Deterministic Turtle, JSON-LD (the shipped context, plus `prefixes`) or N-Triples."""
    from kg.output.rdf import canonical_lines, context, triple_lines, triple_writer

    lines = canonical_lines(triple_lines(triples))
    writer = triple_writer(fmt)
    chunks = writer(lines, {**context(), **prefixes}) if prefixes and fmt != "nt" else writer(lines)  # type: ignore[call-arg]
    body = "".join(chunks)
    return Response(body, media_type=_content_type(fmt), headers={"Vary": "Accept", **(headers or {})})


# -- /queries/NAME --------------------------------------------------------------------------------------
def query_routes(state: object, resources: Resources) -> list[Route]:
    from kg.query import catalog

    queries_dir = state.layout.queries_dir  # type: ignore[attr-defined]

    async def listing(request: Request) -> Response:
        html = getattr(state, "render_queries_html", None)
        fmt = conneg.choose(request.headers.get("accept"), ("json",) + ((conneg.HTML,) if html else ()))
        if fmt is None:
            return error(406, "the catalogue is written as JSON")
        if fmt == conneg.HTML:
            return await _delegate(html, request)
        try:
            queries = await run_in_threadpool(catalog.load_catalog, queries_dir)
        except KgError as exc:
            return error(500, exc.message)
        body = json.dumps([q.as_dict() for q in queries.values()], indent=2, ensure_ascii=False) + "\n"
        return Response(body, media_type="application/json", headers={"Vary": "Accept"})

    async def named_query(request: Request) -> Response:
        name, suffix = conneg.split_suffix(request.path_params["name"], RESULT_FORMATS + GRAPH_FORMATS)
        try:
            named = await run_in_threadpool(catalog.find, queries_dir, name)
        except KgError as exc:
            return error(404, exc.message)
        html = getattr(state, "render_query_html", None)
        if suffix is None and html is not None and conneg.choose(
                request.headers.get("accept"), (*RESULT_FORMATS, *GRAPH_FORMATS, conneg.HTML)) == conneg.HTML:
            return await _delegate(html, request, named)
        if len(request.scope.get("query_string", b"")) > MAX_QUERY_STRING:
            return error(414, f"the request's query string is over {MAX_QUERY_STRING} bytes")
        from kg.query.params import parse_assignments

        try:  # the very code `kg query NAME -p k=v …` runs
            raw = parse_assignments([f"{k}={v}" for k, v in request.query_params.multi_items()])
            sparql = await run_in_threadpool(catalog.prepare, named, raw)
        except KgError as exc:
            return error(400, exc.message)
        if suffix is not None:
            select_fmt, graph_fmt = (suffix, None) if suffix in RESULT_FORMATS else (None, suffix)
        else:
            select_fmt, graph_fmt = _formats(request)
            if select_fmt is None and graph_fmt is None:
                return error(406, "cannot answer in any format the Accept header allows")
        store, default_graph = await resources.store_for(named.reasoning)
        job: dict[str, object] = {"query": sparql, "select_format": select_fmt, "graph_format": graph_fmt,
                                  "default_graph": default_graph}
        response = await _run_query(resources, store, job)
        response.headers["X-KG-Reasoning"] = named.reasoning
        return response

    return [Route("/queries", listing, methods=["GET"]), Route("/queries/{name}", named_query, methods=["GET"])]


# -- /id/NAME and /ontology ----------------------------------------------------------------------------
def _describe(store: ox.Store, iri: ox.NamedNode) -> list[ox.Triple]:
    """The node's outgoing and incoming triples in the default graph (asserted and inferred)."""
    default = ox.DefaultGraph()
    out = [q.triple for q in store.quads_for_pattern(iri, None, None, default)]
    out += [q.triple for q in store.quads_for_pattern(None, None, iri, default)]
    return out


def _ontology(kgraph: object) -> list[ox.Triple]:
    store = kgraph.store  # type: ignore[attr-defined]
    return [q.triple for g in kgraph.ontology_graphs  # type: ignore[attr-defined]
            for q in store.quads_for_pattern(None, None, None, g)]


def resource_routes(state: object) -> list[Route]:
    offered_rdf = GRAPH_FORMATS

    def pick(request: Request, suffix: str | None, html: object) -> str | None:
        if suffix is not None:
            return suffix
        return conneg.choose(request.headers.get("accept"), offered_rdf + ((conneg.HTML,) if html else ()))

    async def entity(request: Request) -> Response:
        raw = request.path_params["name"]
        html = getattr(state, "render_entity_html", None)
        name, suffix = conneg.split_suffix(raw, (*offered_rdf, conneg.HTML))
        store = state.kgraph.store  # type: ignore[attr-defined]
        try:
            iri = ox.NamedNode(EKD + name)
        except ValueError:
            return error(404, f"no such node: /id/{raw}")
        triples = await run_in_threadpool(_describe, store, iri)
        if not triples and suffix is not None:  # a name that merely ends like a suffix
            try:
                iri, suffix = ox.NamedNode(EKD + raw), None
            except ValueError:
                return error(404, f"no such node: /id/{raw}")
            triples = await run_in_threadpool(_describe, store, iri)
        if not triples:
            return error(404, f"no such node: {iri.value}")
        if suffix == conneg.HTML and html is None:
            return error(406, "no HTML pages in this server")
        fmt = pick(request, suffix, html)
        if fmt is None:
            return error(406, "this resource is served as " + ", ".join(
                conneg.media_type(f) for f in (offered_rdf + ((conneg.HTML,) if html else ()))))
        if fmt == conneg.HTML:
            return await _delegate(html, request, iri.value)
        headers = {} if suffix else {"Content-Location": f"/id/{name}{_suffix_of(fmt)}"}
        return _rdf_response(triples, fmt, headers)

    async def ontology(request: Request) -> Response:
        ext = request.path_params.get("ext")
        suffix = None
        if ext is not None:
            suffix = conneg.SUFFIXES.get("." + ext.lower())
            if suffix not in offered_rdf:
                return error(404, f"no such document: /ontology.{ext}")
        html = getattr(state, "render_ontology_html", None)
        fmt = pick(request, suffix, html)
        if fmt is None:
            return error(406, "the ontology is served as " + ", ".join(
                conneg.media_type(f) for f in (offered_rdf + ((conneg.HTML,) if html else ()))))
        if fmt == conneg.HTML:
            return await _delegate(html, request, ONTOLOGY_IRI)
        triples = await run_in_threadpool(_ontology, state.kgraph)  # type: ignore[attr-defined]
        headers = {} if suffix else {"Content-Location": f"/ontology{_suffix_of(fmt)}"}
        return _rdf_response(triples, fmt, headers)

    return [Route("/id/{name:path}", entity, methods=["GET", "HEAD"]),
            Route("/ontology", ontology, methods=["GET", "HEAD"]),
            Route("/ontology.{ext}", ontology, methods=["GET", "HEAD"])]


def _suffix_of(fmt: str) -> str:
    return next(s for s, f in conneg.SUFFIXES.items() if f == fmt)


def routes(state: object, resources: Resources) -> list[BaseRoute]:
    return [sparql_route(state, resources), *query_routes(state, resources), *resource_routes(state)]
