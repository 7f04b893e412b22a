"""The Turtle is read by an independent implementation too (Apache Jena riot), so we do not depend on one
parser's leniency: every ontology, shapes and data file must validate without errors or warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from jena import classpath, require_jena, riot

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.jena


@pytest.fixture(scope="module")
def jena_cp() -> str:
    require_jena()
    return classpath()


def _turtle_files() -> list[Path]:
    return sorted([*REPO.glob("ontology/*.ttl"), *REPO.glob("data/*.ttl")])


def test_jena_works(jena_cp: str) -> None:
    result = riot(jena_cp, "--version")
    assert result.returncode == 0, result.stderr
    assert "Jena" in result.stdout + result.stderr


def test_every_turtle_file_validates_with_jena_riot(jena_cp: str) -> None:
    files = _turtle_files()
    assert files
    result = riot(jena_cp, "--validate", *map(str, files))
    assert result.returncode == 0, result.stdout + result.stderr


def test_jena_counts_the_same_triples_as_pyoxigraph(jena_cp: str) -> None:
    import pyoxigraph as ox

    files = _turtle_files()
    result = riot(jena_cp, "--count", *map(str, files))
    assert result.returncode == 0, result.stderr
    counts = {}
    for line in (result.stdout + result.stderr).splitlines():
        if line.startswith("file://") and "Triples =" in line:
            name, _, number = line.partition(" : Triples = ")
            counts[name.removeprefix("file://")] = int(number.replace(",", ""))
    assert set(counts) == {str(p) for p in files}
    for path in files:
        assert counts[str(path)] == len(list(ox.parse(path=str(path)))), path.name


def test_jena_rejects_bad_turtle(jena_cp: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "unterminated .\n', encoding="utf-8")
    assert riot(jena_cp, "--validate", str(bad)).returncode != 0
