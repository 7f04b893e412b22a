"""`kg search`: find entities by any of their labels, ignoring case, accents and punctuation."""

from __future__ import annotations

import click

from kg.cli.common import data_option, handle_errors, lang_option, print_answer


@click.command("search")
@click.argument("text")
@lang_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="text for people, json for scripts.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Most hits shown.")
@click.option("--no-cache", is_flag=True, help="Rebuild the graph instead of reading the cache.")
@click.option("--text", "full_text", is_flag=True,
              help="Search what the documents say instead of names: the graph's quotes and, with --sources, every "
                   "sentence of the source texts (any case, accents and French inflections; \"…\" for a phrase).")
@click.option("--sources", "sources_dir", metavar="DIR", default=None,
              help="With --text: the folder of the source texts (the files the graph cites, e.g. ../shared/seeds).")
@data_option
@handle_errors
def search_command(text: str, lang: str, fmt: str, limit: int, no_cache: bool, full_text: bool,
                   sources_dir: str | None, data_dir: str | None) -> None:
    """Find entities whose labels match TEXT, best first.

    Matches any rdfs:label, skos:prefLabel or skos:altLabel, ignoring case, accents, hyphens and punctuation:
    a label equal to TEXT first, then labels starting with it, then labels with words starting with each word
    of TEXT, then labels containing them. Provenance records (attestations) are never results. Exits 1 when
    nothing matches.

    \b
    Examples:
      kg search zapolski
      kg search "cnrs sciences info" --lang fr
      kg search jean-zay --format json --limit 5
      kg search --text "souveraineté numérique" --sources ../shared/seeds

    With --text, each hit is a sentence of a document (or a quote the graph keeps) with the matched words
    between ** **, its file and sentence number, and the facts that cite it, best first (BM25). The index is
    built once per state of the graph and its sources, and kept in the cache.
    """
    if sources_dir is not None and not full_text:
        raise click.UsageError("--sources goes with --text")
    if full_text:
        from kg.answers.fulltext import answer_text_search

        print_answer(answer_text_search(text, lang=lang, fmt=fmt, limit=limit, data_dir=data_dir,
                                        sources_dir=sources_dir, use_cache=not no_cache))
        return
    from kg.answers.search import answer_search

    print_answer(answer_search(text, lang=lang, fmt=fmt, limit=limit, data_dir=data_dir, use_cache=not no_cache))
