"""Weight and time of one page of each kind (issue 26): bytes sent uncompressed and compressed (when the client
accepts gzip), and the median wall and CPU time of serving it in this process, through the whole application
(Starlette's test client, no network). Pages are asked for in turn, run by run, so the load falls evenly.

    .venv/bin/python benchmarks/page_weight.py            # 15 runs
    .venv/bin/python benchmarks/page_weight.py --runs 5
    .venv/bin/python benchmarks/page_weight.py --compare /tmp/base --rounds 4
        # another checkout of the project (e.g. `git archive BASE | tar -x -C /tmp/base`) against this one:
        # each round runs one child process per checkout, alternating which goes first, and the medians of
        # all rounds are printed side by side

Figures go to docs/readers.md by hand, with the load average printed here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PAGES = ("/id/linagora", "/id/linagora?lang=fr", "/id/cnrs", "/id/adeline-nazarenko", "/id/doc-001",
         "/id/fig-linagora-revenue-2023", "/", "/search?q=linagora", "/query/", "/query/figures",
         "/query/timeline", "/editor", "/graph/linagora", "/id/no-such-thing")


def measure(runs: int) -> dict[str, tuple[int, int, int, str, float, float]]:
    """Page → (status, bytes, bytes sent, encoding, median wall ms, median CPU ms) in this process."""
    import warnings

    from starlette.testclient import TestClient

    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig

    warnings.simplefilter("ignore")
    app = create_app(ServeConfig())
    with TestClient(app) as client:
        plain = {"Accept": "text/html", "Accept-Encoding": "identity"}
        packed = {"Accept": "text/html", "Accept-Encoding": "gzip, br"}
        sizes = {}
        for path in PAGES:  # first views: proofs searched, caches filled
            raw = client.get(path, headers=plain)
            zipped = client.get(path, headers=packed)
            wire = zipped.headers.get("content-length") or len(zipped.content)
            sizes[path] = (raw.status_code, len(raw.content), int(wire), zipped.headers.get("content-encoding", "-"))
        times: dict[str, list[float]] = {p: [] for p in PAGES}
        cpus: dict[str, list[float]] = {p: [] for p in PAGES}
        for _ in range(runs):
            for path in PAGES:
                start, cpu = time.perf_counter(), time.process_time()
                client.get(path, headers=packed)
                times[path].append((time.perf_counter() - start) * 1000)
                cpus[path].append((time.process_time() - cpu) * 1000)
    return {p: (*sizes[p], statistics.median(times[p]), statistics.median(cpus[p])) for p in PAGES}


def compare(base: str, rounds: int, runs: int) -> int:
    import json
    import subprocess
    import sys
    from pathlib import Path

    here = str(Path(__file__).resolve().parent.parent)
    found: dict[str, list[dict]] = {base: [], here: []}
    for i in range(rounds):
        for repo in ((base, here) if i % 2 == 0 else (here, base)):
            out = subprocess.run([sys.executable, __file__, "--runs", str(runs), "--json"], cwd=repo,
                                 env={**os.environ, "PYTHONPATH": repo}, capture_output=True, text=True, check=True)
            found[repo].append(json.loads(out.stdout))
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {rounds} rounds x {runs} runs; base {base}")
    print(f"{'page':34} {'bytes':>15} {'sent':>15} {'wall ms':>15} {'CPU ms':>15}")
    for path in PAGES:
        cells = []
        for col in (1, 2, 4, 5):
            a = statistics.median(r[path][col] for r in found[base])
            b = statistics.median(r[path][col] for r in found[here])
            cells.append(f"{a:>7.0f}→{b:<7.0f}" if col < 4 else f"{a:>7.1f}→{b:<7.1f}")
        print(f"{path:34} " + " ".join(cells))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON (for --compare)")
    parser.add_argument("--compare", metavar="CHECKOUT", help="another checkout to measure against this one")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    if args.compare:
        return compare(args.compare, args.rounds, args.runs)
    figures = measure(args.runs)
    if args.json:
        import json

        print(json.dumps(figures))
        return 0
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.runs} runs")
    print(f"{'page':34} {'status':>6} {'bytes':>9} {'sent':>9} {'enc':>5} {'wall ms':>9} {'CPU ms':>8}")
    for path in PAGES:
        status, raw, wire, enc, wall, cpu = figures[path]
        print(f"{path:34} {status:>6} {raw:>9} {wire:>9} {enc:>5} {wall:>9.1f} {cpu:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
