"""`kg export`, `kg stats`, `kg describe` through click's CliRunner, and a few runs on the project graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli
from kg.shared.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).resolve().parent.parent
ENV = {"KG_QUERIES_DIR": str(MINI / "queries"), "KG_DATA_DIR": None}
DATA = ["--data", str(MINI), "--no-cache"]
HAS_PROJECT_DATA = any((REPO / "data").glob("**/*.ttl"))


def kg(*args: str):
    return CliRunner().invoke(cli, list(args), env=ENV)


def assert_error(result, line: str, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr == f"Error: {line}\n"


# -- export ------------------------------------------------------------
def test_export_stdout_and_file(tmp_path: Path) -> None:
    out = kg("export", *DATA)
    assert out.exit_code == 0
    assert out.stdout.startswith("@prefix dcterms: <http://purl.org/dc/terms/> .\n")
    target = tmp_path / "graph.jsonld"
    written = kg("export", *DATA, "-o", str(target))  # format from the extension
    assert written.exit_code == 0, written.output
    assert "@graph" in json.loads(target.read_text(encoding="utf-8"))
    assert kg("export", *DATA, "-o", str(target)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.jsonld"]


def test_export_trig_named_graphs_and_inferred() -> None:
    plain = kg("export", *DATA, "--format", "trig").stdout
    assert f"GRAPH <{GRAPH_ONTOLOGY}> {{" in plain and f"GRAPH <{GRAPH_DATA}> {{" in plain
    assert "graph/inferred" not in plain
    closed = kg("export", *DATA, "--format", "nq", "--inferred", "--reasoning", "rdfs")
    assert closed.exit_code == 0, closed.output
    assert "<https://w3id.org/ecosystem-kg/graph/inferred> ." in closed.stdout


def test_export_errors(tmp_path: Path) -> None:
    result = kg("export", *DATA, "-o", str(tmp_path / "missing" / "g.ttl"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "no such directory" in result.stderr
    assert kg("export", *DATA, "--format", "yaml").exit_code == 2  # click refuses the choice


# -- stats ------------------------------------------------------------
def test_stats_text_and_json() -> None:
    text = kg("stats", *DATA)
    assert text.exit_code == 0, text.output
    assert "source documents" in text.stdout
    data = json.loads(kg("stats", *DATA, "--format", "json").stdout)
    assert data["documents"] == 1
    assert data["source_files"] == {"ontology": 1, "data": 2}
    assert data["triples"]["asserted"] == data["triples"]["ontology"] + data["triples"]["data"]
    classes = {c["iri"].rsplit("#", 1)[-1]: c["asserted"] for c in data["classes"]}
    assert classes["Laboratory"] == 1 and classes["ResearchUnit"] == 2


def test_stats_with_reasoning_shows_closure() -> None:
    data = json.loads(kg("stats", *DATA, "--reasoning", "rdfs", "--format", "json").stdout)
    units = next(c for c in data["classes"] if c["iri"].endswith("#ResearchUnit"))
    assert units["asserted"] == 2 and units["with_inferred"] == 3  # + the laboratory
    assert data["triples"]["inferred"] > 0


# -- describe ------------------------------------------------------------
def test_describe_by_prefixed_name_and_label() -> None:
    by_name = kg("describe", "ekd:lix", *DATA, "--lang", "fr")
    assert by_name.exit_code == 0, by_name.output
    text = by_name.stdout
    assert text.splitlines()[0] == "Laboratoire d'informatique de l'École polytechnique (ekd:lix)"
    assert "sous la tutelle de" in text and "CNRS" in text
    assert "Accord-cadre entre le CNRS et LINAGORA [001_79be0d28506bdd24.txt]" in text
    assert "« le LIX, laboratoire commun du CNRS et de l'École polytechnique »" in text
    assert kg("describe", "lix", *DATA, "--lang", "fr").stdout == text  # the skos:altLabel, any case
    assert kg("describe", "<https://w3id.org/ecosystem-kg/id/lix>", *DATA, "--lang", "fr").stdout == text


def test_describe_json_separates_inferred() -> None:
    data = json.loads(kg("describe", "ekd:lix", *DATA, "--reasoning", "rdfs", "--format", "json").stdout)
    asserted = {(s["predicate"].rsplit("#", 1)[-1], s["node"]) for s in data["outgoing"]}
    inferred = {(s["predicate"].rsplit("#", 1)[-1], s["node"]) for s in data["inferred_outgoing"]}
    unit = "https://w3id.org/ecosystem-kg/ontology#ResearchUnit"
    assert ("type", unit) in inferred and ("type", unit) not in asserted
    assert all(s["files"] for s in data["outgoing"])
    assert data["sources"][0]["identifier"] == "001_79be0d28506bdd24.txt"


def test_describe_errors() -> None:
    assert_error(kg("describe", "Inria", *DATA),
                 "'Inria' is ambiguous: it labels ekd:inria-lyon, ekd:inria-paris (give one of these)")
    assert_error(kg("describe", "Polytechnik", *DATA),
                 "no entity is labelled 'Polytechnik'; closest labels: 'École polytechnique'")
    assert_error(kg("describe", "ekd:nobody", *DATA), "nothing in the graph is about ekd:nobody")
    assert_error(kg("describe", "zz:top", *DATA), "no entity is labelled 'zz:top'")


def test_help_has_examples() -> None:
    for command in ("export", "stats", "describe"):
        result = kg(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and f"kg {command}" in result.stdout


# -- the project graph, once it has data ------------------------------------------------------------
@pytest.mark.skipif(not HAS_PROJECT_DATA, reason="the project graph has no data yet")
def test_project_stats_and_export() -> None:
    runner = CliRunner()
    env = {"KG_DATA_DIR": None, "KG_QUERIES_DIR": None}
    stats = runner.invoke(cli, ["stats", "--format", "json", "--no-cache"], env=env)
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["documents"] >= 1
    first = runner.invoke(cli, ["export", "--format", "jsonld", "--no-cache"], env=env).stdout
    second = runner.invoke(cli, ["export", "--format", "jsonld", "--no-cache"], env=env).stdout
    assert first == second and json.loads(first)["@graph"]


@pytest.mark.skipif(not HAS_PROJECT_DATA or not any((REPO / "queries").glob("*.rq")),
                    reason="the project graph has no data or no named queries yet")
def test_project_queries_without_parameters_run() -> None:
    from kg.query.catalog import load_catalog

    runner = CliRunner()
    env = {"KG_DATA_DIR": None, "KG_QUERIES_DIR": None}
    for name, query in load_catalog(REPO / "queries").items():
        if any(p.required for p in query.params):
            continue
        fmt = "jsonld" if query.form in ("construct", "describe") else "json"
        result = runner.invoke(cli, ["query", name, "--format", fmt, "--no-cache"], env=env)
        assert result.exit_code in (0, 1), f"{name}: {result.output}"


@pytest.mark.skipif(not HAS_PROJECT_DATA, reason="needs the project data")
def test_describe_keeps_attestations_out_of_referred_to_by(project_graphs) -> None:
    """For every entity of the project graph: no attestation (a reified triple naming the entity through
    rdf:subject / rdf:object) is listed as referring to it, and every one is in Sources instead."""
    from kg.inspection.describe import describe
    from kg.shared.namespaces import EKG

    kgraph = project_graphs("owlrl")
    attestation = f"<{EKG}Attestation>"
    entities = [r[0] for r in kgraph.query(f"SELECT DISTINCT ?e WHERE {{ ?e <{EKG}mentionedIn> ?d }}").rows]
    pointing = {}
    for a, o in kgraph.query(f"SELECT ?a ?o WHERE {{ ?a a {attestation} ; ?p ?o FILTER isIRI(?o) }}").rows:
        pointing.setdefault(o, set()).add(a)
    assert len(entities) > 100 and pointing
    bad = []
    for entity in entities:
        desc = describe(kgraph, entity)
        listed = {s.node for s in desc.incoming + desc.inferred_incoming}
        if listed & pointing.get(entity, set()):
            bad.append(f"{entity.value}: {sorted(a.value for a in listed & pointing[entity])[:3]}")
        missing = pointing.get(entity, set()) - {src.fact for src in desc.sources}
        if missing:
            bad.append(f"{entity.value}: attestations missing from Sources: {sorted(a.value for a in missing)[:3]}")
    assert not bad, "\n".join(bad[:20])
