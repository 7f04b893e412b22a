"""Full-text search (`kg search --text`, `/search?in=text`): words in any case, with or without accents, in any
French inflection, phrases, BM25 ranking, the words marked, the facts citing each sentence; the index built once
per graph state and reused from the cache."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from seedtext import SEEDS_DIR, require_seeds
from starlette.testclient import TestClient

from kg.answers import fulltext as answers
from kg.cli.main import cli
from kg.query.fulltext import FullTextIndex, Passage, build, fts_query, stem
from kg.shared.paths import layout

PASSAGES = [
    Passage("sentence", "ekd:d1", "a.txt", 1, "Les chercheurs du CNRS ont développé des modèles de langue.",
            [("ekd:f1", "fact one", "fait un")]),
    Passage("sentence", "ekd:d1", "a.txt", 2, "La souveraineté numérique passe par l’open source.", []),
    Passage("quote", "ekd:d2", "b.txt", None, "Un CHERCHEUR a développé un modèle souverain.", []),
    Passage("sentence", "ekd:d2", "b.txt", 3, "Le modèle de langue LUCIE est ouvert ; la langue compte, la "
            "langue décide, la langue reste.", []),
]


@pytest.fixture()
def index(tmp_path):
    path = tmp_path / "i.sqlite"
    build(PASSAGES, path)
    opened = FullTextIndex(path)
    yield opened
    opened.close()


def test_stemming_folds_case_accents_and_inflections() -> None:
    assert stem("Chercheurs") == stem("chercheur") == stem("CHERCHEUR")
    assert stem("développé") == stem("développe") == stem("developpe") == stem("développement")
    assert stem("souveraineté") == stem("SOUVERAINETE")
    assert stem("modèles") == stem("modele")


def test_words_inflections_and_marks(index) -> None:
    hits = index.search("chercheur developpe")
    assert {(h.file, h.index) for h in hits} == {("b.txt", None), ("a.txt", 1)}
    first = next(h for h in hits if h.index == 1)
    assert first.marked == "Les **chercheurs** du CNRS ont **développé** des modèles de langue."
    assert first.facts == [("ekd:f1", "fact one", "fait un")]
    assert first.as_dict("fr")["facts"] == [{"iri": "ekd:f1", "label": "fait un"}]
    assert [h.index for h in index.search("SOUVERAINETE numerique")] == [2]


def test_every_word_is_required_and_phrases_keep_their_order(index) -> None:
    assert index.search("chercheur souveraineté") == []
    assert {h.index for h in index.search('"modèles de langue"')} == {1, 3}  # the singular folds too
    assert index.search('"langue modèle"') == []


def test_ranking_prefers_dense_matches(index) -> None:
    hits = index.search("langue")
    assert [h.index for h in hits] == [3, 1]  # four times in sentence 3
    assert hits[0].score <= hits[1].score


@pytest.mark.parametrize("hostile", ['"', "NEAR(a b)", "a OR b", "col:x", "*", "-a", "^x", "'; DROP TABLE x; --",
                                     "((", "\x00", ""])
def test_no_text_is_fts_syntax(index, hostile: str) -> None:
    expression = fts_query(hostile)
    assert expression is None or all(part.startswith('"') for part in expression.split(" AND "))
    index.search(hostile)  # never raises
    assert index.search("NEAR chercheur") == []


def test_graph_quotes_and_source_sentences_cite_their_facts(project_graphs) -> None:
    require_seeds()
    graph = project_graphs("none")
    sources = answers.read_sources(graph.query, SEEDS_DIR)
    passages = answers.graph_passages(graph.query, sources)
    sentence = next(p for p in passages if p.kind == "sentence" and p.file.startswith("001_") and p.index == 19)
    assert "chercheurs du LORIA et du LIX" in sentence.text
    cited = [iri.rsplit("/", 1)[1] for iri, _en, _fr in sentence.facts]
    assert "collab-llm4all-001" in cited and "fund-anr-llm4all-001" in cited
    # statements come before the attestations of mere names
    assert cited.index("collab-llm4all-001") < max(i for i, c in enumerate(cited) if "label" in c) or \
        not any("label" in c for c in cited)
    # a quote that lies inside one sentence is found as that sentence, not twice
    quotes = [p for p in passages if p.kind == "quote" and p.file.startswith("001_")]
    texts = [p.text for p in passages if p.kind == "sentence" and p.file.startswith("001_")]
    assert all(not any(q.text in t for t in texts) for q in quotes)


def test_index_is_built_once_per_graph_state(cache_dir, monkeypatch) -> None:
    first = answers.open_index(layout(None))
    assert first.path.parent == cache_dir / "fulltext" and len(first) > 100
    first.close()

    def no_graph(*args, **kwargs):  # a cached index needs no graph at all
        raise AssertionError("the graph was opened although the index is cached")

    monkeypatch.setattr("kg.engine.graph.open_graph", no_graph)
    again = answers.open_index(layout(None))
    assert again.path == first.path
    assert again.search("chercheurs")
    again.close()


def test_a_changed_graph_gets_a_new_index(cache_dir, tmp_path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(layout(None).data_dir, data)
    before = answers.index_key(layout(str(data)), None)
    assert answers.index_key(layout(str(data)), tmp_path / "none") == before  # no source read: the same index
    with (data / "quotations.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n# a comment changes the file\n")
    assert answers.index_key(layout(str(data)), None) != before


def test_cli(cache_dir) -> None:
    require_seeds()
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "--text", "chercheurs", "--sources", str(SEEDS_DIR), "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert "**chercheurs**" in result.output and "sentence" in result.output and "cited by ekd:" in result.output
    as_json = runner.invoke(cli, ["search", "--text", '"intelligence artificielle"', "--format", "json"])
    hits = json.loads(as_json.output)
    phrase = re.compile(r"\*\*intelligences?\*\* \*\*artificielles?\*\*", re.IGNORECASE)
    assert hits and all(phrase.search(h["marked"]) for h in hits)
    assert runner.invoke(cli, ["search", "--text", "qwxzv"]).exit_code == 1
    bad = runner.invoke(cli, ["search", "--text", "x", "--sources", str(cache_dir / "nope")])
    assert bad.exit_code == 2 and bad.output.startswith("Error: --sources") and "Traceback" not in bad.output
    assert runner.invoke(cli, ["search", "x", "--sources", "."]).exit_code == 2


def test_web(cache_dir) -> None:
    require_seeds()
    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig

    with TestClient(create_app(ServeConfig(sources_dir=str(SEEDS_DIR), threads=1))) as client:
        page = client.get("/search", params={"q": "chercheurs LORIA", "in": "text"})
        assert page.status_code == 200
        assert "<mark>chercheurs</mark>" in page.text and "/id/collab-llm4all-001" in page.text
        answer = client.get("/search", params={"q": "chercheurs", "in": "text", "format": "json"}).json()
        assert answer["in"] == "text" and answer["hits"][0]["page"].startswith("/id/doc-")
        hostile = client.get("/search", params={"q": "<script>alert(1)</script> chercheurs", "in": "text"})
        assert "<script>alert" not in hostile.text
        names = client.get("/search", params={"q": "linagora"})
        assert "in=text" in names.text  # the names page offers the texts


def test_kg_cache_clear_removes_the_indexes_it_wrote(cache_dir) -> None:
    answers.open_index(layout(None)).close()
    folder = cache_dir / "fulltext"
    assert len(list(folder.glob("*.sqlite"))) == 1
    runner = CliRunner()
    info = runner.invoke(cli, ["cache", "info"])
    assert "did not write" not in info.output, info.output
    assert runner.invoke(cli, ["cache", "clear"]).exit_code == 0
    assert not folder.exists()
    # a folder of that name holding anything else is the user's: reported, never deleted
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    runner.invoke(cli, ["cache", "clear"])
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
