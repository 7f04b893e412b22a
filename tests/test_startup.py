"""Light commands stay light: `kg --help` and `kg queries` load no heavy library and none of the engine."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("rdflib", "owlrl", "pyshacl", "kg.export", "kg.engine.reasoners", "kg.validate", "requests")


def _modules_after(args: list[str]) -> set[str]:
    code = ("import sys; from kg.cli.main import cli\n"
            f"try:\n    cli({args!r}, prog_name='kg')\nexcept SystemExit:\n    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return set(done.stderr.split())


def test_help_imports_nothing_heavy() -> None:
    loaded = _modules_after(["--help"])
    assert "click" in loaded
    assert not [m for m in HEAVY if m in loaded]


def test_queries_imports_nothing_heavy() -> None:
    loaded = _modules_after(["queries"])
    assert "kg.catalog" in loaded
    assert not [m for m in HEAVY if m in loaded]


def test_the_cli_lists_the_exporters_formats() -> None:
    from kg.cli.export import EXPORT_FORMATS as CLI_FORMATS
    from kg.export import EXPORT_FORMATS

    assert CLI_FORMATS == EXPORT_FORMATS
