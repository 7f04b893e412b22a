"""Exports: every format parses back to the same graph, bytes are identical across runs, writes are atomic."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.engine.graph import open_graph
from kg.output import rdf
from kg.publish import export
from kg.shared.namespaces import EKD, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, OWL, PREFIXES, RDFS
from kg.shared.paths import layout

MINI = Path(__file__).parent / "fixtures" / "mini"
RDFLIB_FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt", "xml": "xml"}

# Things that trip serialisers: blank nodes and lists, IRIs that are not valid prefixed names, typed and
# multi-line literals, non-ASCII text.
EXTRA = r'''
@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .
@prefix ekg: <https://w3id.org/ecosystem-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ekd:lix ekg:researchAxis ( ekd:axis-1 ekd:axis-2 ) ;
    ekg:figure [ ekg:value "12.5"^^xsd:decimal ; ekg:valueAsWritten "12,5 M€"@fr ] ,
               [ ekg:value "3"^^xsd:integer ] .
<https://w3id.org/ecosystem-kg/id/a(b)> rdfs:label """deux
lignes "citées" \\ et tab	fin"""@fr .
<https://w3id.org/ecosystem-kg/id/été-2024> rdfs:label "été"@fr ; ekg:date "2024-06-21"^^xsd:date .
<urn:x-local:thing> rdfs:comment "outside every prefix" .
'''


@pytest.fixture(scope="module")
def graph_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("graph")
    shutil.copytree(MINI / "ontology", root / "ontology")
    shutil.copytree(MINI / "data", root / "data")
    (root / "data" / "extra.ttl").write_text(EXTRA, encoding="utf-8")
    return root


def source_graph(root: Path, parts: tuple[str, ...] = ("ontology", "data")):
    import rdflib

    g = rdflib.Graph()
    for part in parts:
        for path in sorted((root / part).glob("*.ttl")):
            g.parse(path, format="turtle")
    return g


def exported(root: Path, fmt: str, *, inferred: bool = False, reasoning: str = "none") -> str:
    kgraph = open_graph(layout(root), reasoning=reasoning, use_cache=False)
    return "".join(export.export(kgraph, fmt, inferred=inferred))


@pytest.mark.parametrize("fmt", sorted(RDFLIB_FORMATS))
def test_round_trip_is_isomorphic(graph_dir: Path, fmt: str) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    text = exported(graph_dir, fmt)
    back = rdflib.Graph().parse(data=text, format=RDFLIB_FORMATS[fmt])
    assert isomorphic(back, source_graph(graph_dir))


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_formats_keep_named_graphs(graph_dir: Path, fmt: str) -> None:
    import rdflib
    from rdflib.compare import isomorphic

    text = exported(graph_dir, fmt)
    ds = rdflib.Dataset()
    ds.parse(data=text, format={"nq": "nquads", "trig": "trig"}[fmt])
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {GRAPH_ONTOLOGY, GRAPH_DATA}
    assert isomorphic(ds.graph(rdflib.URIRef(GRAPH_ONTOLOGY)), source_graph(graph_dir, ("ontology",)))
    assert isomorphic(ds.graph(rdflib.URIRef(GRAPH_DATA)), source_graph(graph_dir, ("data",)))


@pytest.mark.parametrize("fmt", export.EXPORT_FORMATS)
def test_exports_are_byte_identical_across_runs(graph_dir: Path, fmt: str) -> None:
    # two separate loads: blank nodes get fresh random ids each time, the output must not show it
    assert exported(graph_dir, fmt) == exported(graph_dir, fmt)


def test_turtle_layout(graph_dir: Path) -> None:
    text = exported(graph_dir, "turtle")
    prefix_lines = [line for line in text.splitlines() if line.startswith("@prefix")]
    assert prefix_lines == [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    subjects = [block.split(" ", 1)[0] for block in text.split("\n\n")[1:]]
    assert len(subjects) == len(set(subjects))  # one block per subject
    order = [subjects.index(s) for s in ("ekd:cnrs", "ekd:lix", "ekd:polytechnique", "<urn:x-local:thing>")]
    assert order == sorted(order)  # subjects sorted by IRI
    assert all(s.startswith("_:") for s in subjects[subjects.index("<urn:x-local:thing>") + 1:])
    assert "ekd:lix a ekg:Laboratory ;" in text
    assert "<https://w3id.org/ecosystem-kg/id/a(b)>" in text  # not a valid prefixed name: kept whole


def test_jsonld_is_flat_sorted_and_compact(graph_dir: Path) -> None:
    doc = json.loads(exported(graph_dir, "jsonld"))
    shipped = json.loads(rdf.CONTEXT_FILE.read_text(encoding="utf-8"))
    assert doc["@context"] == shipped["@context"]
    ids = [node["@id"] for node in doc["@graph"]]
    assert len(ids) == len(set(ids))  # one node object per subject
    prefixes = doc["@context"]

    def expanded(node_id: str) -> str:  # sort key: the N-Triples form of the expanded @id
        if node_id.startswith("_:"):
            return node_id
        prefix, _, local = node_id.partition(":")
        return f"<{prefixes[prefix]}{local}>" if prefix in prefixes else f"<{node_id}>"

    assert ids == sorted(ids, key=expanded)
    lix = next(node for node in doc["@graph"] if node["@id"] == "ekd:lix")
    assert lix["@type"] == "ekg:Laboratory"
    assert {"@id": "ekd:cnrs"} in lix["ekg:supervisedBy"]


def test_context_matches_namespaces() -> None:
    assert rdf.context() == dict(sorted(PREFIXES.items()))


def test_inferred_export(graph_dir: Path) -> None:
    import rdflib

    plain = rdflib.Graph().parse(data=exported(graph_dir, "nt"), format="nt")
    closure = exported(graph_dir, "nt", inferred=True, reasoning="rdfs")
    closed = rdflib.Graph().parse(data=closure, format="nt")
    lix, unit = rdflib.URIRef(EKD + "lix"), rdflib.URIRef("https://w3id.org/ecosystem-kg/ontology#ResearchUnit")
    assert (lix, rdflib.RDF.type, unit) not in plain
    assert (lix, rdflib.RDF.type, unit) in closed
    assert len(closed) > len(plain)
    for s, p, o in closed:  # no reasoner noise
        assert not str(s).startswith(("http://www.w3.org/1999/02/22-rdf-syntax-ns#", RDFS, OWL))
        assert not (str(p) == OWL + "sameAs" and s == o)

    ds = rdflib.Dataset()
    ds.parse(data=exported(graph_dir, "nq", inferred=True, reasoning="rdfs"), format="nquads")
    inferred = ds.graph(rdflib.URIRef(GRAPH_INFERRED))
    assert (lix, rdflib.RDF.type, unit) in inferred
    assert not set(inferred) & set(ds.graph(rdflib.URIRef(GRAPH_DATA)))


def test_noise_filter() -> None:
    a, b = ox.NamedNode(EKD + "a"), ox.NamedNode(EKD + "b")
    same = ox.NamedNode(OWL + "sameAs")
    assert export.is_noise(ox.Triple(a, same, a))
    assert not export.is_noise(ox.Triple(a, same, b))
    assert export.is_noise(ox.Triple(ox.NamedNode(RDFS + "label"), ox.NamedNode(RDFS + "range"), b))
    assert not export.is_noise(ox.Triple(a, ox.NamedNode(RDFS + "label"), ox.Literal("x")))


def test_write_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    export.write_atomic(["one\n", "two\n"], target)
    assert target.read_text() == "one\ntwo\n"

    def failing():
        yield "half a file"
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        export.write_atomic(failing(), target)
    assert target.read_text() == "one\ntwo\n"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ttl"]  # and no temporary file is left


def test_format_for_path() -> None:
    assert export.format_for_path("g.jsonld") == "jsonld"
    assert export.format_for_path("g.NQ") == "nq"
    assert export.format_for_path("g.txt") is None
    assert export.format_for_path(None) is None
