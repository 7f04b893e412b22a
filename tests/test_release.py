"""kg release: byte-identical builds, verified checksums, a description whose counts are recomputed from the
dumps and equal `kg stats`, our own shapes with a failing case per required property, one version number,
the --quotes none variant, CHANGES.md from --previous, and refusals."""

from __future__ import annotations

import gzip
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import tomllib
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

import kg
from kg.cli.main import cli
from kg.publish import release
from kg.shared.namespaces import EKD, EKG, GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, ONTOLOGY_IRI

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1764547200"  # 2025-12-01T00:00:00Z
DIFF_FIXTURES = REPO / "tests" / "fixtures" / "diff"
REPORT_FIXTURES = REPO / "tests" / "fixtures" / "report"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


HAVE_DOT = shutil.which("dot") is not None  # the diagrams need Graphviz (tests/test_diagrams.py tests them)


def build(outdir: Path, *args: str) -> None:
    extra = [] if HAVE_DOT else ["--no-diagrams"]
    result = CliRunner().invoke(cli, ["release", str(outdir), *args, *extra], env={"SOURCE_DATE_EPOCH": EPOCH})
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> tuple[Path, Path]:
    """The project graph released twice, into two folders."""
    base = tmp_path_factory.mktemp("release")
    build(base / "a")
    build(base / "b", "--no-cache")
    return base / "a", base / "b"


@pytest.fixture(scope="module")
def described(releases) -> rdflib.Graph:
    return rdflib.Graph().parse(releases[0] / "dataset.ttl", format="turtle")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_release_built_twice_is_byte_identical(releases):
    a, b = files_of(releases[0]), files_of(releases[1])
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], name


def test_release_files(releases):
    names = set(files_of(releases[0]))
    for stem in ("ecosystem-kg.ttl", "ecosystem-kg.jsonld", "ecosystem-kg.nq", "ecosystem-kg.trig"):
        assert {stem, stem + ".gz"} <= names
    assert {"dataset.ttl", "SHA256SUMS", "CHANGES.md", "README.md", "LICENSE.txt", "report.tsv", "report.html",
            "context.jsonld", "shapes/release.ttl", "shapes/shapes.ttl", "docs/ontology.html",
            "docs/ontology.fr.html"} <= names
    if HAVE_DOT:
        assert {"docs/diagrams/class-hierarchy.svg", "docs/diagrams/object-properties.svg",
                "docs/diagrams/instances.svg"} <= names
    assert (releases[0] / "CHANGES.md").read_text().endswith("First release: no previous release to compare with.\n")
    listed = set(re.findall(r"^- `([^`]+)`", (releases[0] / "README.md").read_text(encoding="utf-8"), re.M))
    assert listed == names


def test_gzip_members_have_mtime_zero_and_the_same_content(releases):
    for gz in releases[0].glob("*.gz"):
        raw = gz.read_bytes()
        assert raw[4:8] == b"\0\0\0\0", gz.name  # MTIME field
        assert not raw[3] & 0x08, gz.name  # FNAME flag: no file name stored
        assert gzip.decompress(raw) == gz.with_suffix("").read_bytes()


def test_every_checksum_verifies(releases, described):
    folder = releases[0]
    rows = described.query("""
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX spdx: <http://spdx.org/rdf/terms#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?title ?size ?sum ?media WHERE {
          ?d a dcat:Distribution ; dcterms:title ?title ; dcat:byteSize ?size ; dcat:mediaType ?media ;
             spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?sum ] }""")
    seen = set()
    for title, size, checksum, media in rows:
        data = (folder / str(title)).read_bytes()
        assert hashlib.sha256(data).hexdigest() == str(checksum), title
        assert len(data) == int(size), title
        assert str(media).startswith("https://www.iana.org/assignments/media-types/")
        seen.add(str(title))
    assert seen == set(files_of(folder)) - {"dataset.ttl", "SHA256SUMS"}
    done = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=folder, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(done.stdout.splitlines()) == len(files_of(folder)) - 1


def _count(graph: rdflib.Graph, subject: str, prop: str) -> int:
    values = list(graph.objects(rdflib.URIRef(subject), rdflib.URIRef("http://rdfs.org/ns/void#" + prop)))
    assert len(values) == 1, (subject, prop)
    return int(values[0])


def recount(nq: Path) -> dict[str, object]:
    """The statistics again, straight from the N-Quads dump (pyoxigraph quads, no code shared with kg)."""
    by_graph: dict[str, set] = {}
    for quad in ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(quad.graph_name.value, set()).add((quad.subject, quad.predicate, quad.object))
    asserted = by_graph[GRAPH_ONTOLOGY] | by_graph[GRAPH_DATA]
    everything = asserted | by_graph.get(GRAPH_INFERRED, set())
    facts = {ox.NamedNode(EKG + "SourcedFact")}
    changed = True
    while changed:
        new = {s for s, p, o in everything if p.value == SUBCLASS and o in facts} - facts
        facts |= new
        changed = bool(new)
    typed = {s for s, p, _ in everything if p.value == RDF_TYPE and s.value.startswith(EKD)}
    records = {s for s, p, o in everything if p.value == RDF_TYPE and o in facts}
    classes: dict[str, set] = {}
    for s, p, o in by_graph[GRAPH_DATA]:
        if p.value == RDF_TYPE:
            classes.setdefault(o.value, set()).add(s)
    return {
        "graphs": {g: len(t) for g, t in by_graph.items()},
        "asserted": len(asserted),
        "subjects": len({s for s, _, _ in asserted}),
        "objects": len({o for _, _, o in asserted}),
        "entities": len(typed - records),
        "classes": {c: len(m) for c, m in classes.items()},
        "properties": dict(Counter(p.value for _, p, _ in by_graph[GRAPH_DATA])),
    }


def test_description_counts_are_those_of_the_dumps_and_of_kg_stats(releases, described):
    counts = recount(releases[0] / "ecosystem-kg.nq")
    rel = f"https://w3id.org/ecosystem-kg/release/{kg.__version__}"
    assert _count(described, rel, "triples") == counts["asserted"]
    assert _count(described, rel, "distinctSubjects") == counts["subjects"]
    assert _count(described, rel, "distinctObjects") == counts["objects"]
    assert _count(described, rel, "entities") == counts["entities"]
    for graph, n in counts["graphs"].items():
        assert _count(described, f"{rel}#graph-{graph.rsplit('/', 1)[-1]}", "triples") == n
    classes = {str(c): int(n) for c, n in described.query(
        "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?c ?n WHERE { ?d void:classPartition [ void:class ?c ; "
        "void:entities ?n ] }")}
    properties = {str(p): int(n) for p, n in described.query(
        "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?p ?n WHERE { ?d void:propertyPartition [ "
        "void:property ?p ; void:triples ?n ] }")}
    assert classes == counts["classes"]
    assert properties == counts["properties"]
    # ... and they are what `kg stats` says
    stats = json.loads(CliRunner().invoke(cli, ["stats", "--format", "json"]).stdout)
    assert {c["iri"]: c["asserted"] for c in stats["classes"]} == classes
    assert {p["iri"]: p["asserted"] for p in stats["properties"]} == properties
    assert stats["triples"]["ontology"] == counts["graphs"][GRAPH_ONTOLOGY]
    assert stats["triples"]["data"] == counts["graphs"][GRAPH_DATA]
    assert stats["triples"]["asserted"] == counts["asserted"]


def test_description_says_version_licence_date_sources(described):
    q = described.query("""
        PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?d ?v ?issued ?licence WHERE { ?d a dcat:Dataset ; dcat:version ?v ; dcterms:issued ?issued ;
        dcterms:license ?licence }""")
    (d, version, issued, licence), = list(q)
    assert str(d).endswith(f"/release/{kg.__version__}") and str(version) == kg.__version__
    assert str(issued) == "2025-12-01"
    assert str(licence) == "https://creativecommons.org/licenses/by/4.0/"
    sources = {str(s) for s in described.objects(d, rdflib.URIRef("http://purl.org/dc/terms/source"))}
    assert sources == {f"{EKD}doc-00{i}" for i in range(5)}
    titles = {str(t) for t in described.objects(rdflib.URIRef(EKD + "doc-004"),
                                                rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert titles == {"Intelligence artificielle : le CNRS en action !"}


def test_description_conforms_to_our_shapes(releases):
    conforms, text = release.check_description((releases[0] / "dataset.ttl").read_text(encoding="utf-8"))
    assert conforms, text


def required_paths() -> list[str]:
    shapes = rdflib.Graph().parse(release.SHAPES_FILE, format="turtle")
    rows = shapes.query("PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT DISTINCT ?path WHERE { "
                        "?shape sh:path ?path ; sh:minCount ?n FILTER(?n > 0) }")
    return sorted(str(r[0]) for r in rows)


def test_every_required_property_is_tested():
    assert len(required_paths()) >= 20


@pytest.mark.parametrize("path", required_paths())
def test_shapes_fail_without_each_required_property(releases, path):
    graph = rdflib.Graph().parse(releases[0] / "dataset.ttl", format="turtle")
    graph.remove((None, rdflib.URIRef(path), None))
    conforms, text = release.check_description(graph.serialize(format="turtle"))
    assert not conforms
    assert path in text or path.rsplit("#", 1)[-1].rsplit("/", 1)[-1] in text


def test_one_version_number():
    """kg/__init__.py is the only place the version is written: pyproject reads it, the ontology repeats it (a
    release refuses to run if it does not), and the installed package reports it."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "kg/__init__.py"
    assert importlib.metadata.version("ecosystem-kg") == kg.__version__
    onto = (REPO / "ontology" / "ecosystem.ttl").read_text(encoding="utf-8")
    assert f'owl:versionInfo "{kg.__version__}"' in onto
    assert f"owl:versionIRI <{ONTOLOGY_IRI}/{kg.__version__}>" in onto
    assert re.findall(r'owl:versionInfo "([^"]+)"', (REPO / "ontology" / "shapes.ttl").read_text()) == [kg.__version__]


def test_release_refuses_an_ontology_of_another_version(tmp_path):
    root = tmp_path / "graph"
    (root / "ontology").mkdir(parents=True)
    text = (REPO / "ontology" / "ecosystem.ttl").read_text(encoding="utf-8")
    (root / "ontology" / "ecosystem.ttl").write_text(text.replace(f'"{kg.__version__}"', '"9.9.9"'))
    (root / "data").mkdir()
    (root / "data" / "empty.ttl").write_text("")
    result = CliRunner().invoke(cli, ["release", str(tmp_path / "out"), "--data", str(root)])
    assert result.exit_code == 2
    assert "differ from the package version" in result.stderr
    assert not (tmp_path / "out").exists()


def test_quotes_none_variant(tmp_path):
    build(tmp_path / "nq", "--quotes", "none")
    folder = tmp_path / "nq"
    quads = list(ox.parse(path=str(folder / "ecosystem-kg.nq"), format=ox.RdfFormat.N_QUADS))
    assert not [q for q in quads if q.predicate.value in (EKG + "quote", EKG + "quotedText")]
    for name in ("ecosystem-kg.ttl", "ecosystem-kg.nq", "ecosystem-kg.trig", "ecosystem-kg.jsonld"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "Nous éditons des logiciels libres" not in text, name  # the words of a quotation
        assert "En bientôt 25 ans" not in text, name  # ... and of a quotation's label
    ttl = (folder / "ecosystem-kg.ttl").read_text(encoding="utf-8")
    assert "ekg:sentenceIndex" in ttl and "prov:wasDerivedFrom" in ttl
    assert f"/release/{kg.__version__}/no-quotes>" in (folder / "dataset.ttl").read_text(encoding="utf-8")


def test_changes_from_previous_release(tmp_path):
    build(tmp_path / "old", "--data", str(DIFF_FIXTURES / "old"))
    build(tmp_path / "new", "--data", str(DIFF_FIXTURES / "new"), "--previous", str(tmp_path / "old"))
    changes = (tmp_path / "new" / "CHANGES.md").read_text(encoding="utf-8")
    assert changes.startswith(f"# Changes in ecosystem-kg {kg.__version__} (2025-12-01)")
    assert "### Laboratory (`ekd:lab`): changed" in changes
    assert "- figure changed: `ekg:value`" in changes
    # kg diff reads release folders too
    result = CliRunner().invoke(cli, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--format", "json"])
    assert {e["entity"] for e in json.loads(result.stdout)["entities"]} == {
        "ekd:figure-lab-headcount", "ekd:gone", "ekd:lab", "ekd:other"}


def test_release_refuses_errors_and_occupied_folders(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["release", str(tmp_path / "out"), "--data", str(REPORT_FIXTURES / "not-mentioned")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the quality report finds 1 ERROR violation(s)")
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.iterdir())  # no temporary folder left behind
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    result = runner.invoke(cli, ["release", str(tmp_path / "full")])
    assert result.exit_code == 2 and "already exists and is not an empty folder" in result.stderr


def test_date_defaults_to_the_last_commit(monkeypatch):
    from kg.shared.paths import layout

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    done = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    assert release.release_epoch(layout()) == int(done.stdout)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert release.release_epoch(layout()) == 1700000000


def test_bad_source_date_epoch_is_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["release", str(tmp_path / "out"), "--no-diagrams"],
                                env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2
    assert result.stderr == "Error: SOURCE_DATE_EPOCH='yesterday': not a number of seconds\n"
