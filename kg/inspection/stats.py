"""How big the graph is and what it is made of: triples per part, instances per class, triples per property.

Counts by class and property are over the data (the ontology's own declarations would drown them); with
reasoning on, a second count includes the closure, so one sees what inference added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.inspection.describe import query_part
from kg.shared.namespaces import EKG, ONTOLOGY_IRI, OWL, RDF, RDFS, XSD
from kg.shared.results import SelectResult

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

# Subjects of the closure that are not data: ontology terms and the built-in vocabularies.
_NOT_DATA = (ONTOLOGY_IRI, RDF, RDFS, OWL, XSD)


@dataclass
class Count:
    iri: str
    asserted: int
    with_inferred: int | None = None  # None when reasoning is off


@dataclass
class Stats:
    reasoning: str
    triples: dict[str, int] = field(default_factory=dict)  # ontology, data, asserted, inferred (new), total
    source_files: dict[str, int] = field(default_factory=dict)  # ontology, data
    documents: int = 0  # ekg:SourceDocument instances
    classes: list[Count] = field(default_factory=list)
    properties: list[Count] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        def counts(items: list[Count]) -> list[dict[str, object]]:
            return [{"iri": c.iri, "asserted": c.asserted, "with_inferred": c.with_inferred} for c in items]

        return {"reasoning": self.reasoning, "triples": self.triples, "source_files": self.source_files,
                "documents": self.documents, "classes": counts(self.classes),
                "properties": counts(self.properties)}


def _data_filter(var: str) -> str:
    tests = " && ".join(f'!STRSTARTS(STR(?{var}), "{ns}")' for ns in _NOT_DATA)
    return f"FILTER(isBlank(?{var}) || ({tests}))"


def _grouped(kgraph: KnowledgeGraph, sparql: str, part: str) -> dict[str, int]:
    result = query_part(kgraph, sparql, part)
    if not isinstance(result, SelectResult):
        return {}
    return {row[0].value: int(row[1].value) for row in result.rows
            if isinstance(row[0], ox.NamedNode) and row[1] is not None}


CLASS_QUERY = ("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c . {filter} }} GROUP BY ?c")
PROPERTY_QUERY = ("SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o {{ ?s ?p ?o . {filter} }} }} "
                  "GROUP BY ?p")


def _merge(asserted: dict[str, int], closure: dict[str, int] | None) -> list[Count]:
    keys = set(asserted) | set(closure or {})
    items = [Count(k, asserted.get(k, 0), None if closure is None else closure.get(k, 0)) for k in keys]
    return sorted(items, key=lambda c: (-(c.with_inferred if c.with_inferred is not None else c.asserted),
                                        -c.asserted, c.iri))


def compute(kgraph: KnowledgeGraph) -> Stats:
    """Counts of one opened graph (with the closure of its regime when reasoning is on)."""
    stats = Stats(kgraph.reasoning)
    onto, data, asserted = kgraph.count("ontology"), kgraph.count("data"), kgraph.count("asserted")
    total = kgraph.count("all")
    stats.triples = {"ontology": onto, "data": data, "asserted": asserted,
                     "inferred": total - asserted, "total": total}
    stats.source_files = {"ontology": len(kgraph.graphs("ontology")), "data": len(kgraph.graphs("data"))}
    docs = query_part(kgraph, f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{EKG}SourceDocument> }}",
                      "data")
    if isinstance(docs, SelectResult) and docs.rows and docs.rows[0][0] is not None:
        stats.documents = int(docs.rows[0][0].value)
    reasoning = kgraph.reasoning != "none"
    cls = CLASS_QUERY.format(filter=_data_filter("s"))
    prop = PROPERTY_QUERY.format(filter=_data_filter("s"))
    stats.classes = _merge(_grouped(kgraph, cls, "data"), _grouped(kgraph, cls, "all") if reasoning else None)
    stats.properties = _merge(_grouped(kgraph, prop, "data"),
                              _grouped(kgraph, prop, "all") if reasoning else None)
    return stats


def render(stats: Stats, labeller: Callable[[object], str]) -> str:
    """The counts as text for the terminal."""
    lines = [f"Reasoning: {stats.reasoning}", "", "Triples:"]
    names = {"ontology": "ontology", "data": "data", "asserted": "asserted (ontology + data)",
             "inferred": "inferred (new)", "total": "total"}
    for key, label in names.items():
        if key in ("inferred", "total") and stats.reasoning == "none":
            continue
        lines.append(f"  {label:<28}{stats.triples.get(key, 0):>10}")
    lines += ["", "Sources:",
              f"  {'ontology files':<28}{stats.source_files.get('ontology', 0):>10}",
              f"  {'data files':<28}{stats.source_files.get('data', 0):>10}",
              f"  {'source documents':<28}{stats.documents:>10}"]
    for title, items in (("Instances by class", stats.classes), ("Triples by property", stats.properties)):
        lines += ["", f"{title} (data):"]
        if not items:
            lines.append("  (none)")
            continue
        shown = [labeller(ox.NamedNode(c.iri)) for c in items]
        width = max(len(s) for s in shown)
        closure = f"{'+inferred':>10}" if stats.reasoning != "none" else ""
        lines.append(f"  {'':<{width}}  {'asserted':>8}{closure}")
        for name, c in zip(shown, items, strict=True):
            extra = f"{c.with_inferred:>10}" if c.with_inferred is not None else ""
            lines.append(f"  {name:<{width}}  {c.asserted:>8}{extra}")
    return "\n".join(lines) + "\n"
