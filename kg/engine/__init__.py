"""Loading, reasoning, caching and querying behind one narrow interface (see graph.py)."""

from kg.engine.graph import DEFAULT_ENGINE, ENGINES, REGIMES, KnowledgeGraph, build_graph, open_graph

__all__ = ["DEFAULT_ENGINE", "ENGINES", "REGIMES", "KnowledgeGraph", "build_graph", "open_graph"]
