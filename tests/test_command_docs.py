"""docs/commands.md is generated from every command's --help (scripts/gen_command_docs.py): a command or option
added without regenerating it fails here, so the reference the README links to is always the code's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_command_reference_is_current() -> None:
    done = subprocess.run([sys.executable, "scripts/gen_command_docs.py", "--check"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_command_reference_lists_every_command() -> None:
    from kg.cli.commands import COMMAND_MODULES

    text = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    for name, _, _ in COMMAND_MODULES:
        assert f"## kg {name}\n" in text, name
