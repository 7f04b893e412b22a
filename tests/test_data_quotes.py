"""The graph's provenance is real: every quote is in its document, names what it supports, and every
relationship between entities is attested (issue "Prove the graph is complete and its quotes are real")."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import pytest
from seedtext import SEEDS_DIR, data_store, normalise, ontology_store, require_seeds, sentence_index

EKG = "https://w3id.org/ecosystem-kg/ontology#"
EKD = "https://w3id.org/ecosystem-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"

FACT_CLASSES = ("Attestation", "Role", "Figure", "Funding", "Collaboration", "Participation", "Deployment",
                "Quotation")
NAME_PROPERTIES = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", SKOS + "hiddenLabel")
AS_WRITTEN = (EKG + "valueAsWritten", EKG + "dateAsWritten", EKG + "quotedText")
# Vocabularies a data IRI may live in; anything else would be an external identifier.
ALLOWED_NAMESPACES = (EKD, EKG, RDF, RDFS, XSD, SKOS, PROV, DCTERMS, "http://www.w3.org/2002/07/owl#",
                      "http://www.w3.org/ns/org#", "http://xmlns.com/foaf/0.1/", "https://schema.org/")
NOT_RELATIONS = (EKG + "mentionedIn", EKG + "mentions")
# A fact node's own bookkeeping, which cannot count as "naming what it supports".
OWN_PROPERTIES = (RDF + "type", RDFS + "label", EKG + "quote", EKG + "inferenceNote", EKG + "sentenceIndex")
TEXT_DATATYPES = (XSD + "string", XSD + "anyURI")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


class Data:
    """The asserted data as plain Python maps, built once."""

    def __init__(self, store: ox.Store, onto: ox.Store) -> None:
        self.triples = {(q.subject, q.predicate, q.object) for q in store}
        self.out: dict[ox.NamedNode, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in self.triples:
            self.out[s][p.value].append(o)
        self.types = {s: {t.value for t in props.get(RDF + "type", [])} for s, props in self.out.items()}
        self.facts = {s for s, ts in self.types.items() if any(EKG + c in ts for c in FACT_CLASSES)}
        self.documents = {s for s, ts in self.types.items() if EKG + "SourceDocument" in ts}
        self.entities = {s for s, props in self.out.items() if EKG + "mentionedIn" in props}
        self.names: dict[ox.NamedNode, list[str]] = defaultdict(list)
        for source in (store, onto):
            for q in source:
                if q.predicate.value in NAME_PROPERTIES and isinstance(q.object, ox.Literal):
                    self.names[q.subject].append(normalise(q.object.value).lower())

    def one(self, s, p):
        values = self.out[s].get(p, [])
        return values[0] if len(values) == 1 else None

    def document_of(self, fact) -> str | None:
        doc = self.one(fact, PROV + "wasDerivedFrom")
        ident = self.one(doc, DCTERMS + "identifier") if doc is not None else None
        return ident.value if ident is not None else None


@pytest.fixture(scope="session")
def data() -> Data:
    return Data(data_store(), ontology_store())


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Seed file name -> normalised text (skips, or fails in CI, without the shared folder)."""
    require_seeds()
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS_DIR.glob("*.txt"))}


def _quotes(data: Data, fact) -> list[str]:
    return [q.value for q in data.out[fact].get(EKG + "quote", [])]


# -- structure (no seeds needed) ----------------------------------------------------------------------------

def test_there_are_fact_nodes_of_every_kind(data: Data) -> None:
    kinds = {t.rsplit("#", 1)[1] for f in data.facts for t in data.types[f]}
    assert set(FACT_CLASSES) <= kinds


def test_every_fact_node_has_exactly_one_source_document(data: Data) -> None:
    bad = []
    for fact in data.facts:
        docs = data.out[fact].get(PROV + "wasDerivedFrom", [])
        if len(docs) != 1 or docs[0] not in data.documents or data.document_of(fact) is None:
            bad.append(fact.value)
    assert not bad, f"fact nodes without exactly one prov:wasDerivedFrom to a SourceDocument: {sorted(bad)[:10]}"


def test_every_fact_node_has_quotes_and_one_sentence_index(data: Data) -> None:
    bad = []
    for fact in data.facts:
        index = data.out[fact].get(EKG + "sentenceIndex", [])
        ok_index = len(index) == 1 and index[0].datatype.value == XSD + "integer" and int(index[0].value) >= 1
        quotes = data.out[fact].get(EKG + "quote", [])
        if not quotes or not ok_index or any(q.language != "fr" for q in quotes):
            bad.append(fact.value)
    assert not bad, f"fact nodes without @fr quotes or with a bad ekg:sentenceIndex: {sorted(bad)[:10]}"


def test_every_quote_names_what_it_supports(data: Data) -> None:
    """A quote must contain a name of what the fact links (subject, object, about…) or the value as written."""
    bad = []
    for fact in data.facts:
        props = data.out[fact]
        if EKG + "Attestation" in data.types[fact]:
            refs = props[RDF + "subject"] + props[RDF + "object"] + props.get(EKG + "about", [])
        else:
            refs = [o for p, objs in props.items() if p not in OWN_PROPERTIES for o in objs]
        names: list[str] = []
        literals: list[str] = [normalise(o.value).lower() for p in AS_WRITTEN for o in props.get(p, [])]
        for ref in refs:
            if isinstance(ref, ox.Literal):
                if ref.language is not None or ref.datatype.value in TEXT_DATATYPES:
                    literals.append(normalise(ref.value).lower())
                continue
            names += data.names.get(ref, [])
            for p in (EKG + "valueAsWritten", EKG + "dateAsWritten"):  # a linked figure, the attested subject
                literals += [normalise(o.value).lower() for o in data.out[ref].get(p, [])]
        for quote in _quotes(data, fact):
            q = normalise(quote).lower()
            if not (any(n and n in q for n in names) or any(lit and (lit in q or q in lit) for lit in literals)):
                bad.append(f"{fact.value}: {quote!r}")
    assert not bad, "quotes that name nothing they support:\n" + "\n".join(sorted(bad)[:20])


def test_every_attestation_describes_an_asserted_triple(data: Data) -> None:
    bad = []
    for fact in data.facts:
        if EKG + "Attestation" not in data.types[fact]:
            continue
        s, p, o = (data.one(fact, RDF + x) for x in ("subject", "predicate", "object"))
        if None in (s, p, o) or (s, p, o) not in data.triples:
            bad.append(fact.value)
    assert not bad, f"attestations of triples the data does not assert: {sorted(bad)[:10]}"


def test_every_relationship_between_entities_is_attested(data: Data) -> None:
    attested = set()
    for fact in data.facts:
        if EKG + "Attestation" in data.types[fact]:
            attested.add(tuple(data.one(fact, RDF + x) for x in ("subject", "predicate", "object")))
    missing = []
    for s, p, o in data.triples:
        if s not in data.entities or p.value in NOT_RELATIONS:
            continue
        if p.value == RDF + "type" or o in data.entities:
            if (s, p, o) not in attested:
                missing.append(f"{s.value} {p.value} {o}")
    assert not missing, "unattested triples:\n" + "\n".join(sorted(missing)[:20])


def test_no_blank_nodes(data: Data) -> None:
    blank = [t for t in data.triples if isinstance(t[0], ox.BlankNode) or isinstance(t[2], ox.BlankNode)]
    assert not blank, f"{len(blank)} triples use blank nodes"


def test_no_external_identifiers(data: Data) -> None:
    iris = {t.value for triple in data.triples for t in triple if isinstance(t, ox.NamedNode)}
    foreign = sorted(i for i in iris if not i.startswith(ALLOWED_NAMESPACES))
    assert not foreign, f"IRIs outside the project and its vocabularies: {foreign[:10]}"
    assert not any(p.value == "http://www.w3.org/2002/07/owl#sameAs" for _, p, _ in data.triples)


def test_every_typed_node_has_one_french_and_one_english_label(data: Data) -> None:
    bad = []
    for node, props in data.out.items():
        if RDF + "type" not in props:
            continue
        langs = [lab.language for lab in props.get(RDFS + "label", [])]
        if sorted(langs) != ["en", "fr"]:
            bad.append(f"{node.value}: {langs}")
    assert not bad, "nodes without exactly one @fr and one @en rdfs:label:\n" + "\n".join(sorted(bad)[:20])


def test_every_entity_has_one_french_preferred_label(data: Data) -> None:
    bad = [e.value for e in data.entities
           if [lab.language for lab in data.out[e].get(SKOS + "prefLabel", [])] != ["fr"]]
    assert not bad, f"entities without exactly one skos:prefLabel@fr: {sorted(bad)[:10]}"


def test_mentions_and_mentioned_in_agree(data: Data) -> None:
    forward = {(d, e) for d in data.documents for e in data.out[d].get(EKG + "mentions", [])}
    backward = {(d, e) for e in data.entities for d in data.out[e].get(EKG + "mentionedIn", [])}
    assert forward == backward
    assert all(d in data.documents for d, _ in backward)


def test_figure_values_are_typed_numbers(data: Data) -> None:
    bad = []
    for fact in data.facts:
        for value in data.out[fact].get(EKG + "value", []):
            if not isinstance(value, ox.Literal) or value.datatype.value not in (XSD + "integer", XSD + "decimal"):
                bad.append(fact.value)
    assert not bad, f"figures whose ekg:value is not an xsd:integer or xsd:decimal: {bad}"


def test_every_figure_gives_its_value_as_written(data: Data) -> None:
    figures = [f for f in data.facts if EKG + "Figure" in data.types[f]]
    bad = [f.value for f in figures
           if not all(data.out[f].get(EKG + p) for p in ("figureOf", "measure", "value", "unit", "valueAsWritten"))]
    assert figures and not bad, f"incomplete figures: {bad}"


# -- against the seeds --------------------------------------------------------------------------------------

def test_source_documents_are_seed_files(data: Data, seed_texts: dict[str, str]) -> None:
    idents = {data.one(d, DCTERMS + "identifier").value for d in data.documents}
    assert idents == set(seed_texts), "every seed file is one ekg:SourceDocument, and nothing else is"


def test_every_quote_and_quoted_text_is_verbatim(data: Data, seed_texts: dict[str, str]) -> None:
    normalised = {name: normalise(text) for name, text in seed_texts.items()}
    bad = []
    for fact in data.facts:
        doc = data.document_of(fact)
        texts = data.out[fact].get(EKG + "quote", []) + data.out[fact].get(EKG + "quotedText", [])
        for text in texts:
            if normalise(text.value) not in normalised.get(doc, ""):
                bad.append(f"{fact.value} ({doc}): {text.value!r}")
    assert not bad, "quotes not found verbatim in their document:\n" + "\n".join(sorted(bad)[:20])


def test_sentence_index_is_the_first_sentence_quoted(data: Data, seed_texts: dict[str, str]) -> None:
    bad = []
    for fact in data.facts:
        text = seed_texts[data.document_of(fact)]
        expected = min(sentence_index(q, text) or 0 for q in _quotes(data, fact))
        actual = int(data.one(fact, EKG + "sentenceIndex").value)
        if actual != expected:
            bad.append(f"{fact.value}: {actual} (expected {expected})")
    assert not bad, "wrong ekg:sentenceIndex:\n" + "\n".join(sorted(bad)[:20])


def test_mentioned_entities_are_named_or_typed_by_the_document(data: Data, seed_texts: dict[str, str]) -> None:
    """ekg:mentionedIn is honest: the document prints a name of the entity, or one of its quotes types it."""
    typed_in: dict[ox.NamedNode, set[str]] = defaultdict(set)
    for fact in data.facts:
        if data.one(fact, RDF + "predicate") == ox.NamedNode(RDF + "type"):
            typed_in[data.one(fact, RDF + "subject")].add(data.document_of(fact))
    lowered = {name: normalise(text).lower() for name, text in seed_texts.items()}
    bad = []
    for entity in data.entities:
        for doc in data.out[entity][EKG + "mentionedIn"]:
            name = data.one(doc, DCTERMS + "identifier").value
            named = any(n and n in lowered[name] for n in data.names.get(entity, []))
            if not named and name not in typed_in[entity]:
                bad.append(f"{entity.value} in {name}")
    assert not bad, f"entities said to be mentioned by a document that neither names nor types them: {bad}"
