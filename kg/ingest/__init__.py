"""Growing the graph from a new document: read a French text, propose candidate facts with their quotes
(`kg ingest`), turn the ones a person accepted into sourced Turtle (`kg accept`), and take a document back
(`kg retract`).

Owns: `reading` (decoding a text), `sentences` (numbered as the provenance counts them), `digests` (which document
a text is, by its digest), `known` (what the graph already knows: labels for linking), `labelmatch` (where a
sentence names a known label as a whole name, as the linker reads names), `french` (the vocabulary the rules
read), `ner` (the optional spaCy model), `names` (new names and their kind), `relations` (relation rules),
`extract` (candidates from a text), `pipeline` (the stages of issue 22: the parse, attachment by syntax,
relations from the parse, the dateline, the rules kept as data in patterns/*.json), `ingest` (`kg ingest`: the
review file from a text), `batch` (`kg ingest DIR`: a folder, one model load), `review` (the review file),
`reviewstate` (a review as a page shows it, and its edits), `reviewpage` (the review page's view model),
`decisions` (a curator's decisions, kept),
`turtle` (a small Turtle writer), `accept` (`kg accept`), `retract` (`kg retract`), `graphdiff` (what a change
does, as people read it), `scoring` (judging proposed rows against an expected file, as a curator would).
May import: kg.output, kg.query, kg.engine, kg.shared. Never kg.answers, kg.cli or the web layer.
"""
