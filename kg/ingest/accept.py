"""`kg accept`: the rows a person accepted become Turtle with the provenance hand-written facts have, checked
before anything is written.

Checks, each naming the row that fails: required columns filled; every IRI the row uses is in the graph or
created by an accepted row of the same review; every quote is verbatim in the document and starts in the row's
sentence; a new entity's IRI names nothing yet; the fact is not already in the graph from this document; and the
graph with the new file conforms to the SHACL shapes. One failure and nothing is written. A fact the graph holds
from another document gets its own attestation for this one; a conflicting figure or date is written with a
comment saying what it contradicts.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from kg.ingest.known import Known
from kg.ingest.review import Candidate, read_review
from kg.ingest.sentences import normalise, sentence_index
from kg.ingest.turtle import PREFIX_BLOCK, Node, lit
from kg.shared.errors import InputError, KgError
from kg.shared.namespaces import EKD, EKG

IRI_RULE = re.compile(r"^ekd:[a-z0-9][a-z0-9-]*$")
FAMILY_CLASSES = {"person", "organisation", "product", "programme", "place", "event"}


class AcceptError(KgError):
    """A row that cannot be accepted (exit 2, nothing written)."""


class Accepted:
    """What `kg accept` wrote: the data file, the kept source text, counts by kind."""

    def __init__(self, data_file: Path, source_file: Path, counts: dict[str, int], turtle: str) -> None:
        self.data_file, self.source_file, self.counts, self.turtle = data_file, source_file, counts, turtle


def _iri(curie: str) -> str:
    if curie.startswith("ekd:"):
        return EKD + curie[4:]
    if curie.startswith("ekg:"):
        return EKG + curie[4:]
    return curie


def _local(curie: str) -> str:
    return curie.split(":", 1)[1] if ":" in curie else curie


def build(header: dict[str, str], rows: list[Candidate], text: str, known: Known, *, who: str, when: datetime,
          extractor: str) -> tuple[str, dict[str, list[str]], dict[str, int]]:
    """Turtle for the accepted rows, the node → row ids map (to name rows in SHACL failures), counts by kind."""
    doc_curie = "ekd:" + header["id"]
    doc_iri = _iri(doc_curie)
    num = header["id"].rsplit("-", 1)[-1]
    accepted = [r for r in rows if r.accepted()]
    norm_text = normalise(text)
    nodes: dict[str, Node] = {}
    owner: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    stamp = when.strftime("%Y%m%dT%H%M%SZ").lower()
    activity = f"ekd:acceptance-{header['id']}-{stamp}"
    curator = "ekd:curator-" + (re.sub(r"[^a-z0-9]+", "-", who.lower()).strip("-") or "unknown")

    def node(curie: str, row: Candidate | None) -> Node:
        if curie not in nodes:
            nodes[curie] = Node(curie)
        if row is not None:
            owner.setdefault(_iri(curie), []).append(row.id)
        return nodes[curie]

    def fail(row: Candidate, message: str) -> None:
        raise AcceptError(f"row {row.id} (line {row.line}): {message}; nothing written")

    created: set[str] = set()
    for r in accepted:
        if r.kind in ("entity", "agreement"):
            if not IRI_RULE.match(r.subject):
                fail(r, f"{r.subject!r} is not an IRI of the form ekd:lower-case-words")
            if _iri(r.subject) in known.iris:
                fail(r, f"{r.subject} already names something in the graph (IRI clash); choose another IRI")
            created.add(r.subject)
    figure_rows = {r.id: r for r in accepted if r.kind == "figure"}
    figure_nodes: dict[str, Node] = {}

    def entity(row: Candidate, curie: str, what: str) -> str:
        if not curie:
            fail(row, f"the {what} is empty")
        if not IRI_RULE.match(curie):
            fail(row, f"{what} {curie!r} is not an IRI of the form ekd:lower-case-words")
        if _iri(curie) not in known.iris and curie not in created:
            fail(row, f"{what} {curie} is neither in the graph nor created by an accepted row")
        return curie

    doc = node(doc_curie, None)
    title = header.get("title", "")
    doc.add("a", "ekg:SourceDocument")
    label = f"document {num}" + (f" — {title}" if title else " (sans titre)")
    doc.add("rdfs:label", lit(label), lit(f"document {num}" + (f" — {title}" if title else " (untitled)"), "en"))
    if title:
        doc.add("dcterms:title", lit(title))
    else:
        doc.add("ekg:notStated", "dcterms:title")
    doc.add("dcterms:identifier", lit(header["file"], None, "xsd:string"))
    doc.add("dcterms:language", lit("fr", None, "xsd:string"))
    doc.add("prov:wasGeneratedBy", activity)
    act = node(activity, None)
    act.add("a", "prov:Activity")
    act.add("rdfs:label", lit(f"acceptation des faits proposés pour le document {num}"),
            lit(f"acceptance of the facts proposed for document {num}", "en"))
    act.add("prov:wasAssociatedWith", curator)
    act.add("prov:endedAtTime", lit(when.strftime("%Y-%m-%dT%H:%M:%SZ"), None, "xsd:dateTime"))
    act.add("prov:used", doc_curie)
    act.add("rdfs:comment", lit(f"extractor: {extractor}", "en"))
    cur = node(curator, None)
    cur.add("a", "prov:Agent")
    cur.add("rdfs:label", lit(who, None))

    counters: dict[str, int] = {}

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
        n.add("prov:wasGeneratedBy", activity)
        if row.status == "conflict":
            n.add("rdfs:comment", lit("Conflit signalé à l’ingestion : " + row.note),
                  lit("Conflict flagged at ingestion: " + row.note, "en"))
        reading = row.note[row.note.find("reading:"):] if "reading:" in row.note else ""
        if reading:  # a relation read through "Il", "l'accord", "nous"…: marked the way the data marks readings
            n.add("ekg:inferenceNote", lit("Lecture du texte, non écrite en toutes lettres : "
                                           + reading.removeprefix("reading:").strip()),
                  lit("A reading of the text, not written out: " + reading.removeprefix("reading:").strip(), "en"))
        return n

    def attest(row: Candidate, s: str, p: str, o: str, tag: str) -> None:
        if (_iri(s), _iri(p), _iri(o), doc_iri) in known.attested:
            fail(row, f"the graph already attests {s} {p} {o} from {doc_curie}")
        base = f"att-{_local(s)}-{_local(p).lower()}-{tag}"
        n = fact(row, base, "ekg:Attestation", f"{_local(s)} — {_local(p)} — {tag} (document {num})",
                 f"{_local(s)} — {_local(p)} — {tag} (document {num})")
        n.add("rdf:subject", s).add("rdf:predicate", p).add("rdf:object", o)

    def mention(row: Candidate, curie: str) -> None:
        node(curie, row).add("ekg:mentionedIn", doc_curie)
        doc.add("ekg:mentions", curie)

    for r in accepted:
        if not r.quote:
            fail(r, "the quote is empty")
        if normalise(r.quote) not in norm_text:
            fail(r, f"the quote is not verbatim in the document: {r.quote[:60]!r}")
        where = sentence_index(r.quote, text)
        if where != int(r.sentence):
            fail(r, f"the quote starts in sentence {where}, not {r.sentence}")
        counts[r.kind] = counts.get(r.kind, 0) + 1
        if r.kind == "mention":
            e = entity(r, r.subject, "subject")
            if (doc_iri, _iri(e)) in known.mentions:
                fail(r, f"{e} is already mentioned by {doc_curie}")
            mention(r, e)
            types = sorted(known.types.get(_iri(e), ()))
            if types:
                t = "ekg:" + types[0].split("#", 1)[1] if "#" in types[0] else f"<{types[0]}>"
                attest(r, e, "rdf:type", t, _local(t).lower())
            if r.label and r.label not in known.labels.get(_iri(e), []):
                node(e, r).add("skos:altLabel", lit(r.label))
                attest(r, e, "skos:altLabel", lit(r.label), "altlabel")
        elif r.kind in ("entity", "agreement"):
            e = r.subject
            if r.kind == "entity" and r.value not in FAMILY_CLASSES:
                fail(r, f"type family {r.value!r} is not one of {', '.join(sorted(FAMILY_CLASSES))}")
            cls = r.type or ("ekg:Agreement" if r.kind == "agreement" else "")
            if not re.match(r"^ekg:[A-Z]\w*$", cls):
                fail(r, f"type {cls!r} is not an ontology class (ekg:Class)")
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
        elif r.kind == "relation":
            s, o = entity(r, r.subject, "subject"), entity(r, r.object, "object")
            if not re.match(r"^ekg:[a-z]\w*$", r.predicate):
                fail(r, f"predicate {r.predicate!r} is not an ontology property (ekg:property)")
            node(s, r).add(r.predicate, o)
            attest(r, s, r.predicate, o, _local(o))
        elif r.kind == "role":
            s = entity(r, r.subject, "person")
            o = entity(r, r.object, "organisation") if r.object else ""
            if not r.value:
                fail(r, "the title (value) is empty")
            role_label = f"{_local(s)}, {r.value} (document {num})"
            n = fact(r, f"role-{_local(s)}-{_local(o) or 'role'}", "ekg:Role", role_label, role_label)
            n.add("ekg:roleHolder", s).add("ekg:roleTitle", lit(r.value)).add("ekg:notStated", "ekg:date")
            if o:
                n.add("ekg:roleOrganisation", o)
            if r.type:
                n.add("ekg:roleKind", r.type)
        elif r.kind == "participation":
            s, o = entity(r, r.subject, "participant"), entity(r, r.object, "event")
            if not r.type:
                fail(r, "the participation role (type) is empty")
            n = fact(r, f"part-{_local(s)}-{_local(o)}", "ekg:Participation", f"{_local(s)} — {_local(o)}",
                     f"{_local(s)} — {_local(o)}")
            n.add("ekg:participant", s).add("ekg:participationIn", o).add("ekg:participationRole", r.type)
        elif r.kind == "funding":
            s, o = entity(r, r.subject, "recipient"), entity(r, r.object, "funder")
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
        elif r.kind == "figure":
            s = entity(r, r.subject, "subject (figureOf)")
            for column in ("predicate", "value", "unit", "qualifier"):
                if not getattr(r, column):
                    fail(r, f"the {column} column is empty (a figure needs measure, value, unit and qualifier)")
            if not re.fullmatch(r"-?\d+(\.\d+)?", r.value):
                fail(r, f"value {r.value!r} is not a number")
            n = fact(r, f"fig-{_local(s)}-{_local(r.predicate).removeprefix('measure-')}", "ekg:Figure",
                     f"{_local(s)} : {r.as_written}", f"{_local(s)}: {r.as_written}")
            value = lit(r.value, None, "xsd:decimal") if r.datatype == "xsd:decimal" else r.value
            n.add("ekg:figureOf", s).add("ekg:measure", r.predicate).add("ekg:value", value)
            n.add("ekg:unit", r.unit).add("ekg:qualifier", r.qualifier)
            if r.as_written:
                n.add("ekg:valueAsWritten", lit(r.as_written))
            figure_nodes[r.id] = n
        elif r.kind == "date":
            if r.datatype not in ("xsd:date", "xsd:gYearMonth", "xsd:gYear", "xsd:gMonthDay", "ekg:notStated"):
                fail(r, f"datatype {r.datatype!r} is not a date type")
            if re.fullmatch(r"c\d+", r.subject):
                target = figure_nodes.get(r.subject) if r.subject in figure_rows else None
                if target is None:
                    fail(r, f"its subject is the figure of row {r.subject}, which is not accepted (before this row)")
                if r.datatype in ("ekg:notStated", "xsd:gMonthDay"):
                    target.add("ekg:dateAsWritten", lit(r.as_written))
                else:
                    target.add("ekg:date", lit(r.value, None, r.datatype))
                    target.add("ekg:dateAsWritten", lit(r.as_written))
                continue
            if r.subject == doc_curie and r.datatype != "ekg:notStated":  # a dateline: the document's own date
                doc.add("dcterms:date", lit(r.value, None, r.datatype))
                continue
            s = entity(r, r.subject, "subject")
            if r.datatype == "ekg:notStated":
                node(s, r).add("ekg:dateAsWritten", lit(r.as_written)).add("ekg:notStated", "ekg:date")
                attest(r, s, "ekg:dateAsWritten", lit(r.as_written), "date")
            else:
                obj = lit(r.value, None, r.datatype)
                node(s, r).add(r.predicate or "ekg:date", obj).add("ekg:dateAsWritten", lit(r.as_written))
                attest(r, s, r.predicate or "ekg:date", obj, "date")
        elif r.kind == "quotation":
            s = entity(r, r.subject, "speaker")
            if not r.value:
                fail(r, "the quoted text (value) is empty")
            if normalise(r.value) not in norm_text:
                fail(r, "the quoted text is not verbatim in the document")
            if (doc_iri, normalise(r.value)) in {(d, t) for d, t in known.quotations}:
                fail(r, f"the graph already holds this quotation from {doc_curie}")
            n = fact(r, f"quote-{_local(s)}", "ekg:Quotation", f"{_local(s)} : « {r.value[:40]}… »",
                     f"{_local(s)}: \"{r.value[:40]}…\"")
            n.add("ekg:speaker", s).add("ekg:quotedText", lit(r.value))
    for r in accepted:
        if r.kind == "figure" and "ekg:date" not in figure_nodes[r.id].props:
            figure_nodes[r.id].add("ekg:notStated", "ekg:date")
    body = "\n".join(n.turtle() for n in nodes.values())
    head = (f"# ecosystem-kg data — document {num} ({header['file']}), accepted by {who} on "
            f"{when.strftime('%Y-%m-%d')} from a kg ingest review ({extractor}).\n")
    return head + PREFIX_BLOCK + "\n" + body, owner, counts


def accept(review: str | Path, *, data_dir: str | None = None, sources_dir: str | Path | None = None,
           who: str | None = None, when: datetime | None = None, use_cache: bool = True) -> Accepted:
    """Check the accepted rows of a review file and write data/<document id>.ttl and the kept text, or nothing."""
    from kg.engine.graph import open_graph
    from kg.inspection.validate import validate
    from kg.shared.paths import layout

    header, rows = read_review(review)
    lay = layout(data_dir)
    source = Path(header.get("path", ""))
    kept_dir = Path(sources_dir) if sources_dir else lay.data_dir.parent / "sources"
    kept = kept_dir / header["file"]
    text_path = kept if kept.is_file() else source
    if not text_path or not text_path.is_file():
        raise InputError(f"{review}: the document {header['file']} is neither in {kept_dir} nor at {source}")
    data = text_path.read_bytes()
    from kg.ingest.reading import decode

    text, _, _ = decode(data, str(text_path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if header.get("sha256") and hashlib.sha256(text.encode("utf-8")).hexdigest() != header["sha256"]:
        raise InputError(f"{text_path}: the document changed since kg ingest wrote {review} (sha256 differs)")
    if not re.fullmatch(r"doc-[a-z0-9][a-z0-9-]*", header["id"]):
        raise InputError(f"{review}: document id {header['id']!r} is not of the form doc-NNN")
    kgraph = open_graph(lay, reasoning="none", use_cache=use_cache)
    known = Known(kgraph)
    turtle, owner, counts = build(header, rows, text, known, who=who or _user(), when=when or datetime.now(UTC),
                                  extractor=header.get("extractor", "?"))
    if not counts:
        raise InputError(f"{review}: no row is marked accepted (put accept, yes or x in the decision column)")
    target = lay.data_dir / f"{header['id']}.ttl"
    new_content = (target.read_text(encoding="utf-8") + "\n" if target.exists() else "") + turtle
    with tempfile.TemporaryDirectory(prefix="kg-accept-") as tmp:
        root = Path(tmp)
        shutil.copytree(lay.data_dir, root / "data")
        shutil.copytree(lay.ontology_dir, root / "ontology")
        (root / "data" / target.name).write_text(new_content, encoding="utf-8")
        check_layout = layout(str(root))
        try:
            trial = open_graph(check_layout, reasoning="none", use_cache=False)
        except KgError as exc:
            raise AcceptError(f"the generated Turtle does not load ({exc}); nothing written") from None
        report = validate(trial, check_layout.shapes_files())
        if not report.conforms:
            first = report.results[0]
            ids = owner.get(first.focus_node, [])
            who_row = f"row {', '.join(ids)}" if ids else f"node {first.focus_node}"
            raise AcceptError(f"{who_row}: SHACL: {first.message} ({first.path or ''}); nothing written")
    kept_dir.mkdir(parents=True, exist_ok=True)
    if not kept.exists():
        kept.write_text(text, encoding="utf-8")
    tmp_target = target.with_suffix(".ttl.tmp")
    tmp_target.write_text(new_content, encoding="utf-8")
    os.replace(tmp_target, target)
    return Accepted(target, kept, counts, turtle)


def _user() -> str:
    return os.environ.get("KG_CURATOR") or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
