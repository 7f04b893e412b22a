"""What a command prints and its exit status, as plain data: the layer between the thin front ends (`kg/cli`,
the web layer) and the library.

Owns: `answer` (the Answer value), `query` (`kg query`, `kg sparql`), `explain` (`kg explain`), `search`
(`kg search`, and free text resolved to one entity), `fulltext` (`kg search --text`: the full-text index of a
graph state, cached), `reconcile` (the W3C Reconciliation Service API v0.2 as data, for /reconcile).
May import: kg.query, kg.output, kg.inspection, kg.publish and everything below them; never kg.cli.
"""
