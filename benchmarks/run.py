"""The benchmark: kg against the floor (a plain Oxigraph store holding the finished closure) and against the
pipelines people would otherwise write, on the project graph and on synthetic graphs of 10k, 100k and 1M
asserted triples shaped like it (benchmarks/synth.py).

    python benchmarks/run.py [--sizes project,10k,100k,1m] [--out DIR] [--skip-naive] [--only-floor]

Every measurement runs in its own process: wall time around the process (interpreter start included), CPU time
of its process tree, peak RSS. kg and the floor alternate run by run; every answer's rows are compared with the
floor's; targets (TARGETS, the list docs/performance.md is checked against) pass only on wall and CPU time
alike. What is measured is a byte-compiled copy of kg in OUT/src: nothing is written into the source tree.
Results go to OUT/results.json and OUT/results.md, rewritten after each measurement so an interrupted run keeps
what it has. See benchmarks/README.md for what each line measures and docs/performance.md for the findings.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

sys.dont_write_bytecode = True  # importing synth must not leave benchmarks/__pycache__ behind

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
PY = sys.executable
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph") or "oxigraph"
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None  # GNU time, for peak memory
QUERY = "affiliations"
QUERY_FILE = REPO / "queries" / f"{QUERY}.rq"
SHAPES = REPO / "ontology" / "shapes.ttl"
GB = 1024**3
MEMORY_LIMIT = 8 * GB  # address space given to the reasonable pipeline
NAIVE_TIMEOUT = 600.0
WARM_PAIRS = 7  # warm runs take 15-60 ms at the small sizes: seven alternated pairs keep load drift out of the median
COLD_PAIRS = 3
STARTUP_REPEATS = 5
# What the measured kg processes import: a copy of these, byte-compiled outside the source tree.
SOURCE_PARTS = ("kg", "queries", "ontology", "data")


# -- the measured copy of kg ------------------------------------------------------------------------------

CWD = Path(tempfile.gettempdir())  # measured processes run in the output directory (set by main), never in the tree
DEFAULT_OUT = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ecosystem-kg-benchmarks"
SOURCE_ENV: dict[str, str] = {}  # what every measured process gets: the copy of kg on PYTHONPATH, no bytecode writes


def prepare_source(out: Path, repo: Path | None = None) -> dict[str, str]:
    """Copy kg and what it reads beside it (queries, ontology, data) to OUT/src and byte-compile the copy there;
    return the environment that makes measured processes import it. kg is measured as installed (bytecode
    compiled, as pip does) and the source tree is left untouched: no __pycache__ written into it, and an edit
    made during the run does not change what is measured."""
    repo = repo or REPO
    src = out / "src"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for part in SOURCE_PARTS:
        if (repo / part).is_dir():
            shutil.copytree(repo / part, src / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", str(src / "kg")], capture_output=True,
                          text=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    if done.returncode != 0:
        raise RuntimeError(f"cannot byte-compile the copy of kg in {src}: {done.stdout}{done.stderr}".strip())
    env = {"PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run([sys.executable, "-c", "import kg; print(kg.__file__)"], capture_output=True, text=True,
                           env={**os.environ, **env}, cwd=out)
    if not where.stdout.strip().startswith(str(src)):
        raise RuntimeError(f"the measured processes would not import the copy of kg in {src} "
                           f"({where.stdout.strip() or where.stderr.strip()})")
    return env


_LOCK: list = []  # the open lock file of the output directory, held until the process ends


def lock_output(out: Path) -> bool:
    """Hold an exclusive lock on OUT/.lock for the rest of the run; False when another run holds it (two runs
    in one directory delete each other's stores mid-load)."""
    import fcntl

    fh = (out / ".lock").open("w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return False
    _LOCK.append(fh)
    return True


# -- measuring one process -------------------------------------------------------------------------------


@dataclass
class Run:
    """One process: wall seconds, CPU seconds (user + system of the process and its descendants), peak RSS in
    MB, and how it ended."""

    wall: float
    rss_mb: float
    status: str  # ok | timeout | oom | error
    rc: int | None = None
    stderr: str = ""
    result: dict | None = None  # the RESULT line of benchmarks/pipelines.py
    background_wall: float | None = None  # start → end of the last process it left behind (cache writer)
    background_rss_mb: float | None = None
    cpu: float = 0.0  # the process and every descendant it waited for (wait4); not the processes it left behind
    background_cpu: float | None = None  # the processes it left behind, alone
    background_own_wall: float | None = None  # their own life: fork → exit (the cache writer's own time)
    stdout: str | None = None  # kept when asked for (rows compared with the floor's)


# Children the harness keeps on purpose (the Oxigraph server): never waited for as leftovers.
LONG_LIVED: set[int] = set()
SUBREAPER = False


def become_subreaper() -> bool:
    """Make orphaned descendants (kg's forked cache writer, which calls setsid) our children, so that the
    harness can wait for them, time them and read their peak memory. Linux only."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def leftover_children() -> list[int]:
    me, out = os.getpid(), []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in LONG_LIVED:
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("PPid:"):
                if int(line.split()[1]) == me:
                    out.append(int(entry))
                break
    return out


class Leftovers:
    """What the processes a command left running did: when the last one ended (seconds since the command
    started), their largest peak RSS (MB), their CPU time, and the longest own life among them (fork → exit)."""

    def __init__(self) -> None:
        self.end: float | None = None
        self.peak_mb: float | None = None
        self.cpu: float | None = None
        self.own_wall: float | None = None


def wait_leftovers(start: float, deadline: float) -> Leftovers:
    """Wait for the processes a command left running (a cache written in the background)."""
    out = Leftovers()
    while SUBREAPER:
        pids = leftover_children()
        if not pids:
            break
        for pid in pids:
            born = process_start(pid)
            timer = threading.Timer(max(0.0, deadline - time.perf_counter()),
                                    lambda pid=pid: _kill(pid))
            timer.start()
            try:
                _pid, _status, usage = os.wait4(pid, 0)
            except ChildProcessError:
                continue
            finally:
                timer.cancel()
            out.end = time.perf_counter() - start
            out.peak_mb = max(out.peak_mb or 0.0, usage.ru_maxrss / 1024)
            out.cpu = (out.cpu or 0.0) + usage.ru_utime + usage.ru_stime
            if born is not None:
                out.own_wall = max(out.own_wall or 0.0, uptime() - born)
    return out


def process_start(pid: int) -> float | None:
    """When a process started, in seconds since boot (field 22 of /proc/PID/stat; 10 ms resolution)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def uptime() -> float:
    return float(Path("/proc/uptime").read_text().split()[0])


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def run_process(argv: list[str], *, timeout: float, env: dict[str, str] | None = None,
                memory_limit: int | None = None, ok_codes: tuple[int, ...] = (0,), keep_stdout: bool = False) -> Run:
    """Run argv with stdout to a file (read for RESULT lines, kept when asked); wall time around the process,
    CPU time from wait4() (the process and the descendants it waited for, GNU time included; the processes it
    left behind apart); peak RSS from GNU time when present (else wait4(), whose max RSS includes the harness's
    own pages copied at fork)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("w+", suffix=".time") as tf:
        if TIME:
            argv = [TIME, "-f", "%M", "-o", tf.name, *argv]

        def limit() -> None:  # in the child, before exec
            if memory_limit:
                resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=CWD, start_new_session=True,
                                preexec_fn=limit if memory_limit else None)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        with contextlib.suppress(ProcessLookupError):  # stray grandchildren still in the group
            os.killpg(proc.pid, signal.SIGKILL)
        left = wait_leftovers(start, start + timeout)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        result = None
        for line in stdout.splitlines():
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
        rss_mb = usage.ru_maxrss / 1024
        if TIME:
            tf.seek(0)
            report = tf.read().strip().splitlines()
            try:
                rss_mb = int(report[-1]) / 1024
            except (IndexError, ValueError):
                pass  # killed with the timer: GNU time died with its child
            for line in report:
                if line.startswith("Command terminated by signal"):
                    proc.returncode = -int(line.rsplit(" ", 1)[1])
    if timed_out.is_set():
        status_text = "timeout"
    elif proc.returncode in ok_codes:
        status_text = "ok"
    elif memory_limit and _looks_oom(proc.returncode, stderr):
        status_text = "oom"
    else:
        status_text = "error"
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, rss_mb, status_text, proc.returncode, stderr[-2000:], result, left.end, left.peak_mb, cpu,
               left.cpu, left.own_wall, stdout if keep_stdout else None)


def _looks_oom(rc: int, stderr: str) -> bool:
    text = stderr.lower()
    return (rc in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS)
            or "memoryerror" in text or "memory allocation" in text or "cannot allocate" in text
            or "out of memory" in text)


@dataclass
class Measure:
    """A named measurement: the median of its runs (one run for most), the max of their peak memory."""

    name: str
    wall: float | None
    rss_mb: float | None
    status: str
    samples: list[float] = field(default_factory=list)
    detail: dict = field(default_factory=dict)
    note: str = ""
    cpu: float | None = None  # median CPU seconds (user + system of the process tree)
    cpu_samples: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, name: str, runs: list[Run], note: str = "", detail: dict | None = None) -> Measure:
        failed = [r for r in runs if r.status != "ok"]
        status = failed[0].status if failed else "ok"
        d = dict(detail or {})
        if runs and runs[-1].result:
            d.update(runs[-1].result)
        if failed:
            d["rc"] = failed[0].rc
            d["stderr"] = failed[0].stderr[-600:]
        walls = [r.wall for r in runs]
        background = [r for r in runs if r.background_wall is not None]
        if background:
            d["background_s"] = statistics.median(r.background_wall for r in background)
            d["background_rss_mb"] = max(r.background_rss_mb or 0.0 for r in background)
            d["background_runs"] = len(background)
        cpus = [r.cpu for r in runs]
        return cls(name, statistics.median(walls) if walls else None,
                   max(r.rss_mb for r in runs) if runs else None, status, walls, d, note,
                   statistics.median(cpus) if cpus else None, cpus)


def alternate(labels: list[str], rounds: int) -> list[tuple[int, str]]:
    """The order of an alternated measurement: round after round, each command once in the same order
    (A B A B …), so that a change in the machine's load hits every command alike."""
    return [(i, label) for i in range(rounds) for label in labels]


def run_alternated(commands: dict[str, object], rounds: int) -> tuple[dict[str, list[Run]], list[float]]:
    """Run {label: callable returning a Run} in alternation; return the runs per label and the 1-minute load
    average at the start of each round."""
    runs: dict[str, list[Run]] = {label: [] for label in commands}
    loads: list[float] = []
    for i, label in alternate(list(commands), rounds):
        if len(loads) == i:
            loads.append(round(os.getloadavg()[0], 2))
        runs[label].append(commands[label]())
    return runs, loads


def csv_rows(text: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and rows (sorted: a multiset) of a SPARQL CSV result."""
    import csv
    import io

    rows = [tuple(r) for r in csv.reader(io.StringIO(text))]
    if not rows:
        return [], []
    return list(rows[0]), sorted(rows[1:])


def compare_rows(kg_csv: str, floor_csv: str) -> str | None:
    """None when kg's CSV answer has the floor's header and rows (as a multiset); else what differs."""
    kg_head, kg_rows = csv_rows(kg_csv)
    floor_head, floor_rows = csv_rows(floor_csv)
    if kg_head != floor_head:
        return f"columns differ: kg {kg_head}, floor {floor_head}"
    if kg_rows != floor_rows:
        from collections import Counter

        only_kg = Counter(kg_rows) - Counter(floor_rows)
        only_floor = Counter(floor_rows) - Counter(kg_rows)
        example = next(iter(only_kg or only_floor), ())
        return (f"rows differ: kg {len(kg_rows)}, floor {len(floor_rows)} ({sum(only_kg.values())} only in kg, "
                f"{sum(only_floor.values())} only in the floor, e.g. {','.join(example)})")
    return None


# -- the harness -----------------------------------------------------------------------------------------


class Bench:
    def __init__(self, out: Path, skip_naive: bool, timeout: float, only_floor: bool = False) -> None:
        self.out = out
        self.only_floor = only_floor
        self.skip_naive = skip_naive
        self.timeout = timeout
        self.results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                              "startup": {}, "sizes": {}}
        self.naive_timed_out_at: str | None = None

    # -- bookkeeping
    def save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "results.json").write_text(json.dumps(self.results, indent=1) + "\n", encoding="utf-8")
        (self.out / "results.md").write_text(render_markdown(self.results), encoding="utf-8")

    def record(self, size: str, m: Measure) -> Measure:
        m.detail.setdefault("load_average_after", round(os.getloadavg()[0], 2))
        self.results["sizes"][size]["measures"][m.name] = asdict(m)
        self.results["sizes"][size]["ratios"] = ratios(self.results["sizes"][size])
        self.save()
        shown = f"{m.wall:8.2f} s {m.rss_mb:8.0f} MB" if m.wall is not None else " " * 22
        print(f"  {m.name:<22} {shown}  {m.status}{'  ' + m.note if m.note else ''}", flush=True)
        return m

    def env(self, size: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
        env.update(SOURCE_ENV)
        env["KG_CACHE_DIR"] = str(self.out / "cache" / size)
        return env

    def kg(self, size: str, args: list[str], repeats: int = 1, ok_codes: tuple[int, ...] = (0,),
           timeout: float | None = None, keep_stdout: bool = False) -> list[Run]:
        return [run_process([KG, *args], timeout=timeout or self.timeout, env=self.env(size), ok_codes=ok_codes,
                            keep_stdout=keep_stdout)
                for _ in range(repeats)]

    def pipeline(self, size: str, args: list[str], timeout: float | None = None,
                 memory_limit: int | None = None) -> Run:
        return run_process([PY, str(HERE / "pipelines.py"), *args], timeout=timeout or self.timeout,
                           env=self.env(size), memory_limit=memory_limit)

    # -- graphs
    def graph_dir(self, size: str) -> tuple[Path, dict]:
        """The graph root of a size: the repository for `project`, else a synthetic graph (made once)."""
        if size == "project":
            files = synth.seed_files()
            lines = synth.canonical_lines(files)
            return self.out / "src", {"data_files": [synth._rel(p) for p in files], "data_triples": len(lines),
                          "ontology_triples": synth.ontology_triples(),
                          "asserted_triples": len(lines) + synth.ontology_triples()}
        target = synth.parse_size(size)
        root = self.out / "graphs" / size
        seed = synth.read_seed()
        meta_path = root / "benchmark.json"
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if (meta.get("seed_digest") == seed.digest and meta.get("target") == target
                    and meta.get("generator_version") == synth.GENERATOR_VERSION
                    and (root / "data" / "synthetic.ttl").is_file()):
                return root, meta
        shutil.rmtree(root, ignore_errors=True)
        t = time.perf_counter()
        meta = synth.write(root, target, seed)
        meta["generate_s"] = time.perf_counter() - t
        meta["part_of_depth"] = synth.part_of_depth(synth.file_lines(root / "data" / "synthetic.ttl"))
        meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        return root, meta

    # -- measurements
    def startup(self) -> None:
        print(f"start-up (median of {STARTUP_REPEATS})", flush=True)
        env = self.env("startup")
        for name, argv in (("import click", [PY, "-c", "import click"]), ("kg --help", [KG, "--help"]),
                           ("kg queries", [KG, "queries"])):
            runs = [run_process(argv, timeout=60, env=env) for _ in range(STARTUP_REPEATS)]
            m = Measure.of(name, runs)
            self.results["startup"][name] = asdict(m)
            print(f"  {name:<22} {m.wall:8.3f} s {m.rss_mb:8.0f} MB  {m.status}", flush=True)
        self.save()

    def size(self, size: str) -> None:
        print(f"\n== {size}", flush=True)
        t = time.perf_counter()
        root, meta = self.graph_dir(size)
        info = {"dir": str(root), "meta": meta, "measures": {}, "ratios": {}, "load_average": os.getloadavg()}
        self.results["sizes"][size] = info
        print(f"  graph: {root} ({meta['asserted_triples']:,} asserted triples; ready in "
              f"{time.perf_counter() - t:.1f} s; load average {os.getloadavg()[0]:.2f})", flush=True)
        if size != "project":
            (self.out / f"proportions-{size}.md").write_text(synth.compare_table(
                synth.read_seed().lines, synth.file_lines(root / "data" / "synthetic.ttl")), encoding="utf-8")
        data = ["--data", str(root)]
        work = self.out / "work" / size
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)

        # kg against the floor: cold, then warm, alternated run by run
        self.versus_floor(size, root, meta, data, work, info)
        info["closure_triples"] = self.closure_size(size, data)
        info["query_rows"] = self.query_rows(size, data)
        if self.only_floor:
            return

        # export (asserted): the first run opens the graph without reasoning (its own cache entry)
        self.record(size, Measure.of("export turtle cold", self.kg(size, ["export", "--format", "turtle", *data]),
                                     note="builds the reasoning-free cache entry"))
        self.record(size, Measure.of("export turtle", self.kg(size, ["export", "--format", "turtle", *data])))
        self.record(size, Measure.of("export jsonld", self.kg(size, ["export", "--format", "jsonld", *data])))

        # validation: kg validate vs pyshacl.validate on the same data graph
        self.record(size, Measure.of("validate kg", self.kg(size, ["validate", *data], ok_codes=(0, 1))))
        vdata = work / "validate-data.nt"
        prep = self.pipeline(size, ["validate-data", str(root), str(vdata)])
        if prep.status == "ok":
            self.record(size, Measure.of("validate pyshacl", [self.pipeline(size, ["pyshacl", str(vdata),
                                                                                   str(SHAPES)])]))
        else:
            self.record(size, Measure.of("validate pyshacl", [prep], note="could not prepare the data graph"))

        # kg load into an Oxigraph server started here
        self.load(size, data)

        # cost of recording derivations (rounds) in the engine
        self.record(size, Measure.of("reasoning record_rounds", [self.pipeline(size, ["recording", str(root)])]))

        # the other pipelines
        self.record(size, Measure.of("reasonable pipeline",
                                     [self.pipeline(size, ["reasonable", str(root), str(QUERY_FILE)],
                                                    memory_limit=MEMORY_LIMIT)],
                                     note=f"address space limited to {MEMORY_LIMIT // GB} GB"))
        if self.skip_naive:
            self.record(size, Measure("naive pipeline", None, None, "skipped", note="--skip-naive"))
        elif self.naive_timed_out_at:
            self.record(size, Measure("naive pipeline", None, None, "timeout",
                                      note=f"not run: already > {NAIVE_TIMEOUT / 60:.0f} min at "
                                           f"{self.naive_timed_out_at}"))
        else:
            m = self.record(size, Measure.of("naive pipeline",
                                             [self.pipeline(size, ["naive", str(root), str(QUERY_FILE)],
                                                            timeout=NAIVE_TIMEOUT)]))
            if m.status == "timeout":
                self.naive_timed_out_at = size
        shutil.rmtree(work / "floor-store", ignore_errors=True)

    def closure_size(self, size: str, data: list[str]) -> int | None:
        """Triples in the closure (asserted + inferred), asked through kg itself (warm, not timed)."""
        with tempfile.NamedTemporaryFile("w+", suffix=".rq", dir=self.out) as q:
            q.write("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            q.flush()
            proc = subprocess.run([KG, "sparql", q.name, "--reasoning", "owlrl", "--format", "csv", *data],
                                  capture_output=True, text=True, env=self.env(size), cwd=CWD, timeout=600)
        wait_leftovers(time.perf_counter(), time.perf_counter() + 600)
        lines = proc.stdout.strip().splitlines()
        try:
            return int(lines[-1])
        except (IndexError, ValueError):
            return None

    def query_rows(self, size: str, data: list[str]) -> int | None:
        """Rows kg answers (warm, not timed): the other pipelines' row counts are checked against it."""
        proc = subprocess.run([KG, "query", QUERY, "--format", "csv", *data], capture_output=True, text=True,
                              env=self.env(size), cwd=CWD, timeout=600)
        wait_leftovers(time.perf_counter(), time.perf_counter() + 600)
        return len(proc.stdout.strip().splitlines()) - 1 if proc.returncode == 0 else None

    def versus_floor(self, size: str, root: Path, meta: dict, data: list[str], work: Path, info: dict) -> None:
        """kg and the floor (the oxigraph CLI on a store holding the finished closure), alternated run by run:
        cold (kg with an empty cache, until its cache writer ends; the floor loading the closure into a fresh
        store, then querying) COLD_PAIRS times, then warm WARM_PAIRS times. Both sides print CSV; every answer
        is compared with the floor's, and a difference fails the run."""
        query_csv = ["query", QUERY, *data, "--format", "csv"]
        # the probe of kg explain (an inferred triple with a deep proof)
        probe = meta.get("probe")
        if not probe:
            run = self.pipeline(size, ["probe", str(root)])
            probe = (run.result or {}).get("probe")
        # the floor's input: the finished closure, exported by kg
        closure = work / "closure.nt"
        self.record(size, Measure.of("export closure nt",
                                     self.kg(size, ["export", "--format", "nt", "--inferred", *data,
                                                    "-o", str(closure)])))
        if not closure.is_file():
            return
        location = work / "floor-store"
        env = self.env(size)
        floor_query = [OXIGRAPH, "query", "--location", str(location), "--query-file", str(QUERY_FILE),
                       "--results-format", "csv"]
        loads: list[Run] = []

        def kg_cold() -> Run:
            shutil.rmtree(self.out / "cache" / size, ignore_errors=True)
            return self.kg(size, query_csv, keep_stdout=True)[0]

        def floor_cold() -> Run:
            shutil.rmtree(location, ignore_errors=True)
            load = run_process([OXIGRAPH, "load", "--location", str(location), "--file", str(closure)],
                               timeout=self.timeout, env=env)
            loads.append(load)
            first = run_process(floor_query, timeout=self.timeout, env=env, keep_stdout=True)
            return Run(load.wall + first.wall, max(load.rss_mb, first.rss_mb),
                       load.status if load.status != "ok" else first.status, first.rc, load.stderr + first.stderr,
                       cpu=load.cpu + first.cpu, stdout=first.stdout)

        cold, cold_loads = run_alternated({"query cold": kg_cold, "floor cold": floor_cold}, COLD_PAIRS)
        writer = [Run(r.background_own_wall, r.background_rss_mb or 0.0, r.status, r.rc, cpu=r.background_cpu or 0.0)
                  for r in cold["query cold"] if r.background_own_wall is not None]
        until_cached = [Run(r.background_wall, max(r.rss_mb, r.background_rss_mb or 0.0), r.status, r.rc,
                            cpu=r.cpu + (r.background_cpu or 0.0))
                        for r in cold["query cold"] if r.background_wall is not None]
        pairs = {"load_average_per_pair": cold_loads}
        self.record(size, Measure.of("query cold", cold["query cold"], detail=pairs,
                                     note="--format csv; the cache writer's time is in `cache writer`"))
        if until_cached:
            self.record(size, Measure.of("query cold until cached", until_cached, detail=pairs,
                                         note="start → the forked cache writer's end"))
        if writer:
            self.record(size, Measure.of("cache writer", writer, detail=pairs,
                                         note="the forked child alone: fork → exit, its CPU and peak RSS"))
        self.record(size, Measure.of("floor load", loads, detail=pairs))
        self.record(size, Measure.of("floor cold", cold["floor cold"], detail=pairs, note="load + first query"))

        warm_commands = {"query warm csv": lambda: self.kg(size, query_csv, keep_stdout=True)[0],
                         "floor warm": lambda: run_process(floor_query, timeout=self.timeout, env=env,
                                                           keep_stdout=True),
                         "query warm": lambda: self.kg(size, ["query", QUERY, *data])[0]}
        if probe:
            info["probe"] = probe
            explain = ["explain", *(f"<{t}>" for t in probe), *data]
            warm_commands["explain warm"] = lambda: self.kg(size, explain)[0]
            # A cold query caches the closure alone (a query entry); explain needs the full entry (file and
            # round graphs), which its first run builds: measured apart, so the warm rounds are warm.
            self.record(size, Measure.of("explain cold", self.kg(size, explain),
                                         note="builds the full cache entry (after the query entry of the cold "
                                              "query)"))
        warm, warm_loads = run_alternated(warm_commands, WARM_PAIRS)
        for name, runs in warm.items():
            self.record(size, Measure.of(name, runs, detail={"load_average_per_pair": warm_loads},
                                         note="table output, with labels" if name == "query warm" else ""))

        # the rows: every kg answer against the floor's first
        reference = next((r.stdout for r in cold["floor cold"] if r.status == "ok" and r.stdout), None)
        checked = [r for name in ("query cold", "query warm csv", "floor cold", "floor warm")
                   for r in (cold.get(name) or warm.get(name) or []) if r.status == "ok"]
        problems = sorted({p for r in checked if (p := compare_rows(r.stdout or "", reference or ""))})
        if reference is None:
            problems = ["the floor gave no answer"]
        info["rows_check"] = {"compared": len(checked), "problems": problems,
                              "rows": len(csv_rows(reference or "")[1])}
        self.save()
        print(f"  rows: {len(checked)} answers compared with the floor's: "
              + ("identical" if not problems else "; ".join(problems)), flush=True)
        shutil.rmtree(location, ignore_errors=True)

    def load(self, size: str, data: list[str]) -> None:
        port = free_port()
        server = subprocess.Popen([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        LONG_LIVED.add(server.pid)
        try:
            if not wait_http(f"http://127.0.0.1:{port}/", 30):
                self.record(size, Measure("load oxigraph", None, None, "error", note="server did not start"))
                return
            runs = self.kg(size, ["load", f"http://127.0.0.1:{port}", "--store", "oxigraph", "--no-progress",
                                  *data])
            server_peak = vm_hwm_mb(server.pid)
            self.record(size, Measure.of("load oxigraph", runs, detail={"server_peak_mb": server_peak},
                                         note=f"server peak {server_peak:.0f} MB" if server_peak else ""))
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            LONG_LIVED.discard(server.pid)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def vm_hwm_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    info: dict = {"python": platform.python_version(), "platform": platform.platform(),
                  "cpus": os.cpu_count()}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024**2, 1)
    for pkg in ("ecosystem-kg", "pyoxigraph", "rdflib", "owlrl", "pyshacl", "reasonable", "click"):
        try:
            info[pkg] = version(pkg)
        except PackageNotFoundError:
            info[pkg] = None
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["oxigraph_cli"] = subprocess.run([OXIGRAPH, "--version"], capture_output=True, text=True,
                                              timeout=10).stdout.strip()
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["git_commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                            text=True, cwd=REPO, timeout=10).stdout.strip()
        info["git_dirty"] = bool(subprocess.run(["git", "status", "--porcelain", "--", "kg"],
                                                capture_output=True, text=True, cwd=REPO, timeout=10).stdout)
    return info


# -- ratios and targets ----------------------------------------------------------------------------------

class Target(NamedTuple):
    """One line of the verdicts: numerator / denominator (names of measurements), judged on wall time and on
    CPU time alike when `bound` is set; reported without a verdict when it is None. docs/performance.md's
    table of targets lists these very lines (tests/test_benchmark_harness.py checks it)."""

    label: str
    num: str | None
    den: str | None
    cmp: str | None = None  # "<=" or ">="
    bound: float | None = None
    unit: str = ""

    @property
    def text(self) -> str:
        """The line as docs/performance.md names it."""
        if self.bound is None:
            return f"{self.label} (no target)"
        return f"{self.label} {'≤' if self.cmp == '<=' else '≥'} {self.bound:g}{self.unit}"


MEMORY_TARGET_MB = 4 * 1024
TARGETS = (
    Target("warm kg / warm floor, both CSV", "query warm csv", "floor warm", "<=", 3.0),
    Target("warm kg table (labels) / warm floor CSV", "query warm", "floor warm", "<=", 3.0),
    Target("cold kg / cold floor", "query cold", "floor cold", "<=", 3.0),
    Target("cold kg until cached / cold floor", "query cold until cached", "floor cold", "<=", 3.0),
    Target("cache writer / oxigraph load", "cache writer", "floor load", "<=", 1.0),
    Target("naive / cold kg", "naive pipeline", "query cold", ">=", 20.0),
    Target("reasonable / cold kg", "reasonable pipeline", "query cold"),
    Target("kg validate / pyshacl", "validate kg", "validate pyshacl", "<=", 1.5),
    Target("explain / warm query", "explain warm", "query warm", "<=", 2.0),
    Target("recording / no recording", None, None, "<=", 1.5),  # in-process phases, wall only
    Target("peak memory of every kg command at 1M", None, None, "<=", 4.0, " GB"),
    Target("kg --help / import click", "kg --help", "import click", "<=", 1.5),
    Target("kg queries / import click", "kg queries", "import click", "<=", 1.5),
)
KG_COMMANDS = ("query cold", "query warm", "query warm csv", "explain cold", "explain warm", "export closure nt",
               "export turtle cold", "export turtle", "export jsonld", "validate kg", "load oxigraph")
STARTUP_TARGETS = ("kg --help / import click", "kg queries / import click")


def ratios(size_info: dict) -> dict:
    ms = size_info["measures"]
    out: dict = {}
    for t in TARGETS:
        if t.num is None or t.label in STARTUP_TARGETS:
            continue
        a, b = ms.get(t.num), ms.get(t.den)
        if not a or not b:
            continue
        out[t.label] = _ratio(a, b, t.cmp, t.bound)
    rec = ms.get("reasoning record_rounds")
    target = next(t for t in TARGETS if t.label == "recording / no recording")
    if rec and rec["status"] == "ok" and rec["detail"].get("ratio") is not None:
        r = rec["detail"]["ratio"]
        out[target.label] = {"value": r, "target": "<= 1.5", "pass": r <= target.bound}
    elif rec:
        out[target.label] = {"value": None, "target": "<= 1.5", "pass": False, "why": rec["status"]}
    peaks = {n: max(ms[n]["rss_mb"], ms[n]["detail"].get("background_rss_mb") or 0.0)
             for n in KG_COMMANDS if n in ms and ms[n]["rss_mb"] is not None}
    if peaks:
        worst = max(peaks, key=peaks.get)
        out["peak memory of every kg command at 1M"] = {
            "value": peaks[worst], "unit": "MB", "command": worst, "target": f"<= {MEMORY_TARGET_MB} MB",
            "pass": peaks[worst] <= MEMORY_TARGET_MB}
    return out


def _judge(value: float, cmp: str, bound: float) -> bool:
    return value <= bound if cmp == "<=" else value >= bound


def _ratio(a: dict, b: dict, cmp: str | None, target: float | None) -> dict:
    """a / b on wall time and on CPU time; with a target, it passes only if both do."""
    entry: dict = {"target": f"{cmp} {target:g}" if cmp else None}
    if "skipped" in (a["status"], b["status"]):
        entry.update(value=None, why="skipped")
        return entry
    if b["status"] != "ok" or not b["wall"]:
        entry.update(value=None, why=f"{b['name']}: {b['status']}", **({"pass": False} if cmp else {}))
        return entry
    if a["status"] == "timeout":
        # a lower bound: the pipeline ran for at least its timeout, or was not run after timing out before
        bound = max(a["wall"] or 0.0, NAIVE_TIMEOUT) / b["wall"]
        entry.update(value=bound, lower_bound=True, why=f"{a['name']}: > {NAIVE_TIMEOUT / 60:.0f} min")
        if cmp == ">=":
            # passes if even the bound reaches the target; otherwise the true ratio is unknown
            entry["pass"] = True if bound >= target else None
        elif cmp:
            entry["pass"] = False
        return entry
    if a["status"] != "ok" or a["wall"] is None:
        entry.update(value=None, why=f"{a['name']}: {a['status']}")
        if cmp:
            entry["pass"] = False
        return entry
    value = a["wall"] / b["wall"]
    entry["value"] = value
    if a.get("cpu") and b.get("cpu"):
        entry["cpu_value"] = a["cpu"] / b["cpu"]
    if cmp:
        entry["pass"] = _judge(value, cmp, target) and (
            "cpu_value" not in entry or _judge(entry["cpu_value"], cmp, target))
    return entry


def startup_ratios(startup: dict) -> dict:
    out = {}
    for t in TARGETS:
        if t.label in STARTUP_TARGETS and t.num in startup and t.den in startup:
            out[t.label] = _ratio(startup[t.num], startup[t.den], t.cmp, t.bound)
    return out


# -- markdown --------------------------------------------------------------------------------------------

ROWS = ("query cold", "query cold until cached", "cache writer", "floor load", "floor cold", "query warm csv",
        "floor warm", "query warm", "explain cold", "explain warm", "export closure nt", "export turtle cold",
        "export turtle",
        "export jsonld", "validate kg", "validate pyshacl", "load oxigraph", "reasoning record_rounds",
        "reasonable pipeline", "naive pipeline")


def _cell(m: dict | None) -> str:
    if not m:
        return "–"
    if m["status"] == "skipped":
        return "skipped"
    if m["status"] == "timeout":
        return f">{NAIVE_TIMEOUT / 60:.0f} min" if m["name"] == "naive pipeline" else "timeout"
    if m["status"] == "oom":
        return f"out of memory ({m['rss_mb']:,.0f} MB)" if m["rss_mb"] else "out of memory"
    if m["status"] != "ok" or m["wall"] is None:
        return f"{m['status']} (rc {m['detail'].get('rc')})"
    text = f"{_secs(m['wall'])} / {m['rss_mb']:,.0f} MB"
    if m.get("cpu") is not None:
        text += f" (CPU {_secs(m['cpu'])})"
    return text


def _secs(s: float) -> str:
    if s < 10:
        return f"{s:.2f} s"
    if s < 600:
        return f"{s:.1f} s"
    return f"{s / 60:.1f} min"


def _ratio_cell(r: dict | None) -> str:
    if not r:
        return "–"
    if r.get("value") is None:
        return f"n/a ({r.get('why', '')})" + (" ✗" if r.get("pass") is False else "")
    unit = r.get("unit")
    text = f"{r['value']:,.0f} MB ({r['command']})" if unit == "MB" else f"{r['value']:.2f}×"
    if r.get("cpu_value") is not None:
        text = f"wall {text}, CPU {r['cpu_value']:.2f}×"
    if r.get("lower_bound"):
        text = "≥ " + text
    if "pass" in r:
        text += {True: " ✓", False: " ✗", None: " (undecided: timed out below the target)"}[r["pass"]]
    return text


def render_markdown(results: dict) -> str:
    sizes = list(results["sizes"])
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['started']} on {m.get('cpus')} × {m.get('cpu', '?')}, {m.get('memory_gb')} GB RAM, "
        f"Python {m.get('python')}; kg {m.get('ecosystem-kg')} (commit {m.get('git_commit')}"
        f"{', kg/ modified' if m.get('git_dirty') else ''}), pyoxigraph {m.get('pyoxigraph')}, "
        f"{m.get('oxigraph_cli')}, rdflib {m.get('rdflib')}, owlrl {m.get('owlrl')}, pyshacl {m.get('pyshacl')}, "
        f"reasonable {m.get('reasonable')}."
        + (f" Measured: the kg of {m['source']}, not this commit's." if m.get("source") not in (None, str(REPO))
           else ""),
        "",
        f"Each cell: wall seconds / peak RSS of the process (CPU seconds: user + system of the process tree). "
        f"kg and the floor alternate run by run: cold {COLD_PAIRS} pairs, warm {WARM_PAIRS} pairs, medians shown; "
        f"the load average at the start of each pair is in results.json. Query: `kg query {QUERY}` (OWL 2 RL "
        "closure). A ratio with a target passes only if it holds on wall time and on CPU time.",
        "",
        "| measurement | " + " | ".join(sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    sz = results["sizes"]
    lines.append("| asserted triples | " + " | ".join(f"{sz[s]['meta'].get('asserted_triples', 0):,}"
                                                    for s in sizes) + " |")
    lines.append("| closure triples | " + " | ".join(
        f"{sz[s]['closure_triples']:,}" if sz[s].get("closure_triples") else "–" for s in sizes) + " |")
    lines.append("| load average (1 min) at start | " + " | ".join(
        f"{sz[s]['load_average'][0]:.2f}" if sz[s].get("load_average") else "–" for s in sizes) + " |")
    for row in ROWS:
        if any(row in sz[s]["measures"] for s in sizes):
            lines.append(f"| {row} | " + " | ".join(_cell(sz[s]["measures"].get(row)) for s in sizes) + " |")
    lines += ["", "## Ratios and targets", "", "| ratio | target | " + " | ".join(sizes) + " |",
              "|---|---|" + "---:|" * len(sizes)]
    names: list[str] = []
    for s in sizes:
        names += [n for n in sz[s]["ratios"] if n not in names]
    for name in names:
        target = next((sz[s]["ratios"][name].get("target") for s in sizes if name in sz[s]["ratios"]), None)
        lines.append(f"| {name} | {target or '–'} | "
                     + " | ".join(_ratio_cell(sz[s]["ratios"].get(name)) for s in sizes) + " |")
    lines += ["", "The memory target (≤ 4 GB for every kg command) applies at 1M; smaller sizes are shown "
              "for the trend.", ""]
    checks = [(s, sz[s]["rows_check"]) for s in sizes if sz[s].get("rows_check")]
    if checks:
        lines += ["## Rows: kg against the floor", ""]
        for s, c in checks:
            lines.append(f"- {s}: {c['compared']} answers compared, {c['rows']} rows: "
                         + ("identical ✓" if not c["problems"] else "✗ " + "; ".join(c["problems"])))
        lines.append("")
    if results.get("startup"):
        st = results["startup"]
        lines += [f"## Start-up (median of {STARTUP_REPEATS})", "", "| command | wall | peak RSS |", "|---|---:|---:|"]
        for name, mm in st.items():
            lines.append(f"| `{name}` | {mm['wall']:.3f} s | {mm['rss_mb']:.0f} MB |")
        for name, r in startup_ratios(st).items():
            lines.append(f"| {name} (target {r['target']}) | {_ratio_cell(r)} | |")
        lines.append("")
    details = []
    for s in sizes:
        for name in ("naive pipeline", "reasonable pipeline", "validate pyshacl", "reasoning record_rounds"):
            mm = sz[s]["measures"].get(name)
            if mm and mm["detail"].get("phases"):
                phases = ", ".join(f"{k} {v:.2f} s" for k, v in mm["detail"]["phases"].items())
                rows = ""
                if "rows" in mm["detail"]:
                    rows = f"; {mm['detail']['rows']} rows (kg: {sz[s].get('query_rows')})"
                details.append(f"- {s}, {name}: {phases}{rows}")
            elif mm and mm["detail"].get("best"):
                best = mm["detail"]["best"]
                details.append(f"- {s}, {name}: with rounds {best['record']:.2f} s, merged "
                               f"{best['no_record']:.2f} s (best of {len(mm['detail']['samples']['record'])})")
            if mm and mm["status"] not in ("ok", "skipped") and mm["detail"].get("stderr"):
                tail = mm["detail"]["stderr"].strip().splitlines()[-1:] or [""]
                details.append(f"- {s}, {name}: {mm['status']}: `{tail[0][:200]}`")
        if sz[s].get("probe"):
            details.append(f"- {s}, explained triple: `{' '.join(sz[s]['probe'])}`")
    if details:
        lines += ["## Details", "", *details, ""]
    return "\n".join(lines)


# -- command line ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="project,10k,100k,1m",
                    help="comma-separated: project (the repository's graph) and synthetic sizes (10k, 100k, 1m…)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT,
                    help="results, graphs, caches, the measured copy of kg; outside the source tree "
                         "(default: %(default)s)")
    ap.add_argument("--skip-naive", action="store_true", help="do not run the rdflib + owlrl pipeline")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds before a measurement is killed (the naive pipeline: 600)")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    ap.add_argument("--only-floor", action="store_true",
                    help="only kg against the floor (cold with the cache writer, warm, explain): no exports, "
                         "validation, load or other pipelines")
    ap.add_argument("--source", type=Path, default=REPO,
                    help="the tree whose kg/ (and queries, ontology, data) is measured, e.g. an older checkout "
                         "extracted with `git archive` (default: this repository)")
    args = ap.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    for s in sizes:
        if s != "project":
            try:
                synth.parse_size(s)
            except ValueError as exc:
                print(f"Error: --sizes: {exc}", file=sys.stderr)
                return 2
    out = args.out.resolve()
    if out == REPO or REPO in out.parents:
        print(f"Error: --out: {out} is inside the source tree ({REPO}); the benchmark writes nothing there",
              file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    if not lock_output(out):
        print(f"Error: --out: another benchmark is running in {out} (its caches and stores would be deleted "
              "under it); wait for it or choose another directory", file=sys.stderr)
        return 2
    try:
        source = prepare_source(out, args.source.resolve())
    except RuntimeError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    global SUBREAPER, SOURCE_ENV, CWD
    SOURCE_ENV, CWD = source, out
    SUBREAPER = become_subreaper()
    bench = Bench(out, args.skip_naive, args.timeout, args.only_floor)
    bench.results["machine"]["source"] = str(args.source)
    bench.results["machine"]["subreaper"] = SUBREAPER
    t = time.perf_counter()
    if not args.no_startup:
        bench.startup()
    for s in sizes:
        bench.size(s)
    bench.results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    bench.results["total_s"] = time.perf_counter() - t
    bench.save()
    print(f"\n{out / 'results.md'} ({(time.perf_counter() - t) / 60:.1f} min)")
    wrong = [s for s, info in bench.results["sizes"].items() if (info.get("rows_check") or {}).get("problems")]
    if wrong:
        print(f"Error: kg's answers differ from the floor's at {', '.join(wrong)} (see results.md)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
