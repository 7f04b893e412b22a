"""A graph folder a person owns: `kg init`, its marker file, which folder a writing command may change, and
what `kg info` says. The lock and the all-or-nothing writes are kg.shared.writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kg.shared.errors import InputError
from kg.shared.paths import _PACKAGE, MARKER, Location, default_root, locate
from kg.shared.writes import GraphBusy, commit, locked, recover

__all__ = ["GraphBusy", "commit", "graph_info", "init_graph", "locked", "read_marker", "recover", "writable_root"]

FORMAT_VERSION = 1
BASE_IRI = "https://w3id.org/ecosystem-kg/id/"
DEFAULT_LANGUAGE = "fr"
FOLDERS = ("ontology", "data", "queries", "sources")
# What `kg init --empty` keeps of the data: the controlled vocabularies the ontology's users share (units,
# measures, qualifiers, participation roles, role kinds), which the extractor needs to read figures and roles.
VOCABULARY_CLASSES = ("Unit", "Measure", "Qualifier", "ParticipationRole")


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
    from kg.shared.utf8 import check_path

    check_path(str(target), "DIR")
    if not str(target).strip() or any(ord(c) < 32 or c in '<>"{}|\\^`' for c in str(target)):
        # kg names each file of a graph by an IRI made from its path: these characters cannot be in one
        raise InputError('DIR: give the new graph folder a name without control characters nor any of <>"{}|\\^`')
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
        # a graph folder is often kept in git: the lock and a write under way are not part of it
        (staging / ".gitignore").write_text(".kg-lock\n.kg-journal\n.*.kg-tmp-*\n", encoding="utf-8")
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
    from kg.shared.paths import layout

    layout(data_dir)  # a folder that is not there, or a name no folder can have: one line
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


def graph_info(data_dir: str | None = None) -> dict[str, object]:
    """Which graph a command run here would use and why, whether it may be written, and what it holds."""
    from kg.shared.paths import layout

    layout(data_dir)  # a folder that is not there, or a name no folder can have: one line, as every command says
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
