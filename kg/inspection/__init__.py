"""Looking into the graph: everything about one entity, proofs rendered for people, counts, SHACL validation.

Owns: `describe` (statements, sources, name resolution), `proofs` (rendering kg.engine.explain's proofs),
`stats`, `validate`.
May import: kg.output, kg.engine, kg.shared. Never kg.answers, kg.cli or the web layer.
"""
