"""`kg release OUTDIR`: a versioned, checksummed, self-describing release of the graph."""

from __future__ import annotations

import click

from kg.cli.common import data_option, engine_options, handle_errors


@click.command("release")
@click.argument("outdir")
@click.option("--previous", metavar="DIR|TAG", default=None,
              help="The previous release (its folder, or a git tag/revision) that CHANGES.md starts from. "
                   "Without it the release says it is the first.")
@click.option("--quotes", type=click.Choice(("full", "none")), default="full", show_default=True,
              help="none: leave out the quoted words (ekg:quote, ekg:quotedText, quotation labels, descriptions "
                   "and notes copied from them), keeping names, documents and sentence indexes.")
@click.option("--sources", "sources_dir", metavar="DIR", default=None, envvar="KG_SOURCES_DIR",
              help="Folder of the source documents, so the quality report checks the quotes (also $KG_SOURCES_DIR).")
@click.option("--no-diagrams", is_flag=True, help="Leave out the diagrams (they need Graphviz's dot).")
@engine_options
@data_option
@handle_errors
def release_command(outdir: str, previous: str | None, quotes: str, sources_dir: str | None, no_diagrams: bool,
                    engine: str, no_cache: bool, data_dir: str | None) -> None:
    """Write a release into OUTDIR: dumps, description, documentation, report, changes.

    Turtle and JSON-LD of the asserted graph, N-Quads and TriG with the closure in named graphs (each also
    gzipped), a VoID/DCAT 3 description with statistics and SHA-256 checksums, the ontology documentation
    (HTML, en and fr) and diagrams (SVG, by Graphviz), the quality report, CHANGES.md, the licence and
    rights. Byte-identical for the same inputs: the issue date comes from SOURCE_DATE_EPOCH, else the last
    commit. Refuses to release when the quality report has an ERROR.

    \b
    Examples:
      kg release releases/0.1.0 --sources ../shared/seeds
      kg release releases/0.2.0 --previous releases/0.1.0
      kg release releases/0.2.0-no-quotes --quotes none --previous v0.1.0
    """
    from functools import partial

    from kg.engine.graph import open_graph
    from kg.publish.release import build_release, write_documentation
    from kg.shared.paths import layout

    lay = layout(data_dir)
    kgraph = open_graph(lay, reasoning="owlrl", engine=engine, use_cache=not no_cache)
    asserted = open_graph(lay, reasoning="none", use_cache=False)
    names = build_release(outdir, kgraph, asserted, previous=previous, quotes=quotes, sources_dir=sources_dir,
                          extras=partial(write_documentation, diagrams=not no_diagrams))
    click.echo(f"wrote {len(names)} files to {outdir}", err=True)
