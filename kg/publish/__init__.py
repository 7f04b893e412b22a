"""Handing the graph to others: deterministic exports (and, as they land, releases, reports and diffs).

Owns: `export` (which triples, which named graphs, atomic writes; the serialisers are kg.output.rdf).
May import: kg.output, kg.inspection, kg.engine, kg.stores, kg.shared. Never kg.answers, kg.cli or the web layer.
"""
