"""`kg serve`: the graph as a Linked Data site and a SPARQL 1.1 endpoint, over the same embedded graph, cache and
named queries as the command line.

Owns: `config` (the server's settings), `app` (assembles the Starlette application from the route modules),
`endpoint` (the SPARQL protocol, named queries as an API, RDF content negotiation; `conneg` reads Accept headers,
`form` decodes forms), `runner` and `worker` (queries in threads with a time limit), `federation` (which SERVICE
calls a query may make: none by default), `prefork` (the supervisor and its server processes), `protocol` (uvicorn,
and the limits of a request's head), `site` (the HTML pages: entities, documents, queries, search; `html` writes
their largest parts; `textsearch` its full-text search page), `reader` (what an entity page adds for readers),
`forms` (named-query forms that take names), `editor` (the SPARQL editor), `errorpages` (400/404 in the site's
layout), `suggest` ("did you mean"), `reconcile` (/reconcile, the W3C Reconciliation Service API), `networks`
(/graph/NAME.gexf and .graphml), templates and vendored static files.
The web layer is thin: pages and answers are built by library functions (kg.inspection, kg.query, kg.output…)
that tests call directly. May import everything below it; nothing imports kg.serve but kg.cli.serve.
"""
