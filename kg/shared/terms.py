"""RDF terms from user text and back: IRIs from `<…>` or prefixed names, and the ways a term is shown.

One place for this so that query parameters, `kg describe` and the output formats read and show terms alike.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import PREFIXES, XSD

XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Regular expressions as text, compiled on first use (re caches them): compiling every module's patterns
# at import time cost milliseconds on each `kg query`, most of them never used.
_PNAME = r"^([A-Za-z][\w\-.]*)?:(.*)$"
_SCHEME = r"^[A-Za-z][A-Za-z0-9+.\-]*:"
_LOCAL_ESCAPE = r"\\([_~.\-!$&'()*+,;=/?#@%])"
# A conservative PN_LOCAL: ASCII letters, digits, `_`, `-` and inner dots. Anything else is written as <IRI>.
_SAFE_LOCAL = r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$"
_LANG_TAG = r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$"


def named_node(iri: str) -> ox.NamedNode:
    """A NamedNode, or InputError when the IRI is not a valid absolute IRI."""
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise InputError(f"not a valid IRI <{iri}>: {exc}") from None


def parse_iri(text: str, prefixes: dict[str, str] | None = None) -> ox.NamedNode:
    """`<https://…>`, `ekd:lix` (known prefixes only) or a bare absolute IRI such as `https://…`."""
    prefixes = PREFIXES if prefixes is None else prefixes
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        return named_node(text[1:-1])
    match = re.match(_PNAME, text, re.DOTALL)
    if match and (match.group(1) or "") in prefixes:
        local = re.sub(_LOCAL_ESCAPE, r"\1", match.group(2))
        return named_node(prefixes[match.group(1) or ""] + local)
    if re.match(_SCHEME, text) and ("://" in text or text.lower().startswith(("urn:", "mailto:"))):
        return named_node(text)
    if match:
        known = ", ".join(sorted(prefixes))
        raise InputError(f"unknown prefix {(match.group(1) or '')!r} in {text!r} (known prefixes: {known})")
    raise InputError(f"not an IRI or prefixed name: {text!r} (write <https://…> or prefix:name)")


def looks_like_iri(text: str, prefixes: dict[str, str] | None = None) -> bool:
    """True when the text would be read as an IRI by parse_iri (without raising)."""
    try:
        parse_iri(text, prefixes)
    except InputError:
        return False
    return True


def is_lang_tag(tag: str) -> bool:
    return bool(re.match(_LANG_TAG, tag))


def compact(iri: str, prefixes: dict[str, str] | None = None) -> str | None:
    """The prefixed name of an IRI when a prefix fits and the local part is safe in Turtle, else None."""
    prefixes = PREFIXES if prefixes is None else prefixes
    best_prefix, best_ns = None, ""
    for prefix, ns in prefixes.items():
        if len(ns) > len(best_ns) and iri.startswith(ns):
            best_prefix, best_ns = prefix, ns
    if best_prefix is None:
        return None
    local = iri[len(best_ns):]
    if local == "" or re.match(_SAFE_LOCAL, local):
        return f"{best_prefix}:{local}"
    return None


def prefixed(term: object) -> str:
    """How a term is shown when it has no label: prefixed name, <IRI>, `_:id`, or the literal's value."""
    if isinstance(term, ox.NamedNode):
        short = compact(term.value)
        return short if short is not None else f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


def plain(term: object) -> str:
    """The plain value of a term: full IRI, `_:id` for blank nodes, lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


def ntriples(term: object) -> str:
    """The N-Triples form (pyoxigraph escapes quotes, backslashes and line breaks)."""
    return "" if term is None else str(term)
