"""Remote triplestores: load the graph safely (staging graphs, count check, swap) and query over HTTP.

Owns: `profiles` (where each kind of server keeps its endpoints), `http` (credentials, retries, one-line
errors), `load` (staging, verification, swap), `remote` (SPARQL queries to an endpoint).
May import: kg.engine (to open the graph it loads), kg.shared.
Nothing here is imported by light commands: `requests` is loaded only when a store is used.
"""
