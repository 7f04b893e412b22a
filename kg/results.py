"""Engine-neutral query results, so formatting and tests do not care which engine or store answered.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal) whether the answer came from the embedded store
or was parsed from a remote endpoint's SPARQL results.
"""

from __future__ import annotations

from kg.records import Record

Term = object  # pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal (kept lazy: no import here)


class SelectResult(Record):
    """variables, rows (tuples of terms or None), ordered (True when the query fixed the order: keep it)."""

    _fields = ("variables", "rows", "ordered")
    _defaults = {"rows": [], "ordered": False}  # noqa: RUF012
    __slots__ = _fields
    kind = "select"


class AskResult(Record):
    _fields = ("value",)
    __slots__ = _fields
    kind = "ask"


class GraphResult(Record):
    """triples: pyoxigraph.Triple."""

    _fields = ("triples",)
    _defaults = {"triples": []}  # noqa: RUF012
    __slots__ = _fields
    kind = "graph"


QueryResult = SelectResult | AskResult | GraphResult
