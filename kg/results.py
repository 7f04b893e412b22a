"""Engine-neutral query results, so formatting and tests do not care which engine or store answered.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal) whether the answer came from the embedded store
or was parsed from a remote endpoint's SPARQL results.

Plain classes rather than dataclasses: this module is on the path of every `kg query`, and importing
`dataclasses` (which imports `inspect`) costs more than a warm query's own work.
"""

from __future__ import annotations

Term = object  # pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal (kept lazy: no import here)


class _Record:
    """Equality and repr over the fields, as a dataclass would give them."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclasses they replace

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"


class SelectResult(_Record):
    _fields = ("variables", "rows", "ordered")
    __slots__ = _fields
    kind = "select"

    def __init__(self, variables: list[str], rows: list[tuple[Term | None, ...]] | None = None,
                 ordered: bool = False) -> None:
        self.variables = variables
        self.rows = [] if rows is None else rows
        self.ordered = ordered  # True when the query fixed the order (ORDER BY): keep it


class AskResult(_Record):
    _fields = ("value",)
    __slots__ = _fields
    kind = "ask"

    def __init__(self, value: bool) -> None:
        self.value = value


class GraphResult(_Record):
    _fields = ("triples",)
    __slots__ = _fields
    kind = "graph"

    def __init__(self, triples: list[object] | None = None) -> None:
        self.triples = [] if triples is None else triples  # pyoxigraph.Triple


QueryResult = SelectResult | AskResult | GraphResult
