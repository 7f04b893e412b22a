"""The ingestion pipeline's stages of issue 22, one module each: `parse` (the French model, once per process, every
sentence through nlp.pipe), `attach` (what a figure, date or funding is about, from the dependency parse),
`relate` (relations from the parse), `dateline` (the document's own date), `patterns` (the rules kept as data in
kg/ingest/patterns/*.json, checked at start-up). The older stages (sentences, names, linking, the regular-expression
relation rules, quotations) still live in kg/ingest/extract.py and call these.
"""
