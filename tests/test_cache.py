"""The closure cache: reused when valid, rebuilt when anything changes or it is damaged, written atomically."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from kg.engine.cache import cache_key, cache_root, clear, entries
from kg.engine.graph import open_graph
from kg.shared.paths import layout

FIXTURE = Path("tests/fixtures/engine/data")


def _copy_fixture(tmp_path: Path) -> Path:
    target = tmp_path / "graph" / "data"
    shutil.copytree(FIXTURE, target)
    return target


def _triples(g) -> set[str]:
    """Ground triples (blank nodes of the ontology's RDF lists get new labels at every parse)."""
    return {str(t) for t in g.triples("all") if "_:" not in str(t)}


def test_second_open_comes_from_the_cache(cache_dir, tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    first = open_graph(lay, reasoning="owlrl")
    second = open_graph(lay, reasoning="owlrl")
    assert second.from_cache
    assert _triples(first) == _triples(second)
    assert [g.value for g in second.inferred_graphs] == [g.value for g in first.inferred_graphs]
    assert [e["kind"] for e in entries()] == ["full"]
    assert cache_root() == cache_dir


def test_any_change_to_the_data_invalidates(cache_dir, tmp_path) -> None:
    data = _copy_fixture(tmp_path)
    lay = layout(data)
    key = cache_key(lay, "owlrl", "rules")
    open_graph(lay, reasoning="owlrl")
    with (data / "sample.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\nekd:extra ekg:unitOf ekd:inst .\n")
    assert cache_key(lay, "owlrl", "rules") != key
    changed = open_graph(lay, reasoning="owlrl")
    assert not changed.from_cache or "extra" in " ".join(_triples(changed))
    assert any("extra" in t for t in _triples(open_graph(lay, reasoning="owlrl")))


def test_regime_and_engine_are_part_of_the_key(tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    keys = {cache_key(lay, r, e) for r in ("none", "rdfs", "owlrl") for e in ("rules", "owlrl")}
    assert len(keys) == 6


def _entry(cache_dir: Path) -> Path:
    (entry,) = [p for p in cache_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return entry


def test_a_truncated_cache_is_detected_and_rebuilt(cache_dir, tmp_path, capsys) -> None:
    lay = layout(_copy_fixture(tmp_path))
    expected = _triples(open_graph(lay, reasoning="owlrl"))
    store = _entry(cache_dir) / "store"
    victim = max((p for p in store.iterdir() if p.suffix == ".sst"), key=lambda p: p.stat().st_size)
    with victim.open("r+b") as fh:
        fh.truncate(victim.stat().st_size // 2)
    rebuilt = open_graph(lay, reasoning="owlrl")
    assert not rebuilt.from_cache
    assert "damaged" in capsys.readouterr().err
    assert _triples(rebuilt) == expected
    assert open_graph(lay, reasoning="owlrl").from_cache  # and the new entry is good


def test_a_corrupted_manifest_is_detected_and_rebuilt(cache_dir, tmp_path, capsys) -> None:
    lay = layout(_copy_fixture(tmp_path))
    open_graph(lay, reasoning="rdfs")
    (_entry(cache_dir) / "manifest.json").write_text("{not json", encoding="utf-8")
    assert not open_graph(lay, reasoning="rdfs").from_cache
    assert "damaged" in capsys.readouterr().err


def test_a_flipped_byte_is_detected(cache_dir, tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    open_graph(lay, reasoning="owlrl")
    manifest = json.loads((_entry(cache_dir) / "manifest.json").read_text(encoding="utf-8"))
    name = next(n for n, (size, *_digests) in manifest["files"].items() if size > 10)
    path = _entry(cache_dir) / "store" / name
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert not open_graph(lay, reasoning="owlrl").from_cache


def test_no_cache_writes_nothing(cache_dir, tmp_path) -> None:
    open_graph(layout(_copy_fixture(tmp_path)), reasoning="owlrl", use_cache=False)
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_clear_removes_every_entry(cache_dir, tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    open_graph(lay, reasoning="owlrl")
    open_graph(lay, reasoning="rdfs")
    from kg.query.catalog import load_catalog

    load_catalog(lay.queries_dir)
    assert (cache_dir / "digests.json").is_file() and (cache_dir / "catalogue.json").is_file()
    done = clear()
    assert done.root == cache_dir and done.removed == 2
    assert entries() == []
    assert not [p.name for p in cache_dir.iterdir()]  # the digests and the catalogue too


def test_concurrent_builds_leave_one_good_entry(cache_dir, tmp_path) -> None:
    data = _copy_fixture(tmp_path)
    code = ("import sys; from kg.engine.graph import open_graph; from kg.shared.paths import layout; "
            "g = open_graph(layout(sys.argv[1]), reasoning='owlrl'); print(g.count('all'))")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(data)], stdout=subprocess.PIPE, text=True)
             for _ in range(4)]
    outputs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(outputs)) == 1
    assert len(entries()) == 1
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".tmp-")]
    assert open_graph(layout(data), reasoning="owlrl").from_cache


def test_query_only_builds_defer_provenance_and_the_cache_still_has_it(cache_dir, tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    quick = open_graph(lay, reasoning="owlrl", use_cache=False, provenance=False)
    assert quick.pending_data_files  # no per-file copy yet
    full = open_graph(lay, reasoning="owlrl", use_cache=False)
    assert _triples(quick) == _triples(full)
    assert quick.files_asserting(next(iter(full.triples("data")))) == ["data/sample.ttl"]  # built on demand
    assert not quick.pending_data_files
    open_graph(lay, reasoning="owlrl", provenance=False)  # writes a query entry: the closure alone
    assert [e["kind"] for e in entries()] == ["query"]
    rebuilt = open_graph(lay, reasoning="owlrl")  # provenance needed: the query entry will not do
    assert not rebuilt.from_cache and not rebuilt.closure_only
    assert sorted(e["kind"] for e in entries()) == ["full", "query"]
    cached = open_graph(lay, reasoning="owlrl")
    assert cached.from_cache and not cached.pending_data_files and not cached.closure_only
    assert {str(t) for t in cached.triples("data")} == {str(t) for t in full.triples("data")}


def test_a_query_only_open_takes_either_kind(cache_dir, tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    open_graph(lay, reasoning="owlrl")  # a full entry only
    from_full = open_graph(lay, reasoning="owlrl", provenance=False)
    assert from_full.from_cache and not from_full.closure_only  # no second build for want of a query entry
    assert [e["kind"] for e in entries()] == ["full"]
    clear()
    open_graph(lay, reasoning="owlrl", provenance=False)
    from_query = open_graph(lay, reasoning="owlrl", provenance=False)
    assert from_query.from_cache and from_query.closure_only
    assert _triples(from_query) == _triples(from_full)
    assert from_query.count("all") == from_full.count("all")


def test_the_kind_is_in_the_key_and_the_manifest(cache_dir, tmp_path) -> None:
    lay = layout(_copy_fixture(tmp_path))
    assert cache_key(lay, "owlrl", "rules", "query") != cache_key(lay, "owlrl", "rules", "full")
    assert cache_key(lay, "owlrl", "rules") == cache_key(lay, "owlrl", "rules", "full")
    open_graph(lay, reasoning="owlrl", provenance=False)
    entry = _entry(cache_dir)
    manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
    assert entry.name == cache_key(lay, "owlrl", "rules", "query")
    assert manifest["kind"] == "query" and manifest["graphs"] == {"ontology": [], "data": [], "inferred": []}


def test_a_manifest_of_the_wrong_kind_is_not_used(cache_dir, tmp_path, capsys) -> None:
    lay = layout(_copy_fixture(tmp_path))
    open_graph(lay, reasoning="owlrl", provenance=False)
    manifest_path = _entry(cache_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "kind": "full"}), encoding="utf-8")
    reopened = open_graph(lay, reasoning="owlrl", provenance=False)
    assert not reopened.from_cache
    assert "damaged" in capsys.readouterr().err


def test_a_graph_from_a_query_entry_refuses_what_needs_provenance(cache_dir, tmp_path) -> None:
    import pytest

    from kg.engine.explain import Explainer
    from kg.engine.knowledge import ClosureOnlyError

    lay = layout(_copy_fixture(tmp_path))
    full = open_graph(lay, reasoning="owlrl", use_cache=False)
    open_graph(lay, reasoning="owlrl", provenance=False)
    closure = open_graph(lay, reasoning="owlrl", provenance=False)
    assert closure.closure_only and "closure only" in repr(closure)
    some = next(iter(full.triples("data")))
    for call in (lambda: closure.graphs("all"), lambda: closure.graphs("data"), lambda: closure.graphs("inferred"),
                 lambda: list(closure.triples("asserted")), lambda: closure.count("inferred"),
                 lambda: closure.files_asserting(some), lambda: closure.files_describing(some.subject),
                 closure.ensure_provenance, lambda: closure.inferred_graphs, lambda: Explainer(closure)):
        with pytest.raises(ClosureOnlyError):
            call()
    assert _triples(closure) == _triples(full)  # what it holds, it answers: the default graph
    assert closure.count("all") == full.count("all")


def _answer(result) -> object:
    """A query result as comparable data: blank nodes (labelled per parse) made anonymous, unordered rows sorted."""
    import pyoxigraph as ox

    def term(t) -> str:
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)

    if result.kind == "ask":
        return result.value
    if result.kind == "graph":
        return sorted(" ".join(term(x) for x in (t.subject, t.predicate, t.object)) for t in result.triples)
    rows = [tuple(term(v) if v is not None else "" for v in row) for row in result.rows]
    return (list(result.variables), rows if result.ordered else sorted(rows))


def test_every_catalogue_query_answers_identically_from_both_kinds(cache_dir) -> None:
    """The project's graph and every named query (required parameters bound to their examples), on a graph
    opened from a query entry and on one opened from a full entry, at the regime its header asks for."""
    from kg.engine import cache
    from kg.query.catalog import example_value, load_catalog, prepare

    lay = layout()
    catalogue = load_catalog(lay.queries_dir)
    compared = 0
    for regime in sorted({q.reasoning or "none" for q in catalogue.values()}):
        open_graph(lay, reasoning=regime, provenance=False)
        open_graph(lay, reasoning=regime)
        closure, full = (cache.open_cached(lay, regime, "rules", kind) for kind in ("query", "full"))
        assert closure.closure_only and not full.closure_only
        for query in catalogue.values():
            if (query.reasoning or "none") != regime:
                continue
            sparql = prepare(query, {p.name: example_value(p) for p in query.params if p.required})
            assert _answer(closure.query(sparql)) == _answer(full.query(sparql)), query.name
            compared += 1
    assert compared == len(catalogue) > 20


def test_a_query_naming_graphs_opens_the_full_entry(cache_dir, tmp_path) -> None:
    from kg.query.catalog import execute

    data = _copy_fixture(tmp_path)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    per_graph = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    first = execute(count, reasoning="owlrl", data_dir=str(data))
    assert [e["kind"] for e in entries()] == ["query"]
    graphs = execute(per_graph, reasoning="owlrl", data_dir=str(data))
    assert sorted(e["kind"] for e in entries()) == ["full", "query"]
    assert int(graphs.result.rows[0][0].value) > 2  # the file graphs and the rounds, as from a full entry
    assert _answer(execute(count, reasoning="owlrl", data_dir=str(data)).result) == _answer(first.result)


def test_cache_info_shows_the_kind(cache_dir, tmp_path) -> None:
    from click.testing import CliRunner

    from kg.cli.main import cli

    lay = layout(_copy_fixture(tmp_path))
    open_graph(lay, reasoning="owlrl", provenance=False)
    open_graph(lay, reasoning="owlrl")
    out = CliRunner().invoke(cli, ["cache", "info"]).output
    assert "  query  reasoning=owlrl" in out and "  full   reasoning=owlrl" in out and "2 entries" in out


def test_files_are_hashed_once_and_any_change_is_seen(cache_dir, tmp_path, monkeypatch) -> None:
    from kg.engine import cache

    data = _copy_fixture(tmp_path)
    lay = layout(data)
    key = cache_key(lay, "owlrl", "rules")
    assert (cache_dir / "digests.json").is_file()
    calls = []
    real = cache._file_digest
    monkeypatch.setattr(cache, "_file_digest", lambda p: calls.append(p) or real(p))
    assert cache_key(lay, "owlrl", "rules") == key
    assert not calls  # remembered, not re-read: neither the data nor the engine's sources
    with (data / "sample.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    assert cache_key(lay, "owlrl", "rules") != key
    assert [p.name for p in calls] == ["sample.ttl"]


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(cache_dir, tmp_path) -> None:
    """The remembered digest is keyed on the change time too, which no tool can set back."""
    import os

    data = _copy_fixture(tmp_path)
    lay = layout(data)
    target = data / "sample.ttl"
    key = cache_key(lay, "owlrl", "rules")
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    swapped = text.replace("ekd:", "ekx:", 1) if "ekd:" in text else text[::-1]
    assert len(swapped.encode()) == len(text.encode()) and swapped != text
    target.write_text(swapped, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime, same inode
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert cache_key(lay, "owlrl", "rules") != key
