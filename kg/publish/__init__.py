"""Handing the graph to others: deterministic exports, versioned releases, the quality report, diffs, the
ontology's documentation and diagrams.

Owns: `export` (which triples, which named graphs, atomic writes; the serialisers are kg.output.rdf), `release`
(`kg release`), `noquotes` (the release's `--quotes none` variant), `report` (the quality report; its checks are
`checks/*.rq`), `diff` (`kg diff`), `ontodoc` (the ontology as HTML), `diagrams` (Graphviz), `void` (the VoID /
DCAT description of a release), `tables` (CSV tables, a Frictionless Data Package and a workbook for
spreadsheets), `network` (the entity network as GEXF and GraphML), `classes` (the class hierarchy and
each entity's types, which both place entities by); `checks`, `shapes` and `templates` are data
folders.
May import: kg.output, kg.inspection, kg.engine, kg.stores, kg.shared. Never kg.answers, kg.cli or the web layer.
"""
