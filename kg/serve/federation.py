"""Which SERVICE calls a query sent to `kg serve` may make: none by default, or those of `--allow-service`.

Why: pyoxigraph follows a query's SERVICE clauses itself, so without this any client of a deployed endpoint could
make the server call addresses only it can reach (127.0.0.1, the host's network: SSRF). `kg sparql` keeps following
them (the user's own machine). SERVICE clauses are found by kg.shared.sparqltext's tokenizer (comments, strings
and IRIs skipped, keywords in any case, subqueries included), and their IRIs are compared once expanded as
pyoxigraph reads them (PREFIX declarations, the project prefixes, \\u escapes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.shared import sparqltext
from kg.shared.namespaces import PREFIXES

_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _unescape(text: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _declared_prefixes(toks: list[tuple[int, str]]) -> dict[str, str]:
    prefixes = dict(PREFIXES)
    for i, (_, tok) in enumerate(toks[:-2]):
        name, iri = toks[i + 1][1], toks[i + 2][1]
        if tok.upper() == "PREFIX" and name.endswith(":") and iri.startswith("<"):
            prefixes[name[:-1]] = _unescape(iri[1:-1])
    return prefixes


def service_targets(text: str) -> list[tuple[str, str | None]]:
    """(each SERVICE clause's target as written, the absolute IRI it names or None: a variable, a relative IRI,
    an undeclared prefix), in order."""
    if "SERVICE" not in text.upper():  # every request asks: most never say it, and tokenising costs ~5 µs a character
        return []
    toks = sparqltext.significant_tokens(text)
    prefixes: dict[str, str] | None = None
    out: list[tuple[str, str | None]] = []
    for i, (_, tok) in enumerate(toks):
        if tok.upper() != "SERVICE":
            continue
        rest = [t for _, t in toks[i + 1:i + 3]]
        if rest and rest[0].upper() == "SILENT":
            rest = rest[1:]
        if not rest:
            continue
        written = rest[0]
        iri: str | None = None
        if written.startswith("<") and written.endswith(">"):
            iri = _unescape(written[1:-1])
        elif ":" in written and written[0] not in "?$":
            if prefixes is None:
                prefixes = _declared_prefixes(toks)
            name, _, local = written.partition(":")
            if name in prefixes:
                iri = prefixes[name] + re.sub(r"\\(.)", r"\1", local)
        if iri is not None and not _ABSOLUTE.match(iri):
            iri = None
        out.append((written, iri))
    return out


def check_allowed(urls: Iterable[str]) -> list[str]:
    """The `--allow-service` endpoints, each an absolute http(s) IRI, or an InputError naming the bad one."""
    import pyoxigraph as ox

    from kg.shared.errors import InputError

    for url in urls:
        try:
            ox.NamedNode(url)
            good = bool(re.match(r"^https?://[^/?#\s]", url))
        except ValueError:
            good = False
        if not good:
            raise InputError(f"--allow-service {_cut(url)!r}: give the endpoint's absolute http(s) URL")
    return list(dict.fromkeys(urls))


def refusal(text: str, allowed: Iterable[str] = ()) -> str | None:
    """Why the endpoint refuses this query's SERVICE calls (one line), or None when it makes none it may not."""
    permitted = set(allowed)
    for written, iri in service_targets(text):
        if iri is None:
            return (f"SERVICE {_cut(written)}: federated queries are refused by this endpoint (a SERVICE "
                    "must name one of the endpoints the server allows, by its IRI)")
        if iri not in permitted:
            hint = ("it allows none; its operator may permit some with kg serve --allow-service URL"
                    if not permitted else f"it allows only {', '.join(sorted(permitted))}")
            return f"SERVICE <{_cut(iri)}>: federated queries are refused by this endpoint ({hint})"
    return None


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
