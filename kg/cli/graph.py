"""`kg init` and `kg info`: make a graph folder of one's own, and say which graph a command would use."""

from __future__ import annotations

import json

import click

from kg.cli.common import data_option, handle_errors


@click.command("init")
@click.argument("directory", metavar="DIR")
@click.option("--empty", is_flag=True, help="The ontology and its vocabularies only, no entity (default: a copy "
              "of the ecosystem graph).")
@handle_errors
def init_command(directory: str, empty: bool) -> None:
    """Create a graph folder DIR of your own: ontology/, data/, queries/, sources/ and a kg-graph.toml marker.

    Commands run inside DIR (or below it) use that graph, as git finds its repository; `kg accept` and
    `kg retract` write only there, never inside the installed package.

    \b
    Examples:
      kg init mygraph && cd mygraph && kg query affiliations
      kg init --empty newsroom
    """
    from kg.shared.graphdir import init_graph

    root = init_graph(directory, empty=empty)
    what = "the ontology and its vocabularies" if empty else "a copy of the ecosystem graph"
    click.echo(f"{root}: new kg graph with {what}; run kg commands inside it (cd {root})")


@click.command("info")
@data_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Output format.")
@handle_errors
def info_command(data_dir: str | None, fmt: str) -> None:
    """Say which graph kg uses here and why (--data, $KG_DATA_DIR, a kg-graph.toml above, or the packaged graph).

    \b
    Examples:
      kg info
      kg info --data ./mygraph --format json
    """
    from kg.shared.graphdir import graph_info

    info = graph_info(data_dir)
    if fmt == "json":
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
        return
    click.echo(f"graph: {info['path']}")
    click.echo(f"why: {info['why']}")
    click.echo("writable: " + ("yes (kg accept and kg retract write here)" if info["writable"] else
                               "no (run `kg init DIR` to make a graph of your own)"))
    marker = info.get("marker")
    if marker:
        click.echo(f"format: {marker.get('format')}, base IRI: {marker.get('base')}, "
                   f"default language: {marker.get('language')}")
    docs = info["accepted_documents"]
    click.echo(f"data: {info['data_files']} Turtle files; documents added by kg accept: "
               f"{', '.join(docs) if docs else 'none'}; kept texts: {info['sources']}")
