"""`kg describe`: everything about one entity, with the documents and quotes behind it."""

from __future__ import annotations

import json

import click

from kg.cli.common import data_option, engine_options, handle_errors, lang_option, reasoning_option


@click.command("describe")
@click.argument("name", metavar="NAME_OR_IRI")
@lang_option
@reasoning_option("none")
@engine_options
@data_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for scripts.")
@handle_errors
def describe_command(name: str, lang: str, reasoning: str, engine: str, no_cache: bool, data_dir: str | None,
                     fmt: str) -> None:
    """Show all about one entity, with its sources.

    Lists every statement about it (outgoing and incoming, with the files asserting them) and the sourced
    facts that mention it (document title, file name, quote).

    NAME_OR_IRI is a prefixed name (ekd:cnrs), an IRI (<https://…>), or a label matched exactly but
    case-insensitively against rdfs:label, skos:prefLabel and skos:altLabel.
    With --reasoning, statements that only the closure holds are listed apart.

    \b
    Examples:
      kg describe ekd:cnrs
      kg describe "LINAGORA" --lang fr
      kg describe ekd:lix --reasoning owlrl
      kg describe '<https://w3id.org/ecosystem-kg/id/cnrs>' --format json
    """
    from kg.engine.graph import open_graph, recovering
    from kg.inspection import describe
    from kg.output.labels import Labeller
    from kg.shared.paths import layout
    from kg.shared.terminal import terminal_width

    def work() -> str:  # everything read before anything is printed: run again if a cached store is damaged
        kgraph = open_graph(layout(data_dir), reasoning=reasoning, engine=engine, use_cache=not no_cache)
        desc = describe.describe(kgraph, describe.resolve(kgraph, name))
        if fmt == "json":
            return json.dumps(desc.as_dict(), indent=2, ensure_ascii=False) + "\n"
        labeller = Labeller.for_terms(kgraph.query, desc.terms(), lang)
        return describe.render(desc, labeller, lang, terminal_width())

    click.echo(recovering(work), nl=False)
