"""Review in the browser (issue 23, item 5): the view model of a review page (kg.ingest.reviewpage) and the review
routes of `kg serve` (kg.serve.review) through Starlette's TestClient — the TSV is the file the page reads and
writes, every POST needs the server's token and its own origin, accept is kg accept's code. Reviews are written
by hand (curation_helpers), so nothing here needs the model; the real-browser walk is tests/test_review_browser.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from curation_helpers import new_graph, orbis_rows, row, text_file, write_review
from starlette.testclient import TestClient

from kg.ingest.review import read_review
from kg.ingest.reviewpage import check_correction, marked_sentences, review_files, review_page
from kg.serve.app import create_app
from kg.serve.config import ServeConfig
from kg.shared.errors import InputError

BASE = "http://127.0.0.1:8000"


def orbis_review(folder: Path, text_dir: Path, decision: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = [*orbis_rows(decision),  # c0005: a relation to an IRI nobody has: kg accept refuses it, naming it
            row("c0005", "relation", 1, "Orbis Data et LINAGORA", decision, subject="ekd:orbis-data",
                predicate="ekg:collaboratesWith", object="ekd:linagora-sa")]
    return write_review(folder / "orbis.tsv", text_file(text_dir), rows, title="Orbis Data et LINAGORA")


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_graph(tmp_path_factory.mktemp("review-graph"))


@pytest.fixture
def review(graph: Path, tmp_path: Path) -> Path:
    return orbis_review(graph / "reviews", tmp_path)


@pytest.fixture(scope="module")
def client(graph: Path) -> TestClient:
    with TestClient(create_app(ServeConfig(data_dir=str(graph))), base_url=BASE) as c:
        yield c


def token_of(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


# -- the view model --------------------------------------------------------------------------------------------
def test_marked_sentences_mark_each_quote_in_its_own_sentence() -> None:
    text = ["Orbis Data : un titre", "La société Orbis Data travaille avec LINAGORA.", "Orbis Data compte 40."]
    rows = [{"id": "c1", "sentence": "2", "quote": "Orbis Data"}, {"id": "c2", "sentence": "2",
                                                                    "quote": "Orbis Data travaille avec LINAGORA"},
            {"id": "c3", "sentence": "9", "quote": "compte 40"}, {"id": "c4", "sentence": "1", "quote": "absent"}]
    marked = marked_sentences(text, rows)
    assert [s["number"] for s in marked] == [1, 2, 3]
    assert not any(p["rows"] for p in marked[0]["pieces"])  # the headline's "Orbis Data" is not c1's
    second = [(p["text"], p["rows"]) for p in marked[1]["pieces"]]
    assert second == [("La société ", []), ("Orbis Data", ["c1", "c2"]), (" travaille avec LINAGORA", ["c2"]),
                      (".", [])]
    assert ("compte 40", ["c3"]) in [(p["text"], p["rows"]) for p in marked[2]["pieces"]]  # found elsewhere
    assert "".join(p["text"] for s in marked for p in s["pieces"]) == "".join(text)


def test_review_page_labels_groups_and_marks(graph: Path, review: Path) -> None:
    page = review_page(review, str(graph))
    assert page["name"] == "orbis.tsv" and page["counts"] == {"accept": 0, "reject": 0, "undecided": 5}
    assert [g["number"] for g in page["by_sentence"]] == [1, 2, 3]
    assert [r["id"] for r in page["by_sentence"][1]["rows"]] == ["c0001", "c0002", "c0003"]
    assert page["by_sentence"][0]["rows"][0]["object_status"] == "unknown"
    relation = next(r for r in page["rows"] if r["id"] == "c0003")
    assert (relation["subject_label"], relation["subject_status"]) == ("Orbis Data", "created by c0001")
    assert (relation["object_label"], relation["object_status"]) == ("LINAGORA", "exists")
    marked = {p["text"]: p["rows"] for s in page["text"] for p in s["pieces"] if p["rows"]}
    assert marked["Orbis Data et LINAGORA"] == ["c0005"] and marked["Orbis Data compte 40 salariés"] == ["c0004"]
    assert all(p["state"] == "undecided" for s in page["text"] for p in s["pieces"] if p["rows"])
    assert review_files(review.parent) == {"orbis.tsv": review}


def test_a_contradictory_correction_is_refused_naming_the_row(graph: Path, review: Path) -> None:
    before = review.read_bytes()
    with pytest.raises(InputError, match=r"row c0001 \(line \d+\): type ekg:Person is not of the family"):
        check_correction(review, "c0001", "type", "ekg:Person", str(graph))
    with pytest.raises(InputError, match=r"row c0001 .*ekg:Spaceship.* not a class"):
        check_correction(review, "c0001", "type", "ekg:Spaceship", str(graph))
    with pytest.raises(InputError, match=r"row c0004 .*xsd:foo"):
        check_correction(review, "c0004", "datatype", "xsd:foo", str(graph))
    with pytest.raises(InputError, match=r"row c0003 .*ekg:likes.* not a property"):
        check_correction(review, "c0003", "predicate", "ekg:likes", str(graph))
    check_correction(review, "c0001", "type", "ekg:Laboratory", str(graph))  # an organisation: agrees
    assert review.read_bytes() == before


# -- the routes -------------------------------------------------------------------------------------------------
def test_home_lists_the_pending_reviews_and_the_page_shows_them(client: TestClient, review: Path) -> None:
    home = client.get("/")
    assert home.status_code == 200 and 'href="/review/orbis.tsv"' in home.text
    page = client.get("/review/orbis.tsv")
    assert page.status_code == 200
    assert 'class="hl hl-undecided" href="#row-c0004"' in page.text  # the words highlighted, linked to their row
    assert 'id="row-c0003"' in page.text and "created by" in page.text and ">LINAGORA</a>" in page.text
    assert client.get("/review/").status_code == 200
    assert client.get("/review/nothing.tsv").status_code == 404
    assert client.get("/review/..%2Fkg-graph.toml").status_code == 404


def test_post_without_the_token_or_from_elsewhere_is_refused(client: TestClient, review: Path) -> None:
    before = review.read_bytes()
    token = token_of(client.get("/review/orbis.tsv").text)
    form = {"row": "c0001", "decision": "accept"}
    assert client.post("/review/orbis.tsv/decide", data=form).status_code == 403
    assert client.post("/review/orbis.tsv/decide", data={**form, "token": "x" * 43}).status_code == 403
    assert client.post("/review/orbis.tsv/decide", data={**form, "token": "é" + token[1:]}).status_code == 403
    cross = client.post("/review/orbis.tsv/decide", data={**form, "token": token},
                        headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "another origin" in cross.text
    assert client.post("/review/orbis.tsv/decide", data={**form, "token": token},
                       headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    rebound = client.post("http://evil.example:8000/review/orbis.tsv/decide", data={**form, "token": token},
                          headers={"Origin": "http://evil.example:8000"})
    assert rebound.status_code == 403  # DNS rebinding: a page of another name that resolves here
    assert client.get("http://evil.example:8000/review/orbis.tsv").status_code == 403
    assert review.read_bytes() == before


def test_decide_and_correct_write_the_tsv(client: TestClient, review: Path) -> None:
    token = token_of(client.get("/review/orbis.tsv").text)
    origin = {"Origin": BASE}
    done = client.post("/review/orbis.tsv/decide", data={"token": token, "row": "c0002", "decision": "accept"},
                       headers=origin, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("/review/orbis.tsv#row-c0002")
    fixed = client.post("/review/orbis.tsv/correct", data={"token": token, "row": "c0001", "column": "label",
                                                           "value": "Orbis Data SAS"}, headers=origin)
    assert fixed.status_code == 200  # the redirect followed: the page again
    _, rows = read_review(review)
    assert rows[1].decision == "accept" and rows[0].label == "Orbis Data SAS"
    assert not [p for p in review.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    refused = client.post("/review/orbis.tsv/correct", data={"token": token, "row": "c0001", "column": "type",
                                                             "value": "ekg:Person"}, headers=origin)
    assert refused.status_code == 400 and "row c0001" in refused.text and "family" in refused.text
    assert read_review(review)[1][0].type == "ekg:Company"


def test_accept_button_runs_kg_accept_and_shows_what_it_did(tmp_path: Path) -> None:
    graph = new_graph(tmp_path, "accepting")
    review = orbis_review(graph / "reviews", tmp_path)
    with TestClient(create_app(ServeConfig(data_dir=str(graph), reasoning="none")), base_url=BASE) as client:
        token = token_of(client.get("/review/orbis.tsv").text)
        origin = {"Origin": BASE}
        assert client.get("/id/orbis-data").status_code == 404
        for rid in ("c0001", "c0002", "c0003"):
            client.post("/review/orbis.tsv/decide", data={"token": token, "row": rid, "decision": "accept"},
                        headers=origin)
        client.post("/review/orbis.tsv/decide", data={"token": token, "row": "c0004", "decision": "reject"},
                    headers=origin)
        # c0005's object is neither in the graph nor created by a row: kg accept refuses it and names it
        client.post("/review/orbis.tsv/decide", data={"token": token, "row": "c0005", "decision": "accept"},
                    headers=origin)
        assert "5 decisions to accept" in client.get("/").text  # decided in the file, not yet accepted
        refused = client.post("/review/orbis.tsv/accept", data={"token": token, "by": "Jeanne"}, headers=origin)
        assert refused.status_code == 400 and "row c0005" in refused.text and "Nothing written" in refused.text
        assert not (graph / "data" / "doc-005.ttl").exists()
        client.post("/review/orbis.tsv/decide", data={"token": token, "row": "c0005", "decision": "reject"},
                    headers=origin)
        done = client.post("/review/orbis.tsv/accept", data={"token": token, "by": "Jeanne"}, headers=origin)
        assert done.status_code == 200, done.text
        assert "Written" in done.text and 'href="/id/doc-005"' in done.text and "ekg:collaboratesWith" in done.text
        assert '"Jeanne"' in (graph / "data" / "doc-005.ttl").read_text(encoding="utf-8")  # the form's curator
        touched = re.search(r'<p class="touched">.*?</p>', done.text, re.S)  # the entities the rows touched
        assert touched and 'href="/id/orbis-data">Orbis Data</a>' in touched.group(0)
        assert "/id/linagora" in touched.group(0)
        assert [r.decision for r in read_review(review)[1]] == ["accept"] * 3 + ["reject"] * 2  # the TSV as decided
        listed = client.get("/review/").text
        assert 'accepted as <a href="/id/doc-005">' in listed and "not yet accepted" not in listed
        entity = client.get("/id/orbis-data", headers={"Accept": "text/html"})
        assert entity.status_code == 200 and "LINAGORA" in entity.text  # the server follows the new graph


def test_no_review_routes_on_the_packaged_graph_or_a_public_address(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    from kg.serve.review import enabled_root

    monkeypatch.chdir(tmp_path)  # no marked folder above: the packaged graph
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    assert enabled_root(ServeConfig()) is None
    with TestClient(create_app(ServeConfig(reasoning="none")), base_url=BASE) as client:
        assert "home-reviews" not in client.get("/").text
        assert client.get("/review/").status_code == 404
        assert client.post("/review/x.tsv/accept", data={"token": "x"}).status_code in (404, 405)
    graph = new_graph(tmp_path, "pub")
    assert enabled_root(ServeConfig(data_dir=str(graph), host="0.0.0.0")) is None
    assert enabled_root(ServeConfig(data_dir=str(graph), host="0.0.0.0", remote_review=True)) == graph
    assert enabled_root(ServeConfig(data_dir=str(graph), host="::1")) == graph


def test_a_server_follows_an_accept_made_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another server process, or `kg accept` on the command line while the server runs: the graph served is
    opened again once its files changed."""
    from kg.ingest.accept import accept
    from kg.serve import review as review_routes

    monkeypatch.setattr(review_routes, "CHECK_EVERY", 0.0)
    graph = new_graph(tmp_path, "elsewhere")
    reviewed = write_review(tmp_path / "orbis.tsv", text_file(tmp_path), orbis_rows("accept"))
    with TestClient(create_app(ServeConfig(data_dir=str(graph), reasoning="none")), base_url=BASE) as client:
        ask = {"query": "ASK { <https://w3id.org/ecosystem-kg/id/orbis-data> ?p ?o }"}
        assert client.get("/id/orbis-data", headers={"Accept": "text/html"}).status_code == 404
        assert client.get("/sparql", params=ask, headers={"Accept": "application/sparql-results+json"}
                          ).json()["boolean"] is False
        assert accept(reviewed, data_dir=str(graph)).written
        assert client.get("/sparql", params=ask, headers={"Accept": "application/sparql-results+json"}
                          ).json()["boolean"] is True
        assert "LINAGORA" in client.get("/id/orbis-data", headers={"Accept": "text/html"}).text


def test_a_damaged_review_is_one_line_and_markup_in_cells_is_text(client: TestClient, graph: Path,
                                                                   tmp_path: Path) -> None:
    (graph / "reviews").mkdir(exist_ok=True)
    bad = graph / "reviews" / "bad.tsv"
    bad.write_text("decision\tid\nthis is not a review\n", encoding="utf-8")
    hostile = write_review(graph / "reviews" / "hostile.tsv", text_file(tmp_path, name="h.txt"),
                           [row("c0001", "entity", 2, "La société Orbis Data", "", subject="ekd:orbis-data",
                                value="organisation", label="<script>alert(1)</script>", type="ekg:Company")])
    try:
        listed = client.get("/review/").text
        assert "bad.tsv" in listed and 'class="error"' in listed
        page = client.get("/review/bad.tsv")
        assert page.status_code == 400 and "Traceback" not in page.text and "bad.tsv" in page.text
        shown = client.get("/review/hostile.tsv").text
        assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    finally:
        bad.unlink()
        hostile.unlink()


def test_a_review_whose_text_moved_reads_the_kept_copy_or_shows_rows_by_number(tmp_path: Path) -> None:
    from kg.ingest.accept import accept

    graph = new_graph(tmp_path, "moved")
    text = text_file(tmp_path, name="moving.txt")
    review = write_review(tmp_path / "r.tsv", text, orbis_rows(""))
    text.unlink()
    page = review_page(review, str(graph))
    assert page["text"] is None and [g["number"] for g in page["by_sentence"]] == [2, 3]
    accepted = write_review(tmp_path / "a.tsv", text_file(tmp_path, name="moving.txt"), orbis_rows("accept"))
    assert accept(accepted, data_dir=str(graph)).written  # the text is kept in sources/
    text.unlink()
    page = review_page(review, str(graph))
    assert page["text"] is not None and page["text"][1]["pieces"][1]["rows"] == ["c0001", "c0003"]


def test_serve_reviews_option_names_a_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kg.cli.main import cli

    for bad in (tmp_path / "missing", text_file(tmp_path)):
        result = CliRunner().invoke(cli, ["serve", "--reviews", str(bad), "--port", "0"])
        assert result.exit_code == 2 and result.output.startswith("Error: ") and "--reviews" in result.output
