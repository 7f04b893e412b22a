"""kg diff: a fixture pair gives exactly the expected changes; identical inputs give none; folders, git
revisions and release folders are all accepted; bad input is one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli
from kg.publish import diff

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diff"
OLD, NEW = str(FIXTURES / "old"), str(FIXTURES / "new")
REPO = Path(__file__).resolve().parent.parent


def change(prop: str, value: str, **extra: str) -> dict[str, str]:
    return {"property": prop, "value": value, **extra}


EXPECTED = [
    {"entity": "ekd:figure-lab-headcount", "label": "Lab headcount", "status": "changed",
     "changed": [change("ekg:date", '"2024-01-01"^^xsd:date', old='"2023-01-01"^^xsd:date', kind="date"),
                 change("ekg:value", '"42"^^xsd:integer', old='"40"^^xsd:integer', kind="figure")],
     "sources_added": [change("ekg:quote", '"42 personnes"@fr')],
     "sources_removed": [change("ekg:quote", '"40 personnes"@fr')]},
    {"entity": "ekd:gone", "label": "Gone", "status": "removed",
     "removed": [change("rdf:type", "ekg:Organisation (organisation)"), change("rdfs:label", '"Disparue"@fr'),
                 change("rdfs:label", '"Gone"@en')],
     "sources_removed": [change("ekg:mentionedIn", "ekd:doc-1 (document 1)")]},
    {"entity": "ekd:lab", "label": "Laboratory", "status": "changed",
     "added": [change("ekg:supervisedBy", "ekd:other (Other body)")],
     "changed": [change("rdfs:label", '"Laboratory"@en', old='"Lab"@en', kind="value")],
     "sources_added": [
         change("ekg:mentionedIn", "ekd:doc-2 (document 2)"),
         change("ekg:supervisedBy", "ekd:other (Other body)", document="ekd:doc-2 (document 2)",
                quote="et de l’Autre"),
         change("ekg:supervisedBy", "ekd:parent (Parent body)", document="ekd:doc-2 (document 2)",
                quote="la Tutelle du Labo")]},
    {"entity": "ekd:other", "label": "Other body", "status": "added",
     "added": [change("rdf:type", "ekg:Organisation (organisation)"), change("rdfs:label", '"Autre"@fr'),
               change("rdfs:label", '"Other body"@en')],
     "sources_added": [change("ekg:mentionedIn", "ekd:doc-2 (document 2)")]},
]


def test_fixture_pair_gives_exactly_the_expected_changes():
    result = CliRunner().invoke(cli, ["diff", OLD, NEW, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entities"] == EXPECTED
    # 3 on ekd:lab, 4 for ekd:other, 7 for each of two attestations, 3 on the figure; 1 + 4 + 3 removed
    assert data["summary"] == {"triples_added": 24, "triples_removed": 8, "entities": 4}


def test_reverse_diff_mirrors():
    forward = diff.diff_versions(OLD, NEW)
    backward = diff.diff_versions(NEW, OLD)
    assert (backward.added, backward.removed) == (forward.removed, forward.added)
    status = {e.entity: e.status for e in backward.entities}
    assert status["ekd:gone"] == "added" and status["ekd:other"] == "removed"


def test_text_and_markdown():
    runner = CliRunner()
    text = runner.invoke(cli, ["diff", OLD, NEW]).stdout
    assert "ekd:lab  Laboratory  [changed]" in text
    assert '  ~ ekg:value "40"^^xsd:integer -> "42"^^xsd:integer (figure)' in text
    assert '  + source ekd:doc-2 (document 2) "et de l’Autre" for ekg:supervisedBy ekd:other (Other body)' in text
    md = runner.invoke(cli, ["diff", OLD, NEW, "--format", "markdown", "--lang", "fr"]).stdout
    assert "### Labo (`ekd:lab`): changed" in md
    assert "- date changed: `ekg:date`" in md


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_identical_inputs_give_an_empty_diff(fmt):
    result = CliRunner().invoke(cli, ["diff", OLD, OLD, "--format", fmt, "--exit-code"])
    assert result.exit_code == 0
    if fmt == "json":
        assert json.loads(result.stdout)["entities"] == []
    else:
        assert result.stdout.startswith("No changes between")


def test_exit_code_flag():
    assert CliRunner().invoke(cli, ["diff", OLD, NEW, "--exit-code"]).exit_code == 1


def test_git_revisions_and_folders(tmp_path):
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", "HEAD", "HEAD", "--repo", str(REPO), "--exit-code"])
    assert result.exit_code == 0, result.output
    # the blank-node lists of property chains differ in labels from one parse to the next, not in content
    folder = tmp_path / "graph"
    shutil.copytree(REPO / "ontology", folder / "ontology")
    shutil.copytree(REPO / "data", folder / "data")
    assert runner.invoke(cli, ["diff", str(folder), str(folder)]).stdout.startswith("No changes")


def test_bad_input_is_one_line():
    result = CliRunner().invoke(cli, ["diff", "no-such-thing-xyz", NEW])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: no-such-thing-xyz: not a folder")
    assert "Traceback" not in result.output


def test_parse_error_names_the_file(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "broken.ttl").write_text("@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .\n"
                                                   "ekd:a ekd:b .\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", OLD, str(tmp_path)])
    assert result.exit_code == 2
    assert "broken.ttl:2:" in result.stderr
