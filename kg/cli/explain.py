"""`kg explain S P O`: why a triple holds, down to the documents and quotes of its asserted premises."""

from __future__ import annotations

import click

from kg import ENGINES
from kg.cli.common import data_option, handle_errors, lang_option, print_answer


@click.command("explain")
@click.argument("subject")
@click.argument("predicate")
@click.argument("object_", metavar="OBJECT")
@click.option("--reasoning", type=click.Choice(("rdfs", "owlrl")), default="owlrl", show_default=True,
              help="Reasoning regime whose closure is explained.")
@click.option("--engine", type=click.Choice(ENGINES), default="rules",
              show_default=True, help="Only the default engine (rules) records derivations.")
@click.option("--all", "show_all", is_flag=True, help="List every rule instance that concludes the triple.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Do not read or write the cached closure.")
@lang_option
@data_option
@handle_errors
def explain_command(subject: str, predicate: str, object_: str, reasoning: str, engine: str, show_all: bool,
                    fmt: str, no_cache: bool, lang: str, data_dir: str | None) -> None:
    """Explain why SUBJECT PREDICATE OBJECT holds.

    Prints the shortest proof as a tree: each inferred step names its OWL 2 RL rule (prp-spo2, prp-trp,
    cax-sco, …) and the premises it used; each leaf is an asserted triple with its data file, the source
    document and the supporting quote. Terms are IRIs, prefixed names or labels naming one entity; objects
    may be literals in Turtle syntax ("2024-02-26"^^xsd:date, 126.0, "texte"@fr).

    Exit 0 when the triple holds, 1 when it neither holds nor follows, 2 on bad input.

    \b
    Examples:
      kg explain ekd:adeline-nazarenko ekg:affiliatedWith ekd:cnrs
      kg explain "LIX" ekg:subOrganisationOf "CNRS" --lang fr
      kg explain ekd:lix rdf:type ekg:Organisation --all
      kg explain ekd:linto ekg:developedBy ekd:linagora --format json
    """
    from kg.answers.explain import answer_explain

    done = answer_explain(subject, predicate, object_, reasoning=reasoning, engine=engine, show_all=show_all,
                          fmt=fmt, use_cache=not no_cache, lang=lang, data_dir=data_dir)
    print_answer(done)
