"""Parse the graph's Turtle files into a pyoxigraph store, one named graph per file.

One graph per file is what lets validation and explanations name the data file a triple comes from.
Parse errors become one line `file:line: message`, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import GRAPH_BASE
from kg.shared.paths import display_path

__all__ = ["display_path", "file_graph", "file_of_graph", "load_files", "parse_error_line"]

FILE_GRAPH_BASE = GRAPH_BASE + "file/"


def file_graph(kind: str, path: Path, root: Path) -> ox.NamedNode:
    """The named graph holding one source file, e.g. <…/graph/file/data/organisations.ttl>.

    `kind` (ontology or data) is implied by the path relative to the graph root; it is kept in the signature
    for callers that need to tell the two apart."""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.name
    return ox.NamedNode(FILE_GRAPH_BASE + rel.replace(" ", "%20"))


def file_of_graph(graph: ox.NamedNode) -> str | None:
    """The inverse of file_graph: `data/organisations.ttl`, or None for graphs that are not files."""
    value = graph.value
    if not value.startswith(FILE_GRAPH_BASE):
        return None
    return value[len(FILE_GRAPH_BASE):].replace("%20", " ")


def parse_error_line(path: Path, error: SyntaxError) -> str:
    line = error.lineno if isinstance(error.lineno, int) else "?"
    message = str(error.args[0] if error.args else error)
    return f"{display_path(path)}:{line}: {message}"


def load_files(store: ox.Store, kind: str, files: Iterable[Path], root: Path,
               into_default: bool = False) -> list[ox.NamedNode]:
    """Load each file into its own graph (or, with `into_default`, straight into the default graph); on the
    first parse error nothing of that file is kept."""
    from kg.shared import progress

    graphs: list[ox.NamedNode] = []
    files = list(files)
    sizes = [_size(path) for path in files]
    with progress.step(f"Parsing {kind} ({len(files)} file{'s' if len(files) != 1 else ''})", total=sum(sizes),
                       unit="bytes") as shown:
        for path, size in zip(files, sizes, strict=True):
            graph = file_graph(kind, path, root)
            try:
                # Store.load is transactional: a file that fails to parse leaves nothing behind.
                store.load(path=str(path), format=ox.RdfFormat.TURTLE,
                           to_graph=ox.DefaultGraph() if into_default else graph)
            except SyntaxError as exc:
                raise InputError(parse_error_line(path, exc)) from None
            except (OSError, ValueError) as exc:
                raise InputError(f"{display_path(path)}: {exc}") from None
            graphs.append(graph)
            shown.advance(size)
    return graphs


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # said by the load itself
