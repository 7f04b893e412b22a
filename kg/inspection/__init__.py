"""Looking into the graph: everything about one entity, proofs rendered for people, counts, SHACL validation.

Owns: `describe` (statements, sources, name resolution), `proofs` (rendering kg.engine.explain's proofs),
`stats`, `validate`, and the data of the web pages: `entity` (an entity page), `documents` (a document page),
`results` (a query's result as a page shows it), `glance` (what a thing is at a glance: description, key
facts), `words` (other vocabularies' properties named in words).
May import: kg.output, kg.engine, kg.shared. Never kg.answers, kg.cli or the web layer.
"""
