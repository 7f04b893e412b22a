"""`kg explain` prints the same bytes in every fresh process, from a cold cache, a warm one and no cache at all,
and those bytes are the committed golden files in tests/golden/explain/ (the README's worked example is one of
them, copied exactly). A property chain's list node is a blank node whose label changes with every parse; the
proof shows the chain as the property path it stands for instead.

After a deliberate change: `.venv/bin/python scripts/regen_golden.py` rewrites these files too; review the diff.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXPLAIN_DIR = Path(__file__).resolve().parent / "golden" / "explain"
README = REPO / "README.md"

# name -> the arguments after `kg explain`
EXPLAIN_CASES: dict[str, list[str]] = {
    "nazarenko-affiliated-cnrs": ["ekd:adeline-nazarenko", "ekg:affiliatedWith", "ekd:cnrs"],
    "lix-suborganisation-cnrs-fr-all": ["LIX", "ekg:subOrganisationOf", "CNRS", "--lang", "fr", "--all"],
    "lix-type-organisation-json": ["ekd:lix", "rdf:type", "ekg:Organisation", "--format", "json"],
    "maudet-member-linagora-json": ["ekd:michel-marie-maudet", "ekg:memberOf", "ekd:linagora", "--format", "json"],
}
README_CASE = "nazarenko-affiliated-cnrs"
BLANK_LABEL = re.compile(r"_:[0-9A-Za-z]+")


def explain_output(args: list[str], *, cache_dir: Path | None = None, no_cache: bool = False) -> str:
    """`kg explain ARGS` in a fresh process on the project graph: stdout, or the failure with its stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("KG_DATA_DIR", "KG_QUERIES_DIR", "KG_CACHE_DIR")}
    if cache_dir is not None:
        env["KG_CACHE_DIR"] = str(cache_dir)
    argv = [sys.executable, "-m", "kg.cli.launcher", "explain", *args] + (["--no-cache"] if no_cache else [])
    done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"kg explain {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout


def golden_path(name: str) -> Path:
    return EXPLAIN_DIR / f"{name}.txt"


@pytest.mark.parametrize("name", sorted(EXPLAIN_CASES))
def test_explain_is_byte_identical_to_its_golden_in_every_fresh_process(name: str, tmp_path: Path) -> None:
    path = golden_path(name)
    assert path.is_file(), f"{path.name} is missing: run scripts/regen_golden.py and review the diff"
    golden = path.read_text(encoding="utf-8")
    args = EXPLAIN_CASES[name]
    cold = explain_output(args, cache_dir=tmp_path / "cache")  # builds the closure, writes the cache
    warm = explain_output(args, cache_dir=tmp_path / "cache")  # reads it (or rebuilds if the writer is late)
    rebuilt = explain_output(args, cache_dir=tmp_path / "other-cache")
    uncached = explain_output(args, no_cache=True)
    assert cold == warm == rebuilt == uncached, "kg explain printed different bytes in different processes"
    assert cold == golden, f"kg explain differs from {path.name}; if deliberate, run scripts/regen_golden.py"
    assert not BLANK_LABEL.search(golden), "a blank-node label in an explanation changes from run to run"


def test_chains_are_shown_as_property_paths() -> None:
    text = golden_path(README_CASE).read_text(encoding="utf-8")
    assert "owl:propertyChainAxiom  ( holds role / role organisation )" in text
    data = golden_path("maudet-member-linagora-json").read_text(encoding="utf-8")
    assert ('"object": "( <https://w3id.org/ecosystem-kg/ontology#holdsRole> / '
            '<https://w3id.org/ecosystem-kg/ontology#roleOrganisation> )"') in data


def test_readme_worked_example_is_the_golden_output() -> None:
    readme = README.read_text(encoding="utf-8")
    command = "kg explain " + " ".join(EXPLAIN_CASES[README_CASE])
    match = re.search(rf"```sh\n{re.escape(command)}\n```\n\n```\n(.*?)```", readme, flags=re.DOTALL)
    assert match, f"the README's worked example no longer shows `{command}` and its output"
    assert match.group(1) == golden_path(README_CASE).read_text(encoding="utf-8")
