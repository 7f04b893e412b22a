"""`kg serve` under load, side by side with `oxigraph serve-read-only` on the very same store.

What it measures (issue 15, item 10): 8 concurrent clients for 30 s per server, one named query sent as SPARQL
to `kg serve`'s /sparql and to Oxigraph's /query, its parameter varied on every request (a different person
each time, so no response cache could answer; neither server has a result cache), every answer checked against
the rows the embedded graph gives for that parameter. Reported per server: requests, errors, wrong answers,
throughput, p50 and p99 latency; then the ratios the issue sets targets for (throughput ≥ 0.5× Oxigraph's, p50
≤ 2× Oxigraph's). The two servers run in alternating phases (kg, oxigraph, oxigraph, kg, …) so that a change in
the machine's load falls on both.

The load generator is this script: one thread per client, each with its own keep-alive HTTP/1.1 connection
(http.client), the same code for both servers. Oxigraph serves the closure cache entry `kg serve` itself opens
(read-only, so both read the same RocksDB files); the query text carries its PREFIX lines, as Oxigraph needs.

    .venv/bin/python benchmarks/serve_load.py                       # project graph, 30 s per server
    .venv/bin/python benchmarks/serve_load.py --data /tmp/synth-1m  # a synthetic graph (benchmarks/synth.py)
    .venv/bin/python benchmarks/serve_load.py --path /id/linagora --path /id/cnrs   # also GET these paths
                                                                    # on kg serve (entity pages, by Accept)

`--path` is the hook for entity pages (the HTML site): each path is fetched in turn by the same clients, with
`--accept` (default text/html), and only the status is checked.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERY = "affiliations"
PARAM = "person"
ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before answering: {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server not ready after {timeout:.0f} s: {url}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the workload -----------------------------------------------------------------------------------------
def rows_key(bindings: list[dict]) -> list[str]:
    return sorted(json.dumps(b, sort_keys=True) for b in bindings)


def workload(store_path: str, data_dir: str | None, limit: int) -> list[tuple[str, list[str]]]:
    """(SPARQL text, expected rows) for up to `limit` parameter values, bound by kg's own code."""
    import pyoxigraph as ox

    from kg.output.formatting import json_term
    from kg.query.catalog import find, prepare
    from kg.shared.namespaces import PREFIXES, sparql_prefix_block
    from kg.shared.paths import layout

    named = find(layout(data_dir).queries_dir, QUERY)
    store = ox.Store.read_only(store_path)
    people = [s["p"].value for s in store.query(
        "SELECT DISTINCT ?p WHERE { ?p a ekg:Person ; ekg:affiliatedWith ?o } ORDER BY ?p", prefixes=PREFIXES)]
    if not people:
        raise SystemExit("no person with an affiliation in this graph")
    step = max(1, len(people) // limit)
    out = []
    for iri in people[::step][:limit]:
        sparql = sparql_prefix_block() + prepare(named, {PARAM: f"<{iri}>"})
        result = store.query(sparql)
        names = [v.value for v in result.variables]
        expected = [{n: json_term(s[n]) for n in names if s[n] is not None} for s in result]
        out.append((sparql, rows_key(expected)))
    return out


class Client(threading.Thread):
    def __init__(self, host: str, port: int, requests: list[tuple[str, str, bytes | None, list[str] | None, str]],
                 offset: int, deadline: float) -> None:
        super().__init__(daemon=True)
        self.host, self.port, self.requests, self.offset, self.deadline = host, port, requests, offset, deadline
        self.latencies: list[float] = []
        self.errors = 0
        self.wrong = 0
        self.first_error = ""

    def run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        for index in itertools.count(self.offset):
            if time.monotonic() >= self.deadline:
                break
            method, path, body, expected, accept = self.requests[index % len(self.requests)]
            headers = {"Accept": accept}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.errors += 1
                self.first_error = self.first_error or repr(exc)
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                continue
            self.latencies.append(time.perf_counter() - started)
            if response.status != 200:
                self.errors += 1
                self.first_error = self.first_error or f"{response.status} {data[:200]!r}"
            elif expected is not None and rows_key(json.loads(data)["results"]["bindings"]) != expected:
                self.wrong += 1
        connection.close()


def tree(pid: int) -> list[int]:
    """The process and all its descendants (kg serve's supervisor and server processes)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (Linux /proc; 0 elsewhere)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class Phase(list):
    """The clients of one phase, with the CPU the generator (this process) and the server used during it."""

    generator_cpu = 0.0
    server_cpu = 0.0
    wall = 0.0


def phase(port: int, requests: list, clients: int, seconds: float, server_pid: int | None = None) -> Phase:
    pids = tree(server_pid) if server_pid else []
    server_before, own_before, wall_before = cpu_seconds(pids), time.process_time(), time.monotonic()
    deadline = time.monotonic() + seconds
    # each client starts at its own place in the list: concurrent requests carry different parameters
    threads = [Client("127.0.0.1", port, requests, i * max(1, len(requests) // clients), deadline)
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out = Phase(threads)
    out.wall = time.monotonic() - wall_before
    out.generator_cpu = time.process_time() - own_before
    out.server_cpu = cpu_seconds(tree(server_pid)) - server_before if server_pid else float("nan")
    return out


def summary(threads_list: list[Phase], seconds: float) -> dict[str, float]:
    wall = sum(p.wall for p in threads_list) or float("nan")
    cpu = {"generator_cores": sum(p.generator_cpu for p in threads_list) / wall,
           "server_cores": sum(p.server_cpu for p in threads_list) / wall}
    latencies = sorted(x for threads in threads_list for t in threads for x in t.latencies)
    errors = sum(t.errors for threads in threads_list for t in threads)
    wrong = sum(t.wrong for threads in threads_list for t in threads)
    first = next((t.first_error for threads in threads_list for t in threads if t.first_error), "")
    if not latencies:
        return {"requests": 0, "errors": errors, "wrong": wrong, "throughput": 0.0, "p50_ms": float("nan"),
                "p99_ms": float("nan"), "first_error": first, **cpu}
    return {
        "requests": len(latencies), "errors": errors, "wrong": wrong,
        "throughput": len(latencies) / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "first_error": first, **cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=None, help="graph folder (default: the project graph)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds per server (30)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating phases per server (4)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--processes", type=int, default=None,
                        help="kg serve's server processes (default: its own, one per CPU)")
    parser.add_argument("--values", type=int, default=200, help="distinct parameter values to cycle through")
    parser.add_argument("--path", action="append", default=[], help="also measure GET PATH on kg serve")
    parser.add_argument("--accept", default="text/html", help="Accept header for --path (text/html)")
    parser.add_argument("--json", dest="json_out", default=None, help="write the figures to this file")
    parser.add_argument("--startup-timeout", type=float, default=1800.0)
    args = parser.parse_args()

    from kg.engine import cache
    from kg.shared.paths import layout

    venv_bin = Path(sys.executable).parent
    kg_bin = venv_bin / "kg"
    oxigraph_bin = venv_bin / "oxigraph" if (venv_bin / "oxigraph").exists() else shutil.which("oxigraph")
    if not oxigraph_bin:
        raise SystemExit("oxigraph not found: run scripts/install-servers.sh")
    load_before = os.getloadavg()
    kg_port, ox_port = free_port(), free_port()
    argv = [str(kg_bin), "serve", "--port", str(kg_port)] + (
        ["--processes", str(args.processes)] if args.processes else [])
    if args.data:
        argv += ["--data", args.data]
    print(f"starting kg serve on :{kg_port} …", file=sys.stderr)
    started = time.monotonic()
    kg_proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ox_proc = None
    try:
        wait_ready(f"http://127.0.0.1:{kg_port}/sparql?query=ASK%7B%7D", args.startup_timeout, kg_proc)
        startup = time.monotonic() - started
        store_path = cache.cache_root() / cache.cache_key(layout(args.data), "owlrl", "rules") / "store"
        if not store_path.is_dir():
            raise SystemExit(f"no closure cache entry at {store_path}")
        ox_proc = subprocess.Popen([str(oxigraph_bin), "serve-read-only", "--location", str(store_path),
                                    "--bind", f"127.0.0.1:{ox_port}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D", 120, ox_proc)
        print("preparing the workload …", file=sys.stderr)
        work = workload(str(store_path), args.data, args.values)
        requests = {
            "kg": [("POST", "/sparql", urllib.parse.urlencode({"query": q}).encode(), rows, ACCEPT)
                   for q, rows in work],
            "oxigraph": [("POST", "/query", urllib.parse.urlencode({"query": q}).encode(), rows, ACCEPT)
                         for q, rows in work],
        }
        ports = {"kg": kg_port, "oxigraph": ox_port}
        pids = {"kg": kg_proc.pid, "oxigraph": ox_proc.pid}
        for name in ports:  # warm-up, not counted
            phase(ports[name], requests[name], args.clients, 2.0)
        per_round = args.seconds / args.rounds
        results: dict[str, list[Phase]] = {"kg": [], "oxigraph": []}
        for r in range(args.rounds):
            order = ["kg", "oxigraph"] if r % 2 == 0 else ["oxigraph", "kg"]
            for name in order:
                print(f"round {r + 1}/{args.rounds}: {name} for {per_round:.1f} s", file=sys.stderr)
                results[name].append(phase(ports[name], requests[name], args.clients, per_round, pids[name]))
        figures = {name: summary(results[name], args.seconds) for name in results}
        if args.path:
            page_requests = [("GET", p, None, None, args.accept) for p in args.path]
            phase(kg_port, page_requests, args.clients, 2.0)
            figures["kg pages"] = summary([phase(kg_port, page_requests, args.clients, per_round, kg_proc.pid)
                                           for _ in range(args.rounds)], args.seconds)
    finally:
        if ox_proc is not None:
            stop(ox_proc)
        stop(kg_proc)
    load_after = os.getloadavg()
    kg_f, ox_f = figures["kg"], figures["oxigraph"]
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after],
        "graph": args.data or "project", "query": f"{QUERY} (-p {PARAM}=…, {len(work)} values)",
        "clients": args.clients, "seconds_per_server": args.seconds, "rounds": args.rounds,
        "kg_processes": args.processes or "default", "kg_startup_s": round(startup, 2),
        "figures": figures,
        "throughput_ratio": kg_f["throughput"] / ox_f["throughput"] if ox_f["throughput"] else float("nan"),
        "p50_ratio": kg_f["p50_ms"] / ox_f["p50_ms"] if ox_f["p50_ms"] else float("nan"),
    }
    print(f"\n{report['date']} — {report['machine']}; load average before {report['load_before']}, "
          f"after {report['load_after']}")
    print(f"graph: {report['graph']}; query: {report['query']}; {args.clients} clients, {args.seconds:g} s per "
          f"server in {args.rounds} alternating phases; kg serve --processes {args.processes or 'default'}\n")
    print("| server | requests | errors | wrong | req/s | p50 ms | p99 ms | server CPU (cores) "
          "| generator CPU (cores) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, f in figures.items():
        print(f"| {name} | {f['requests']} | {f['errors']} | {f['wrong']} | {f['throughput']:.1f} | "
              f"{f['p50_ms']:.1f} | {f['p99_ms']:.1f} | {f['server_cores']:.2f} | {f['generator_cores']:.2f} |")
    print(f"\nkg / oxigraph: throughput {report['throughput_ratio']:.2f}× (target ≥ 0.5×), "
          f"p50 {report['p50_ratio']:.2f}× (target ≤ 2×)")
    print("generator CPU: the load generator's own CPU (this process, all its client threads) per second of the "
          "phases; its client threads share one GIL, so near 1.0 it is saturated and caps the server it drives")
    for name, f in figures.items():
        if f["first_error"]:
            print(f"first error from {name}: {f['first_error']}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
