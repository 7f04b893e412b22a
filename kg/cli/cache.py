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


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@cache_group.command("info")
@handle_errors
def cache_info() -> None:
    """Show where the cache is and what it holds."""
    from kg.engine.cache import check_root, entries, size_of, survey

    root = check_root()
    items = entries()
    found = survey()
    click.echo(f"cache directory: {root}")
    for item in items:
        click.echo(f"  {item['key'][:12]}  {item['kind'] or '?':5}  reasoning={item['reasoning']}  "
                   f"engine={item['engine']}  {item['bytes'] / 1e6:.1f} MB")
    click.echo(_count(len(items), "entry", "entries"))
    if found["leftovers"]:
        size = sum(size_of(p) for p in found["leftovers"])
        click.echo(f"{_count(len(found['leftovers']), 'leftover', 'leftovers')} of writes that were interrupted "
                   f"({size / 1e6:.1f} MB; `kg cache clear` removes them): "
                   f"{_names([p.name for p in found['leftovers']])}")
    if found["writing"]:
        click.echo(f"{_count(len(found['writing']), 'write', 'writes')} under way: "
                   f"{_names([p.name for p in found['writing']])}")
    if found["foreign"]:
        click.echo(f"{_count(len(found['foreign']), 'file or folder', 'files or folders')} that kg did not write "
                   f"(never deleted): {_names([p.name for p in found['foreign']])}")


@cache_group.command("clear")
@handle_errors
def cache_clear() -> None:
    """Delete every cached closure, and nothing kg did not write."""
    from kg.engine.cache import clear

    done = clear()
    click.echo(f"removed {_count(done.removed, 'cache entry', 'cache entries')} from {done.root}")
    if done.reclaimed:
        click.echo(f"removed {_count(len(done.reclaimed), 'leftover', 'leftovers')} of interrupted writes: "
                   f"{_names(done.reclaimed)}")
    if done.writing:
        click.echo(f"left {_count(len(done.writing), 'write', 'writes')} still under way: {_names(done.writing)}")
    if done.foreign:
        click.echo(f"left {_count(len(done.foreign), 'file/folder', 'files/folders')} that kg did not write: "
                   f"{_names(done.foreign)}")
