"""A graph folder a person owns: `kg init`, its marker file, the lock writers take, and writes of several files
that happen whole or not at all.

Why a journal: `kg accept` changes up to three files (the document's data file, its kept text, its decisions) and
`kg retract` removes them. Each file is written to a temporary name and renamed, which is atomic for one file;
for several, the list of renames and removals is first written (atomically) to `.kg-journal`. A process killed
before the journal exists changed nothing; killed after, the next command that opens the folder finishes the
list (every step can be repeated). Readers therefore see the graph before or after, never between.

Why a lock: two writers that each read the graph, then write, would each miss the other's document (and give it
the same number). A writer holds an exclusive `flock` on `.kg-lock` from before it reads the graph until its
journal is done; a second writer waits a little, then is refused in one line.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from kg.shared.errors import InputError, KgError
from kg.shared.paths import _PACKAGE, JOURNAL, MARKER, Location, default_root, locate

FORMAT_VERSION = 1
BASE_IRI = "https://w3id.org/ecosystem-kg/id/"
DEFAULT_LANGUAGE = "fr"
LOCK = ".kg-lock"
FOLDERS = ("ontology", "data", "queries", "sources")
# What `kg init --empty` keeps of the data: the controlled vocabularies the ontology's users share (units,
# measures, qualifiers, participation roles, role kinds), which the extractor needs to read figures and roles.
VOCABULARY_CLASSES = ("Unit", "Measure", "Qualifier", "ParticipationRole")


class GraphBusy(KgError):
    """Another writer holds the graph folder's lock."""


def marker_text(base: str = BASE_IRI, language: str = DEFAULT_LANGUAGE) -> str:
    return ("# This folder is a kg graph (ecosystem-kg). kg commands run in it or below it use this graph.\n"
            f"format = {FORMAT_VERSION}\n"
            f'base = "{base}"\n'
            f'language = "{language}"\n')


def read_marker(root: Path) -> dict[str, object]:
    """The marker's settings (format, base, language); InputError for a damaged marker or a newer format."""
    import tomllib

    path = root / MARKER
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: not a kg graph marker ({exc})") from None
    version = data.get("format")
    if not isinstance(version, int) or version < 1:
        raise InputError(f"{path}: 'format' must be a positive whole number")
    if version > FORMAT_VERSION:
        raise InputError(f"{path}: graph format {version} is newer than this kg reads ({FORMAT_VERSION}); "
                         "upgrade kg")
    return data


def init_graph(target: str | Path, *, empty: bool = False) -> Path:
    """Create a graph folder at `target` (absent or an empty folder): the marker, ontology/, data/, queries/ and
    sources/, with a copy of the graph shipped with kg, or its ontology and vocabularies alone (`empty`)."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise InputError(f"{target}: the folder is not empty; kg init makes a new graph in a new or empty folder")
    if _inside_package(target):
        raise InputError(f"{target}: inside the installed kg package; choose a folder of your own")
    source = default_root()
    staging = target.parent / f".{target.name}.kg-init-{os.getpid()}"
    try:
        staging.mkdir(parents=True)
        shutil.copytree(source / "ontology", staging / "ontology")
        shutil.copytree(source / "queries", staging / "queries")
        if empty:
            (staging / "data").mkdir()
            (staging / "data" / "vocabulary.ttl").write_text(_vocabulary(source / "data"), encoding="utf-8")
        else:
            shutil.copytree(source / "data", staging / "data")
        (staging / "sources").mkdir()
        (staging / MARKER).write_text(marker_text(), encoding="utf-8")
        if target.is_dir():
            target.rmdir()  # empty: checked above
        os.replace(staging, target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InputError(f"{target}: cannot create the graph folder ({exc.strerror or exc})") from None
    return target


def _vocabulary(data_dir: Path) -> str:
    """Turtle of the shipped data's controlled vocabularies (and the role kinds), nothing else."""
    import rdflib

    from kg.shared.namespaces import EKG

    source = rdflib.Graph()
    for path in sorted(data_dir.glob("*.ttl")):
        source.parse(path, format="turtle")
    kept = rdflib.Graph()
    for prefix, ns in source.namespaces():
        kept.bind(prefix, ns)
    subjects = {s for cls in VOCABULARY_CLASSES for s in source.subjects(rdflib.RDF.type, rdflib.URIRef(EKG + cls))}
    subjects |= {s for s in source.subjects(rdflib.RDF.type, rdflib.URIRef(EKG + "Concept"))
                 if str(s).startswith(BASE_IRI + "rolekind-")}
    for s in subjects:
        for triple in source.triples((s, None, None)):
            kept.add(triple)
    head = "# The controlled vocabularies of ecosystem-kg (units, measures, qualifiers, roles): no entity yet.\n"
    return head + kept.serialize(format="turtle")


def _inside_package(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(_PACKAGE)
    except OSError:
        return False


def writable_root(data_dir: str | None) -> tuple[Path, Location]:
    """The graph folder a writing command may change, or one line saying why not (the packaged graph, a folder
    inside the installed package, a folder without data/)."""
    where = locate(data_dir)
    hint = "run `kg init DIR` to make a graph of your own, then work inside it (or pass --data DIR)"
    if where.kind == "packaged" or _inside_package(where.path):
        raise InputError(f"the graph shipped with kg is read-only; {hint}")
    root = where.path
    if not (root / "data").is_dir():
        raise InputError(f"{root}: not a graph folder (no data/ inside); {hint}")
    read_marker(root)  # a newer format is refused before anything is written
    recover(root)
    return root, where


# -- the lock ------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def locked(root: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the graph folder's write lock; wait up to `wait` seconds ($KG_LOCK_WAIT, default 30) for another
    writer, then refuse."""
    import fcntl

    if wait is None:
        try:
            wait = max(0.0, float(os.environ.get("KG_LOCK_WAIT") or 30.0))
        except ValueError:
            raise InputError(f"$KG_LOCK_WAIT: {os.environ['KG_LOCK_WAIT']!r} is not a number of seconds") from None
        if wait != wait or wait == float("inf"):
            raise InputError("$KG_LOCK_WAIT: must be a finite number of seconds")

    path = root / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"{root}: cannot write in the graph folder ({exc.strerror or exc}); nothing written") \
            from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise GraphBusy(f"{root}: another kg command is writing to this graph (lock {LOCK}); "
                                    "try again when it has finished") from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock


# -- writes of several files, whole or not at all ------------------------------------------------------------
def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(final: Path, content: bytes) -> Path:
    tmp = final.with_name(f".{final.name}.kg-tmp-{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def commit(root: Path, writes: dict[Path, bytes], removals: list[Path] = ()) -> None:  # type: ignore[assignment]
    """Write every file of `writes` and remove every file of `removals`, all or nothing (see the module)."""
    temps: dict[Path, Path] = {}
    try:
        for final, content in writes.items():
            final.parent.mkdir(parents=True, exist_ok=True)
            temps[final] = _write_temp(final, content)
        steps = {"rename": [[str(t), str(f)] for f, t in temps.items()], "remove": [str(p) for p in removals]}
        journal = root / JOURNAL
        tmp_journal = _write_temp(journal, json.dumps(steps).encode())
        os.replace(tmp_journal, journal)  # the point of no return
        _fsync_dir(root)
    except OSError as exc:
        for tmp in temps.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        where = getattr(exc, "filename", None) or root
        raise InputError(f"{where}: cannot write ({exc.strerror or exc}); nothing written") from None
    _roll_forward(root)


def _roll_forward(root: Path) -> None:
    journal = root / JOURNAL
    try:
        steps = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return
    except (OSError, ValueError):  # a journal is renamed into place whole: damage is not ours to guess at
        raise InputError(f"{journal}: damaged journal of an interrupted write; remove it and check the graph") \
            from None
    for tmp, final in steps.get("rename", []):
        if os.path.exists(tmp):
            os.replace(tmp, final)
    for path in steps.get("remove", []):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    for _, final in steps.get("rename", []):
        _fsync_dir(Path(final).parent)
    journal.unlink(missing_ok=True)
    _fsync_dir(root)


def recover(root: Path | str) -> None:
    """Finish a write of several files that a killed process left (its journal); remove the temporary files of
    writes killed before their journal existed. Done under the lock, so never in the middle of a live write."""
    root = Path(root)
    if not (root / JOURNAL).exists() and not _leftovers(root):
        return
    try:
        with locked(root, wait=0.0):
            _roll_forward(root)
            for tmp in _leftovers(root):
                with contextlib.suppress(OSError):
                    tmp.unlink()
    except GraphBusy:
        return  # a live writer will finish its own journal
    except InputError:
        if (root / JOURNAL).exists():
            raise
        # a read-only folder: nothing to finish, nothing we may do


def _leftovers(root: Path) -> list[Path]:
    found = []
    for folder in (root, root / "data", root / "sources", root / "decisions"):
        with contextlib.suppress(OSError):
            found += [p for p in folder.glob(".*.kg-tmp-*")]
    return found


def graph_info(data_dir: str | None = None) -> dict[str, object]:
    """Which graph a command run here would use and why, whether it may be written, and what it holds."""
    where = locate(data_dir)
    root = where.path
    writable = where.kind != "packaged" and not _inside_package(root) and (root / "data").is_dir()
    info: dict[str, object] = {"path": str(root), "kind": where.kind, "why": where.why(), "writable": writable}
    if (root / MARKER).is_file():
        info["marker"] = read_marker(root)
    data = root / "data" if (root / "data").is_dir() else root
    info["data_files"] = len(list(data.glob("**/*.ttl"))) if data.is_dir() else 0
    info["accepted_documents"] = sorted(p.stem for p in data.glob("doc-*.ttl")) if data.is_dir() else []
    sources = root / "sources"
    info["sources"] = len([p for p in sources.iterdir() if p.is_file()]) if sources.is_dir() else 0
    return info
