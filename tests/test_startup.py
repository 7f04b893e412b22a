"""Light commands stay light: `kg --help` and `kg queries` load no heavy library and none of the engine."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("rdflib", "owlrl", "pyshacl", "kg.publish.export", "kg.engine.reasoners", "kg.inspection.validate", "requests")


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
    assert "kg.query.catalog" in loaded
    assert not [m for m in HEAVY if m in loaded]
    again = _modules_after(["queries"])  # the parsed catalogue is remembered: no term is made
    assert "pyoxigraph" not in again and "kg.cli.export" not in again


def test_a_warm_query_imports_neither_click_nor_the_engine() -> None:
    code = ("import sys, contextlib, io\nfrom kg.cli.launcher import COMMANDS, parse_args, run\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    run(COMMANDS['query'], *parse_args(COMMANDS['query'], ['lab-parents', '--format', 'csv']))\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    for _ in range(2):  # the first run may build the cache
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split())
    assert "kg.answers.query" in loaded and "pyoxigraph" in loaded
    assert not [m for m in (*HEAVY, "click", "kg.engine.rules", "dataclasses", "typing", "hashlib") if m in loaded]


def test_the_cli_lists_the_exporters_formats() -> None:
    from kg.cli.export import EXPORT_FORMATS as CLI_FORMATS
    from kg.cli.export import RDF_FORMATS, TOOL_FORMATS
    from kg.publish.export import EXPORT_FORMATS
    from kg.publish.network import FORMATS as NETWORK_FORMATS

    assert RDF_FORMATS == EXPORT_FORMATS
    assert set(TOOL_FORMATS) == {"datapackage", "xlsx", *NETWORK_FORMATS}
    assert CLI_FORMATS == RDF_FORMATS + TOOL_FORMATS
