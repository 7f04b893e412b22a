"""`kg ingest` and `kg accept`: grow the graph from a new document, with a person deciding in between."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import checked_path, data_option, handle_errors


@click.command("ingest")
@click.argument("file")
@click.option("--id", "doc_id", metavar="ID", help="Ask for this document id (doc-NNN). Default: the id the graph "
              "already gives this text, else the next free number when kg accept adds it.")
@click.option("--title", metavar="TITLE", help="The document's title, when it has one.")
@data_option
@click.option("-o", "--output", metavar="REVIEW", callback=checked_path("-o"),
              help="Write the review file here (default: standard output).")
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

    if _is_folder(file):
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
    if output is not None:
        write_atomic([result.review], output)
        what = result.doc_id or "a new document (its id is given by kg accept)"
        click.echo(f"{output}: {len(result.candidates)} candidates for {what}", err=True)
    else:
        sys.stdout.write(result.review)


def _is_folder(name: str) -> bool:
    """A folder argument; a name the system refuses (too long, …) is left to the file checks to name."""
    try:
        return Path(name).is_dir()
    except (OSError, ValueError):
        return False


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


SHOWN = 12  # statements listed before "… and N more" (--verbose lists them all)


def _list(title: str, triples: list, verbose: bool) -> None:
    click.echo(f"{title}: {len(triples)}")
    shown = triples if verbose else triples[:SHOWN]
    for s, p, o in shown:
        click.echo(f"  {s} {p} {o}")
    if len(triples) > len(shown):
        click.echo(f"  … and {len(triples) - len(shown)} more (--verbose lists them all)")


@click.command("accept")
@click.argument("review")
@data_option
@click.option("--sources", "sources_dir", metavar="DIR", callback=checked_path("--sources"),
              help="Where the documents' texts are kept (default: sources/ in the graph folder).")
@click.option("--by", "who", metavar="NAME", envvar="KG_CURATOR", help="Who accepts (default: $KG_CURATOR or "
              "$USER).")
@click.option("-v", "--verbose", is_flag=True, help="List every statement added and inferred, not the first ones.")
@handle_errors
def accept_command(review: str, data_dir: str | None, sources_dir: str | None, who: str | None,
                   verbose: bool) -> None:
    """Add the accepted rows of a review file to your graph folder as data/<document id>.ttl, with provenance.

    Every row is checked first (declared terms, quotes verbatim in their sentence, IRIs, SHACL); one refusal and
    nothing is written. The document gets its id now (the graph's id for this text, else the next free one);
    every decision, rejections included, is kept in decisions/ so that kg ingest does not propose it again.
    Refuses the graph shipped with kg: run `kg init DIR` first.

    \b
    Examples:
      kg accept article.review.tsv
      kg accept review.tsv --data ./mygraph --sources ./mygraph/sources --by "A. Curator"
    """
    from kg.ingest.accept import accept

    done = accept(review, data_dir=data_dir, sources_dir=sources_dir, who=who)
    for note in done.notes:
        click.echo(f"Note: {note}", err=True)
    if not done.written:
        return
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(done.counts.items())) or "no new row"
    skipped = len(done.outcome("skipped"))
    rejected = len(done.outcome("rejected"))
    click.echo(f"{done.doc_id}: {summary} accepted" + (f", {skipped} already there" if skipped else "")
               + (f", {rejected} rejected (remembered)" if rejected else ""))
    for row in done.outcome("linked"):
        click.echo(f"  row {row.id}: {row.why}")
    click.echo(f"data file: {done.data_file}" if done.turtle else f"no data file for {done.doc_id}")
    click.echo(f"text kept in {done.source_file}; decisions in {done.decisions_file}")
    _list("statements added", done.added_statements, verbose)
    if done.removed_statements:
        _list("statements removed (rows accepted before, now rebuilt)", done.removed_statements, verbose)
    _list("inferred statements gained", done.inferred_gained, verbose)
    if done.inferred_lost:
        _list("inferred statements lost", done.inferred_lost, verbose)


@click.command("retract")
@click.argument("doc")
@data_option
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("-v", "--verbose", is_flag=True, help="List every statement that goes, not the first ones.")
@handle_errors
def retract_command(doc: str, data_dir: str | None, yes: bool, verbose: bool) -> None:
    """Withdraw a document that kg accept added: its data file, kept text and decisions.

    First prints what goes — the asserted statements no other document states, and the inferred statements
    that fall with them — and asks (or --yes). Refused when another document uses an entity it brought.

    \b
    Examples:
      kg retract doc-005
      kg retract ekd:doc-005 --yes --data ./mygraph
    """
    from kg.ingest.retract import RetractBlocked, plan_retract, retract

    plan = plan_retract(doc, data_dir)
    click.echo(f"{plan.doc_id}: withdrawing removes " + ", ".join(str(p) for p in plan.files))
    if plan.entities_gone:
        click.echo(f"entities that go with it: {', '.join(plan.entities_gone)}")
    _list("asserted statements that go", plan.removed_statements, verbose)
    _list("inferred statements that fall with them", plan.inferred_lost, verbose)
    if plan.blocked_by:
        raise RetractBlocked(f"{plan.doc_id} cannot be withdrawn: {plan.blocked_by[0]}; retract that document first")
    if not yes and not click.confirm(f"Withdraw {plan.doc_id}?", default=False):
        click.echo("Nothing withdrawn.", err=True)
        sys.exit(1)
    done = retract(doc, data_dir)
    click.echo(f"{done.doc_id} withdrawn: {len(done.removed_statements)} statements removed")
