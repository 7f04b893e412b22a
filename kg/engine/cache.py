"""On-disk cache of the materialised closure (placeholder until the cache lands: always misses)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.engine.graph import KnowledgeGraph
    from kg.paths import GraphLayout


def open_cached(layout: GraphLayout, reasoning: str, engine: str) -> KnowledgeGraph | None:
    return None


def save(kgraph: KnowledgeGraph) -> KnowledgeGraph:
    return kgraph
