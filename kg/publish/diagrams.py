"""Diagrams of the ontology and of the data, drawn by Graphviz's `dot` (Debian package `graphviz`; installed for the
tests by scripts/install-graphviz.sh): the class hierarchy, the object properties between classes, and an
overview of the instance graph (organisations, laboratories and their parents; products and who makes them).

The DOT text is built here, deterministically (nodes and edges in IRI order); `dot` turns it into SVG. Where
`dot` is missing, one line says how to install it.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG, OWL, RDF, RDFS

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

DIAGRAMS = ("class-hierarchy", "object-properties", "instances")
MISSING = ("Graphviz's dot is missing: install Graphviz (apt-get install graphviz, brew install graphviz, "
           "or scripts/install-graphviz.sh)")

# The instance overview: which nodes and which of their relations are drawn.
ORGANISATION_EDGES = ("supervisedBy", "unitOf", "subOrganisationOf", "foundedBy")
PRODUCT_CLASSES = ("Software", "AIModel", "Dataset", "Infrastructure")
PRODUCT_EDGES = ("developedBy", "operatedBy", "hostedBy", "offeredBy", "contributesTo")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def _pairs(kgraph: KnowledgeGraph, part: str, predicate: str) -> list[tuple[str, str]]:
    out = set()
    for graph in kgraph.graphs(part):
        for q in kgraph.store.quads_for_pattern(None, ox.NamedNode(predicate), None, graph):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                out.add((q.subject.value, q.object.value))
    return sorted(out)


def _labels(kgraph: KnowledgeGraph, iris: Iterable[str], lang: str) -> dict[str, str]:
    from kg.output.labels import lookup

    iris = sorted(set(iris))
    found = lookup(kgraph.query, iris, lang) if iris else {}
    return {iri: found.get(iri) or _local(iri) for iri in iris}


def _classes(kgraph: KnowledgeGraph) -> list[str]:
    return sorted(s for s, o in _pairs(kgraph, "ontology", RDF + "type") if o == OWL + "Class" and s.startswith(EKG))


def _graph(name: str, body: list[str], rankdir: str = "LR") -> str:
    head = [f"digraph {_quote(name)} {{", f"  rankdir={rankdir};", "  bgcolor=\"white\";",
            '  node [shape=box, style="rounded,filled", fillcolor="#eef3f8", color="#5b7a99", '
            'fontname="Helvetica", fontsize=11];',
            '  edge [color="#5b6670", fontname="Helvetica", fontsize=9];']
    return "\n".join(head + body + ["}"]) + "\n"


def class_hierarchy_dot(kgraph: KnowledgeGraph, lang: str = "en") -> str:
    """Every ekg: class, with an arrow from each class to its ekg: superclasses."""
    classes = _classes(kgraph)
    labels = _labels(kgraph, classes, lang)
    body = [f"  {_quote(_local(c))} [label={_quote(labels[c])}, tooltip={_quote('ekg:' + _local(c))}];"
            for c in classes]
    known = set(classes)
    body += [f"  {_quote(_local(s))} -> {_quote(_local(o))} [arrowhead=empty];"
             for s, o in _pairs(kgraph, "ontology", RDFS + "subClassOf") if s in known and o in known]
    return _graph("class hierarchy", body, rankdir="RL")


def object_properties_dot(kgraph: KnowledgeGraph, lang: str = "en") -> str:
    """An arrow domain -> range for each ekg: object property the data uses (the unused ones are mostly inverses,
    which would only draw every arrow twice); a missing domain or range is drawn as owl:Thing."""
    props = sorted(s for s, o in _pairs(kgraph, "ontology", RDF + "type")
                   if o == OWL + "ObjectProperty" and s.startswith(EKG))
    domains = dict(_pairs(kgraph, "ontology", RDFS + "domain"))
    ranges = dict(_pairs(kgraph, "ontology", RDFS + "range"))
    used = {q.predicate.value for g in kgraph.graphs("data")
            for q in kgraph.store.quads_for_pattern(None, None, None, g)}
    thing = OWL + "Thing"  # where the ontology gives no domain or no range
    edges = [(p, domains.get(p, thing), ranges.get(p, thing)) for p in props if p in used]
    edges = [(p, d, r) for p, d, r in edges if (d.startswith(EKG) or d == thing) and (r.startswith(EKG) or r == thing)
             and (d, r) != (thing, thing)]
    labels = _labels(kgraph, [p for p, _, _ in edges] + [d for _, d, _ in edges] + [r for _, _, r in edges], lang)
    nodes = sorted({d for _, d, _ in edges} | {r for _, _, r in edges})
    body = [f"  {_quote(_local(c))} [label={_quote(labels[c])}];" for c in nodes]
    body += [f"  {_quote(_local(d))} -> {_quote(_local(r))} [label={_quote(labels[p])}, "
             f"tooltip={_quote('ekg:' + _local(p))}];" for p, d, r in edges]
    return _graph("object properties", body)


def _instances_of(kgraph: KnowledgeGraph, classes: Iterable[str]) -> set[str]:
    """Data nodes typed with one of the classes or a subclass (asserted types, asserted subclass axioms)."""
    sub: dict[str, set[str]] = {}
    for s, o in _pairs(kgraph, "ontology", RDFS + "subClassOf"):
        sub.setdefault(o, set()).add(s)
    wanted, todo = set(classes), list(classes)
    while todo:
        for child in sub.get(todo.pop(), ()):
            if child not in wanted:
                wanted.add(child)
                todo.append(child)
    return {s for s, o in _pairs(kgraph, "data", RDF + "type") if o in wanted and s.startswith(EKD)}


def instances_dot(kgraph: KnowledgeGraph, lang: str = "en") -> str:
    """Organisations and laboratories with their parents (tutelles, units, sub-organisations, founders), and
    products with who makes, runs, hosts or offers them."""
    organisations = _instances_of(kgraph, [EKG + "Organisation"])
    products = _instances_of(kgraph, [EKG + c for c in PRODUCT_CLASSES])
    edges = []
    for name in ORGANISATION_EDGES:
        edges += [(s, name, o) for s, o in _pairs(kgraph, "data", EKG + name) if s in organisations
                  and o in organisations]
    for name in PRODUCT_EDGES:
        edges += [(s, name, o) for s, o in _pairs(kgraph, "data", EKG + name) if s in products
                  and (o in organisations or o in products)]
    edges.sort()
    nodes = sorted({s for s, _, _ in edges} | {o for _, _, o in edges})
    labels = _labels(kgraph, nodes + [EKG + n for n in ORGANISATION_EDGES + PRODUCT_EDGES], lang)
    body = []
    for node in nodes:
        fill = "#fdf1dc" if node in products else "#eef3f8"
        body.append(f"  {_quote(_local(node))} [label={_quote(labels[node])}, fillcolor={_quote(fill)}, "
                    f"tooltip={_quote('ekd:' + _local(node))}];")
    body += [f"  {_quote(_local(s))} -> {_quote(_local(o))} [label={_quote(labels[EKG + p])}];" for s, p, o in edges]
    return _graph("instances", body)


BUILDERS = {"class-hierarchy": class_hierarchy_dot, "object-properties": object_properties_dot,
            "instances": instances_dot}


def dot_path() -> str:
    found = shutil.which("dot")
    if found is None:
        raise InputError(MISSING)
    return found


def render_svg(dot_text: str) -> bytes:
    """SVG from DOT text, by `dot -Tsvg`; the version comment Graphviz writes is dropped."""
    try:
        done = subprocess.run([dot_path(), "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True,
                              check=False, timeout=300)
    except OSError as exc:
        raise InputError(f"{MISSING} ({exc.strerror or exc})") from None
    if done.returncode != 0:
        raise InputError(f"dot failed: {done.stderr.decode('utf-8', 'replace').strip().splitlines()[:1]}")
    import re

    text = re.sub(r"<!-- Generated by graphviz.*?-->\n", "", done.stdout.decode("utf-8"), flags=re.DOTALL)
    return text.encode("utf-8")


def render_all(kgraph: KnowledgeGraph, lang: str = "en") -> dict[str, bytes]:
    """name -> SVG of every diagram."""
    return {name: render_svg(BUILDERS[name](kgraph, lang)) for name in DIAGRAMS}
