"""`kg report`: the quality report (ROBOT style: one SPARQL check per file, each with its severity)."""

from __future__ import annotations

import sys

import click

from kg.cli.common import checked_path, data_option, handle_errors
from kg.shared.errors import EXIT_FALSE

# Kept here, not imported from kg.publish.report, so that `kg --help` does not load the checks.
FAIL_ON = ("ERROR", "WARN", "INFO", "none")
REPORT_FORMATS = ("text", "tsv", "json", "html")


@click.command("report")
@click.option("--fail-on", type=click.Choice(FAIL_ON, case_sensitive=False), default="ERROR", show_default=True,
              help="Exit 1 when a violation of this level or a more severe one is found; none: never.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True,
              help="text for people, tsv (ROBOT's columns), json for scripts, html for a page.")
@click.option("--checks", "checks_dirs", metavar="DIR", multiple=True, callback=checked_path("--checks"),
              help="Also run the .rq checks in DIR (repeatable); a check named like a built-in one replaces it.")
@click.option("--no-builtin", is_flag=True, help="Run only the checks of --checks.")
@click.option("--sources", "sources_dir", metavar="DIR", default=None, envvar="KG_SOURCES_DIR",
              callback=checked_path("--sources"),
              help="Folder of the source documents (.txt), for the check that quotes are verbatim. "
                   "Also $KG_SOURCES_DIR. Without it that check is skipped.")
@click.option("-o", "--output", metavar="FILE", default=None, callback=checked_path("-o"),
              help="Write the report to FILE instead of stdout.")
@data_option
@handle_errors
def report_command(fail_on: str, fmt: str, checks_dirs: tuple[str, ...], no_builtin: bool,
                   sources_dir: str | None, output: str | None, data_dir: str | None) -> None:
    """Check the graph's quality: labels, definitions, ontology header, provenance, quotes, declarations.

    Each check is a SPARQL file returning ?entity ?property ?value, with a '#+ severity: ERROR|WARN|INFO'
    header line (the built-in ones are in kg/publish/checks/). The summary line goes to stderr; the exit
    status is 1 when --fail-on is reached, 2 on bad input.

    \b
    Examples:
      kg report
      kg report --sources ../shared/seeds --fail-on WARN
      kg report --format tsv -o report.tsv
      kg report --checks my-checks/ --format json
    """
    from kg.engine.graph import open_graph
    from kg.publish import report as rep
    from kg.publish.export import write_atomic
    from kg.shared.paths import layout

    checks = rep.load_checks(checks_dirs, builtin=not no_builtin)
    sources = rep.read_sources(sources_dir) if sources_dir else None
    kgraph = open_graph(layout(data_dir), reasoning="none", use_cache=False)
    result = rep.run_report(kgraph, checks, sources=sources)
    text = rep.render(result, fmt)
    if output is not None:
        write_atomic([text], output)
    else:
        click.echo(text, nl=False)
    if fmt != "text" or output:
        click.echo(rep.summary_line(result), err=True)
    if result.fails(fail_on.upper() if fail_on.lower() != "none" else "none"):
        sys.exit(EXIT_FALSE)
