"""Fault matrix, curation (issue 25, item 15): a seed document ingested again under another file name is
recognised as the graph's own by its content digest, not taken for a new document."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from curation_helpers import ROOT, new_graph

from kg.cli.main import cli

SEEDS = ROOT.parent / "shared" / "seeds"


def _seeds() -> Path:
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/seeds is missing")
        pytest.skip("../shared/seeds is absent")
    return SEEDS


@pytest.fixture
def graph(tmp_path: Path) -> Path:
    return new_graph(tmp_path)


def test_a_seed_under_another_name_is_recognised_by_its_digest(tmp_path: Path, graph: Path) -> None:
    from kg.engine.graph import open_graph
    from kg.ingest.ingest import known_document
    from kg.ingest.known import Known
    from kg.ingest.reading import read_document
    from kg.shared.paths import layout

    seeds = _seeds()
    known = Known(open_graph(layout(str(graph)), reasoning="none"))
    for path in sorted(seeds.glob("*.txt")):
        copy = tmp_path / f"renamed-{path.stem[:3]}.txt"
        copy.write_bytes(path.read_bytes())
        sha = hashlib.sha256(read_document(copy).text.encode("utf-8")).hexdigest()
        assert known_document(known, sha) == f"https://w3id.org/ecosystem-kg/id/doc-{path.name[:3]}"


@pytest.mark.model
def test_a_seed_ingested_again_under_another_name_keeps_its_id_and_proposes_little(
        tmp_path: Path, graph: Path) -> None:
    from servers import missing

    from kg.ingest import ner

    if not ner.available():
        missing("the French model is not installed (scripts/install-model.sh)")
    seed = _seeds() / "002_8a0475c7c1c0d540.txt"
    copy = tmp_path / "article.txt"
    copy.write_bytes(seed.read_bytes())
    result = CliRunner().invoke(cli, ["ingest", str(copy), "--data", str(graph), "-o", str(tmp_path / "r.tsv")])
    assert result.exit_code == 0, result.output
    review = (tmp_path / "r.tsv").read_text(encoding="utf-8")
    assert "# id: doc-002" in review
    rows = [line for line in review.splitlines() if not line.startswith(("#", "decision"))]
    assert len(rows) < 20  # 115 when the text was taken for a new document
