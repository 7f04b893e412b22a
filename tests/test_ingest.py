"""kg ingest / kg accept (issue 16): reading, the review file, bad input, and a round trip on a copy of the graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import missing

from kg.cli.main import cli
from kg.ingest.reading import decode
from kg.shared.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"


@pytest.fixture
def model() -> None:
    from kg.ingest import ner

    if not ner.available():
        missing("the French model is not installed (scripts/install-model.sh)")


@pytest.fixture
def graph_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    return tmp_path


def test_utf8_is_read_as_is() -> None:
    assert decode("Café".encode(), "f") == ("Café", "utf-8", None)


def test_latin1_and_windows1252_are_detected() -> None:
    text, encoding, note = decode("Le café de l’été".encode("cp1252"), "f.txt")
    assert (text, encoding) == ("Le café de l’été", "windows-1252") and "Windows-1252" in note
    text, encoding, note = decode("Le café est à Paris".encode("latin-1"), "f.txt")
    assert (text, encoding) == ("Le café est à Paris", "latin-1") and "Latin-1" in note


@pytest.mark.parametrize("data, message", [(b"", "the file is empty"), (b"  \n", "the file is empty"),
                                           (b"\x00\x01\x02\x03PK", "not a text file")])
def test_empty_and_binary_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode(data, "f")


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_cli_ingest_bad_input_one_line_exit_2_nothing_written(tmp_path: Path, content: bytes) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(content)
    review = tmp_path / "out.tsv"
    result = CliRunner().invoke(cli, ["ingest", str(source), "-o", str(review)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert not review.exists()


def _accept_all(review: Path) -> None:
    """Mark every complete row accepted (rows whose subject is empty or an unaccepted row stay undecided)."""
    lines, accepted = [], set()
    for line in review.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("decision"):
            lines.append(line)
            continue
        cells = line.split("\t")
        ok = bool(cells[5]) and not (cells[5].startswith("c0") and cells[5] not in accepted)
        if ok and cells[2] in ("figure", "role", "participation") and not all([*cells[6:8], cells[14]] if
                                                                                cells[2] == "participation" else
                                                                                [cells[6]]):
            ok = False
        if ok:
            accepted.add(cells[1])
        lines.append(("accept" if ok else "") + line)
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.model
def test_round_trip_on_a_fixture(model: None, graph_copy: Path, tmp_path: Path) -> None:
    review = tmp_path / "orbivox.tsv"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(FIXTURES / "orbivox.txt"), "--data", str(graph_copy),
                                 "-o", str(review)])
    assert result.exit_code == 0, result.output
    assert not list((ROOT / "data").glob("doc-*.ttl"))  # kg ingest never writes to data/
    text = review.read_text(encoding="utf-8")
    assert "ekd:camille-rouviere" in text and "ekd:orbivox" in text and "ekg:foundedBy" in text
    _accept_all(review)
    sources = tmp_path / "sources"
    result = runner.invoke(cli, ["accept", str(review), "--data", str(graph_copy), "--sources", str(sources),
                                 "--by", "Test Curator"])
    assert result.exit_code == 0, result.output
    written = list((graph_copy / "data").glob("doc-*.ttl"))
    assert len(written) == 1
    turtle = written[0].read_text(encoding="utf-8")
    assert "ekd:curator-test-curator" in turtle and "prov:wasDerivedFrom ekd:doc-005" in turtle
    assert list(sources.glob("005_*.txt"))
    # described with its quote
    result = runner.invoke(cli, ["describe", "ekd:orbivox", "--data", str(graph_copy)])
    assert result.exit_code == 0 and "Orbivox" in result.output
    # the same document again proposes nothing already accepted
    again = tmp_path / "again.tsv"
    result = runner.invoke(cli, ["ingest", str(FIXTURES / "orbivox.txt"), "--data", str(graph_copy), "-o", str(again)])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in again.read_text(encoding="utf-8").splitlines()
            if not line.startswith(("#", "decision"))]
    assert not [r for r in rows if r[2] in ("entity", "mention") and r[5] == "ekd:orbivox"]
    assert not [r for r in rows if r[2] == "relation" and r[5:8] == ["ekd:orbivox", "ekg:foundedBy",
                                                                    "ekd:camille-rouviere"]]


@pytest.mark.model
def test_damaged_rows_are_refused_and_nothing_written(model: None, graph_copy: Path, tmp_path: Path) -> None:
    review = tmp_path / "r.tsv"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(FIXTURES / "helios.txt"), "--data", str(graph_copy),
                               "-o", str(review)]).exit_code == 0
    _accept_all(review)
    good = review.read_text(encoding="utf-8")
    lines = good.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("accept"))
    damaged = {
        "columns": [*lines[:row], lines[row].replace("\t", " ", 1), *lines[row + 1:]],
        "quote": [*lines[:row], "\t".join(c if i != 16 else "une citation inventée"
                                          for i, c in enumerate(lines[row].split("\t"))), *lines[row + 1:]],
        "decision": [*lines[:row], "peut-être" + lines[row][len("accept"):], *lines[row + 1:]],
    }
    for name, content in damaged.items():
        review.write_text("\n".join(content) + "\n", encoding="utf-8")
        result = runner.invoke(cli, ["accept", str(review), "--data", str(graph_copy),
                                     "--sources", str(tmp_path / "s")])
        assert result.exit_code == 2, (name, result.output)
        assert result.output.count("\n") == 1 and result.output.startswith("Error: "), name
        assert not list((graph_copy / "data").glob("doc-*.ttl")), name
        assert not (tmp_path / "s").exists(), name


@pytest.mark.model
def test_text_without_entities_gives_an_empty_review(model: None, graph_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "plain.txt"
    source.write_text("il pleut depuis ce matin et rien ne bouge.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(source), "--data", str(graph_copy)])
    assert result.exit_code == 0
    rows = [line for line in result.stdout.splitlines() if not line.startswith(("#", "decision"))]
    assert rows == []


@pytest.mark.model
def test_latin1_file_is_ingested_with_a_note(model: None, graph_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "latin.txt"
    source.write_bytes("La société Orbis Data s’installe à Bruxelles.\n".encode("cp1252"))
    result = CliRunner().invoke(cli, ["ingest", str(source), "--data", str(graph_copy)])
    assert result.exit_code == 0
    assert "read as Windows-1252" in result.stderr


@pytest.mark.model
def test_known_fact_gets_a_new_attestation_and_a_contradicting_figure_is_flagged(
        model: None, graph_copy: Path, tmp_path: Path) -> None:
    source = tmp_path / "restates.txt"
    source.write_text("Texte fictif de test.\nLINAGORA utilise le supercalculateur Jean Zay.\n"
                      "Avec trois cents collaborateurs, LINAGORA grandit.\n", encoding="utf-8")
    review = tmp_path / "r.tsv"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(source), "--data", str(graph_copy), "-o", str(review)]).exit_code == 0
    rows = {(*line.split("\t")[2:4], line.split("\t")[5]): line.split("\t")
            for line in review.read_text(encoding="utf-8").splitlines() if not line.startswith(("#", "decision"))}
    assert ("relation", "known", "ekd:linagora") in rows  # the graph has it from document 001
    conflict = rows[("figure", "conflict", "ekd:linagora")]
    assert conflict[8] == "300" and "200" in conflict[15]
    _accept_all(review)
    result = runner.invoke(cli, ["accept", str(review), "--data", str(graph_copy), "--sources", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    turtle = next((graph_copy / "data").glob("doc-*.ttl")).read_text(encoding="utf-8")
    assert "ekd:att-linagora-uses-jean-zay-005" in turtle and "rdf:predicate ekg:uses" in turtle
    assert "Conflit signalé à l’ingestion : the graph has 200" in turtle  # written, flagged, never dropped
    assert "ekg:value 300 ;" in turtle  # a count is an xsd:integer, as in data/figures.ttl


@pytest.mark.model
def test_an_iri_clash_is_refused(model: None, graph_copy: Path, tmp_path: Path) -> None:
    review = tmp_path / "r.tsv"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(FIXTURES / "agora.txt"), "--data", str(graph_copy),
                               "-o", str(review)]).exit_code == 0
    _accept_all(review)
    text = review.read_text(encoding="utf-8").replace("\tekd:bruxelles\t", "\tekd:cnrs\t", 1)
    review.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["accept", str(review), "--data", str(graph_copy), "--sources", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "ekd:cnrs already names something in the graph (IRI clash)" in result.output
    assert not list((graph_copy / "data").glob("doc-*.ttl"))


def test_missing_model_is_one_line_saying_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from kg.ingest import ner

    ner._pipeline.cache_clear()
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    source = tmp_path / "t.txt"
    source.write_text("La société Orbis Data est à Bruxelles.\n", encoding="utf-8")
    try:
        result = CliRunner().invoke(cli, ["ingest", str(source)])
    finally:
        ner._pipeline.cache_clear()
    assert result.exit_code == 2
    assert result.output == ("Error: the French language model is missing: install it with "
                             "`pip install 'ecosystem-kg[ingest]'` (or scripts/install-model.sh)\n")
