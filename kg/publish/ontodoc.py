"""The ontology as one HTML page: every class and property with its French and English labels and definitions,
super- and sub-terms, domain and range, inverse and chains, how many instances or statements the data has, and
an example from the data.

One renderer for the release (docs/ontology.html) and for `kg serve` (mounted at /ontology): call
`render_ontology_html(kgraph, lang="en", base="/ontology")`. Each term's anchor is its local name
(`/ontology#Organisation`); links between terms are `{base}#{local name}`. Self-contained: the style is inline,
nothing is fetched. Deterministic: terms and examples are chosen in IRI order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg import LANGUAGES, __version__
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG, ONTOLOGY_IRI, OWL, RDF, RDFS, shorten

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

TEMPLATES = Path(__file__).resolve().parent / "templates"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
KINDS = {OWL + "Class": "class", OWL + "ObjectProperty": "object property",
         OWL + "DatatypeProperty": "datatype property"}
CHARACTERISTICS = {OWL + "TransitiveProperty": "transitive", OWL + "SymmetricProperty": "symmetric",
                   OWL + "FunctionalProperty": "functional", OWL + "InverseFunctionalProperty": "inverse functional"}
WORDS = {
    "en": {"classes": "Classes", "object": "Object properties", "datatype": "Datatype properties",
           "label": "Label", "definition": "Definition", "super_classes": "Subclass of", "sub_classes": "Superclass of",
           "disjoint": "Disjoint with", "super_properties": "Subproperty of", "sub_properties": "Superproperty of",
           "domain": "Domain", "range": "Range", "inverse": "Inverse of", "chains": "Property chain",
           "characteristics": "Characteristics", "instances": "Instances in the data",
           "uses": "Statements in the data", "example": "Example", "none": "none", "version": "Version",
           "licence": "Licence", "contents": "Contents", "other": "Français", "iri": "IRI",
           "counts_note": "Instances count the data's nodes typed with the class or one of its subclasses; "
                          "statements count the asserted triples using the property.",
           "scope": "Scope note"},
    "fr": {"classes": "Classes", "object": "Propriétés d'objet", "datatype": "Propriétés de données",
           "label": "Libellé", "definition": "Définition", "super_classes": "Sous-classe de",
           "sub_classes": "Super-classe de", "disjoint": "Disjointe de", "super_properties": "Sous-propriété de",
           "sub_properties": "Super-propriété de", "domain": "Domaine", "range": "Co-domaine", "inverse": "Inverse de",
           "chains": "Chaîne de propriétés", "characteristics": "Caractéristiques",
           "instances": "Instances dans les données", "uses": "Triplets dans les données", "example": "Exemple",
           "none": "aucune", "version": "Version", "licence": "Licence", "contents": "Sommaire",
           "other": "English", "iri": "IRI",
           "counts_note": "Les instances comptent les nœuds des données typés par la classe ou l'une de ses "
                          "sous-classes ; les triplets comptent les triplets affirmés qui emploient la propriété.",
           "scope": "Note d'application"},
}


@dataclass
class Link:
    """A term as shown: its text, and the anchor it links to when it is one of ours."""

    text: str
    href: str | None = None
    title: str = ""


@dataclass
class Term:
    iri: str
    anchor: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    scope_notes: dict[str, str] = field(default_factory=dict)
    supers: list[Link] = field(default_factory=list)
    subs: list[Link] = field(default_factory=list)
    disjoint: list[Link] = field(default_factory=list)
    domain: list[Link] = field(default_factory=list)
    range: list[Link] = field(default_factory=list)
    inverse: list[Link] = field(default_factory=list)
    chains: list[list[Link]] = field(default_factory=list)
    characteristics: list[str] = field(default_factory=list)
    count: int = 0
    example: str = ""

    def label(self, lang: str) -> str:
        other = "fr" if lang == "en" else "en"
        return self.labels.get(lang) or self.labels.get(other) or self.anchor


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _ontology_triples(kgraph: KnowledgeGraph) -> dict[ox.Term, dict[str, list]]:
    out: dict[object, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for graph in kgraph.graphs("ontology"):
        for q in kgraph.store.quads_for_pattern(None, None, None, graph):
            values = out[q.subject][q.predicate.value]
            if q.object not in values:
                values.append(q.object)
    return out


def _rdf_list(triples: dict, node: object) -> list:
    items, seen = [], set()
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        first, rest = triples[node].get(RDF + "first"), triples[node].get(RDF + "rest")
        if not first or not rest:
            break
        items.append(first[0])
        node = rest[0]
    return items


def _counts(kgraph: KnowledgeGraph, classes: list[str], properties: list[str]
            ) -> tuple[dict[str, int], dict[str, str]]:
    """(instances per class, statements per property) and, per class, its first instance in IRI order."""
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    data = kgraph.graphs("data")
    if not data:
        return counts, first
    onto = kgraph.graphs("ontology")
    store = kgraph.store
    # class -> its subclasses (asserted, transitively), then distinct ekd: instances of any of them
    sub: dict[str, set[str]] = defaultdict(set)
    for graph in onto:
        for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "subClassOf"), None, graph):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                sub[q.object.value].add(q.subject.value)
    members: dict[str, set[str]] = defaultdict(set)
    for graph in data:
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), None, graph):
            if isinstance(q.object, ox.NamedNode) and q.subject.value.startswith(EKD):
                members[q.object.value].add(q.subject.value)
    for cls in classes:
        found, todo, seen = set(members.get(cls, ())), [cls], {cls}
        while todo:
            for child in sub.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
                    found |= members.get(child, set())
        counts[cls] = len(found)
        if found:
            first[cls] = min(found)
    for prop in properties:
        counts[prop] = len({(q.subject, q.object) for graph in data
                            for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, graph)})
    return counts, first


def _labels_of(kgraph: KnowledgeGraph, iris: set[str], lang: str) -> dict[str, str]:
    from kg.output.labels import lookup

    return lookup(kgraph.query, iris, lang) if iris else {}


def _examples(kgraph: KnowledgeGraph, first_instance: dict[str, str], properties: list[str], lang: str
              ) -> dict[str, str]:
    """One instance per class (its own or a subclass's) and one statement per property, first in IRI order."""
    store, data = kgraph.store, kgraph.graphs("data")
    picks: dict[str, tuple] = {cls: (iri,) for cls, iri in first_instance.items()}
    for prop in properties:
        quads = sorted(((q.subject.value, str(q.object)) , q) for g in data
                       for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, g))
        if quads:
            q = quads[0][1]
            picks[prop] = (q.subject.value, q.object)
    iris = {p[0] for p in picks.values()} | {p[1].value for p in picks.values()
                                             if len(p) > 1 and isinstance(p[1], ox.NamedNode)}
    labels = _labels_of(kgraph, iris, lang)

    def show(term: object) -> str:
        if isinstance(term, ox.NamedNode):
            label = labels.get(term.value)
            return f"{shorten(term.value)} ({label})" if label else shorten(term.value)
        if isinstance(term, ox.Literal):
            text = term.value if len(term.value) <= 120 else term.value[:119] + "…"
            return f"“{text}”" + (f"@{term.language}" if term.language else "")
        return str(term)

    out = {}
    for iri, pick in picks.items():
        if len(pick) == 1:
            out[iri] = show(ox.NamedNode(pick[0]))
        else:
            out[iri] = f"{show(ox.NamedNode(pick[0]))} → {show(pick[1])}"
    return out


def collect_terms(kgraph: KnowledgeGraph, lang: str = "en", base: str = "") -> dict[str, list[Term]]:
    """The ontology's own terms (IRIs under ekg:) by kind: class, object property, datatype property."""
    triples = _ontology_triples(kgraph)
    terms: dict[str, Term] = {}
    for subject, props in triples.items():
        if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(EKG):
            continue
        kinds = [KINDS[t.value] for t in props.get(RDF + "type", []) if t.value in KINDS]
        if not kinds:
            continue
        term = Term(subject.value, _local(subject.value), kinds[0])
        for key, target in ((RDFS + "label", term.labels), (SKOS + "definition", term.definitions),
                            (SKOS + "scopeNote", term.scope_notes)):
            for value in props.get(key, []):
                if isinstance(value, ox.Literal) and value.language in LANGUAGES:
                    target.setdefault(value.language, value.value)
        terms[term.iri] = term

    def link(node: object) -> Link:
        if isinstance(node, ox.NamedNode) and node.value in terms:
            t = terms[node.value]
            return Link(t.label(lang), f"{base}#{t.anchor}", shorten(node.value))
        if isinstance(node, ox.NamedNode):
            return Link(shorten(node.value), None, node.value)
        return Link("(anonymous)")

    def links(nodes: list) -> list[Link]:
        return sorted((link(n) for n in nodes), key=lambda x: (x.href is None, x.text.lower(), x.title))

    for term in terms.values():
        props = triples[ox.NamedNode(term.iri)]
        is_class = term.kind == "class"
        up = RDFS + ("subClassOf" if is_class else "subPropertyOf")
        term.supers = links([n for n in props.get(up, []) if isinstance(n, ox.NamedNode)])
        term.subs = links([s for s, p in triples.items() if isinstance(s, ox.NamedNode)
                           and ox.NamedNode(term.iri) in p.get(up, [])])
        if is_class:
            disjoint = list(props.get(OWL + "disjointWith", []))
            disjoint += [s for s, p in triples.items() if ox.NamedNode(term.iri) in p.get(OWL + "disjointWith", [])]
            term.disjoint = links(disjoint)
        else:
            term.domain = links(props.get(RDFS + "domain", []))
            term.range = links(props.get(RDFS + "range", []))
            inverse = list(props.get(OWL + "inverseOf", []))
            inverse += [s for s, p in triples.items() if ox.NamedNode(term.iri) in p.get(OWL + "inverseOf", [])]
            term.inverse = links(list(dict.fromkeys(inverse)))
            term.chains = [[link(n) for n in _rdf_list(triples, chain)]
                           for chain in props.get(OWL + "propertyChainAxiom", [])]
            term.characteristics = sorted(CHARACTERISTICS[t.value] for t in props.get(RDF + "type", [])
                                          if t.value in CHARACTERISTICS)
    ordered = sorted(terms.values(), key=lambda t: (t.label(lang).lower(), t.iri))
    classes = [t.iri for t in ordered if t.kind == "class"]
    properties = [t.iri for t in ordered if t.kind != "class"]
    counts, first_instance = _counts(kgraph, classes, properties)
    examples = _examples(kgraph, first_instance, properties, lang)
    for term in ordered:
        term.count = counts.get(term.iri, 0)
        term.example = examples.get(term.iri, "")
    return {kind: [t for t in ordered if t.kind == kind] for kind in KINDS.values()}


def _header(kgraph: KnowledgeGraph, lang: str) -> dict[str, str]:
    rows = kgraph.query(
        f"SELECT ?p ?o WHERE {{ GRAPH ?g {{ <{ONTOLOGY_IRI}> ?p ?o }} }}").rows
    header: dict[str, str] = {}
    ranked: dict[str, int] = {}
    for p, o in rows:
        key = _local(p.value)
        rank = 0 if getattr(o, "language", None) == lang else 1
        if key not in ranked or rank < ranked[key] or (rank == ranked[key] and o.value < header[key]):
            header[key], ranked[key] = o.value, rank
    return header


@cache
def _environment():
    try:
        import jinja2
    except ImportError:  # pragma: no cover - jinja2 is a core dependency
        raise InputError("the ontology documentation needs jinja2: pip install 'jinja2>=3.1'") from None
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_ontology_html(kgraph: KnowledgeGraph, *, lang: str = "en", base: str = "",
                         other_language_href: str | None = None, external_links: bool = True) -> str:
    """The documentation page in `lang` (fr or en). `base` prefixes the in-page links (`{base}#Organisation`);
    `other_language_href`, when given, links to the page in the other language; `external_links=False` shows
    other hosts' addresses (the licence) as text, for a server whose pages link to no other host."""
    if lang not in LANGUAGES:
        raise InputError(f"--lang {lang}: choose from {', '.join(LANGUAGES)}")
    groups = collect_terms(kgraph, lang, base)
    sections = [("classes", WORDS[lang]["classes"], groups["class"]),
                ("object-properties", WORDS[lang]["object"], groups["object property"]),
                ("datatype-properties", WORDS[lang]["datatype"], groups["datatype property"])]
    other = "fr" if lang == "en" else "en"
    return _environment().get_template("ontology.html.j2").render(
        lang=lang, other=other, words=WORDS[lang], header=_header(kgraph, lang), sections=sections,
        base=base, version=__version__, ontology_iri=ONTOLOGY_IRI, other_language_href=other_language_href,
        external_links=external_links)
