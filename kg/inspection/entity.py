"""Everything an entity page shows, as plain data: labels in a language, types, asserted statements grouped by
property with the document and the words behind each, the facts (roles, figures, fundings…) it takes part in as
sentences, inferred statements with their proofs and the documents those end in, and its neighbours.

Read straight from the store's quads (one scan per direction; the graph name tells asserted from inferred), not
through SPARQL: the page of the largest entity costs milliseconds. Proofs come from one kg.engine.explain
Explainer, which the caller may keep for the life of a read-only graph (its memo then serves every page).
Attestations (how the graph knows a statement) are shown as sources, never as entities.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kg.engine.explain import Explainer, Proof, supporting_documents
from kg.engine.knowledge import KnowledgeGraph
from kg.engine.loading import file_of_graph
from kg.engine.reasoners import round_of_graph
from kg.inspection.words import external_label
from kg.output import facts
from kg.output.values import literal_text
from kg.shared.namespaces import EKD, EKG, RDF, RDFS
from kg.shared.records import Record
from kg.shared.terms import prefixed

SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
TYPE = ox.NamedNode(RDF + "type")
ATTESTATION = EKG + "Attestation"
DOCUMENT = EKG + "SourceDocument"
DEFAULT = ox.DefaultGraph()
HIDDEN_PREDICATES = {RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel"}  # shown in the page's heading
NEIGHBOURS_MAX = 24
BACKGROUND = {"mentionedIn", "mentions", "theme", "country", "publisher", "subject", "about", "locatedIn"}


class SourceRef(Record):
    """A document behind a statement: document (IRI), identifier (file name), title, quotes, sentence (index
    or None), via (the attestation or fact node carrying the citation)."""

    _fields = ("document", "identifier", "title", "quotes", "sentence", "via")
    _defaults = {"identifier": "", "title": "", "quotes": [], "sentence": None, "via": ""}  # noqa: RUF012
    __slots__ = _fields


class Node(Record):
    """A term as the page shows it: term; text (label, literal value or fact sentence as text); link (local
    name under the data namespace, or None); ontology (local name of an ekg: term, or None); sentence (the
    segments of a fact node, or None); lang (a literal's language); name (the label alone, short, for proofs)."""

    _fields = ("term", "text", "link", "ontology", "sentence", "lang", "name")
    _defaults = {"link": None, "ontology": None, "sentence": None, "lang": "", "name": ""}  # noqa: RUF012
    __slots__ = _fields


class Row(Record):
    """One statement: node (the other end), files (asserting it), sources (SourceRefs), proof (ProofView, for an
    inferred one), documents (SourceRefs its proof ends in)."""

    _fields = ("node", "files", "sources", "proof", "documents")
    _defaults = {"files": [], "sources": [], "proof": None, "documents": []}  # noqa: RUF012
    __slots__ = _fields


class Group(Record):
    """Statements sharing a property: predicate (Node), rows."""

    _fields = ("predicate", "rows")
    __slots__ = _fields


class FactView(Record):
    """A fact node linked to the entity: node (with its sentence), kind (class IRI), kind_name, sources."""

    _fields = ("node", "kind", "kind_name", "sources")
    __slots__ = _fields


class ProofView(Record):
    """A proof step for display: subject, predicate, object (Nodes); rule (None: asserted); round; files;
    sources; chain (Nodes); premises (ProofViews)."""

    _fields = ("subject", "predicate", "object", "rule", "round", "files", "sources", "chain", "premises")
    __slots__ = _fields


class Neighbour(Record):
    """A node drawn around the entity: node; via (property or fact kind, as text); outgoing (entity → node)."""

    _fields = ("node", "via", "outgoing")
    __slots__ = _fields


class EntityPage(Record):
    """iri; lang; label; labels (language → label); alt_labels; descriptions; types (Nodes); fact (the entity's
    own sentence when it is a fact node); kind (entity, fact, document, attestation); outgoing, incoming (Groups of
    asserted statements); facts (FactViews); inferred_outgoing, inferred_incoming (Groups); neighbours; sources
    (the entity's own SourceRefs, for a fact node); reasoning; attests (subject, predicate, object Nodes: the
    statement an attestation records, shown instead of its own triples)."""

    _fields = ("iri", "lang", "label", "labels", "alt_labels", "descriptions", "types", "fact", "kind",
               "outgoing", "incoming", "facts", "inferred_outgoing", "inferred_incoming", "neighbours", "sources",
               "reasoning", "attests", "neighbour_total")
    _defaults = {"labels": {}, "alt_labels": [], "descriptions": [], "types": [], "fact": None,  # noqa: RUF012
                 "kind": "entity", "outgoing": [], "incoming": [], "facts": [], "inferred_outgoing": [],
                 "inferred_incoming": [], "neighbours": [], "sources": [], "reasoning": "none", "attests": None,
                 "neighbour_total": 0}
    __slots__ = _fields

    def statement_count(self) -> int:
        return sum(len(g.rows) for g in self.outgoing + self.incoming)


class PageBuilder:
    """Builds pages over one read-only graph. Keep one per graph: it remembers labels, types and proofs."""

    def __init__(self, kgraph: KnowledgeGraph) -> None:
        kgraph.ensure_provenance()
        self.kgraph = kgraph
        self.store = kgraph.store
        self.explainer = Explainer(kgraph) if kgraph.engine == "rules" and kgraph.reasoning != "none" else None
        self._types: dict[str, list[str]] = {}
        self._docs: dict[str, tuple[str, str]] = {}
        self._nodes: dict[tuple[str, str], Node] = {}  # (term, language) → Node: labels and sentences
        self._proofs: dict[tuple[str, str], tuple[ProofView | None, list[SourceRef]]] = {}
        self._sources: dict[str, list[SourceRef]] = {}  # fact or attestation node → its citation
        self._stated: dict[str, tuple[str, str, str] | None] = {}  # attestation → the statement it attests
        self._graphs: dict[str, tuple[str | None, int | None]] = {}  # graph name → (file, round)

    # -- small look-ups ----------------------------------------------------------------------------
    def types_of(self, term: object) -> list[str]:
        if not isinstance(term, ox.NamedNode):
            return []
        key = term.value
        if key not in self._types:
            self._types[key] = sorted({q.object.value for q in self.store.quads_for_pattern(term, TYPE, None, DEFAULT)
                                       if isinstance(q.object, ox.NamedNode)})
        return self._types[key]

    def is_attestation(self, term: object) -> bool:
        return ATTESTATION in self.types_of(term)

    def labels(self, term: ox.NamedNode) -> list[ox.Literal]:
        out = []
        for prop in (RDFS + "label", SKOS + "prefLabel"):
            out += [q.object for q in self.store.quads_for_pattern(term, ox.NamedNode(prop), None, DEFAULT)
                    if isinstance(q.object, ox.Literal)]
        return out

    def label(self, term: ox.NamedNode, lang: str) -> str:
        """rdfs:label in the language, then prefLabel, then the other language, then any; else prefixed name."""
        other = "en" if lang == "fr" else "fr"
        best: tuple[int, str] | None = None
        for rank_prop, prop in enumerate((RDFS + "label", SKOS + "prefLabel")):
            for q in self.store.quads_for_pattern(term, ox.NamedNode(prop), None, DEFAULT):
                lit = q.object
                if not isinstance(lit, ox.Literal):
                    continue
                tag = (lit.language or "").split("-")[0]
                rank = (0 if tag == lang else 2 if tag == other else 4 if not tag else 6) + rank_prop
                if best is None or (rank, lit.value) < best:
                    best = (rank, lit.value)
        if best:
            return best[1]
        return external_label(term.value, lang) or prefixed(term)

    def document(self, doc: ox.NamedNode) -> tuple[str, str]:
        """(identifier, title) of a source document."""
        if doc.value not in self._docs:
            ident = next((q.object.value for q in self.store.quads_for_pattern(
                doc, ox.NamedNode(DCTERMS + "identifier"), None, DEFAULT)), "")
            title = next((q.object.value for q in self.store.quads_for_pattern(
                doc, ox.NamedNode(DCTERMS + "title"), None, DEFAULT)), "")
            self._docs[doc.value] = (ident, title)
        return self._docs[doc.value]

    def values(self, node: ox.NamedNode, prop: str) -> list[object]:
        return [q.object for q in self.store.quads_for_pattern(node, ox.NamedNode(prop), None, DEFAULT)]

    def own_sources(self, node: ox.NamedNode) -> list[SourceRef]:
        """The citation a fact or attestation node carries: its document, quotes and sentence."""
        found = self._sources.get(node.value)
        if found is None:
            found = self._sources[node.value] = self._own_sources(node)
        return found

    def _own_sources(self, node: ox.NamedNode) -> list[SourceRef]:
        out = []
        quotes = sorted(v.value for v in self.values(node, EKG + "quote") if isinstance(v, ox.Literal))
        index = next((int(v.value) for v in self.values(node, EKG + "sentenceIndex")
                      if isinstance(v, ox.Literal) and v.value.lstrip("-").isdigit()), None)
        for doc in self.values(node, PROV + "wasDerivedFrom"):
            if isinstance(doc, ox.NamedNode):
                ident, title = self.document(doc)
                out.append(SourceRef(doc.value, ident, title, quotes, index, node.value))
        return out

    # -- terms as shown ------------------------------------------------------------------------------
    def node(self, term: object, lang: str) -> Node:
        key = (str(term), lang)
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = self._make_node(term, lang)
        return found

    def _make_node(self, term: object, lang: str) -> Node:
        if isinstance(term, ox.Literal):
            text = literal_text(term, lang)
            return Node(term, text, lang=term.language or "", name=text)
        if not isinstance(term, ox.NamedNode):
            return Node(term, "(list)" if isinstance(term, ox.BlankNode) else str(term), name="(list)")
        iri = term.value
        link = iri[len(EKD):] if iri.startswith(EKD) else None
        ontology = iri[len(EKG):] if iri.startswith(EKG) else None
        sentence = self.fact_sentence(term, lang) if link else None
        name = self.label(term, lang)
        return Node(term, facts.as_text(sentence) if sentence else name, link, ontology, sentence, name=name)

    def fact_sentence(self, term: ox.NamedNode, lang: str) -> list[facts.Segment] | None:
        kind = facts.fact_class(self.types_of(term))
        if kind is None:
            return None
        props: dict[str, list[object]] = {}
        for q in self.store.quads_for_pattern(term, None, None, DEFAULT):
            if q.predicate.value.startswith(EKG):  # not the standard super-properties the closure adds
                props.setdefault(q.predicate.value[len(EKG):], []).append(q.object)
        return facts.sentence(kind, props, lang, lambda t: self.label(t, lang))

    # -- the page --------------------------------------------------------------------------------------
    def page(self, iri: ox.NamedNode, lang: str = "en") -> EntityPage:
        page = EntityPage(iri, lang, self.label(iri, lang), reasoning=self.kgraph.reasoning)
        for lit in self.labels(iri):
            page.labels.setdefault(lit.language or "", lit.value)
        page.alt_labels = sorted({q.object.value for q in self.store.quads_for_pattern(
            iri, ox.NamedNode(SKOS + "altLabel"), None, DEFAULT) if isinstance(q.object, ox.Literal)})
        page.descriptions = self._descriptions(iri, lang)
        types = self.types_of(iri)
        page.kind = ("attestation" if ATTESTATION in types else "document" if DOCUMENT in types
                     else "fact" if facts.fact_class(types) else "entity")
        page.fact = self.fact_sentence(iri, lang)
        if page.kind in ("fact", "attestation"):
            page.sources = self.own_sources(iri)
        if page.kind == "attestation":  # a provenance record, not an entity: the statement and its source only
            parts = [next(iter(self.values(iri, RDF + part)), None) for part in ("subject", "predicate", "object")]
            if None not in parts:
                page.attests = tuple(self.node(t, lang) for t in parts)
            page.types = [self.node(ox.NamedNode(t), lang) for t in types]
            return page

        out_asserted, out_inferred = self._scan(self.store.quads_for_pattern(iri, None, None, None), outgoing=True)
        in_asserted, in_inferred = self._scan(self.store.quads_for_pattern(None, None, iri, None), outgoing=False)
        page.types = [self.node(ox.NamedNode(t), lang) for t in types]
        attested = self._attestations(iri)

        def asserted_groups(found: dict, outgoing: bool) -> list[Group]:
            groups: dict[str, list[Row]] = {}
            for (p, other), files in found.items():
                if p.value in HIDDEN_PREDICATES or (p == TYPE and outgoing) or self.is_attestation(other):
                    continue
                if not outgoing and facts.fact_class(self.types_of(other)):
                    continue  # shown among the facts, as a sentence
                triple = (iri, p, other) if outgoing else (other, p, iri)
                sources = attested.get(tuple(str(t) for t in triple), [])
                if not sources and isinstance(triple[0], ox.NamedNode) and facts.fact_class(
                        self.types_of(triple[0])):
                    sources = self.own_sources(triple[0])
                if not sources and page.kind == "fact" and outgoing:
                    sources = page.sources
                groups.setdefault(p.value, []).append(Row(self.node(other, lang), sorted(files), sources))
            return self._sorted_groups(groups, lang)

        page.outgoing = asserted_groups(out_asserted, True)
        page.incoming = asserted_groups(in_asserted, False)
        page.facts = self._facts(iri, set(out_asserted) | set(out_inferred), set(in_asserted) | set(in_inferred),
                                 lang)
        page.inferred_outgoing = self._inferred(iri, out_inferred, True, lang)
        page.inferred_incoming = self._inferred(iri, in_inferred, False, lang)
        everyone = self.neighbours(page)
        page.neighbour_total = len(everyone)
        page.neighbours = everyone[:NEIGHBOURS_MAX]
        return page

    def _descriptions(self, iri: ox.NamedNode, lang: str) -> list[str]:
        found = []
        for prop in (DCTERMS + "description", SKOS + "definition", EKG + "inferenceNote"):
            lits = [v for v in self.values(iri, prop) if isinstance(v, ox.Literal)]
            chosen = [v for v in lits if (v.language or "").split("-")[0] == lang] or lits
            found += [" ".join(v.value.split()) for v in chosen]
        return found

    def _scan(self, quads: Iterable[ox.Quad], outgoing: bool) -> tuple[dict, dict]:
        """(predicate, other end) → files asserting it; and the same for inferred-only statements."""
        asserted: dict[tuple, set[str]] = {}
        inferred: dict[tuple, set[str]] = {}
        for q in quads:
            g = q.graph_name
            if isinstance(g, ox.DefaultGraph):
                continue
            other = q.object if outgoing else q.subject
            if isinstance(other, ox.BlankNode):
                continue
            key = (q.predicate, other)
            kind = self._graphs.get(g.value)
            if kind is None:
                kind = self._graphs[g.value] = (file_of_graph(g), round_of_graph(g))
            if kind[0] is not None:
                asserted.setdefault(key, set()).add(kind[0])
            elif kind[1]:
                inferred.setdefault(key, set())
        for key in asserted:
            inferred.pop(key, None)
        return asserted, inferred

    def _attestations(self, iri: ox.NamedNode) -> dict[tuple[str, str, str], list[SourceRef]]:
        """Citations of the statements about the entity, keyed by (s, p, o) in N-Triples form."""
        out: dict[tuple[str, str, str], list[SourceRef]] = {}
        for end in ("subject", "object"):
            for q in self.store.quads_for_pattern(None, ox.NamedNode(RDF + end), iri, DEFAULT):
                att = q.subject
                if not isinstance(att, ox.NamedNode) or not self.is_attestation(att):
                    continue
                if att.value not in self._stated:
                    s, p, o = (next(iter(self.values(att, RDF + part)), None)
                               for part in ("subject", "predicate", "object"))
                    self._stated[att.value] = None if None in (s, p, o) else (str(s), str(p), str(o))
                stated = self._stated[att.value]
                if stated is not None:
                    out.setdefault(stated, []).extend(self.own_sources(att))
        for refs in out.values():
            refs.sort(key=lambda r: (r.identifier, r.sentence or 0, r.via))
        return out

    def _facts(self, iri: ox.NamedNode, out_keys: set, in_keys: set, lang: str) -> list[FactView]:
        found: dict[str, ox.NamedNode] = {}
        for _p, other in list(out_keys) + list(in_keys):
            if isinstance(other, ox.NamedNode) and facts.fact_class(self.types_of(other)):
                found[other.value] = other
        views = []
        for node in found.values():
            kind = facts.fact_class(self.types_of(node)) or ""
            views.append(FactView(self.node(node, lang), kind, facts.kind_name(kind, lang), self.own_sources(node)))
        order = {k: i for i, k in enumerate(facts.FACT_CLASSES)}
        views.sort(key=lambda v: (order.get(v.kind, 99), v.node.text))
        return views

    def _inferred(self, iri: ox.NamedNode, found: dict, outgoing: bool, lang: str) -> list[Group]:
        groups: dict[str, list[Row]] = {}
        for p, other in found:
            if self.is_attestation(other):
                continue
            triple = ox.Triple(iri, p, other) if outgoing else ox.Triple(other, p, iri)
            view, documents = self.proof_of(triple, lang)
            groups.setdefault(p.value, []).append(Row(self.node(other, lang), [], [], view, documents))
        return self._sorted_groups(groups, lang)

    def proof_of(self, triple: ox.Triple, lang: str) -> tuple[ProofView | None, list[SourceRef]]:
        """The proof of an inferred triple, ready to show, and the documents it ends in (remembered: the graph is
        read-only, and the Explainer remembers the proofs themselves already)."""
        key = (str(triple), lang)
        found = self._proofs.get(key)
        if found is None:
            proof = self.explainer.explain(triple) if self.explainer is not None else None
            if proof is None:
                found = (None, [])
            else:
                found = (self.proof_view(proof, lang),
                         [SourceRef(s.document, s.identifier, s.title, s.quotes, None, s.via)
                          for s in supporting_documents(proof)])
            self._proofs[key] = found
        return found

    def proof_view(self, proof: Proof, lang: str) -> ProofView:
        t = proof.triple
        sources = [SourceRef(s.document, s.identifier, s.title, s.quotes, None, s.via) for s in proof.sources]
        return ProofView(self.node(t.subject, lang), self.node(t.predicate, lang), self.node(t.object, lang),
                         proof.rule, proof.round, list(proof.files), sources,
                         [self.node(ox.NamedNode(c), lang) for c in proof.chain],
                         [self.proof_view(p, lang) for p in proof.premises])

    def _sorted_groups(self, groups: dict[str, list[Row]], lang: str) -> list[Group]:
        out = []
        for p, rows in groups.items():
            rows.sort(key=lambda r: (r.node.text.casefold(), str(r.node.term)))
            out.append(Group(self.node(ox.NamedNode(p), lang), rows))
        out.sort(key=lambda g: (g.predicate.text.casefold(), str(g.predicate.term)))
        return out

    def neighbours(self, page: EntityPage) -> list[Neighbour]:
        """Entities one step away, for the picture, most telling first: direct statements (what it makes, who
        founded it, where it belongs) before the links through a fact it shares, inferred links, and the themes,
        places and documents that mention it. Each relation's neighbours stay together (the picture heads them)."""
        seen: dict[str, tuple[int, int, Neighbour]] = {}

        def add(node: Node, via: str, outgoing: bool, tier: int, predicate: str = "") -> None:
            if node.link and node.term != page.iri and node.sentence is None:
                if predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1] in BACKGROUND:
                    tier += 10
                if node.link not in seen or tier < seen[node.link][0]:
                    seen[node.link] = (tier, len(seen), Neighbour(node, via, outgoing))

        for groups, outgoing in ((page.outgoing, True), (page.incoming, False)):
            for g in groups:
                for r in g.rows:
                    add(r.node, g.predicate.text, outgoing, 0, g.predicate.term.value)
        for fact in page.facts:
            for seg in fact.node.sentence or []:
                if isinstance(seg, tuple) and seg[0].startswith(EKD):
                    add(self.node(ox.NamedNode(seg[0]), page.lang), fact.kind_name, True, 1)
        for groups, outgoing in ((page.inferred_outgoing, True), (page.inferred_incoming, False)):
            for g in groups:
                if g.predicate.term.value.startswith(EKG):
                    for r in g.rows:
                        add(r.node, g.predicate.text, outgoing, 2, g.predicate.term.value)
        ranked = sorted(seen.values(), key=lambda t: (t[0], t[1]))
        order: dict[tuple[str, bool], int] = {}  # each relation where its first neighbour ranks
        for i, (_, _, n) in enumerate(ranked):
            order.setdefault((n.via, n.outgoing), i)
        return [n for _, _, n in sorted(ranked, key=lambda t: (order[(t[2].via, t[2].outgoing)], t[1]))]

    def most_connected(self, iris: Iterable[str], limit: int = 8) -> list[ox.NamedNode]:
        """The entities (not facts, documents or provenance records) with the most statements, for a home page."""
        scored = []
        for value in set(iris):
            node = ox.NamedNode(value)
            types = self.types_of(node)
            if not types or ATTESTATION in types or DOCUMENT in types or facts.fact_class(types):
                continue
            count = sum(1 for _ in self.store.quads_for_pattern(node, None, None, DEFAULT))
            count += sum(1 for _ in self.store.quads_for_pattern(None, None, node, DEFAULT))
            scored.append((-count, value))
        return [ox.NamedNode(v) for _, v in sorted(scored)[:limit]]
