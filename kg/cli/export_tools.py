"""`kg export --format datapackage|gexf|graphml`: tables for spreadsheets (kg.publish.tables) and the entity
network for Gephi and friends (kg.publish.network)."""

from __future__ import annotations

import sys

import click

from kg.shared.errors import InputError


def export_for_tools(fmt: str, output: str | None, inferred: bool, reasoning: str, engine: str, no_cache: bool,
                     data_dir: str | None) -> None:
    from kg.engine.graph import open_graph, recovering
    from kg.shared.paths import layout

    if fmt in ("datapackage", "xlsx"):
        if output is None:
            where = "a folder: give it with -o DIR" if fmt == "datapackage" else "a workbook: give it with -o FILE.xlsx"
            raise InputError(f"--format {fmt} writes {where}")
        if inferred:
            raise InputError("--inferred: the tables hold what the documents state (inferred classes decide "
                             "which table a row goes to); leave --inferred out")
        from kg.publish.tables import require_openpyxl, write_datapackage, write_xlsx

        if fmt == "xlsx":
            require_openpyxl()  # before the work

        def work():
            kgraph = open_graph(layout(data_dir), reasoning="none", engine=engine, use_cache=not no_cache)
            return (write_datapackage if fmt == "datapackage" else write_xlsx)(kgraph, output)

        click.echo(f"wrote {recovering(work)}", err=True)
        return
    from kg.publish import export
    from kg.publish.network import build_network, serialise

    if output is not None:
        export.check_target(output)

    def build() -> bytes:
        kgraph = open_graph(layout(data_dir), reasoning=reasoning if inferred else "none", engine=engine,
                            use_cache=not no_cache)
        return serialise(build_network(kgraph, inferred=inferred), fmt)

    data = recovering(build)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = export.write_atomic([data.decode("utf-8")], output)
    click.echo(f"wrote {path}", err=True)
