"""What a figure, date or funding is about (kg/ingest/pipeline/attach.py), the dateline, relative dates, the rules
kept as data (kg/ingest/patterns/*.json) and `kg ingest DIR -o REVIEWS/` (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import missing

from kg.cli.main import cli
from kg.engine.graph import open_graph
from kg.ingest.extract import Extractor, find_dates
from kg.ingest.known import Known
from kg.ingest.pipeline import patterns
from kg.ingest.pipeline.dateline import find_dateline
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD
from kg.shared.paths import layout

DOC = EKD + "doc-999"


@pytest.fixture(scope="module")
def known() -> Known:
    return Known(open_graph(layout(None), reasoning="none"))


@pytest.fixture(scope="module")
def parse():
    from kg.ingest.pipeline import parse as stage

    if not stage.available():
        missing("the French model is not installed (scripts/install-model.sh)")
    return stage.parse


def rows(text: str, known: Known, parse, kinds: tuple[str, ...] = ("figure", "date", "funding")) -> list:
    return [c for c in Extractor(text, known, DOC, parse=parse).run() if c.kind in kinds]


def by_value(cands: list) -> dict[str, object]:
    return {c.as_written: c for c in cands}


@pytest.mark.model
def test_values_go_to_the_subject_apposition_or_anaphor(known: Known, parse) -> None:
    text = ("La start-up Quorvel, fondée en 2016 par Maëlle Ferrand, a levé 9 millions d'euros auprès du fonds "
            "Brisant Capital.\n"
            "L'entreprise emploie 35 salariés à Rennes, près de l'Université de Rennes.\n"
            "Le supercalculateur Astrée, hébergé par l'Université de Lorvaux, affiche une puissance de 40 pétaflops.\n")
    got = by_value(rows(text, known, parse))
    raised = got["9 millions d'euros"]  # the subject of « a levé » receives it from the fund: a funding row
    assert (raised.kind, raised.subject, raised.object) == ("funding", "ekd:quorvel", "ekd:brisant-capital")
    assert got["en 2016"].subject == "ekd:quorvel" and got["en 2016"].predicate == "ekg:startDate"
    assert "founding" in got["en 2016"].note
    staff = got["35 salariés"]
    assert staff.subject == "ekd:quorvel" and staff.predicate == "ekd:measure-headcount"
    assert staff.note.startswith("reading:")  # « L'entreprise » is not a name: the row says it was read
    power = got["40 pétaflops"]
    assert power.subject == "ekd:astree" and power.predicate == "ekd:measure-computing-power"
    funding = [c for c in rows(text, known, parse, ("funding",))]
    assert [(f.subject, f.object, f.value) for f in funding] == [("ekd:quorvel", "ekd:brisant-capital", "9000000")]


@pytest.mark.model
def test_a_funding_amount_is_the_recipients_never_the_funders(known: Known, parse) -> None:
    text = "Le projet Hirondelle est financé à hauteur de 4 millions d'euros par la Fondation Merlane.\n"
    got = rows(text, known, parse)
    assert not any(c.kind == "figure" for c in got)  # the amount is the funding's, in its row: no budget of F
    funding = next(c for c in got if c.kind == "funding")
    assert (funding.subject, funding.object, funding.value, funding.unit) == (
        "ekd:hirondelle", "ekd:fondation-merlane", "4000000", "ekd:unit-euro")


@pytest.mark.model
def test_an_unsure_value_is_proposed_without_a_subject_and_says_so(known: Known, parse) -> None:
    text = ("La société Vantelle et l'institut Morvan signent un accord.\n"
            "Un plan régional de 30 millions d'euros a été évoqué par les deux partenaires.\n")
    figure = next(c for c in rows(text, known, parse) if c.kind == "figure")
    assert figure.subject == "" and figure.note.startswith("not attached")


@pytest.mark.model
def test_the_dateline_dates_the_document(known: Known, parse) -> None:
    text = "Brest, le 4 avril 2025 – La start-up Quillane ouvre un bureau.\nElle a été créée l'an dernier.\n"
    got = rows(text, known, parse, ("date",))
    line = next(c for c in got if c.predicate == "dcterms:date")
    assert (line.subject, line.value, line.datatype) == ("ekd:doc-999", "2025-04-04", "xsd:date")
    assert not any(c.subject == "ekd:quillane" and c.value == "2025-04-04" for c in got)
    relative = next(c for c in got if c.as_written == "l'an dernier")
    assert (relative.subject, relative.datatype, relative.value) == ("ekd:quillane", "ekg:notStated", "")


def test_datelines_and_relative_dates_are_read() -> None:
    assert find_dateline("Paris, le 3 mars 2025 – Le laboratoire")["value"] == "2025-03-03"
    assert find_dateline("Issy-les-Moulineaux, le 26 février – Dans une démarche")["value"] == "--02-26"
    assert find_dateline("Le 3 mars 2025, X signe") is None
    assert find_dateline("Depuis 2025, la fondation") is None
    written = [d["as_written"] for d in find_dates("L'année dernière, puis l’an passé, et en mars dernier.")]
    assert written == ["L'année dernière", "l’an passé", "mars dernier"]


def test_pattern_files_load_and_a_bad_one_is_one_clear_error(tmp_path: Path) -> None:
    files = patterns.load_all()
    assert {"measures.json", "anaphora.json"} <= set(files)
    bad = tmp_path / "measures.json"
    bad.write_text(json.dumps({"format": "spacy-matcher", "entries": [
        {"measure": "effectif", "units": ["personne"], "patterns": [[{"LOWR": "salarié"}]]}]}), encoding="utf-8")
    with pytest.raises(InputError, match=r"pattern file .*measures.json, entry 1: spaCy refuses a pattern"):
        patterns.compile_file(bad, ("measure", "units"))
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"pattern file .*measures.json: not JSON \(line 1"):
        patterns.compile_file(bad)
    bad.write_text(json.dumps({"format": "spacy-matcher", "entries": [{"patterns": [[{"LOWER": "x"}]]}]}),
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"entry 1: lacks 'measure', 'units'"):
        patterns.compile_file(bad, ("measure", "units"))


@pytest.mark.model
def test_a_folder_gives_one_review_per_text(parse, tmp_path: Path) -> None:
    texts = tmp_path / "in"
    texts.mkdir()
    (texts / "a.txt").write_text("La start-up Quorvel emploie 12 salariés.\n", encoding="utf-8")
    (texts / "b.txt").write_text("Le laboratoire Tressan compte 40 chercheurs.\n", encoding="utf-8")
    (texts / "notes.md").write_text("pas un texte à lire\n", encoding="utf-8")
    out = tmp_path / "reviews"
    result = CliRunner().invoke(cli, ["ingest", str(texts), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["a.review.tsv", "b.review.tsv"]
    documents = {line.split(": ", 1)[1] for p in out.iterdir() for line in p.read_text(encoding="utf-8").splitlines()
                 if line.startswith("# document: ")}
    assert documents == {"a.txt", "b.txt"}  # each review names its own text
    assert "ekd:quorvel" in (out / "a.review.tsv").read_text(encoding="utf-8")
    assert "2 review files" in result.output


def test_a_folder_needs_an_output_folder(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Texte.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path)])
    assert result.exit_code == 2 and result.output.startswith("Error: ") and "-o REVIEWS/" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["ingest", str(empty), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no .txt file" in result.output


@pytest.mark.model
def test_accepted_dateline_and_funding_amount_are_written(parse, tmp_path: Path) -> None:
    import shutil

    root = Path(__file__).resolve().parent.parent
    for part in ("data", "ontology"):
        shutil.copytree(root / part, tmp_path / part)
    source = tmp_path / "t.txt"
    source.write_text("Texte fictif de test.\nBrest, le 4 avril 2025 – Le projet Hirondelle est financé à hauteur "
                      "de 4 millions d'euros par la Fondation Merlane.\n", encoding="utf-8")
    review = tmp_path / "r.tsv"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(source), "--data", str(tmp_path), "-o", str(review)]).exit_code == 0
    lines = review.read_text(encoding="utf-8").splitlines()
    wanted = ("entity", "date", "funding")
    review.write_text("\n".join(("x" + line) if line.split("\t")[2:3] and line.split("\t")[2] in wanted else line
                                for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["accept", str(review), "--data", str(tmp_path), "--sources", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    turtle = next((tmp_path / "data").glob("doc-*.ttl")).read_text(encoding="utf-8")
    assert 'dcterms:date "2025-04-04"^^xsd:date' in turtle  # the dateline: the document's date
    assert "ekg:fundingAmount" in turtle and 'ekg:value "4000000"^^xsd:decimal' in turtle
