"""On-disk cache of the materialised closure: a read-only Oxigraph store per (graph files, regime, engine).

Why: parsing and reasoning cost seconds to minutes; opening a RocksDB store costs milliseconds.

- Key: a hash of kg's version, the cache format, the reasoner's source code, the engine and its version, the
  regime, the entry's kind, and the path and content of every ontology and data file. Any change gives a new key.
- Kinds (KINDS): a *full* entry holds the default graph (asserted ∪ inferred: what queries run on), one named
  graph per source file and one per inference round (provenance, explanations); a *query* entry holds the
  default graph alone, as `oxigraph load` of the closure would, and costs about a third of the full one to
  write. A cold `kg query` writes a query entry; the commands that need provenance write a full one.
- Location: $KG_CACHE_DIR, else the user's cache directory (XDG: $XDG_CACHE_HOME/ecosystem-kg).
- Writes are atomic: the store is written into a temporary directory beside the entry, its manifest last, then
  the directory is renamed into place. Readers never see a half-written entry; a concurrent writer that loses
  the race drops its copy.
- A manifest lists every file of the store with its size, a digest of its first and last 4 KiB and a digest of
  the whole file. Sizes and edges are checked on every open; the whole files once (the writer, which opens what
  it wrote, knows them from writing the manifest), after which their signatures stand for them (verified.json in
  the entry; any write changes a file's change time). A truncated or corrupted entry fails those checks (or fails
  to open) and is deleted and rebuilt, never used. Damage that no write made (a failing disk) is caught by
  RocksDB's block checksums when a query reads it: kg.engine.graph.recovering deletes the entry and runs the
  command again. (pyoxigraph 0.5 can loop on such an error inside a SPARQL scan instead of raising it: the
  reason every entry is read whole before it is first used.)
- Ownership: an entry is a folder named by a 40-digit key holding kg's manifest (or store); temporary folders
  and files are named after their writer's process (`.tmp-KEY-PID-RAND`, `.digests.json.PID.RAND`). `clear`
  deletes only those (temporary ones when their process is gone) and the remembered files, never anything else
  in the directory.
"""

from __future__ import annotations

import json
import os
import sys
from collections import namedtuple
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.shared.paths import (
    CATALOGUE_FILE,
    DIGESTS_FILE,
    ENV_CACHE_DIR,
    FULLTEXT_DIR,
    cache_root,
    file_signature,
    pid_alive,
    read_remembered,
    write_remembered,
)

try:  # hashlib.blake2b without hashlib, whose OpenSSL start-up costs more than a warm query's work
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always has it
    from hashlib import blake2b

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph
    from kg.shared.paths import GraphLayout

CACHE_FORMAT = 4  # 4: two kinds of entry (full, query), the kind in the key and the manifest; 3: whole-file
# digests; 2: fingerprints over 4 KiB edges (1: 64 KiB)
KINDS = ("full", "query")
__all__ = ["ENV_CACHE_DIR", "KINDS", "cache_key", "cache_root", "check_root", "clear", "discard_damaged",
           "engine_version", "entries", "file_digests", "open_cached", "reclaim_leftovers", "save",
           "save_in_background", "size_of", "survey", "usable"]
# Bytes digested at each end of every store file: where truncation and a torn write show (an SST file's footer
# and index blocks are at its end); RocksDB checks the blocks in between against their own checksums.
_EDGE = 4 * 1024
_ENGINE_SOURCES = ("rules.py", "compile.py", "reasoners.py", "loading.py", "knowledge.py", "graph.py", "cache.py")


def engine_version(engine: str) -> str:
    if engine == "owlrl":
        from importlib.metadata import version

        return "owlrl-" + version("owlrl")
    if engine == "reasonable":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return "reasonable-" + version("reasonable")
        except PackageNotFoundError:
            return "reasonable-missing"
    return "rules"


def _file_digest(path: Path | str) -> str:
    h = blake2b()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def file_digests(paths: list[Path]) -> list[str]:
    """Content digests of the files the key depends on, each computed once and remembered (in the cache
    directory) under the file's signature (kg.shared.paths.file_signature): a warm query then reads no source file at
    all (hashing 150 MB of Turtle cost 0.14 s per query at 1M triples)."""
    memo_path = cache_root() / DIGESTS_FILE
    memo = read_remembered(memo_path)
    changed = False
    digests = []
    for path in paths:
        key = os.path.abspath(path)
        try:
            signature = file_signature(path)
            hit = memo.get(key)
            if isinstance(hit, list) and len(hit) == 5 and hit[:4] == signature:
                digests.append(hit[4])
                continue
            digest = _file_digest(path)
            again = file_signature(path)
        except OSError as exc:  # unreadable, or gone since it was listed: the same line --no-cache gives
            from kg.shared.errors import InputError
            from kg.shared.paths import display_path

            raise InputError(f"{display_path(Path(path))}: cannot read: {exc.strerror or exc}") from None
        if again == signature:  # not remembered when the file changed while it was read
            memo[key] = [*signature, digest]
            changed = True
        digests.append(digest)
    if changed:
        write_remembered(memo_path, {p: v for p, v in memo.items() if os.path.exists(p)})  # forget deleted files
    return digests


def cache_key(layout: GraphLayout, reasoning: str, engine: str, kind: str = "full") -> str:
    h = blake2b(digest_size=20)
    h.update(f"kg={__version__};format={CACHE_FORMAT};pyoxigraph={ox.__version__};kind={kind};".encode())
    h.update(f"engine={engine};{engine_version(engine)};regime={reasoning};".encode())
    here = Path(__file__).resolve().parent
    sources = [here / name for name in _ENGINE_SOURCES]
    inputs = [("ontology", path, layout.ontology_dir) for path in layout.ontology_files()]
    inputs += [("data", path, layout.data_dir) for path in layout.data_files()]
    digests = file_digests(sources + [path for _, path, _ in inputs])
    for name, digest in zip(_ENGINE_SOURCES, digests, strict=False):
        h.update(name.encode() + digest.encode())
    for (kind, path, root), digest in zip(inputs, digests[len(sources):], strict=True):
        h.update(f"{kind}:{path.relative_to(root).as_posix()}:{digest};".encode())
    return h.hexdigest()


def _store_files(store_dir: Path) -> list[str]:
    files = []
    for folder, _, names in os.walk(store_dir):
        rel_folder = os.path.relpath(folder, store_dir)
        files += [name if rel_folder == "." else f"{rel_folder}/{name}" for name in names]
    return sorted(rel for rel in files if rel != "LOCK" and not rel.startswith("LOG"))  # rewritten on open


def _edges_digest(path: str, size: int) -> str:
    h = blake2b(digest_size=16)
    with open(path, "rb") as fh:
        h.update(fh.read(_EDGE))
        if size > 2 * _EDGE:
            fh.seek(size - _EDGE)
            h.update(fh.read(_EDGE))
        elif size > _EDGE:
            h.update(fh.read())
    return h.hexdigest()


def _store_fingerprint(store_dir: Path, full: bool = True) -> dict[str, list]:
    """{relative file: [size, digest of its first and last _EDGE bytes, digest of the whole file]} for every
    file of a closed store (without the last item when not `full`)."""
    out: dict[str, list] = {}
    for rel in _store_files(store_dir):
        path = os.path.join(store_dir, rel)
        size = os.path.getsize(path)
        out[rel] = [size, _edges_digest(path, size)]
        if full:
            signature = file_signature(path)
            out[rel].append(_file_digest(path))
            if file_signature(path) == signature:
                _hashed.add((rel, *signature))
    return out


# Files this process read whole to write a manifest, by signature: the writer then need not read the entry it
# has just written a second time to check it (the signatures survive the entry's rename into place).
_hashed: set[tuple] = set()


_VERIFIED_FILE = "verified.json"  # in an entry: the signatures of its store files when they were last read whole


def _check_store(entry: Path, listed: dict) -> None:
    """Raise ValueError unless the store's files are the ones its manifest lists.

    Sizes and edges (where truncation and torn writes show) are checked on every open. The whole content is
    checked once, on the first open: damage inside a file is otherwise found only by the query that reaches
    it, and a SPARQL query over a damaged block can loop on the error (pyoxigraph 0.5) rather than fail. The
    files' signatures (kg.shared.paths.file_signature: any write changes the change time, which no tool can
    set back) then stand for their content, remembered beside the store; a file whose signature changed is
    read whole again."""
    store_dir = entry / "store"
    files = _store_files(store_dir)
    if files != sorted(listed):
        raise ValueError("store files differ from the manifest (missing or added files)")
    verified_path = entry / _VERIFIED_FILE
    verified = read_remembered(verified_path)
    signatures = {}
    for rel in files:
        path = os.path.join(store_dir, rel)
        signature = file_signature(path)
        size, edges, whole = listed[rel]
        if signature[0] != size or _edges_digest(path, size) != edges:
            raise ValueError(f"store file {rel} differs from the manifest (truncated or modified)")
        if verified.get(rel) != signature and (rel, *signature) not in _hashed:
            if _file_digest(path) != whole:
                raise ValueError(f"store file {rel} differs from the manifest inside (modified)")
            if file_signature(path) != signature:
                raise ValueError(f"store file {rel} changed while it was read")
        signatures[rel] = signature
    if signatures != verified:
        write_remembered(verified_path, signatures)


def _warn(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr)


def usable() -> bool:
    """False, with a warning, when the cache directory is something else than a folder (KG_CACHE_DIR naming a
    regular file): the cache only saves time, so kg goes on without it rather than fail."""
    root = cache_root()
    if root.is_dir() or not os.path.lexists(root):
        return True
    _warn(f"cache directory {root} is not a folder ({ENV_CACHE_DIR}?); going on without the cache")
    return False


def open_cached(layout: GraphLayout, reasoning: str, engine: str, kind: str = "full") -> KnowledgeGraph | None:
    """The cached graph for these inputs, or None when there is none or it does not check out. A `kind="query"`
    entry gives a closure-only graph (KnowledgeGraph.closure_only)."""
    from kg.engine.knowledge import KnowledgeGraph

    entry = cache_root() / cache_key(layout, reasoning, engine, kind)
    manifest_path = entry / "manifest.json"
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (manifest.get("format") != CACHE_FORMAT or manifest.get("key") != entry.name
                or manifest.get("kind") != kind):
            raise ValueError("manifest does not match its entry")
        _check_store(entry, manifest["files"])
        global _disk_store_opened
        _disk_store_opened = True
        store = ox.Store.read_only(str(entry / "store"))
        graphs = {k: [ox.NamedNode(g) for g in manifest["graphs"][k]] for k in ("ontology", "data", "inferred")}
    except (OSError, RuntimeError, ValueError, KeyError, TypeError) as exc:
        _discard(entry, exc)
        return None
    _opened.append(entry)
    if kind == "query":
        return KnowledgeGraph(store, layout, reasoning, engine, [], [], from_cache=True, closure_only=True)
    return KnowledgeGraph(store, layout, reasoning, engine, graphs["ontology"], graphs["data"], graphs["inferred"],
                          from_cache=True)


def save(kgraph: KnowledgeGraph, reopen: bool = True, kind: str = "full") -> KnowledgeGraph:
    """Persist an in-memory graph into the cache as an entry of `kind` and return the cached (read-only) graph
    (with `reopen=False`, the in-memory one: the background writer has no use for the entry it wrote). A full
    entry always knows which file asserts what: per-file graphs still pending are written from the files
    (_write_store); a query entry holds the default graph alone.

    If the cache directory cannot be written, the in-memory graph is returned unchanged: the cache is an
    optimisation, never a reason to fail.
    """
    import shutil
    import uuid

    root = cache_root()
    key = cache_key(kgraph.layout, kgraph.reasoning, kgraph.engine, kind)
    entry = root / key
    tmp = root / f".tmp-{key[:12]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        tmp.mkdir(parents=True)
        global _disk_store_opened
        _disk_store_opened = True
        _write_store(kgraph, tmp / "store", kind)
        full = kind == "full"
        manifest = {
            "format": CACHE_FORMAT,
            "key": key,
            "kind": kind,
            "kg": __version__,
            "engine": kgraph.engine,
            "reasoning": kgraph.reasoning,
            "graphs": {"ontology": [g.value for g in kgraph.ontology_graphs] if full else [],
                       "data": [g.value for g in kgraph.data_graphs] if full else [],
                       "inferred": [g.value for g in kgraph.inferred_graphs] if full else []},
            "files": _store_fingerprint(tmp / "store"),
        }
        with (tmp / "manifest.json").open("w", encoding="utf-8") as fh:
            json.dump(manifest, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.rename(tmp, entry)
        except OSError:
            # Another process finished first (the entry exists), or the old entry is damaged: keep one.
            if (entry / "manifest.json").is_file():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)
                os.rename(tmp, entry)
    except (OSError, SyntaxError, ValueError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        _warn(f"cannot write the cache in {root} ({getattr(exc, 'strerror', None) or exc}); going on without it")
        return kgraph
    if not reopen:
        return kgraph
    cached = open_cached(kgraph.layout, kgraph.reasoning, kgraph.engine, kind)
    if cached is None:
        return kgraph
    cached.from_cache = False  # built by this run, only stored in the cache
    return cached


def _write_store(kgraph: KnowledgeGraph, path: Path, kind: str = "full") -> None:
    """Write the graph's store at `path` in one pass of Oxigraph's bulk loader, each quad once; for a query
    entry, the default graph alone (what `oxigraph load` of the closure writes: a third of the index entries,
    since a named-graph quad costs six and a default-graph triple three).

    A graph opened only to be queried (build_graph's `provenance=False`) holds no per-file graphs yet: their
    quads are streamed into the same bulk load straight from the source files (unchanged: the key hashes them)
    instead of being parsed into the in-memory store first and copied from there, which held a second copy of
    the data in memory (about 0.4 GB more at 1M triples). One bulk load, not one per file: each costs a flush and an
    ingestion of its own. Blank nodes get the labels of this parse, as they did when the copy went through
    memory."""
    from itertools import chain

    disk = ox.Store(str(path))
    if kind == "query":
        disk.bulk_extend(kgraph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    else:
        disk.bulk_extend(chain(iter(kgraph.store), _pending_quads(kgraph)))
    disk.flush()


def _pending_quads(kgraph: KnowledgeGraph):  # -> Iterator[ox.Quad]
    from kg.engine.loading import file_graph

    for source in kgraph.pending_data_files:
        graph = file_graph("data", source, kgraph.layout.data_dir.parent)
        for quad in ox.parse(path=str(source), format=ox.RdfFormat.TURTLE):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


_disk_store_opened = False


def save_in_background(kgraph: KnowledgeGraph, kind: str = "full") -> bool:
    """Write the cache from a forked child and return at once; False when that is not possible.

    Only done when this process has opened no on-disk store: RocksDB keeps background threads, which a
    forked child would not have. The child detaches from the terminal and pipes first, so a reader of our
    output sees end-of-file when the parent exits, not when the cache is written.
    """
    if _disk_store_opened or not hasattr(os, "fork"):
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid:
        return True
    try:  # child
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.setsid()
        save(kgraph, reopen=False, kind=kind)
    finally:
        os._exit(0)


# -- damage found while reading ---------------------------------------------------------------------------
_opened: list[Path] = []  # entries whose store this process opened


def _discard(entry: Path, exc: BaseException) -> None:
    import shutil

    reason = " ".join(str(exc).replace(f"{entry}/store/", "").replace(f"{entry}/", "").split())
    reason = reason if len(reason) <= 160 else reason[:157] + "..."
    _warn(f"cache entry {entry.name[:12]}… is damaged ({reason}); rebuilding it")
    shutil.rmtree(entry, ignore_errors=True)


def points_at_damage(exc: BaseException) -> bool:
    """Whether an error while reading a store comes from a damaged entry this process opened (see
    discard_damaged), so that callers turning query errors into messages let it through to `recovering`."""
    if not isinstance(exc, (OSError, RuntimeError)) or not _opened:
        return False
    text = str(exc)
    return "Corruption" in text or any(str(entry) in text for entry in _opened)


def discard_damaged(exc: BaseException) -> bool:
    """Delete the opened entries an error while reading a store points at, and say whether there were any.

    RocksDB checks each block against its checksum when it reads it, so damage inside a file (which the
    manifest's edge digests do not cover) shows only when a query reaches it, as a RuntimeError
    ("Corruption: block checksum mismatch ... in <entry>/store/000017.sst") or an OSError naming a file of the
    store. The caller then runs its work again, which rebuilds the entry (kg.engine.graph.recovering)."""
    if not isinstance(exc, (OSError, RuntimeError)) or not _opened:
        return False
    text = str(exc)
    hit = [entry for entry in _opened if str(entry) in text]
    if not hit and "Corruption" in text:
        hit = list(_opened)
    for entry in hit:
        _opened.remove(entry)
        _discard(entry, exc)
    return bool(hit)


# -- what kg wrote in the cache directory, and what it did not ----------------------------------------------
_KEY_LENGTH = 40  # hex digits of cache_key (blake2b, 20 bytes)
_HEX = frozenset("0123456789abcdef")


def _is_entry(path: Path) -> bool:
    """An entry kg wrote: a real folder named by a cache key, holding the manifest kg writes (or, if the
    manifest was lost, the RocksDB store kg writes beside it)."""
    name = path.name
    if len(name) != _KEY_LENGTH or not _HEX.issuperset(name) or path.is_symlink() or not path.is_dir():
        return False
    return (path / "manifest.json").is_file() or (path / "store" / "CURRENT").is_file()


def _writer_pid(path: Path) -> int | None:
    """The process that is writing a temporary file or folder kg names after its writer: `.tmp-KEY-PID-RAND`
    (a cache entry being written), `.digests.json.PID.RAND` and `.catalogue.json.PID.RAND` (remembered files);
    None for any other name."""
    name = path.name
    if name.startswith(".tmp-"):
        parts = name.split("-")
        if len(parts) == 4 and len(parts[1]) == 12 and _HEX.issuperset(parts[1]) and parts[2].isdigit() \
                and parts[3] and _HEX.issuperset(parts[3]) and path.is_dir() and not path.is_symlink():
            return int(parts[2])
        return None
    for remembered in (DIGESTS_FILE, CATALOGUE_FILE):
        prefix = f".{remembered}."
        if name.startswith(prefix):
            pid, _, rand = name[len(prefix):].partition(".")
            if pid.isdigit() and rand and _HEX.issuperset(rand) and not path.is_symlink():
                return int(pid)
    return None


def _is_fulltext_dir(path: Path) -> bool:
    """The folder of full-text indexes kg writes: nothing in it but `KEY.sqlite` files and their temporary
    `.tmp-KEY-PID-RAND.sqlite` (anything else makes it the user's, never deleted)."""
    import re

    if path.is_symlink() or not path.is_dir():
        return False
    pattern = re.compile(r"(?:[0-9a-f]{40}|\.tmp-[0-9a-f]{40}-\d+-[A-Za-z0-9_]+)\.sqlite")
    return all(pattern.fullmatch(child.name) and child.is_file() and not child.is_symlink()
               for child in path.iterdir())


def size_of(path: Path) -> int:
    """Bytes of a file, or of every file below a folder (links not followed)."""
    if not path.is_dir() or path.is_symlink():
        return path.lstat().st_size
    return sum((Path(folder) / name).lstat().st_size for folder, _, names in os.walk(path) for name in names)


def check_root() -> Path:
    """The cache directory, for the commands about the cache itself: an input error if it is not a folder."""
    root = cache_root()
    if os.path.lexists(root) and not root.is_dir():
        from kg.shared.errors import InputError

        raise InputError(f"cache directory {root} is not a folder (check {ENV_CACHE_DIR})")
    return root


def survey() -> dict:
    """What the cache directory holds, by who wrote it: entries, remembered files, leftovers of writes that
    were killed (their writer is gone), writes under way (their writer runs), and everything else, which kg
    did not write and never deletes. Paths, sorted by name."""
    root = cache_root()
    out: dict = {"root": root, "entries": [], "remembered": [], "leftovers": [], "writing": [], "foreign": []}
    if not root.is_dir():
        return out
    for child in sorted(root.iterdir()):
        if _is_entry(child):
            out["entries"].append(child)
        elif child.name in (DIGESTS_FILE, CATALOGUE_FILE) and child.is_file() and not child.is_symlink():
            out["remembered"].append(child)
        elif child.name == FULLTEXT_DIR and _is_fulltext_dir(child):
            out["remembered"].append(child)
        elif (pid := _writer_pid(child)) is not None:
            out["writing" if pid_alive(pid) and pid != os.getpid() else "leftovers"].append(child)
        else:
            out["foreign"].append(child)
    return out


# What `clear` did: the cache directory, how many entries it removed, the leftovers of killed writes it removed,
# and the names it left: writes under way, and what kg did not write.
Cleared = namedtuple("Cleared", "root removed reclaimed writing foreign")


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def reclaim_leftovers() -> list[str]:
    """Delete the temporary folders and files of cache writes that were killed (their process is gone), and
    return their names; writes under way are left alone. Called by a cold run, before it writes an entry."""
    try:
        leftovers = survey()["leftovers"]
    except OSError:
        return []
    for path in leftovers:
        _remove(path)
    return [p.name for p in leftovers]


def clear() -> Cleared:
    """Delete what kg can prove it wrote: every entry, the remembered digests and catalogue, and the leftovers
    of writes that were killed. Anything else in the directory (the user's own files when KG_CACHE_DIR points
    at a shared folder) and writes still under way are left, and reported."""
    root = check_root()
    found = survey()
    for path in found["entries"] + found["remembered"] + found["leftovers"]:
        _remove(path)
    return Cleared(root, len(found["entries"]), [p.name for p in found["leftovers"]],
                   [p.name for p in found["writing"]], [p.name for p in found["foreign"]])


def entries() -> list[dict]:
    """The cache's entries with their size, for `kg cache info`."""
    out = []
    for child in survey()["entries"]:
        try:
            meta = json.loads((child / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        meta = meta if isinstance(meta, dict) else {}
        out.append({"key": child.name, "engine": meta.get("engine"), "reasoning": meta.get("reasoning"),
                    "kind": meta.get("kind"), "bytes": size_of(child)})
    return out
