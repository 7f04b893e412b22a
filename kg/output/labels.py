"""Human labels for IRIs, looked up in one batch query, so tables show "CNRS" rather than ekd:cnrs.

The lookup takes a `run(sparql) -> QueryResult` callable, so the same code serves the embedded graph and a
remote endpoint. Preference: rdfs:label in the wanted language, skos:prefLabel in it, the same in the other
language, a label without language, then the prefixed name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.shared.errors import KgError
from kg.shared.namespaces import RDFS
from kg.shared.results import QueryResult, SelectResult
from kg.shared.terms import XSD_STRING, prefixed

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
LABEL_PROPERTIES = (RDFS + "label", SKOS_PREF)
BATCH = 400

Runner = Callable[[str], QueryResult]


def label_query(iris: Iterable[str]) -> str:
    """One query returning every rdfs:label / skos:prefLabel of the given IRIs.

    One UNION branch per property, each with a constant predicate: with `VALUES ?p { … }` instead, Oxigraph
    scanned every triple of the IRIs (2.7 s per batch of 400 on a 1M-triple graph, against 0.02 s)."""
    values = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    branches = " UNION ".join(f"{{ ?s <{p}> ?l BIND(<{p}> AS ?p) }}" for p in LABEL_PROPERTIES)
    return f"SELECT ?s ?p ?l WHERE {{ VALUES ?s {{ {values} }} {branches} FILTER(isLiteral(?l)) }}"


def _rank(prop: str, lang: str, wanted: str) -> int:
    other = "en" if wanted == "fr" else "fr"
    base = 0 if prop == RDFS + "label" else 1
    tag = lang.lower().split("-")[0]
    if tag == wanted:
        return base
    if tag == other:
        return 2 + base
    if not lang:
        return 4 + base
    return 6 + base


def lookup(run: Runner, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """IRI → best label. IRIs without a label are absent (callers fall back to prefixed names)."""
    wanted = sorted(set(iris))
    best: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), BATCH):
        result = run(label_query(wanted[start:start + BATCH]))
        if not isinstance(result, SelectResult):
            continue
        for row in result.rows:
            s, p, label = row
            if s is None or p is None or not isinstance(label, ox.Literal):
                continue
            key = (_rank(p.value, label.language or "", lang), label.value)
            if s.value not in best or key < best[s.value]:
                best[s.value] = key
    return {iri: value for iri, (_, value) in best.items()}


def safe_lookup(run: Runner, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
    """Like lookup, but a store that fails gives no labels instead of an error (labels are a nicety)."""
    try:
        return lookup(run, iris, lang)
    except KgError:
        return {}


class Labeller:
    """Shows terms: labelled IRIs by their label, others by prefixed name, literals as people read them
    (kg.output.values: numbers grouped, dates, durations and booleans in words, in the table's language)."""

    def __init__(self, labels: dict[str, str] | None = None, lang: str = "en") -> None:
        self.labels = labels or {}
        self.lang = lang

    def __call__(self, term: object) -> str:
        if isinstance(term, ox.NamedNode) and term.value in self.labels:
            return self.labels[term.value]
        if isinstance(term, ox.Literal) and not term.language and term.datatype.value != XSD_STRING:
            from kg.output.values import literal_text  # Babel: only for the human formats (csv starts faster)

            return literal_text(term, self.lang)
        return prefixed(term)

    @classmethod
    def for_terms(cls, run: Runner | None, terms: Iterable[object], lang: str = "en") -> Labeller:
        iris = {t.value for t in terms if isinstance(t, ox.NamedNode)}
        if run is None or not iris:
            return cls(lang=lang)
        return cls(safe_lookup(run, iris, lang), lang)
