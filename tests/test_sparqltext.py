"""kg.shared.sparqltext: the variable scan that `kg queries` uses agrees with the full tokenizer."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.shared.sparqltext import tokens, variables

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))


def reference(text: str) -> set[str]:
    """The definition: variable tokens of the full tokenizer (strings, IRIs, comments are single tokens)."""
    return {tok[1:] for _, tok in tokens(text) if tok[:1] in "?$" and len(tok) > 1}


def test_every_project_query() -> None:
    assert QUERIES
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        assert variables(text) == reference(text), path.name


FRAGMENTS = ["?a", "$b", "?é", " ", "\n", "{", "}", '"', "'", '"""', "'''", "<", ">", "#", "\\", "ex:", "a",
             "x?y", "<http://e.org/#?c>", '"?d"', "# ?e\n", "ex:f\\?g", "SELECT", "?", "$", "'?h'", ".", ":"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join))
def test_agrees_with_the_tokenizer_on_any_text(text: str) -> None:
    assert variables(text) == reference(text)
