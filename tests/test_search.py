"""Entity search: labels and alternative labels, ignoring case, accents, hyphens and punctuation."""

from __future__ import annotations

import pytest

from kg.query.search import SearchIndex, normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("Jean-Zay", "jean zay"), ("#Linto", "linto"), ("École polytechnique", "ecole polytechnique"),
    ("ZAPOLSKI", "zapolski"), ("  CNRS / INS2I ", "cnrs ins2i"), ("Univ. Toulouse", "univ toulouse"), ("—", ""),
])
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.fixture(scope="module")
def index(project_graphs) -> SearchIndex:
    return SearchIndex.from_runner(project_graphs("none").query)


@pytest.mark.parametrize(("text", "first"), [
    ("zapolski", "alexandre-zapolsky"), ("Jean-Zay", "jean-zay"), ("cnrs sciences info", "cnrs-sciences-informatiques"),
    ("linto", "linto"), ("#Linto", "linto"), ("cnrs", "cnrs"), ("nazarenko", "adeline-nazarenko"),
])
def test_first_hit(index: SearchIndex, text: str, first: str) -> None:
    hits = index.search(text)
    assert hits and hits[0].iri.endswith("/id/" + first), [h.iri for h in hits[:3]]


def test_attestations_are_never_results(index: SearchIndex) -> None:
    hits = index.search("type", limit=500) + index.search("document", limit=500)
    assert not [h for h in hits if "/id/att-" in h.iri]


def test_nothing_found_and_empty_text(index: SearchIndex) -> None:
    assert index.search("zzzz-no-such-thing") == []
    assert index.search("  -- ") == []


def test_unique_keeps_the_best_group(index: SearchIndex) -> None:
    assert [h.iri.rsplit("/", 1)[1] for h in index.unique("LINAGORA")] == ["linagora"]
    assert len(index.unique("pepr")) >= 2  # ambiguous: both programmes start with it
