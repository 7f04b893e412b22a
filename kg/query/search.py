"""Find entities by what people type: any label or alternative label, ignoring case, accents, hyphens and
punctuation ("zapolski", "Jean-Zay", "cnrs sciences info"), best matches first.

One index over the graph's labels (rdfs:label, skos:prefLabel, skos:altLabel), built with one query through a
`run(sparql) -> QueryResult` callable (embedded graph or endpoint). Provenance records (attestations) are never
results: they are how the graph knows things, not things it knows about. Shared by `kg search`, name resolution
in `kg describe`/`kg explain`, the web server's search box and the ingestion's entity linker.

Ranking, best first: the whole text equals a label; a label starts with the text; every word of the text starts
a word of a label (in order or not); every word occurs inside a label. Ties go to rdfs:label over prefLabel over
altLabel, then to the shorter label, then to the IRI (stable).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

from kg.shared.namespaces import EKD, EKG, RDFS
from kg.shared.records import Record

SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
PROVENANCE_CLASSES = (EKG + "Attestation",)
# How good a match is (lower is better).
EXACT, PREFIX, WORD_PREFIXES, WORDS_INSIDE = 0, 1, 2, 3
MATCH_NAMES = {EXACT: "exact", PREFIX: "prefix", WORD_PREFIXES: "words", WORDS_INSIDE: "partial"}

_NON_WORD = r"[\W_]+"


def normalise(text: str) -> str:
    """Lower case, no accents, every run of punctuation, hyphens, `#` or spaces made one space.

    "Jean-Zay" → "jean zay", "#Linto" → "linto", "École" → "ecole", "ZAPOLSKI" → "zapolski"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(_NON_WORD, " ", bare).split())


class Hit(Record):
    """One search result: iri, label (the best label for display, in the asked language), matched (the label that
    matched), match (exact, prefix, words, partial), score (lower is better), types (class IRIs)."""

    _fields = ("iri", "label", "matched", "match", "score", "types")
    _defaults = {"types": []}  # noqa: RUF012
    __slots__ = _fields

    def as_dict(self) -> dict[str, object]:
        return {"iri": self.iri, "label": self.label, "matched": self.matched, "match": self.match,
                "types": list(self.types)}


class _Label(Record):
    _fields = ("iri", "text", "lang", "prop_rank", "norm", "words")
    __slots__ = _fields


def index_query() -> str:
    """Every label of every IRI under the data namespace, with its types, provenance records excluded."""
    branches = " UNION ".join(f"{{ ?s <{p}> ?l BIND({i} AS ?rank) }}" for i, p in enumerate(LABEL_PROPERTIES))
    excluded = " ".join(f"<{c}>" for c in PROVENANCE_CLASSES)
    return (f"SELECT ?s ?l ?rank ?type WHERE {{ {branches} FILTER(isIRI(?s) && STRSTARTS(STR(?s), \"{EKD}\") "
            f"&& isLiteral(?l)) FILTER NOT EXISTS {{ ?s a ?prov VALUES ?prov {{ {excluded} }} }} "
            f"OPTIONAL {{ ?s a ?type }} }}")


class SearchIndex:
    """Labels of the graph's entities, normalised once; `search` ranks them against a text."""

    def __init__(self, rows: Iterable[tuple[str, str, str, int, str | None]]) -> None:
        """rows: (iri, label text, language, property rank 0-2, type IRI or None)."""
        self.labels: list[_Label] = []
        self.types: dict[str, set[str]] = {}
        seen: set[tuple[str, str, str, int]] = set()
        for iri, text, lang, rank, type_iri in rows:
            self.types.setdefault(iri, set())
            if type_iri:
                self.types[iri].add(type_iri)
            key = (iri, text, lang, rank)
            if key in seen:
                continue
            seen.add(key)
            norm = normalise(text)
            if norm:
                self.labels.append(_Label(iri, text, lang, rank, norm, norm.split()))

    @classmethod
    def from_runner(cls, run: Callable[[str], object]) -> SearchIndex:
        """Build the index with one query through `run` (kg.engine's KnowledgeGraph.query, or a remote one)."""
        from kg.shared.results import SelectResult

        result = run(index_query())
        rows = []
        if isinstance(result, SelectResult):
            for s, label, rank, type_ in result.rows:
                if s is None or label is None:
                    continue
                rows.append((s.value, label.value, getattr(label, "language", None) or "",
                             int(rank.value) if rank is not None else 2, type_.value if type_ is not None else None))
        return cls(rows)

    def display_label(self, iri: str, lang: str = "en") -> str:
        """The label to show: rdfs:label in `lang`, then the other language, then any label."""
        other = "en" if lang == "fr" else "fr"
        candidates = [lab for lab in self.labels if lab.iri == iri]
        if not candidates:
            return iri
        best = min(candidates, key=lambda lab: (lab.prop_rank, 0 if lab.lang == lang else 1 if lab.lang == other
                                                 else 2, lab.text))
        return best.text

    def search(self, text: str, *, limit: int = 20, lang: str = "en") -> list[Hit]:
        """Entities whose labels match `text`, best first (one hit per entity, scored by its best label)."""
        query = normalise(text)
        if not query:
            return []
        words = query.split()
        best: dict[str, tuple[tuple[int, int, int, str], _Label, int]] = {}
        for lab in self.labels:
            match = _match(query, words, lab)
            if match is None:
                continue
            key = (match, lab.prop_rank, len(lab.norm), lab.iri)
            if lab.iri not in best or key < best[lab.iri][0]:
                best[lab.iri] = (key, lab, match)
        ranked = sorted(best.values(), key=lambda item: item[0])[:limit]
        return [Hit(lab.iri, self.display_label(lab.iri, lang), lab.text, MATCH_NAMES[match], i,
                    sorted(self.types.get(lab.iri, ()))) for i, (_key, lab, match) in enumerate(ranked)]

    def unique(self, text: str) -> list[Hit]:
        """The hits a name resolver may pick from: the best-scoring group (exact matches if any, else prefixes…).
        One hit means the text names one entity; several mean it is ambiguous."""
        hits = self.search(text, limit=50)
        if not hits:
            return []
        top = hits[0].match
        return [h for h in hits if h.match == top]


def _match(query: str, words: list[str], lab: _Label) -> int | None:
    if lab.norm == query:
        return EXACT
    if lab.norm.startswith(query):
        return PREFIX
    if all(any(w.startswith(q) for w in lab.words) for q in words):
        return WORD_PREFIXES
    if all(q in lab.norm for q in words):
        return WORDS_INSIDE
    return None
