"""The README stays true: its two setup commands, every command documented, CI running its test command."""

from __future__ import annotations

import re
from pathlib import Path

from kg.cli.commands import all_commands

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def test_readme_opens_with_the_two_setup_commands() -> None:
    first, second = _code_blocks(README)[:2]
    assert first.strip().startswith("python3 -m venv .venv") and re.search(r"kg query \S+", first)
    assert second.strip() == "./scripts/test.sh"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec ./scripts/test.sh" in ci


def test_the_main_command_names_an_existing_query() -> None:
    first = _code_blocks(README)[0]
    name = re.search(r"kg query (\S+)", first).group(1)
    assert (REPO / "queries" / f"{name}.rq").is_file()


def test_every_command_is_documented() -> None:
    names = [c.name for c in all_commands()]
    assert len(names) >= 10
    for name in names:
        assert f"### `kg {name}`" in README, f"README has no section for kg {name}"


def test_every_command_has_help_with_examples() -> None:
    for command in all_commands():
        assert command.help and "Examples:" in command.help, command.name


def test_readme_links_resolve() -> None:
    for target in re.findall(r"\]\(((?:docs|data-review|benchmarks)/[^)#]+)\)", README):
        assert (REPO / target).exists(), target


def test_readme_coverage_table_matches_docs() -> None:
    docs = (REPO / "docs" / "coverage.md").read_text(encoding="utf-8")

    def table(text: str) -> str:
        return text[text.index("<!-- coverage-table:start -->"):text.index("<!-- coverage-table:end -->")]

    assert table(README) == table(docs)


def test_examples_in_help_name_existing_queries() -> None:
    from kg.cli.main import cli

    texts = [cli.help or ""] + [c.help or "" for c in all_commands()] + [README]
    names = {m for text in texts for m in re.findall(r"kg query ([a-z][a-z0-9-]+)", text)}
    assert names
    for name in names:
        assert (REPO / "queries" / f"{name}.rq").is_file(), f"an example runs the unknown query {name!r}"


def test_readme_counts_the_ontology_right() -> None:
    import pyoxigraph as ox

    classes, properties = map(int, re.search(r"\((\d+) classes, (\d+) properties", README).groups())
    store = ox.Store()
    store.load(path=str(REPO / "ontology" / "ecosystem.ttl"), format=ox.RdfFormat.TURTLE)
    owl = "http://www.w3.org/2002/07/owl#"
    count = ("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?t {{ {} }} ?x a ?t }}")
    assert int(next(iter(store.query(count.format(f"<{owl}Class>"))))["n"].value) == classes
    assert int(next(iter(store.query(count.format(
        f"<{owl}ObjectProperty> <{owl}DatatypeProperty>"))))["n"].value) == properties
