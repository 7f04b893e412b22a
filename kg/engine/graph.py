"""The narrow interface every command goes through: open the graph (asserted + inferred) of one regime, from the
cache when it is valid, else by loading and reasoning (the graph itself is kg.engine.knowledge).

Nothing outside kg.engine knows which reasoner ran or how the closure was cached; swapping engines
changes this package only.
"""

from __future__ import annotations

import sys

import pyoxigraph as ox

from kg import DEFAULT_ENGINE, ENGINES, REGIMES
from kg.engine.knowledge import KnowledgeGraph
from kg.shared.errors import InputError, KgError
from kg.shared.paths import GraphLayout
from kg.shared.paths import layout as default_layout

TYPE_CHECKING = False  # typing is not imported on a warm query's path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypeVar

    T = TypeVar("T")


class CacheError(KgError):
    """The cache cannot be read even after a rebuild (a failing disk)."""


def open_graph(
    layout: GraphLayout | None = None,
    *,
    reasoning: str = "none",
    engine: str = DEFAULT_ENGINE,
    use_cache: bool = True,
    provenance: bool = True,
) -> KnowledgeGraph:
    """Open the graph with the inferences of one regime, from the cache when it is valid.

    `provenance=False` is for callers that only query the default graph: the graph may come from either kind
    of cache entry (the full one first: its store was compacted while written, the query entry's holds
    overlapping files and answers about a third slower at 1M), and a cold build skips the per-file copies
    of the data (a third of the load time on large graphs) and caches a query entry, the closure alone (about
    a third of a full entry's writing). Such a graph may be closure-only (KnowledgeGraph.closure_only).
    `provenance=True` always gives the per-file and round graphs: a full entry, built cold if there is none."""
    if reasoning not in REGIMES:
        raise InputError(f"--reasoning: unknown regime {reasoning!r} (choose from {', '.join(REGIMES)})")
    if engine not in ENGINES:
        raise InputError(f"--engine: unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    lay = layout or default_layout()
    if use_cache:
        from kg.engine import cache

        use_cache = cache.usable()
    if use_cache:
        kinds = ("full",) if provenance else ("full", "query")
        for kind in kinds:
            cached = cache.open_cached(lay, reasoning, engine, kind)
            if cached is not None:
                return cached
        cache.reclaim_leftovers()  # a cold run only: the leftovers of killed writes, whose process is gone
        from kg.engine import increment

        updated = increment.update(lay, reasoning, engine)  # from the cached closure of an earlier state
        if updated is not None:
            return updated
    kgraph = build_graph(lay, reasoning=reasoning, engine=engine, store=ox.Store(), provenance=provenance)
    if use_cache:
        import kg
        from kg.engine import cache

        kind = "full" if provenance else "query"
        if kg.BACKGROUND_CACHE and cache.save_in_background(kgraph, kind):
            return kgraph
        from kg.shared import progress

        with progress.step("Writing the cache"):
            return cache.save(kgraph, kind=kind)
    return kgraph


def recovering(work: Callable[[], T]) -> T:
    """Run `work` (which opens the graph and reads it); if reading a cached store fails (RocksDB finds a block
    that does not match its checksum only when a query reaches it), delete that entry and run `work` again,
    which rebuilds it. Everything `work` returns must have been computed from the store, not streamed out
    before the failure. A second failure is one line, not a traceback."""
    try:
        return work()
    except (OSError, RuntimeError) as exc:
        cache = sys.modules.get("kg.engine.cache")  # not imported: no cached store was opened
        if cache is None or not cache.discard_damaged(exc):
            raise
    try:
        return work()
    except (OSError, RuntimeError) as exc:
        if not cache.discard_damaged(exc):
            raise
        raise CacheError(f"the rebuilt cache entry cannot be read either ({exc}); "
                         "check the disk, or run with --no-cache") from None


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

