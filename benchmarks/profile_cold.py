"""Where a cold `kg query` spends its time: parsing, each reasoning round (grouped by stratum), the
consistency check, the cache write, and the query itself.

    python benchmarks/profile_cold.py DIR [--query affiliations]

It opens the graph through kg's own interface (kg.engine.graph.open_graph) with an empty cache, and times
the engine's steps by wrapping the module functions the engine calls between them (load_files, _is_empty at
the end of each round, check_consistency, cache.save). It reads no private state: if the engine is
restructured, the wrapped names may disappear and only the totals are shown.
"""

from __future__ import annotations

import argparse
import inspect
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def profile(data_dir: str, query: str) -> list[tuple[str, float, str]]:
    """[(step, seconds, note)] of one cold open + query."""
    os.environ["KG_CACHE_DIR"] = tempfile.mkdtemp(prefix="kg-profile-")
    import pyoxigraph as ox

    from kg.engine import cache, graph, loading, reasoners
    from kg.shared.paths import layout

    steps: list[tuple[str, float, str]] = []
    clock = {"t": time.perf_counter()}

    def mark(name: str, note: str = "") -> None:
        now = time.perf_counter()
        steps.append((name, now - clock["t"], note))
        clock["t"] = now

    def wrap(module: object, name: str, label, after: bool = True) -> None:
        original = getattr(module, name, None)
        if original is None:
            return

        def wrapper(*args, **kwargs):
            if not after:
                mark(label(args, kwargs, None))
            result = original(*args, **kwargs)
            if after:
                mark(label(args, kwargs, result))
            return result

        setattr(module, name, wrapper)

    def round_label(args, _kwargs, empty) -> str:
        store, g = args[0], args[1]
        n = 0 if empty else sum(1 for _ in store.quads_for_pattern(None, None, None, g))
        return f"round {g.value.rsplit('/', 1)[-1]}: +{n:,}" + (" (empty: stratum closed)" if empty else "")

    wrap(loading, "load_files", lambda a, _k, r: f"parse {a[1]} files ({len(r)} graphs)")
    wrap(graph, "load_files", lambda a, _k, r: f"parse {a[1]} files ({len(r)} graphs)")
    wrap(reasoners, "_is_empty", round_label)
    wrap(reasoners, "check_consistency", lambda *_: "consistency check (cax-dw)")
    wrap(reasoners, "_compile", lambda a, _k, r: f"compile {len(r)} rule forms", after=True)
    lookups = []

    def lookup_label(*_: object) -> str:
        lookups.append(1)
        return ("cache lookup (key: hash of sources)" if len(lookups) == 1
                else "write the cache (bulk load of the in-memory quads and of the per-file graphs, flush, "
                     "fingerprint)")

    wrap(cache, "save", lambda *_: "reopen the written cache read-only")
    wrap(cache, "open_cached", lookup_label)
    wrap(graph.KnowledgeGraph, "ensure_provenance", lambda *_: "per-file provenance graphs (before caching)")
    # open the graph the way `kg query` does (no per-file graphs up front, when the engine supports it)
    options = {"provenance": False} if "provenance" in inspect.signature(graph.open_graph).parameters else {}
    t0 = time.perf_counter()
    clock["t"] = t0
    kgraph = graph.open_graph(layout(data_dir), reasoning="owlrl", **options)
    sparql = (REPO / "queries" / f"{query}.rq").read_text(encoding="utf-8")
    mark("open_graph (rest)")
    result = kgraph.query(sparql)
    mark("query", f"{len(getattr(result, 'rows', []))} rows")
    steps.append(("total", time.perf_counter() - t0, f"asserted {kgraph.count('asserted'):,}, "
                                                     f"inferred {kgraph.count('inferred'):,}"))
    del ox
    return steps


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir")
    ap.add_argument("--query", default="affiliations")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    for name, seconds, note in profile(args.data_dir, args.query):
        print(f"{seconds:8.3f} s  {name}{'  ' + note if note else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
