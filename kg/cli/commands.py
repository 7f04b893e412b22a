"""The list of commands, in the order `kg --help` shows them. Add a command here and nowhere else."""

from __future__ import annotations

import importlib

import click

# command name : module (under kg.cli) : name of the click command object in it.
# The group imports a command's module only when that command runs (or when --help lists them all).
COMMAND_MODULES: list[tuple[str, str, str]] = [
    ("queries", "query", "queries_command"),
    ("query", "query", "query_command"),
    ("sparql", "query", "sparql_command"),
    ("describe", "describe", "describe_command"),
    ("search", "search", "search_command"),
    ("stats", "stats", "stats_command"),
    ("export", "export", "export_command"),
    ("validate", "validate", "validate_cmd"),
    ("report", "report", "report_command"),
    ("diff", "diff", "diff_command"),
    ("release", "release", "release_command"),
    ("docs", "docs", "docs_command"),
    ("explain", "explain", "explain_command"),
    ("load", "load", "load"),
    ("ingest", "ingest", "ingest_command"),
    ("accept", "ingest", "accept_command"),
    ("retract", "ingest", "retract_command"),
    ("cache", "cache", "cache_group"),
    ("serve", "serve", "serve_command"),
    # last: `kg init` makes folders, and the hostile-argument test runs every command in one folder in this order
    ("init", "graph", "init_command"),
    ("info", "graph", "info_command"),
]


def load_command(name: str) -> click.Command | None:
    """The command called `name`, importing only its module; None when there is none."""
    for command_name, module_name, attr in COMMAND_MODULES:
        if command_name == name:
            return getattr(importlib.import_module(f"kg.cli.{module_name}"), attr)
    return None


def all_commands() -> list[click.Command]:
    return [command for name, _, _ in COMMAND_MODULES if (command := load_command(name)) is not None]
