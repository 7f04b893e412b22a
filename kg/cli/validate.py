"""`kg validate`: check the data against the SHACL shapes."""

from __future__ import annotations

import sys

import click

from kg.cli.common import REGIME_CHOICES, data_option, engine_options, handle_errors
from kg.shared.errors import EXIT_FALSE


@click.command("validate")
@data_option
@engine_options
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text",
              show_default=True,
              help="text: results grouped by focus node; turtle: the SHACL validation report graph; "
                   "json: the results as plain data.")
@click.option("--reasoning", type=click.Choice(REGIME_CHOICES), default="none", show_default=True,
              help="Regime whose inferred types the shapes also see. The subclass closure of asserted "
                   "types is always used; rdfs/owlrl add types inferred from domains and ranges, which "
                   "makes sh:class checks weaker.")
@handle_errors
def validate_cmd(data_dir: str | None, fmt: str, reasoning: str, engine: str, no_cache: bool) -> None:
    """Check the data against the SHACL shapes (ontology/shapes.ttl).

    Only the data is validated, with the rdf:type triples implied by the ontology, so that a value typed
    ekg:Laboratory satisfies `sh:class ekg:Organisation`. Exit status: 0 the data conforms, 1 it does
    not, 2 usage or input error (a file that does not parse, a missing folder).

    \b
    Examples:
      kg validate                          check the project graph
      kg validate --data ./mydata          check the data .ttl files in ./mydata
      kg validate --format json            results as JSON (focus node, path, value, message, files)
      kg validate --format turtle > r.ttl  the SHACL validation report graph
    """
    from kg.inspection.validate import check, render

    report = check(data_dir, reasoning=reasoning, engine=engine, use_cache=not no_cache)
    click.echo(render(report, fmt))
    if not report.conforms:
        sys.exit(EXIT_FALSE)
