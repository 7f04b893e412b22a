"""The list of commands, in the order `kg --help` shows them. Add a command here and nowhere else."""

from __future__ import annotations

import importlib

import click

# module (under kg.cli) : name of the click command object in it
COMMAND_MODULES: list[tuple[str, str]] = [
    ("query", "queries_command"),
    ("query", "query_command"),
    ("query", "sparql_command"),
    ("describe", "describe_command"),
    ("stats", "stats_command"),
    ("export", "export_command"),
    ("validate", "validate_cmd"),
    ("explain", "explain_command"),
    ("load", "load"),
    ("cache", "cache_group"),
]


def all_commands() -> list[click.Command]:
    out = []
    for module_name, attr in COMMAND_MODULES:
        module = importlib.import_module(f"kg.cli.{module_name}")
        out.append(getattr(module, attr))
    return out
