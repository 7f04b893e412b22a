"""Weight and time of one page of each kind (issue 26): bytes sent uncompressed and compressed (when the client
accepts gzip), and the median wall time of rendering it in this process, through the whole application
(Starlette's test client, no network). Pages are asked for in turn, run by run, so the load falls evenly.

    .venv/bin/python benchmarks/page_weight.py            # 15 runs
    .venv/bin/python benchmarks/page_weight.py --runs 5

Figures go to docs/serving.md ("## Page weight") by hand, with the load average printed here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

PAGES = ("/id/linagora", "/id/linagora?lang=fr", "/id/cnrs", "/id/adeline-nazarenko", "/id/doc-001",
         "/id/fig-linagora-revenue-2023", "/", "/search?q=linagora", "/query/", "/query/figures",
         "/query/timeline", "/editor", "/graph/linagora", "/id/no-such-thing")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from starlette.testclient import TestClient

    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig

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
        for _ in range(args.runs):
            for path in PAGES:
                start = time.perf_counter()
                client.get(path, headers=packed)
                times[path].append((time.perf_counter() - start) * 1000)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {args.runs} runs")
    print(f"{'page':34} {'status':>6} {'bytes':>9} {'sent':>9} {'enc':>5} {'median ms':>10}")
    for path in PAGES:
        status, raw, wire, enc = sizes[path]
        print(f"{path:34} {status:>6} {raw:>9} {wire:>9} {enc:>5} {statistics.median(times[path]):>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
