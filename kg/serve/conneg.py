"""Content negotiation: which of the formats we can write a client asked for (RFC 9110 `Accept`, with q-values),
and the media types of the formats kg.output writes.

Pure functions over strings, so the rules are tested without a server.
"""

from __future__ import annotations

from functools import lru_cache

# Format name (as kg.output.formatting / kg.output.rdf call it) -> the media type we answer with.
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}
HTML = "html"
# Other media types clients send for the same formats (first: the one we answer with).
ALIASES = {
    "json": ("application/sparql-results+json", "application/json"),
    "xml": ("application/sparql-results+xml", "application/xml", "text/xml"),
    "csv": ("text/csv",),
    "tsv": ("text/tab-separated-values",),
    "turtle": ("text/turtle", "application/x-turtle", "application/turtle"),
    "jsonld": ("application/ld+json",),
    "nt": ("application/n-triples", "text/plain"),
    HTML: ("text/html", "application/xhtml+xml"),
}
# File suffixes of dereferenceable resources (/id/NAME.ttl) and of named queries (/queries/NAME.csv).
SUFFIXES = {".ttl": "turtle", ".jsonld": "jsonld", ".nt": "nt", ".json": "json", ".xml": "xml", ".csv": "csv",
            ".tsv": "tsv", ".html": HTML}
# `?format=` values (as Fuseki's `format`/`output`): our format names and a few usual spellings.
FORMAT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
                "jsonld": "jsonld", "json-ld": "jsonld", "nt": "nt", "ntriples": "nt", "n-triples": "nt"}


def media_type(fmt: str) -> str:
    """The Content-Type to answer a format with."""
    if fmt in RESULT_TYPES:
        return RESULT_TYPES[fmt]
    if fmt in GRAPH_TYPES:
        return GRAPH_TYPES[fmt]
    return "text/html"


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """`text/turtle;q=0.9, */*;q=0.1` -> [("text/turtle", 0.9), ("*/*", 0.1)], best first (stable); a missing
    or empty header accepts anything. Malformed q-values count as 1 (as most servers do)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out: list[tuple[str, float, int]] = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        mtype = fields[0].lower()
        if not mtype:
            continue
        if "/" not in mtype:
            mtype = "*/*" if mtype == "*" else mtype
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 1.0
        out.append((mtype, q, index))
    out.sort(key=lambda item: (-item[1], item[2]))
    return [(m, q) for m, q, _ in out]


def _quality(accepted: list[tuple[str, float]], fmt: str) -> tuple[float, int]:
    """How much the client wants `fmt`: the q of the most specific matching range (exact > type/* > */*)."""
    best: tuple[int, float] | None = None  # (specificity, q)
    primary = ALIASES[fmt][0]
    for mtype in ALIASES[fmt]:
        main = mtype.split("/")[0]
        for rng, q in accepted:
            if rng == mtype:
                spec = 3
            elif rng == f"{main}/*" and mtype == primary:  # we answer with the primary type: it must fit
                spec = 2
            elif rng == "*/*":
                spec = 1
            else:
                continue
            if best is None or spec > best[0] or (spec == best[0] and q > best[1]):
                best = (spec, q)
    return (0.0, 0) if best is None else (best[1], best[0])


def choose(accept: str | None, offered: tuple[str, ...] | list[str]) -> str | None:
    """The offered format the client prefers (ties go to the first offered), or None when it accepts none of
    them (answer 406)."""
    if isinstance(offered, tuple) and (accept is None or len(accept) <= 512):
        return _choose_cached(accept, offered)
    return _choose(accept, offered)


@lru_cache(maxsize=512)
def _choose_cached(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """Clients send the same few Accept headers again and again: parse each once (a pure function)."""
    return _choose(accept, offered)


def _choose(accept: str | None, offered: tuple[str, ...] | list[str]) -> str | None:
    accepted = parse_accept(accept)
    best, best_key = None, (0.0, 0, 0)
    for order, fmt in enumerate(offered):
        q, spec = _quality(accepted, fmt)
        if q <= 0:
            continue
        key = (q, spec, -order)
        if best is None or key > best_key:
            best, best_key = fmt, key
    return best


def split_suffix(name: str, allowed: tuple[str, ...] | list[str]) -> tuple[str, str | None]:
    """`linagora.ttl` -> ("linagora", "turtle") when that suffix names an allowed format; else (name, None)."""
    dot = name.rfind(".")
    if dot > 0:
        fmt = SUFFIXES.get(name[dot:].lower())
        if fmt is not None and fmt in allowed:
            return name[:dot], fmt
    return name, None
