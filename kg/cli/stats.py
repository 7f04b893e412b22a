"""`kg stats`: triples per part, instances per class, triples per property, source documents."""

from __future__ import annotations

import json

import click

from kg.cli.common import data_option, engine_options, handle_errors, lang_option, reasoning_option


@click.command("stats")
@reasoning_option("none")
@engine_options
@data_option
@lang_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for scripts.")
@handle_errors
def stats_command(reasoning: str, engine: str, no_cache: bool, data_dir: str | None, lang: str,
                  fmt: str) -> None:
    """Count triples, instances per class, triples per property.

    With --reasoning, a second column shows the counts with the closure.

    \b
    Examples:
      kg stats
      kg stats --reasoning owlrl --lang fr
      kg stats --format json
    """
    from kg.engine.graph import open_graph, recovering
    from kg.inspection import stats
    from kg.output.labels import Labeller
    from kg.shared.paths import layout

    def work() -> str:  # everything read before anything is printed: run again if a cached store is damaged
        kgraph = open_graph(layout(data_dir), reasoning=reasoning, engine=engine, use_cache=not no_cache)
        counts = stats.compute(kgraph)
        if fmt == "json":
            return json.dumps(counts.as_dict(), indent=2) + "\n"
        import pyoxigraph as ox

        terms = [ox.NamedNode(c.iri) for c in counts.classes + counts.properties]
        return stats.render(counts, Labeller.for_terms(kgraph.query, terms, lang))

    click.echo(recovering(work), nl=False)
