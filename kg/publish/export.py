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
    from kg.shared import progress

    with progress.step("Collecting the triples to export"):
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

def check_target(path: str | os.PathLike[str]) -> tuple[str, Path, os.stat_result | None]:
    """(the name as given, the file it leads to through links, its status or None when it does not exist yet),
    or an InputError saying why it cannot be written; called before a long export, and again to write."""
    import stat

    shown = os.fspath(path)
    if not shown:
        raise InputError("-o: empty file name (leave -o out, or write -o -, for the standard output)")
    target = Path(os.path.realpath(shown))  # through every link, to the file that is written
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"{shown}: no such directory {folder}")
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise InputError(f"{shown}: is a directory")
    if st is not None and stat.S_ISREG(st.st_mode) and (not st.st_mode & 0o222 or not os.access(target, os.W_OK)):
        raise InputError(f"{shown}: is read-only; not replaced (make it writable, or choose another file)")
    return shown, target, st


def write_atomic(chunks: Iterable[str], path: str | os.PathLike[str]) -> Path:
    """Write text to a temporary file beside the file `path` names, then rename it over that file: readers
    never see half a file, and a failure leaves the old file as it was.

    A symbolic link is written through: its target is replaced (atomically), the link stays a link. An existing
    file keeps its mode (and owner, where allowed); a read-only file is refused rather than replaced behind
    its owner's back. A device or a pipe (`-o /dev/stdout`) is written to directly. Temporary files left
    beside the target by an export that was killed (their writer's process is gone) are removed first."""
    import stat

    shown, target, st = check_target(path)
    if st is not None and not stat.S_ISREG(st.st_mode):
        return _write_through(chunks, target, shown)
    reclaim_leftovers(target)
    tmp_name = str(target.parent / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InputError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    from kg.shared import progress

    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle, \
                progress.step(f"Writing {shown}", unit="bytes") as shown_progress:
            for chunk in chunks:
                handle.write(chunk)
                shown_progress.advance(len(chunk))
            handle.flush()
            os.fsync(handle.fileno())
        if st is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_name, 0o666 & ~umask)
        else:
            os.chmod(tmp_name, stat.S_IMODE(st.st_mode))
            try:
                os.chown(tmp_name, st.st_uid, st.st_gid)
            except OSError:
                pass  # only root may give a file away: the new file is then the writer's
        os.replace(tmp_name, target)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"{shown}: cannot write: {exc.strerror or exc}") from None
        raise
    return Path(shown)


def _write_through(chunks: Iterable[str], target: Path, shown: str) -> Path:
    try:
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as exc:
        raise InputError(f"{shown}: cannot write: {exc.strerror or exc}") from None
    return Path(shown)


def reclaim_leftovers(target: Path) -> list[Path]:
    """Remove the temporary files `.NAME.PID.RAND.tmp` that an export to `target` left when it was killed (its
    process is gone); a concurrent export's file (its process runs) is left alone. Returns what was removed."""
    from kg.shared.paths import pid_alive

    prefix = f".{target.name}."
    removed = []
    try:
        names = [name for name in os.listdir(target.parent) if name.startswith(prefix) and name.endswith(".tmp")]
    except OSError:
        return removed
    for name in names:
        pid, _, rand = name[len(prefix):-len(".tmp")].partition(".")
        if not pid.isdigit() or len(rand) != 8 or any(c not in "0123456789abcdef" for c in rand):
            continue  # not a name this function gives
        if pid_alive(int(pid)) and int(pid) != os.getpid():
            continue
        leftover = target.parent / name
        try:
            if leftover.is_file() and not leftover.is_symlink():
                leftover.unlink()
                removed.append(leftover)
        except OSError:
            pass
    return removed
