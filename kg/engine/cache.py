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
- A manifest lists every file of the store with its size and a digest of its first and last 4 KiB. A truncated
  or corrupted entry fails that check (or fails to open) and is deleted and rebuilt, never used. RocksDB's own
  block checksums catch corruption inside a file when it is read.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.shared.paths import (
    CATALOGUE_FILE,
    DIGESTS_FILE,
    ENV_CACHE_DIR,
    cache_root,
    file_signature,
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

CACHE_FORMAT = 3  # 3: two kinds of entry, the kind in the key and the manifest; 2: fingerprints over 4 KiB edges
KINDS = ("full", "query")
__all__ = ["ENV_CACHE_DIR", "KINDS", "cache_key", "cache_root", "clear", "engine_version", "entries", "file_digests",
           "open_cached", "save", "save_in_background"]
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
        signature = file_signature(path)
        hit = memo.get(key)
        if isinstance(hit, list) and len(hit) == 5 and hit[:4] == signature:
            digests.append(hit[4])
            continue
        digest = _file_digest(path)
        if file_signature(path) == signature:  # not remembered when the file changed while it was read
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


def _store_fingerprint(store_dir: Path) -> dict[str, list]:
    """{relative file: [size, digest of its first and last _EDGE bytes]} for every file of a closed store."""
    out: dict[str, list] = {}
    files = []
    for folder, _, names in os.walk(store_dir):
        rel_folder = os.path.relpath(folder, store_dir)
        files += [name if rel_folder == "." else f"{rel_folder}/{name}" for name in names]
    for rel in sorted(files):
        if rel == "LOCK" or rel.startswith("LOG"):
            continue  # RocksDB rewrites these when the store is opened
        path = os.path.join(store_dir, rel)
        size = os.path.getsize(path)
        h = blake2b(digest_size=16)
        with open(path, "rb") as fh:
            h.update(fh.read(_EDGE))
            if size > 2 * _EDGE:
                fh.seek(size - _EDGE)
                h.update(fh.read(_EDGE))
            elif size > _EDGE:
                h.update(fh.read())
        out[rel] = [size, h.hexdigest()]
    return out


def _warn(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr)


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
        if _store_fingerprint(entry / "store") != manifest["files"]:
            raise ValueError("store files differ from the manifest (truncated or modified)")
        global _disk_store_opened
        _disk_store_opened = True
        store = ox.Store.read_only(str(entry / "store"))
        graphs = {k: [ox.NamedNode(g) for g in manifest["graphs"][k]] for k in ("ontology", "data", "inferred")}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        import shutil

        _warn(f"cache entry {entry.name[:12]}… is damaged ({exc}); rebuilding it")
        shutil.rmtree(entry, ignore_errors=True)
        return None
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


def clear() -> tuple[Path, int]:
    """Delete every cache entry, the remembered digests and the parsed catalogue; return the cache directory
    and how many entries were removed."""
    import shutil

    root = cache_root()
    removed = 0
    if root.is_dir():
        for child in root.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
        for name in (DIGESTS_FILE, CATALOGUE_FILE):
            (root / name).unlink(missing_ok=True)
    return root, removed


def entries() -> list[dict]:
    """The cache's entries with their size, for `kg cache info`."""
    root = cache_root()
    out = []
    if root.is_dir():
        for child in sorted(root.iterdir()):
            manifest = child / "manifest.json"
            if child.is_dir() and manifest.is_file():
                try:
                    meta = json.loads(manifest.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    meta = {}
                size = sum(p.stat().st_size for p in child.rglob("*") if p.is_file())
                out.append({"key": child.name, "engine": meta.get("engine"), "reasoning": meta.get("reasoning"),
                            "kind": meta.get("kind"), "bytes": size})
    return out
