"""The machine-readable description of a release, in VoID and DCAT 3: the dataset with its version, licence,
creators, date and sources, its statistics, and one dcat:Distribution per file with its size and SHA-256.

Statistics are counted from the very lines written to the dumps (kg.publish.export.export_lines), so they
describe the files, not the store. Definitions (also written into the description as rdfs:comment):
- triples: distinct triples of a named graph (ontology, data, inferred) or of the asserted graph (ontology + data);
- entities: typed ekd: subjects that are not provenance records (instances of ekg:SourcedFact or of one of its
  subclasses, as the closure says: attestations, roles, figures, fundings, ... quotations);
- distinct subjects and objects: of the graph described;
- class and property partitions: of the data graph, counted as `kg stats` counts them (instances per class:
  distinct subjects with that asserted rdf:type; triples per property).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.output.rdf import Line, _split, canonical_lines, context, triple_lines, turtle_chunks
from kg.shared.namespaces import (
    BASE,
    EKD,
    EKG,
    GRAPH_DATA,
    GRAPH_INFERRED,
    GRAPH_ONTOLOGY,
    ONTOLOGY_IRI,
    OWL,
    RDF,
    RDFS,
    XSD,
    shorten,
)

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
SD = "http://www.w3.org/ns/sparql-service-description#"
IANA = "https://www.iana.org/assignments/media-types/"

DATASET_IRI = BASE + "dataset"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
CREATORS = BASE + "contributors"
PREFIXES = dict(sorted({**context(), "dcat": DCAT, "sd": SD, "spdx": SPDX, "void": VOID}.items()))

_TYPE_NT = f"<{RDF}type>"
_NOT_DATA = (ONTOLOGY_IRI, RDF, RDFS, OWL, XSD)  # the subjects kg stats leaves out


@dataclass
class GraphStats:
    triples: int = 0
    subjects: int = 0
    objects: int = 0


@dataclass
class Statistics:
    graphs: dict[str, GraphStats] = field(default_factory=dict)  # by named graph IRI
    asserted: GraphStats = field(default_factory=GraphStats)
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # data graph: class IRI -> instances
    properties: dict[str, int] = field(default_factory=dict)  # data graph: property IRI -> triples


def _graph_stats(lines: Iterable[Line]) -> GraphStats:
    lines = set(lines)
    subjects, objects = set(), set()
    for line in lines:
        s, _, o = _split(line)
        subjects.add(s)
        objects.add(o)
    return GraphStats(len(lines), len(subjects), len(objects))


def statistics(parts: dict[str, set[Line]]) -> Statistics:
    """Counts of the lines of each named graph (GRAPH_ONTOLOGY, GRAPH_DATA and, if present, GRAPH_INFERRED)."""
    stats = Statistics()
    for name in sorted(parts):
        stats.graphs[name] = _graph_stats(parts[name])
    asserted = parts.get(GRAPH_ONTOLOGY, set()) | parts.get(GRAPH_DATA, set())
    stats.asserted = _graph_stats(asserted)
    everything = asserted | parts.get(GRAPH_INFERRED, set())
    typed: set[str] = set()
    records: set[str] = set()
    fact_classes = _subclasses(everything, f"<{EKG}SourcedFact>")
    for line in everything:
        s, p, o = _split(line)
        if p == _TYPE_NT and s.startswith(f"<{EKD}"):
            typed.add(s)
            if o in fact_classes:
                records.add(s)
    stats.entities = len(typed - records)
    classes: dict[str, set[str]] = {}
    properties: Counter[str] = Counter()
    for line in parts.get(GRAPH_DATA, set()):
        s, p, o = _split(line)
        if not s.startswith("_:") and s[1:].startswith(_NOT_DATA):
            continue
        properties[p[1:-1]] += 1
        if p == _TYPE_NT and o.startswith("<"):
            classes.setdefault(o[1:-1], set()).add(s)
    stats.classes = {c: len(members) for c, members in sorted(classes.items())}
    stats.properties = dict(sorted(properties.items()))
    return stats


def _subclasses(lines: set[Line], top: str) -> set[str]:
    """`top` and every class below it by rdfs:subClassOf (asserted or inferred)."""
    sub = f"<{RDFS}subClassOf>"
    children: dict[str, set[str]] = {}
    for line in lines:
        s, p, o = _split(line)
        if p == sub:
            children.setdefault(o, set()).add(s)
    found, todo = {top}, [top]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@dataclass
class FileInfo:
    name: str
    media_type: str  # e.g. text/turtle
    size: int
    sha256: str
    compressed: bool = False
    title: str = ""


@dataclass
class Source:
    iri: str
    identifier: str
    labels: dict[str, str]  # lang -> label
    title: tuple[str, str] | None = None  # (text, lang)


@dataclass
class ReleaseInfo:
    version: str
    issued: str  # YYYY-MM-DD
    release_iri: str
    quotes: str  # full | none
    ontology_version_iri: str
    previous_iri: str | None = None
    sources: list[Source] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    dumps: list[str] = field(default_factory=list)  # file names of the RDF dumps (void:dataDump)


RIGHTS_EN = ("The graph is published under CC BY 4.0. Quotations (ekg:quote, ekg:quotedText) remain their "
             "publishers' text, cited with their source under the right of short quotation; they are not "
             "covered by the graph's licence.")
RIGHTS_FR = ("Le graphe est publié sous licence CC BY 4.0. Les citations (ekg:quote, ekg:quotedText) restent le "
             "texte de leurs éditeurs, citées avec leur source au titre du droit de courte citation ; la licence "
             "du graphe ne les couvre pas.")


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in text.strip("<>"))


def description_triples(info: ReleaseInfo, stats: Statistics) -> list[ox.Triple]:
    """The VoID + DCAT 3 description as triples (every node an IRI: no blank nodes)."""
    N, L = ox.NamedNode, ox.Literal
    out: list[ox.Triple] = []

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(N(s), N(p), o))

    def count(n: int) -> ox.Literal:
        return L(str(n), datatype=N(XSD + "integer"))

    rel = info.release_iri
    for cls in (DCAT + "Dataset", VOID + "Dataset"):
        add(rel, RDF + "type", N(cls))
    add(rel, DCTERMS + "title", L("ecosystem-kg : graphe de connaissances de l'écosystème français de l'IA ouverte "
                                   "et souveraine", language="fr"))
    add(rel, DCTERMS + "title", L("ecosystem-kg: knowledge graph of the French open and sovereign AI ecosystem",
                                   language="en"))
    variant_en = (" This variant leaves out the quoted words (ekg:quote, ekg:quotedText, quotation labels) and keeps "
                  "the documents and sentence indexes." if info.quotes == "none" else "")
    add(rel, DCTERMS + "description", L(
        "Organisations, laboratories, people, software, AI models, programmes, agreements, events, figures and "
        "quotations of the French open-source and sovereign AI ecosystem, drawn from five French press texts; "
        "every fact is tied to its document, sentence and quote." + variant_en, language="en"))
    add(rel, DCTERMS + "license", N(LICENCE))
    add(rel, DCTERMS + "rights", N(rel + "#rights"))
    add(rel + "#rights", RDF + "type", N(DCTERMS + "RightsStatement"))
    add(rel + "#rights", RDFS + "label", L(RIGHTS_EN, language="en"))
    add(rel + "#rights", RDFS + "label", L(RIGHTS_FR, language="fr"))
    add(rel, DCTERMS + "creator", N(CREATORS))
    add(rel, DCTERMS + "publisher", N(CREATORS))
    add(CREATORS, RDF + "type", N(FOAF + "Agent"))
    add(CREATORS, FOAF + "name", L("ecosystem-kg contributors"))
    add(rel, DCTERMS + "issued", L(info.issued, datatype=N(XSD + "date")))
    add(rel, DCAT + "version", L(info.version))
    add(rel, DCTERMS + "isVersionOf", N(DATASET_IRI))
    if info.previous_iri:
        add(rel, DCAT + "previousVersion", N(info.previous_iri))
    add(rel, DCTERMS + "conformsTo", N(info.ontology_version_iri))
    add(rel, VOID + "vocabulary", N(ONTOLOGY_IRI))
    add(rel, VOID + "uriSpace", L(EKD))
    for lang, text in (("en", "French"), ("fr", "français")):
        add(rel, DCAT + "keyword", L(text, language=lang))
    add(rel, DCTERMS + "language", N("http://id.loc.gov/vocabulary/iso639-1/fr"))
    for source in info.sources:
        add(rel, DCTERMS + "source", N(source.iri))
        add(source.iri, DCTERMS + "identifier", L(source.identifier))
        for lang, label in sorted(source.labels.items()):
            add(source.iri, RDFS + "label", L(label, language=lang))
        if source.title:
            add(source.iri, DCTERMS + "title", L(source.title[0], language=source.title[1] or None))
    # statistics
    add(rel, RDFS + "comment", L(
        "Statistics: void:triples counts distinct triples; void:entities counts typed ekd: nodes that are not "
        "provenance records (instances of ekg:SourcedFact or a subclass); the class and property partitions are "
        "those of the data graph (instances per asserted class, triples per property), as `kg stats` counts "
        "them.", language="en"))
    add(rel, VOID + "triples", count(stats.asserted.triples))
    add(rel, VOID + "distinctSubjects", count(stats.asserted.subjects))
    add(rel, VOID + "distinctObjects", count(stats.asserted.objects))
    add(rel, VOID + "entities", count(stats.entities))
    titles = {GRAPH_ONTOLOGY: "ontology", GRAPH_DATA: "data", GRAPH_INFERRED: "inferred (OWL 2 RL closure)"}
    for graph, gstats in stats.graphs.items():
        node = f"{rel}#graph-{graph.rsplit('/', 1)[-1]}"
        add(rel, VOID + "subset", N(node))
        add(node, RDF + "type", N(VOID + "Dataset"))
        add(node, DCTERMS + "title", L(f"named graph: {titles.get(graph, graph)}", language="en"))
        add(node, SD + "name", N(graph))
        add(node, VOID + "triples", count(gstats.triples))
        add(node, VOID + "distinctSubjects", count(gstats.subjects))
        add(node, VOID + "distinctObjects", count(gstats.objects))
        if graph != GRAPH_DATA:
            continue
        for cls, n in stats.classes.items():
            part = f"{rel}#class-{_safe(shorten(cls))}"
            add(node, VOID + "classPartition", N(part))
            add(part, VOID + "class", N(cls))
            add(part, VOID + "entities", count(n))
        for prop, n in stats.properties.items():
            part = f"{rel}#property-{_safe(shorten(prop))}"
            add(node, VOID + "propertyPartition", N(part))
            add(part, VOID + "property", N(prop))
            add(part, VOID + "triples", count(n))
    # distributions
    for name in info.dumps:
        add(rel, VOID + "dataDump", N(f"{rel}/{name}"))
    for fmt in ("Turtle", "JSON-LD", "N-Quads", "TriG"):  # W3C format IRIs, as VoID recommends
        add(rel, VOID + "feature", N(f"http://www.w3.org/ns/formats/{fmt}"))
    for f in info.files:
        dist = f"{rel}/{f.name}#distribution"
        add(rel, DCAT + "distribution", N(dist))
        add(dist, RDF + "type", N(DCAT + "Distribution"))
        add(dist, DCTERMS + "title", L(f.title or f.name))
        add(dist, DCAT + "downloadURL", N(f"{rel}/{f.name}"))
        add(dist, DCAT + "mediaType", N(IANA + f.media_type))
        if f.compressed:
            add(dist, DCAT + "compressFormat", N(IANA + "application/gzip"))
        add(dist, DCAT + "byteSize", L(str(f.size), datatype=N(XSD + "nonNegativeInteger")))
        add(dist, DCTERMS + "license", N(LICENCE))
        checksum = f"{rel}/{f.name}#sha256"
        add(dist, SPDX + "checksum", N(checksum))
        add(checksum, RDF + "type", N(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", N(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", L(f.sha256, datatype=N(XSD + "hexBinary")))
    return out


def description_turtle(info: ReleaseInfo, stats: Statistics) -> str:
    lines = canonical_lines(triple_lines(description_triples(info, stats)))
    return "".join(turtle_chunks(lines, PREFIXES))
