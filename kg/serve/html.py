"""The largest parts of an entity page, its statements, inferred statements and their proof trees, written as
HTML in Python: the same markup the templates' macros give, several times faster than Jinja macros for pages
with hundreds of rows and proof steps. Every value is escaped here."""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape

from kg.inspection.entity import Group, Node, ProofView, SourceRef
from kg.shared.namespaces import EKD


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
        return f'<span class="literal">{escape(n.text)}</span> <span class="lang-tag">@{escape(n.lang)}</span>'
    return f'<span class="literal">{escape(n.text)}</span>'


def source(s: SourceRef) -> str:
    out = [f'<span class="source"><a class="doc" href="{escape(doc_href(s.document, s.sentence))}">'
           f'{escape(s.title or s.identifier or s.document)}</a>']
    if s.identifier:
        out.append(f' <code class="file">{escape(s.identifier)}</code>')
    if s.sentence is not None:
        out.append(f' <span class="sentence-no">§{s.sentence}</span>')
    out += [f' <q class="quote" lang="fr">{escape(q)}</q>' for q in s.quotes]
    out.append("</span>")
    return "".join(out)


def statements_table(groups: list[Group], table_id: str, words: dict[str, str], lq: str) -> str:
    """Asserted statements: property, value, the documents and words that state it (or the files)."""
    out = [f'<table class="statements" id="{escape(table_id)}"><thead><tr><th>{escape(words["property"])}</th>'
           f'<th>{escape(words["value"])}</th><th>{escape(words["source"])}</th></tr></thead><tbody>']
    for g in groups:
        for i, r in enumerate(g.rows):
            out.append("<tr>")
            if i == 0:
                out.append(f'<th scope="row" rowspan="{len(g.rows)}">{term(g.predicate, lq)}</th>')
            out.append(f'<td>{term(r.node, lq)}</td><td class="sources">')
            out += [f"<div>{source(s)}</div>" for s in r.sources]
            if not r.sources and r.files:
                out.append(f'<span class="files">{escape(", ".join(r.files))}</span>')
            out.append("</td></tr>")
    out.append("</tbody></table>")
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


def short_source(s: SourceRef) -> str:
    quotes = "".join(f' <q lang="fr">{escape(q)}</q>' for q in s.quotes)
    return (f'<a class="doc" href="{escape(doc_href(s.document, s.sentence))}" title="{escape(s.title)}">'
            f'{escape(s.identifier or s.document)}</a>{quotes}')


def proof(p: ProofView, words: dict[str, str], lq: str, out: list[str]) -> None:
    if p.rule:
        status = f"{escape(p.rule)}, {words['round']} {p.round}"
    else:
        status = f"{words['asserted_in']} {escape(', '.join(p.files))}"
    if p.chain:
        status += "; " + " ∘ ".join(escape(c.name) for c in p.chain)
    out.append(f'<li>{brief(p.subject, lq)} <i>{brief(p.predicate, lq)}</i> {brief(p.object, lq)} '
               f'<span class="status">[{status}]</span>')
    for s in p.sources:
        out.append(f'<div class="proof-source">{short_source(s)}</div>')
    if p.premises:
        out.append('<ul class="proof">')
        for q in p.premises:
            proof(q, words, lq, out)
        out.append("</ul>")
    out.append("</li>")


def inferred_table(groups: list[Group], table_id: str, words: dict[str, str], lq: str) -> str:
    """The table of inferred statements: property, value with its folded proof, the documents behind it."""
    out = [f'<table class="statements inferred" id="{escape(table_id)}"><thead><tr><th>{escape(words["property"])}</th>'
           f'<th>{escape(words["value"])}</th><th>{escape(words["documents_behind"])}</th></tr></thead><tbody>']
    for g in groups:
        for i, r in enumerate(g.rows):
            out.append("<tr>")
            if i == 0:
                out.append(f'<th scope="row" rowspan="{len(g.rows)}">{term(g.predicate, lq)}</th>')
            out.append(f"<td>{term(r.node, lq)}")
            if r.proof is not None:
                out.append(f'<details class="proof"><summary>{escape(words["proof"])}</summary><ul class="proof">')
                proof(r.proof, words, lq, out)
                out.append("</ul></details>")
            out.append('</td><td class="sources">')
            for s in r.documents:
                out.append(f'<div><a class="doc" href="{escape(doc_href(s.document))}">'
                           f'{escape(s.title or s.identifier)}</a> <code class="file">{escape(s.identifier)}</code>'
                           f'</div>')
            out.append("</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)
