"""A source document as a reader checks the graph against it: its title, then sentence by sentence (the
ekg:sentenceIndex the data records) the facts and statements that cite it with their quotes; and, when the text
itself is at hand (the project never copies it), the full text with every quoted passage marked and tied to the
facts that quote it (found by verbatim search, spaces loosened).
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from kg.inspection.entity import DEFAULT, DOCUMENT, PROV, RDF, Node, PageBuilder
from kg.output import facts
from kg.shared.errors import InputError
from kg.shared.records import Record


class Cite(Record):
    """One fact or attested statement citing the document: anchor (HTML id), node (the fact or attestation),
    kind (fact, statement), statement (subject, predicate, object Nodes, for an attestation), quotes, sentence."""

    _fields = ("anchor", "node", "kind", "statement", "quotes", "sentence")
    _defaults = {"statement": None, "quotes": [], "sentence": None}  # noqa: RUF012
    __slots__ = _fields


class Passage(Record):
    """A stretch of the full text: text, anchors (of the cites quoting it; empty: not quoted)."""

    _fields = ("text", "anchors")
    __slots__ = _fields


class DocumentPage(Record):
    """iri, identifier, title, label, sentences (index → Cites, in order), unplaced (Cites without index),
    passages (the full text, or None), missing_quotes (anchors whose quotes the text does not hold)."""

    _fields = ("iri", "identifier", "title", "label", "sentences", "unplaced", "passages", "missing_quotes")
    _defaults = {"sentences": [], "unplaced": [], "passages": None, "missing_quotes": []}  # noqa: RUF012
    __slots__ = _fields

    def cite_count(self) -> int:
        return sum(len(c) for _, c in self.sentences) + len(self.unplaced)


def documents(builder: PageBuilder, lang: str = "en") -> list[Node]:
    """Every source document, by file name."""
    found = [q.subject for q in builder.store.quads_for_pattern(None, ox.NamedNode(RDF + "type"),
                                                                ox.NamedNode(DOCUMENT), DEFAULT)]
    return sorted((builder.node(d, lang) for d in found if isinstance(d, ox.NamedNode)),
                  key=lambda n: builder.document(n.term)[0] or n.text)


def is_document(builder: PageBuilder, iri: ox.NamedNode) -> bool:
    return DOCUMENT in builder.types_of(iri)


def document_page(builder: PageBuilder, iri: ox.NamedNode, lang: str = "en", sources_dir: Path | None = None
                  ) -> DocumentPage:
    if not is_document(builder, iri):
        raise InputError(f"{iri.value} is not a source document")
    identifier, title = builder.document(iri)
    page = DocumentPage(iri, identifier, title, builder.label(iri, lang))
    by_sentence: dict[int, list[Cite]] = {}
    for q in builder.store.quads_for_pattern(None, ox.NamedNode(PROV + "wasDerivedFrom"), iri, DEFAULT):
        node = q.subject
        if not isinstance(node, ox.NamedNode):
            continue
        cite = _cite(builder, node, lang)
        if cite.sentence is None:
            page.unplaced.append(cite)
        else:
            by_sentence.setdefault(cite.sentence, []).append(cite)
    for cites in [*by_sentence.values(), page.unplaced]:
        cites.sort(key=lambda c: (c.kind, c.node.text.casefold(), c.anchor))
    page.sentences = sorted(by_sentence.items())
    if sources_dir is not None and identifier:
        text = read_source(sources_dir, identifier)
        if text is not None:
            all_cites = [c for _, cites in page.sentences for c in cites] + page.unplaced
            page.passages, page.missing_quotes = highlight(text, all_cites)
    return page


def _cite(builder: PageBuilder, node: ox.NamedNode, lang: str) -> Cite:
    refs = builder.own_sources(node)
    quotes = refs[0].quotes if refs else []
    sentence = refs[0].sentence if refs else None
    anchor = "f-" + node.value.rsplit("/", 1)[-1]
    if builder.is_attestation(node):
        s, p, o = (next(iter(builder.values(node, RDF + part)), None) for part in ("subject", "predicate", "object"))
        statement = tuple(builder.node(t, lang) for t in (s, p, o)) if None not in (s, p, o) else None
        text = " ".join(n.text for n in statement) if statement else node.value
        return Cite(anchor, Node(node, text), "statement", statement, quotes, sentence)
    return Cite(anchor, builder.node(node, lang), "fact" if facts.fact_class(builder.types_of(node)) else "statement",
                None, quotes, sentence)


def read_source(sources_dir: Path, identifier: str) -> str | None:
    """The text of a document from the sources folder, by its file name (nothing outside that folder)."""
    name = Path(identifier).name
    if name != identifier or name in ("", ".", ".."):
        return None
    path = Path(sources_dir) / name
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _find(quote: str, text: str) -> list[tuple[int, int]]:
    """Where a quote occurs: verbatim, else with any run of spaces matching any other."""
    quote = quote.strip()
    if not quote:
        return []
    spans = [(m.start(), m.end()) for m in re.finditer(re.escape(quote), text)]
    if spans:
        return spans
    pattern = r"\s+".join(re.escape(w) for w in quote.split())
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


def highlight(text: str, cites: list[Cite]) -> tuple[list[Passage], list[str]]:
    """The text cut into passages, each with the anchors of the cites quoting it; and the anchors not found."""
    cover: list[list[str]] = [[] for _ in range(len(text))]
    missing = []
    for cite in cites:
        found = False
        for quote in cite.quotes:
            for start, end in _find(quote, text):
                found = True
                for i in range(start, end):
                    if cite.anchor not in cover[i]:
                        cover[i].append(cite.anchor)
        if cite.quotes and not found:
            missing.append(cite.anchor)
    passages: list[Passage] = []
    for i, ch in enumerate(text):
        anchors = cover[i]
        if passages and passages[-1].anchors == anchors:
            passages[-1].text += ch
        else:
            passages.append(Passage(ch, list(anchors)))
    return passages, missing
