"""The fault matrix of issue 13, data, cache and export: odd input folders, a cache directory shared with the
user's files, damaged or misplaced caches, leftovers of killed writes, export targets that are links or
read-only, and the progress shown on a terminal. One regression test per case, named after what it guards.

(The parameters, load and hostile-argument cases are in tests/test_fault_matrix.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli

MINI = Path(__file__).parent / "fixtures" / "mini"
QUERIES = str(MINI / "queries")


def kg(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), env={"KG_QUERIES_DIR": QUERIES, "KG_DATA_DIR": None, **(env or {})})


def kg_process(*args: str) -> subprocess.CompletedProcess:
    """`kg` as a user runs it: the console script's fast path, in its own process."""
    env = {**os.environ, "KG_QUERIES_DIR": QUERIES}
    env.pop("KG_DATA_DIR", None)
    return subprocess.run([sys.executable, "-m", "kg.cli.launcher", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def mini_graph(tmp_path: Path, units: int = 0) -> Path:
    """A copy of the mini graph (ontology, data, queries), with `units` more laboratories supervised by the CNRS
    (enough of them make RocksDB files with blocks between their first and last 4 KiB)."""
    root = tmp_path / "graph"
    shutil.copytree(MINI, root)
    if units:
        lines = ["@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .",
                 "@prefix ekg: <https://w3id.org/ecosystem-kg/ontology#> .",
                 "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
        lines += [f'ekd:unit-{i:05d} a ekg:Laboratory ; rdfs:label "Unit {i} with a longish name"@en ; '
                  f"ekg:supervisedBy ekd:cnrs ." for i in range(units)]
        (root / "data" / "units.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


# ==== data ===================================================================================================
@pytest.mark.parametrize("cache", ["cached", "--no-cache"])
def test_a_folder_named_like_a_turtle_file_is_a_folder(tmp_path: Path, cache_dir: Path, cache: str) -> None:
    root = mini_graph(tmp_path)
    (root / "data" / "bogus.ttl").mkdir()
    args = ["query", "lab-parents", "--data", str(root)] + ([cache] if cache == "--no-cache" else [])
    result = kg(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == kg("query", "lab-parents", "--data", str(MINI), "--no-cache").stdout
    assert result.stderr == ""


@pytest.mark.parametrize("cache", ["cached", "--no-cache"])
def test_a_dangling_symlink_is_one_error_line_with_or_without_the_cache(tmp_path: Path, cache_dir: Path,
                                                                        cache: str, monkeypatch) -> None:
    root = mini_graph(tmp_path)
    (root / "data" / "link.ttl").symlink_to("missing.ttl")
    monkeypatch.chdir(root)
    result = kg("query", "lab-parents", "--data", ".", *([cache] if cache == "--no-cache" else []))
    assert result.exit_code == 2
    assert result.stderr == "Error: data/link.ttl: cannot read: a symbolic link to missing.ttl, which does not exist\n"


def test_a_data_folder_without_turtle_is_an_input_error(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "README.md").write_text("nothing here\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for command in (["query", "lab-parents"], ["validate"], ["stats"], ["export"]):
        result = kg(*command, "--data", "empty")
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr == "Error: empty: no Turtle file (*.ttl) in this data folder\n"
        assert result.stdout == ""


def test_near_miss_file_names_are_said_not_skipped_in_silence(tmp_path: Path, cache_dir: Path,
                                                              monkeypatch) -> None:
    root = mini_graph(tmp_path)
    for name in ("more.TTL", "old.ttl.bak", "other.turtle", "dump.nt", "notes.txt", ".hidden.ttl~"):
        (root / "data" / name).write_text("# not read\n", encoding="utf-8")
    monkeypatch.chdir(root)
    result = kg("query", "lab-parents", "--data", ".", "--no-cache")
    assert result.exit_code == 0
    assert result.stderr == ("kg: not read (kg reads Turtle files named *.ttl only): data/dump.nt, data/more.TTL, "
                             "data/old.ttl.bak, data/other.turtle\n")


# ==== cache ==================================================================================================
def _entries(cache_dir: Path) -> list[Path]:
    from kg.engine.cache import survey

    return survey()["entries"]


def test_cache_clear_removes_only_what_kg_wrote(tmp_path: Path, cache_dir: Path) -> None:
    (cache_dir / "my-project" / "src").mkdir(parents=True)
    (cache_dir / "my-project" / "src" / "main.py").write_text("print('mine')\n", encoding="utf-8")
    (cache_dir / "notes.txt").write_text("mine too\n", encoding="utf-8")
    (cache_dir / ("a" * 40)).mkdir()  # named like an entry, but no manifest or store of kg's inside
    (cache_dir / ("b" * 40)).write_text("a file named like an entry\n", encoding="utf-8")
    root = mini_graph(tmp_path)
    assert kg("query", "lab-parents", "--data", str(root)).exit_code == 0
    assert kg("queries").exit_code == 0
    assert len(_entries(cache_dir)) == 1 and (cache_dir / "catalogue.json").is_file()
    result = kg("cache", "clear")
    assert result.exit_code == 0, result.output
    assert result.stdout == (f"removed 1 cache entry from {cache_dir}\n"
                             f"left 4 files/folders that kg did not write: {'a' * 40}, {'b' * 40}, my-project, "
                             "notes.txt\n")
    assert sorted(p.name for p in cache_dir.iterdir()) == ["a" * 40, "b" * 40, "my-project", "notes.txt"]
    assert (cache_dir / "my-project" / "src" / "main.py").read_text(encoding="utf-8") == "print('mine')\n"


def test_an_entry_whose_manifest_was_lost_is_still_kgs(tmp_path: Path, cache_dir: Path) -> None:
    from kg.engine.cache import clear

    assert kg("query", "lab-parents", "--data", str(mini_graph(tmp_path))).exit_code == 0
    (entry,) = _entries(cache_dir)
    (entry / "manifest.json").unlink()
    done = clear()
    assert done.removed == 1 and done.foreign == [] and not entry.exists()


def _corrupt_blocks(entry: Path, length: int | None = None) -> int:
    """Random bytes between the first and last 4 KiB of every store file big enough to have such a middle
    (the edges the manifest fingerprints stay intact): all of it, or `length` bytes in the middle; how many
    files were hit."""
    import random

    rng = random.Random(13)
    hit = 0
    for path in (entry / "store").glob("*.sst"):
        size = path.stat().st_size
        if size > 3 * 4096:
            span = size - 2 * 4096 if length is None else length
            with path.open("r+b") as fh:
                fh.seek(4096 if length is None else size // 2)
                fh.write(bytes(rng.randrange(256) for _ in range(span)))
            hit += 1
    return hit


def test_blocks_corrupted_inside_store_files_are_discarded_and_rebuilt(tmp_path: Path, cache_dir: Path) -> None:
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    root = mini_graph(tmp_path, units=3000)
    expected = kg_process("query", "lab-parents", "--data", str(root), "--no-cache")
    assert expected.returncode == 0 and "Unit 2999" in expected.stdout
    open_graph(layout(root), reasoning="none")  # writes the entry (in the foreground: this is not the launcher)
    (entry,) = _entries(cache_dir)
    assert _corrupt_blocks(entry) >= 1
    first = kg_process("query", "lab-parents", "--data", str(root))
    assert first.returncode == 0, first.stderr
    assert first.stdout == expected.stdout
    assert "Traceback" not in first.stderr
    assert first.stderr.startswith(f"kg: cache entry {entry.name[:12]}… is damaged (store file ")
    assert first.stderr.endswith(" differs from the manifest inside (modified)); rebuilding it\n")
    assert first.stderr.count("\n") == 1
    later = kg_process("query", "lab-parents", "--data", str(root))  # from the rebuilt entry
    assert (later.returncode, later.stdout, later.stderr) == (0, expected.stdout, "")


def test_damage_found_by_a_query_after_the_first_check_discards_and_rebuilds(tmp_path: Path,
                                                                             cache_dir: Path) -> None:
    """Blocks that go bad after the entry was read whole (the disk, not a write: the files' signatures stay)
    are found by RocksDB's block checksums when a query reaches them: that run still answers, from a rebuild."""
    from kg.engine.cache import file_signature
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    root = mini_graph(tmp_path, units=3000)
    expected = kg_process("query", "lab-parents", "--data", str(root), "--no-cache")
    open_graph(layout(root), reasoning="none")
    assert open_graph(layout(root), reasoning="none").from_cache  # read whole once: verified.json written
    (entry,) = _entries(cache_dir)
    assert _corrupt_blocks(entry, length=2048) >= 1
    store = entry / "store"
    (entry / "verified.json").write_text(json.dumps(  # as if the damage left the signatures as they were
        {p.name: file_signature(p) for p in store.iterdir() if p.name != "LOCK" and not p.name.startswith("LOG")}))
    first = kg_process("query", "lab-parents", "--data", str(root))
    assert (first.returncode, first.stdout) == (0, expected.stdout), first.stderr
    assert first.stderr.startswith(f"kg: cache entry {entry.name[:12]}… is damaged (Corruption: block checksum "
                                   "mismatch")
    assert first.stderr.endswith("; rebuilding it\n") and first.stderr.count("\n") == 1
    later = kg_process("query", "lab-parents", "--data", str(root))
    assert (later.returncode, later.stdout, later.stderr) == (0, expected.stdout, "")


def test_an_entry_is_read_whole_once_then_known_by_its_files_signatures(tmp_path: Path, cache_dir: Path,
                                                                        monkeypatch) -> None:
    from kg.engine import cache
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    lay = layout(mini_graph(tmp_path, units=300))
    read_whole: list[str] = []
    digest = cache._file_digest
    monkeypatch.setattr(cache, "_file_digest", lambda path: read_whole.append(str(path)) or digest(path))
    open_graph(lay, reasoning="none")  # the writer reads each store file whole once, for the manifest
    store_reads = [p for p in read_whole if "/store/" in p]
    assert store_reads and len(store_reads) == len(set(store_reads))
    (entry,) = _entries(cache_dir)
    assert (entry / "verified.json").is_file()
    monkeypatch.setattr(cache, "_hashed", set())  # as another process: it knows only verified.json
    read_whole.clear()
    assert open_graph(lay, reasoning="none").from_cache
    assert not [p for p in read_whole if "/store/" in p]  # a warm open reads no store file whole
    (entry / "verified.json").unlink()
    assert open_graph(lay, reasoning="none").from_cache
    assert [p for p in read_whole if "/store/" in p]  # unknown signatures: read whole again
    victim = max((entry / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # a write (its change time moves): read whole again, and found
    victim.write_bytes(bytes(data))
    assert not open_graph(lay, reasoning="none").from_cache


@pytest.mark.parametrize("command", [["stats"], ["describe", "ekd:cnrs"], ["export", "--format", "nt"],
                                     ["explain", "ekd:unit-00042", "ekg:supervisedBy", "ekd:cnrs"],
                                     ["sparql", "SELECT ?s WHERE { ?s a ekg:Laboratory } ORDER BY ?s"]])
def test_every_command_reading_a_corrupted_store_rebuilds_it(tmp_path: Path, cache_dir: Path,
                                                             command: list[str]) -> None:
    root = mini_graph(tmp_path, units=3000)
    expected = kg(*command, "--data", str(root), "--no-cache")
    assert kg(*command, "--data", str(root)).stdout == expected.stdout  # writes the entry
    (entry,) = _entries(cache_dir)
    _corrupt_blocks(entry)
    result = kg(*command, "--data", str(root))
    assert result.exit_code == expected.exit_code, result.output
    assert result.stdout == expected.stdout
    assert "is damaged" in result.stderr and "Traceback" not in result.output


def test_cache_dir_that_is_a_regular_file_warns_and_goes_on(tmp_path: Path, monkeypatch) -> None:
    not_a_folder = tmp_path / "cache-file"
    not_a_folder.write_text("a file\n", encoding="utf-8")
    env = {"KG_CACHE_DIR": str(not_a_folder)}
    result = kg("query", "lab-parents", "--data", str(MINI), env=env)
    assert result.exit_code == 0
    assert result.stdout == kg("query", "lab-parents", "--data", str(MINI), "--no-cache").stdout
    assert result.stderr == (f"kg: cache directory {not_a_folder} is not a folder (KG_CACHE_DIR?); "
                             "going on without the cache\n")
    assert kg("queries", env=env).exit_code == 0  # the remembered catalogue is skipped too
    for command in (["cache", "info"], ["cache", "clear"]):
        result = kg(*command, env=env)
        assert result.exit_code == 2
        assert result.stderr == f"Error: cache directory {not_a_folder} is not a folder (check KG_CACHE_DIR)\n"
    assert not_a_folder.read_text(encoding="utf-8") == "a file\n"


def test_leftovers_of_killed_writes_are_listed_and_reclaimed_but_live_writes_kept(cache_dir: Path) -> None:
    cache_dir.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip()
        stale = cache_dir / f".tmp-0123456789ab-{dead}-deadbeef"
        live = cache_dir / f".tmp-0123456789ab-{writer.pid}-cafe0123"
        for folder in (stale, live):
            (folder / "store").mkdir(parents=True)
            (folder / "store" / "000001.sst").write_bytes(b"x" * 1000)
        stale_memo = cache_dir / f".digests.json.{dead}.a1b2c3"
        stale_memo.write_text("{}", encoding="utf-8")
        info = kg("cache", "info")
        assert info.exit_code == 0
        assert info.stdout == (f"cache directory: {cache_dir}\n0 entries\n"
                               f"2 leftovers of writes that were interrupted (0.0 MB; `kg cache clear` removes them): "
                               f"{stale_memo.name}, {stale.name}\n"
                               f"1 write under way: {live.name}\n")
        cleared = kg("cache", "clear")
        assert cleared.stdout == (f"removed 0 cache entries from {cache_dir}\n"
                                  f"removed 2 leftovers of interrupted writes: {stale_memo.name}, {stale.name}\n"
                                  f"left 1 write still under way: {live.name}\n")
        assert sorted(p.name for p in cache_dir.iterdir()) == [live.name]
    finally:
        writer.kill()
        writer.wait()


def test_a_cold_run_reclaims_the_leftovers_of_killed_cache_writes(tmp_path: Path, cache_dir: Path) -> None:
    cache_dir.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip()
        stale = cache_dir / f".tmp-0123456789ab-{dead}-deadbeef"
        live = cache_dir / f".tmp-0123456789ab-{writer.pid}-cafe0123"
        for folder in (stale, live):
            (folder / "store").mkdir(parents=True)
        (cache_dir / "notes.txt").write_text("mine\n", encoding="utf-8")
        result = kg("query", "lab-parents", "--data", str(mini_graph(tmp_path)))
        assert result.exit_code == 0 and result.stderr == ""
        assert not stale.exists() and live.is_dir() and (cache_dir / "notes.txt").is_file()
        assert kg("query", "lab-parents", "--data", str(mini_graph(tmp_path / "b"))).exit_code == 0
        assert live.is_dir()
    finally:
        writer.kill()
        writer.wait()


# ==== export =================================================================================================
EXPORT = ["export", "--data", str(MINI), "--no-cache", "--format", "nt"]


def test_export_onto_a_symlink_writes_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "graph.nt"
    target.parent.mkdir()
    target.write_text("stale\n", encoding="utf-8")
    link = tmp_path / "graph.nt"
    link.symlink_to(target)
    result = kg(*EXPORT, "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == kg(*EXPORT).stdout
    assert sorted(p.name for p in target.parent.iterdir()) == ["graph.nt"]  # no temporary file left


def test_export_onto_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "graph.nt"
    link.symlink_to("made.nt")
    assert kg(*EXPORT, "-o", str(link)).exit_code == 0
    assert link.is_symlink() and (tmp_path / "made.nt").read_text(encoding="utf-8") == kg(*EXPORT).stdout


def test_export_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert kg(*EXPORT, "-o", str(target)).exit_code == 0
    assert (target.stat().st_mode & 0o777) == 0o640
    assert target.read_text(encoding="utf-8") == kg(*EXPORT).stdout


def test_export_refuses_to_replace_a_read_only_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    result = kg(*EXPORT, "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {target}: is read-only; not replaced (make it writable, or choose another file)\n"
    assert target.read_text(encoding="utf-8") == "keep me\n" and (target.stat().st_mode & 0o777) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]


def test_export_refuses_an_empty_output_path(tmp_path: Path) -> None:
    result = kg(*EXPORT, "-o", "")
    assert result.exit_code == 2
    assert result.stderr == "Error: -o: empty file name (leave -o out, or write -o -, for the standard output)\n"
    assert result.stdout == ""
    dash = kg(*EXPORT, "-o", "-")
    assert dash.exit_code == 0 and dash.stdout == kg(*EXPORT).stdout


def test_export_reclaims_the_temporary_file_of_a_killed_export_but_not_a_live_one(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    writer = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout.strip()
        stale = tmp_path / f".graph.nt.{dead}.0badf00d.tmp"
        live = tmp_path / f".graph.nt.{writer.pid}.0cafe000.tmp"
        mine = tmp_path / "notes.txt"
        for path in (stale, live, mine):
            path.write_text("half a graph\n", encoding="utf-8")
        assert kg(*EXPORT, "-o", str(target)).exit_code == 0
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "graph.nt", "notes.txt"])
    finally:
        writer.kill()
        writer.wait()


def test_export_killed_while_writing_leaves_the_old_file_and_a_reclaimable_temporary(tmp_path: Path) -> None:
    """A real SIGKILL in the middle of the write: the old file is intact, and the next export removes what the
    killed one left."""
    import signal
    import time

    target = tmp_path / "graph.nt"
    target.write_text("old\n", encoding="utf-8")
    code = ("import sys, time; from kg.publish.export import write_atomic\n"
            "def chunks():\n    yield 'x' * 1000\n    print('writing', flush=True)\n    time.sleep(60)\n    yield 'y'\n"
            "write_atomic(chunks(), sys.argv[1])")
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "writing\n"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)
    (leftover,) = [p for p in tmp_path.iterdir() if p.name.startswith(".graph.nt.")]
    assert target.read_text(encoding="utf-8") == "old\n"
    assert kg(*EXPORT, "-o", str(target)).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"] and not leftover.exists()


# ==== progress ===============================================================================================
class FakeTerminal:
    """A stderr that says it is a terminal and keeps what is written."""

    def __init__(self, tty: bool = True) -> None:
        self.parts: list[str] = []
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def quiet_ticker(monkeypatch):
    """No ticker thread: what is drawn then depends only on the calls and the fake clock."""
    from kg.shared import progress

    monkeypatch.setattr(progress, "TICK", None)
    monkeypatch.delenv(progress.ENV, raising=False)
    return progress


def test_progress_on_a_terminal_shows_a_long_step_in_place_and_sums_it_up(quiet_ticker) -> None:
    progress = quiet_ticker
    term, clock = FakeTerminal(), Clock()
    with progress.Step("Parsing data", total=4, unit="files", stream=term, clock=clock) as p:
        p.advance()  # within the first second: nothing
        assert term.text == ""
        clock.now += 1.5
        p.advance()
        clock.now += 0.05
        p.advance()  # too soon after the last draw: not redrawn
        clock.now += 1.0
        p.advance()
    assert term.parts == ["\r\x1b[KParsing data: 2/4 files (50%), 1.5 s",
                          "\r\x1b[KParsing data: 4/4 files (100%), 2.5 s",
                          "\r\x1b[KParsing data: 4/4 files (100%), 2.5 s\n"]


def test_progress_of_a_quick_step_leaves_no_trace(quiet_ticker) -> None:
    term, clock = FakeTerminal(), Clock()
    with quiet_ticker.Step("Reasoning", stream=term, clock=clock) as p:
        p.detail("round 1")
        clock.now += 0.5
        p.detail("round 2")
    assert term.text == ""


def test_progress_is_silent_when_stderr_is_not_a_terminal_unless_forced(quiet_ticker, monkeypatch) -> None:
    progress = quiet_ticker
    piped, clock = FakeTerminal(tty=False), Clock()
    with progress.Step("Validating", stream=piped, clock=clock) as p:
        clock.now += 10
        p.detail("still going")
    progress.note("a note", stream=piped)
    assert piped.text == ""
    monkeypatch.setenv(progress.ENV, "1")  # forced: plain lines, no carriage returns
    with progress.Step("Writing graph.nt", unit="bytes", stream=piped, clock=clock) as p:
        clock.now += 2
        p.advance(3_500_000)
    progress.note("a note", stream=piped)
    assert piped.text == "Writing graph.nt: 3.5 MB, 2.0 s\nWriting graph.nt: 3.5 MB, 2.0 s\na note\n"
    monkeypatch.setenv(progress.ENV, "0")  # and silenced even on a terminal
    term = FakeTerminal()
    with progress.Step("Reasoning", stream=term, clock=clock) as p:
        clock.now += 10
        p.detail("round 9")
    assert term.text == ""


def test_progress_of_a_step_that_fails_says_it_stopped(quiet_ticker) -> None:
    term, clock = FakeTerminal(), Clock()
    with pytest.raises(RuntimeError), quiet_ticker.Step("Validating", stream=term, clock=clock) as p:
        clock.now += 3
        p.detail("shape 2 of 5")
        raise RuntimeError("boom")
    assert term.parts[-1] == "\r\x1b[KValidating: stopped after 3.0 s\n"


def test_progress_ticker_shows_a_step_that_cannot_count(monkeypatch) -> None:
    import time

    from kg.shared import progress

    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.setattr(progress, "TICK", 0.01)
    term = FakeTerminal()
    with progress.step("Validating 12 triples (SHACL)", stream=term, delay=0.02):
        time.sleep(0.3)  # one opaque call: no advance, no detail
    assert term.parts[0].startswith("\r\x1b[KValidating 12 triples (SHACL): ")
    assert term.text.endswith(" s\n")


def test_a_cold_command_shows_its_long_steps_when_forced(tmp_path: Path, cache_dir: Path, monkeypatch) -> None:
    """The steps are wired in: parsing, reasoning and writing the cache report themselves (delay 0 here)."""
    from kg.shared import progress

    monkeypatch.setattr(progress, "DELAY", 0.0)
    result = kg("query", "lab-parents", "--data", str(mini_graph(tmp_path)), "--reasoning", "owlrl",
                env={progress.ENV: "1"})
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    for start in ("Parsing ontology (1 file): ", "Parsing data (2 files): ", "Reasoning (owlrl, engine rules): round",
                  "Writing the cache: "):
        assert any(line.startswith(start) for line in lines), (start, result.stderr)
    assert kg("query", "lab-parents", "--data", str(mini_graph(tmp_path / "again")), "--reasoning", "owlrl",
              ).stderr == ""  # not forced, not a terminal: nothing


def test_export_to_a_pipe_writes_into_it_and_leaves_it_a_pipe(tmp_path: Path) -> None:
    import stat
    import threading

    fifo = tmp_path / "graph.nt"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = kg(*EXPORT, "-o", str(fifo))
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert received == [kg(*EXPORT).stdout.encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt"]
