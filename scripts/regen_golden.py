"""Rewrite tests/golden/*.json (the expected answers of the named queries), tests/golden/explain/*.txt (what
`kg explain` prints for a few triples) and docs/queries.md.

Run after a deliberate change to the data, the ontology or a query, then review the diff like code:

    .venv/bin/python scripts/regen_golden.py            # rewrite, report what changed
    .venv/bin/python scripts/regen_golden.py --check    # exit 1 if anything would change
    git diff tests/golden docs/queries.md

The cases (queries, representative parameter values, regimes) are defined in tests/test_queries_golden.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for folder in (REPO, REPO / "tests", REPO / "scripts"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import gen_query_docs  # noqa: E402
from test_explain_golden import EXPLAIN_CASES, explain_output, golden_path  # noqa: E402
from test_queries_golden import GOLDEN_DIR, dump_record, golden_cases, golden_record  # noqa: E402

from kg.engine.graph import open_graph  # noqa: E402


def main(argv: list[str]) -> int:
    check = "--check" in argv
    graphs: dict[str, object] = {}

    def factory(regime: str) -> object:
        if regime not in graphs:
            graphs[regime] = open_graph(reasoning=regime, use_cache=False)
        return graphs[regime]

    cases = golden_cases()
    changed, added, same = [], [], 0
    for case in cases:
        text = dump_record(golden_record(factory, case))
        old = case.path.read_text(encoding="utf-8") if case.path.is_file() else None
        if old == text:
            same += 1
            continue
        (added if old is None else changed).append(case.path.name)
        if not check:
            GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
            case.path.write_text(text, encoding="utf-8")
    wanted = {c.path.name for c in cases}
    stale = sorted(p.name for p in GOLDEN_DIR.glob("*.json") if p.name not in wanted)
    if not check:
        for name in stale:
            (GOLDEN_DIR / name).unlink()
    for name, args in sorted(EXPLAIN_CASES.items()):
        path = golden_path(name)
        text = explain_output(args, no_cache=True)
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == text:
            continue
        (added if old is None else changed).append(f"explain/{path.name}")
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    verb = "would change" if check else "changed"
    for label, names in ((verb, changed), ("new", added), ("stale, removed" if not check else "stale", stale)):
        for name in names:
            print(f"{label}: tests/golden/{name}")
    print(f"{len(cases)} cases: {same} unchanged, {len(changed)} {verb}, {len(added)} new, {len(stale)} stale")
    docs_status = gen_query_docs.main(["--check"] if check else [])
    return 1 if check and (changed or added or stale or docs_status) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
