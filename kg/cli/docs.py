"""`kg docs OUTDIR`: the ontology documentation (HTML, en and fr) and the diagrams (SVG), as in a release."""

from __future__ import annotations

import click

from kg.cli.common import checked_path, data_option, handle_errors


@click.command("docs")
@click.argument("outdir", callback=checked_path("OUTDIR"))
@click.option("--no-diagrams", is_flag=True, help="Only the HTML (the diagrams need Graphviz's dot).")
@data_option
@handle_errors
def docs_command(outdir: str, no_diagrams: bool, data_dir: str | None) -> None:
    """Write the ontology documentation and diagrams into OUTDIR.

    ontology.html and ontology.fr.html (self-contained: one page, an anchor per term), and
    diagrams/class-hierarchy.svg, diagrams/object-properties.svg, diagrams/instances.svg. Files already
    there are replaced.

    \b
    Examples:
      kg docs site/
      kg docs docs/ --no-diagrams
    """
    from pathlib import Path

    from kg.engine.graph import open_graph
    from kg.publish.export import write_atomic
    from kg.publish.release import documentation_files
    from kg.shared.errors import InputError
    from kg.shared.paths import layout
    from kg.shared.utf8 import check_path

    check_path(outdir, "OUTDIR")
    kgraph = open_graph(layout(data_dir), reasoning="none")
    files = documentation_files(kgraph, diagrams=not no_diagrams)
    root = Path(outdir)
    try:
        root.mkdir(parents=True, exist_ok=True)
        if not no_diagrams:
            (root / "diagrams").mkdir(exist_ok=True)
    except OSError as exc:
        raise InputError(f"{root}: cannot create the folder: {exc.strerror or exc}") from None
    for name, data in files.items():
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        write_atomic([text], root / name)
    click.echo(f"wrote {len(files)} files to {outdir}", err=True)
