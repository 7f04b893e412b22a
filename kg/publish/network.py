"""The entity graph as a network for Gephi, Cytoscape, igraph or networkx: GEXF 1.2 and GraphML, written with
networkx.

- Nodes: the graph's entities (organisations, people, products, programmes, events, places; not its concepts,
  documents or fact nodes), with their labels (fr, en), class (most specific), IRI and the number of documents
  that speak of them.
- Edges, directed, one per relation: the asserted relations between two entities, typed (`relation`: the
  property as a prefixed name; `label`), with the number of documents stating them; with `inferred`, the
  closure's relations between entities that no document states, marked `inferred: true`.
- Fact nodes linking two entities become edges with their attributes: a role, person → organisation with its
  title; a funding, funder → recipient; a participation, participant → event with the part played; a
  collaboration, between each two partners; a deployment, software → organisation; a quotation, speaker →
  what it is about.
- `neighbourhood(...)` keeps one entity, its neighbours and the edges among them (the server's /graph/NAME.gexf).
Written in a fixed order: the same graph gives the same bytes.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from kg.publish.classes import prefixed_name, short_id
from kg.shared.namespaces import EKG, RDFS

if TYPE_CHECKING:
    import networkx as nx

    from kg.engine.knowledge import KnowledgeGraph

PROV = "http://www.w3.org/ns/prov#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NODE_CLASSES = ("Organisation", "Person", "Software", "AIModel", "Dataset", "Infrastructure", "Licence",
                "Initiative", "Programme", "Project", "Event", "Place", "Agent")
EXCLUDED = ("SourcedFact", "Attestation", "SourceDocument", "Concept")
FORMATS = ("gexf", "graphml")


def build_network(kgraph: KnowledgeGraph, *, inferred: bool = False, lang: str = "en") -> nx.MultiDiGraph:
    """The entity network of a graph (opened with a closure when `inferred`)."""
    import networkx as nx

    from kg.inspection.describe import query_part

    def rows(sparql: str, part: str = "all") -> list[tuple]:
        return [r for r in getattr(query_part(kgraph, sparql, part), "rows", [])]

    from kg.publish.classes import EntityClasses

    asserted_part = "all" if kgraph.reasoning == "none" else "asserted"
    classes = EntityClasses.read(rows, asserted_part)
    wanted, excluded = {EKG + c for c in NODE_CLASSES}, {EKG + c for c in EXCLUDED}
    entities = {}
    for s in sorted(classes.types):
        every = classes.classes_of(s)
        if every & wanted and not every & excluded:
            entities[s] = classes.most_specific(s)
    labels: dict[str, dict[str, str]] = {}
    for s, label in rows(f"SELECT ?s ?l WHERE {{ ?s <{RDFS}label> ?l FILTER(isIRI(?s)) }}"):
        labels.setdefault(s.value, {}).setdefault(getattr(label, "language", None) or "", label.value)

    def label(iri: str) -> str:
        found = labels.get(iri, {})
        return found.get(lang) or found.get("en") or found.get("fr") or short_id(iri)

    documents: dict[str, set[str]] = {}
    for s, d in rows(f"SELECT DISTINCT ?s ?d WHERE {{ {{ ?d <{EKG}mentions> ?s }} UNION "
                     f"{{ ?a <{RDF_NS}subject> ?s ; <{PROV}wasDerivedFrom> ?d }} UNION "
                     f"{{ ?a <{RDF_NS}object> ?s ; <{PROV}wasDerivedFrom> ?d }} }}"):
        documents.setdefault(s.value, set()).add(d.value)

    graph = nx.MultiDiGraph(name="ecosystem-kg")
    for iri in sorted(entities):
        graph.add_node(short_id(iri), label=label(iri), label_fr=labels.get(iri, {}).get("fr", ""),
                       label_en=labels.get(iri, {}).get("en", ""), **{"class": entities[iri]}, iri=iri,
                       documents=len(documents.get(iri, ())))

    def add_edge(s: str, o: str, relation: str, name: str, docs: int, is_inferred: bool, **extra: object) -> None:
        key = f"{short_id(s)}|{relation}|{short_id(o)}" + (f"|{extra.get('via', '')}" if extra.get("via") else "")
        graph.add_edge(short_id(s), short_id(o), key=key, relation=relation, label=name, documents=docs,
                       inferred=is_inferred, **{k: v for k, v in extra.items() if v not in (None, "")})

    prop_labels: dict[str, dict[str, str]] = {}
    for p, lab in rows(f"SELECT ?p ?l WHERE {{ ?p <{RDFS}label> ?l FILTER(STRSTARTS(STR(?p), \"{EKG}\")) }}"):
        prop_labels.setdefault(p.value, {}).setdefault(getattr(lab, "language", None) or "", lab.value)

    def prop_label(p: str) -> str:
        found = prop_labels.get(p, {})
        return found.get(lang) or found.get("en") or prefixed_name(p)

    stated_docs: dict[tuple[str, str, str], set[str]] = {}
    for s, p, o, d in rows(f"SELECT ?s ?p ?o ?d WHERE {{ ?a <{RDF_NS}subject> ?s ; <{RDF_NS}predicate> ?p ; "
                           f"<{RDF_NS}object> ?o ; <{PROV}wasDerivedFrom> ?d }}", asserted_part):
        stated_docs.setdefault((s.value, p.value, o.value), set()).add(d.value)
    asserted = set()
    for s, p, o in rows("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }", asserted_part):
        if s.value in entities and o.value in entities and s.value != o.value and p.value != RDF_NS + "type":
            asserted.add((s.value, p.value, o.value))
    for s, p, o in sorted(asserted):
        add_edge(s, o, prefixed_name(p), prop_label(p), len(stated_docs.get((s, p, o), ())), False)
    if inferred and kgraph.reasoning != "none":
        inverse: dict[str, set[str]] = {}
        for p, q in rows("SELECT ?p ?q WHERE { ?p <http://www.w3.org/2002/07/owl#inverseOf> ?q }"):
            inverse.setdefault(p.value, set()).add(q.value)
            inverse.setdefault(q.value, set()).add(p.value)
        found = set()
        for s, p, o in rows("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }", "inferred"):
            if s.value in entities and o.value in entities and s.value != o.value \
                    and p.value.startswith(EKG) and (s.value, p.value, o.value) not in asserted:
                found.add((s.value, p.value, o.value))
        # An inverse says nothing its pair does not: keep one edge of each (the asserted one, else the first name).
        for s, p, o in sorted(found):
            if any((o, q, s) in asserted or ((o, q, s) in found and q < p) for q in inverse.get(p, ())):
                continue
            add_edge(s, o, prefixed_name(p), prop_label(p), 0, True)

    # fact nodes folded into edges
    def fact_rows(sparql: str) -> list[tuple]:
        return sorted(tuple(t.value if t is not None else "" for t in r) for r in rows(sparql, asserted_part))

    def fact_docs(fact: str) -> int:
        return len(fact_documents.get(fact, ()))

    fact_documents: dict[str, set[str]] = {}
    for f, d in rows(f"SELECT ?f ?d WHERE {{ ?f <{PROV}wasDerivedFrom> ?d }}"):
        fact_documents.setdefault(f.value, set()).add(d.value)
    e = EKG
    for fact, person, org, title in fact_rows(
            f"SELECT ?f ?h ?o (SAMPLE(?t) AS ?title) WHERE {{ ?f <{e}roleHolder> ?h ; <{e}roleOrganisation> ?o . "
            f"OPTIONAL {{ ?f <{e}roleTitle> ?t FILTER(LANG(?t) = \"{lang}\") }} }} GROUP BY ?f ?h ?o"):
        if person in entities and org in entities:
            add_edge(person, org, "ekg:Role", "role" if lang == "en" else "fonction", fact_docs(fact), False,
                     via=short_id(fact), title=title)
    for fact, funder, recipient in fact_rows(
            f"SELECT ?f ?a ?b WHERE {{ ?f <{e}funder> ?a ; <{e}fundingRecipient> ?b }}"):
        if funder in entities and recipient in entities:
            add_edge(funder, recipient, "ekg:Funding", "funding" if lang == "en" else "financement",
                     fact_docs(fact), False, via=short_id(fact))
    for fact, who, event, part in fact_rows(
            f"SELECT ?f ?a ?b (SAMPLE(?r) AS ?role) WHERE {{ ?f <{e}participant> ?a ; <{e}participationIn> ?b . "
            f"OPTIONAL {{ ?f <{e}participationRole> ?ro . ?ro <{RDFS}label> ?r FILTER(LANG(?r) = \"{lang}\") }} }} "
            f"GROUP BY ?f ?a ?b"):
        if who in entities and event in entities:
            add_edge(who, event, "ekg:Participation", "participation", fact_docs(fact), False, via=short_id(fact),
                     part=part)
    partners: dict[str, list[str]] = {}
    for fact, partner in fact_rows(f"SELECT ?f ?p WHERE {{ ?f a <{e}Collaboration> ; <{e}partner> ?p }}"):
        if partner in entities:
            partners.setdefault(fact, []).append(partner)
    for fact, members in sorted(partners.items()):
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                add_edge(a, b, "ekg:Collaboration", "collaboration", fact_docs(fact), False, via=short_id(fact))
    for fact, software, org in fact_rows(
            f"SELECT ?f ?s ?o WHERE {{ ?f <{e}deployedSoftware> ?s ; <{e}deployedFor> ?o }}"):
        if software in entities and org in entities:
            add_edge(software, org, "ekg:Deployment", "deployment" if lang == "en" else "déploiement",
                     fact_docs(fact), False, via=short_id(fact))
    for fact, speaker, about in fact_rows(
            f"SELECT ?f ?s ?a WHERE {{ ?f a <{e}Quotation> ; <{e}speaker> ?s ; <{e}about> ?a }}"):
        if speaker in entities and about in entities and speaker != about:
            add_edge(speaker, about, "ekg:Quotation", "quoted about" if lang == "en" else "cité à propos de",
                     fact_docs(fact), False, via=short_id(fact))
    return graph


def neighbourhood(graph: nx.MultiDiGraph, name: str) -> nx.MultiDiGraph:
    """One entity, every node it is linked to (either way), and the edges among them."""
    keep = {name} | set(graph.successors(name)) | set(graph.predecessors(name))
    return graph.subgraph(sorted(keep)).copy()


def serialise(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """GEXF 1.2 (draft, what Gephi reads) or GraphML, as bytes."""
    import networkx as nx

    buffer = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(graph, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
        # the writer stamps today's date: dropped (optional in GEXF) so that the same graph gives the same bytes
        return re.sub(rb'<meta lastmodifieddate="[^"]*">', b"<meta>", buffer.getvalue(), count=1)
    elif fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    else:
        from kg.shared.errors import InputError

        raise InputError(f"--format {fmt}: not a network format (choose from {', '.join(FORMATS)})")
    return buffer.getvalue()
