"""Engine-neutral query results, so formatting and tests do not care which engine or store answered.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal) whether the answer came from the embedded store
or was parsed from a remote endpoint's SPARQL results.
"""

from __future__ import annotations

from kg.shared.records import Record

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


def to_result(result: object, sparql: str = "") -> QueryResult:
    """Turn pyoxigraph's result objects (embedded store or parsed remote answer) into our engine-neutral ones."""
    import pyoxigraph as ox

    from kg.shared.sparqltext import has_order_by

    if isinstance(result, ox.QueryBoolean):
        return AskResult(bool(result))
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        rows = [tuple(sol[name] for name in names) for sol in result]
        return SelectResult(names, rows, ordered=has_order_by(sparql))
    return GraphResult(list(result))  # QueryTriples
