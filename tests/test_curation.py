"""A graph of one's own that grows safely (issue 23): kg init and discovery, accept and retract, decisions kept,
nothing half-done, nothing lost. Reviews are written by hand (curation_helpers), so no test here needs the model."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from curation_helpers import ROOT, TEXT, new_graph, orbis_rows, row, snapshot, text_file, write_review
from rdflib.compare import isomorphic

from kg.cli.main import cli
from kg.ingest.accept import AcceptError, accept
from kg.ingest.retract import retract
from kg.shared.errors import InputError
from kg.shared.paths import MARKER, locate


def _graph(root: Path) -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((root / "data").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    return new_graph(tmp_path)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    return write_review(tmp_path / "orbis.tsv", text_file(tmp_path), orbis_rows())


# -- 1. where the graph lives ----------------------------------------------------------------------------
def test_init_makes_a_marked_folder_with_a_copy_of_the_graph(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "mine"
    assert {p.name for p in root.iterdir()} >= {MARKER, "ontology", "data", "queries", "sources"}
    marker = (root / MARKER).read_text(encoding="utf-8")
    assert "format = 1" in marker and 'base = "https://w3id.org/ecosystem-kg/id/"' in marker
    assert 'language = "fr"' in marker
    names = sorted(p.name for p in (ROOT / "data").glob("*.ttl"))
    assert sorted(p.name for p in (root / "data").glob("*.ttl")) == names
    again = CliRunner().invoke(cli, ["init", str(root)])
    assert again.exit_code == 2 and again.output.startswith("Error: ") and "not empty" in again.output


def test_init_empty_has_the_ontology_and_vocabularies_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert CliRunner().invoke(cli, ["init", "--empty", str(tmp_path / "e")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "e")
    result = CliRunner().invoke(cli, ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ekg:mentionedIn ?d }",
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["n", "0"]
    units = CliRunner().invoke(cli, ["sparql", "ASK { ekd:unit-euro a ekg:Unit }"])
    assert "true" in units.output


def test_discovery_order_data_then_env_then_nearest_marker_then_packaged(
        tmp_path: Path, graph: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    inner = graph / "sources" / "deep"
    inner.mkdir()
    monkeypatch.chdir(inner)
    assert locate() == (graph, "marker")
    other = new_graph(tmp_path, "other")
    monkeypatch.setenv("KG_DATA_DIR", str(other))
    assert locate().kind == "env" and locate().path == other
    assert locate(str(tmp_path / "x")).kind == "option"
    monkeypatch.delenv("KG_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    assert locate().kind == "packaged"
    info = CliRunner().invoke(cli, ["info"])
    assert "read-only" in info.output and "kg init" in info.output
    monkeypatch.chdir(inner)
    info = CliRunner().invoke(cli, ["info"])
    assert info.exit_code == 0 and str(graph) in info.output and MARKER in info.output


def test_the_checkout_is_a_marked_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (ROOT / MARKER).is_file()
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    monkeypatch.chdir(ROOT / "docs")
    assert locate().path.resolve() == ROOT.resolve() and locate().kind == "marker"


def test_writers_refuse_the_packaged_graph_in_one_line(tmp_path: Path, review: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    for args in (["accept", str(review)], ["retract", "doc-005", "--yes"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert result.output.count("\n") == 1 and "read-only" in result.output and "kg init" in result.output


def test_discovery_is_cheap_a_few_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.shared.paths as paths

    deep = tmp_path.joinpath(*"abcdefgh")
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    calls = []
    real = os.path.isfile
    monkeypatch.setattr(paths.os.path, "isfile", lambda p: calls.append(p) or real(p))
    paths.find_marked()
    assert len(calls) == len(deep.parts)  # one stat per folder up to the root, nothing read


# -- 2, 3, 4, 6. accept, decisions, retract ----------------------------------------------------------------
def test_accept_then_retract_leaves_the_graph_isomorphic_and_the_report_clean(
        graph: Path, review: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before_files = snapshot(graph)
    before = _graph(graph)
    query = ["sparql", "SELECT ?s WHERE { ?s ekg:collaboratesWith ekd:linagora } ORDER BY ?s", "--format", "csv",
             "--data", str(graph)]
    answer_before = CliRunner().invoke(cli, query).output
    runner = CliRunner()
    result = runner.invoke(cli, ["accept", str(review), "--data", str(graph), "--by", "Test Curator"])
    assert result.exit_code == 0, result.output
    assert "doc-005: 1 entity, 1 figure, 1 mention, 1 relation accepted" in result.output
    assert "statements added: " in result.output and "inferred statements gained: " in result.output
    assert "id/orbis-data" in runner.invoke(cli, query).output
    validate = runner.invoke(cli, ["validate", "--data", str(graph)])
    assert validate.exit_code == 0, validate.output
    report = runner.invoke(cli, ["report", "--data", str(graph)])
    assert report.exit_code == 0 and "0 ERROR" in report.output, report.output
    plan = runner.invoke(cli, ["retract", "doc-005", "--data", str(graph)], input="n\n")
    assert plan.exit_code == 1 and "asserted statements that go" in plan.output
    assert "inferred statements that fall with them" in plan.output and "ekd:orbis-data" in plan.output
    assert (graph / "data" / "doc-005.ttl").exists()  # answered no: nothing gone
    done = runner.invoke(cli, ["retract", "doc-005", "--data", str(graph), "--yes"])
    assert done.exit_code == 0, done.output
    assert isomorphic(before, _graph(graph))
    assert snapshot(graph) == before_files
    assert runner.invoke(cli, query).output == answer_before  # the cache answers as before


def test_reviews_wait_side_by_side_and_get_the_next_free_ids(tmp_path: Path, graph: Path) -> None:
    first = write_review(tmp_path / "a.tsv", text_file(tmp_path), orbis_rows())
    other_text = text_file(tmp_path, TEXT.replace("40", "41"), "other.txt")
    second = write_review(tmp_path / "b.tsv", other_text, [
        row("c0001", "mention", 2, "LINAGORA", status="linked", subject="ekd:linagora", value="organisation",
            label="LINAGORA")])
    assert accept(first, data_dir=str(graph), compare=False).doc_id == "doc-005"
    assert accept(second, data_dir=str(graph), compare=False).doc_id == "doc-006"
    assert accept(first, data_dir=str(graph), compare=False).doc_id == "doc-005"  # the text's id, not a new one


def test_decisions_are_kept_and_nothing_is_attested_twice(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[3]["decision"] = "reject"
    review = write_review(tmp_path / "r.tsv", text_file(tmp_path), rows)
    done = accept(review, data_dir=str(graph), compare=False)
    assert [o.outcome for o in done.rows] == ["added", "added", "added", "rejected"]
    data = (graph / "data" / "doc-005.ttl").read_bytes()
    again = accept(review, data_dir=str(graph), compare=False)  # the same review once more
    assert {o.outcome for o in again.rows} <= {"skipped", "rejected"}
    assert (graph / "data" / "doc-005.ttl").read_bytes() == data
    # a second review of the same text adding one row: the file is rebuilt whole, the old rows once
    rows[3]["decision"] = "accept"
    more = write_review(tmp_path / "r2.tsv", tmp_path / "orbis.txt", rows)
    accept(more, data_dir=str(graph), compare=False, when=None)
    turtle = (graph / "data" / "doc-005.ttl").read_text(encoding="utf-8")
    assert turtle.count("rdf:predicate ekg:collaboratesWith") == 1
    assert turtle.count("@prefix ekd:") == 1  # rewritten, not appended to
    assert turtle.count("a ekg:Figure") == 1
    from kg.ingest.decisions import leave_out_decided, read_decisions
    from kg.ingest.review import read_review

    _, decided = read_decisions(next((graph / "decisions").glob("*.tsv")))
    _, proposed = read_review(review)
    kept, accepted, _ = leave_out_decided(proposed, decided)
    assert kept == [] and accepted == 4


def test_a_rejected_row_is_not_proposed_again(tmp_path: Path, graph: Path) -> None:
    from kg.ingest.decisions import leave_out_decided, read_decisions, row_keys
    from kg.ingest.review import read_review

    rows = orbis_rows()
    rows[2]["decision"] = "non"
    review = write_review(tmp_path / "r.tsv", text_file(tmp_path), rows)
    accept(review, data_dir=str(graph), compare=False)
    _, decided = read_decisions(next((graph / "decisions").glob("*.tsv")))
    rows[2]["decision"] = ""
    rows[2]["note"] = "a note the extractor wrote differently this time"
    _, proposed = read_review(write_review(tmp_path / "again.tsv", tmp_path / "orbis.txt", rows))
    for cand, key in row_keys(proposed).items():
        next(c for c in proposed if c.id == cand).key = key
    kept, _, rejected = leave_out_decided(proposed, decided)
    assert rejected == 1 and [c.id for c in kept] == []


def test_a_corrected_cell_is_remembered_under_the_proposed_row(tmp_path: Path, graph: Path) -> None:
    from kg.ingest.decisions import row_keys
    from kg.ingest.review import read_review

    rows = orbis_rows()
    proposed = write_review(tmp_path / "p.tsv", text_file(tmp_path), rows)
    _, cands = read_review(proposed)
    keys = row_keys(cands)
    rows[0]["label"] = "Orbis Data SAS"  # corrected by the curator, key kept from the proposal
    rows[0]["key"] = keys["c0001"]
    _, corrected = read_review(write_review(tmp_path / "c.tsv", tmp_path / "orbis.txt", rows))
    assert corrected[0].key == keys["c0001"] and corrected[0].label == "Orbis Data SAS"


def test_a_stale_review_links_to_the_entity_another_document_created(tmp_path: Path, graph: Path) -> None:
    from kg.ingest.decisions import graph_state

    state = graph_state(graph / "data")
    first = write_review(tmp_path / "a.tsv", text_file(tmp_path), orbis_rows(), graph=state)
    other = text_file(tmp_path, TEXT + "Fin.\n", "b.txt")
    second = write_review(tmp_path / "b.tsv", other, orbis_rows()[:2], graph=state)
    accept(first, data_dir=str(graph), compare=False)
    done = accept(second, data_dir=str(graph), compare=False)
    assert done.stale and done.doc_id == "doc-006"
    linked = done.outcome("linked")
    assert [o.id for o in linked] == ["c0001"] and "created by another document" in linked[0].why
    turtle = (graph / "data" / "doc-006.ttl").read_text(encoding="utf-8")
    assert "a ekg:Company" not in turtle and "ekg:mentions ekd:orbis-data" in turtle.replace(",\n", " ")


def test_retract_refuses_a_document_whose_entities_others_use(tmp_path: Path, graph: Path) -> None:
    first = write_review(tmp_path / "a.tsv", text_file(tmp_path), orbis_rows())
    other = text_file(tmp_path, TEXT + "Fin.\n", "b.txt")
    second = write_review(tmp_path / "b.tsv", other, [
        row("c0001", "mention", 2, "Orbis Data", status="linked", subject="ekd:orbis-data", value="organisation",
            label="Orbis Data")])
    accept(first, data_dir=str(graph), compare=False)
    accept(second, data_dir=str(graph), compare=False)
    result = CliRunner().invoke(cli, ["retract", "doc-005", "--yes", "--data", str(graph)])
    assert result.exit_code == 2 and "ekd:orbis-data" in result.output and "doc-006" in result.output
    assert (graph / "data" / "doc-005.ttl").exists()
    retract("doc-006", str(graph))
    retract("doc-005", str(graph))


def test_retract_refuses_a_hand_written_document(graph: Path) -> None:
    with pytest.raises(InputError, match="not added by kg accept"):
        retract("doc-001", str(graph))


# -- 8. every row checked, every failure one line ----------------------------------------------------------
def _refusal(tmp_path: Path, graph: Path, rows: list[dict[str, str]], *args: str) -> str:
    review = write_review(tmp_path / "h.tsv", tmp_path / "orbis.txt" if (tmp_path / "orbis.txt").exists()
                          else text_file(tmp_path), rows)
    before = snapshot(graph)
    result = CliRunner().invoke(cli, ["accept", str(review), "--data", str(graph), *args])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    assert snapshot(graph) == before
    return result.output


def test_an_undeclared_class_in_the_type_cell_is_refused(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[0]["type"] = "ekg:Spaceship"
    assert "row c0001" in (out := _refusal(tmp_path, graph, rows)) and "not a class the ontology declares" in out
    rows[0]["type"] = "ekg:Nothing"
    assert "not a class the ontology declares" in _refusal(tmp_path, graph, rows)


def test_a_type_contradicting_the_family_is_refused_naming_the_row(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[0]["type"] = "ekg:Person"  # value (family) says organisation
    out = _refusal(tmp_path, graph, rows)
    assert "row c0001" in out and "is not of the family 'organisation'" in out


def test_an_unknown_datatype_is_refused(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[3]["datatype"] = "xsd:foo"
    out = _refusal(tmp_path, graph, rows)
    assert "row c0004" in out and "xsd:foo" in out
    rows[3]["datatype"], rows[3]["value"] = "xsd:integer", "40.5"
    assert "not an integer" in _refusal(tmp_path, graph, rows)


def test_an_undeclared_predicate_is_refused(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[2]["predicate"] = "ekg:likes"
    assert "not a property the ontology declares" in _refusal(tmp_path, graph, rows)


def test_every_refused_row_is_listed_in_the_result(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[2]["predicate"] = "ekg:likes"
    rows[3]["datatype"] = "xsd:foo"
    review = write_review(tmp_path / "r.tsv", text_file(tmp_path), rows)
    with pytest.raises(AcceptError) as caught:
        accept(review, data_dir=str(graph), compare=False)
    assert [o.id for o in caught.value.result.refused] == ["c0003", "c0004"]
    assert "1 other row refused: c0004" in caught.value.message
    result = accept(review, data_dir=str(graph), compare=False, raise_on_refusal=False)
    assert not result.written and len(result.refused) == 2


def test_sources_naming_a_file_is_one_line_nothing_written(tmp_path: Path, graph: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = _refusal(tmp_path, graph, orbis_rows(), "--sources", str(tmp_path / "afile"))
    assert "not a folder" in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
@pytest.mark.parametrize("folder", ["data", "sources"])
def test_a_read_only_folder_is_one_line_nothing_written(tmp_path: Path, graph: Path, folder: str) -> None:
    mode = (graph / folder).stat().st_mode
    (graph / folder).chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        out = _refusal(tmp_path, graph, orbis_rows())
    finally:
        (graph / folder).chmod(mode)
    assert "cannot write" in out and "nothing written" in out
    assert not list(graph.rglob(".*kg-tmp*"))


@pytest.mark.parametrize("folder", ["data", "sources", "decisions"])
def test_a_folder_that_refuses_writes_is_one_line_nothing_written(tmp_path: Path, graph: Path, folder: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """As root, permissions do not stop a write: the refusal is simulated where the files are written."""
    import kg.shared.writes as writes

    real = writes._write_temp

    def refuse(final: Path, content: bytes) -> Path:
        if final.parent.name == folder:
            raise PermissionError(13, "Permission denied", str(final.parent))
        return real(final, content)

    monkeypatch.setattr(writes, "_write_temp", refuse)
    out = _refusal(tmp_path, graph, orbis_rows())
    assert "cannot write (Permission denied); nothing written" in out
    assert not list(graph.rglob(".*kg-tmp*"))


def test_a_newline_or_quote_in_by_is_escaped(tmp_path: Path, graph: Path, review: Path) -> None:
    result = CliRunner().invoke(cli, ["accept", str(review), "--data", str(graph), "--by", 'A. "Cu\nrator" \\'])
    assert result.exit_code == 0, result.output
    g = rdflib.Graph().parse(graph / "data" / "doc-005.ttl", format="turtle")
    labels = {str(o) for o in g.objects(None, rdflib.RDFS.label)}
    assert 'A. "Cu rator" \\' in labels


def test_a_quote_whose_words_occur_earlier_is_found_in_its_own_sentence(tmp_path: Path, graph: Path) -> None:
    # "LINAGORA" first occurs in the headline (sentence 1); the row's sentence is 2
    rows = orbis_rows()[:2]
    review = write_review(tmp_path / "r.tsv", text_file(tmp_path), rows)
    done = accept(review, data_dir=str(graph), compare=False)
    assert [o.outcome for o in done.rows] == ["added", "added"]
    wrong = orbis_rows()[:2]
    wrong[1]["sentence"] = "3"  # LINAGORA is not in sentence 3
    out = _refusal(tmp_path, graph, wrong)
    assert "row c0002" in out and "does not occur in sentence 3" in out


def test_a_shacl_violation_names_the_row_and_writes_nothing(tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[2]["predicate"], rows[2]["object"] = "ekg:supervisedBy", "ekd:france"  # a place, not an organisation
    out = _refusal(tmp_path, graph, rows)
    assert "Error: row c0001, c0003: SHACL: ekg:supervisedBy points at an ekg:Organisation" in out, out


def test_an_iri_spelled_differently_from_the_row_that_creates_it_is_named_with_the_likely_one(
        tmp_path: Path, graph: Path) -> None:
    rows = orbis_rows()
    rows[2]["subject"] = "ekd:orbis-datta"
    out = _refusal(tmp_path, graph, rows)
    assert "row c0003" in out and "did you mean ekd:orbis-data?" in out


def test_review_state_and_edits_are_the_file_a_spreadsheet_edits(tmp_path: Path, graph: Path) -> None:
    from kg.ingest.review import read_review
    from kg.ingest.reviewstate import correct, decide, review_state

    review = write_review(tmp_path / "r.tsv", text_file(tmp_path), orbis_rows(decision=""))
    state = review_state(review, str(graph))
    assert state["counts"] == {"accept": 0, "reject": 0, "undecided": 4} and not state["stale"]
    relation = state["rows"][2]
    assert (relation["subject_status"], relation["object_label"], relation["object_status"]) == (
        "created by c0001", "LINAGORA", "exists")
    assert state["sentences"][1].startswith("La société Orbis Data")
    decide(review, "c0001", "oui")
    decide(review, "c0004", "non")
    correct(review, "c0001", "label", "Orbis Data SAS")
    _, rows = read_review(review)
    assert [r.decision for r in rows] == ["accept", "", "", "reject"] and rows[0].label == "Orbis Data SAS"
    with pytest.raises(InputError, match="cannot be corrected"):
        correct(review, "c0001", "key", "x")
    with pytest.raises(InputError, match="no row"):
        decide(review, "c9999", "accept")
