"""The graph as one deterministic file: which triples go in (ontology, data and, when asked, the closure without
the reasoners' noise), in which named graphs, written atomically. The serialisers are kg.output.rdf.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.output.rdf import (
    Line,
    _lines,
    _split,
    canonical,
    canonical_lines,
    nquads_chunks,
    trig_chunks,
    triple_writer,
)
from kg.shared.errors import InputError
from kg.shared.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY, OWL, RDF, RDFS, XSD

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

EXPORT_FORMATS = ("turtle", "jsonld", "nt", "nq", "trig", "xml")
QUAD_FORMATS = ("nq", "trig")
EXTENSIONS = {".ttl": "turtle", ".jsonld": "jsonld", ".json": "jsonld", ".nt": "nt", ".nq": "nq",
              ".trig": "trig", ".rdf": "xml", ".xml": "xml", ".owl": "xml"}

OWL_SAMEAS = OWL + "sameAs"
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)
_SAMEAS_NT = f"<{OWL_SAMEAS}>"
_BUILTIN_NT = tuple(f"<{ns}" for ns in BUILTIN_NAMESPACES)


def graph_lines(store: ox.Store, graphs: Iterable[ox.NamedNode]) -> set[Line]:
    """The distinct lines of the union of some named graphs of a store."""
    out: set[Line] = set()
    for graph in graphs:
        out.update(_lines(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)))
    return out

def is_noise(triple: ox.Triple) -> bool:
    """Reasoner by-products that stores reject or nobody wants: literal subjects, reflexive sameAs, and
    statements about the rdf:/rdfs:/owl:/xsd: vocabularies themselves."""
    return is_noise_line(str(triple)) or isinstance(triple.subject, ox.Literal)

def is_noise_line(line: Line) -> bool:
    s, p, o = _split(line)
    if s.startswith('"'):
        return True
    if p == _SAMEAS_NT and s == o:
        return True
    return s.startswith(_BUILTIN_NT)

def export_lines(kgraph: KnowledgeGraph, *, inferred: bool = False) -> dict[str, set[Line]]:
    """Lines by target graph: ontology, data and (when asked) the closure's new, noise-free triples."""
    store = kgraph.store
    parts = {GRAPH_ONTOLOGY: graph_lines(store, kgraph.graphs("ontology")),
             GRAPH_DATA: graph_lines(store, kgraph.graphs("data"))}
    if inferred:
        asserted = parts[GRAPH_ONTOLOGY] | parts[GRAPH_DATA]
        parts[GRAPH_INFERRED] = {line for line in graph_lines(store, kgraph.graphs("inferred"))
                                 if line not in asserted and not is_noise_line(line)}
    return parts

def export(kgraph: KnowledgeGraph, fmt: str, *, inferred: bool = False) -> Iterator[str]:
    """The graph in one format. nq/trig keep ontology, data and inferred triples in their named graphs;
    the other formats write their union."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"--format {fmt}: unknown format (choose from {', '.join(EXPORT_FORMATS)})")
    parts = export_lines(kgraph, inferred=inferred)
    if fmt in QUAD_FORMATS:
        graphs = canonical(parts)
        return nquads_chunks(graphs) if fmt == "nq" else trig_chunks(graphs)
    writer = triple_writer(fmt)
    return writer(canonical_lines(set().union(*parts.values())))

def format_for_path(path: str | os.PathLike[str] | None) -> str | None:
    """The export format a file name asks for (`graph.jsonld` → jsonld), or None."""
    if path is None:
        return None
    return EXTENSIONS.get(Path(path).suffix.lower())

def write_atomic(chunks: Iterable[str], path: str | os.PathLike[str]) -> Path:
    """Write text to a temporary file next to `path`, then rename: readers never see half a file."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"{target}: no such directory {folder}")
    try:
        import tempfile
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, target)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
        raise
    return target
