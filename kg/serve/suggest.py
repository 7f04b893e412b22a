""""Did you mean" for an address that names nothing: the words of its last part looked up in the search index
(entities) and compared with the named queries' names (difflib)."""

from __future__ import annotations

import difflib
import re
from urllib.parse import unquote

from kg.query.search import Hit, SearchIndex

LIMIT = 5


def address_words(path: str) -> str:
    """The words of an address's last part: /id/linagora-cnrs.ttl → "linagora cnrs"."""
    last = unquote(path.rstrip("/").rsplit("/", 1)[-1])
    last = re.sub(r"\.(ttl|nt|jsonld|rdf|json|csv|tsv|xml|html)$", "", last)
    return " ".join(re.split(r"[-_.\s]+", last)).strip()[:100]


def suggestions(index: SearchIndex, catalog: dict, path: str, lang: str = "en"
                ) -> tuple[str, list[Hit], list[str]]:
    """(the words searched, entity hits, named-query names) for an address."""
    words = address_words(path)
    if not words:
        return "", [], []
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if "/quer" in path:  # a named query's address: its neighbours by spelling first
        queries = difflib.get_close_matches(name, list(catalog), n=3, cutoff=0.6)
        if queries:
            return words, [], queries
    hits = index.search(words, limit=LIMIT, lang=lang)
    if not hits:  # one word at a time, longest first, then shorter prefixes ("linagor" → LINAGORA)
        for word in sorted(words.split(), key=len, reverse=True):
            for cut in (len(word), max(3, len(word) - 2)):
                if len(word[:cut]) >= 3:
                    hits = index.search(word[:cut], limit=LIMIT, lang=lang)
                if hits:
                    break
            if hits:
                break
    return words, hits, []
