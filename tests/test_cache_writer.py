"""The cache writer (kg.engine.cache.save): for a full entry one bulk load holding every graph of the in-memory
build, the per-file graphs a query-only build deferred streamed from the files; for a query entry the default
graph alone; nothing half-written when that fails, nothing written when an input changed after the build; and
the `kg` console script forks it once the answer is out (save_in_background, write_pending)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from kg.engine import cache
from kg.engine.graph import build_graph
from kg.shared.paths import layout

FIXTURE = Path("tests/fixtures/engine/data")
MINI = Path(__file__).parent / "fixtures" / "mini"


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


def test_an_entry_is_not_written_when_an_input_changed_after_the_build(cache_dir, tmp_path) -> None:
    """The background writer gets the key the inputs had when the graph was built: an edit made while the
    command answered must not leave an entry naming the new inputs with the old closure."""
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    key = cache.cache_key(lay, "owlrl", "rules", "query")
    with (lay.data_dir / "sample.ttl").open("a", encoding="utf-8") as fh:
        fh.write("\n<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    assert cache.save(quick, reopen=False, kind="query", key=key) is quick
    assert cache.entries() == []
    cache.save(quick, reopen=False, kind="query", key=cache.cache_key(lay, "owlrl", "rules", "query"))
    assert len(cache.entries()) == 1  # the key it is given is the one the inputs have: written


def _deferring(monkeypatch) -> list:
    """save_in_background as in a process that opened no on-disk store, with the fork recorded, not made."""
    forked: list = []
    monkeypatch.setattr(cache, "_disk_store_opened", False)
    monkeypatch.setattr(cache, "_pending", [])
    monkeypatch.setattr(cache, "_fork_writer", lambda *args: forked.append(args) or True)
    return forked


def test_the_background_writer_is_forked_once_the_answer_is_out(cache_dir, tmp_path, monkeypatch) -> None:
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    forked = _deferring(monkeypatch)
    assert cache.save_in_background(quick, "query")
    assert cache.save_in_background(quick, "query")  # the same entry asked twice (a rebuild): written once
    assert forked == [] and cache.entries() == []  # nothing forked while the command still answers
    cache.write_pending()
    assert forked == [(quick, "query", cache.cache_key(lay, "owlrl", "rules", "query"))]
    cache.write_pending()
    assert len(forked) == 1


def test_a_pending_entry_is_written_in_the_foreground_once_a_store_on_disk_is_open(cache_dir, tmp_path,
                                                                                    monkeypatch) -> None:
    """A fork would lose RocksDB's background threads once this process has opened a store on disk."""
    lay = _layout(tmp_path)
    quick = build_graph(lay, reasoning="owlrl", engine="rules", store=ox.Store(), provenance=False)
    forked = _deferring(monkeypatch)
    assert cache.save_in_background(quick, "query")
    monkeypatch.setattr(cache, "_disk_store_opened", True)
    cache.write_pending()
    assert forked == []
    assert [e["kind"] for e in cache.entries()] == ["query"]


def _wait_for_entries(kinds: list[str], seconds: float = 120.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while True:
        found = sorted(str(e["kind"]) for e in cache.entries())
        if found == kinds or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_the_console_script_answers_then_a_child_writes_the_entry(cache_dir) -> None:
    env = {**os.environ, "KG_QUERIES_DIR": str(MINI / "queries"), "KG_CACHE_DIR": str(cache_dir)}
    env.pop("KG_DATA_DIR", None)
    run = [sys.executable, "-m", "kg.cli.launcher", "query", "lab-parents", "--data", str(MINI)]
    cold = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert cold.returncode == 0 and cold.stderr == "", cold.stderr
    assert _wait_for_entries(["query"]) == ["query"]
    warm = subprocess.run(run, capture_output=True, text=True, env=env, timeout=120)
    assert (warm.returncode, warm.stdout, warm.stderr) == (0, cold.stdout, "")
    # a command through click (kg.cli.main) that needs provenance: a full entry, forked as it exits
    stats = [sys.executable, "-c", "import sys; from kg.cli.main import main; sys.argv[0] = 'kg'; main()",
             "stats", "--data", str(MINI)]
    done = subprocess.run(stats, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _wait_for_entries(["full", "query"]) == ["full", "query"]
