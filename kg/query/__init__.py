"""Asking the graph: the catalogue of named queries (`#+` headers), typed parameters bound as a VALUES block,
and running a bound query on the embedded graph or a remote endpoint.

Owns: `catalog` (named and ad-hoc queries, execution), `params` (typed parameters and binding), `search` (the
accent-insensitive label index), `reconcile` (names from a spreadsheet matched to entities, scored),
`fulltext` (the SQLite FTS5 index of sentences and quotes, French stems).
May import: kg.output, kg.engine, kg.stores, kg.shared. Never kg.answers, kg.cli or the web layer.
"""
