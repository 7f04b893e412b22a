"""The `kg release --quotes none` variant: the graph without the publishers' words, names kept.

What goes: the values of ekg:quote and ekg:quotedText, every other text value copied from a quote (a
description such as « entreprise leader dans le domaine du logiciel libre », an inference note quoting a
sentence) and the attestations of what was left out. What stays: names (labels, titles, role titles: the texts'
names for things are the graph's subject, not its quotations), documents, sentence indexes. The labels of fact
nodes that repeated a quote (« Antoine Petit, PDG du CNRS (document 000) », « LINAGORA — description — Nous
sommes des adeptes … (document 003) ») are rebuilt from the names of what the fact links, and so are the labels
of quotations, which repeat the first words (« Antoine Petit — citation (document 001) »). A quote counts as the
publishers' words when it is at least MIN_QUOTE_CHARS long and is not a name or part of one: shorter runs
(« en France », « le 26 février ») are everyday words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from kg.output.rdf import Line, triple_lines
from kg.shared.namespaces import EKG, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, PREFIXES, RDF, RDFS

QUOTE_PREDICATES = (EKG + "quote", EKG + "quotedText")
MIN_QUOTE_CHARS = 20  # about three words: shorter runs of a text are everyday words, not a publisher's prose
SKOS, DCTERMS, PROV = PREFIXES["skos"], PREFIXES["dcterms"], PREFIXES["prov"]
# The names of things: kept, whether or not some quote holds the same words.
NAME_PREDICATES = frozenset((RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel",
                             DCTERMS + "title", EKG + "roleTitle", PREFIXES["foaf"] + "name",
                             PREFIXES["schema"] + "name"))
# Values as the texts print them (« plus de 750 », « le 26 février »): facts, kept.
AS_WRITTEN = frozenset((EKG + "valueAsWritten", EKG + "dateAsWritten"))
KEPT = NAME_PREDICATES | AS_WRITTEN
REBUILT_LABELS = frozenset((RDFS + "label", SKOS + "prefLabel"))
LEFT_OUT = {"fr": "(mots du texte omis)", "en": "(words of the text left out)"}
DOCUMENT = {"fr": "document", "en": "document"}


def _parse(lines: Iterable[Line]) -> list[ox.Triple]:
    data = "".join(f"{line} .\n" for line in lines)
    return list(ox.parse(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)) if data else []


def _text(term: object) -> str | None:
    """The words of a text literal (language-tagged or plain string); None for anything else."""
    if isinstance(term, ox.Literal) and (term.language or term.datatype.value.endswith("#string")):
        return term.value
    return None


class _Reading:
    """What the whole graph says about quotes, names and labels, read once over every part."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.quotes: set[str] = set()
        self.quote_pairs: set[tuple[str, str]] = set()  # (node, quoted words)
        quotations: set[str] = set()
        self.derived: set[str] = set()  # fact nodes: they cite a document
        self.out: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            s, p = t.subject.value, t.predicate.value
            self.out[s][p].append(t.object)
            if p in QUOTE_PREDICATES and _text(t.object):
                self.quotes.add(t.object.value)
                self.quote_pairs.add((s, t.object.value))
            elif p == RDF + "type" and t.object.value == EKG + "Quotation":
                quotations.add(s)
            elif p == PROV + "wasDerivedFrom":
                self.derived.add(s)
        self.quotations = quotations
        # names: of things (not of fact nodes, whose labels are ours), and the titles of roles
        self.names = {t.object.value for t in triples if _text(t.object) and (
            (t.predicate.value in NAME_PREDICATES and t.subject.value not in self.derived)
            or t.predicate.value == EKG + "roleTitle")}
        self.prose = sorted((q for q in self.quotes if len(q) >= MIN_QUOTE_CHARS
                             and not any(q in name for name in self.names)), key=len)

    def is_prose(self, text: str) -> bool:
        """Publishers' words: a quote of useful length inside it, or itself a run of at least that length
        copied from a quote (and no name)."""
        if text in self.names:
            return False
        if any(q in text for q in self.prose):
            return True
        return len(text) >= MIN_QUOTE_CHARS and any(text in q for q in self.quotes)

    def label(self, iri: str, lang: str) -> str:
        values = [v for v in self.out[iri].get(RDFS + "label", []) if isinstance(v, ox.Literal)]
        for wanted in (lang, "en" if lang == "fr" else "fr", ""):
            for v in values:
                if (v.language or "") == wanted and not self.is_prose(v.value):
                    return v.value
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def document(self, node: str, lang: str) -> str:
        docs = sorted(d.value for d in self.out[node].get(PROV + "wasDerivedFrom", []))
        if not docs:
            return ""
        local = docs[0].rsplit("/", 1)[-1]
        return f" ({DOCUMENT[lang]} {local[4:]})" if local.startswith("doc-") else f" ({self.label(docs[0], lang)})"

    def rebuilt_label(self, node: str, lang: str) -> str:
        """A fact node's label from the names of what it links: « S — property — O (document N) » for an
        attestation, « speaker — quotation (document N) », « holder — title (document N) » for a role, the class
        and document otherwise."""
        props = self.out[node]
        lang = lang if lang in LEFT_OUT else "en"
        doc = self.document(node, lang)
        if RDF + "subject" in props and RDF + "predicate" in props:
            s, p = props[RDF + "subject"][0], props[RDF + "predicate"][0]
            o = (props.get(RDF + "object") or [None])[0]
            if isinstance(o, ox.NamedNode):
                shown = self.label(o.value, lang)
            elif o is not None and _text(o) is not None and not self.is_prose(o.value):
                shown = o.value
            else:
                shown = LEFT_OUT[lang]
            return f"{self.label(s.value, lang)} — {self.label(p.value, lang)} — {shown}{doc}"
        if EKG + "speaker" in props:  # a quotation: who said it, where
            speaker = self.label(props[EKG + "speaker"][0].value, lang)
            return f"{speaker} — {self.label(EKG + 'Quotation', lang)}{doc}"
        if EKG + "roleHolder" in props:
            holder = self.label(props[EKG + "roleHolder"][0].value, lang)
            titles = [t.value for t in props.get(EKG + "roleTitle", []) if isinstance(t, ox.Literal)
                      and t.language == lang and not self.is_prose(t.value)]
            kinds = [self.label(k.value, lang) for k in props.get(EKG + "roleKind", [])]
            what = (titles or kinds or [LEFT_OUT[lang]])[0]
            return f"{holder} — {what}{doc}"
        types = sorted(t.value for t in props.get(RDF + "type", []) if t.value.startswith(EKG))
        return f"{self.label(types[0], lang) if types else LEFT_OUT[lang]}{doc}"


def without_quotes(parts: dict[str, set[Line]]) -> dict[str, set[Line]]:
    """The parts (ontology, data, inferred) of the `--quotes none` variant, as N-Triples lines."""
    parsed = {name: _parse(lines) for name, lines in parts.items()}
    reading = _Reading([t for triples in parsed.values() for t in triples])
    # Attestations of a value that goes (a description copied from a quote) go with it.
    gone_facts = {node for node, props in reading.out.items()
                  if not {p.value for p in props.get(RDF + "predicate", [])} & KEPT
                  and any(_text(o) is not None and reading.is_prose(o.value) for o in props.get(RDF + "object", []))}
    # Fact nodes whose label repeats a quote: all their labels, in both languages, are rebuilt from names.
    relabelled = reading.quotations | {
        node for node in reading.derived for p in REBUILT_LABELS
        for o in reading.out[node].get(p, []) if _text(o) is not None and reading.is_prose(o.value)}
    out: dict[str, set[Line]] = {}
    for name, triples in parsed.items():
        kept: list[ox.Triple] = []
        for t in triples:
            s, p, o = t.subject.value, t.predicate.value, t.object
            if s in gone_facts or (isinstance(o, ox.NamedNode) and o.value in gone_facts):
                continue
            if p in QUOTE_PREDICATES:
                continue
            text = _text(o)
            if text is not None and (s, text) in reading.quote_pairs:
                continue  # a quote's value under another property (the closure's super-properties)
            if text is not None and p not in KEPT and reading.is_prose(text):
                continue  # a description, a note or a value copied from a quote
            if text is not None and p in REBUILT_LABELS and s in relabelled:
                t = ox.Triple(t.subject, t.predicate, ox.Literal(reading.rebuilt_label(s, o.language or "en"),
                                                                   language=o.language or "en"))
            kept.append(t)
        out[name] = set(triple_lines(kept))
    return out


def graph_without_quotes(parts: dict[str, set[Line]], like):
    """A KnowledgeGraph holding the variant's parts, for the documentation and diagrams of the release (their
    examples come from the data: from this graph they carry no quote). `like` gives the layout and regime."""
    from kg.engine.knowledge import KnowledgeGraph

    store = ox.Store()
    graphs = {GRAPH_ONTOLOGY: [], GRAPH_DATA: [], GRAPH_INFERRED: []}
    for name, lines in parts.items():
        node = ox.NamedNode(name)
        triples = _parse(lines)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, node) for t in triples)
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
        graphs.setdefault(name, []).append(node)
    return KnowledgeGraph(store, like.layout, like.reasoning, like.engine, graphs[GRAPH_ONTOLOGY],
                          graphs[GRAPH_DATA], graphs[GRAPH_INFERRED])
