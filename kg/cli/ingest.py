"""`kg ingest` and `kg accept`: grow the graph from a new document, with a person deciding in between."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import data_option, handle_errors


@click.command("ingest")
@click.argument("file")
@click.option("--id", "doc_id", metavar="ID", help="Document id (doc-NNN). Default: the next free number, or the "
              "id the graph already gives this text.")
@click.option("--title", metavar="TITLE", help="The document's title, when it has one.")
@data_option
@click.option("-o", "--output", metavar="REVIEW", help="Write the review file here (default: standard output).")
@handle_errors
def ingest_command(file: str, doc_id: str | None, title: str | None, data_dir: str | None,
                   output: str | None) -> None:
    """Propose facts from a French text, each with its sentence and quote, in a review file (TSV).

    Nothing is written to the graph: mark rows accept or reject, then run `kg accept REVIEW`.
    Needs the French model (pip install 'ecosystem-kg[ingest]').

    \b
    Examples:
      kg ingest article.txt -o article.review.tsv
      kg ingest article.txt --title "Un titre" --data ./mygraph -o review.tsv
      kg ingest articles/ -o reviews/        # every .txt of the folder, one NAME.review.tsv each
    """
    from kg.ingest.ingest import ingest
    from kg.publish.export import check_target, write_atomic
    from kg.shared import progress

    if Path(file).is_dir():
        _ingest_folder(file, output, data_dir, doc_id, title)
        return
    if output is not None:
        check_target(output)  # a bad -o is said before the reading, not after
    with progress.step("kg ingest: reading", unit="sentences") as shown:

        def report(done: int, total: int) -> None:
            shown.total = total
            shown.advance(done - shown.done)

        result = ingest(file, data_dir=data_dir, doc_id=doc_id, title=title, progress=report)
    for note in result.notes:
        click.echo(f"Note: {note}", err=True)
    if output:
        write_atomic([result.review], output)
        click.echo(f"{output}: {len(result.candidates)} candidates for {result.doc_id}", err=True)
    else:
        sys.stdout.write(result.review)


def _ingest_folder(folder: str, output: str | None, data_dir: str | None, doc_id: str | None,
                   title: str | None) -> None:
    """A folder of texts: one graph read, one model load, one review file per text in the -o folder."""
    from kg.ingest.batch import ingest_folder, texts_in
    from kg.publish.export import write_atomic
    from kg.shared import progress
    from kg.shared.errors import InputError

    if output is None:
        raise InputError(f"{folder} is a folder: give -o REVIEWS/, the folder its review files go to")
    if doc_id is not None or title is not None:
        raise InputError("--id and --title name one document; they do not apply to a folder")
    files = texts_in(folder)
    with progress.step("kg ingest: documents", total=len(files), unit="documents") as shown:
        done = ingest_folder(folder, output, data_dir=data_dir, each=lambda n, total, path: shown.advance(1),
                             write=lambda text, target: write_atomic([text], str(target)))
    for item in done:
        for note in item.result.notes:
            click.echo(f"Note: {note}", err=True)
    total = sum(len(item.result.candidates) for item in done)
    click.echo(f"{output}: {len(done)} review files, {total} candidates", err=True)


@click.command("accept")
@click.argument("review")
@data_option
@click.option("--sources", "sources_dir", metavar="DIR", help="Where the documents' texts are kept "
              "(default: sources/ beside the data folder).")
@click.option("--by", "who", metavar="NAME", envvar="KG_CURATOR", help="Who accepts (default: $KG_CURATOR or "
              "$USER).")
@handle_errors
def accept_command(review: str, data_dir: str | None, sources_dir: str | None, who: str | None) -> None:
    """Add the accepted rows of a review file to the graph as data/<document id>.ttl, with provenance.

    Every row is checked first (quotes verbatim, IRIs, duplicates, SHACL); one failure and nothing is written.

    \b
    Examples:
      kg accept article.review.tsv
      kg accept review.tsv --data ./mygraph --sources ./mygraph/sources --by "A. Curator"
    """
    from kg.ingest.accept import accept

    done = accept(review, data_dir=data_dir, sources_dir=sources_dir, who=who)
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(done.counts.items()))
    click.echo(f"{done.data_file}: {summary}")
    click.echo(f"text kept in {done.source_file}")
