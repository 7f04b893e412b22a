"""`kg cache`: see and clear the cached closures."""

from __future__ import annotations

import click

from kg.cli.common import handle_errors


@click.group("cache")
def cache_group() -> None:
    """Inspect or clear the on-disk cache of reasoned graphs.

    The cache lives in $KG_CACHE_DIR, else $XDG_CACHE_HOME/ecosystem-kg (usually ~/.cache/ecosystem-kg).
    An entry is keyed by the ontology and data files, the regime, the engine and kg's version: any change
    makes a new entry, so clearing is never needed for correctness.

    \b
    Examples:
      kg cache info
      kg cache clear
    """


@cache_group.command("info")
@handle_errors
def cache_info() -> None:
    """Show where the cache is and what it holds."""
    from kg.engine.cache import cache_root, entries

    items = entries()
    click.echo(f"cache directory: {cache_root()}")
    for item in items:
        click.echo(f"  {item['key'][:12]}  {item['kind'] or '?':5}  reasoning={item['reasoning']}  "
                   f"engine={item['engine']}  {item['bytes'] / 1e6:.1f} MB")
    click.echo(f"{len(items)} entr{'y' if len(items) == 1 else 'ies'}")


@cache_group.command("clear")
@handle_errors
def cache_clear() -> None:
    """Delete every cached closure."""
    from kg.engine.cache import clear

    root, removed = clear()
    click.echo(f"removed {removed} cache entr{'y' if removed == 1 else 'ies'} from {root}")
