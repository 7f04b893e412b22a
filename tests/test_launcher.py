"""The console script's fast path: plain `kg query` and `kg explain` command lines answered without click.

It must print exactly what the click command prints (same bytes, same one-line errors, same exit codes), and
decline (leave to click) every command line it does not fully understand.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.answers.explain import answer_explain
from kg.answers.query import answer
from kg.cli.explain import explain_command
from kg.cli.launcher import COMMANDS, parse_args, run
from kg.cli.main import cli
from kg.cli.query import query_command

QUERY, EXPLAIN = COMMANDS["query"], COMMANDS["explain"]

MINI = Path(__file__).parent / "fixtures" / "mini"
ENV = {"KG_QUERIES_DIR": str(MINI / "queries"), "KG_DATA_DIR": None, "KG_ENDPOINT": None,
       "KG_ENDPOINT_AUTH": None}
DATA = ["--data", str(MINI), "--no-cache"]


@pytest.fixture()
def mini_env(monkeypatch):
    for name, value in ENV.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


# -- which command lines the fast path takes ------------------------------------------------------------
@pytest.mark.parametrize(("args", "expected"), [
    (["lab-parents"], (["lab-parents", []], {})),
    (["lab-parents", "--format", "csv", "--lang=fr"], (["lab-parents", []], {"fmt": "csv", "lang": "fr"})),
    (["--format", "csv", "lab-parents"], (["lab-parents", []], {"fmt": "csv"})),
    (["x", "-p", "a=b", "-pc=d", "--param", "e=f", "--param=g=h=i"], (["x", ["a=b", "c=d", "e=f", "g=h=i"]], {})),
    (["x", "-p", "--lang"], (["x", ["--lang"]], {})),  # click too takes the next word as the value
    (["x", "--reasoning", "none", "--engine", "owlrl", "--no-cache", "--data", "d"],
     (["x", []], {"reasoning": "none", "engine": "owlrl", "use_cache": False, "data_dir": "d"})),
    (["x", "--format", "json", "--format", "csv"], (["x", []], {"fmt": "csv"})),  # the last one wins
    (["--", "x"], (["x", []], {})),
])
def test_plain_query_command_lines_are_taken(args: list[str], expected: tuple, monkeypatch) -> None:
    monkeypatch.delenv("KG_ENDPOINT", raising=False)
    assert parse_args(QUERY, args) == expected


@pytest.mark.parametrize(("args", "expected"), [
    (["s", "p", "o"], (["s", "p", "o"], {})),
    (["s", "--all", "p", "--format=json", "o", "--lang", "fr"],
     (["s", "p", "o"], {"show_all": True, "fmt": "json", "lang": "fr"})),
    (["s", "p", "o", "--reasoning", "rdfs", "--no-cache", "--data", "d"],
     (["s", "p", "o"], {"reasoning": "rdfs", "use_cache": False, "data_dir": "d"})),
])
def test_plain_explain_command_lines_are_taken(args: list[str], expected: tuple) -> None:
    assert parse_args(EXPLAIN, args) == expected


@pytest.mark.parametrize("args", [
    [], ["a", "b"], ["--help"], ["x", "-h"], ["x", "--endpoint", "http://h/q"], ["x", "--timeout", "3"],
    ["x", "--format"], ["x", "--format", "yaml"], ["x", "--lang", "de"], ["x", "--reasoning", "owl"],
    ["x", "--engine", "fast"], ["x", "--no-cache=1"], ["x", "--nocache"], ["x", "-q"], ["x", "-p"],
    ["--", "x", "y"],
])
def test_anything_else_is_left_to_click(args: list[str], monkeypatch) -> None:
    monkeypatch.delenv("KG_ENDPOINT", raising=False)
    assert parse_args(QUERY, args) is None


@pytest.mark.parametrize("args", [["s", "p"], ["s", "p", "o", "x"], ["s", "p", "o", "--all=1"], ["s", "p", "-5"],
                                  ["s", "p", "o", "--format", "csv"], ["s", "p", "o", "--reasoning", "none"],
                                  ["s", "p", "o", "-p", "a=b"], ["s", "p", "o", "-h"]])
def test_anything_else_is_left_to_click_for_explain(args: list[str]) -> None:
    assert parse_args(EXPLAIN, args) is None


def test_an_endpoint_from_the_environment_is_left_to_click(monkeypatch) -> None:
    monkeypatch.setenv("KG_ENDPOINT", "http://127.0.0.1:1/query")
    assert parse_args(QUERY, ["lab-parents"]) is None


# click keyword of each fast-path keyword
CLICK_NAMES = {"fmt": "fmt", "lang": "lang", "reasoning": "reasoning", "engine": "engine", "data_dir": "data_dir",
               "use_cache": "no_cache", "show_all": "show_all"}


@pytest.mark.parametrize(("name", "click_command", "function"), [("query", query_command, answer),
                                                                 ("explain", explain_command, answer_explain)])
def test_the_fast_path_knows_the_click_options_it_handles(name: str, click_command: click.Command,
                                                          function) -> None:
    """Each option it parses exists on the click command under the same keyword, with the same choices and
    the same number of arguments; the defaults it leaves to kg.answers.query are the click command's defaults."""
    fast = COMMANDS[name]
    by_opt = {opt: p for p in click_command.params for opt in p.opts}
    for option, keyword in fast.values.items():
        assert by_opt[option].name == CLICK_NAMES[keyword] and not by_opt[option].is_flag, option
    for option, (keyword, _) in fast.flags.items():
        assert by_opt[option].name == CLICK_NAMES[keyword] and by_opt[option].is_flag, option
    for option in fast.params:
        assert by_opt[option].name == "params" and by_opt[option].multiple
    assert fast.arguments == sum(isinstance(p, click.Argument) for p in click_command.params)
    for keyword, choices in fast.choices().items():
        param = next(p for p in click_command.params if p.name == CLICK_NAMES[keyword])
        assert isinstance(param.type, click.Choice) and tuple(param.type.choices) == tuple(choices), keyword
    defaults = {CLICK_NAMES.get(k, k): p.default for k, p in inspect.signature(function).parameters.items()}
    for param in click_command.params:
        if isinstance(param, click.Option) and param.name in defaults and not (param.multiple or param.is_flag):
            assert param.default == defaults[param.name], param.name
    for option, (keyword, given) in fast.flags.items():  # a flag given flips the function's default
        assert inspect.signature(function).parameters[keyword].default == (not given), option


# -- the same output as the click command -----------------------------------------------------------
def _fast(args: list[str]) -> tuple[int, str, str]:
    command = COMMANDS[args[0]]
    parsed = parse_args(command, args[1:])
    assert parsed is not None, "the fast path declined"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run(command, *parsed)
    return code, out.getvalue(), err.getvalue()


def _click(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env=ENV)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.output
    # stdout_bytes: CliRunner's `stdout` turns the CSV's CRLF line ends into LF
    return result.exit_code, result.stdout_bytes.decode(), result.stderr


CASES = [
    ["query", "lab-parents", *DATA],
    ["query", "lab-parents", *DATA, "--lang", "fr"],
    ["query", "lab-parents", *DATA, "--format", "md"],
    ["query", "lab-parents", *DATA, "-p", "lab=ekd:lix", "--format", "json"],
    ["query", "lab-parents", *DATA, "--format", "csv"],
    ["query", "lab-parents", *DATA, "--format", "tsv"],
    ["query", "lab-parents", *DATA, "--format", "xml"],
    ["query", "lab-parents", *DATA, "--format", "jsonl"],
    ["query", "lab-parents", *DATA, "--reasoning", "owlrl"],
    ["query", "is-supervised", *DATA, "-p", "lab=ekd:lix", "-p", "org=ekd:cnrs"],
    ["query", "is-supervised", *DATA, "-p", "lab=ekd:lix", "-p", "org=ekd:linagora"],  # ASK false: exit 1
    ["query", "supervision-graph", *DATA],
    ["query", "supervision-graph", *DATA, "--format", "nt"],
    ["query", "supervision-graph", *DATA, "--format", "csv"],  # wrong format for CONSTRUCT
    ["query", "echo", *DATA, "--format", "json", "-p", 'text=a "quoted" } text', "-p", "label=bonjour",
     "-p", "when=2024-02-29", "-p", "flag=1", "-p", "thing=ekd:lix"],
    ["query", "echo", *DATA, "-p", "n=many"],
    ["query", "lab-parent", *DATA],  # unknown: suggestions
    ["query", "is-supervised", *DATA, "-p", "lab=ekd:lix"],  # missing parameter
    ["query", "lab-parents", *DATA, "-p", "lab"],
    ["query", "lab-parents", "--data", str(MINI / "nowhere"), "--no-cache"],
    ["explain", "ekd:lix", "ekg:supervisedBy", "ekd:cnrs", *DATA],
    ["explain", "ekd:lix", "rdf:type", "ekg:Organisation", *DATA, "--all", "--lang", "fr"],
    ["explain", "ekd:lix", "rdf:type", "ekg:Organisation", *DATA, "--format", "json"],
    ["explain", "ekd:lix", "ekg:supervisedBy", "ekd:linagora", *DATA],  # does not hold: exit 1
    ["explain", "ekd:lix", "ekg:supervisedBy", '"unterminated', *DATA],  # bad term: exit 2
    ["explain", "ekd:lix", "ekg:supervisedBy", "ekd:cnrs", *DATA, "--engine", "owlrl"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a[:2] + a[5:]))
def test_same_output_exit_code_and_errors_as_click(args: list[str], mini_env) -> None:
    assert _fast(args) == _click(args)


def test_cached_answers_match_too(mini_env, cache_dir) -> None:
    """Through the closure cache (first run writes it, second reads it): still the click command's bytes."""
    args = ["query", "lab-parents", "--data", str(MINI), "--reasoning", "owlrl"]
    first = _fast(args)
    assert first == _fast(args) == _click(args)
    assert any(cache_dir.iterdir())


# -- the console script ---------------------------------------------------------------------------
def _script(args: list[str], env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ENV}
    env.update({k: v for k, v in ENV.items() if v is not None})
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "kg.cli.launcher", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def _imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_the_script_answers_a_plain_query_without_click(mini_env) -> None:
    args = ["query", "lab-parents", *DATA, "--format", "csv"]
    done = _script(args)
    assert done.returncode == 0
    assert done.stdout.replace("\r\n", "\n") == _click(args)[1].replace("\r\n", "\n")  # text mode on both
    assert "click" not in _imported(done.stderr)


def test_the_script_hands_everything_else_to_click(mini_env) -> None:
    done = _script(["query", "lab-parents", "--help"])
    assert done.returncode == 0 and "Usage: kg query" in done.stdout
    assert "click" in _imported(done.stderr)
    bad = _script(["query", "lab-parents", *DATA, "--format", "yaml"])
    assert bad.returncode == 2 and "Invalid value for '--format'" in bad.stderr
