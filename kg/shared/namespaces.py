"""The project's IRIs and prefixes, in one place so that every module and query agrees on them.

Plain strings only: importing this module must stay free.
"""

from __future__ import annotations

BASE = "https://w3id.org/ecosystem-kg/"
ONTOLOGY_IRI = BASE + "ontology"
EKG = ONTOLOGY_IRI + "#"  # ontology terms
EKD = BASE + "id/"  # data resources (entities, fact nodes, documents)
GRAPH_BASE = BASE + "graph/"

# Named graphs. The same IRIs are used inside the embedded store and, by default, in remote stores.
GRAPH_ONTOLOGY = GRAPH_BASE + "ontology"
GRAPH_DATA = GRAPH_BASE + "data"
GRAPH_INFERRED = GRAPH_BASE + "inferred"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "ekg": EKG,
    "ekd": EKD,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "doap": "http://usefulinc.com/ns/doap#",
    "time": "http://www.w3.org/2006/time#",
}


def sparql_prefix_block() -> str:
    """PREFIX lines for every known prefix, for ad-hoc queries that omit them."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def shorten(iri: str) -> str:
    """The prefixed name of an IRI when a prefix fits, else the IRI in angle brackets."""
    best = ""
    best_prefix = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best):
            best, best_prefix = ns, prefix
    if best:
        local = iri[len(best):]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best_prefix}:{local}"
    return f"<{iri}>"
