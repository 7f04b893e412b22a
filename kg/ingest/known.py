"""What the graph already knows, in the shapes the extractor and `kg accept` need: entity labels for linking,
type families, vocabulary (units, measures, qualifiers, role kinds, participation roles), and the facts and
attestations already there (to flag duplicates, conflicts and what a document already contributed)."""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from kg.query.search import SKOS, normalise
from kg.shared.namespaces import EKD, EKG, RDF, RDFS

PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"

# Type family of an entity, from the most general ontology class it falls under.
FAMILY_ROOTS = (
    ("person", (EKG + "Person", EKG + "PublicOffice")),
    ("organisation", (EKG + "Organisation",)),
    ("product", (EKG + "Software", EKG + "AIModel", EKG + "Dataset", EKG + "Infrastructure", EKG + "Licence")),
    ("event", (EKG + "Event",)),
    ("programme", (EKG + "Initiative",)),
    ("place", (EKG + "Place",)),
    ("concept", (EKG + "Concept",)),
)
FAMILIES = ("person", "organisation", "product", "programme", "place", "event")


_ARTICLES = frozenset(("le", "la", "les", "l"))
# "accord-cadre A–B": a bilateral thing named by its two parties, which French also writes "accord-cadre entre B et A"
_PARTY = r"[\w’'.&-]*[A-Z][\w’'.&-]*"
_PAIR = re.compile(rf"^(?P<head>[^\W\d][\w’' -]*?)\s+(?P<a>{_PARTY})\s*[–—]\s*(?P<b>{_PARTY})$")


@functools.lru_cache(maxsize=100_000)  # the extractor asks for the same words and phrases over and over
def label_key(norm: str) -> str:
    """A normalised name with the spelling variants the graph's labels show folded together: plural and singular
    ("grands modèles de langage" / "grand modèle de langage"), "intelligence artificielle" / "IA", and articles
    inside a name ("accord entre X et le Y" / "accord entre X et Y")."""
    words = [w[:-1] if len(w) > 3 and w[-1] in "sx" and not w.endswith("ss") else w for w in norm.split()]
    if _ARTICLES.intersection(words[1:-1]):  # inside only: "partenariat le" (… le 2 juin) is no name
        words = words[:1] + [w for w in words[1:-1] if w not in _ARTICLES] + words[-1:]
    return " ".join(words).replace("intelligence artificielle", "ia")


def label_variants(label: str) -> list[str]:
    """Other ways French writes a label: "accord-cadre A–B" is also "accord-cadre entre A et B" and "… entre B
    et A"."""
    m = _PAIR.match(label)
    if not m or not m.group("head").split()[0].islower():
        return []
    head, a, b = m.group("head"), m.group("a"), m.group("b")
    return [f"{head} entre {a} et {b}", f"{head} entre {b} et {a}"]


def _rows(kgraph, sparql: str) -> list[tuple]:
    result = kgraph.query(sparql)
    return [tuple(None if t is None else t.value for t in row) for row in result.rows]


class Known:
    """The graph's entities, vocabulary and facts, read once with a few queries."""

    def __init__(self, kgraph) -> None:
        self.kgraph = kgraph
        supers: dict[str, set[str]] = defaultdict(set)
        subclass = f"SELECT ?c ?s WHERE {{ ?c <{RDFS}subClassOf>* ?s FILTER(isIRI(?c) && isIRI(?s)) }}"
        for cls, sup in _rows(kgraph, subclass):
            supers[cls].add(sup)
        self.superclasses = supers
        self.types: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, list[str]] = defaultdict(list)
        self.entities: set[str] = set()
        for (s,) in _rows(kgraph, f"SELECT DISTINCT ?s WHERE {{ ?s <{EKG}mentionedIn> ?d }}"):
            self.entities.add(s)
        for s, t in _rows(kgraph, f"SELECT ?s ?t WHERE {{ ?s a ?t FILTER(STRSTARTS(STR(?s), \"{EKD}\")) }}"):
            self.types[s].add(t)
        label_query = (f"SELECT ?s ?l WHERE {{ VALUES ?p {{ <{RDFS}label> <{SKOS}prefLabel> <{SKOS}altLabel> }} "
                       f"?s ?p ?l FILTER(STRSTARTS(STR(?s), \"{EKD}\")) }}")
        self.by_label: dict[str, set[str]] = defaultdict(set)
        self.by_key: dict[str, set[str]] = defaultdict(set)
        self.variant_keys: set[str] = set()  # keys of the spellings label_variants adds
        for s, label in _rows(kgraph, label_query):
            if label not in self.labels[s]:
                self.labels[s].append(label)
            if s in self.entities:
                self.by_label[normalise(label)].add(s)
                self.by_key[label_key(normalise(label))].add(s)
                for variant in label_variants(label):
                    self.by_key[label_key(normalise(variant))].add(s)
                    self.variant_keys.add(label_key(normalise(variant)))
        self.iris: set[str] = {s for (s,) in _rows(kgraph, f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o "
                                                           f"FILTER(STRSTARTS(STR(?s), \"{EKD}\")) }}")}
        self.documents: dict[str, str] = {}
        docs = f"SELECT ?d ?i WHERE {{ ?d a <{EKG}SourceDocument> ; <{DCTERMS}identifier> ?i }}"
        for doc, ident in _rows(kgraph, docs):
            self.documents[ident] = doc
        self.vocab: dict[str, dict[str, str]] = {}
        for kind in ("Unit", "Measure", "Qualifier", "ParticipationRole"):
            self.vocab[kind] = {normalise(label): s for s, label in _rows(
                kgraph, f"SELECT ?s ?l WHERE {{ ?s a <{EKG}{kind}> ; <{RDFS}label> ?l FILTER(lang(?l) = 'fr') }}")}
        self.vocab["RoleKind"] = {normalise(label): s for s, label in _rows(
            kgraph, f"SELECT ?s ?l WHERE {{ ?r <{EKG}roleKind> ?s . ?s <{RDFS}label> ?l FILTER(lang(?l) = 'fr') }}")}
        for s, label in _rows(kgraph, f"SELECT ?s ?l WHERE {{ ?s a <{EKG}Concept> ; <{RDFS}label> ?l "
                                      f"FILTER(lang(?l) = 'fr' && STRSTARTS(STR(?s), \"{EKD}rolekind-\")) }}"):
            self.vocab["RoleKind"][normalise(label)] = s
        # Facts: entity-to-entity triples, and what each document attests.
        self.triples: set[tuple[str, str, str]] = set()
        for s, p, o in _rows(kgraph, f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && ?p != <{RDF}type> "
                                     f"&& STRSTARTS(STR(?s), \"{EKD}\") && STRSTARTS(STR(?o), \"{EKD}\")) }}"):
            self.triples.add((s, p, o))
        self.attested: set[tuple[str, str, str, str]] = set()
        self.literal_facts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for s, p, o, d in _rows(kgraph, f"SELECT ?s ?p ?o ?d WHERE {{ ?a a <{EKG}Attestation> ; <{RDF}subject> ?s ; "
                                        f"<{RDF}predicate> ?p ; <{RDF}object> ?o ; <{PROV}wasDerivedFrom> ?d }}"):
            self.attested.add((s, p, o, d))
        for s, p, o in _rows(kgraph, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ <{EKG}date> <{EKG}startDate> }} "
                                     f"?s ?p ?o FILTER(isLiteral(?o)) }}"):
            self.literal_facts[(s, p)].add(o)
        self.mentions: set[tuple[str, str]] = set(_rows(kgraph, f"SELECT ?d ?e WHERE {{ ?d <{EKG}mentions> ?e }}"))
        self.figures = [dict(zip(("iri", "of", "measure", "value", "unit", "qualifier", "doc"), r, strict=True))
                        for r in _rows(kgraph, f"SELECT ?f ?of ?m ?v ?u ?q ?d WHERE {{ ?f a <{EKG}Figure> ; "
                                               f"<{EKG}figureOf> ?of ; <{EKG}value> ?v ; <{EKG}unit> ?u ; "
                                               f"<{PROV}wasDerivedFrom> ?d OPTIONAL {{ ?f <{EKG}measure> ?m }} "
                                               f"OPTIONAL {{ ?f <{EKG}qualifier> ?q }} }}")]
        self.roles = set(_rows(kgraph, f"SELECT ?h ?o ?d WHERE {{ ?r a <{EKG}Role> ; <{EKG}roleHolder> ?h ; "
                                       f"<{PROV}wasDerivedFrom> ?d OPTIONAL {{ ?r <{EKG}roleOrganisation> ?o }} }}"))
        self.quotations = {(d, normalise(t)) for d, t in _rows(
            kgraph, f"SELECT ?d ?t WHERE {{ ?q a <{EKG}Quotation> ; <{EKG}quotedText> ?t ; "
                    f"<{PROV}wasDerivedFrom> ?d }}")}
        self.participations = set(_rows(kgraph, f"SELECT ?p ?e ?d WHERE {{ ?x a <{EKG}Participation> ; "
                                                 f"<{EKG}participant> ?p ; <{EKG}participationIn> ?e ; "
                                                 f"<{PROV}wasDerivedFrom> ?d }}"))
        self.fundings = set(_rows(kgraph, f"SELECT ?r ?f ?d WHERE {{ ?x a <{EKG}Funding> ; "
                                          f"<{EKG}fundingRecipient> ?r ; "
                                          f"<{EKG}funder> ?f ; <{PROV}wasDerivedFrom> ?d }}"))

    def family(self, iri: str) -> str | None:
        """person, organisation, product, programme, place, event or concept; None when untyped."""
        classes = set()
        for t in self.types.get(iri, ()):
            classes |= self.superclasses.get(t, {t})
        for family, roots in FAMILY_ROOTS:
            if classes & set(roots):
                return family
        return None

    def label(self, iri: str) -> str:
        labels = self.labels.get(iri)
        return labels[0] if labels else iri.rsplit("/", 1)[-1]
