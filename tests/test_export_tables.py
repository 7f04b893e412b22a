"""`kg export --format datapackage`: one CSV per main class and a Frictionless Data Package that
`frictionless validate` accepts, with labels in both languages, typed values, foreign keys, and the document and
quote of every fact."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli
from kg.publish.tables import MAIN

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dp") / "tables"
    result = CliRunner().invoke(cli, ["export", "--format", "datapackage", "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def read(package: Path, name: str) -> list[dict[str, str]]:
    with (package / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_frictionless_validate_accepts_it(package: Path) -> None:
    assert FRICTIONLESS.exists(), "frictionless is in the test extra"
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", str(package / "datapackage.json")],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["valid"], json.dumps(report.get("tasks", report), indent=1)[:3000]
    assert len(report["tasks"]) == len(MAIN) + 2
    checked = {task["name"]: task["stats"]["rows"] for task in report["tasks"]}
    assert checked["organisations"] > 30 and checked["relations"] > 500


def test_frictionless_catches_a_broken_reference(package: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(package, broken)
    rows = (broken / "roles.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace(",antoine-petit,", ",nobody-at-all,", 1).replace(",adeline-nazarenko,",
                                                                                 ",nobody-at-all,", 1)
    (broken / "roles.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    proc = subprocess.run([str(FRICTIONLESS), "validate", "--json", str(broken / "datapackage.json")],
                          capture_output=True, text=True, timeout=600)
    report = json.loads(proc.stdout)
    assert not report["valid"]
    errors = [e["type"] for task in report["tasks"] for e in task["errors"]]
    assert "foreign-key" in errors


def test_descriptor(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    names = [r["name"] for r in descriptor["resources"]]
    for name in ("organisations", "people", "roles", "products", "programmes", "fundings", "figures", "events",
                 "documents", "quotations"):
        assert name in names
    roles = next(r for r in descriptor["resources"] if r["name"] == "roles")
    assert roles["schema"]["primaryKey"] == ["id"]
    assert {"fields": ["person"], "reference": {"resource": "entities", "fields": ["id"]}} in \
        roles["schema"]["foreignKeys"]
    figures = next(r for r in descriptor["resources"] if r["name"] == "figures")
    types = {f["name"]: f["type"] for f in figures["schema"]["fields"]}
    assert types["value"] == "number" and types["sentence"] == "integer" and types["duration"] == "duration"


def test_rows(package: Path) -> None:
    orgs = {r["id"]: r for r in read(package, "organisations")}
    assert orgs["linagora"]["label_fr"] == "LINAGORA" and orgs["linagora"]["class"] == "SmallOrMediumEnterprise"
    assert orgs["linagora"]["iri"] == "https://w3id.org/ecosystem-kg/id/linagora"
    assert orgs["lix"]["label_en"] and orgs["aissai"]["website"] == "https://aissai.cnrs.fr"
    assert orgs["linagora"]["website"] == ""  # no address printed for it: none guessed
    people = {r["id"] for r in read(package, "people")}
    assert "antoine-petit" in people and "linagora" not in people
    role = next(r for r in read(package, "roles") if r["id"] == "role-antoine-petit-cnrs-000")
    assert (role["person"], role["organisation"], role["title_fr"]) == ("antoine-petit", "cnrs", "PDG du CNRS")
    assert role["document"] == "doc-000" and role["file"].startswith("000_") and role["quote"] and role["sentence"]
    assert role["inferred_date"] == "2024-02-26" and role["date"] == ""
    revenue = next(r for r in read(package, "figures") if r["id"] == "fig-linagora-revenue-2023")
    assert revenue["value"] == "13000000" and revenue["date"] == "2023" and revenue["unit"] == "unit-euro"
    durations = [r["duration"] for r in read(package, "figures") if r["duration"]]
    assert "P6Y" in durations
    relation = next(r for r in read(package, "relations") if r["subject"] == "linagora"
                    and r["property"] == "ekg:foundedBy" and r["object"] == "alexandre-zapolsky")
    assert relation["document"] and relation["quote"] and relation["property_label_en"] == "founded by"
    entities = {r["id"]: r for r in read(package, "entities")}
    assert entities["linagora"]["table"] == "organisations" and entities["unit-euro"]["table"] == ""
    documents = read(package, "documents")
    assert len(documents) == 5 and all(d["file"].endswith(".txt") for d in documents)


def test_rewrites_its_own_folder_only(package: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    again = runner.invoke(cli, ["export", "--format", "datapackage", "-o", str(package)])
    assert again.exit_code == 0, again.output
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me", encoding="utf-8")
    refused = runner.invoke(cli, ["export", "--format", "datapackage", "-o", str(other)])
    assert refused.exit_code == 2 and refused.output.startswith("Error: -o ")
    assert (other / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert runner.invoke(cli, ["export", "--format", "datapackage"]).output.startswith("Error: --format datapackage")
    assert list(tmp_path.glob(".*tmp*")) == []


def test_xlsx_workbook_has_the_same_sheets(package: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "tables.xlsx"
    result = CliRunner().invoke(cli, ["export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target, read_only=True)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert book.sheetnames == [r["name"] for r in descriptor["resources"]]
    for name in ("figures", "roles", "organisations"):
        sheet = list(book[name].iter_rows(values_only=True))
        csv_rows = read(package, name)
        assert list(sheet[0]) == list(csv_rows[0]) and len(sheet) - 1 == len(csv_rows)
    figures = list(book["figures"].iter_rows(values_only=True))
    value = figures[0].index("value")
    revenue = next(r for r in figures[1:] if r[0] == "fig-linagora-revenue-2023")
    assert revenue[value] == 13000000 and isinstance(revenue[value], int | float)
