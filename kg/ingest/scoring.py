"""Judging what `kg ingest` proposes as a curator would (issue 22 item 6), against an expected file.

A curator accepts a row only when it is right as a whole: a figure, date or funding only on the thing the
sentence says it is about, a relation only with both ends and its predicate, a new entity only with its type
family. So every row proposed is judged (precision over all rows, not over the matched ones), beside the share
of the expected candidates found (recall). The expected format is documented in
tests/fixtures/ingest/README.md; `benchmarks/ingest_loo.py` builds the same format from the curated graph for
its leave-one-out run, so both are judged by `judge`.

Pure functions over data: the candidates (objects with the review file's columns), the expected dict, and a
`Graph` view of what the graph already knows (labels, families, the ontology's inverse and symmetric
properties).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kg.query.search import normalise
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG, RDFS

XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"

CATEGORIES = ("mentions", "entities", "figures", "dates", "fundings", "relations", "quotations")
TITLES = {
    "mentions": "linked mentions",
    "entities": "new entities + family",
    "figures": "figures on their subject",
    "dates": "dates on their subject",
    "fundings": "fundings",
    "relations": "relations",
    "quotations": "quotations + speaker",
}
# What a date is the date of (the expected file's "what"; a date row may say it in its `type` column).
DATE_WHAT = {
    "document": "the document's own date (its dateline); `of` is \"document\"",
    "founding": "the founding or creation of the organisation in `of`",
    "event": "the day an event takes place, or a dated act (a signing); `of` is the event or the agreement",
    "start": "the start of a relation, role, membership, use, partnership or programme; `of` is its subject",
    "end": "the end of a relation or programme; `of` is its subject",
    "release": "the publication, launch, inauguration or commissioning of a product or a computer in `of`",
    "figure": "the date a figure holds for; `of` is the figure's `as_written`",
    "funding": "the date of a funding or the date it starts; `of` is the recipient",
}
FAMILIES = ("person", "organisation", "product", "programme", "place", "event")
RELATION_KINDS = ("relation", "role", "participation")
_ARTICLES = ("le", "la", "les", "l")
_DATE_PREFIXES = ("depuis", "des", "en", "le", "l", "au", "a", "d", "de")


def expand(curie: str) -> str:
    for prefix, ns in (("ekd:", EKD), ("ekg:", EKG), ("xsd:", XSD), ("dcterms:", DCTERMS)):
        if curie.startswith(prefix):
            return ns + curie[len(prefix):]
    return curie


def label_key(text: str) -> str:
    """A label compared as a curator reads it: case, accents, punctuation and a leading article ignored."""
    words = normalise(text).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def _written_key(text: str) -> str:
    words = normalise(text).split()
    while len(words) > 1 and words[0] in _DATE_PREFIXES:
        words = words[1:]
    return " ".join(words)


def _number(value: str) -> str:
    try:
        return format(Decimal(str(value).replace(",", ".").replace(" ", "")).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(value).strip()


def _same_written(a: str, b: str) -> bool:
    a, b = _written_key(a), _written_key(b)
    return bool(a and b) and (a == b or a in b or b in a)


# -- what the graph knows ---------------------------------------------------------------------------------


class Graph:
    """Labels and families of the entities the graph already knows, and the ontology's inverse and symmetric
    properties (a relation is compared in one direction)."""

    def __init__(self, labels: dict[str, list[str]], families: dict[str, str | None],
                 inverse: dict[str, str] | None = None, symmetric: Iterable[str] = (),
                 supers: dict[str, set[str]] | None = None) -> None:
        self.labels = labels
        self.families = families
        self.inverse = dict(inverse or {})
        self.symmetric = set(symmetric)
        self.supers = supers or {}
        self.by_label: dict[str, set[str]] = {}
        for iri, names in labels.items():
            for name in names:
                self.by_label.setdefault(label_key(name), set()).add(iri)

    @classmethod
    def from_known(cls, known) -> Graph:
        """From a `Known` (its entities, labels and types, and the ontology in its graph)."""
        labels = {iri: list(known.labels.get(iri, [])) for iri in known.entities}
        families = {iri: known.family(iri) for iri in known.entities}

        def rows(sparql: str) -> list[tuple]:
            return [tuple(None if t is None else t.value for t in r) for r in known.kgraph.query(sparql).rows]

        inverse: dict[str, str] = {}
        for p, q in rows(f"SELECT ?p ?q WHERE {{ ?p <{OWL}inverseOf> ?q }}"):
            inverse[p], inverse[q] = q, p
        symmetric = {p for (p,) in rows(f"SELECT ?p WHERE {{ ?p a <{OWL}SymmetricProperty> }}")}
        supers: dict[str, set[str]] = {}
        for p, s in rows(f"SELECT ?p ?s WHERE {{ ?p <{RDFS}subPropertyOf>+ ?s FILTER(isIRI(?s)) }}"):
            supers.setdefault(p, set()).add(s)
        return cls(labels, families, inverse, symmetric, supers)

    def fold(self, s: str, p: str, o: str) -> tuple[str, str, str]:
        if p in self.symmetric:
            return (min(s, o), p, max(s, o))
        q = self.inverse.get(p)
        return (o, q, s) if q and q < p else (s, p, o)

    def related(self, p: str, q: str) -> bool:
        return q in self.supers.get(p, ()) or p in self.supers.get(q, ())


# -- tallies ------------------------------------------------------------------------------------------------


class Tally:
    """Rows judged (`proposed`) and judged right (`correct`); expected items and how many were found."""

    __slots__ = ("correct", "expected", "found", "proposed")

    def __init__(self, correct: int = 0, proposed: int = 0, found: int = 0, expected: int = 0) -> None:
        self.correct, self.proposed, self.found, self.expected = correct, proposed, found, expected

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.correct + other.correct, self.proposed + other.proposed, self.found + other.found,
                     self.expected + other.expected)

    def __repr__(self) -> str:
        return f"Tally(correct={self.correct}, proposed={self.proposed}, found={self.found}, expected={self.expected})"

    @property
    def precision(self) -> float | None:
        return self.correct / self.proposed if self.proposed else None

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None


class Score:
    """One tally per category, the wrong rows and the missed expected items (readable lines), the relations
    right but for a super- or sub-property (`related`, counted wrong), and the date rows right but for what they
    say they date (`dates_on_subject`, counted wrong: for the reader of a baseline)."""

    def __init__(self) -> None:
        self.tallies: dict[str, Tally] = {c: Tally() for c in CATEGORIES}
        self.wrong: dict[str, list[str]] = {c: [] for c in CATEGORIES}
        self.missed: dict[str, list[str]] = {c: [] for c in CATEGORIES}
        self.related = 0
        self.dates_on_subject = 0  # date rows with the right value and subject, whatever they say they date

    def __add__(self, other: Score) -> Score:
        out = Score()
        for c in CATEGORIES:
            out.tallies[c] = self.tallies[c] + other.tallies[c]
            out.wrong[c] = self.wrong[c] + other.wrong[c]
            out.missed[c] = self.missed[c] + other.missed[c]
        out.related = self.related + other.related
        out.dates_on_subject = self.dates_on_subject + other.dates_on_subject
        return out

    def total(self) -> Tally:
        """Every row of every category: strict precision over all rows, recall over all expected items."""
        out = Tally()
        for c in CATEGORIES:
            out = out + self.tallies[c]
        return out


def add(scores: Iterable[Score]) -> Score:
    out = Score()
    for s in scores:
        out = out + s
    return out


# -- reading and checking an expected file ------------------------------------------------------------------


def read_expected(path: str | Path) -> dict:
    """An expected file, checked against its text (`NAME.txt` beside it); InputError naming the file and the
    first problem."""
    path = Path(path)
    try:
        expected = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a readable expected file ({exc})") from None
    text_path = path.with_name(path.name.removesuffix(".expected.json") + ".txt")
    text = text_path.read_text(encoding="utf-8") if text_path.is_file() else None
    problems = check_expected(expected, text)
    if problems:
        raise InputError(f"{path}: {problems[0]}" + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return expected


def _ofs(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def check_expected(expected: dict, text: str | None = None) -> list[str]:
    """What is wrong with an expected dict: missing lists, unknown families or date kinds, ends that name no
    entity of the file and no CURIE, values not written in the text."""
    problems = []
    for key in ("mentions", "entities", "figures", "dates", "fundings", "relations", "quotations"):
        if not isinstance(expected.get(key), list):
            problems.append(f"the list {key!r} is missing")
    if problems:
        return problems
    names = {label_key(e["label"]) for e in expected["entities"]}
    names |= {label_key(a) for e in expected["entities"] for a in e.get("alt", [])}
    names |= {label_key(a) for a in _agreements(expected)}
    figures = {label_key(f["as_written"]) for f in expected["figures"]}

    def end(x: str, where: str, extra: Iterable[str] = ()) -> None:
        if x.startswith("ekd:") or label_key(x) in names or x in extra:
            return
        problems.append(f"{where}: {x!r} is neither an entity of the file (label or alt) nor a CURIE")

    def written(x: str, where: str) -> None:
        if text is not None and x and normalise(x) not in normalise(text):
            problems.append(f"{where}: {x!r} is not in the text")

    for m in expected["mentions"]:
        if not m.get("iri", "").startswith("ekd:"):
            problems.append(f"mention {m.get('text')!r}: iri must be an ekd: CURIE")
        written(m.get("text", ""), "mention")
    for e in expected["entities"]:
        if e.get("family") not in FAMILIES:
            problems.append(f"entity {e.get('label')!r}: family {e.get('family')!r} is not one of "
                            f"{', '.join(FAMILIES)}")
    for f in expected["figures"]:
        for of in _ofs(f.get("of", "")):
            end(of, f"figure {f['as_written']!r}")
        written(f["as_written"], "figure")
    for d in expected["dates"]:
        what = d.get("what")
        if what is not None and what not in DATE_WHAT:
            problems.append(f"date {d['as_written']!r}: what {what!r} is not one of {', '.join(DATE_WHAT)}")
        for of in _ofs(d.get("of", "")):
            if what == "figure":
                if label_key(of) not in figures:
                    problems.append(f"date {d['as_written']!r}: of {of!r} is not the as_written of a figure")
            else:
                end(of, f"date {d['as_written']!r}", ("document",))
        written(d["as_written"], "date")
    for f in expected["fundings"]:
        end(f.get("recipient", ""), "funding recipient")
        if f.get("funder"):
            end(f["funder"], "funding funder")
        written(f.get("as_written", ""), "funding")
    for r in expected["relations"]:
        if not r.get("predicate", "").startswith("ekg:"):
            problems.append(f"relation {r}: predicate must be an ekg: CURIE")
        end(r["subject"], f"relation {r['predicate']}")
        end(r["object"], f"relation {r['predicate']}")
    for q in expected["quotations"]:
        end(q["speaker"], "quotation speaker")
        written(q["starts"], "quotation")
    return problems


def _agreements(expected: dict) -> set[str]:
    """Agreements are named by their `accord A – B` label as relation subjects (the convention of the older
    fixtures), without an entity entry."""
    return {r["subject"] for r in expected["relations"] if r["predicate"] in ("ekg:party", "ekg:signatory")}


# -- judging ---------------------------------------------------------------------------------------------------


class _Ends:
    """Both sides' ends as comparable keys: `iri:…` for an entity the graph knows, `new:…` for a new one (its
    expected label, through the alternative labels), `document`, `fig:…` for a figure."""

    def __init__(self, expected: dict, graph: Graph, candidates: list, doc_iri: str) -> None:
        self.graph, self.doc_iri = graph, doc_iri
        self.alias: dict[str, str] = {}
        for e in expected["entities"]:
            primary = label_key(e["label"])
            self.alias.setdefault(primary, primary)
            for a in e.get("alt", []):
                self.alias.setdefault(label_key(a), primary)
        self.created = {expand(c.subject): c.label for c in candidates if c.kind in ("entity", "agreement")}
        self.created_family = {expand(c.subject): c.value for c in candidates if c.kind == "entity"}
        self.rows = {c.id: c for c in candidates}

    def expected(self, x: str) -> str:
        if x == "document":
            return "document"
        if x.startswith("ekd:"):
            return "iri:" + expand(x)
        key = label_key(x)
        if key in self.alias:
            return "new:" + self.alias[key]
        iris = self.graph.by_label.get(key, set())
        if len(iris) == 1:
            return "iri:" + next(iter(iris))
        return "new:" + key

    def candidate(self, curie: str) -> str:
        iri = expand(curie)
        if iri == self.doc_iri:
            return "document"
        if iri in self.graph.labels:  # a known entity attested again, even by an entity or agreement row
            return "iri:" + iri
        if iri in self.created:
            key = label_key(self.created[iri])
            return "new:" + self.alias.get(key, key)
        return "iri:" + iri  # the graph's (an IRI neither the graph nor a row has matches nothing expected)

    def family(self, curie: str) -> str | None:
        iri = expand(curie)
        return self.graph.families.get(iri) or self.created_family.get(iri)

    def show(self, key: str) -> str:
        kind, _, rest = key.partition(":")
        if not rest:
            return "(nothing)" if kind in ("iri", "new") else key
        if kind == "iri":
            return "ekd:" + rest.removeprefix(EKD) if rest.startswith(EKD) else rest
        return rest


def _date_value(datatype: str, value: str, written: str) -> tuple[str, str]:
    if datatype in ("ekg:notStated", EKG + "notStated", ""):
        return ("notStated", written)
    return (expand(datatype), value)


def _same_date(a: tuple[str, str], b: tuple[str, str]) -> bool:
    if a[0] != b[0]:
        return False
    return _same_written(a[1], b[1]) if a[0] == "notStated" else a[1] == b[1]


def _same_of(cand: str, wanted: list[str]) -> bool:
    for w in wanted:
        if cand == w or (cand.startswith("fig:") and w.startswith("fig:") and _same_written(cand[4:], w[4:])):
            return True
    return False


def judge(candidates: list, expected: dict, graph: Graph, doc_iri: str = EKD + "doc-999") -> Score:
    """Every candidate row judged against one document's expected candidates."""
    score = Score()
    ends = _Ends(expected, graph, candidates, doc_iri)
    _judge_mentions(candidates, expected, score)
    _judge_entities(candidates, expected, score)
    amounts = _judge_figures(candidates, expected, ends, score)
    _judge_fundings(candidates, expected, ends, score, amounts)
    _judge_dates(candidates, expected, ends, score)
    _judge_relations(candidates, expected, ends, graph, score)
    _judge_quotations(candidates, expected, ends, score)
    return score


def _judge_mentions(candidates: list, expected: dict, score: Score) -> None:
    got = {expand(c.subject) for c in candidates if c.kind == "mention"}
    want = {expand(m["iri"]) for m in expected["mentions"]}
    t = score.tallies["mentions"]
    t.correct = t.found = len(got & want)
    t.proposed, t.expected = len(got), len(want)
    score.wrong["mentions"] += sorted(i.removeprefix(EKD) for i in got - want)
    score.missed["mentions"] += sorted(i.removeprefix(EKD) for i in want - got)


def _judge_entities(candidates: list, expected: dict, score: Score) -> None:
    want = [({label_key(e["label"])} | {label_key(a) for a in e.get("alt", [])}, e["family"], e["label"])
            for e in expected["entities"]]
    matched: set[int] = set()
    t = score.tallies["entities"]
    for c in candidates:
        if c.kind != "entity":
            continue
        t.proposed += 1
        key = label_key(c.label)
        hit = next((i for i, (keys, fam, _) in enumerate(want) if i not in matched and key in keys and fam == c.value),
                   None)
        if hit is None:
            score.wrong["entities"].append(f"{c.label} ({c.value})")
        else:
            matched.add(hit)
            t.correct += 1
    t.found, t.expected = len(matched), len(want)
    score.missed["entities"] += [f"{label} ({fam})" for i, (_, fam, label) in enumerate(want) if i not in matched]


def _figure_key(c) -> tuple[str, str, str]:
    return (_number(c.value), expand(c.unit), expand(c.qualifier))


def _judge_figures(candidates: list, expected: dict, ends: _Ends, score: Score) -> list:
    """Figures on their subject. Returns the figure rows left unmatched that may be a funding's amount (on the
    funding row, or on the recipient: « Brumelab lève 12 millions d'euros » as a figure of Brumelab)."""
    want = [((_number(f["value"]), expand(f["unit"]), expand(f["qualifier"])),
             [ends.expected(o) for o in _ofs(f["of"])] if f.get("of") else None, f) for f in expected["figures"]]
    matched: set[int] = set()
    left = []
    t = score.tallies["figures"]
    for c in candidates:
        if c.kind != "figure":
            continue
        funding_row = ends.rows.get(c.subject)
        if funding_row is not None and funding_row.kind == "funding":
            left.append((c, "funding:" + c.subject))
            continue
        of = ends.candidate(c.subject)
        hit = next((i for i, (key, wanted, _) in enumerate(want)
                    if i not in matched and key == _figure_key(c) and (wanted is None or of in wanted)), None)
        if hit is None:
            left.append((c, of))
        else:
            matched.add(hit)
            t.proposed += 1
            t.correct += 1
    t.found, t.expected = len(matched), len(want)
    score.missed["figures"] += [f"{f['as_written']} of {f.get('of')}" for i, (_, _, f) in enumerate(want)
                                if i not in matched]
    return left


def _judge_fundings(candidates: list, expected: dict, ends: _Ends, score: Score, amounts: list) -> None:
    want = []
    for f in expected["fundings"]:
        amount = (_number(f["value"]), expand(f["unit"])) if f.get("value") else None
        want.append((ends.expected(f["recipient"]), ends.expected(f["funder"]) if f.get("funder") else "", amount, f))
    matched: set[int] = set()
    used: set[int] = set()  # amount rows taken by a funding
    t = score.tallies["fundings"]

    def amount_rows(owner: str, recipient: str) -> list[int]:
        return [i for i, (c, of) in enumerate(amounts) if i not in used and of in (owner, recipient)]

    for c in candidates:
        if c.kind != "funding":
            continue
        t.proposed += 1
        recipient, funder = ends.candidate(c.subject), ends.candidate(c.object) if c.object else ""
        own = (_number(c.value), expand(c.unit)) if c.value and c.unit else None
        hit = None
        for i, (r, f, amount, _) in enumerate(want):
            if i in matched or r != recipient or f != funder:
                continue
            if amount is None or own == amount:
                hit = i
                break
            row = next((j for j in amount_rows("funding:" + c.id, recipient)
                        if (_number(amounts[j][0].value), expand(amounts[j][0].unit)) == amount), None)
            if row is not None:
                used.add(row)
                hit = i
                break
        if hit is None:
            score.wrong["fundings"].append(f"{ends.show(recipient)} <- {ends.show(funder) or '?'} {c.value} {c.unit}")
        else:
            matched.add(hit)
            t.correct += 1
    # An amount on the recipient with no funding row: right for a funding whose funder the text does not name.
    for i, (c, of) in enumerate(amounts):
        if i in used:
            continue
        hit = next((j for j, (r, f, amount, _) in enumerate(want) if j not in matched and not f and r == of
                    and amount == (_number(c.value), expand(c.unit))), None)
        if hit is not None:
            used.add(i)
            matched.add(hit)
            t.proposed += 1
            t.correct += 1
    # The other figure rows: a funding's amount on its recipient is a right figure (the funding, if its funder is
    # named, is still missed); anything else is a wrong figure.
    for i, (c, of) in enumerate(amounts):
        if i in used:
            continue
        score.tallies["figures"].proposed += 1
        if any(r == of and amount == (_number(c.value), expand(c.unit)) for r, _, amount, _ in want):
            score.tallies["figures"].correct += 1
        else:
            score.wrong["figures"].append(f"{c.as_written or c.value} of {ends.show(of)}")
    t.found, t.expected = len(matched), len(want)
    score.missed["fundings"] += [f"{ends.show(r)} <- {ends.show(f) or '?'} {w.get('as_written', '')}".rstrip()
                                 for i, (r, f, _, w) in enumerate(want) if i not in matched]


def _date_what(c, ends: _Ends, of: str, row=None) -> str:
    if c.type in DATE_WHAT:
        return c.type
    if row is not None and row.kind == "funding":
        return "funding"
    if of == "document" or expand(c.predicate) == DCTERMS + "date":
        return "document"
    if of.startswith("fig:"):
        return "figure"
    predicate = expand(c.predicate)
    if predicate == EKG + "startDate":
        return "start"
    if predicate == EKG + "endDate":
        return "end"
    if ends.family(c.subject) == "event":
        return "event"
    return ""


def _judge_dates(candidates: list, expected: dict, ends: _Ends, score: Score) -> None:
    want = []
    for d in expected["dates"]:
        of = [("fig:" + o if d.get("what") == "figure" else ends.expected(o)) for o in _ofs(d.get("of", ""))]
        want.append((_date_value(d["datatype"], d["value"], d["as_written"]), of, d.get("what"), d))
    matched: set[int] = set()
    t = score.tallies["dates"]
    for c in candidates:
        if c.kind != "date":
            continue
        t.proposed += 1
        row = ends.rows.get(c.subject)
        if row is not None and row.kind == "figure":
            of = "fig:" + (row.as_written or row.value)
        elif row is not None:  # the date of a relation, role or funding row: of its subject
            of = ends.candidate(row.subject)
        else:
            of = ends.candidate(c.subject)
        what = _date_what(c, ends, of, row)
        value = _date_value(c.datatype, c.value, c.as_written)
        hit = next((i for i, (v, wanted, w, _) in enumerate(want) if i not in matched and _same_date(value, v)
                    and _same_of(of, wanted) and (w is None or w == what)), None)
        if any(_same_date(value, v) and _same_of(of, wanted) for v, wanted, _, _ in want):
            score.dates_on_subject += 1
        if hit is None:
            score.wrong["dates"].append(f"{c.as_written} ({c.value or 'not stated'}) of {ends.show(of)} "
                                        f"[{what or '?'}]")
        else:
            matched.add(hit)
            t.correct += 1
    t.found, t.expected = len(matched), len(want)
    score.missed["dates"] += [f"{d['as_written']} of {d.get('of')} [{d.get('what', 'any')}]"
                              for i, (_, _, _, d) in enumerate(want) if i not in matched]


def _judge_relations(candidates: list, expected: dict, ends: _Ends, graph: Graph, score: Score) -> None:
    want = {graph.fold(ends.expected(r["subject"]), expand(r["predicate"]), ends.expected(r["object"]))
            for r in expected["relations"]}
    got = set()
    for c in candidates:
        if c.kind == "role" and not c.object:
            continue  # a title with no organisation: not a relation (the expected files list roles as relations)
        if c.kind in RELATION_KINDS:
            got.add(graph.fold(ends.candidate(c.subject), expand(c.predicate), ends.candidate(c.object)))
        elif c.kind == "agreement":
            agreement = ends.candidate(c.subject)
            for party in c.object.split():
                got.add(graph.fold(agreement, EKG + "party", ends.candidate(party)))
    t = score.tallies["relations"]
    t.correct = t.found = len(got & want)
    t.proposed, t.expected = len(got), len(want)

    def show(triple: tuple[str, str, str]) -> str:
        s, p, o = triple
        return f"{ends.show(s)} {p.removeprefix(EKG)} {ends.show(o)}"

    wrong = got - want
    score.related += sum(1 for r in wrong if any(r[0] == x[0] and r[2] == x[2] and graph.related(r[1], x[1])
                                                 for x in want))
    score.wrong["relations"] += sorted(show(r) for r in wrong)
    score.missed["relations"] += sorted(show(r) for r in want - got)


def _judge_quotations(candidates: list, expected: dict, ends: _Ends, score: Score) -> None:
    want = [(ends.expected(q["speaker"]), normalise(q["starts"]), q) for q in expected["quotations"]]
    matched: set[int] = set()
    t = score.tallies["quotations"]
    for c in candidates:
        if c.kind != "quotation":
            continue
        t.proposed += 1
        speaker, said = ends.candidate(c.subject), normalise(c.value)
        hit = next((i for i, (s, starts, _) in enumerate(want) if i not in matched and s == speaker
                    and said.startswith(starts)), None)
        if hit is None:
            score.wrong["quotations"].append(f"{ends.show(speaker)}: {c.value[:40]}")
        else:
            matched.add(hit)
            t.correct += 1
    t.found, t.expected = len(matched), len(want)
    score.missed["quotations"] += [f"{q['speaker']}: {q['starts']}" for i, (_, _, q) in enumerate(want)
                                   if i not in matched]


# -- tables --------------------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f} %"


def cell(t: Tally) -> str:
    return f"{_pct(t.precision)} / {_pct(t.recall)} ({t.correct}/{t.proposed}; {t.found}/{t.expected})"


def table(scores: dict[str, Score]) -> str:
    """Markdown: one row per document, then the total; per category precision / recall (right/rows;
    found/expected), and the strict precision over all rows."""
    head = "| document | " + " | ".join(TITLES[c] for c in CATEGORIES) + " | all rows |"
    lines = [head, "|---|" + "---|" * (len(CATEGORIES) + 1)]
    for name, s in scores.items():
        lines.append(f"| {name} | " + " | ".join(cell(s.tallies[c]) for c in CATEGORIES) + f" | {cell(s.total())} |")
    total = add(scores.values())
    lines.append("| **total** | " + " | ".join(f"**{cell(total.tallies[c])}**" for c in CATEGORIES)
                 + f" | **{cell(total.total())}** |")
    return "\n".join(lines)


def errors(name: str, score: Score) -> str:
    """The wrong rows and missed expected items of one document, by category."""
    out = []
    for c in CATEGORIES:
        if score.wrong[c]:
            out.append(f"--- {name} {c} wrong ({len(score.wrong[c])}): " + "; ".join(score.wrong[c]))
        if score.missed[c]:
            out.append(f"--- {name} {c} missed ({len(score.missed[c])}): " + "; ".join(score.missed[c]))
    return "\n".join(out)


def fixture_paths(folder: str | Path) -> list[Path]:
    """The fixtures of a folder: every NAME.txt with a NAME.expected.json beside it."""
    return [p for p in sorted(Path(folder).glob("*.txt")) if p.with_name(p.stem + ".expected.json").is_file()]


def score_folder(folder: str | Path, extract: Callable[[Path], list], graph: Graph,
                 doc_iri: str = EKD + "doc-999", names: Iterable[str] | None = None) -> dict[str, Score]:
    """Each fixture of a folder (or the `names` given) judged: `extract(path)` gives its candidate rows, proposed
    as document `doc_iri` against the graph `graph` describes."""
    wanted = set(names) if names is not None else None
    out = {}
    for path in fixture_paths(folder):
        if wanted is not None and path.stem not in wanted:
            continue
        expected = read_expected(path.with_name(path.stem + ".expected.json"))
        out[path.stem] = judge(extract(path), expected, graph, doc_iri)
    return out


__all__ = ["CATEGORIES", "DATE_WHAT", "FAMILIES", "Graph", "Score", "Tally", "add", "check_expected", "errors",
           "expand", "fixture_paths", "judge", "label_key", "read_expected", "score_folder", "table"]
