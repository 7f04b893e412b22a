"""What a change does to the graph, as people read it: statements added and removed, in prefixed names."""

from __future__ import annotations

import pyoxigraph as ox

from kg.shared.namespaces import shorten


def term(t: object) -> str:
    if isinstance(t, ox.NamedNode):
        return shorten(t.value)
    if isinstance(t, ox.Literal):
        lang = t.language
        if lang:
            return f'"{t.value}"@{lang}'
        dt = t.datatype.value
        if dt.endswith("#string"):
            return f'"{t.value}"'
        return f'"{t.value}"^^{shorten(dt)}'
    return str(t)


def triple(t: ox.Triple) -> tuple[str, str, str]:
    return term(t.subject), term(t.predicate), term(t.object)


def difference(before: set, after: set) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """(added, removed) between two sets of pyoxigraph triples, sorted, each triple as three short strings.
    Triples with a blank node are left out: each load names them afresh (the ontology's lists), and the data
    has none (every node is an IRI)."""
    return sorted(triple(t) for t in after - before if _named(t)), sorted(triple(t) for t in before - after
                                                                         if _named(t))


def _named(t: ox.Triple) -> bool:
    return not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
