"""How long `kg ingest DIR -o REVIEWS/` takes on many short articles (issue 22 item 8: 1,000 articles of 3 KB in
at most 10 minutes on this machine), against one `kg ingest FILE` per article for a few of them.

The articles are the fictional fixtures (tests/fixtures/ingest/*.txt), cut or repeated to about 3 KB each and
numbered so that no two texts are equal (each gets its own document id). The folder form loads the model and
reads the graph once; one command per file pays both every time. The two are alternated run by run; the load
average is printed beside every figure (the machine is shared).

    .venv/bin/python benchmarks/ingest_folder.py              # 1,000 articles, and 5 single runs
    .venv/bin/python benchmarks/ingest_folder.py --count 100  # fewer
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "ingest"
KG = str(REPO / ".venv" / "bin" / "kg")


def articles(folder: Path, count: int, size: int = 3000) -> int:
    """`count` texts of about `size` bytes in `folder`; their total size."""
    bodies = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(FIXTURES.glob("*.txt"))]
    total = 0
    for n in range(count):
        text, i = "", n
        while len(text.encode("utf-8")) < size:
            text += bodies[i % len(bodies)]
            i += 7
        text = text.encode("utf-8")[:size].decode("utf-8", "ignore").rsplit("\n", 1)[0] + "\n"
        text = f"Article fictif numéro {n + 1} pour la mesure de vitesse.\n" + text
        (folder / f"article-{n + 1:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def timed(argv: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        print(proc.stderr[-2000:], file=sys.stderr)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc.returncode


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--singles", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "in"
        folder.mkdir()
        size = articles(folder, args.count)
        singles = sorted(folder.glob("*.txt"))[: args.singles]
        single_times = []
        for i, path in enumerate(singles):  # alternated: one single, then (once, in the middle) the folder
            load = os.getloadavg()[0]
            wall, cpu, code = timed([KG, "ingest", str(path), "-o", str(root / f"single-{i}.tsv")])
            single_times.append(wall)
            print(f"single article ({path.stat().st_size} bytes): {wall:.1f} s wall, {cpu:.1f} s CPU, exit {code}, "
                  f"load average {load:.1f}")
            if i == len(singles) // 2:
                load = os.getloadavg()[0]
                wall, cpu, code = timed([KG, "ingest", str(folder), "-o", str(root / "reviews")])
                reviews = len(list((root / "reviews").glob("*.review.tsv")))
                print(f"folder of {args.count} articles ({size / 1e6:.2f} MB): {wall:.1f} s wall "
                      f"({wall / 60:.1f} min), {cpu:.1f} s CPU, exit {code}, {reviews} review files, "
                      f"load average {load:.1f} at its start, {os.getloadavg()[0]:.1f} at its end")
        if single_times:
            mean = sum(single_times) / len(single_times)
            print(f"one command per article would take about {mean * args.count / 60:.1f} min for {args.count} "
                  f"(mean {mean:.1f} s each)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
