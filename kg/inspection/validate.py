"""Check the instance data against the SHACL shapes, seeing the types the ontology implies.

Only data is validated, never the ontology (mixing it in would validate the ontology too, and slow pySHACL).
pySHACL runs with inference off on a graph built once from the store: the asserted data triples plus the
rdf:type triples of the closure, so that a value typed ekg:Laboratory satisfies `sh:class ekg:Organisation`
without asking pySHACL to reason (5-15x slower, see the field notes).
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import PREFIXES, RDF, RDFS, SH, shorten

if TYPE_CHECKING:
    import rdflib

    from kg.engine.knowledge import KnowledgeGraph

SHAPES = "https://w3id.org/ecosystem-kg/shapes#"
SKOS_PREFLABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS = ("text", "turtle", "json")


@dataclass(frozen=True)
class ValidationResult:
    """One sh:result, as plain strings: IRIs in full, values in N-Triples form."""

    focus_node: str  # IRI, or `_:id` for a blank node
    focus_label: str | None
    path: str | None  # IRI of the property (our shapes use predicate paths only)
    value: str | None  # N-Triples form: <iri>, "lex"@lang, "lex"^^<datatype>
    message: str
    severity: str  # sh:Violation, sh:Warning or sh:Info (full IRI)
    component: str  # the sh:sourceConstraintComponent (full IRI)
    source_shape: str
    files: tuple[str, ...] = ()  # data files where the focus node is described


@dataclass
class ValidationReport:
    """What `kg validate` prints: the verdict, the results, and pySHACL's report graph as Turtle."""

    conforms: bool
    results: list[ValidationResult]
    report_turtle: str
    reasoning: str
    data_triples: int
    shapes_files: list[str] = field(default_factory=list)

    def by_focus(self) -> dict[str, list[ValidationResult]]:
        """Results grouped by focus node, in the (sorted) order of the results."""
        groups: dict[str, list[ValidationResult]] = {}
        for result in self.results:
            groups.setdefault(result.focus_node, []).append(result)
        return groups


# -- the data graph pySHACL sees ---------------------------------------------------------------------

_SUBCLASS_TYPES = f"""
CONSTRUCT {{ ?s <{RDF}type> ?super }}
WHERE {{ GRAPH ?g {{ ?s <{RDF}type> ?class }} ?class <{RDFS}subClassOf>* ?super }}
"""

_INFERRED_TYPES = f"""
CONSTRUCT {{ ?s <{RDF}type> ?class }}
WHERE {{ ?s <{RDF}type> ?class FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
"""


def closure_types(kgraph: KnowledgeGraph) -> Iterator[ox.Triple]:
    """rdf:type triples of the data nodes in the closure, so sh:class and sh:targetClass see superclasses.

    The subclass closure of the asserted types is computed here with rdfs:subClassOf* over the ontology, so
    validation works whatever the reasoning regime; when the graph was opened with a regime, the types the
    reasoner inferred for data nodes (from domains, ranges…) are added. Only types of nodes described in the
    data are kept: the ontology's own terms are never validated.
    """
    data = kgraph.graphs("data")
    if not data:
        return
    yield from kgraph.store.query(_SUBCLASS_TYPES, default_graph=kgraph.graphs("ontology"), named_graphs=data)
    inferred = kgraph.graphs("inferred")
    if inferred:
        yield from kgraph.store.query(_INFERRED_TYPES, default_graph=inferred, named_graphs=data)


def data_graph(kgraph: KnowledgeGraph, classes: set[str] | None = None) -> rdflib.Graph:
    """The rdflib graph given to pySHACL: asserted data triples plus closure types (duplicates collapse).

    With `classes`, closure types outside that set are left out: SHACL Core reads rdf:type only through
    sh:targetClass and sh:class, so types no shape names (prov:Entity, schema:Person…) cannot change the
    report, and leaving them out keeps the graph small. Asserted types are always kept.
    """
    import rdflib

    types: Iterable[ox.Triple] = closure_types(kgraph)
    if classes is not None:
        types = (t for t in types if t.object.value in classes)
    graph = rdflib.Graph()
    _bind(graph)
    graph.addN((s, p, o, graph) for s, p, o in _to_rdflib(kgraph.triples("data")))
    graph.addN((s, p, o, graph) for s, p, o in _to_rdflib(types))
    return graph


def shape_classes(shapes: rdflib.Graph) -> set[str] | None:
    """Classes the shapes can test a type against, or None when a shape reads rdf:type itself (a path)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    if (None, sh.path, rdflib.RDF.type) in shapes:
        return None
    classes = {str(c) for p in (sh.targetClass, sh["class"]) for c in shapes.objects(None, p)}
    # implicit class targets: a shape that is also a class
    owl_class = rdflib.URIRef("http://www.w3.org/2002/07/owl#Class")
    classes |= {str(c) for k in (rdflib.RDFS.Class, owl_class) for c in shapes.subjects(rdflib.RDF.type, k)}
    return classes


# -- shapes --------------------------------------------------------------------------------------------

_SHAPES_CACHE: dict[tuple[tuple[str, int, int], ...], rdflib.Graph] = {}


def load_shapes(shapes_files: list[Path]) -> rdflib.Graph:
    """Parse the shapes once per process (they are read by every validation in the test suite)."""
    import rdflib

    from kg.engine.loading import display_path, parse_error_line

    if not shapes_files:
        raise InputError("no SHACL shapes to validate against (expected ontology/shapes.ttl)")
    try:
        key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in shapes_files)
    except OSError as exc:
        raise InputError(f"{exc.filename}: cannot read shapes: {exc.strerror}") from None
    cached = _SHAPES_CACHE.get(key)
    if cached is not None:
        return cached
    graph = rdflib.Graph()
    _bind(graph)
    for path in shapes_files:
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            raise InputError(parse_error_line(path, exc)) from None
        except (OSError, ValueError) as exc:
            raise InputError(f"{display_path(path)}: {exc}") from None
        graph.addN((s, p, o, graph) for s, p, o in _to_rdflib(triples))
    _SHAPES_CACHE.clear()
    _SHAPES_CACHE[key] = graph
    return graph


# -- validation ----------------------------------------------------------------------------------------


def validate(kgraph: KnowledgeGraph, shapes_files: list[Path], focus_nodes: list[str] | None = None
             ) -> ValidationReport:
    """Validate the graph's data (with closure types) against the shapes, SHACL Core, inference off.
    `focus_nodes` (IRIs) limits the check to those nodes: what a change touched (kg accept), in the whole data."""
    import pyshacl

    from kg.shared import progress

    shapes = load_shapes(shapes_files)
    with progress.step("Collecting the data to validate"):
        data = data_graph(kgraph, shape_classes(shapes))
    with progress.step(f"Validating {len(data):,} triples (SHACL)"):
        conforms, report_graph, _text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=False, inplace=True,
            allow_infos=True, allow_warnings=True, **({"focus_nodes": focus_nodes} if focus_nodes else {}),
        )
    _bind(report_graph)
    results = _results(report_graph, data, kgraph)
    return ValidationReport(
        conforms=bool(conforms),
        results=results,
        report_turtle=report_graph.serialize(format="turtle"),
        reasoning=kgraph.reasoning,
        data_triples=len(data),
        shapes_files=[_relative(p, kgraph) for p in shapes_files],
    )


def check(data_dir: str | None = None, *, reasoning: str = "none", engine: str = "rules",
          use_cache: bool = True) -> ValidationReport:
    """Open the graph in DIR (or the project graph) and validate it against its layout's shapes."""
    from kg.engine.graph import open_graph, recovering
    from kg.shared.paths import layout

    lay = layout(data_dir)
    shapes_files = lay.shapes_files()
    if not shapes_files:
        raise InputError(f"{lay.ontology_dir}: no SHACL shapes file (shapes.ttl or *-shapes.ttl)")
    return recovering(lambda: validate(open_graph(lay, reasoning=reasoning, engine=engine, use_cache=use_cache),
                                       shapes_files))


def _results(report: rdflib.Graph, data: rdflib.Graph, kgraph: KnowledgeGraph) -> list[ValidationResult]:
    import rdflib

    sh = rdflib.Namespace(SH)
    out = []
    files_cache: dict[str, tuple[str, ...]] = {}
    for node in report.objects(None, sh.result):
        focus = report.value(node, sh.focusNode)
        path = report.value(node, sh.resultPath)
        value = report.value(node, sh.value)
        messages = sorted(str(m) for m in report.objects(node, sh.resultMessage))
        focus_key = _key(focus)
        if focus_key not in files_cache:
            files_cache[focus_key] = _files(kgraph, focus)
        out.append(ValidationResult(
            focus_node=focus_key,
            focus_label=_label(data, focus),
            path=str(path) if isinstance(path, rdflib.URIRef) else (_key(path) if path is not None else None),
            value=_nt(value) if value is not None else None,
            message="; ".join(messages),
            severity=str(report.value(node, sh.resultSeverity)),
            component=str(report.value(node, sh.sourceConstraintComponent)),
            source_shape=_key(report.value(node, sh.sourceShape)),
            files=files_cache[focus_key],
        ))
    out.sort(key=lambda r: (r.focus_node, r.path or "", r.component, r.value or "", r.source_shape))
    return out


def _files(kgraph: KnowledgeGraph, focus: Any) -> tuple[str, ...]:
    import rdflib

    if isinstance(focus, rdflib.URIRef):
        return tuple(kgraph.files_describing(ox.NamedNode(str(focus))))
    if isinstance(focus, rdflib.BNode):
        return tuple(kgraph.files_describing(ox.BlankNode(str(focus))))  # ids are kept by _to_rdflib
    return ()


def _label(data: rdflib.Graph, node: Any) -> str | None:
    import rdflib

    labels = list(data.objects(node, rdflib.RDFS.label))
    labels = labels or list(data.objects(node, rdflib.URIRef(SKOS_PREFLABEL)))
    if not labels:
        return None
    by_lang = {getattr(label, "language", None): str(label) for label in labels}
    return by_lang.get("en") or by_lang.get("fr") or sorted(by_lang.values())[0]


def _key(term: Any) -> str:
    import rdflib

    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    return str(term)


def _nt(term: Any) -> str:
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.BNode):
        return f"_:{term}"
    if isinstance(term, rdflib.Literal):
        lex = str(ox.Literal(str(term)))  # pyoxigraph escapes the lexical form the N-Triples way
        if term.language:
            return f"{lex}@{term.language}"
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f"{lex}^^<{term.datatype}>"
        return lex
    return str(term)


def _relative(path: Path, kgraph: KnowledgeGraph) -> str:
    root = kgraph.layout.ontology_dir.parent
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# -- term conversion -----------------------------------------------------------------------------------


def _to_rdflib(triples: Iterable[ox.Triple]) -> Iterator[tuple[Any, Any, Any]]:
    """pyoxigraph triples as rdflib terms, keeping blank node ids (so files can be found for them).

    Faster than serialising N-Triples and parsing them again: each distinct term is converted once.
    rdflib logs a traceback for each ill-typed literal ("2024-13-45"^^xsd:date): silence it here, the
    shapes report such values as results instead.
    """
    from rdflib import BNode, Literal, URIRef

    terms: dict[Any, Any] = {}

    def convert(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype == XSD_STRING:
                return Literal(term.value)
            return Literal(term.value, datatype=URIRef(datatype))
        if isinstance(term, ox.BlankNode):
            return BNode(term.value)
        raise InputError(f"unsupported RDF term in data: {term}")

    with _quiet_rdflib():
        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            rs = terms.get(s)
            if rs is None:
                rs = terms[s] = convert(s)
            rp = terms.get(p)
            if rp is None:
                rp = terms[p] = convert(p)
            ro = terms.get(o)
            if ro is None:
                ro = terms[o] = convert(o)
            yield rs, rp, ro


@contextlib.contextmanager
def _quiet_rdflib() -> Iterator[None]:
    logger = logging.getLogger("rdflib.term")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


def _bind(graph: rdflib.Graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("ekgsh", SHAPES, override=True)


# -- rendering -----------------------------------------------------------------------------------------


def short(iri: str | None) -> str:
    """A readable name for an IRI of ours, pySHACL's or a standard vocabulary's."""
    if iri is None:
        return ""
    if iri.startswith("_:"):
        return iri
    if iri.startswith(SHAPES):
        return "ekgsh:" + iri[len(SHAPES):]
    return shorten(iri)


def _short_value(value: str | None) -> str:
    if value is None:
        return ""
    if value.startswith("<") and value.endswith(">"):
        return short(value[1:-1])
    if "^^<" in value and value.endswith(">"):
        lex, datatype = value.rsplit("^^<", 1)
        return f"{lex}^^{short(datatype[:-1])}"
    return value


def _component_name(component: str) -> str:
    name = component.rsplit("#", 1)[-1]
    return name.removesuffix("ConstraintComponent")


def render(report: ValidationReport, fmt: str = "text") -> str:
    """The report as text (grouped by focus node), Turtle (pySHACL's report graph) or JSON."""
    if fmt == "turtle":
        return report.report_turtle.rstrip("\n")
    if fmt == "json":
        return json.dumps(_json(report), ensure_ascii=False, indent=2)
    if fmt == "text":
        return _text(report)
    raise InputError(f"--format: unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def _json(report: ValidationReport) -> dict[str, Any]:
    return {
        "conforms": report.conforms,
        "reasoning": report.reasoning,
        "data_triples": report.data_triples,
        "shapes": report.shapes_files,
        "results": [{**asdict(r), "files": list(r.files)} for r in report.results],
    }


def _text(report: ValidationReport) -> str:
    shapes = ", ".join(report.shapes_files)
    checked = f"{report.data_triples} data triples checked against {shapes} (reasoning: {report.reasoning})"
    if report.conforms:
        return f"Conforms: {checked}."
    groups = report.by_focus()
    counts: dict[str, int] = {}
    for result in report.results:
        severity = short(result.severity).removeprefix("sh:")
        counts[severity] = counts.get(severity, 0) + 1
    tally = ", ".join(f"{n} {sev.lower()}{'s' if n > 1 else ''}" for sev, n in sorted(counts.items()))
    lines = [
        f"Does not conform: {len(report.results)} results ({tally}) on {len(groups)} focus nodes; {checked}.",
    ]
    for focus, results in groups.items():
        first = results[0]
        head = short(focus)
        if first.focus_label:
            head += f'  "{first.focus_label}"'
        head += "  (" + (", ".join(first.files) if first.files else "file unknown") + ")"
        lines += ["", head]
        for r in results:
            severity = short(r.severity).removeprefix("sh:")
            where = short(r.path) if r.path else "(node)"
            lines.append(f"  {severity} [{_component_name(r.component)}] {where}: {r.message}")
            detail = f"shape {short(r.source_shape)}"
            if r.value is not None:
                detail = f"value {_short_value(r.value)}; " + detail
            lines.append(f"      {detail}")
    return "\n".join(lines)


__all__ = [
    "FORMATS",
    "SHAPES",
    "ValidationReport",
    "ValidationResult",
    "check",
    "closure_types",
    "data_graph",
    "load_shapes",
    "render",
    "shape_classes",
    "validate",
]
