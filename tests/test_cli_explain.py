"""`kg explain`, `kg cache` and the inferred part of `kg describe`, through the CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kg.cli.main import cli

FIXTURE = "tests/fixtures/engine/data"


def run(*args: str):
    return CliRunner().invoke(cli, [*args, "--data", FIXTURE, "--no-cache"] if args[0] != "cache" else list(args))


def test_explain_prints_the_proof_tree_down_to_the_quotes() -> None:
    result = run("explain", "ekd:alice", "ekg:affiliatedWith", "ekd:inst", "--lang", "fr")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.splitlines()[0].startswith("Alice  affilié à  Institution   [prp-spo2, round")
    for rule in ("prp-spo1", "prp-inv2", "prp-trp", "prp-spo2"):
        assert rule in out
    assert "asserted in data/sample.ttl" in out
    assert "« Alice, cheffe d'équipe »" in out


def test_explain_by_label_and_in_english() -> None:
    result = run("explain", "Alice", "ekg:memberOf", "Team")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Alice  member of  Team   [prp-spo2")


def test_explain_json_is_the_same_tree() -> None:
    result = run("explain", "ekd:alice", "ekg:affiliatedWith", "ekd:inst", "--format", "json")
    assert result.exit_code == 0, result.output
    tree = json.loads(result.output)
    assert tree["rule"] == "prp-spo2" and not tree["asserted"]
    leaves = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node["asserted"]:
            leaves.append(node)
        stack.extend(node.get("premises", []))
    assert any(src["quotes"] == ["Alice, cheffe d'équipe"] for leaf in leaves for src in leaf["sources"])
    assert all(leaf["files"] for leaf in leaves)


def test_explain_all_lists_alternatives() -> None:
    result = run("explain", "ekd:lab", "rdf:type", "ekg:Organisation", "--all")
    assert result.exit_code == 0, result.output
    assert result.output.count("Proof ") >= 2


def test_an_asserted_triple_says_so() -> None:
    result = run("explain", "ekd:role-alice", "ekg:roleHolder", "ekd:alice")
    assert result.exit_code == 0, result.output
    assert "[asserted in data/sample.ttl]" in result.output.splitlines()[0]


def test_a_triple_that_does_not_hold_exits_1() -> None:
    result = run("explain", "ekd:alice", "ekg:memberOf", "ekd:acme")
    assert result.exit_code == 1
    assert result.output.strip().endswith("neither asserted nor inferred under --reasoning owlrl")


def test_unknown_names_and_bad_terms_exit_2() -> None:
    result = run("explain", "ekd:nobody", "ekg:memberOf", "ekd:acme")
    assert result.exit_code == 2 and result.output.startswith("Error: subject: ")
    result = run("explain", "ekd:alice", "ekg:memberOf", '"unterminated')
    assert result.exit_code == 2 and "object" in result.output
    assert "Traceback" not in result.output


def test_explain_needs_the_default_engine() -> None:
    result = run("explain", "ekd:alice", "ekg:memberOf", "ekd:team", "--engine", "owlrl")
    assert result.exit_code == 2
    assert "needs the default engine" in result.output


def test_describe_lists_inferred_statements_with_their_documents() -> None:
    result = run("describe", "ekd:alice", "--reasoning", "owlrl", "--format", "json")
    assert result.exit_code == 0, result.output
    desc = json.loads(result.output)
    inferred = {(s["predicate"].rsplit("#", 1)[-1], s["node"]): s["documents"] for s in desc["inferred_outgoing"]}
    assert inferred[("memberOf", "https://w3id.org/ecosystem-kg/id/team")] == ["https://w3id.org/ecosystem-kg/id/doc-x"]
    assert all(s["documents"] == [] for s in desc["outgoing"])


def test_cache_info_and_clear(cache_dir) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["query", "affiliations", "--data", FIXTURE]).exit_code == 0
    info = runner.invoke(cli, ["cache", "info"])
    assert info.exit_code == 0 and str(cache_dir) in info.output and "1 entry" in info.output
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and "removed 1 cache entry" in cleared.output
