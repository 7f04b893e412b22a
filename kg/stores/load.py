"""Load the graph into a remote triplestore without ever exposing a half-loaded live graph.

Every named graph is first written to a fresh staging graph (`<live>.staging-<random>-until-<time>`), then
each staging graph is counted against the number of distinct triples the engine holds, and only then swapped
into place with SPARQL Update `MOVE`. Any failure before the swap drops the staging graphs and leaves the live
graphs exactly as they were. Stores whose graph PUT is not atomic (Virtuoso) are safe because only staging
graphs are ever PUT to.

A load killed outright (SIGKILL, power cut) cannot drop its staging graphs. Their names say when the load
that wrote them had to give up (its deadline, as seconds since the epoch): once that time is past, no load
can still be using them, and the next successful load of the same live graphs drops them. Staging graphs
without that time (written by an older kg, or by a load without a deadline) are only reported.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.shared.errors import ParameterError, StoreError
from kg.shared.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from kg.stores.profiles import Endpoints, redact

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph
    from kg.shared.paths import GraphLayout
    from kg.stores.http import HttpClient

PARTS = ("ontology", "data", "inferred")
DEFAULT_GRAPHS: dict[str, str] = {"ontology": GRAPH_ONTOLOGY, "data": GRAPH_DATA, "inferred": GRAPH_INFERRED}
DEFAULT_BATCH_SIZE = 10_000  # triples per request (GSP chunk or INSERT DATA)
NT_TYPE = "application/n-triples"
UPDATE_TYPE = "application/sparql-update; charset=utf-8"
RESULTS_JSON = "application/sparql-results+json"

Progress = Callable[[int, int], None]  # (triples sent so far, total)


@dataclass
class GraphPayload:
    """What one live named graph must hold after the load."""

    part: str
    graph: str
    triples: list[ox.Triple]

    @property
    def count(self) -> int:
        return len(self.triples)


@dataclass
class GraphOutcome:
    part: str
    graph: str
    count: int  # triples in the live graph after the swap, as counted by the store


@dataclass
class LoadReport:
    store: str
    base_url: str
    method: str  # "gsp" (Graph Store Protocol) or "update" (INSERT DATA)
    graphs: list[GraphOutcome] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # live graphs removed (stale inferences)
    swept: list[str] = field(default_factory=list)  # abandoned staging graphs of earlier loads, dropped
    unclaimed: list[str] = field(default_factory=list)  # staging-like graphs nothing proves abandoned
    sweep_error: str = ""  # why the search for abandoned staging graphs failed (the load itself succeeded)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.graphs)


# -- what to load -------------------------------------------------------------------------------------

def check_graph_iris(graphs: Mapping[str, str]) -> dict[str, str]:
    """Validate the live graph IRIs: well-formed, and distinct (two parts in one graph would overwrite)."""
    out: dict[str, str] = {}
    for part in PARTS:
        iri = graphs.get(part, DEFAULT_GRAPHS[part])
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise ParameterError(f"--graph-{part}: not an IRI: {iri!r} ({exc})") from None
        out[part] = iri
    if len(set(out.values())) != len(out):
        raise ParameterError(
            "--graph-ontology, --graph-data and --graph-inferred must be three different IRIs"
        )
    return out


def payloads_from_graph(
    kgraph: KnowledgeGraph, graphs: Mapping[str, str], *, inferred: bool
) -> list[GraphPayload]:
    """One payload per live graph, from the engine's distinct triples of each part."""
    parts = ["ontology", "data"] + (["inferred"] if inferred else [])
    return [GraphPayload(part, graphs[part], list(dict.fromkeys(kgraph.triples(part)))) for part in parts]


def _blank_nodes(term: object, out: list[ox.BlankNode]) -> None:
    if isinstance(term, ox.BlankNode):
        out.append(term)
    elif isinstance(term, ox.Triple):  # RDF-star quoted triple
        _blank_nodes(term.subject, out)
        _blank_nodes(term.object, out)


def chunk_triples(triples: Sequence[ox.Triple], size: int) -> list[list[ox.Triple]]:
    """Chunks of at most `size` triples, except that triples linked by blank nodes stay together.

    A blank node label only means something inside one request: split across two, `_:b` would become two
    different nodes on the server (an RDF list of a property chain would fall apart, and counts would lie).
    """
    if size < 1:
        raise ParameterError("--batch-size must be at least 1")
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        root = node
        while parent[root] != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    keyed: list[tuple[ox.Triple, ox.BlankNode | None]] = []
    for triple in triples:
        nodes: list[ox.BlankNode] = []
        _blank_nodes(triple.subject, nodes)
        _blank_nodes(triple.object, nodes)
        for node in nodes:
            parent.setdefault(node, node)
        for node in nodes[1:]:
            a, b = find(nodes[0]), find(node)
            if a != b:
                parent[b] = a
        keyed.append((triple, nodes[0] if nodes else None))

    units: list[list[ox.Triple]] = []
    groups: dict[ox.BlankNode, list[ox.Triple]] = {}
    for triple, node in keyed:
        if node is None:
            units.append([triple])
            continue
        root = find(node)
        if root not in groups:
            groups[root] = []
            units.append(groups[root])
        groups[root].append(triple)

    chunks: list[list[ox.Triple]] = []
    current: list[ox.Triple] = []
    for unit in units:
        if current and len(current) + len(unit) > size:
            chunks.append(current)
            current = []
        current.extend(unit)
    if current:
        chunks.append(current)
    return chunks


def insert_request(graph: str, chunk: Sequence[ox.Triple], ntriples: bytes) -> str:
    """An update that adds one chunk to a graph.

    INSERT DATA when the chunk is ground. With blank nodes, `INSERT { … } WHERE {}`: its template makes one
    fresh node per label, as INSERT DATA should, and Virtuoso refuses blank nodes in INSERT DATA.
    """
    triples = ntriples.decode("utf-8")
    has_bnodes = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in chunk)
    if has_bnodes:
        return f"INSERT {{ GRAPH <{graph}> {{\n{triples}}} }} WHERE {{}}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}"


STALE_AFTER = 300  # seconds past a staging graph's deadline before it counts as abandoned (clock skew)
CLEANUP_RESERVE = 10.0  # seconds of the deadline kept to drop the staging graphs of a failed load (at most)


def staging_iri(live: str, token: str) -> str:
    return f"{live}.staging-{token}"


def staging_token(until: float | None = None) -> str:
    """A fresh token; with `until` (epoch seconds after which the load will have given up) it says so."""
    random = secrets.token_hex(6)
    return random if until is None else f"{random}-until-{int(until) + 1}"


def stale_staging(live: str, graph: str, now: float) -> bool | None:
    """Whether `graph` is a staging graph of `live` abandoned by its load: True when its deadline passed
    long enough ago, False when its load may still be running, None when it is not a staging graph of
    `live` in kg's form or carries no deadline (then nothing proves it is abandoned)."""
    match = re.fullmatch(re.escape(live) + r"\.staging-[0-9a-f]{12}(?:-until-([0-9]{9,12}))?", graph)
    if match is None or match.group(1) is None:
        return None
    return int(match.group(1)) + STALE_AFTER < now


# -- the protocol -------------------------------------------------------------------------------------

class StagedLoader:
    """Upload to staging graphs, verify by count, swap with MOVE; on failure drop staging, keep live."""

    def __init__(
        self,
        client: HttpClient,
        endpoints: Endpoints,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Progress | None = None,
        token: str | None = None,
    ) -> None:
        if batch_size < 1:
            raise ParameterError("--batch-size must be at least 1")
        self.client = client
        self.endpoints = endpoints
        self.batch_size = batch_size
        self.progress = progress
        if token is None:
            left = client.time_left()
            token = staging_token(None if left is None else time.time() + left + client.reserve)
        self.token = token
        self._sent = 0
        self._total = 0
        self._written: list[str] = []  # staging graphs a request may have written to

    @property
    def method(self) -> str:
        return "gsp" if self.endpoints.gsp_url else "update"

    # -- requests -------------------------------------------------------------------------------------
    def update(self, sparql: str, *, what: str, idempotent: bool = False, tries: int | None = None) -> None:
        self.client.send(
            "POST", self.endpoints.update_url, what=what, data=sparql.encode("utf-8"),
            headers={"Content-Type": UPDATE_TYPE}, idempotent=idempotent, tries=tries,
        )

    def count(self, graph: str, *, tries: int | None = None) -> int:
        """Triples in one named graph, counted by the store (one row: not affected by result caps)."""
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        what = f"count of <{graph}>"
        response = self.client.send(
            "POST", self.endpoints.query_url, what=what, data={"query": query},
            headers={"Accept": RESULTS_JSON}, tries=tries,
        )
        try:
            return int(response.json()["results"]["bindings"][0]["n"]["value"])
        except (ValueError, KeyError, IndexError, TypeError):
            from kg.stores.http import server_message

            raise StoreError(
                f"{what}: {redact(self.endpoints.query_url)} did not answer with SPARQL JSON results: "
                f"{server_message(response.text)}"
            ) from None

    def upload(self, payload: GraphPayload, staging: str) -> None:
        """Write a payload into its staging graph, chunk by chunk."""
        from kg.stores.http import wrote_nothing

        what = f"upload of the {payload.part} graph"
        for i, chunk in enumerate(chunk_triples(payload.triples, self.batch_size)):
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES)
            try:
                if self.endpoints.gsp_url:
                    # The first chunk PUTs (replaces) the staging graph; the next ones POST (append) to it.
                    method = "PUT" if i == 0 else "POST"
                    self.client.send(
                        method, self.endpoints.gsp_url, what=what, params={"graph": staging}, data=body,
                        headers={"Content-Type": NT_TYPE}, idempotent=method == "PUT",
                    )
                else:
                    self.update(insert_request(staging, chunk, body), what=what)
            except StoreError as exc:
                # A request that never reached the server, or whose credentials were refused, wrote
                # nothing; any other failure (a timeout, an error half-way through a PUT) may have.
                if not wrote_nothing(exc) and staging not in self._written:
                    self._written.append(staging)
                raise
            if staging not in self._written:
                self._written.append(staging)
            self._sent += len(chunk)
            if self.progress:
                self.progress(self._sent, self._total)

    # -- the whole load -------------------------------------------------------------------------------
    def run(self, payloads: Sequence[GraphPayload], *, drop: Iterable[str] = ()) -> list[GraphOutcome]:
        """Stage, verify and swap every payload; also drop the live graphs in `drop` at swap time."""
        stage = {p.graph: staging_iri(p.graph, self.token) for p in payloads}
        to_drop = [g for g in drop if g not in stage]
        staged = self._written = []
        self._sent, self._total = 0, sum(p.count for p in payloads)
        try:
            for payload in payloads:
                if payload.count == 0:
                    continue  # an empty part is swapped in by dropping its live graph
                self.upload(payload, stage[payload.graph])
            for payload in payloads:
                if payload.count:
                    found = self.count(stage[payload.graph])
                    if found != payload.count:
                        raise StoreError(
                            f"verification failed: the staging graph of the {payload.part} graph holds "
                            f"{found} triples, expected {payload.count}"
                        )
        except StoreError as exc:
            self.client.grant_reserve()  # the time kept for this: a passed deadline still allows the drop
            raise type(exc)(f"{exc.message}; live graphs unchanged; {self._cleanup(staged, exc)}") from None
        except BaseException:
            self._drop_quietly(staged)
            raise
        self._swap(payloads, stage, to_drop)
        return self._check_live(payloads)

    def sweep(self, lives: Iterable[str]) -> tuple[list[str], list[str]]:
        """Drop the abandoned staging graphs of these live graphs (see stale_staging); leave every other
        graph alone. (dropped, staging-like graphs left because nothing proves them abandoned)."""
        lives = list(lives)
        test = " || ".join(f'STRSTARTS(STR(?g), "{live}.staging-")' for live in lives)
        query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({test}) }}"
        response = self.client.send(
            "POST", self.endpoints.query_url, what="search for stale staging graphs", data={"query": query},
            headers={"Accept": RESULTS_JSON}, tries=2,
        )
        try:
            found = [row["g"]["value"] for row in response.json()["results"]["bindings"]]
        except (ValueError, KeyError, TypeError):
            raise StoreError("search for stale staging graphs: the store did not answer with SPARQL JSON "
                             "results") from None
        now = time.time()
        mine = {staging_iri(live, self.token) for live in lives}
        stale, kept = [], []
        for graph in sorted(set(found) - mine):
            verdicts = [stale_staging(live, graph, now) for live in lives]
            (stale if True in verdicts else kept).append(graph)
        if stale:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale),
                        what="drop of stale staging graphs", idempotent=True, tries=2)
        return stale, kept

    def _swap(self, payloads: Sequence[GraphPayload], stage: Mapping[str, str], drop: Sequence[str]) -> None:
        """MOVE every staging graph onto its live graph: one request where the store applies a request as a
        whole, else one request per graph (Virtuoso commits operations one by one even when a later fails).

        A swap request is never retried once sent: re-running a MOVE whose source is gone would empty
        the live graph on stores that treat a missing graph as empty (Virtuoso does).
        """
        ops = [
            (p, f"MOVE <{stage[p.graph]}> TO <{p.graph}>" if p.count else f"DROP SILENT GRAPH <{p.graph}>")
            for p in payloads
        ]
        extra = [f"DROP SILENT GRAPH <{g}>" for g in drop]
        try:
            if self.endpoints.profile.atomic_update_request:
                self.update(" ;\n".join([op for _, op in ops] + extra), what="swap of the staging graphs")
            else:
                for payload, op in ops:
                    self.update(op, what=f"swap of the {payload.part} graph")
                for op in extra:
                    self.update(op, what="drop of the stale inferred graph")
        except StoreError as exc:
            raise StoreError(f"{exc.message}; {self._after_failed_swap(payloads, stage)}") from None

    def _after_failed_swap(self, payloads: Sequence[GraphPayload], stage: Mapping[str, str]) -> str:
        """Find out, by counting the staging graphs, which live graphs were replaced before the failure."""
        moved, kept = [], []
        try:
            for payload in payloads:
                if not payload.count:
                    continue
                still_staged = self.count(stage[payload.graph], tries=2) == payload.count
                (kept if still_staged else moved).append(payload)
        except StoreError:
            names = ", ".join(f"<{stage[p.graph]}>" for p in payloads if p.count)
            return f"could not check which live graphs were swapped; staging graphs may remain: {names}"
        staging_note = self._cleanup([stage[p.graph] for p in kept])
        if not moved:
            return f"live graphs unchanged; {staging_note}"
        done = ", ".join(p.part for p in moved)
        left = ", ".join(p.part for p in kept) or "none"
        return f"live graphs already replaced: {done}; unchanged: {left}; {staging_note}"

    def _check_live(self, payloads: Sequence[GraphPayload]) -> list[GraphOutcome]:
        outcomes = []
        for payload in payloads:
            found = self.count(payload.graph)
            if found != payload.count:
                raise StoreError(
                    f"after the swap the live {payload.part} graph <{payload.graph}> holds {found} triples, "
                    f"expected {payload.count}"
                )
            outcomes.append(GraphOutcome(payload.part, payload.graph, found))
        return outcomes

    def _drop_quietly(self, staged: Sequence[str]) -> StoreError | None:
        """Drop staging graphs; the error that prevented it, if any."""
        if not staged:
            return None
        text = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in staged)
        try:
            self.update(text, what="drop of the staging graphs", idempotent=True, tries=2)
        except StoreError as exc:
            return exc
        return None

    def _cleanup(self, staged: Sequence[str], cause: StoreError | None = None) -> str:
        """Drop the staging graphs after a failure; a few words on what became of them."""
        from kg.stores.http import AuthRefused

        if not staged:
            return "nothing was written"
        failure = self._drop_quietly(staged)
        if failure is None:
            return "staging graphs dropped"
        if isinstance(cause, AuthRefused) and isinstance(failure, AuthRefused):
            return "nothing was written"  # the credentials that cannot drop could not write either
        names = ", ".join(f"<{g}>" for g in staged)
        later = ("the next successful kg load of these graphs drops them, or DROP SILENT GRAPH them"
                 if "-until-" in self.token else "DROP SILENT GRAPH them")
        return f"could not drop the staging graphs, which may remain ({later}): {names}"


# -- one call for the CLI -----------------------------------------------------------------------------

def detect_profile(client: HttpClient, base_url: str) -> str:
    """Which profile answers at BASE_URL, from the `Server:` header of a GET on the root (any status)."""
    from kg.stores.profiles import profile_from_server_header

    response = client.send("GET", base_url, what="probe of the server", check=False)
    return profile_from_server_header(response.headers.get("Server"))


def load_into_store(
    base_url: str,
    *,
    store: str | None = None,
    query_url: str | None = None,
    update_url: str | None = None,
    gsp_url: str | None = None,
    use_gsp: bool = True,
    layout: GraphLayout | None = None,
    inferred: bool = False,
    reasoning: str | None = None,
    engine: str = "rules",
    use_cache: bool = True,
    graphs: Mapping[str, str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    timeout: float = 120.0,
    auth: str | None = None,
    verify_tls: bool = True,
    progress: Progress | None = None,
    client: HttpClient | None = None,
    deadline: float | None = None,
    notify: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load the ontology, data and (with `inferred`) inferred graphs into the store at BASE_URL.

    `store` None detects the server kind and falls back to generic. Without `inferred`, the live inferred
    graph is dropped at swap time, so the store never serves inferences computed from older data.
    `deadline`: seconds from now for the whole load (no request starts or is waited for after it); the
    last quarter of it, ten seconds at most, is kept for dropping the staging graphs of a failed load.
    `notify` receives a line when a request is slow to answer. After a successful load, abandoned staging
    graphs of earlier loads of the same live graphs are dropped (see stale_staging).
    """
    from kg.engine.graph import open_graph
    from kg.stores.http import HttpClient
    from kg.stores.profiles import check_base_url

    started = time.monotonic()
    check_base_url(base_url)
    if batch_size < 1:
        raise ParameterError("--batch-size must be at least 1")
    if deadline is not None and not deadline > 0:
        raise ParameterError("--deadline must be a positive number of seconds")
    live = check_graph_iris(graphs or {})
    if reasoning not in (None, "none"):
        inferred = True
    regime = (reasoning if reasoning not in (None, "none") else "owlrl") if inferred else "none"
    kgraph = open_graph(layout, reasoning=regime, engine=engine, use_cache=use_cache)
    payloads = payloads_from_graph(kgraph, live, inferred=inferred)

    http = client or HttpClient(timeout=timeout, verify_tls=verify_tls)
    if deadline is not None:  # counted from the start: building the closure took some of it
        http.set_deadline(deadline, start=started, reserve=min(CLEANUP_RESERVE, deadline / 4))
    http.notify = notify or http.notify
    try:
        return _load(http, base_url, store, payloads, live, inferred=inferred, auth=auth,
                     set_auth=client is None or auth is not None, batch_size=batch_size, progress=progress,
                     urls={"query_url": query_url, "update_url": update_url, "gsp_url": gsp_url}, use_gsp=use_gsp)
    finally:
        if client is None:
            http.session.close()  # no socket left open for the garbage collector to complain about


def _load(http: HttpClient, base_url: str, store: str | None, payloads: list[GraphPayload],
          live: Mapping[str, str], *, inferred: bool, auth: str | None, set_auth: bool, batch_size: int,
          progress: Progress | None, urls: Mapping[str, str | None], use_gsp: bool) -> LoadReport:
    from kg.stores.http import make_auth
    from kg.stores.profiles import resolve_endpoints

    try:
        profile = store or detect_profile(http, base_url)
    except StoreError as exc:
        raise type(exc)(f"{exc.message}; live graphs unchanged; nothing was written") from None
    endpoints = resolve_endpoints(base_url, profile, use_gsp=use_gsp, **urls)
    if set_auth:
        http.auth = make_auth(auth or endpoints.profile.auth, endpoints.update_url)
    drop = [] if inferred else [live["inferred"]]
    loader = StagedLoader(http, endpoints, batch_size=batch_size, progress=progress)
    outcomes = loader.run(payloads, drop=drop)
    report = LoadReport(endpoints.profile.name, redact(endpoints.base_url), loader.method, outcomes, drop)
    try:
        report.swept, report.unclaimed = loader.sweep(live.values())
    except StoreError as exc:
        report.sweep_error = exc.message
    return report
