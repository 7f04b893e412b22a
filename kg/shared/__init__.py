"""Small modules every layer uses: errors with exit codes, namespaces, paths, records, terms, engine-neutral
results, lexical helpers over SPARQL text.

Owns: `errors`, `namespaces`, `paths` (where the graph and the cache live, remembered small files), `graphdir` (a
graph folder of one's own: its marker, which folder a writing command may change), `writes` (whole-or-nothing
writes under the folder's lock), `records`, `terms`, `results`, `sparqltext`, `progress` (progress on stderr),
`terminal` (what the terminal is like), `utf8` (command-line text that is not UTF-8).
May import: nothing of kg but each other and the constants of `kg/__init__`.
"""
