"""Which document of the graph a text is, by the sha256 of the text as kg reads it (decoded, line ends unified):
a document's `schema:sha256`, or the 16 hex digits `kg accept` puts in the file names it gives (NNN_<digits>.txt).
A copy of a seed under another name is thus recognised as the graph's own document, not proposed again."""

from __future__ import annotations

import re

from kg.shared.namespaces import EKG

SCHEMA_SHA256 = "https://schema.org/sha256"
DCTERMS_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_KEPT_NAME = re.compile(r"^\d{3}_([0-9a-f]{16})\.txt$")


def documents_by_digest(known) -> dict[str, str]:
    """First 16 hex digits of a text's sha256 → the document IRI the graph gives that text."""
    found: dict[str, str] = {}
    query = (f"SELECT ?d ?i ?h WHERE {{ ?d a <{EKG}SourceDocument> OPTIONAL {{ ?d <{DCTERMS_IDENTIFIER}> ?i }} "
             f"OPTIONAL {{ ?d <{SCHEMA_SHA256}> ?h }} }}")
    for row in known.kgraph.query(query).rows:
        doc, ident, sha = (None if t is None else t.value for t in row)
        if sha:
            found[sha[:16]] = doc
        elif ident and (m := _KEPT_NAME.match(ident)):
            found.setdefault(m.group(1), doc)
    return found
