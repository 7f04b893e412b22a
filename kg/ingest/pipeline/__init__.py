"""The ingestion pipeline's stages, one module each: parse (the French model, once per process), attach (what a
value is about, from the dependency parse), dateline (the document's own date), patterns (the rules kept as data in
kg/ingest/patterns/*.json, checked at start-up). The older stages (sentences, names, linking, relations, quotations)
still live in kg/ingest/extract.py and call these."""
