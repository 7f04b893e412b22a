"""The benchmark of incremental reasoning: a new document of ~200 triples, and its retraction, each followed by
a query, against a cold rebuild and the same query (issue 24).

    python benchmarks/incremental.py --size 100k --out /tmp/incr-100k [--rounds 5]

Every measurement is one `kg sparql --reasoning owlrl` process (interpreter start included): wall time around
it, CPU time of its process tree (wait4), peak RSS (GNU time), with the tools of benchmarks/run.py. The commands
alternate run by run (add, cold-add, delete, cold-delete, warm; then again), and medians are reported with the
1-minute load average at the start of each round.

- add: the document's file is in the data folder; the cache holds the full entry of the graph without it (as
  after any earlier command). kg brings the closure up to date (kg.engine.increment) and answers.
- delete: the document's file is gone; the cache holds the full entry of the graph with it. kg maintains the
  closure (DRed) and answers.
- cold-add / cold-delete: the same two states of the files with an empty cache: kg parses, reasons and answers
  (today's cost of any change). Its background cache writer is left out of the figures, as a user would not
  wait for it; its CPU is reported apart.
- warm: no change at all, the cache holds the entry: the floor of any query.

Between runs the harness puts the cache back as it was: the entry a run wrote is deleted, and the earlier entry
is checked whole again (what its first open after it was written does), so every run starts from the state a
user has after the previous command. Each run's answer is compared with the cold run's of the same state.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import run as harness  # noqa: E402

EKG = "https://w3id.org/ecosystem-kg/ontology#"
DOC = "https://w3id.org/ecosystem-kg/id/incr-doc-"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def document(data_file: Path, people: int = 10, seed: int = 24) -> str:
    """~200 triples about new people, roles, a lab and a funding tied to existing organisations and places:
    property chains (memberOf, affiliatedWith, fundedBy), transitivity (unitOf ⊑ subOrganisationOf, locatedIn),
    inverses, a symmetric property, domains, ranges and the class hierarchy all fire."""
    orgs, places = set(), set()
    with data_file.open(encoding="utf-8") as fh:
        for line in fh:
            if f"<{EKG}unitOf>" in line:
                orgs.update(line.split(" ")[0:3:2])
            elif f"<{EKG}locatedIn>" in line:
                places.add(line.rsplit(" ", 2)[-2])
            if len(orgs) > 2000 and len(places) > 200:
                break
    rng = random.Random(seed)
    orgs_l, places_l = sorted(orgs), sorted(places)
    lines = []

    def t(s: str, p: str, o: str) -> None:
        lines.append(f"{s} <{p}> {o} .\n")

    lab = f"<{DOC}lab>"
    t(lab, RDF_TYPE, f"<{EKG}Laboratory>")
    t(lab, LABEL, '"Laboratoire incrémental"@fr')
    t(lab, EKG + "unitOf", rng.choice(orgs_l))
    t(lab, EKG + "locatedIn", rng.choice(places_l))
    t(lab, EKG + "collaboratesWith", rng.choice(orgs_l))
    for i in range(people):
        person, role, fund = f"<{DOC}person-{i}>", f"<{DOC}role-{i}>", f"<{DOC}funding-{i}>"
        org = rng.choice(orgs_l)
        t(person, RDF_TYPE, f"<{EKG}Person>")
        t(person, LABEL, f'"Personne {i}"@fr')
        t(person, EKG + "holdsRole", role)
        t(role, RDF_TYPE, f"<{EKG}Role>")
        t(role, EKG + "roleOrganisation", lab if i % 2 else org)
        t(role, LABEL, f'"Rôle {i}"@fr')
        t(person, EKG + "affiliatedWith", rng.choice(orgs_l))
        t(person, EKG + "affiliatedWith", lab)
        t(fund, RDF_TYPE, f"<{EKG}Funding>")
        t(fund, EKG + "funder", rng.choice(orgs_l))
        t(lab if i % 3 else rng.choice(orgs_l), EKG + "receivesFunding", fund)
        t(fund, LABEL, f'"Financement {i}"@fr')
        for _ in range(3):
            t(f"<{DOC}team-{i}-{_}>", EKG + "subOrganisationOf", lab)
            t(f"<{DOC}team-{i}-{_}>", LABEL, f'"Équipe {i}.{_}"@fr')
        t(person, EKG + "collaboratesWith", f"<{DOC}person-{(i + 1) % people}>")
    return "".join(lines)


QUERY = f"""SELECT ?person ?org WHERE {{
  ?person <{EKG}affiliatedWith> ?org .
  FILTER(STRSTARTS(STR(?person), "{DOC}"))
}} ORDER BY ?person ?org"""


def kg_argv(root: Path, query: Path) -> list[str]:
    return [str(Path(sys.executable).parent / "kg"), "sparql", "--reasoning", "owlrl", "--data", str(root),
            "--format", "csv", str(query)]


def build_entry(root: Path, cache: Path) -> None:
    """A full cache entry for the files as they are (what any provenance command leaves behind)."""
    code = ("from kg.engine.graph import open_graph; from kg.shared.paths import layout; "
            f"open_graph(layout({str(root)!r}), reasoning='owlrl')")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "KG_CACHE_DIR": str(cache)})


def entries(cache: Path) -> set[str]:
    return {p.name for p in cache.iterdir() if len(p.name) == 40} if cache.is_dir() else set()


def settle(cache: Path, name: str) -> None:
    """Check an entry whole, as its first open after it was written does (see the module docstring)."""
    os.environ["KG_CACHE_DIR"] = str(cache)
    from kg.engine import cache as kgcache

    entry = cache / name
    manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
    kgcache._check_store(entry, manifest["files"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--only", default="add,cold-add,delete,cold-delete,warm")
    args = ap.parse_args(argv)
    out = args.out.resolve()
    root = out / "graph"
    if not (root / "data" / "synthetic.ttl").is_file():
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--size", args.size, "--out", str(root),
                        "--no-compare"], check=True)
    doc_text = document(root / "data" / "synthetic.ttl")
    doc = root / "data" / "incr-doc.ttl"
    query = out / "query.rq"
    query.write_text(QUERY, encoding="utf-8")
    cache, parked, empty = out / "cache", out / "parked", out / "cache-empty"
    for d in (cache, parked):
        d.mkdir(parents=True, exist_ok=True)
    doc.unlink(missing_ok=True)
    if not entries(cache) and not entries(parked):
        build_entry(root, cache)
        base = entries(cache)
        doc.write_text(doc_text, encoding="utf-8")
        build_entry(root, parked)
        with_doc = entries(parked)
        doc.unlink()
    else:
        base, with_doc = entries(cache), entries(parked)
    (base_key,), (doc_key,) = base, with_doc
    print(f"document: {doc_text.count(chr(10))} triples; entries {base_key[:12]} (without), {doc_key[:12]} (with)",
          flush=True)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "KG_PROGRESS": "0"}
    answers: dict[str, set[str]] = {}

    def measured(label: str, with_document: bool, cache_dir: Path) -> harness.Run:
        if with_document:
            doc.write_text(doc_text, encoding="utf-8")
        else:
            doc.unlink(missing_ok=True)
        r = harness.run_process(kg_argv(root, query), timeout=args.timeout,
                                env={**env, "KG_CACHE_DIR": str(cache_dir)}, keep_stdout=True)
        answers.setdefault(label, set()).add(r.stdout or "")
        if r.status != "ok":
            print(f"{label}: {r.status} rc={r.rc} {r.stderr[-400:]}", flush=True)
        return r

    def keep_only(folder: Path, name: str) -> None:
        for other in entries(folder) - {name}:
            shutil.rmtree(folder / other)

    def add() -> harness.Run:
        r = measured("add", True, cache)
        keep_only(cache, base_key)  # back to the state before: the entry without the document only
        settle(cache, base_key)
        return r

    def delete() -> harness.Run:
        os.rename(cache / base_key, parked / base_key)
        os.rename(parked / doc_key, cache / doc_key)
        r = measured("delete", False, cache)
        keep_only(cache, doc_key)
        os.rename(cache / doc_key, parked / doc_key)
        os.rename(parked / base_key, cache / base_key)
        settle(cache, base_key)
        settle(parked, doc_key)
        return r

    def cold(with_document: bool) -> harness.Run:
        shutil.rmtree(empty, ignore_errors=True)
        empty.mkdir()
        r = measured("cold-add" if with_document else "cold-delete", with_document, empty)
        shutil.rmtree(empty, ignore_errors=True)
        return r

    def warm() -> harness.Run:
        return measured("warm", False, cache)

    commands = {"add": add, "cold-add": lambda: cold(True), "delete": delete,
                "cold-delete": lambda: cold(False), "warm": warm}
    commands = {k: v for k, v in commands.items() if k in args.only.split(",")}
    # The first open of an entry reads it whole (its writer's check): done here, not in the first measured run.
    settle(cache, base_key)
    settle(parked, doc_key)
    harness.become_subreaper()
    started = time.time()
    runs, loads = harness.run_alternated(commands, args.rounds)
    doc.unlink(missing_ok=True)
    for a, b in (("add", "cold-add"), ("delete", "cold-delete")):
        if a in answers and b in answers and answers[a] != answers[b]:
            print(f"ERROR: {a} answered differently from {b}", flush=True)
            return 1
    rows = {}
    for label, rs in runs.items():
        rows[label] = {"wall": statistics.median(r.wall for r in rs), "cpu": statistics.median(r.cpu for r in rs),
                       "rss_mb": max(r.rss_mb for r in rs), "walls": [round(r.wall, 2) for r in rs],
                       "cpus": [round(r.cpu, 2) for r in rs], "status": sorted({r.status for r in rs}),
                       "background_cpu": statistics.median(r.background_cpu or 0.0 for r in rs)}
    minutes = round((time.time() - started) / 60, 1)
    result = {"size": args.size, "rounds": args.rounds, "loads": loads, "minutes": minutes,
              "document_triples": doc_text.count("\n"), "rows": rows, "answers_rows": {
                  k: max(len(v.splitlines()) for v in vs) - 1 for k, vs in answers.items()}}
    # Without cold-delete (--only, to save time at 1M), the cold run of the graph with the document stands for
    # both states: they differ by ~200 triples in a million.
    cold_del = "cold-delete" if "cold-delete" in rows else "cold-add"
    for a, b in (("add", "cold-add"), ("delete", cold_del), ("warm", cold_del)):
        if a in rows and b in rows:
            result[f"{a}/{b}"] = {"wall": round(rows[a]["wall"] / rows[b]["wall"], 3),
                                  "cpu": round(rows[a]["cpu"] / rows[b]["cpu"], 3)}
    (out / "results.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
