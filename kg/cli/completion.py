"""Shell completion of `kg` (click's: `_KG_COMPLETE=bash_source kg`): query names with their summaries, and
after `-p` the parameters of the query named on the line."""

from __future__ import annotations

import os
from typing import Any

import click

HELP_OPTIONS = ("-h", "--help")
RAW_WORDS = "kg.query.words"  # ctx.meta key: the words `kg query` was given, before click parsed them


def queries_dir(data_dir: str | None) -> Any:
    from kg.shared.paths import layout

    return layout(data_dir).queries_dir


def name_and_data(command: click.Command, words: list[str]) -> tuple[str | None, str | None]:
    """The first positional word (the query's name) and the value of --data, read the way click would: an
    option that takes a value consumes the next word unless written `--opt=value` or `-pVALUE`."""
    takes_value = {opt for p in command.params if isinstance(p, click.Option) and not p.is_flag for opt in p.opts}
    name, data_dir = None, os.environ.get("KG_DATA_DIR") or None
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word.startswith("-") and word != "-":
            option, eq, value = word.partition("=")
            short = next((o for o in takes_value if len(o) == 2 and word.startswith(o) and word != o), None)
            if option in takes_value and not eq and short is None:
                value = words[i] if i < len(words) else ""
                i += 1
            if option == "--data":
                data_dir = value
            continue
        if name is None:
            name = word
    return name, data_dir


def complete_query_name(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """NAME: the catalogue's names, each with its summary."""
    from click.shell_completion import CompletionItem

    from kg.query.catalog import load_catalog

    try:
        catalog = load_catalog(queries_dir(ctx.params.get("data_dir")))
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [CompletionItem(name, help=q.summary) for name, q in catalog.items() if name.startswith(incomplete)]


def complete_param(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """`-p`: `NAME=` for each parameter of the query already named on the line (`kg query` only)."""
    from click.shell_completion import CompletionItem

    from kg.query.catalog import find

    if ctx.command.name != "query":
        return []
    name, data_dir = ctx.params.get("name"), ctx.params.get("data_dir")
    if name is None:  # `kg query NAME -p <TAB>`: click's resilient parse gave up on the bare -p
        name, data_dir = name_and_data(ctx.command, ctx.meta.get(RAW_WORDS, []))
    try:
        named = find(queries_dir(data_dir), name or "")
    except Exception:  # an unknown or missing NAME: nothing to offer
        return []
    return [CompletionItem(f"{p.name}=", help=f"{p.type_text}, {p.mode}: {p.description}")
            for p in named.params if f"{p.name}=".startswith(incomplete)]
