"""A new state of the graph's files, from the cached closure of an earlier one: the nearest full entry of the
cache is copied (hard links: RocksDB never rewrites a table file), the files' differences are applied to
the copy and its closure maintained (kg.engine.maintain), and the copy becomes the entry of the new state.
The earlier entry is left as it was: it stays valid for the earlier state.

What the previous state was is read from the earlier entry itself: its manifest names each source file's
digest (cache.inputs_of), and its per-file graphs hold each file's triples. Only the files whose digest
differs are parsed, so a new document costs its own size plus the rules it triggers.

The cold build stays the reference: anything this path does not handle (no earlier entry, another engine,
an ontology axiom changed, an inconsistency, a damaged entry) returns None and the caller rebuilds.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pyoxigraph as ox

from kg.engine import cache
from kg.engine.knowledge import KnowledgeGraph
from kg.engine.loading import file_graph
from kg.engine.maintain import NeedsRebuild, maintain
from kg.engine.reasoners import ROUND_GRAPH_BASE, property_chains, round_graph
from kg.engine.rules import rules_for
from kg.shared.namespaces import RDF
from kg.shared.paths import GraphLayout, file_signature, read_remembered, write_remembered

# Rebuild rather than maintain when the changed triples are more than this share of the asserted ones (in a
# graph of more than MIN_TRIPLES): maintenance, a few lookups per triple, then costs more than a cold build.
MAX_CHANGED_SHARE = 0.2
MIN_TRIPLES = 20_000
_FIRST, _REST = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest")
_LIST_TERMS = {_FIRST, _REST}


class _RebuildIsCheaper(Exception):
    """Most of the graph changed: the cold build is the faster way to the same closure."""


def _say(message: str) -> None:
    print(f"kg: {message}", file=sys.stderr)


def _manifests() -> list[tuple[Path, dict]]:
    out = []
    for entry in cache.survey()["entries"]:
        try:
            manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and manifest.get("kind") == "full" and isinstance(manifest.get("inputs"), dict) \
                and manifest.get("format") == cache.CACHE_FORMAT and manifest.get("key") == entry.name:
            out.append((entry, manifest))
    return out


def _files_now(layout: GraphLayout) -> dict[tuple[str, str], Path]:
    out = {("ontology", p.relative_to(layout.ontology_dir).as_posix()): p for p in layout.ontology_files()}
    out.update({("data", p.relative_to(layout.data_dir).as_posix()): p for p in layout.data_files()})
    return out


def _changed(before: dict, after: dict) -> list[tuple[str, str]]:
    """(kind, path) of the files added, removed or changed between two `inputs` records."""
    out = []
    for kind in ("ontology", "data"):
        old, new = before.get(kind, {}), after[kind]
        out += [(kind, rel) for rel in sorted(set(old) | set(new)) if old.get(rel) != new.get(rel)]
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def nearest_entry(layout: GraphLayout, reasoning: str, engine: str) -> tuple[Path, dict, list] | None:
    """The full entry whose files differ least (in bytes to parse) from the current ones, with the differing
    files; None when there is none."""
    now = cache.inputs_of(layout, reasoning, engine)
    paths = _files_now(layout)
    roots = {"ontology": layout.ontology_dir, "data": layout.data_dir}
    best = None
    for entry, manifest in _manifests():
        before = manifest["inputs"]
        if before.get("engine") != now["engine"]:
            continue
        # Files are found again by their named graphs, named after the folders they sit in: an entry of another
        # graph folder (its graphs named after that folder) would keep the files this one removed.
        expected = {file_graph(kind, roots[kind] / rel, roots[kind].parent).value
                    for kind in ("ontology", "data") for rel in before.get(kind, {})}
        if expected != set(manifest["graphs"]["ontology"]) | set(manifest["graphs"]["data"]):
            continue
        changed = _changed(before, now)
        if not changed:
            continue  # the same files: the entry is the current one (opened, or damaged, by the caller)
        cost = sum(_size(paths[c]) for c in changed if c in paths) + len(changed)
        if best is None or cost < best[0]:
            best = (cost, entry, manifest, changed)
    if best is None:
        return None
    return best[1], best[2], best[3]


def update(layout: GraphLayout, reasoning: str, engine: str) -> KnowledgeGraph | None:
    """The graph of the current files, as a new full cache entry brought up to date from the nearest earlier
    one; None when the caller must build it cold (said on stderr when an earlier entry existed but could not
    be used)."""
    if engine != "rules":
        return None  # the reference engines record no rounds; their closures are rebuilt
    try:
        found = nearest_entry(layout, reasoning, engine)
    except (OSError, ValueError):
        return None
    if found is None:
        return None
    entry, manifest, changed = found
    from kg.shared import progress

    key = cache.cache_key(layout, reasoning, engine, "full")
    root = cache.cache_root()
    import uuid

    tmp = root / f".tmp-{key[:12]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        with progress.step(f"Updating the cached closure ({len(changed)} file{'s' if len(changed) != 1 else ''} "
                           "changed)"):
            outcome = _build(layout, reasoning, entry, manifest, changed, tmp, key)
    except _RebuildIsCheaper:
        _remove(tmp)
        return None
    except NeedsRebuild as exc:
        _say(f"{exc}: rebuilding the closure in full")
        _remove(tmp)
        return None
    except (OSError, RuntimeError, ValueError, SyntaxError) as exc:
        _remove(tmp)
        if isinstance(exc, ValueError) and str(exc).startswith("store file"):
            cache._discard(entry, exc)
        return None
    if outcome is None:
        return None
    cached = cache.open_cached(layout, reasoning, engine, "full")
    if cached is not None:
        cached.from_cache = False
    return cached


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _parse(path: Path) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def _build(layout: GraphLayout, reasoning: str, entry: Path, manifest: dict, changed: list,
           tmp: Path, key: str) -> object:
    """Copy `entry` to `tmp`, apply the changed files and maintain the closure, and rename `tmp` to the entry
    of `key`. Returns the maintenance outcome."""
    import gc

    cache._check_store(entry, manifest["files"])  # what is copied must be what the manifest lists
    cache._disk_store_opened = True
    tmp.mkdir(parents=True)
    old = ox.Store.read_only(str(entry / "store"))
    old.backup(str(tmp / "store"))
    del old
    gc.collect()
    _keep_verified(entry, manifest)
    store = ox.Store(str(tmp / "store"))
    paths = _files_now(layout)
    roots = {"ontology": layout.ontology_dir, "data": layout.data_dir}
    changes, afters = [], []
    for kind, rel in changed:
        root = roots[kind]
        graph = file_graph(kind, root / rel, root.parent)
        before = {q.triple if hasattr(q, "triple") else ox.Triple(q.subject, q.predicate, q.object)
                  for q in store.quads_for_pattern(None, None, None, graph)}
        after = _parse(paths[(kind, rel)]) if (kind, rel) in paths else set()
        afters.append(after)
        if kind == "ontology":
            before, after = _same_lists(before, after)
        added, removed = after - before, before - after
        changes.append((graph, added, removed))
    # The asserted triples, estimated from the files' sizes at the bytes per triple of the files just parsed.
    parsed = [(kind, rel) for kind, rel in changed if (kind, rel) in paths]
    parsed_bytes, parsed_triples = sum(_size(paths[c]) for c in parsed), sum(len(a) for a in afters)
    if parsed_bytes and parsed_triples:
        asserted = sum(_size(p) for p in paths.values()) * parsed_triples / parsed_bytes
        if asserted > MIN_TRIPLES and sum(len(a) + len(r) for _, a, r in changes) > MAX_CHANGED_SHARE * asserted:
            raise _RebuildIsCheaper
    if any(kind == "ontology" for kind, _ in changed):
        from kg.engine.maintain import is_schema_triple

        if any(is_schema_triple(t) for _, a, r in changes for t in a | r):
            raise NeedsRebuild("the ontology's axioms changed")
    onto_graphs = [file_graph("ontology", p, layout.ontology_dir.parent) for p in layout.ontology_files()]
    rules = rules_for(reasoning, property_chains(store, onto_graphs)) if reasoning != "none" else []
    rounds = [int(g[len(ROUND_GRAPH_BASE):]) for g in manifest["graphs"]["inferred"]
              if g.startswith(ROUND_GRAPH_BASE)]
    outcome = maintain(store, rules, changes, rounds)
    store.flush()
    del store
    gc.collect()
    new_manifest = {
        "format": cache.CACHE_FORMAT, "key": key, "kind": "full", "kg": manifest.get("kg"),
        "engine": manifest.get("engine"), "reasoning": reasoning,
        "graphs": {"ontology": [g.value for g in onto_graphs],
                   "data": [file_graph("data", p, layout.data_dir.parent).value for p in layout.data_files()],
                   "inferred": [round_graph(r).value for r in outcome.rounds]},
        "files": _fingerprint(tmp / "store", entry / "store", manifest["files"]),
        "inputs": cache.inputs_of(layout, reasoning, "rules"),
        "maintained_from": entry.name,
    }
    with (tmp / "manifest.json").open("w", encoding="utf-8") as fh:
        json.dump(new_manifest, fh, indent=1, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    target = cache.cache_root() / key
    try:
        os.rename(tmp, target)
    except OSError:
        if (target / "manifest.json").is_file():
            _remove(tmp)  # another process wrote the same state first
        else:
            _remove(target)
            os.rename(tmp, target)
    return outcome


def _chains(triples: set[ox.Triple]) -> tuple:
    """The RDF lists of a file, by what they hang from: (subject, predicate, [items]) sorted."""
    first = {t.subject: t.object for t in triples if t.predicate == _FIRST}
    rest = {t.subject: t.object for t in triples if t.predicate == _REST}
    out = []
    for t in triples:
        if isinstance(t.object, ox.BlankNode) and t.object in first and not isinstance(t.subject, ox.BlankNode):
            items, node, seen = [], t.object, set()
            while node in first and node not in seen:
                seen.add(node)
                items.append(str(first[node]))
                node = rest.get(node)
            out.append((str(t.subject), str(t.predicate), tuple(items), str(node)))
    return tuple(sorted(out))


def _same_lists(before: set[ox.Triple], after: set[ox.Triple]) -> tuple[set[ox.Triple], set[ox.Triple]]:
    """An ontology file parsed again gives its lists (property chains) new blank nodes: when the lists are the
    same, compare the files without them; when they differ, the rules themselves changed."""
    def split(triples: set[ox.Triple]) -> tuple[set[ox.Triple], set[ox.Triple]]:
        blank = {t for t in triples if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)}
        return triples - blank, blank

    (b_ground, b_blank), (a_ground, a_blank) = split(before), split(after)
    if len(b_blank) != len(a_blank) or _chains(b_blank) != _chains(a_blank) \
            or any(t.predicate not in _LIST_TERMS and isinstance(t.subject, ox.BlankNode) for t in b_blank | a_blank):
        raise NeedsRebuild("the ontology's lists (property chains) changed")
    return b_ground, a_ground


def _fingerprint(store_dir: Path, old_dir: Path, old_files: dict) -> dict[str, list]:
    """The manifest's file list for the copy: a table file hard-linked from the earlier entry is the same
    file, so its digests are the earlier manifest's (already checked); only new files are read."""
    out: dict[str, list] = {}
    for rel in cache._store_files(store_dir):
        path = store_dir / rel
        old = old_dir / rel
        try:
            same = rel in old_files and os.stat(path).st_ino == os.stat(old).st_ino \
                and os.stat(path).st_dev == os.stat(old).st_dev
        except OSError:
            same = False
        if same:
            out[rel] = list(old_files[rel])
            cache._hashed.add((rel, *file_signature(path)))
        else:
            out.update(cache._store_fingerprint_of(store_dir, rel))
    return out


def _keep_verified(entry: Path, manifest: dict) -> None:
    """Linking a file changes its change time, which makes the earlier entry's remembered signatures stale and
    would have its next open read it whole again. Its files were just checked and links do not change their
    content: remember the new signatures of the files whose size, modification time and inode are unchanged."""
    path = entry / cache._VERIFIED_FILE
    verified = read_remembered(path)
    changed = False
    for rel, signature in list(verified.items()):
        try:
            now = file_signature(entry / "store" / rel)
        except OSError:
            continue
        if isinstance(signature, list) and len(signature) == 4 and now != signature \
                and [now[0], now[1], now[3]] == [signature[0], signature[1], signature[3]]:
            verified[rel] = now
            changed = True
    if changed:
        write_remembered(path, verified)
