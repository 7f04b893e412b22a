"""`kg accept`: the rows a person accepted become Turtle with the provenance hand-written facts have, checked
before anything is written, in a graph folder the person owns (never the packaged graph).

Every row is checked, and every refusal is named with its row: required columns filled; every term the row uses
is declared by the ontology (a class of the right family for an entity, a property for a relation, a known
datatype); every IRI the row uses is in the graph or created by an accepted row; every quote is verbatim in the
document and starts in the row's own sentence; a new entity's IRI names nothing yet (unless the review was made
against an older graph and another document has since created it: then the row links to it); and the graph with
the new file conforms to the SHACL shapes. One refusal and nothing is written.

The document's id is given here, under the graph folder's lock: the id the graph already gives the text, else
the next free one, so reviews can wait side by side. Decisions (accept and reject, corrections included) are kept
in `decisions/` (kg.ingest.decisions), and the data file `data/<id>.ttl` is rebuilt whole from every row of the
document ever accepted: deterministic, never appended to, and a fact is attested once per document. The data
file, the kept text and the decisions change together or not at all (kg.shared.graphdir.commit).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kg.ingest.decisions import (
    ROW_REFERENCE,
    Decided,
    decision_word,
    decisions_path,
    graph_state,
    read_decisions,
    row_keys,
    text_key,
    write_decisions,
)
from kg.ingest.known import FAMILY_ROOTS, Known
from kg.ingest.review import Candidate, read_review
from kg.ingest.sentences import normalise, sentences
from kg.ingest.turtle import PREFIX_BLOCK, Node, comment, lit
from kg.shared.errors import InputError, KgError
from kg.shared.namespaces import EKD, EKG, OWL, RDFS
from kg.shared.records import Record

IRI_RULE = re.compile(r"^ekd:[a-z0-9][a-z0-9-]*$")
FAMILY_CLASSES = {"person", "organisation", "product", "programme", "place", "event"}
FIGURE_DATATYPES = {"": "xsd:integer", "xsd:integer": "xsd:integer", "xsd:decimal": "xsd:decimal"}
DATE_DATATYPES = ("xsd:date", "xsd:gYearMonth", "xsd:gYear", "xsd:gMonthDay", "ekg:notStated")
DATE_PATTERNS = {"xsd:date": r"\d{4}-\d{2}-\d{2}", "xsd:gYearMonth": r"\d{4}-\d{2}", "xsd:gYear": r"\d{4}",
                 "xsd:gMonthDay": r"--\d{2}-\d{2}"}


class AcceptError(KgError):
    """A review that cannot be accepted (exit 2, nothing written); `result` lists every row and why."""

    def __init__(self, message: str, result: AcceptResult | None = None) -> None:
        super().__init__(message)
        self.result = result


class RowOutcome(Record):
    """What became of one row: added, linked (an entity another document created since the review: linked to,
    not created again), skipped (already in the graph from this document), rejected (by the person), refused
    (a check failed: `why`), or undecided."""

    _fields = ("id", "line", "kind", "outcome", "why")
    _defaults = {"why": ""}  # noqa: RUF012
    __slots__ = _fields


class AcceptResult:
    """What `kg accept` did, row by row, and what the document changed in the graph."""

    def __init__(self) -> None:
        self.doc_id = ""
        self.data_file: Path | None = None
        self.source_file: Path | None = None
        self.decisions_file: Path | None = None
        self.rows: list[RowOutcome] = []
        self.counts: dict[str, int] = {}
        self.turtle = ""
        self.written = False
        self.stale = False  # the review was made against another state of the graph
        self.added_statements: list[tuple[str, str, str]] = []
        self.removed_statements: list[tuple[str, str, str]] = []
        self.inferred_gained: list[tuple[str, str, str]] = []
        self.inferred_lost: list[tuple[str, str, str]] = []
        self.notes: list[str] = []

    def outcome(self, kind: str) -> list[RowOutcome]:
        return [r for r in self.rows if r.outcome == kind]

    @property
    def refused(self) -> list[RowOutcome]:
        return self.outcome("refused")

    def as_dict(self) -> dict[str, object]:
        """Plain data for a web page or JSON."""
        return {"document": self.doc_id, "written": self.written, "stale": self.stale,
                "data_file": str(self.data_file or ""), "source_file": str(self.source_file or ""),
                "rows": [{f: getattr(r, f) for f in RowOutcome._fields} for r in self.rows],
                "counts": self.counts, "added_statements": [list(t) for t in self.added_statements],
                "removed_statements": [list(t) for t in self.removed_statements],
                "inferred_gained": [list(t) for t in self.inferred_gained],
                "inferred_lost": [list(t) for t in self.inferred_lost], "notes": self.notes}


class _Refused(Exception):
    def __init__(self, why: str, outcome: str = "refused") -> None:
        super().__init__(why)
        self.why, self.outcome = why, outcome


def _iri(curie: str) -> str:
    if curie.startswith("ekd:"):
        return EKD + curie[4:]
    if curie.startswith("ekg:"):
        return EKG + curie[4:]
    return curie


def _local(curie: str) -> str:
    return curie.split(":", 1)[1] if ":" in curie else curie


class Vocabulary:
    """The ontology's declared classes and properties (as ekg: CURIEs), and each class's superclasses."""

    def __init__(self, kgraph) -> None:
        rows = kgraph.query(f"SELECT ?c ?s WHERE {{ ?c a <{OWL}Class> OPTIONAL {{ ?c <{RDFS}subClassOf>+ ?s }} }}").rows
        self.classes: dict[str, set[str]] = {}
        for c, sup in ((None if t is None else t.value for t in row) for row in rows):
            if c.startswith(EKG):
                self.classes.setdefault(c, {c})
                if sup:
                    self.classes[c].add(sup)
        kinds = " ".join(f"<{OWL}{k}>" for k in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty"))
        self.properties = {row[0].value for row in kgraph.query(
            f"SELECT DISTINCT ?p WHERE {{ VALUES ?k {{ {kinds} }} ?p a ?k }}").rows if row[0].value.startswith(EKG)}

    def family_of(self, cls: str) -> str | None:
        supers = self.classes.get(_iri(cls), set())
        for family, roots in FAMILY_ROOTS:
            if supers & set(roots):
                return family
        return None


def quote_sentence_ok(quote: str, text_sentences: list[str], number: int) -> bool:
    """Whether `quote` occurs starting in sentence `number` (it may run on into the next ones): the quote's own
    sentence, not its first occurrence in the text (a word of the headline repeats in the body)."""
    if number < 1 or number > len(text_sentences):
        return False
    q = normalise(quote)
    first = text_sentences[number - 1]
    joined = " ".join(text_sentences[number - 1:])
    position = joined.find(q)
    return 0 <= position < len(first)


class Batch:
    """The rows of one acceptance session, with who and when (an activity of their own in the data)."""

    def __init__(self, who: str, when: str, rows: list[Candidate]) -> None:
        self.who, self.when, self.rows = who, when, rows


def build(header: dict[str, str], batches: list[Batch], text: str, known: Known, vocab: Vocabulary, *,
          doc_id: str, stale: bool, doc_elsewhere: bool
          ) -> tuple[str, dict[str, list[str]], dict[str, RowOutcome]]:
    """Turtle for the accepted rows of every batch, the node → row ids map (to name rows in SHACL failures), and
    each row's outcome (refused rows add nothing; rows that depend on them are refused in turn)."""
    doc_curie = "ekd:" + doc_id
    doc_iri = _iri(doc_curie)
    num = doc_id.rsplit("-", 1)[-1]
    norm_text = normalise(text)
    text_sentences = sentences(text)
    nodes: dict[str, Node] = {}
    owner: dict[str, list[str]] = {}
    outcomes: dict[str, RowOutcome] = {}
    attested_here: dict[tuple[str, str, str], str] = {}
    mentioned_here: set[str] = set()

    def node(curie: str, row: Candidate | None) -> Node:
        if curie not in nodes:
            nodes[curie] = Node(curie)
        if row is not None:
            owner.setdefault(_iri(curie), []).append(row.id)
        return nodes[curie]

    def fail(row: Candidate, message: str) -> None:
        raise _Refused(message)

    all_rows = [r for b in batches for r in b.rows]
    created: set[str] = set()
    linked: set[str] = set()
    for r in all_rows:
        if r.kind in ("entity", "agreement") and IRI_RULE.match(r.subject):
            if _iri(r.subject) not in known.iris:
                created.add(r.subject)
            elif stale and _iri(r.subject) in known.entities:
                linked.add(r.subject)

    def entity(row: Candidate, curie: str, what: str) -> str:
        if not curie:
            fail(row, f"the {what} is empty")
        if not IRI_RULE.match(curie):
            fail(row, f"{what} {curie!r} is not an IRI of the form ekd:lower-case-words")
        if _iri(curie) not in known.iris and curie not in created:
            near = _near(curie, created, known)
            fail(row, f"{what} {curie} is neither in the graph nor created by an accepted row"
                 + (f" (did you mean {near}?)" if near else ""))
        return curie

    def declared_class(row: Candidate, cls: str) -> str:
        if not re.match(r"^ekg:[A-Z]\w*$", cls) or _iri(cls) not in vocab.classes:
            fail(row, f"type {cls!r} is not a class the ontology declares (ekg:Class)")
        return cls

    def declared_property(row: Candidate, prop: str, what: str = "predicate") -> str:
        if not re.match(r"^ekg:[a-z]\w*$", prop) or _iri(prop) not in vocab.properties:
            fail(row, f"{what} {prop!r} is not a property the ontology declares (ekg:property)")
        return prop

    doc = node(doc_curie, None)
    title = header.get("title", "")
    if not doc_elsewhere:
        doc.add("a", "ekg:SourceDocument")
        doc.add("rdfs:label", lit(f"document {num}" + (f" — {title}" if title else " (sans titre)")),
                lit(f"document {num}" + (f" — {title}" if title else " (untitled)"), "en"))
        if title:
            doc.add("dcterms:title", lit(title))
        else:
            doc.add("ekg:notStated", "dcterms:title")
        doc.add("dcterms:identifier", lit(header["file"], None, "xsd:string"))
        doc.add("dcterms:language", lit("fr", None, "xsd:string"))
        doc.add("schema:sha256", lit(header["sha256"], None))
    counters: dict[str, int] = {}
    figure_nodes: dict[str, Node] = {}
    current: dict[str, str] = {}  # the activity of the batch being built

    def fact(row: Candidate, base: str, cls: str, lab_fr: str, lab_en: str) -> Node:
        iri = f"ekd:{base}-{num}"
        if _iri(iri) in known.iris or iri in nodes:
            counters[base] = counters.get(base, 1) + 1
            iri = f"ekd:{base}-{num}-{counters[base]}"
        n = node(iri, row)
        n.add("a", cls)
        n.add("rdfs:label", lit(lab_fr), lit(lab_en, "en"))
        n.add("prov:wasDerivedFrom", doc_curie)
        n.add("ekg:quote", lit(row.quote))
        n.add("ekg:sentenceIndex", row.sentence)
        n.add("prov:wasGeneratedBy", current["activity"])
        if row.status == "conflict":
            n.add("rdfs:comment", lit("Conflit signalé à l’ingestion : " + row.note),
                  lit("Conflict flagged at ingestion: " + row.note, "en"))
        reading = row.note[row.note.find("reading:"):] if "reading:" in row.note else ""
        if reading:  # a relation read through "Il", "l'accord", "nous"…: marked the way the data marks readings
            reading = reading.removeprefix("reading:").strip()
            n.add("ekg:inferenceNote", lit("Lecture du texte, non écrite en toutes lettres : " + reading),
                  lit("A reading of the text, not written out: " + reading, "en"))
        return n

    def attest(row: Candidate, s: str, p: str, o: str, tag: str) -> bool:
        """Attest a triple from this document once; False when it already is (the row adds nothing)."""
        if (_iri(s), _iri(p), _iri(o), doc_iri) in known.attested or (s, p, o) in attested_here:
            return False
        attested_here[(s, p, o)] = row.id
        base = f"att-{_local(s)}-{_local(p).lower()}-{tag}"
        n = fact(row, base, "ekg:Attestation", f"{_local(s)} — {_local(p)} — {tag} (document {num})",
                 f"{_local(s)} — {_local(p)} — {tag} (document {num})")
        n.add("rdf:subject", s).add("rdf:predicate", p).add("rdf:object", o)
        return True

    def mention(row: Candidate, curie: str) -> bool:
        if (doc_iri, _iri(curie)) in known.mentions or curie in mentioned_here:
            return False
        mentioned_here.add(curie)
        node(curie, row).add("ekg:mentionedIn", doc_curie)
        doc.add("ekg:mentions", curie)
        return True

    def link(row: Candidate, e: str, label: str) -> bool:
        """Mention a known entity, attest its type and a new spelling of its name; False if nothing is new."""
        new = mention(row, e)
        types = sorted(t for t in known.types.get(_iri(e), ()) if t.startswith(EKG))
        if types:
            t = "ekg:" + types[0].split("#", 1)[1]
            new = attest(row, e, "rdf:type", t, _local(t).lower()) or new
        if label and label not in known.labels.get(_iri(e), []):
            node(e, row).add("skos:altLabel", lit(label))
            new = attest(row, e, "skos:altLabel", lit(label), "altlabel") or new
        return new

    def one_row(r: Candidate) -> bool | tuple[str, str]:
        """Add one row: True (added), False (nothing new), or (outcome, why) for a row linked instead."""
        if not r.quote:
            fail(r, "the quote is empty")
        if normalise(r.quote) not in norm_text:
            fail(r, f"the quote is not verbatim in the document: {r.quote[:60]!r}")
        if not quote_sentence_ok(r.quote, text_sentences, int(r.sentence)):
            fail(r, f"the quote does not occur in sentence {r.sentence} (nor start there)")
        if r.kind == "mention":
            e = entity(r, r.subject, "subject")
            return link(r, e, r.label)
        if r.kind in ("entity", "agreement"):
            e = r.subject
            if not IRI_RULE.match(e):
                fail(r, f"{e!r} is not an IRI of the form ekd:lower-case-words")
            if e in linked:
                link(r, e, r.label)
                return ("linked", f"{e} was created by another document after this review was made: linked to it, "
                                  "not created again")
            if _iri(e) in known.iris:
                fail(r, f"{e} already names something in the graph (IRI clash); choose another IRI")
            cls = r.type or ("ekg:Agreement" if r.kind == "agreement" else "")
            if r.kind == "entity" and r.value not in FAMILY_CLASSES:
                fail(r, f"type family {r.value!r} is not one of {', '.join(sorted(FAMILY_CLASSES))}")
            declared_class(r, cls)
            if cls == "ekg:Nothing" or _iri(cls) == OWL + "Nothing":
                fail(r, "type owl:Nothing names no thing")
            if r.kind == "entity" and vocab.family_of(cls) != r.value:
                fail(r, f"type {cls} is not of the family {r.value!r} (value column): correct one of the two")
            if not r.label:
                fail(r, "the label is empty")
            n = node(e, r)
            n.add("a", cls).add("rdfs:label", lit(r.label), lit(r.label, "en")).add("skos:prefLabel", lit(r.label))
            mention(r, e)
            attest(r, e, "rdf:type", cls, _local(cls).lower())
            if r.kind == "agreement":
                for party in r.object.split():
                    p = entity(r, party, "party")
                    n.add("ekg:party", p)
                    attest(r, e, "ekg:party", p, _local(p))
            return True
        if r.kind == "relation":
            s, o = entity(r, r.subject, "subject"), entity(r, r.object, "object")
            declared_property(r, r.predicate)
            new = attest(r, s, r.predicate, o, _local(o))
            if new:
                node(s, r).add(r.predicate, o)
            return new
        if r.kind == "role":
            s = entity(r, r.subject, "person")
            o = entity(r, r.object, "organisation") if r.object else ""
            if not r.value:
                fail(r, "the title (value) is empty")
            if (_iri(s), _iri(o) if o else None, doc_iri) in known.roles:
                return False
            role_label = f"{_local(s)}, {r.value} (document {num})"
            n = fact(r, f"role-{_local(s)}-{_local(o) or 'role'}", "ekg:Role", role_label, role_label)
            n.add("ekg:roleHolder", s).add("ekg:roleTitle", lit(r.value)).add("ekg:notStated", "ekg:date")
            if o:
                n.add("ekg:roleOrganisation", o)
            if r.type:
                n.add("ekg:roleKind", entity(r, r.type, "role kind"))
            return True
        if r.kind == "participation":
            s, o = entity(r, r.subject, "participant"), entity(r, r.object, "event")
            if not r.type:
                fail(r, "the participation role (type) is empty")
            if (_iri(s), _iri(o), doc_iri) in known.participations:
                return False
            n = fact(r, f"part-{_local(s)}-{_local(o)}", "ekg:Participation", f"{_local(s)} — {_local(o)}",
                     f"{_local(s)} — {_local(o)}")
            n.add("ekg:participant", s).add("ekg:participationIn", o)
            n.add("ekg:participationRole", entity(r, r.type, "participation role"))
            return True
        if r.kind == "funding":
            s, o = entity(r, r.subject, "recipient"), entity(r, r.object, "funder")
            if (_iri(s), _iri(o), doc_iri) in known.fundings:
                return False
            n = fact(r, f"fund-{_local(o)}-{_local(s)}", "ekg:Funding", f"financement de {_local(s)} par {_local(o)}",
                     f"funding of {_local(s)} by {_local(o)}")
            n.add("ekg:funder", o).add("ekg:fundingRecipient", s)
            if r.value and r.unit:  # "financé à hauteur de N par F": the amount, a figure of the funding
                if not re.fullmatch(r"-?\d+(\.\d+)?", r.value):
                    fail(r, f"amount {r.value!r} is not a number")
                amount = fact(r, f"fig-fund-{_local(o)}-{_local(s)}", "ekg:Figure",
                              f"montant du financement de {_local(s)} : {r.as_written}",
                              f"funding amount of {_local(s)}: {r.as_written}")
                value = lit(r.value, None, "xsd:decimal") if r.datatype == "xsd:decimal" else r.value
                amount.add("ekg:figureOf", n.subject).add("ekg:value", value)
                amount.add("ekg:unit", r.unit).add("ekg:qualifier", r.qualifier or "ekd:qualifier-exact")
                amount.add("ekg:measure", "ekd:measure-contribution").add("ekg:notStated", "ekg:date")
                if r.as_written:
                    amount.add("ekg:valueAsWritten", lit(r.as_written))
                n.add("ekg:fundingAmount", amount.subject)
            return True
        if r.kind == "figure":
            s = entity(r, r.subject, "subject (figureOf)")
            for column in ("predicate", "value", "unit", "qualifier"):
                if not getattr(r, column):
                    fail(r, f"the {column} column is empty (a figure needs measure, value, unit and qualifier)")
            datatype = FIGURE_DATATYPES.get(r.datatype)
            if datatype is None:
                fail(r, f"datatype {r.datatype!r} is not a number type (xsd:integer or xsd:decimal)")
            pattern = r"-?\d+" if datatype == "xsd:integer" else r"-?\d+(\.\d+)?"
            if not re.fullmatch(pattern, r.value):
                fail(r, f"value {r.value!r} is not an {'integer' if datatype == 'xsd:integer' else 'number'}"
                        + (" (a decimal figure needs datatype xsd:decimal)" if datatype == "xsd:integer" else ""))
            for column, what in (("predicate", "measure"), ("unit", "unit"), ("qualifier", "qualifier")):
                entity(r, getattr(r, column), what)
            n = fact(r, f"fig-{_local(s)}-{_local(r.predicate).removeprefix('measure-')}", "ekg:Figure",
                     f"{_local(s)} : {r.as_written}", f"{_local(s)}: {r.as_written}")
            value = lit(r.value, None, "xsd:decimal") if datatype == "xsd:decimal" else r.value
            n.add("ekg:figureOf", s).add("ekg:measure", r.predicate).add("ekg:value", value)
            n.add("ekg:unit", r.unit).add("ekg:qualifier", r.qualifier)
            if r.as_written:
                n.add("ekg:valueAsWritten", lit(r.as_written))
            figure_nodes[r.id] = n
            return True
        if r.kind == "date":
            if r.datatype not in DATE_DATATYPES:
                fail(r, f"datatype {r.datatype!r} is not a date type ({', '.join(DATE_DATATYPES)})")
            if r.datatype != "ekg:notStated" and not re.fullmatch(DATE_PATTERNS[r.datatype], r.value):
                fail(r, f"value {r.value!r} is not a {r.datatype}")
            if ROW_REFERENCE.match(r.subject):
                target = figure_nodes.get(r.subject)
                if target is None:
                    fail(r, f"its subject is the figure of row {r.subject}, which is not accepted (before this row)")
                if r.datatype in ("ekg:notStated", "xsd:gMonthDay"):
                    target.add("ekg:dateAsWritten", lit(r.as_written))
                else:
                    target.add("ekg:date", lit(r.value, None, r.datatype))
                    target.add("ekg:dateAsWritten", lit(r.as_written))
                return True
            if r.subject in (doc_curie, "ekd:doc-pending") and r.datatype != "ekg:notStated":
                doc.add("dcterms:date", lit(r.value, None, r.datatype))  # a dateline: the document's own date
                return True
            s = entity(r, r.subject, "subject")
            if r.datatype == "ekg:notStated":
                new = attest(r, s, "ekg:dateAsWritten", lit(r.as_written), "date")
                if new:
                    node(s, r).add("ekg:dateAsWritten", lit(r.as_written)).add("ekg:notStated", "ekg:date")
                return new
            predicate = declared_property(r, r.predicate or "ekg:date")
            obj = lit(r.value, None, r.datatype)
            new = attest(r, s, predicate, obj, "date")
            if new:
                node(s, r).add(predicate, obj).add("ekg:dateAsWritten", lit(r.as_written))
            return new
        if r.kind == "quotation":
            s = entity(r, r.subject, "speaker")
            if not r.value:
                fail(r, "the quoted text (value) is empty")
            if normalise(r.value) not in norm_text:
                fail(r, "the quoted text is not verbatim in the document")
            if (doc_iri, normalise(r.value)) in known.quotations:
                return False
            n = fact(r, f"quote-{_local(s)}", "ekg:Quotation", f"{_local(s)} : « {r.value[:40]}… »",
                     f"{_local(s)}: \"{r.value[:40]}…\"")
            n.add("ekg:speaker", s).add("ekg:quotedText", lit(r.value))
            return True
        fail(r, f"unknown kind {r.kind!r}")
        return False

    for batch in batches:
        stamp = re.sub(r"[^0-9tz]", "", batch.when.lower())
        activity = f"ekd:acceptance-{doc_id}-{stamp}"
        current["activity"] = activity
        curator = "ekd:curator-" + (re.sub(r"[^a-z0-9]+", "-", batch.who.lower()).strip("-") or "unknown")
        doc.add("prov:wasGeneratedBy", activity)
        act = node(activity, None)
        act.add("a", "prov:Activity")
        act.add("rdfs:label", lit(f"acceptation des faits proposés pour le document {num} ({batch.when})"),
                lit(f"acceptance of the facts proposed for document {num} ({batch.when})", "en"))
        act.add("prov:wasAssociatedWith", curator)
        act.add("prov:endedAtTime", lit(batch.when, None, "xsd:dateTime"))
        act.add("prov:used", doc_curie)
        act.add("rdfs:comment", lit(f"extractor: {header.get('extractor', '?')}", "en"))
        cur = node(curator, None)
        cur.add("a", "prov:Agent")
        cur.add("rdfs:label", lit(batch.who), lit(batch.who, "en"))
        for r in batch.rows:
            try:
                added = one_row(r)
            except _Refused as exc:
                outcomes[r.id] = RowOutcome(r.id, r.line, r.kind, exc.outcome, exc.why)
                if r.kind in ("entity", "agreement"):
                    created.discard(r.subject)
                continue
            if isinstance(added, tuple):
                outcomes[r.id] = RowOutcome(r.id, r.line, r.kind, added[0], added[1])
            else:
                outcomes[r.id] = RowOutcome(r.id, r.line, r.kind, "added" if added else "skipped",
                                            "" if added else f"already in the graph from {doc_curie}")
    for n in figure_nodes.values():
        if "ekg:date" not in n.props:
            n.add("ekg:notStated", "ekg:date")
    body = "\n".join(n.turtle() for n in nodes.values())
    who = ", ".join(sorted({f"{b.who} on {b.when[:10]}" for b in batches}))
    head = comment(f"ecosystem-kg data — document {num} ({header['file']}), from kg ingest reviews accepted by "
                   f"{who}. Rewritten whole by kg accept from decisions/{text_key(header['sha256'])}.tsv.")
    return head + PREFIX_BLOCK.replace("@prefix rdf:", "@prefix schema: <https://schema.org/> .\n@prefix rdf:")\
        + "\n" + body, owner, outcomes


def _who(who: str | None) -> str:
    name = who if who is not None else (os.environ.get("KG_CURATOR") or os.environ.get("USER")
                                        or os.environ.get("USERNAME") or "unknown")
    name = " ".join(name.split())
    return name or "unknown"


def _read_text(review: str | Path, header: dict[str, str], kept: Path) -> str:
    from kg.ingest.reading import decode, read_bytes

    source = Path(header.get("path", "")) if header.get("path") else None
    text_path = kept if kept.is_file() else source
    if text_path is None or not text_path.is_file():
        raise InputError(f"{review}: the document {header.get('document') or header.get('file', '?')} is neither "
                         f"in {kept.parent} nor at {source or '(no path in the review)'}")
    text, _, _ = decode(read_bytes(text_path, str(text_path), "text file"), str(text_path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if header.get("sha256") and sha != header["sha256"]:
        raise InputError(f"{text_path}: the document changed since kg ingest wrote {review} (sha256 differs)")
    header["sha256"] = sha
    return text


def _sources_dir(root: Path, sources_dir: str | Path | None) -> Path:
    kept_dir = Path(sources_dir) if sources_dir else root / "sources"
    if kept_dir.exists() and not kept_dir.is_dir():
        raise InputError(f"--sources: {kept_dir} is not a folder; nothing written")
    return kept_dir


def _next_id(known: Known, data_dir: Path) -> str:
    numbers = [int(m.group(1)) for iri in known.documents.values() if (m := re.search(r"doc-(\d+)$", iri))]
    numbers += [int(m.group(1)) for p in data_dir.glob("doc-*.ttl") if (m := re.fullmatch(r"doc-(\d+)", p.stem))]
    return f"doc-{(max(numbers) + 1 if numbers else 0):03d}"


def _copy_graph(lay, tmp: Path, replace: dict[str, str | None]) -> Path:
    """A copy of the graph's ontology and data in `tmp`, with data files replaced (text) or left out (None)."""
    shutil.copytree(lay.ontology_dir, tmp / "ontology")
    shutil.copytree(lay.data_dir, tmp / "data", ignore=shutil.ignore_patterns(".*"))
    for name, content in replace.items():
        target = tmp / "data" / name
        if content is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(content, encoding="utf-8")
    return tmp


def accept(review: str | Path, *, data_dir: str | None = None, sources_dir: str | Path | None = None,
           who: str | None = None, when: datetime | None = None, use_cache: bool = True,
           compare: bool = True, raise_on_refusal: bool = True) -> AcceptResult:
    """Check every row of a review file and, if none is refused, rewrite data/<id>.ttl, keep the text and the
    decisions, all at once. Returns what became of every row and what the document changed in the graph;
    with `raise_on_refusal` (the command line), a refusal is an AcceptError carrying that result."""
    from kg.engine.graph import open_graph
    from kg.shared.graphdir import commit, locked, writable_root
    from kg.shared.paths import layout

    header, rows = read_review(review)
    root, _ = writable_root(data_dir)
    kept_dir = _sources_dir(root, sources_dir)
    result = AcceptResult()
    when_text = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    curator = _who(who)
    decided_now = [(r, decision_word(r)) for r in rows]
    keys = row_keys(rows)
    for r in rows:
        r.key = r.key or keys[r.id]
    with locked(root):
        lay = layout(str(root))
        current = open_graph(lay, reasoning="none", use_cache=use_cache)
        known_now = Known(current)
        from kg.ingest.digests import documents_by_digest

        # the text first (the kept copy when there is one): its digest says whether the graph already has it
        kept_copies = sorted(kept_dir.glob(f"*_{header['sha256'][:16]}.txt")) \
            if header.get("sha256") and kept_dir.is_dir() else []
        text = _read_text(review, header, kept_copies[0] if kept_copies else kept_dir / header.get("file", "-"))
        sha = header["sha256"]
        existing = documents_by_digest(known_now).get(sha[:16])
        if existing:
            doc_id = existing.rsplit("/", 1)[-1]
        elif header.get("id") and re.fullmatch(r"doc-\d{3}", header["id"]) and \
                EKD + header["id"] not in known_now.documents.values() and \
                not (lay.data_dir / f"{header['id']}.ttl").exists():
            doc_id = header["id"]
        else:
            doc_id = _next_id(known_now, lay.data_dir)
        if header.get("id") and header["id"] != doc_id:
            result.notes.append(f"the review names {header['id']}; the graph gives this text the id {doc_id}")
        result.doc_id = doc_id
        num = doc_id.rsplit("-", 1)[-1]
        ident = next((i for i, d in known_now.documents.items() if d == EKD + doc_id), None)
        header["file"] = ident or f"{num}_{sha[:16]}.txt"
        target = lay.data_dir / f"{doc_id}.ttl"
        kept = kept_dir / header["file"]
        result.data_file, result.source_file = target, kept
        result.stale = bool(header.get("graph")) and header["graph"] != graph_state(lay.data_dir)
        dpath = decisions_path(root, sha)
        result.decisions_file = dpath
        dheader, previous = read_decisions(dpath)
        # merge: a row decided again replaces its earlier decision (same key); undecided rows change nothing
        merged: dict[str, Decided] = {d.key: d for d in previous}
        batch_rows: list[Candidate] = []
        already: set[str] = set()
        for r, word in decided_now:
            if word is None:
                result.rows.append(RowOutcome(r.id, r.line, r.kind, "undecided"))
                continue
            before = merged.get(r.key)
            if before is not None and before.decision == word == "accept" and _same_cells(before.row, r):
                already.add(r.id)
                result.rows.append(RowOutcome(r.id, r.line, r.kind, "skipped",
                                              f"already accepted on {before.at[:10]} by {before.by}"))
                continue
            merged[r.key] = Decided(r.key, word, curator, when_text, r)
            if word == "accept":
                batch_rows.append(r)
            else:
                result.rows.append(RowOutcome(r.id, r.line, r.kind, "rejected"))
        if not batch_rows and not [r for r, w in decided_now if w == "reject" and
                                   (merged[r.key].at == when_text)]:
            if already:
                result.notes.append("every accepted row was accepted before: nothing to do")
                return result
            raise AcceptError(f"{review}: no row is marked accepted or rejected (put accept, yes or x — or reject, "
                              "no — in the decision column)", result)
        # every accepted row ever, by session; ids made unique across sessions (n.cNNNN)
        sessions: dict[tuple[str, str], list[Candidate]] = {}
        order = sorted({(d.at, d.by) for d in merged.values() if d.accepted})
        renamed: dict[tuple[str, str], str] = {}
        for number, (at, by) in enumerate(order, start=1):
            group = [d.row for d in merged.values() if d.accepted and (d.at, d.by) == (at, by)]
            for row in group:
                renamed[(at, row.id)] = f"{number}.{row.id.split('.')[-1]}"
            sessions[(at, by)] = group
        batches = []
        for (at, by), group in sessions.items():
            fixed = []
            for row in group:
                row = Candidate(**{c: getattr(row, c) for c in Candidate._fields})
                row.id = renamed[(at, row.id)]
                if ROW_REFERENCE.match(row.subject):
                    row.subject = renamed.get((at, row.subject.split(".")[-1]), row.subject)
                fixed.append(row)
            batches.append(Batch(by, at, fixed))
        new_ids = {renamed[(when_text, r.id)]: r for r in batch_rows if (when_text, r.id) in renamed}
        with tempfile.TemporaryDirectory(prefix="kg-accept-") as tmp:
            if target.exists():  # the graph without this document's file: what its rows are checked against
                base = open_graph(layout(str(_copy_graph(lay, Path(tmp) / "base", {target.name: None}))),
                                  reasoning="none", use_cache=False)
                known = Known(base)
            else:
                known = known_now
            vocab = Vocabulary(current)
            doc_elsewhere = EKD + doc_id in known.documents.values()
            turtle, owner, outcomes = build(header, batches, text, known, vocab, doc_id=doc_id,
                                            stale=result.stale, doc_elsewhere=doc_elsewhere)
            for new_id, row in new_ids.items():
                done = outcomes[new_id]
                result.rows.append(RowOutcome(row.id, row.line, row.kind, done.outcome, done.why))
            older = [o for i, o in outcomes.items() if i not in new_ids and o.outcome == "refused"]
            for o in older:
                result.rows.append(RowOutcome(o.id, 0, o.kind, "refused", "accepted earlier, refused now: " + o.why))
            result.rows.sort(key=lambda o: (o.line == 0, o.line))
            if result.refused:
                first = result.refused[0]
                others = len(result.refused) - 1
                raise_or = f"row {first.id} (line {first.line}): {first.why}; nothing written" + (
                    f" ({others} other row{'s' if others > 1 else ''} refused: "
                    f"{', '.join(o.id for o in result.refused[1:6])}{'…' if others > 5 else ''})" if others else "")
                if raise_on_refusal:
                    raise AcceptError(raise_or, result)
                result.notes.append(raise_or)
                return result
            has_rows = any(d.accepted for d in merged.values())
            trial_root = _copy_graph(lay, Path(tmp) / "trial", {target.name: turtle if has_rows else None})
            trial_layout = layout(str(trial_root))
            try:
                trial = open_graph(trial_layout, reasoning="none", use_cache=False)
            except KgError as exc:
                raise AcceptError(f"the generated Turtle does not load ({exc}); nothing written", result) from None
            from kg.inspection.validate import validate

            # the nodes the document's file describes or points at: the rest of the graph is as it was
            touched = _touched(turtle) if has_rows else []
            report = validate(trial, trial_layout.shapes_files(), focus_nodes=touched or None)
            if not report.conforms:
                first = report.results[0]
                back = {new_id: row.id for new_id, row in new_ids.items()}
                ids = sorted({back.get(i, f"{i} (accepted earlier)") for i in owner.get(first.focus_node, [])})
                who_row = f"row {', '.join(ids)}" if ids else f"node {first.focus_node}"
                raise AcceptError(f"{who_row}: SHACL: {first.message} ({first.path or ''}); nothing written", result)
            if compare:
                _compare(result, current, trial, lay, trial_layout)
        result.turtle = turtle if has_rows else ""
        for o in result.rows:
            if o.outcome in ("added", "linked"):
                result.counts[o.kind] = result.counts.get(o.kind, 0) + 1
        writes: dict[Path, bytes] = {}
        removals: list[Path] = []
        if has_rows:
            writes[target] = turtle.encode("utf-8")
        elif target.exists():
            removals.append(target)
        if has_rows and not kept.exists():
            writes[kept] = text.encode("utf-8")
        dheader = {"document": header.get("document") or header["file"], "id": doc_id, "sha256": sha}
        writes[dpath] = write_decisions(dheader, sorted(merged.values(), key=lambda d: (d.at, d.row.line))) \
            .encode("utf-8")
        commit(root, writes, removals)
        result.written = True
    return result


def _near(curie: str, created: set[str], known: Known) -> str | None:
    """The created or known entity whose IRI is spelled most like `curie` (a row that spells another row's IRI
    differently), or None."""
    import difflib

    pool = sorted(created | {"ekd:" + iri[len(EKD):] for iri in known.entities if iri.startswith(EKD)})
    close = difflib.get_close_matches(curie, pool, n=1, cutoff=0.85)
    return close[0] if close else None


def _touched(turtle: str) -> list[str]:
    """The graph's nodes a data file describes or points at (IRIs under ekd:)."""
    import pyoxigraph as ox

    nodes = set()
    for t in ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(EKD):
                nodes.add(term.value)
    return sorted(nodes)


def _same_cells(a: Candidate, b: Candidate) -> bool:
    return all(getattr(a, c) == getattr(b, c) for c in ("kind", "subject", "predicate", "object", "value", "unit",
                                                      "qualifier", "datatype", "as_written", "label", "type",
                                                      "quote", "sentence"))


def _compare(result: AcceptResult, before, after, lay_before, lay_after) -> None:
    """The statements and the inferred statements (OWL 2 RL) the change adds and removes."""
    from kg.engine.graph import open_graph
    from kg.ingest.graphdiff import difference

    added, removed = difference(set(before.triples("data")), set(after.triples("data")))
    result.added_statements, result.removed_statements = added, removed
    closure_before = open_graph(lay_before, reasoning="owlrl", use_cache=True)
    closure_after = open_graph(lay_after, reasoning="owlrl", use_cache=False)
    gained, lost = difference(set(closure_before.triples("inferred")), set(closure_after.triples("inferred")))
    result.inferred_gained, result.inferred_lost = gained, lost
