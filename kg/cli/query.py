"""`kg queries`, `kg query NAME`, `kg sparql QUERY`: list and run SPARQL, locally or at an endpoint."""

from __future__ import annotations

import click

from kg.cli.common import (
    F,
    data_option,
    endpoint_options,
    engine_options,
    handle_errors,
    lang_option,
    output_format_option,
    params_option,
    print_answer,
    reasoning_option,
)
from kg.cli.completion import HELP_OPTIONS, RAW_WORDS, complete_query_name, name_and_data, queries_dir


def read_stdin_bytes() -> bytes | str:
    """Standard input as bytes, so that bytes that are not UTF-8 become a one-line error, not a traceback."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    return stream.read() if stream is not None else sys.stdin.read()


RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "jsonl", "md", "turtle", "jsonld", "nt")
FORMAT_HELP = ("SELECT: table (default, labels), csv (plain values), tsv/json/xml (W3C, typed terms), "
               "jsonl, md. CONSTRUCT/DESCRIBE: turtle (default), jsonld, nt. ASK prints true/false.")


@click.command("queries")
@click.option("--tag", default=None, help="Only the queries with this tag.")
@output_format_option(("table", "json"), default="table")
@data_option
@handle_errors
def queries_command(tag: str | None, fmt: str, data_dir: str | None) -> None:
    """List the named queries.

    Shows each query's name, summary and parameters, read from the `#+` header of its .rq file.

    \b
    Examples:
      kg queries
      kg queries --tag labs
      kg queries --format json
    """
    from kg.query.catalog import filter_by_tag, load_catalog, render_listing
    from kg.shared.paths import layout
    from kg.shared.terminal import terminal_width

    catalog = load_catalog(layout(data_dir).queries_dir)
    click.echo(render_listing(filter_by_tag(catalog, tag), fmt, terminal_width()), nl=False)



def run_options(func: F) -> F:
    """The options `kg query` and `kg sparql` share, in one place so they stay the same."""
    for decorator in reversed((params_option, reasoning_option(), engine_options, data_option,
                               output_format_option(RESULT_FORMATS, help_text=FORMAT_HELP), lang_option,
                               endpoint_options, handle_errors)):
        func = decorator(func)
    return func


class QueryCommand(click.Command):
    """`kg query NAME --help` describes that query (summary, description, typed parameters, examples);
    `kg query --help` alone describes the command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        words = args[: args.index("--")] if "--" in args else args
        ctx.meta[RAW_WORDS] = list(words)  # for completion: click's resilient parse may leave NAME unset
        if any(word in HELP_OPTIONS for word in words):
            name, data_dir = name_and_data(self, words)
            if name is not None:
                from kg.query.catalog import find, render_help
                from kg.shared.errors import KgError

                try:
                    text = render_help(find(queries_dir(data_dir), name))  # type: ignore[arg-type]
                except KgError as exc:
                    raise click.UsageError(exc.message, ctx) from None
                click.echo(text, nl=False)
                ctx.exit(0)
        return super().parse_args(ctx, args)


@click.command("query", cls=QueryCommand)
@click.argument("name", shell_complete=complete_query_name)
@run_options
def query_command(name: str, params: tuple[str, ...], reasoning: str | None, engine: str, no_cache: bool,
                  data_dir: str | None, fmt: str | None, lang: str, endpoint: str | None, auth: str | None,
                  timeout: float) -> None:
    """Run a named query.

    NAME is one of `kg queries`; -p binds its typed parameters. Reasoning defaults to what the query's header
    asks for. `kg query NAME --help` describes that query: what it answers, its parameters with their types
    and examples.

    Exit status: 0, or 1 when an ASK query answers false, 2 on bad input.

    \b
    Examples:
      kg query lab-parents
      kg query lab-parents -p lab=ekd:lix --lang fr
      kg query lab-parents --format csv > labs.csv
      kg query lab-parents --reasoning owlrl
      kg query lab-parents --endpoint http://127.0.0.1:7878/query
    """
    from kg.answers.query import answer_named
    from kg.shared.terminal import terminal_width

    print_answer(answer_named(name, params, reasoning=reasoning, engine=engine, use_cache=not no_cache,
                              data_dir=data_dir, fmt=fmt, lang=lang, endpoint=endpoint, auth=auth,
                              timeout=timeout, width=terminal_width()))


@click.command("sparql")
@click.argument("query", metavar="QUERY_OR_FILE_OR_-")
@run_options
def sparql_command(query: str, params: tuple[str, ...], reasoning: str | None, engine: str, no_cache: bool,
                   data_dir: str | None, fmt: str | None, lang: str, endpoint: str | None, auth: str | None,
                   timeout: float) -> None:
    """Run an ad-hoc SPARQL query (text, file, or - for stdin).

    The project prefixes (ekg:, ekd:, rdfs:, skos:, prov:, …) need no PREFIX lines. A `#+ param:` header is
    honoured; otherwise `-p x=<iri>` or `-p x=ekd:lix` binds an IRI and anything else a string.

    \b
    Examples:
      kg sparql 'SELECT ?lab WHERE { ?lab a ekg:Laboratory }'
      kg sparql my-query.rq --format json
      echo 'ASK { ekd:lix ekg:supervisedBy ekd:cnrs }' | kg sparql -
      kg sparql 'SELECT ?p ?o WHERE { ?s ?p ?o }' -p s=ekd:cnrs --lang fr
    """
    from kg.answers.query import answer_ad_hoc
    from kg.shared.terminal import terminal_width

    stdin_text = read_stdin_bytes() if query == "-" else None  # decoded, and checked, by kg.query
    print_answer(answer_ad_hoc(query, params, stdin_text, reasoning=reasoning, engine=engine, use_cache=not no_cache,
                               data_dir=data_dir, fmt=fmt, lang=lang, endpoint=endpoint, auth=auth,
                               timeout=timeout, width=terminal_width()))
