"""Engine-neutral query results, so formatting and tests do not care which engine or store answered.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal) whether the answer came from the embedded store
or was parsed from a remote endpoint's SPARQL results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Term = Any  # pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal (kept lazy: no import here)


@dataclass
class SelectResult:
    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    ordered: bool = False  # True when the query fixed the order (ORDER BY): keep it

    kind = "select"


@dataclass
class AskResult:
    value: bool

    kind = "ask"


@dataclass
class GraphResult:
    triples: list[Any] = field(default_factory=list)  # pyoxigraph.Triple

    kind = "graph"


QueryResult = SelectResult | AskResult | GraphResult
