"""The benchmark: kg against the floor (a plain Oxigraph store holding the finished closure) and against the
pipelines people would otherwise write, on the project graph and on synthetic graphs of 10k, 100k and 1M
asserted triples shaped like it (benchmarks/synth.py).

    python benchmarks/run.py [--sizes project,10k,100k,1m] [--out benchmarks/out] [--skip-naive]

Every measurement runs in its own process; its wall time is taken around the process (interpreter start
included) and its peak memory is the process's max RSS as the kernel reports it to wait4(). Results go to
OUT/results.json and OUT/results.md, rewritten after each measurement so an interrupted run keeps what it has.
See benchmarks/README.md for what each line measures and docs/performance.md for the findings.
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
WARM_REPEATS = 5  # warm runs take 15-60 ms at the small sizes: five samples keep one slow one out of the median
STARTUP_REPEATS = 5


# -- measuring one process -------------------------------------------------------------------------------


@dataclass
class Run:
    """One process: wall seconds, peak RSS in MB, and how it ended."""

    wall: float
    rss_mb: float
    status: str  # ok | timeout | oom | error
    rc: int | None = None
    stderr: str = ""
    result: dict | None = None  # the RESULT line of benchmarks/pipelines.py
    background_wall: float | None = None  # start → end of the last process it left behind (cache writer)
    background_rss_mb: float | None = None


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


def wait_leftovers(start: float, deadline: float) -> tuple[float | None, float | None]:
    """Wait for the processes a command left running (a cache written in the background); return when the
    last one ended (seconds since start) and the largest peak RSS among them (MB)."""
    end, peak = None, None
    while SUBREAPER:
        pids = leftover_children()
        if not pids:
            break
        for pid in pids:
            timer = threading.Timer(max(0.0, deadline - time.perf_counter()),
                                    lambda pid=pid: _kill(pid))
            timer.start()
            try:
                _pid, _status, usage = os.wait4(pid, 0)
            except ChildProcessError:
                continue
            finally:
                timer.cancel()
            end = time.perf_counter() - start
            peak = max(peak or 0.0, usage.ru_maxrss / 1024)
    return end, peak


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def run_process(argv: list[str], *, timeout: float, env: dict[str, str] | None = None,
                memory_limit: int | None = None, ok_codes: tuple[int, ...] = (0,)) -> Run:
    """Run argv with stdout to a file (read only for RESULT lines); wall time around the process, peak RSS
    from GNU time when present (else wait4(), whose max RSS includes the harness's own pages copied at fork)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("w+", suffix=".time") as tf:
        if TIME:
            argv = [TIME, "-f", "%M", "-o", tf.name, *argv]

        def limit() -> None:  # in the child, before exec
            if memory_limit:
                resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=REPO, start_new_session=True,
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
        bg_wall, bg_rss = wait_leftovers(start, start + timeout)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        out.seek(0)
        result = None
        for line in out.read().decode("utf-8", "replace").splitlines():
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
    return Run(wall, rss_mb, status_text, proc.returncode, stderr[-2000:], result, bg_wall, bg_rss)


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
        return cls(name, statistics.median(walls) if walls else None,
                   max(r.rss_mb for r in runs) if runs else None, status, walls, d, note)


# -- the harness -----------------------------------------------------------------------------------------


class Bench:
    def __init__(self, out: Path, skip_naive: bool, timeout: float) -> None:
        self.out = out
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
        env["KG_CACHE_DIR"] = str(self.out / "cache" / size)
        return env

    def kg(self, size: str, args: list[str], repeats: int = 1, ok_codes: tuple[int, ...] = (0,),
           timeout: float | None = None) -> list[Run]:
        return [run_process([KG, *args], timeout=timeout or self.timeout, env=self.env(size), ok_codes=ok_codes)
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
            return REPO, {"data_files": [synth._rel(p) for p in files], "data_triples": len(lines),
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

        # kg query: cold (empty cache), then warm
        shutil.rmtree(self.out / "cache" / size, ignore_errors=True)
        self.record(size, Measure.of("query cold", self.kg(size, ["query", QUERY, *data])))
        self.record(size, Measure.of("query warm", self.kg(size, ["query", QUERY, *data], WARM_REPEATS)))
        self.record(size, Measure.of("query warm csv",
                                     self.kg(size, ["query", QUERY, *data, "--format", "csv"], WARM_REPEATS)))
        info["closure_triples"] = self.closure_size(size, data)
        info["query_rows"] = self.query_rows(size, data)

        # kg explain (warm) of one inferred triple with a deep proof
        probe = meta.get("probe")
        if not probe:
            run = self.pipeline(size, ["probe", str(root)])
            probe = (run.result or {}).get("probe")
        if probe:
            info["probe"] = probe
            self.record(size, Measure.of("explain warm", self.kg(size, ["explain", *(f"<{t}>" for t in probe),
                                                                       *data], WARM_REPEATS)))

        # the floor: the finished closure in a fresh Oxigraph store, queried by the oxigraph CLI
        closure = work / "closure.nt"
        self.record(size, Measure.of("export closure nt",
                                     self.kg(size, ["export", "--format", "nt", "--inferred", *data,
                                                    "-o", str(closure)])))
        if closure.is_file():
            self.floor(size, closure, work)

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
                                  capture_output=True, text=True, env=self.env(size), cwd=REPO, timeout=600)
        wait_leftovers(time.perf_counter(), time.perf_counter() + 600)
        lines = proc.stdout.strip().splitlines()
        try:
            return int(lines[-1])
        except (IndexError, ValueError):
            return None

    def query_rows(self, size: str, data: list[str]) -> int | None:
        """Rows kg answers (warm, not timed): the other pipelines' row counts are checked against it."""
        proc = subprocess.run([KG, "query", QUERY, "--format", "csv", *data], capture_output=True, text=True,
                              env=self.env(size), cwd=REPO, timeout=600)
        wait_leftovers(time.perf_counter(), time.perf_counter() + 600)
        return len(proc.stdout.strip().splitlines()) - 1 if proc.returncode == 0 else None

    def floor(self, size: str, closure: Path, work: Path) -> None:
        location = work / "floor-store"
        shutil.rmtree(location, ignore_errors=True)
        env = self.env(size)
        load = run_process([OXIGRAPH, "load", "--location", str(location), "--file", str(closure)],
                           timeout=self.timeout, env=env)
        self.record(size, Measure.of("floor load", [load]))
        query = [OXIGRAPH, "query", "--location", str(location), "--query-file", str(QUERY_FILE),
                 "--results-format", "csv"]
        first = run_process(query, timeout=self.timeout, env=env)
        self.record(size, Measure.of("floor query first", [first]))
        cold = Measure("floor cold", load.wall + first.wall, max(load.rss_mb, first.rss_mb),
                       "ok" if load.status == first.status == "ok" else "error", [load.wall + first.wall],
                       note="load + first query")
        self.record(size, cold)
        self.record(size, Measure.of("floor warm", [run_process(query, timeout=self.timeout, env=env)
                                                    for _ in range(WARM_REPEATS)]))

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

# (name, numerator, denominator, comparison, target, note)
TARGETS = (
    ("warm kg / warm floor", "query warm", "floor warm", "<=", 3.0),
    ("warm kg csv / warm floor", "query warm csv", "floor warm", "<=", 3.0),
    ("cold kg / cold floor", "query cold", "floor cold", "<=", 3.0),
    ("naive / cold kg", "naive pipeline", "query cold", ">=", 20.0),
    ("reasonable / cold kg", "reasonable pipeline", "query cold", None, None),
    ("kg validate / pyshacl", "validate kg", "validate pyshacl", "<=", 1.5),
    ("explain / warm query", "explain warm", "query warm", "<=", 2.0),
)
KG_COMMANDS = ("query cold", "query warm", "query warm csv", "explain warm", "export closure nt",
               "export turtle cold", "export turtle", "export jsonld", "validate kg", "load oxigraph")
MEMORY_TARGET_MB = 4 * 1024


def ratios(size_info: dict) -> dict:
    ms = size_info["measures"]
    out: dict = {}
    for name, num, den, cmp, target in TARGETS:
        a, b = ms.get(num), ms.get(den)
        if not a or not b:
            continue
        out[name] = _ratio(a, b, cmp, target)
    rec = ms.get("reasoning record_rounds")
    if rec and rec["status"] == "ok" and rec["detail"].get("ratio") is not None:
        r = rec["detail"]["ratio"]
        out["recording / no recording"] = {"value": r, "target": "<= 1.5", "pass": r <= 1.5}
    elif rec:
        out["recording / no recording"] = {"value": None, "target": "<= 1.5", "pass": False,
                                           "why": rec["status"]}
    cold, floor_cold = ms.get("query cold"), ms.get("floor cold")
    if cold and floor_cold and cold["detail"].get("background_s") and floor_cold["status"] == "ok":
        value = cold["detail"]["background_s"] / floor_cold["wall"]
        out["cold kg until cached / cold floor"] = {"value": value, "target": "<= 3", "pass": value <= 3.0}
    peaks = {n: max(ms[n]["rss_mb"], ms[n]["detail"].get("background_rss_mb") or 0.0)
             for n in KG_COMMANDS if n in ms and ms[n]["rss_mb"] is not None}
    if peaks:
        worst = max(peaks, key=peaks.get)
        out["peak memory of kg commands"] = {"value": peaks[worst], "unit": "MB", "command": worst,
                                             "target": f"<= {MEMORY_TARGET_MB} MB",
                                             "pass": peaks[worst] <= MEMORY_TARGET_MB}
    return out


def _ratio(a: dict, b: dict, cmp: str | None, target: float | None) -> dict:
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
    if cmp:
        entry["pass"] = value <= target if cmp == "<=" else value >= target
    return entry


def startup_ratios(startup: dict) -> dict:
    base = startup.get("import click")
    out = {}
    for name in ("kg --help", "kg queries"):
        m = startup.get(name)
        if base and m and base["wall"]:
            value = m["wall"] / base["wall"]
            out[f"{name} / import click"] = {"value": value, "target": "<= 1.5", "pass": value <= 1.5}
    return out


# -- markdown --------------------------------------------------------------------------------------------

ROWS = ("query cold", "query warm", "query warm csv", "explain warm", "export closure nt", "floor load",
        "floor query first", "floor cold", "floor warm", "export turtle cold", "export turtle", "export jsonld",
        "validate kg", "validate pyshacl", "load oxigraph", "reasoning record_rounds", "reasonable pipeline",
        "naive pipeline")


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
    if m["detail"].get("background_s"):
        text += (f" (cache written in the background: done at {_secs(m['detail']['background_s'])}, "
                 f"{m['detail']['background_rss_mb']:,.0f} MB)")
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
        f"reasonable {m.get('reasonable')}.",
        "",
        f"Each cell: wall seconds (median of {WARM_REPEATS} for warm runs) / peak RSS of the process. Query: `kg query "
        f"{QUERY}` (OWL 2 RL closure).",
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
    ap.add_argument("--out", type=Path, default=HERE / "out", help="results, graphs, caches (default: %(default)s)")
    ap.add_argument("--skip-naive", action="store_true", help="do not run the rdflib + owlrl pipeline")
    ap.add_argument("--timeout", type=float, default=1800.0,
                    help="seconds before a measurement is killed (the naive pipeline: 600)")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
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
    out.mkdir(parents=True, exist_ok=True)
    # Measure kg as installed: with its bytecode compiled (pip does this for a normal install). Without it, and
    # with PYTHONDONTWRITEBYTECODE set, every kg process would recompile its modules from source.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "kg")], check=False)
    global SUBREAPER
    SUBREAPER = become_subreaper()
    bench = Bench(out, args.skip_naive, args.timeout)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
