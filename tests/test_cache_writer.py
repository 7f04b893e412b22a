"""The cache writer (kg.engine.cache.save): for a full entry one bulk load holding every graph of the in-memory
build, the per-file graphs a query-only build deferred streamed from the files; for a query entry the default
graph alone; and nothing half-written when that fails."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from kg.engine import cache
from kg.engine.graph import build_graph
from kg.shared.paths import layout

FIXTURE = Path("tests/fixtures/engine/data")


def _layout(tmp_path: Path):
    target = tmp_path / "graph" / "data"
    shutil.copytree(FIXTURE, target)
    return layout(target)


def _per_graph(store: ox.Store) -> Counter:
    return Counter(q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "(default)" for q in store)


def test_the_written_store_has_every_graph_of_a_full_build(cache_dir, tmp_path) -> None:
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    full = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=True)
    assert quick.pending_data_files
    cache._write_store(quick, tmp_path / "store")
    written = ox.Store.read_only(str(tmp_path / "store"))
    assert _per_graph(written) == _per_graph(full.store)
    assert any(name.endswith("/file/data/sample.ttl") for name in _per_graph(written))
    assert quick.pending_data_files  # the in-memory graph is left as it was


def test_a_source_that_no_longer_parses_leaves_no_entry(cache_dir, tmp_path, capsys) -> None:
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    with (lay.data_dir / "sample.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n<urn:x:s> <urn:x:p> .\n")  # broken after the build, before the cache is written
    assert cache.save(quick) is quick
    assert "cannot write the cache" in capsys.readouterr().err
    assert not [p for p in cache_dir.iterdir() if p.is_dir()]  # neither an entry nor a .tmp- directory


def test_the_background_writer_does_not_reopen_what_it_wrote(cache_dir, tmp_path, monkeypatch) -> None:
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    opened = []
    monkeypatch.setattr(cache, "open_cached", lambda *a: opened.append(a))
    assert cache.save(quick, reopen=False) is quick
    assert not opened
    assert len(cache.entries()) == 1


def test_a_query_entry_holds_the_default_graph_alone(cache_dir, tmp_path) -> None:
    """What `oxigraph load` of the closure holds: every triple of the default graph once, no named graph."""
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    full = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=True)
    cache._write_store(quick, tmp_path / "store", "query")
    written = ox.Store.read_only(str(tmp_path / "store"))
    default = sum(1 for _ in full.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert _per_graph(written) == Counter({"(default)": default})
    assert list(written.named_graphs()) == []
    ground = {str(q) for q in written if "_:" not in str(q)}  # ontology lists: blank nodes labelled per parse
    assert ground == {str(q) for q in full.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
                      if "_:" not in str(q)}


def test_the_background_writer_writes_the_kind_it_is_given(cache_dir, tmp_path) -> None:
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    assert cache.save(quick, reopen=False, kind="query") is quick
    cache.save(quick, reopen=False, kind="full")  # a query build can still write a full entry: from the files
    assert sorted(e["kind"] for e in cache.entries()) == ["full", "query"]
    assert cache.open_cached(lay, "owlrl", "rules", "query").closure_only
    assert quick.pending_data_files  # left as it was by both
    full = cache.open_cached(lay, "owlrl", "rules", "full")
    assert any(g.value.endswith("/file/data/sample.ttl") for g in full.graphs("data"))
