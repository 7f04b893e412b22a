"""`kg serve`: the graph as a Linked Data site and a SPARQL endpoint on 127.0.0.1, until Ctrl-C."""

from __future__ import annotations

import click

from kg.cli.common import data_option, handle_errors


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to bind (0: any free port).")
@click.option("--reasoning", type=click.Choice(("none", "rdfs", "owlrl")), default="owlrl", show_default=True,
              help="Regime of the closure served in the default graph.")
@click.option("--base-url", metavar="URL", default=None,
              help="Public base URL when deployed behind a proxy (default: the address served).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Seconds a query may run before the endpoint answers 503.")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Rows above this are cut (and the response says so).")
@click.option("--sources", "sources_dir", metavar="DIR", default=None,
              help="Folder holding the source documents' texts, to show them with the quoted passages.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Query worker processes (a query past its time limit is stopped by killing its worker).")
@handle_errors
def serve_command(data_dir: str | None, host: str, port: int, reasoning: str, base_url: str | None,
                  timeout: float, max_rows: int, sources_dir: str | None, workers: int) -> None:
    """Serve the graph as web pages and a SPARQL endpoint.

    \b
    Examples:
      kg serve                          then open http://127.0.0.1:8000/
      kg serve --port 8080 --sources ../shared/seeds
    """
    import kg

    kg.BACKGROUND_CACHE = False  # the workers open the closure from the cache: write it before serving
    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig
    from kg.serve.protocol import bind, serve

    sock = bind(host, port)
    port = sock.getsockname()[1]
    config = ServeConfig(data_dir=data_dir, host=host, port=port, reasoning=reasoning, base_url=base_url,
                         timeout=timeout, max_rows=max_rows, sources_dir=sources_dir, workers=workers)
    app = create_app(config)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Serving the graph on http://{shown}:{port}/ (SPARQL: /sparql); Ctrl-C stops.", err=True)
    serve(app, sock)
