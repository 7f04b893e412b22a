"""`kg serve`: the graph as a Linked Data site and a SPARQL endpoint on 127.0.0.1, until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.common import Seconds, checked_path, data_option, handle_errors


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to bind (0: any free port).")
@click.option("--reasoning", type=click.Choice(("none", "rdfs", "owlrl")), default="owlrl", show_default=True,
              help="Regime of the closure served in the default graph.")
@click.option("--base-url", metavar="URL", default=None,
              help="Public base URL when deployed behind a proxy (default: the address served).")
@click.option("--timeout", type=Seconds(), default=10.0, show_default=True,
              help="Seconds a query may run before the endpoint answers 503.")
@click.option("--max-rows", type=click.IntRange(min=1, max=100_000_000), default=10_000, show_default=True,
              help="Rows above this are cut (and the response says so).")
@click.option("--sources", "sources_dir", metavar="DIR", default=None, callback=checked_path("--sources"),
              help="Folder holding the source documents' texts, to show them with the quoted passages.")
@click.option("--processes", type=click.IntRange(min=1, max=256), default=None,
              help="Server processes sharing the port (default: one per CPU). A process whose query runs past "
                   "the time limit answers 503, ends to free the CPU and is replaced.")
@click.option("--allow-service", "allow_service", metavar="URL", multiple=True,
              help="An endpoint the SERVICE clauses of queries may call (repeatable). By default federated "
                   "queries are refused (400): the server would call any address a client names.")
@handle_errors
def serve_command(data_dir: str | None, host: str, port: int, reasoning: str, base_url: str | None,
                  timeout: float, max_rows: int, sources_dir: str | None, processes: int | None,
                  allow_service: tuple[str, ...]) -> None:
    """Serve the graph as web pages and a SPARQL endpoint.

    \b
    Examples:
      kg serve                          then open http://127.0.0.1:8000/
      kg serve --port 8080 --sources ../shared/seeds
    """
    import kg

    kg.BACKGROUND_CACHE = False  # the server processes open the closure from the cache: write it before serving
    from kg.serve import prefork
    from kg.serve.app import ServerState
    from kg.serve.config import ServeConfig
    from kg.serve.federation import check_allowed
    from kg.serve.protocol import bind
    from kg.shared.errors import InputError

    allowed = check_allowed(allow_service)
    if sources_dir is not None and not Path(sources_dir).is_dir():
        raise InputError(f"--sources {sources_dir}: no such folder (the documents' texts are read from there)")
    sock = bind(host, port)
    port = sock.getsockname()[1]
    config = ServeConfig(data_dir=data_dir, host=host, port=port, reasoning=reasoning, base_url=base_url,
                         timeout=timeout, max_rows=max_rows, sources_dir=sources_dir, processes=processes,
                         allow_service=allowed)
    ServerState(config)  # the graph opened once here (the closure built and cached if need be): bad data is one
    # line now, and the server processes only open the cache
    shown = f"[{host}]" if ":" in host else host
    count = processes or prefork.default_processes()
    click.echo(f"Serving the graph on http://{shown}:{port}/ (SPARQL: /sparql) with {count} process"
               f"{'es' if count > 1 else ''}; Ctrl-C stops.", err=True)
    prefork.supervise(config, sock)
