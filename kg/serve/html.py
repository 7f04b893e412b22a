"""The largest parts of an entity page, its statements, inferred statements and their proof trees, written as
HTML in Python: the same markup the templates' macros give, several times faster than Jinja macros for pages
with hundreds of rows and proof steps. Every value is escaped here."""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape

from kg.inspection.entity import Group, Node, ProofView, SourceRef
from kg.inspection.glance import Notes, because
from kg.shared.namespaces import EKD, EKG

NOT_STATED = EKG + "notStated"


@lru_cache(maxsize=1 << 16)
def escape(text: object) -> str:
    """html.escape, remembered: a page repeats the same labels hundreds of times."""
    return _escape(str(text))


def sentence(segments: list, lq: str) -> str:
    out = []
    for seg in segments:
        if isinstance(seg, str):
            out.append(escape(seg))
        else:
            href = "/id/" + seg[0][len(EKD):] if seg[0].startswith(EKD) else "#"
            out.append(f'<a href="{escape(href)}{lq}">{escape(seg[1])}</a>')
    return "".join(out)


def term(n: Node | None, lq: str) -> str:
    """A value as the templates' `m.term` macro shows it: a fact as its sentence, an entity as a link to its page,
    an ontology term as a link into /ontology, a literal with its language."""
    if n is None:
        return '<span class="empty"></span>'
    if n.sentence:
        return (f'<span class="fact">{sentence(n.sentence, lq)} <a class="fact-link" href="/id/{escape(n.link)}{lq}" '
                f'title="{escape(n.term.value)}">↗</a></span>')
    if n.link:
        return f'<a href="/id/{escape(n.link)}{lq}">{escape(n.text)}</a>'
    if n.ontology:
        return f'<a class="term" href="/ontology#{escape(n.ontology)}">{escape(n.text)}</a>'
    if n.lang:
        return f'<span class="literal" lang="{escape(n.lang)}">{escape(n.text)}</span>'  # the language, not "@fr"
    return f'<span class="literal">{escape(n.text)}</span>'


def value(n: Node, lq: str, notes: Notes | None, words: dict[str, str]) -> str:
    """A statement's value; a source document as its short name and its note (its title is in the note)."""
    if notes is not None and n.link and notes.is_document(n.term):
        short = n.text.split(" — ", 1)[0].split(" (", 1)[0]
        return (f'<a href="/id/{escape(n.link)}{lq}">{escape(short)}</a>'
                f'{note_refs([notes.number(n.term.value)], words)}')
    return term(n, lq)


def note_refs(numbers: list[int], words: dict[str, str]) -> str:
    """Superscript links to the page's numbered notes (each document is described once, at the foot)."""
    if not numbers:
        return ""
    links = ",".join(f'<a href="#note-{n}" aria-label="{escape(words["note"])} {n}">{n}</a>' for n in numbers)
    return f'<sup class="note-ref">[{links}]</sup>'


def source(s: SourceRef, notes: Notes | None = None, words: dict[str, str] | None = None) -> str:
    """The words behind a statement, then the sentence of the document they are in and its note number."""
    out = ['<span class="source">']
    out += [f'<q class="quote" lang="fr">{escape(q)}</q> ' for q in s.quotes]
    if notes is not None and words is not None:
        number = notes.number(s)
        where = f"§{s.sentence}" if s.sentence is not None else escape(words["document"])
        out.append(f'<a class="doc" href="{escape(doc_href(s.document, s.sentence))}" '
                   f'aria-label="{escape(words["note"])} {number}, {escape(words["sentence"])} {s.sentence or ""}">'
                   f'[{number}]{"&#8239;" + where if s.sentence is not None else ""}</a>')
    else:
        out.append(f'<a class="doc" href="{escape(doc_href(s.document, s.sentence))}">'
                   f'{escape(s.title or s.identifier or s.document)}</a>')
        if s.sentence is not None:
            out.append(f' <span class="sentence-no">§{s.sentence}</span>')
    out.append("</span>")
    return "".join(out)


def statements_table(groups: list[Group], table_id: str, words: dict[str, str], lq: str,
                     notes: Notes | None = None) -> str:
    """Asserted statements: property, value, the words that state it with their document's note. A property the
    texts leave open (ekg:notStated) reads "date: not stated in the texts". Statements no text states (the
    graph's own files) say so, without the file names."""
    out = [f'<div class="table-scroll"><table class="statements" id="{escape(table_id)}"><thead><tr>'
           f'<th scope="col">{escape(words["property"])}</th><th scope="col">{escape(words["value"])}</th>'
           f'<th scope="col">{escape(words["source"])}</th></tr></thead><tbody>']
    for g in groups:
        if g.predicate.term.value == NOT_STATED:
            for r in g.rows:
                out.append(f'<tr class="not-stated"><th scope="row">{term(r.node, lq)}</th>'
                           f'<td><em>{escape(words["not_stated"])}</em></td><td class="sources">')
                out += [f"<div>{source(s, notes, words)}</div>" for s in r.sources]
                out.append("</td></tr>")
            continue
        for i, r in enumerate(g.rows):
            out.append("<tr>")
            if i == 0:
                out.append(f'<th scope="row" rowspan="{len(g.rows)}">{term(g.predicate, lq)}</th>')
            out.append(f'<td>{value(r.node, lq, notes, words)}</td><td class="sources">')
            out += [f"<div>{source(s, notes, words)}</div>" for s in r.sources]
            if not r.sources and r.files:
                out.append(f'<span class="files" title="{escape(", ".join(r.files))}">'
                           f'{escape(words["graph_file"])}</span>')
            out.append("</td></tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def brief(n: Node, lq: str) -> str:
    if n.link:
        return f'<a href="/id/{escape(n.link)}{lq}">{escape(n.name)}</a>'
    if n.ontology:
        return f'<a class="term" href="/ontology#{escape(n.ontology)}">{escape(n.name)}</a>'
    return escape(n.name)


def doc_href(document: str, sentence: int | None = None) -> str:
    path = "/id/" + document[len(EKD):] if document.startswith(EKD) else "/"
    return f"{path}#s-{sentence}" if sentence is not None else path


def short_source(s: SourceRef, notes: Notes | None = None, words: dict[str, str] | None = None) -> str:
    quotes = "".join(f' <q lang="fr">{escape(q)}</q>' for q in s.quotes)
    if notes is not None and words is not None:
        return f"{quotes}{note_refs([notes.number(s)], words)}"
    return (f'<a class="doc" href="{escape(doc_href(s.document, s.sentence))}" title="{escape(s.title)}">'
            f'{escape(s.identifier or s.document)}</a>{quotes}')


def proof(p: ProofView, words: dict[str, str], lq: str, out: list[str], notes: Notes | None = None) -> None:
    if p.rule:
        status = f"{escape(p.rule)}, {words['round']} {p.round}"
    else:
        files = ", ".join(p.files)
        status = (f'<span title="{escape(files)}">{escape(words["stated_in_data"])}</span>'
                  if notes is not None else f"{words['asserted_in']} {escape(files)}")
    if p.chain:
        status += "; " + " ∘ ".join(escape(c.name) for c in p.chain)
    out.append(f'<li>{brief(p.subject, lq)} <i>{brief(p.predicate, lq)}</i> {brief(p.object, lq)} '
               f'<span class="status">[{status}]</span>')
    for s in p.sources:
        out.append(f'<div class="proof-source">{short_source(s, notes, words)}</div>')
    if p.premises:
        out.append('<ul class="proof">')
        for q in p.premises:
            proof(q, words, lq, out, notes)
        out.append("</ul>")
    out.append("</li>")


def reason(p: ProofView | None, words: dict[str, str], lq: str, notes: Notes | None, lang: str) -> str:
    """Why, in one sentence: "because she directs CNRS Sciences informatiques [1], which is an institute of the
    CNRS [1]", from the asserted statements the proof rests on, each with its documents' notes."""
    leaves = because(p, lang)
    if not leaves:
        return f'<p class="because">{escape(words["by_definition"])}</p>'
    parts = []
    for leaf, sources in leaves:
        refs = note_refs(notes.numbers(sources), words) if notes is not None else ""
        if isinstance(leaf, Node):  # a fact: its sentence
            parts.append(f"{sentence(leaf.sentence, lq)}{refs}")
        else:
            parts.append(f"{brief(leaf.subject, lq)} {escape(leaf.predicate.name)} {brief(leaf.object, lq)}{refs}")
    joint = ", " if len(parts) > 2 else ""
    text = joint.join(parts[:-1]) + (f" {escape(words['and'])} " if len(parts) > 1 else "") + parts[-1]
    return f'<p class="because">{escape(words["because"])} {text}</p>'


def inferred_table(groups: list[Group], table_id: str, words: dict[str, str], lq: str, notes: Notes | None = None,
                   lang: str = "en") -> str:
    """Inferred statements: property, value, why in one sentence (the statements it follows from, with their
    notes), and the rule tree one click further."""
    out = [f'<div class="table-scroll"><table class="statements inferred" id="{escape(table_id)}"><thead><tr>'
           f'<th scope="col">{escape(words["property"])}</th><th scope="col">{escape(words["value"])}</th>'
           f'<th scope="col">{escape(words["why"])}</th></tr></thead><tbody>']
    for g in groups:
        for i, r in enumerate(g.rows):
            out.append("<tr>")
            if i == 0:
                out.append(f'<th scope="row" rowspan="{len(g.rows)}">{term(g.predicate, lq)}</th>')
            out.append(f'<td>{term(r.node, lq)}</td><td class="sources">{reason(r.proof, words, lq, notes, lang)}')
            if r.proof is not None:
                out.append(f'<details class="proof"><summary>{escape(words["proof"])}</summary><ul class="proof">')
                proof(r.proof, words, lq, out, notes)
                out.append("</ul></details>")
            out.append("</td></tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
