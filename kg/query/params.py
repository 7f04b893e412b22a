"""Typed query parameters: `-p name=value` → RDF terms → a VALUES block at the top of the WHERE group.

Values are never pasted into query text. Each one becomes a pyoxigraph term (which validates IRIs and language
tags and escapes literals), and the query receives `VALUES (?a ?b) { (t1 t2) }` written from those terms. The
embedded store and remote endpoints receive the very same bound query.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Iterable, Mapping

from kg.shared import sparqltext
from kg.shared.errors import InputError, ParameterError
from kg.shared.namespaces import XSD
from kg.shared.utf8 import invalid_utf8

# pyoxigraph and kg.shared.terms are imported where terms are made: `kg queries` reads parameter specs from the
# parsed catalogue (kg.query.catalog) without making any term.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import pyoxigraph as ox

PARAM_TYPES = ("iri", "string", "langstring", "integer", "decimal", "date", "boolean")

# Regular expressions as text, compiled on first use (re caches them): compiling every module's patterns
# at import time cost milliseconds on each `kg query`, most of them never used.
_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_INTEGER = r"^[+-]?[0-9]+$"
_DECIMAL = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_DATE = r"^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$"
_LANG_SUFFIX = r"@([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$"


_ParamFields = namedtuple("ParamSpec", "name type lang required default description",
                          defaults=("string", None, False, None, ""))


class ParamSpec(_ParamFields):
    """One declared parameter of a named query (`#+ param: name | type | mode | description`).

    Fields: name; type (one of PARAM_TYPES); lang (`string@fr`: the language given to values that carry
    none); required; default (raw text, parsed like a user value); description. A named tuple rather than
    a dataclass, to keep `kg query`'s imports light."""

    __slots__ = ()

    @property
    def type_text(self) -> str:
        return f"{self.type}@{self.lang}" if self.lang else self.type

    @property
    def mode(self) -> str:
        if self.required:
            return "required"
        if self.default is not None:
            return f"default={self.default}"
        return "optional"


def parse_type(text: str) -> tuple[str, str | None]:
    """`iri`, `string@fr`… → (type, language). ValueError with a readable message when unknown."""
    from kg.shared.terms import is_lang_tag

    text = text.strip()
    base, _, lang = text.partition("@")
    if base not in PARAM_TYPES:
        raise ValueError(f"unknown parameter type {text!r} (choose from {', '.join(PARAM_TYPES)})")
    if lang:
        if base not in ("string", "langstring") or not is_lang_tag(lang):
            raise ValueError(f"bad parameter type {text!r}: only string@LANG or langstring@LANG "
                             "take a language")
        return base, lang
    return base, None


def _xsd(name: str) -> ox.NamedNode:
    import pyoxigraph as ox

    return ox.NamedNode(XSD + name)


def _string_term(spec: ParamSpec, text: str) -> ox.Literal:
    import pyoxigraph as ox

    match = re.search(_LANG_SUFFIX, text)
    lang = spec.lang
    if match:
        text, lang = text[: match.start()], match.group(1)
    if lang is None:
        if spec.type == "langstring":
            raise ParameterError(
                f"parameter {spec.name}: a language-tagged string is expected, e.g. {spec.name}=Paris@fr")
        return ox.Literal(text)
    try:
        return ox.Literal(text, language=lang)
    except ValueError as exc:
        raise ParameterError(f"parameter {spec.name}: bad language tag {lang!r}: {exc}") from None


def parse_value(spec: ParamSpec, text: str) -> ox.NamedNode | ox.Literal:
    """The RDF term for one user value, checked against the declared type (canonical lexical forms)."""
    import pyoxigraph as ox

    from kg.shared.terms import parse_iri

    kind = spec.type

    def bad(expected: str) -> ParameterError:
        return ParameterError(f"parameter {spec.name}: {text!r} is not {expected}")

    if kind == "iri":
        try:
            return parse_iri(text)
        except InputError as exc:
            raise ParameterError(f"parameter {spec.name}: {exc.message}") from None
    if kind in ("string", "langstring"):
        return _string_term(spec, text)
    value = text.strip()
    if kind == "integer":
        if not re.match(_INTEGER, value):
            raise bad("an integer (e.g. 42)")
        return ox.Literal(str(int(value)), datatype=_xsd("integer"))
    if kind == "decimal":
        if not re.match(_DECIMAL, value):
            raise bad("a decimal number (e.g. 3.14)")
        sign = "-" if value.startswith("-") else ""
        whole, _, frac = value.lstrip("+-").partition(".")
        whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")
        if whole == "0" and not frac:
            sign = ""
        # XSD 1.1 canonical form, as Oxigraph returns it: "2.50" -> "2.5", "2.0" -> "2"
        return ox.Literal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}", datatype=_xsd("decimal"))
    if kind == "date":
        match = re.match(_DATE, value)
        if not match:
            raise bad("a date YYYY-MM-DD")
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        import datetime as dt  # only for dates: it costs more to import than a warm query's work

        try:
            dt.date(2000 if year < 1 or year > 9999 else year, month, day)  # checks month and day
        except ValueError:
            raise bad("a valid calendar date YYYY-MM-DD") from None
        if year == 0 or (year > 9999 and match.group(1).startswith("0")):
            raise bad("a valid calendar date YYYY-MM-DD")
        return ox.Literal(value, datatype=_xsd("date"))
    if kind == "boolean":
        lowered = value.lower()
        if lowered in ("true", "1"):
            return ox.Literal("true", datatype=_xsd("boolean"))
        if lowered in ("false", "0"):
            return ox.Literal("false", datatype=_xsd("boolean"))
        raise bad("a boolean (true or false)")
    raise ParameterError(f"parameter {spec.name}: unknown type {kind!r}")


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """`["lab=ekd:lix", "lang=fr"]` → {"lab": "ekd:lix", "lang": "fr"}; a name given twice is an error."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        bad = invalid_utf8(pair)
        if bad:
            if sep and not invalid_utf8(name):
                raise ParameterError(f"parameter {name.strip().lstrip('?$')}: the value is not valid UTF-8 "
                                     f"({invalid_utf8(value)}); is the terminal's locale UTF-8?")
            raise ParameterError(f"-p: the parameter name is not valid UTF-8 ({bad})")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise ParameterError(f"-p {pair!r}: write -p NAME=VALUE")
        if not re.match(_NAME, name):
            raise ParameterError(f"-p {pair!r}: {name!r} is not a valid parameter name")
        if name in out:
            raise ParameterError(f"parameter {name} is given twice")
        out[name] = value
    return out


def resolve(specs: Iterable[ParamSpec], raw: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Terms for the declared parameters: user values, then defaults; unknown and missing ones are errors."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(raw) - set(by_name))
    if unknown:
        known = ", ".join(sorted(by_name)) or "none"
        raise ParameterError(f"unknown parameter {', '.join(unknown)} (this query takes: {known})")
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, spec in by_name.items():
        if name in raw:
            bound[name] = parse_value(spec, raw[name])
        elif spec.default is not None:
            bound[name] = parse_value(spec, spec.default)
        elif spec.required:
            raise ParameterError(f"missing required parameter {name} ({spec.type_text}): "
                                 f"add -p {name}=VALUE")
    return bound


def resolve_untyped(raw: Mapping[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
    """Parameters of an ad-hoc query without a header: `<…>` or a known prefixed name is an IRI, anything
    else a string (with an optional `@lang` suffix)."""
    from kg.shared.terms import looks_like_iri

    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, text in raw.items():
        kind = "iri" if text.strip().startswith("<") or looks_like_iri(text) else "string"
        out[name] = parse_value(ParamSpec(name, kind), text)
    return out


def values_block(bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """`VALUES (?a ?b) { (t1 t2) }` on one line (so error positions in the query's other lines stay put)."""
    names = sorted(bindings)
    head = " ".join(f"?{name}" for name in names)
    row = " ".join(str(bindings[name]) for name in names)
    return f"VALUES ({head}) {{ ({row}) }}"


def bind(sparql: str, bindings: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with a VALUES block right after the opening brace of its outermost WHERE group."""
    import pyoxigraph as ox

    if not bindings:
        return sparql
    for name, term in bindings.items():
        if not re.match(_NAME, name):
            raise ParameterError(f"{name!r} is not a valid parameter name")
        if not isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
            raise ParameterError(f"parameter {name}: not an RDF term: {term!r}")
    try:
        start, end, sub_select = sparqltext.where_group(sparql)
    except ValueError as exc:
        raise ParameterError(f"cannot bind parameters: {exc}") from None
    block = values_block(bindings)
    if sub_select:  # `WHERE { SELECT … }` takes no sibling pattern: wrap the sub-query in its own group
        return f"{sparql[:start]} {block} {{{sparql[start:end]}}} {sparql[end:]}"
    return f"{sparql[:start]} {block} {sparql[start:]}"
