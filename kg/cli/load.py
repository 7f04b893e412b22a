"""`kg load`: copy the graph into a remote triplestore, safely (staging graphs, count check, swap)."""

from __future__ import annotations

import sys
from typing import Any

import click

from kg.cli.common import Seconds, data_option, engine_options, handle_errors
from kg.shared.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY

STORES = ("oxigraph", "virtuoso", "generic")


class _ProgressBar:
    """Upload progress on stderr: a click progress bar on a terminal; with --progress elsewhere (a log
    file, CI), one plain line per request, since a redrawn bar would be noise there."""

    def __init__(self, force: bool | None) -> None:
        self.tty = sys.stderr.isatty()
        self.enabled = force if force is not None else self.tty
        self.bar: Any = None
        self.shown = 0

    def __call__(self, sent: int, total: int) -> None:
        if not self.enabled:
            return
        if not self.tty:
            click.echo(f"Uploaded {sent}/{total} triples", err=True)
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Uploading triples", file=sys.stderr)
        self.bar.update(sent - self.shown)
        self.shown = sent

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()


@click.command("load")
@click.argument("base_url")
@click.option("--store", type=click.Choice(STORES), default=None,
              help="Kind of server (sets the endpoint paths and auth). Default: detect from its Server "
                   "header, else generic.")
@click.option("--query-url", metavar="URL", help="SPARQL query endpoint (overrides the store's path).")
@click.option("--update-url", metavar="URL", help="SPARQL update endpoint (overrides the store's path).")
@click.option("--gsp-url", metavar="URL", help="Graph Store Protocol endpoint (overrides the store's path).")
@click.option("--no-gsp", is_flag=True, help="Do not use the Graph Store Protocol: load with INSERT DATA.")
@click.option("--inferred", is_flag=True,
              help="Also load the inferred triples into their own graph (else that graph is dropped, "
                   "so stale inferences never outlive their data).")
@click.option("--reasoning", type=click.Choice(["owlrl", "rdfs"]), default=None,
              help="Regime of the inferred graph (implies --inferred). Default: owlrl.")
@engine_options
@click.option("--graph-ontology", metavar="IRI", default=GRAPH_ONTOLOGY, show_default=True,
              help="Named graph for the ontology.")
@click.option("--graph-data", metavar="IRI", default=GRAPH_DATA, show_default=True,
              help="Named graph for the data.")
@click.option("--graph-inferred", metavar="IRI", default=GRAPH_INFERRED, show_default=True,
              help="Named graph for the inferred triples.")
@data_option
@click.option("--batch-size", type=click.IntRange(min=1, max=10_000_000), default=10_000, show_default=True,
              help="Triples per request (Graph Store chunk or INSERT DATA).")
@click.option("--timeout", type=Seconds(), default=120.0, show_default=True,
              help="Seconds to wait for the server on each request.")
@click.option("--deadline", type=Seconds(), default=600.0, show_default=True,
              metavar="SECONDS",
              help="Give up after this many seconds in all (retries included), leaving the live graphs as "
                   "they were; exit 2.")
@click.option("--auth", type=click.Choice(["basic", "digest", "none"]), default=None,
              help="How to send the credentials of $KG_STORE_USER/$KG_STORE_PASSWORD or ~/.netrc. "
                   "Default: the store's (virtuoso: digest, oxigraph: none, generic: basic).")
@click.option("--no-verify-tls", is_flag=True, help="Do not check the server's TLS certificate.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar on stderr. Default: when stderr is a terminal.")
@handle_errors
def load(
    base_url: str, store: str | None, query_url: str | None, update_url: str | None, gsp_url: str | None,
    no_gsp: bool, inferred: bool, reasoning: str | None, engine: str, no_cache: bool, graph_ontology: str,
    graph_data: str, graph_inferred: str, data_dir: str | None, batch_size: int, timeout: float,
    deadline: float, auth: str | None, no_verify_tls: bool, progress: bool | None,
) -> None:
    """Load the graph into the triplestore at BASE_URL (its root, e.g. http://localhost:7878).

    Each named graph is written to a staging graph, counted against the expected number of triples, and
    only then moved onto the live graph; any failure leaves the live graphs as they were. The whole load
    gives up after --deadline seconds (10 minutes by default), saying on stderr what it is waiting for when
    the server is slow. A successful load also drops the staging graphs that earlier loads of the same
    graphs abandoned (killed before they could clean up), once their own deadline has passed. Credentials
    come from $KG_STORE_USER/$KG_STORE_PASSWORD or ~/.netrc, never from the command line.

    \b
    Examples:
      kg load http://localhost:7878
      kg load http://localhost:8890 --store virtuoso --inferred
      kg load http://localhost:3030 --store generic --query-url http://localhost:3030/kg/query \\
              --update-url http://localhost:3030/kg/update --gsp-url http://localhost:3030/kg/data
    """
    from kg.shared.paths import layout
    from kg.stores.load import load_into_store

    if no_verify_tls:
        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        click.echo("Warning: TLS certificates are not checked (--no-verify-tls).", err=True)
    bar = _ProgressBar(progress)
    try:
        report = load_into_store(
            base_url, store=store, query_url=query_url, update_url=update_url, gsp_url=gsp_url,
            use_gsp=not no_gsp, layout=layout(data_dir), inferred=inferred, reasoning=reasoning,
            engine=engine, use_cache=not no_cache,
            graphs={"ontology": graph_ontology, "data": graph_data, "inferred": graph_inferred},
            batch_size=batch_size, timeout=timeout, auth=auth, verify_tls=not no_verify_tls, progress=bar,
            deadline=deadline, notify=lambda line: click.echo(line, err=True),
        )
    finally:
        bar.close()
    for outcome in report.graphs:
        click.echo(f"{outcome.part:<9} <{outcome.graph}>  {outcome.count} triples")
    for graph in report.dropped:
        click.echo(f"{'inferred':<9} <{graph}>  not loaded, emptied (--inferred loads it)")
    for graph in report.swept:
        click.echo(f"{'staging':<9} <{graph}>  abandoned by an earlier load, dropped")
    for graph in report.unclaimed:
        click.echo(f"Note: <{graph}> looks like a staging graph, but nothing shows its load is over: left "
                   "alone (DROP SILENT GRAPH it if no load is running)", err=True)
    if report.sweep_error:
        click.echo(f"Warning: could not look for abandoned staging graphs: {report.sweep_error}", err=True)
    how = "Graph Store Protocol" if report.method == "gsp" else "SPARQL Update INSERT DATA"
    click.echo(
        f"Loaded {report.total} triples into {report.store} at {report.base_url} "
        f"({how}; staged, counted and swapped)."
    )
