"""Match names from a spreadsheet to the graph's entities, the way a reconciliation client (OpenRefine) expects:
scored candidates, best first, and `match` only when one candidate is certain.

What a messy column holds, and how each is met (scores out of 100):
- the name as the graph writes it, in any case, with or without accents or punctuation: 100 (a label of the
  entity, normalised as kg.query.search does: "ecole polytechnique" = "École polytechnique");
- the same with spaces dropped or added ("JeanZay", "Lin TO"): 96;
- an acronym the graph does not list, made from the initials of a label ("LAAS"): 90;
- one letter off (dropped, added, changed, two swapped) over the whole name, for names of 4 letters or more: 85;
- a surname alone, the first words, words inside a label (the label search's prefix, words and partial
  matches): 70, 60, 50;
- only some of the name's words starting words of a label, when nothing above matched ("LINAGORA SA"): up to 40.
A leading article is not part of the name: "Le CNRS", "L'École polytechnique" and "the CNRS" are exact.
Fact nodes (roles, figures, quotations…) and provenance records are never candidates: a spreadsheet row names
a thing, not a statement. Ties go to the entity more documents speak of, then to the IRI (stable).

`match` is true only for a candidate whose name is a label of it (score 100), no other candidate having a label
equal to the name, every type asked for, and no property constraint contradicted; with several such
candidates, a property constraint that only one satisfies decides. A name one letter off is never certain: the
user confirms it in their tool.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable

from kg.query.search import SearchIndex, normalise
from kg.shared.namespaces import EKD, EKG, RDF, RDFS
from kg.shared.records import Record

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"
# Classes whose members are statements or records, not things a row of a spreadsheet names.
NOT_CANDIDATES = (EKG + "SourcedFact", EKG + "Attestation")
EXACT, COMPACT, ACRONYM, ONE_OFF = 100.0, 96.0, 90.0, 85.0
SEARCH_SCORES = {"exact": 100.0, "prefix": 70.0, "words": 60.0, "partial": 50.0}
FUZZY_MIN_LENGTH = 4  # letters: below this, one letter off names another word altogether
_STOPWORDS = frozenset("de du des la le les l d et en a au aux of the and for pour sur".split())
_ARTICLES = ("le ", "la ", "les ", "l ", "the ")  # "Le CNRS", "L'École polytechnique", "the CNRS": the same name
WORDS_SOME = 40.0  # some words of the name start words of a label, others none ("LINAGORA SA", "CNRS Paris")


class Property(Record):
    """A property offered for constraints and data extension: id (what clients send), labels {lang: text},
    pattern (a SPARQL graph pattern binding ?s and ?o), kind (entity or literal)."""

    _fields = ("id", "labels", "pattern", "kind")
    __slots__ = _fields


def _p(iri: str) -> str:
    return f"<{iri}>"


PROPERTIES: tuple[Property, ...] = (
    Property("type", {"en": "type", "fr": "type"}, f"?s {_p(RDF + 'type')} ?o FILTER(STRSTARTS(STR(?o), \"{EKG}\"))",
             "entity"),
    Property("foundedBy", {"en": "founded by", "fr": "fondé par"}, f"?s {_p(EKG + 'foundedBy')} ?o", "entity"),
    Property("parentOrganisation", {"en": "parent organisation", "fr": "organisation de tutelle"},
             f"?s {_p(EKG + 'subOrganisationOf')} ?o", "entity"),
    Property("headquarters", {"en": "headquarters", "fr": "siège"}, f"?s {_p(EKG + 'headquarters')} ?o", "entity"),
    Property("city", {"en": "located in", "fr": "situé à"},
             f"{{ ?s {_p(EKG + 'locatedIn')} ?o }} UNION "
             f"{{ ?s {_p(EKG + 'headquarters')}/{_p(EKG + 'locatedIn')} ?o }}",
             "entity"),
    Property("country", {"en": "country", "fr": "pays"}, f"?s {_p(EKG + 'country')} ?o", "entity"),
    Property("organisation", {"en": "organisation (affiliation, membership or role)",
                              "fr": "organisation (affiliation, appartenance ou fonction)"},
             f"{{ ?s {_p(EKG + 'affiliatedWith')} ?o }} UNION {{ ?s {_p(EKG + 'memberOf')} ?o }} UNION "
             f"{{ ?r {_p(EKG + 'roleHolder')} ?s ; {_p(EKG + 'roleOrganisation')} ?o }}", "entity"),
    Property("developedBy", {"en": "developed by", "fr": "développé par"}, f"?s {_p(EKG + 'developedBy')} ?o",
             "entity"),
    Property("website", {"en": "website", "fr": "site web"}, f"?s {_p(SCHEMA + 'url')} ?o", "literal"),
)
PROPERTY_IDS = {p.id: p for p in PROPERTIES}


class Entity(Record):
    """A candidate: iri, labels [(text, lang, rank)], classes (ekg class IRIs, inferred included), documents
    (how many documents speak of it)."""

    _fields = ("iri", "labels", "classes", "documents")
    __slots__ = _fields


class Candidate(Record):
    """One scored candidate: iri, score (0-100), name_score, how (exact, compact, acronym, one-off, prefix,
    words, partial), properties {pid: True (a value matches), False (values, none matches), None (no value)},
    match (certain)."""

    _fields = ("iri", "score", "name_score", "how", "properties", "match")
    __slots__ = _fields


class Facts:
    """What reconciliation reads from the graph, read once: entities with their labels, classes and document
    counts, the ontology's classes (labels, parents) and the values of PROPERTIES."""

    def __init__(self, run: Callable[[str], object], index: SearchIndex | None = None) -> None:
        self.index = index or SearchIndex.from_runner(run)
        self.class_labels: dict[str, dict[str, str]] = {}
        self.class_parents: dict[str, set[str]] = {}
        for c, label in _rows(run, f"SELECT ?c ?l WHERE {{ ?c a <http://www.w3.org/2002/07/owl#Class> ; "
                                   f"<{RDFS}label> ?l FILTER(STRSTARTS(STR(?c), \"{EKG}\")) }}"):
            self.class_labels.setdefault(c.value, {})[getattr(label, "language", None) or "en"] = label.value
        for c, parent in _rows(run, f"SELECT ?c ?p WHERE {{ ?c <{RDFS}subClassOf> ?p FILTER(STRSTARTS(STR(?c), "
                                    f"\"{EKG}\") && STRSTARTS(STR(?p), \"{EKG}\") && ?c != ?p) }}"):
            self.class_parents.setdefault(c.value, set()).add(parent.value)
        documents: dict[str, set[str]] = {}
        for s, d in _rows(run, f"SELECT DISTINCT ?s ?d WHERE {{ {{ ?d <{EKG}mentions> ?s }} UNION "
                               f"{{ ?a <{RDF}subject> ?s ; <{PROV}wasDerivedFrom> ?d }} }}"):
            documents.setdefault(s.value, set()).add(d.value)
        self.values: dict[str, dict[str, list[object]]] = {}
        for prop in PROPERTIES:
            for s, o in _rows(run, f"SELECT DISTINCT ?s ?o WHERE {{ {prop.pattern} FILTER(isIRI(?s)) }}"):
                self.values.setdefault(prop.id, {}).setdefault(s.value, []).append(o)
        labels: dict[str, list[tuple[str, str, int]]] = {}
        for lab in self.index.labels:
            labels.setdefault(lab.iri, []).append((lab.text, lab.lang, lab.prop_rank))
        self.entities: dict[str, Entity] = {}
        for iri, types in self.index.types.items():
            classes = self.closure({t for t in types if t.startswith(EKG)})  # also without a closure (--reasoning none)
            if any(t in NOT_CANDIDATES for t in classes | types) or iri not in labels:
                continue
            self.entities[iri] = Entity(iri, labels[iri], classes, len(documents.get(iri, ())))

    def closure(self, classes: Iterable[str]) -> frozenset[str]:
        """Classes with all their superclasses (the server may hold a graph without reasoning)."""
        seen: set[str] = set()
        todo = list(classes)
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(self.class_parents.get(c, ()))
        return frozenset(seen)

    def most_specific(self, classes: Iterable[str]) -> list[str]:
        """The classes none of whose subclasses is also listed, sorted."""
        given = set(classes)
        broader = {p for c in given for p in self.closure([c]) if p != c}
        return sorted(given - broader)

    def label(self, iri: str, lang: str = "en") -> str:
        if iri.startswith(EKG):
            labels = self.class_labels.get(iri, {})
            return labels.get(lang) or labels.get("en") or iri[len(EKG):]
        return self.index.display_label(iri, lang)

    def value_texts(self, pid: str, iri: str) -> list[tuple[str | None, list[str]]]:
        """The values of one property of one entity: (IRI or None for a literal, normalised names)."""
        out = []
        for term in self.values.get(pid, {}).get(iri, []):
            value = term.value  # type: ignore[attr-defined]
            if type(term).__name__ == "NamedNode":
                names = [lab.norm for lab in self._labels_of(value)] or [normalise(value.rsplit("/", 1)[-1])]
                if value.startswith(EKG):
                    names += [normalise(t) for t in self.class_labels.get(value, {}).values()]
                    names.append(normalise(value[len(EKG):]))
                out.append((value, names))
            else:
                out.append((None, [normalise(value)]))
        return out

    def _labels_of(self, iri: str) -> list:
        if not hasattr(self, "_by_iri"):
            by: dict[str, list] = {}
            for lab in self.index.labels:
                by.setdefault(lab.iri, []).append(lab)
            self._by_iri = by
        return self._by_iri.get(iri, [])


def _rows(run: Callable[[str], object], sparql: str) -> list[tuple]:
    result = run(sparql)
    return [row for row in getattr(result, "rows", []) if all(term is not None for term in row)]


def _compact(norm: str) -> str:
    return norm.replace(" ", "")


def _acronyms(norm: str) -> set[str]:
    """Initials of a label's words, with and without its small words ("laboratoire d analyse et d architecture
    des systemes" → "ldaedads", "laas"); only for labels of three words or more."""
    words = norm.split()
    if len(words) < 3:
        return set()
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in _STOPWORDS)}


def _without_article(norm: str) -> str:
    for article in _ARTICLES:
        if norm.startswith(article) and len(norm) > len(article):
            return norm[len(article):]
    return norm


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_off(a: str, b: str) -> bool:
    """True when b is a one letter off a: one dropped, added or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class Reconciler:
    """Candidates for names, from Facts: exact and compact labels and acronyms by dictionary, one letter off by
    deletion neighbourhoods (each candidate checked), partial names by the label search."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.exact: dict[str, set[str]] = {}
        self.compact: dict[str, set[str]] = {}
        self.acronym: dict[str, set[str]] = {}
        self.deletes: dict[str, set[str]] = {}
        self.prefixes: dict[str, set[int]] = {}  # start of a word of a label → labels (by position in .labels)
        self.labels: list = []
        for iri in facts.entities:
            for lab in facts._labels_of(iri):
                for word in lab.words:
                    for end in range(1, len(word) + 1):
                        self.prefixes.setdefault(word[:end], set()).add(len(self.labels))
                self.labels.append(lab)
                self.exact.setdefault(lab.norm, set()).add(iri)
                self.exact.setdefault(_without_article(lab.norm), set()).add(iri)
                compact = _compact(lab.norm)
                self.compact.setdefault(compact, set()).add(iri)
                for acronym in _acronyms(lab.norm):
                    self.acronym.setdefault(acronym, set()).add(iri)
                if len(compact) >= FUZZY_MIN_LENGTH:
                    for variant in _deletes(compact) | {compact}:
                        self.deletes.setdefault(variant, set()).add(compact)
        self._starts = []
        offset = 0
        for lab in self.labels:
            self._starts.append(offset)
            offset += len(lab.norm) + 1
        self._text = "\n".join(lab.norm for lab in self.labels)

    def name_scores(self, text: str) -> dict[str, tuple[float, str]]:
        """Every entity the name may designate, with its name score and how it matched (best per entity)."""
        norm = normalise(text)
        if not norm:
            return {}
        found: dict[str, tuple[float, str]] = {}

        def add(iris: Iterable[str], score: float, how: str) -> None:
            for iri in iris:
                if iri in self.facts.entities and (iri not in found or found[iri][0] < score):
                    found[iri] = (score, how)

        add(self.exact.get(norm, ()), EXACT, "exact")
        add(self.exact.get(_without_article(norm), ()), EXACT, "exact")
        compact = _compact(norm)
        add(self.compact.get(compact, ()), COMPACT, "compact")
        add(self.acronym.get(compact, ()), ACRONYM, "acronym")
        if len(compact) >= FUZZY_MIN_LENGTH:
            near: set[str] = set()
            for variant in _deletes(compact) | {compact}:
                near |= self.deletes.get(variant, set())
            for label in near:
                if one_off(compact, label):
                    add(self.compact[label], ONE_OFF, "one-off")
        for iri, how in self._by_words(norm):
            add([iri], SEARCH_SCORES[how], how)
        if not found:
            for iri, share in self._some_words(norm):
                add([iri], round(WORDS_SOME * share, 1), "some words")
        return found

    def _some_words(self, norm: str) -> list[tuple[str, float]]:
        """Labels having a word that starts with some of the name's words of 3 letters or more (not small words):
        a name with a suffix the graph does not write ("LINAGORA SA"), scored by the share of its words found."""
        words = [w for w in norm.split() if w not in _STOPWORDS]
        if len(words) < 2:
            return []
        counts: dict[int, int] = {}
        for word in (w for w in words if len(w) >= 3):  # a word of two letters starts too many others
            for i in self.prefixes.get(word, ()):
                counts[i] = counts.get(i, 0) + 1
        best: dict[str, float] = {}
        for i, n in counts.items():
            iri = self.labels[i].iri
            best[iri] = max(best.get(iri, 0.0), n / len(words))
        return [(iri, share) for iri, share in best.items() if share >= 0.5]

    def _by_words(self, norm: str) -> list[tuple[str, str]]:
        """Labels starting with the name (prefix) or with a word starting with each word of it (words), as the
        label search ranks them; words inside labels (partial) only when those find nothing."""
        words = norm.split()
        sets = [self.prefixes.get(w, set()) for w in words]
        hits = set.intersection(*sets) if sets else set()
        if hits:
            return [(self.labels[i].iri, "prefix" if self.labels[i].norm.startswith(norm) else "words")
                    for i in hits]
        if not words:
            return []
        found = []
        first, start = max(words, key=len), self._text.find(max(words, key=len))
        while start >= 0:  # each label holding the longest word (one scan of one string), then the other words
            i = bisect_right(self._starts, start) - 1
            lab = self.labels[i]
            if all(w in lab.norm for w in words):
                found.append((lab.iri, "partial"))
            start = self._text.find(first, self._starts[i + 1] if i + 1 < len(self._starts) else len(self._text))
        return found

    def reconcile(self, text: str, *, types: Iterable[str] = (), type_strict: str = "any",
                  properties: Iterable[tuple[str, list]] = (), limit: int = 10) -> list[Candidate]:
        """Candidates for one name, best first. types: ekg class IRIs (a candidate must have one, or all of them
        with type_strict "all"); properties: (pid, values) where a value is a text or {"id": …}."""
        types = [t for t in types if t]
        props = [(pid, values) for pid, values in properties if pid in PROPERTY_IDS]
        scored = []
        for iri, (name_score, how) in self.name_scores(text).items():
            classes = self.facts.entities[iri].classes
            if types:
                held = [t in classes for t in types]
                if not (all(held) if type_strict == "all" else any(held)):
                    continue
            checks = {pid: self._check(pid, iri, values) for pid, values in props}
            score = name_score - sum(20 if ok is False else 5 if ok is None else 0 for ok in checks.values())
            scored.append(Candidate(iri, max(score, 0.0), name_score, how, checks, False))
        scored.sort(key=lambda c: (-c.score, -c.name_score, -self.facts.entities[c.iri].documents, c.iri))
        named = [c for c in scored if c.name_score == EXACT]
        eligible = [c for c in named if False not in c.properties.values()]
        if len(eligible) > 1 and props:  # namesakes: a constraint only one of them meets decides
            eligible = [c for c in eligible if all(ok is True for ok in c.properties.values())]
        if len(eligible) == 1 and (len(named) == 1 or props):
            certain = eligible[0]
            certain.match = True
            scored.remove(certain)
            scored.insert(0, certain)
        return scored[:limit]

    def _check(self, pid: str, iri: str, wanted: list) -> bool | None:
        have = self.facts.value_texts(pid, iri)
        if not have:
            return None
        for value in wanted:
            if isinstance(value, dict):
                target = str(value.get("id", ""))
                target_iri = target if target.startswith(("http://", "https://")) else EKD + target
                if any(v == target_iri or v == EKG + target for v, _ in have):
                    return True
                value = value.get("name", "")
            norm = normalise(str(value))
            if norm and any(norm == name or _compact(norm) == _compact(name) for _, names in have for name in names):
                return True
        return False
