"""The narrow interface every command goes through: open the graph (asserted + inferred), query it.

Nothing outside kg.engine knows which reasoner ran or how the closure was cached; swapping engines
changes this package only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from kg import DEFAULT_ENGINE, ENGINES, REGIMES
from kg.errors import InputError
from kg.paths import GraphLayout
from kg.paths import layout as default_layout
from kg.results import AskResult, GraphResult, QueryResult, SelectResult


class KnowledgeGraph:
    """A store holding one named graph per source file plus the inferred graphs of one regime.

    (A plain class, not a dataclass: this module is imported by every `kg query`, and `dataclasses` costs
    more to import than a warm query's own work.)"""

    def __init__(self, store: ox.Store, layout: GraphLayout, reasoning: str, engine: str,
                 ontology_graphs: list[ox.NamedNode], data_graphs: list[ox.NamedNode],
                 inferred_graphs: list[ox.NamedNode] | None = None, from_cache: bool = False,
                 pending_data_files: list | None = None) -> None:
        self.store = store
        self.layout = layout
        self.reasoning = reasoning
        self.engine = engine
        self.ontology_graphs = ontology_graphs
        self.data_graphs = data_graphs
        self.inferred_graphs = [] if inferred_graphs is None else inferred_graphs  # one per round, in order
        self.from_cache = from_cache
        # Data files not yet copied into their own named graphs (see build_graph's `provenance`).
        self.pending_data_files = [] if pending_data_files is None else pending_data_files

    def __repr__(self) -> str:
        return (f"KnowledgeGraph(reasoning={self.reasoning!r}, engine={self.engine!r}, "
                f"from_cache={self.from_cache}, graphs={len(self.ontology_graphs) + len(self.data_graphs)}"
                f"+{len(self.inferred_graphs)} inferred)")

    def ensure_provenance(self) -> None:
        """Give every data file its named graph, if build_graph left that for later.

        Queries need only the default graph; knowing which file asserts a triple (validate, describe, explain,
        export of a part, the cache) needs the per-file graphs, which cost a second copy of the data."""
        if not self.pending_data_files:
            return
        from kg.engine.loading import load_files

        load_files(self.store, "data", self.pending_data_files, self.layout.data_dir.parent)
        self.pending_data_files = []

    # -- graphs -------------------------------------------------------------------------------------
    def graphs(self, part: str = "all") -> list[ox.NamedNode]:
        """Named graphs of one part: ontology, data, asserted (both), inferred, or all."""
        if part != "inferred":
            self.ensure_provenance()
        parts = {
            "ontology": self.ontology_graphs,
            "data": self.data_graphs,
            "asserted": self.ontology_graphs + self.data_graphs,
            "inferred": self.inferred_graphs,
            "all": self.ontology_graphs + self.data_graphs + self.inferred_graphs,
        }
        try:
            return list(parts[part])
        except KeyError:
            raise InputError(f"unknown graph part {part!r}") from None

    def triples(self, part: str = "asserted") -> Iterator[ox.Triple]:
        """Distinct triples of a part. `all` is the store's default graph (asserted ∪ inferred, each once);
        inferred rounds are disjoint from each other and from the asserted graph by construction."""
        if part == "all":
            return (ox.Triple(q.subject, q.predicate, q.object)
                    for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        graphs = self.graphs(part)
        if not graphs:
            return iter(())
        if part == "inferred" or len(graphs) == 1:
            return (ox.Triple(q.subject, q.predicate, q.object)
                    for g in graphs for q in self.store.quads_for_pattern(None, None, None, g))
        rows = self.store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", default_graph=graphs)
        return (ox.Triple(r[0], r[1], r[2]) for r in rows)

    def count(self, part: str = "asserted") -> int:
        if part == "all":
            graphs_arg: dict = {}
        else:
            graphs = self.graphs(part)
            if not graphs:
                return 0
            if part == "inferred":
                return sum(1 for g in graphs for _ in self.store.quads_for_pattern(None, None, None, g))
            graphs_arg = {"default_graph": graphs}
        rows = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }",
                                **graphs_arg)
        return int(next(iter(rows))["n"].value)

    # -- queries ------------------------------------------------------------------------------------
    def query(self, sparql: str) -> QueryResult:
        """Run SPARQL over the store's default graph: asserted ∪ this regime's inferences.

        Parameters are bound before this call (kg.params), as a VALUES block built from RDF terms, so the
        embedded store and remote endpoints receive the very same query.
        """
        from kg.namespaces import PREFIXES

        try:
            result = self.store.query(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise InputError(f"query does not parse: {exc}") from None
        return to_result(result, sparql)

    def files_asserting(self, triple: ox.Triple) -> list[str]:
        """Source files (relative paths like `data/organisations.ttl`) that assert a triple."""
        from kg.engine.loading import file_of_graph

        self.ensure_provenance()
        files = []
        for quad in self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None):
            if isinstance(quad.graph_name, ox.NamedNode):
                name = file_of_graph(quad.graph_name)
                if name:
                    files.append(name)
        return sorted(set(files))

    def files_describing(self, node: ox.NamedNode) -> list[str]:
        """Data files in which a node is the subject of some triple."""
        from kg.engine.loading import file_of_graph

        self.ensure_provenance()
        files = {file_of_graph(q.graph_name) for q in self.store.quads_for_pattern(node, None, None, None)
                 if isinstance(q.graph_name, ox.NamedNode)}
        return sorted(f for f in files if f)


def to_result(result: object, sparql: str = "") -> QueryResult:
    """Turn pyoxigraph's result objects into our engine-neutral ones."""
    from kg.sparqltext import has_order_by

    if isinstance(result, ox.QueryBoolean):
        return AskResult(bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [tuple(sol[name] for name in names) for sol in result]
        return SelectResult(names, rows, ordered=has_order_by(sparql))
    return GraphResult(list(result))  # QueryTriples


def open_graph(
    layout: GraphLayout | None = None,
    *,
    reasoning: str = "none",
    engine: str = DEFAULT_ENGINE,
    use_cache: bool = True,
    provenance: bool = True,
) -> KnowledgeGraph:
    """Open the graph with the inferences of one regime, from the cache when it is valid.

    `provenance=False` lets a cold build skip the per-file copies of the data (a third of the load time on
    large graphs) when the caller only queries; they are added on demand, and always before caching."""
    if reasoning not in REGIMES:
        raise InputError(f"--reasoning: unknown regime {reasoning!r} (choose from {', '.join(REGIMES)})")
    if engine not in ENGINES:
        raise InputError(f"--engine: unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    lay = layout or default_layout()
    if use_cache:
        from kg.engine import cache

        cached = cache.open_cached(lay, reasoning, engine)
        if cached is not None:
            return cached
    kgraph = build_graph(lay, reasoning=reasoning, engine=engine, store=ox.Store(), provenance=provenance)
    if use_cache:
        import kg
        from kg.engine import cache

        if kg.BACKGROUND_CACHE and cache.save_in_background(kgraph):
            return kgraph
        return cache.save(kgraph)
    return kgraph



def build_graph(lay: GraphLayout, *, reasoning: str, engine: str, store: ox.Store,
                provenance: bool = True) -> KnowledgeGraph:
    """Load the files into `store` and materialise the regime's closure next to them.

    Each file goes into its own named graph and into the default graph. With `provenance=False` the data
    files go straight into the default graph and their named graphs are filled later, on demand
    (KnowledgeGraph.ensure_provenance); the ontology always gets its graphs (the reasoner reads them)."""
    from kg.engine.loading import file_graph, load_files

    onto = load_files(store, "ontology", lay.ontology_files(), lay.ontology_dir.parent)
    data_files = lay.data_files()
    if provenance:
        data = load_files(store, "data", data_files, lay.data_dir.parent)
        pending = []
    else:
        load_files(store, "data", data_files, lay.data_dir.parent, into_default=True)
        data = [file_graph("data", path, lay.data_dir.parent) for path in data_files]
        pending = data_files
    for graph in onto + (data if provenance else []):
        store.update(f"ADD <{graph.value}> TO DEFAULT")
    kgraph = KnowledgeGraph(store, lay, reasoning, engine, onto, data, pending_data_files=pending)
    if reasoning != "none":
        from kg.engine.reasoners import materialise

        kgraph.inferred_graphs = materialise(store, onto, regime=reasoning, engine=engine)
    return kgraph

