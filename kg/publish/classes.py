"""What the tables for spreadsheets and the network for Gephi both read and write alike: the ontology's class
hierarchy and each entity's asserted `ekg:` types (both place an entity by its classes and name it by its most
specific one), and how an id or a vocabulary term is written."""

from __future__ import annotations

from collections.abc import Callable

from kg.shared.namespaces import EKD, EKG, RDFS

Rows = Callable[[str, str], list[tuple]]


def short_id(iri: str) -> str:
    """An entity's id as the tables and the network write it: the IRI without our base."""
    return iri[len(EKD):] if iri.startswith(EKD) else iri


def prefixed_name(iri: str) -> str:
    """A vocabulary term as the tables and the network write it: prefix:local (first prefix that fits)."""
    from kg.shared.namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and prefix != "ekd":
            return f"{prefix}:{iri[len(ns):]}"
    return iri


class EntityClasses:
    """`parents` (class → its direct ekg: superclasses) and `types` (entity → its asserted ekg: classes)."""

    def __init__(self, parents: dict[str, set[str]], types: dict[str, set[str]]) -> None:
        self.parents = parents
        self.types = types

    @classmethod
    def read(cls, rows: Rows, types_part: str) -> EntityClasses:
        """Read with `rows(sparql, part)`: the hierarchy from the whole graph, the types from `types_part`."""
        parents: dict[str, set[str]] = {}
        for c, p in rows(f"SELECT ?c ?p WHERE {{ ?c <{RDFS}subClassOf> ?p FILTER(STRSTARTS(STR(?c), \"{EKG}\") "
                         f"&& STRSTARTS(STR(?p), \"{EKG}\")) }}", "all"):
            parents.setdefault(c.value, set()).add(p.value)
        types: dict[str, set[str]] = {}
        for s, t in rows(f"SELECT ?s ?t WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), \"{EKD}\") && "
                         f"STRSTARTS(STR(?t), \"{EKG}\")) }}", types_part):
            types.setdefault(s.value, set()).add(t.value)
        return cls(parents, types)

    def ancestors(self, c: str) -> set[str]:
        """The class and every class above it."""
        seen: set[str] = set()
        todo = [c]
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(self.parents.get(x, ()))
        return seen

    def classes_of(self, s: str) -> set[str]:
        """Every class an entity belongs to through its asserted types."""
        return set().union(*(self.ancestors(t) for t in self.types.get(s, ())))

    def most_specific(self, s: str) -> str:
        """The local name of the entity's most specific asserted class (the first by name on a tie); '' for none."""
        given = self.types.get(s, set())
        broader = {p for c in given for p in self.ancestors(c) if p != c}
        best = sorted(given - broader)
        return best[0][len(EKG):] if best else ""
