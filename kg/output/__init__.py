"""Turning results into text: tables with labels, the W3C SPARQL result formats, deterministic RDF serialisations.

Owns: `formatting` (SELECT/ASK results), `labels` (batch label look-up), `columns` (tables that fit the terminal),
`facts` (fact nodes as sentences), `pictures` (SVG neighbourhoods and charts), `rdf` (canonical N-Triples lines and
the Turtle, TriG, JSON-LD, N-Triples, N-Quads and RDF/XML writers), `values` (values for people, fr and en, on
Babel: the one formatter of the pages, the charts and the CLI tables).
May import: kg.shared (and take a query runner as an argument; never open a graph itself).
"""
