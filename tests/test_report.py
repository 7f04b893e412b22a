"""kg report: every check fires on its fixture (tests/fixtures/report/<check>/), the project graph passes at
ERROR (quotes checked against the seeds), and the command's formats, exit codes and user checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from seedtext import SEEDS_DIR, require_seeds

from kg.cli.main import cli
from kg.engine.graph import open_graph
from kg.publish import report as rep
from kg.shared.paths import layout

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "report"

# check name -> (level, the (entity, property) rows its fixture must produce)
EXPECTED = {
    "missing-label-fr": ("ERROR", {("ekd:only-english", "rdfs:label")}),
    "missing-label-en": ("ERROR", {("ekd:only-french", "rdfs:label")}),
    "multiple-labels": ("ERROR", {("ekd:two-names", "rdfs:label")}),
    "ontology-header": ("ERROR", {("<https://w3id.org/ecosystem-kg/ontology>", p) for p in
                                  ("dcterms:license", "dcterms:title", "dcterms:description", "owl:versionInfo",
                                   "owl:versionIRI")}),
    "not-mentioned": ("ERROR", {("ekd:orphan", "ekg:mentionedIn")}),
    "attestation-unasserted": ("ERROR", {("ekd:att-lab-supervisedby-parent-x", "rdf:subject")}),
    "attestation-incomplete": ("ERROR", {("ekd:att-lab-type-x", "rdf:object")}),
    "fact-provenance": ("ERROR", {("ekd:figure-bare", p) for p in
                                  ("ekg:quote", "prov:wasDerivedFrom", "ekg:sentenceIndex")}),
    "quote-not-verbatim": ("ERROR", {("ekd:quote-invented", "ekg:quote")}),
    "undeclared-term": ("ERROR", {("ekg:Laboratoy", "rdf:type"), ("ekg:supervisedBi", "rdf:Property"),
                                  ("<http://example.org/vocab#colour>", "rdf:Property")}),
    "duplicate-label": ("WARN", {("ekd:twin-a", "rdfs:label"), ("ekd:twin-b", "rdfs:label")}),
    "label-whitespace": ("WARN", {("ekd:spaced", "rdfs:label")}),
    "missing-definition-fr": ("WARN", {("ekg:Thing", "skos:definition")}),
    "missing-definition-en": ("WARN", {("ekg:Thing", "skos:definition")}),
    # the fixture's ontology also declares ekg:SourcedFact and ekg:mentionedIn, which its data does not use
    "unused-term": ("INFO", {("ekg:Unused", "owl:Class"), ("ekg:SourcedFact", "owl:Class"),
                             ("ekg:mentionedIn", "owl:ObjectProperty")}),
}


def run_fixture(name: str) -> rep.Report:
    folder = FIXTURES / name
    sources = rep.read_sources(folder / "sources") if (folder / "sources").is_dir() else None
    kgraph = open_graph(layout(folder), reasoning="none", use_cache=False)
    return rep.run_report(kgraph, rep.load_checks(), sources=sources)


def test_every_builtin_check_has_a_fixture():
    names = {c.name for c in rep.load_checks()}
    assert names == set(EXPECTED)
    assert names == {p.name for p in FIXTURES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_fires_on_its_fixture(name):
    level, rows = EXPECTED[name]
    report = run_fixture(name)
    found = {(v.entity, v.property) for v in report.violations if v.check == name}
    assert found == rows
    assert {v.severity for v in report.violations if v.check == name} == {level}
    assert {c.severity for c in report.checks if c.name == name} == {level}


def test_quote_check_keeps_quotes_found_modulo_whitespace():
    report = run_fixture("quote-not-verbatim")
    assert "ekd:quote-real" not in {v.entity for v in report.violations}


def test_quote_check_skipped_without_sources():
    kgraph = open_graph(layout(FIXTURES / "quote-not-verbatim"), reasoning="none", use_cache=False)
    report = rep.run_report(kgraph, rep.load_checks())
    assert "quote-not-verbatim" in report.skipped
    assert not [v for v in report.violations if v.check == "quote-not-verbatim"]


def test_project_graph_passes_at_error():
    """What CI runs: the project graph, quotes checked against the seed documents."""
    require_seeds()
    result = CliRunner().invoke(cli, ["report", "--fail-on", "ERROR", "--sources", str(SEEDS_DIR)])
    assert result.exit_code == 0, result.output
    assert "0 ERROR" in result.output
    assert "skipped" not in result.output


def test_fail_on_levels_and_exit_codes():
    runner = CliRunner()
    folder = str(FIXTURES / "label-whitespace")  # WARN and INFO, no ERROR
    assert runner.invoke(cli, ["report", "--data", folder]).exit_code == 0
    assert runner.invoke(cli, ["report", "--data", folder, "--fail-on", "WARN"]).exit_code == 1
    assert runner.invoke(cli, ["report", "--data", folder, "--fail-on", "INFO"]).exit_code == 1
    assert runner.invoke(cli, ["report", "--data", str(FIXTURES / "not-mentioned"),
                               "--fail-on", "none"]).exit_code == 0
    result = runner.invoke(cli, ["report", "--data", str(FIXTURES / "not-mentioned")])
    assert result.exit_code == 1
    assert "Violations: 1 ERROR" in result.output


def test_formats():
    runner = CliRunner()
    folder = str(FIXTURES / "fact-provenance")
    tsv = runner.invoke(cli, ["report", "--data", folder, "--format", "tsv", "--fail-on", "none"]).stdout
    lines = tsv.splitlines()
    assert lines[0] == "Level\tRule Name\tSubject\tProperty\tValue"
    assert "ERROR\tfact-provenance\tekd:figure-bare\tekg:quote\t(missing)" in lines
    data = json.loads(runner.invoke(cli, ["report", "--data", folder, "--format", "json",
                                          "--fail-on", "none"]).stdout)
    assert data["counts"]["ERROR"] == 3
    assert {"level": "ERROR", "rule": "fact-provenance", "subject": "ekd:figure-bare",
            "property": "ekg:sentenceIndex", "value": "(missing)"} in data["violations"]
    page = runner.invoke(cli, ["report", "--data", folder, "--format", "html", "--fail-on", "none"]).stdout
    assert page.startswith("<!DOCTYPE html>") and "<td>ekd:figure-bare</td>" in page
    assert "http" not in page.split("<body>")[0].replace('charset="utf-8"', "")  # nothing fetched


def test_user_check_folder(tmp_path):
    (tmp_path / "no-companies.rq").write_text(
        "#+ severity: WARN\n#+ summary: Companies are frowned upon here.\n"
        "SELECT ?entity ?property ?value WHERE { ?entity a ekg:Company BIND(rdf:type AS ?property) "
        "BIND(ekg:Company AS ?value) }\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["report", "--checks", str(tmp_path), "--no-builtin", "--format", "tsv",
                                 "--fail-on", "WARN"])
    assert result.exit_code == 1
    assert "WARN\tno-companies\tekd:openai\trdf:type\tekg:Company" in result.stdout


@pytest.mark.parametrize(("text", "message"), [
    ("SELECT ?entity ?property ?value WHERE {}\n", "needs a '#+ severity: ERROR|WARN|INFO' header line"),
    ("#+ severity: FATAL\nSELECT ?entity ?property ?value WHERE {}\n", "(got 'FATAL')"),
    ("#+ severity: INFO\nSELECT ?entity WHERE { ?entity a ekg:Company }\n", "must project ?entity ?property ?value"),
    ("#+ severity: INFO\nSELECT ?entity ?property ?value WHERE {\n", "query does not parse"),
])
def test_bad_user_check_is_one_line_error(tmp_path, text, message):
    (tmp_path / "bad.rq").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--checks", str(tmp_path), "--no-builtin"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert "bad.rq" in result.stderr
    assert "Traceback" not in result.output


def test_missing_folders_are_input_errors():
    runner = CliRunner()
    assert runner.invoke(cli, ["report", "--checks", "/nonexistent"]).exit_code == 2
    result = runner.invoke(cli, ["report", "--sources", "/nonexistent"])
    assert result.exit_code == 2 and "Error: --sources: /nonexistent: no such directory" in result.stderr
