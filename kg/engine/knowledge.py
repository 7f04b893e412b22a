"""The graph as the rest of kg sees it: a store with one named graph per source file, the inferred rounds of one
regime, and the default graph that queries run on (asserted ∪ inferred).

Nothing outside kg.engine knows which reasoner ran or how the closure was cached.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pyoxigraph as ox

from kg.shared.errors import InputError, StoreError
from kg.shared.paths import GraphLayout
from kg.shared.results import QueryResult, to_result


def service_failure(sparql: str, exc: OSError) -> str:
    """One line for a SERVICE call that failed: which service, and why in a few words."""
    from kg.shared.sparqltext import services

    reasons = (("Connection refused", "connection refused"), ("lookup address", "unknown host"),
               ("timed out", "no answer in time"), ("not allowed for HTTP", "port reserved for another use"))
    text = str(exc)
    reason = next((short for needle, short in reasons if needle in text), text.split(" (os error")[0])
    named = services(sparql)
    if len(named) == 1:
        return f"SERVICE {named[0]}: cannot query it: {reason} (SERVICE SILENT ignores a failing service)"
    where = f"one of the SERVICE clauses ({', '.join(named)})" if named else "a SERVICE clause"
    return f"{where}: cannot query it: {reason} (SERVICE SILENT ignores a failing service)"


class ClosureOnlyError(RuntimeError):
    """Internal error: code asked a closure-only graph (a query entry of the cache) for what it does not hold.
    Not a KgError: no input causes it, only a caller that opened the graph with provenance=False by mistake."""


class KnowledgeGraph:
    """A store holding one named graph per source file plus the inferred graphs of one regime.

    A graph opened from a query entry of the cache (`closure_only`) holds the default graph alone: it answers
    queries, and anything that needs the per-file or round graphs (graphs(), files_asserting, explanations) is
    an internal error, never an empty answer (kg.engine.graph.open_graph opens a full entry for those).

    (A plain class, not a dataclass: this module is imported by every `kg query`, and `dataclasses` costs
    more to import than a warm query's own work.)"""

    def __init__(self, store: ox.Store, layout: GraphLayout, reasoning: str, engine: str,
                 ontology_graphs: list[ox.NamedNode], data_graphs: list[ox.NamedNode],
                 inferred_graphs: list[ox.NamedNode] | None = None, from_cache: bool = False,
                 pending_data_files: list | None = None, closure_only: bool = False) -> None:
        self.store = store
        self.layout = layout
        self.reasoning = reasoning
        self.engine = engine
        self.closure_only = closure_only
        if closure_only and (ontology_graphs or data_graphs or inferred_graphs or pending_data_files):
            raise ClosureOnlyError("a closure-only graph has no per-file or round graphs to name")
        self._ontology_graphs = ontology_graphs
        self._data_graphs = data_graphs
        self._inferred_graphs = [] if inferred_graphs is None else inferred_graphs  # one per round, in order
        self.from_cache = from_cache
        # Data files not yet copied into their own named graphs (see build_graph's `provenance`).
        self.pending_data_files = [] if pending_data_files is None else pending_data_files

    def __repr__(self) -> str:
        if self.closure_only:
            return (f"KnowledgeGraph(reasoning={self.reasoning!r}, engine={self.engine!r}, "
                    f"from_cache={self.from_cache}, closure only)")
        return (f"KnowledgeGraph(reasoning={self.reasoning!r}, engine={self.engine!r}, "
                f"from_cache={self.from_cache}, graphs={len(self.ontology_graphs) + len(self.data_graphs)}"
                f"+{len(self.inferred_graphs)} inferred)")

    def _parts_needed(self, what: str) -> None:
        if self.closure_only:
            raise ClosureOnlyError(f"{what} needs the per-file and round graphs, which a graph opened from a "
                                   "query entry of the cache does not hold (open it with provenance=True)")

    @property
    def ontology_graphs(self) -> list[ox.NamedNode]:
        self._parts_needed("ontology_graphs")
        return self._ontology_graphs

    @property
    def data_graphs(self) -> list[ox.NamedNode]:
        self._parts_needed("data_graphs")
        return self._data_graphs

    @property
    def inferred_graphs(self) -> list[ox.NamedNode]:
        self._parts_needed("inferred_graphs")
        return self._inferred_graphs

    @inferred_graphs.setter
    def inferred_graphs(self, graphs: list[ox.NamedNode]) -> None:
        self._parts_needed("inferred_graphs")
        self._inferred_graphs = graphs

    def ensure_provenance(self) -> None:
        """Give every data file its named graph, if build_graph left that for later.

        Queries need only the default graph; knowing which file asserts a triple (validate, describe, explain,
        export of a part, the cache) needs the per-file graphs, which cost a second copy of the data."""
        self._parts_needed("ensure_provenance")
        if not self.pending_data_files:
            return
        from kg.engine.loading import load_files

        load_files(self.store, "data", self.pending_data_files, self.layout.data_dir.parent)
        self.pending_data_files = []

    # -- graphs -------------------------------------------------------------------------------------
    def graphs(self, part: str = "all") -> list[ox.NamedNode]:
        """Named graphs of one part: ontology, data, asserted (both), inferred, or all."""
        self._parts_needed(f"graphs({part!r})")
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

        Parameters are bound before this call (kg.query.params), as a VALUES block built from RDF terms, so the
        embedded store and remote endpoints receive the very same query.
        """
        from kg.shared.namespaces import PREFIXES
        from kg.shared.sparqltext import check_nesting

        check_nesting(sparql)  # deeper would crash the process in pyoxigraph's parser
        try:
            result = self.store.query(sparql, prefixes=PREFIXES)
            return to_result(result, sparql)  # evaluation is lazy: a SERVICE call fails while reading rows
        except SyntaxError as exc:
            raise InputError(f"query does not parse: {exc}") from None
        except (OSError, RuntimeError) as exc:
            cache = sys.modules.get("kg.engine.cache")  # loaded when a cached store was opened
            if cache is not None and cache.points_at_damage(exc):
                raise  # a damaged cache entry: kg.engine.graph.recovering discards and rebuilds it
            if isinstance(exc, OSError):  # only a SERVICE clause reaches out of the embedded store
                raise StoreError(service_failure(sparql, exc)) from None
            raise InputError(f"query failed: {exc}") from None

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
