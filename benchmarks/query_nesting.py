"""How deep a query pyoxigraph can take before its stack overflows (SIGSEGV kills the process): the measurement
behind kg.shared.sparqltext.MAX_NESTING and MAX_OPERATORS.

Each shape is run in a subprocess (a crash there cannot take this one down), in a thread with the default stack
(as `kg serve`'s query threads had; `--main` for the main thread, as `kg sparql` runs), and the smallest size
that crashes is bisected to within 20.

    .venv/bin/python benchmarks/query_nesting.py [--main] [SHAPE...]
"""

from __future__ import annotations

import subprocess
import sys

P = "<http://e/p>"
SHAPES = {
    "group {": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
    "paren (": lambda n: "SELECT * WHERE { FILTER(" + "(" * n + "1" + ")" * n + ") }",
    "call STR(": lambda n: "SELECT * WHERE { BIND(" + "STR(" * n + "1" + ")" * n + " AS ?x) }",
    "FILTER EXISTS {": lambda n: "SELECT * WHERE { ?s ?p ?o " + "FILTER EXISTS { ?s ?p ?o " * n + "}" * n + " }",
    "OPTIONAL {": lambda n: "SELECT * WHERE { " + "OPTIONAL { " * n + "?s ?p ?o" + " }" * n + " }",
    "sub-SELECT": lambda n: "SELECT * WHERE " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n,
    "negation !": lambda n: "SELECT * WHERE { FILTER(" + "!" * n + "true) }",
    "UNION chain": lambda n: "SELECT * WHERE { " + "{ ?s ?p ?o } UNION " * n + "{ ?s ?p ?o } }",
    "+ chain": lambda n: "SELECT * WHERE { FILTER(1" + " + 1" * n + " = 0) }",
    "|| chain": lambda n: "SELECT * WHERE { FILTER(true" + " || true" * n + ") }",
    "path / chain": lambda n: "SELECT * WHERE { ?s " + "/".join([P] * n) + " ?o }",
    "path | chain": lambda n: "SELECT * WHERE { ?s " + "|".join([P] * n) + " ?o }",
}
CHILD = """
import sys, threading, pyoxigraph as ox
query = sys.stdin.read()
def run():
    try:
        result = ox.Store().query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except Exception:
        pass
if sys.argv[1] == "main":
    run()
else:
    thread = threading.Thread(target=run); thread.start(); thread.join()
"""


def crashes(query: str, where: str) -> bool:
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, where], input=query.encode(), capture_output=True,
                              timeout=60)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode < 0  # killed by a signal (SIGSEGV)


def limit(shape: str, where: str, high: int = 40_000) -> int | None:
    """The smallest size that crashes (to within 20), or None when `high` does not."""
    build = SHAPES[shape]
    if not crashes(build(high), where):
        return None
    low = 1
    while high - low > 20:
        middle = (low + high) // 2
        if crashes(build(middle), where):
            high = middle
        else:
            low = middle
    return high


def main() -> None:
    where = "main" if "--main" in sys.argv else "thread"
    wanted = [a for a in sys.argv[1:] if not a.startswith("--")] or list(SHAPES)
    for shape in wanted:
        found = limit(shape, where)
        print(f"{shape:18} {'no crash at 40000' if found is None else f'crashes from ~{found}'}", flush=True)


if __name__ == "__main__":
    main()
