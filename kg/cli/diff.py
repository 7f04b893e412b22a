"""`kg diff OLD NEW`: what changed between two versions of the graph, grouped by entity."""

from __future__ import annotations

import sys

import click

from kg.cli.common import checked_path, handle_errors, lang_option

DIFF_FORMATS = ("text", "markdown", "json")


@click.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True,
              help="text for the terminal, markdown for a changelog, json for scripts.")
@lang_option
@click.option("--repo", metavar="DIR", default=None, callback=checked_path("--repo"),
              help="Git repository in which OLD and NEW name revisions. Default: the source tree kg runs from, "
                   "else the working directory's.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences (like git diff --exit-code).")
@click.option("-o", "--output", metavar="FILE", default=None, callback=checked_path("-o"),
              help="Write to FILE instead of stdout.")
@handle_errors
def diff_command(old: str, new: str, fmt: str, lang: str, repo: str | None, exit_code: bool,
                 output: str | None) -> None:
    """Show what changed between two versions of the graph, entity by entity.

    OLD and NEW are each a release folder (written by kg release), a folder of Turtle (a graph root with
    ontology/ and data/, or a data folder), or a git revision (tag, branch, commit) of the repository. Asserted
    triples only. Statements added and removed, single values changed (figures, dates), and sources
    (documents, quotes, attestations) added or removed, each with labels. Identical inputs: no output but
    a line saying so, exit 0.

    \b
    Examples:
      kg diff v0.1.0 HEAD
      kg diff releases/0.1.0 releases/0.2.0 --format markdown
      kg diff old-data/ data/ --format json -o changes.json
    """
    from pathlib import Path

    from kg.publish.diff import diff_versions, render
    from kg.publish.export import write_atomic

    result = diff_versions(old, new, repo=Path(repo) if repo else None, lang=lang)
    text = render(result, fmt)
    if output is not None:
        write_atomic([text], output)
    else:
        click.echo(text, nl=False)
    if exit_code and not result.empty:
        sys.exit(1)
