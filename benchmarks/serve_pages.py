"""Latency of the largest entity pages of `kg serve` (LINAGORA's and the CNRS's, proofs included), issue 15 (10b).

Starts the web application in its own process (uvicorn, 127.0.0.1, a free port, the project graph with the
OWL 2 RL closure from the cache), then one client asks for the pages over HTTP, alternating the two entities
request by request (and the language, so that each request is a different page), and reports per page: the
first view (proofs searched then), and the median and 90th percentile of the following views.

    .venv/bin/python benchmarks/serve_pages.py                  # 200 requests per page after the first views
    .venv/bin/python benchmarks/serve_pages.py --requests 50
    .venv/bin/python benchmarks/serve_pages.py --in-process     # no HTTP: wall and CPU time of building and
                                                                # rendering each page in this process

On a shared machine the wall times over HTTP grow with the load average (printed); the CPU time of the
in-process run (time.thread_time around the same page function the server calls) is what one request costs
when the machine is otherwise idle.

The server keeps no response cache: each request builds the page (statements, sources, facts, proofs already
found) and renders it. What the server does remember for the life of its read-only graph is what the graph
itself determines: labels and types of terms, and the proofs the Explainer has found (kg.inspection.entity).
Figures are written to docs/serving.md ("## Entity pages") by hand, with the machine's load average.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGES = ("linagora", "cnrs")
TARGET_MS = 50.0



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    body = response.read()
    return (time.perf_counter() - start) * 1000, response.status, len(body)


def in_process(requests: int) -> int:
    from starlette.requests import Request

    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig
    from kg.shared.namespaces import EKD

    app = create_app(ServeConfig())
    state = app.state.kg

    def page(name: str, lang: str) -> tuple[float, float, int]:
        request = Request({"type": "http", "method": "GET", "path": f"/id/{name}", "headers": [],
                           "query_string": f"lang={lang}".encode()})
        wall, cpu = time.perf_counter(), time.thread_time()
        response = state.site.entity(request, EKD + name)
        return (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000, len(response.body)

    first = {name: page(name, "en") for name in PAGES}
    walls: dict[str, list[float]] = {name: [] for name in PAGES}
    cpus: dict[str, list[float]] = {name: [] for name in PAGES}
    for i in range(requests):
        for name in PAGES:
            wall, cpu, _ = page(name, "fr" if i % 2 else "en")
            walls[name].append(wall)
            cpus[name].append(cpu)
    load = os.getloadavg()
    print(f"in process; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores; "
          f"{requests} pages each after the first view")
    print("| page | size | first view | p50 wall | p50 CPU | p90 CPU | target p50 |")
    print("|---|---|---|---|---|---|---|")
    for name in PAGES:
        c = sorted(cpus[name])
        p50 = statistics.median(c)
        print(f"| /id/{name} | {first[name][2] // 1024} KiB | {first[name][0]:.0f} ms | "
              f"{statistics.median(walls[name]):.1f} ms | {p50:.1f} ms | {c[int(len(c) * 0.9) - 1]:.1f} ms | "
              f"≤ {TARGET_MS:.0f} ms: {'met' if p50 <= TARGET_MS else 'NOT met'} |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="Requests per page after the first view.")
    parser.add_argument("--in-process", action="store_true", help="Time the page function itself, no HTTP.")
    args = parser.parse_args()
    if args.in_process:
        return in_process(args.requests)
    port = free_port()
    env = dict(os.environ)
    server = subprocess.Popen([str(Path(sys.executable).parent / "kg"), "serve", "--port", str(port)],
                              cwd=REPO, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request("GET", "/static/site.css")
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        first = {}
        for name in PAGES:
            ms, status, size = get(conn, f"/id/{name}")
            assert status == 200, (name, status)
            first[name] = (ms, size)
        samples: dict[str, list[float]] = {name: [] for name in PAGES}
        errors = 0
        for i in range(args.requests):
            for name in PAGES:  # alternate the pages, and the language, request by request
                lang = "fr" if i % 2 else "en"
                ms, status, _ = get(conn, f"/id/{name}?lang={lang}")
                errors += status != 200
                samples[name].append(ms)
        load = os.getloadavg()
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} cores; "
              f"{args.requests} requests per page after the first view; {errors} errors")
        print("| page | size | first view | p50 | p90 | target p50 |")
        print("|---|---|---|---|---|---|")
        worst = 0.0
        for name in PAGES:
            s = sorted(samples[name])
            p50, p90 = statistics.median(s), s[int(len(s) * 0.9) - 1]
            worst = max(worst, p50)
            print(f"| /id/{name} | {first[name][1] // 1024} KiB | {first[name][0]:.0f} ms | {p50:.1f} ms | "
                  f"{p90:.1f} ms | ≤ {TARGET_MS:.0f} ms: {'met' if p50 <= TARGET_MS else 'NOT met'} |")
        return 0 if errors == 0 else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
