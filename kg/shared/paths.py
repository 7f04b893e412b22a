"""Where the graph lives, found the way git finds a repository: --data DIR, else $KG_DATA_DIR, else the nearest
folder at or above the working directory holding the marker file `kg-graph.toml` (made by `kg init`; a checkout
of this repository has one), else the graph shipped with kg (read-only)."""

from __future__ import annotations

import os
import sys
from collections import namedtuple
from pathlib import Path

from kg.shared.errors import InputError

ENV_DATA = "KG_DATA_DIR"
ENV_QUERIES = "KG_QUERIES_DIR"
ENV_CACHE_DIR = "KG_CACHE_DIR"
MARKER = "kg-graph.toml"  # the file that makes a folder a kg graph (kg.shared.graphdir reads and writes it)
JOURNAL = ".kg-journal"  # a write of several files under way (kg.shared.writes rolls it forward)

# Small files kg remembers in the cache directory, beside the closure entries.
DIGESTS_FILE = "digests.json"  # content digests of input files, by file signature (kg.engine.cache)
CATALOGUE_FILE = "catalogue.json"  # the parsed query catalogue, by folder (kg.query.catalog)
FULLTEXT_DIR = "fulltext"  # the full-text indexes, one SQLite file per graph state (kg.answers.fulltext)


class GraphLayout(namedtuple("GraphLayout", "ontology_dir data_dir queries_dir")):
    """The three folders of a graph (Paths): the ontology (with its shapes), the instance data, the named
    queries. A named tuple, not a dataclass: `dataclasses` costs more to import than a warm query."""

    __slots__ = ()

    def ontology_files(self) -> list[Path]:
        """Ontology Turtle files, shapes excluded: the shapes are not part of the graph that is queried."""
        return [p for p in turtle_files(self.ontology_dir, "*") if not _is_shapes(p)]

    def shapes_files(self) -> list[Path]:
        return [p for p in turtle_files(self.ontology_dir, "*") if _is_shapes(p)]

    def data_files(self) -> list[Path]:
        """Every Turtle file below the data folder; a folder without one is an input error (a query over an
        empty graph would answer "(0 rows)" and exit 0)."""
        files = turtle_files(self.data_dir, "**/*")
        if not files:
            raise InputError(f"{display_path(self.data_dir)}: no Turtle file (*.ttl) in this data folder")
        return files


# Names that look meant for kg but that it does not read (it reads `*.ttl` only): said on stderr, once.
_NEAR_MISSES = (".turtle", ".n3", ".nt", ".nq", ".trig", ".rdf", ".owl", ".jsonld")
_warned: set[str] = set()


def turtle_files(folder: Path, pattern: str) -> list[Path]:
    """The `*.ttl` files matching `pattern` in `folder`, sorted. A folder named `x.ttl` is not a file (its own
    files are found by a `**` pattern); a `.ttl` name that leads nowhere (a dangling symbolic link) is an input
    error naming it, with or without the cache; names that look like RDF kg does not read (`x.TTL`,
    `x.ttl.bak`, `x.turtle`, `x.nt`, ...) are named on stderr rather than skipped in silence."""
    files = []
    ignored = []
    for path in folder.glob(pattern):
        name = path.name
        if name.endswith(".ttl"):
            if path.is_file():
                files.append(path)
            elif not path.exists():
                what = f"a symbolic link to {os.readlink(path)}, which" if path.is_symlink() else "it"
                raise InputError(f"{display_path(path)}: cannot read: {what} does not exist")
            elif not path.is_dir():
                raise InputError(f"{display_path(path)}: not a regular file")
        elif not name.startswith(".") and (".ttl" in name.lower() or path.suffix.lower() in _NEAR_MISSES):
            if path.is_file():
                ignored.append(path)
    fresh = [p for p in ignored if str(p) not in _warned]
    if fresh:
        _warned.update(str(p) for p in fresh)
        shown = ", ".join(display_path(p) for p in sorted(fresh))
        print(f"kg: not read (kg reads Turtle files named *.ttl only): {shown}", file=sys.stderr)
    return sorted(files)


def _is_shapes(path: Path) -> bool:
    return path.stem == "shapes" or path.stem.endswith("-shapes")


_PACKAGE = Path(__file__).resolve().parent.parent  # kg/


def _packaged_root() -> Path | None:
    root = _PACKAGE / "_graph"
    return root if (root / "ontology").is_dir() else None


def _source_root() -> Path | None:
    root = _PACKAGE.parent
    return root if (root / "ontology").is_dir() and (root / "data").is_dir() else None


def default_root() -> Path:
    """The graph shipped with kg: the wheel's copy, or the source tree of an editable install."""
    root = _packaged_root() or _source_root()
    if root is None:
        raise InputError("cannot find the project graph: the kg package is installed without its graph files")
    return root


class Location(namedtuple("Location", "path kind")):
    """Which graph a command uses and why: `kind` is option (--data), env ($KG_DATA_DIR), marker (the nearest
    marked folder at or above the working directory) or packaged (the graph shipped with kg, read-only)."""

    __slots__ = ()

    def why(self) -> str:
        return {"option": "named by --data", "env": f"named by ${ENV_DATA}",
                "marker": f"the nearest folder at or above the working directory with a {MARKER} file",
                "packaged": "the graph shipped with kg (read-only): no --data, no $KG_DATA_DIR and no kg graph "
                            "folder at or above the working directory"}[self.kind]


def find_marked(start: str | None = None) -> Path | None:
    """The nearest folder at or above `start` (the working directory) holding the marker file: one `stat` per
    folder up to the root, nothing read."""
    try:
        folder = start or os.getcwd()
    except OSError:  # the working directory was deleted
        return None
    while True:
        if os.path.isfile(os.path.join(folder, MARKER)):
            return Path(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def locate(data_dir: str | os.PathLike[str] | None = None) -> Location:
    """Which graph to use, and why (see the module's docstring)."""
    if data_dir is not None:
        env = os.environ.get(ENV_DATA)
        return Location(Path(data_dir), "env" if env and str(data_dir) == env else "option")
    env = os.environ.get(ENV_DATA)
    if env:
        return Location(Path(env), "env")
    marked = find_marked()
    if marked is not None:
        return Location(marked, "marker")
    return Location(default_root(), "packaged")


def layout(data_dir: str | os.PathLike[str] | None = None) -> GraphLayout:
    """The layout to use. DIR (or $KG_DATA_DIR, or the marked folder found) may be a graph root holding
    ontology/ and data/, or a folder of data files only, which is then read with the project's ontology."""
    where = locate(data_dir)
    path = where.path
    if where.kind == "packaged":
        queries = Path(os.environ.get(ENV_QUERIES) or path / "queries")
        return GraphLayout(path / "ontology", path / "data", queries)
    if not path.is_dir():
        what = {"option": "--data", "env": f"${ENV_DATA}"}.get(where.kind, "graph folder")
        raise InputError(f"{what}: {path}: no such directory")
    if os.path.exists(os.path.join(path, JOURNAL)):  # a write of several files was cut short: finish it first
        from kg.shared.writes import recover

        recover(path)
    root = default_root()
    queries = Path(os.environ.get(ENV_QUERIES) or root / "queries")
    if (path / "data").is_dir():
        onto = path / "ontology" if (path / "ontology").is_dir() else root / "ontology"
        if (path / "queries").is_dir() and not os.environ.get(ENV_QUERIES):
            queries = path / "queries"
        return GraphLayout(onto, path / "data", queries)
    return GraphLayout(root / "ontology", path, queries)


def display_path(path: Path) -> str:
    """A path as the user can find it: relative to the working directory when it is below it."""
    try:  # the folder resolved, not the name: a symbolic link is shown as the user named it
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cache_root() -> Path:
    """Where kg keeps what it can rebuild (closures, digests, the parsed catalogue): $KG_CACHE_DIR, else the
    user's cache directory ($XDG_CACHE_HOME/ecosystem-kg, usually ~/.cache/ecosystem-kg)."""
    explicit = os.environ.get(ENV_CACHE_DIR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "ecosystem-kg"
    if sys.platform.startswith("linux"):  # the XDG default, without importing platformdirs
        return Path.home() / ".cache" / "ecosystem-kg"
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("ecosystem-kg", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return Path.home() / ".cache" / "ecosystem-kg"


# -- small files kg remembers in the cache directory (digests, the parsed catalogue) --------------------------
def file_signature(path: Path | str) -> list[int]:
    """Size, modification time, change time and inode: what must stay the same for something remembered about
    a file's content to still hold. Any write changes the change time, which no tool can set back (Python's
    bytecode cache trusts mtime and size alone)."""
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def read_remembered(path: Path) -> dict:
    """A JSON object kg wrote earlier, or {} when it is absent or damaged (it only ever saves time)."""
    import json

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_remembered(path: Path, data: dict) -> None:
    """Replace the JSON object atomically (a concurrent reader sees the old or the new one); failures are
    ignored, since what is remembered only saves time."""
    import json
    import uuid

    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:6]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # e.g. the cache directory is a regular file
            pass


def pid_alive(pid: int) -> bool:
    """Whether a process of that id runs on this machine (another user's counts): a temporary file named after
    its writer's id is a leftover to reclaim only when that writer is gone."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True
