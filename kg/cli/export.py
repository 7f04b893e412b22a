"""`kg export`: the graph as one deterministic file (turtle, jsonld, nt, nq, trig, xml)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import data_option, engine_options, handle_errors

# Kept here, not imported from kg.publish.export, so that `kg --help` does not load the exporter.
RDF_FORMATS = ("turtle", "jsonld", "nt", "nq", "trig", "xml")
# Formats for other tools (kg.publish.tables, kg.publish.network): tables for spreadsheets, networks for Gephi.
TOOL_FORMATS = ("datapackage", "xlsx", "gexf", "graphml")
EXPORT_FORMATS = RDF_FORMATS + TOOL_FORMATS
TOOL_EXTENSIONS = {".gexf": "gexf", ".graphml": "graphml", ".xlsx": "xlsx"}


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default=None,
              help="Output format. Default: from the -o file's extension, else turtle. datapackage: a folder of "
                   "CSV tables with datapackage.json (-o DIR); xlsx: the same tables as one workbook; gexf, "
                   "graphml: the entity network.")
@click.option("--inferred", is_flag=True,
              help="Add the closure. For nq/trig, asserted and inferred triples go to their named graphs "
                   ".../graph/ontology, .../graph/data and .../graph/inferred.")
@click.option("--reasoning", type=click.Choice(("rdfs", "owlrl")), default="owlrl", show_default=True,
              help="Regime of the closure added by --inferred.")
@engine_options
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Write to FILE (atomically: a temporary file, then a rename; through a symbolic link to its "
                   "target; an existing file keeps its mode, a read-only one is refused) instead of stdout "
                   "(also -o -).")
@data_option
@handle_errors
def export_command(fmt: str | None, inferred: bool, reasoning: str, engine: str, no_cache: bool,
                   output: str | None, data_dir: str | None) -> None:
    """Export the graph to a file format.

    By default the asserted graph (ontology + data) only; --inferred adds the closure.

    Byte-identical across runs: sorted triples, canonical blank-node labels, a fixed prefix block, JSON-LD
    compacted with the context shipped in kg/context.jsonld (nothing is fetched).

    \b
    Examples:
      kg export > graph.ttl
      kg export --format jsonld -o graph.jsonld
      kg export --inferred --format trig -o graph.trig
      kg export -o graph.nt --data path/to/graph
      kg export --format datapackage -o tables/      # one CSV per class + datapackage.json
      kg export --format gexf -o ecosystem.gexf      # for Gephi; graphml for yEd, Cytoscape, igraph
    """
    from kg.engine.graph import open_graph, recovering
    from kg.publish import export
    from kg.shared.paths import layout

    if output == "-":
        output = None
    if fmt in TOOL_FORMATS or (fmt is None and output is not None
                                                      and Path(output).suffix.lower() in TOOL_EXTENSIONS):
        from kg.cli.export_tools import export_for_tools

        export_for_tools(fmt or TOOL_EXTENSIONS[Path(output).suffix.lower()], output, inferred, reasoning, engine,
                         no_cache, data_dir)
        return
    if output is not None:
        export.check_target(output)  # before the work: a read-only or misspelt target fails at once
    fmt = fmt or export.format_for_path(output) or "turtle"

    def work():  # the store is read whole here (the lines are sets); only the writing is lazy
        kgraph = open_graph(layout(data_dir), reasoning=reasoning if inferred else "none", engine=engine,
                            use_cache=not no_cache)
        return export.export(kgraph, fmt, inferred=inferred)

    chunks = recovering(work)
    if output is not None:
        path = export.write_atomic(chunks, output)
        click.echo(f"wrote {path}", err=True)
        return
    stream = sys.stdout
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()
