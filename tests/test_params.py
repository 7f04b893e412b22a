"""Typed parameters: parsing user values into RDF terms and binding them with a VALUES block."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pyoxigraph as ox
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg.query.params import (
    ParamSpec,
    bind,
    parse_assignments,
    parse_type,
    parse_value,
    resolve,
    resolve_untyped,
    values_block,
)
from kg.shared.errors import ParameterError
from kg.shared.namespaces import EKD, PREFIXES, XSD

# A query whose shape the binding must not disturb: a comment and a string holding braces, a constant
# column (?k) and exactly one solution when ?x is bound.
PROBE = 'SELECT ?x ?k WHERE { # a { brace in a comment\n  BIND("}{" AS ?k)\n}'


def run(sparql: str) -> list[tuple[object, ...]]:
    solutions = ox.Store().query(sparql, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]
    return [tuple(s[n] for n in names) for s in solutions]


def assert_bound_once(term: ox.NamedNode | ox.Literal) -> None:
    bound = bind(PROBE, {"x": term})
    rows = run(bound)
    assert rows == [(term, ox.Literal("}{"))]
    # the query text is the original with one insertion after the WHERE brace: nothing changed or dropped
    where = PROBE.index("{") + 1
    assert bound == PROBE[:where] + " " + values_block({"x": term}) + " " + PROBE[where:]


# -- parsing values ------------------------------------------------------------
def test_iri_forms() -> None:
    spec = ParamSpec("lab", "iri")
    assert parse_value(spec, "ekd:lix") == ox.NamedNode(EKD + "lix")
    assert parse_value(spec, "<https://example.org/a>") == ox.NamedNode("https://example.org/a")
    assert parse_value(spec, "https://example.org/b") == ox.NamedNode("https://example.org/b")


@pytest.mark.parametrize("value, fragment", [
    ("nope:lix", "unknown prefix 'nope'"),
    ("<https://exa mple.org/>", "not a valid IRI"),
    ("lix", "not an IRI or prefixed name"),
    ("<relative>", "not a valid IRI"),
])
def test_bad_iris_name_the_parameter(value: str, fragment: str) -> None:
    with pytest.raises(ParameterError) as err:
        parse_value(ParamSpec("lab", "iri"), value)
    assert err.value.message.startswith("parameter lab: ")
    assert fragment in err.value.message
    assert err.value.exit_code == 2


def test_strings_and_languages() -> None:
    assert parse_value(ParamSpec("s", "string"), "Paris") == ox.Literal("Paris")
    assert parse_value(ParamSpec("s", "string"), "Paris@fr") == ox.Literal("Paris", language="fr")
    assert parse_value(ParamSpec("s", "string"), "a@example.org") == ox.Literal("a@example.org")
    assert parse_value(ParamSpec("s", "string", lang="fr"), "Paris") == ox.Literal("Paris", language="fr")
    assert parse_value(ParamSpec("s", "string", lang="fr"), "Paris@en") == ox.Literal("Paris", language="en")
    assert parse_value(ParamSpec("s", "langstring"), "Lyon@en-GB") == ox.Literal("Lyon", language="en-GB")
    with pytest.raises(ParameterError, match="parameter s: a language-tagged string is expected"):
        parse_value(ParamSpec("s", "langstring"), "Lyon")


@pytest.mark.parametrize("kind, text, lexical", [
    ("integer", "42", "42"), ("integer", "+007", "7"), ("integer", "-0", "0"),
    ("decimal", "3.14", "3.14"), ("decimal", "-003.50", "-3.5"), ("decimal", "2.0", "2"),
    ("decimal", ".5", "0.5"),
    ("date", "2024-02-29", "2024-02-29"), ("date", "2024-02-29Z", "2024-02-29Z"),
    ("boolean", "true", "true"), ("boolean", "0", "false"), ("boolean", "TRUE", "true"),
])
def test_typed_values_are_canonical(kind: str, text: str, lexical: str) -> None:
    term = parse_value(ParamSpec("v", kind), text)
    assert term == ox.Literal(lexical, datatype=ox.NamedNode(XSD + kind))


@pytest.mark.parametrize("kind, text", [
    ("integer", "4.2"), ("integer", "12abc"), ("integer", ""), ("decimal", "1e3"), ("decimal", "1,5"),
    ("date", "2023-02-29"), ("date", "2024-13-01"), ("date", "24-01-01"), ("date", "yesterday"),
    ("boolean", "yes"),
])
def test_ill_typed_values_are_errors(kind: str, text: str) -> None:
    with pytest.raises(ParameterError, match=rf"^parameter v: {re.escape(repr(text))} is not "):
        parse_value(ParamSpec("v", kind), text)


def test_parse_type() -> None:
    assert parse_type("iri") == ("iri", None)
    assert parse_type("string@fr") == ("string", "fr")
    with pytest.raises(ValueError, match="unknown parameter type"):
        parse_type("url")
    with pytest.raises(ValueError, match="take a language"):
        parse_type("integer@fr")


# -- assignments and resolution ------------------------------------------------------------
def test_parse_assignments() -> None:
    assert parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ParameterError, match="write -p NAME=VALUE"):
        parse_assignments(["novalue"])
    with pytest.raises(ParameterError, match="given twice"):
        parse_assignments(["a=1", "a=2"])
    with pytest.raises(ParameterError, match="not a valid parameter name"):
        parse_assignments(["a b=1"])


SPECS = (ParamSpec("lab", "iri", required=True), ParamSpec("lang", "string", default="fr"),
         ParamSpec("limit", "integer"))


def test_resolve_defaults_and_optional() -> None:
    bound = resolve(SPECS, {"lab": "ekd:lix"})
    assert bound == {"lab": ox.NamedNode(EKD + "lix"), "lang": ox.Literal("fr")}  # limit stays unbound


def test_resolve_unknown_lists_known() -> None:
    with pytest.raises(ParameterError) as err:
        resolve(SPECS, {"lab": "ekd:lix", "labb": "x"})
    assert err.value.message == "unknown parameter labb (this query takes: lab, lang, limit)"


def test_resolve_missing_required() -> None:
    with pytest.raises(ParameterError, match="missing required parameter lab"):
        resolve(SPECS, {})


def test_untyped_parameters() -> None:
    bound = resolve_untyped({"a": "ekd:lix", "b": "<https://x.org/>", "c": "plain text", "d": "Lyon@fr"})
    assert bound == {"a": ox.NamedNode(EKD + "lix"), "b": ox.NamedNode("https://x.org/"),
                     "c": ox.Literal("plain text"), "d": ox.Literal("Lyon", language="fr")}


# -- binding ------------------------------------------------------------
def test_bind_without_values_is_identity() -> None:
    assert bind(PROBE, {}) == PROBE


@pytest.mark.parametrize("query", [
    "SELECT ?x WHERE { }",
    "SELECT ?x { }",
    "select ?x where { }",
    "PREFIX ex: <http://ex.org/where>\nSELECT ?x FROM <http://g/WHERE> FROM ex:WHERE WHERE { }",
    "SELECT (EXISTS { ?a ?b ?c } AS ?e) ?x WHERE { }",
    "SELECT ?x WHERE { SELECT ?x WHERE { } }",
    "SELECT ?x ?where WHERE { OPTIONAL { ?where ?p ?o } }",
    'SELECT ?x WHERE { FILTER("WHERE {" != "}") } ORDER BY ?x',
    "ASK { FILTER(?x = 1) }",
    "ASK WHERE { FILTER(?x = 1) }",
])
def test_bind_finds_the_outermost_where(query: str) -> None:
    bound = bind(query, {"x": ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))})
    result = ox.Store().query(bound)
    if isinstance(result, ox.QueryBoolean):
        assert bool(result) is True
    else:
        rows = [s["x"] for s in result]
        assert rows == [ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))]


def test_bind_construct_skips_the_template() -> None:
    query = "CONSTRUCT { ?x <http://p> 1 } WHERE { }"
    bound = bind(query, {"x": ox.NamedNode("http://a")})
    triples = list(ox.Store().query(bound))
    assert [str(t) for t in triples] == ['<http://a> <http://p> "1"^^<http://www.w3.org/2001/XMLSchema#integer>']


def test_bind_without_where_is_an_error() -> None:
    with pytest.raises(ParameterError, match="cannot bind parameters: no WHERE clause"):
        bind("DESCRIBE <http://a>", {"x": ox.Literal("1")})


INJECTIONS = ['"', '"""', "'", ">", "<", "}", "{", "\n", "\r\n", "#", "\\", "\\n", "é 日本 🚀",
              '} ; DROP ALL ; SELECT', '") } DROP ALL { ("', "\\u0022", "@fr"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_hostile_strings_stay_values(text: str) -> None:
    assert_bound_once(ox.Literal(text))
    assert_bound_once(parse_value(ParamSpec("x", "string"), text + "x"))


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_string_round_trips(text: str) -> None:
    assert_bound_once(ox.Literal(text))


@settings(max_examples=100, deadline=None)
@given(st.text())
def test_any_string_parameter_round_trips(text: str) -> None:
    assume(not re.search(r"@[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", text))
    term = parse_value(ParamSpec("x", "string"), text)
    assert term == ox.Literal(text)
    assert_bound_once(term)


@settings(max_examples=100, deadline=None)
@given(st.text(min_size=1), st.sampled_from(["fr", "en", "en-GB", "de-CH-1996"]))
def test_any_language_string_round_trips(text: str, lang: str) -> None:
    term = parse_value(ParamSpec("x", "langstring"), f"{text}@{lang}")
    assert term == ox.Literal(text, language=lang)
    assert_bound_once(term)


@settings(max_examples=100, deadline=None)
@given(st.integers())
def test_any_integer_round_trips(n: int) -> None:
    term = parse_value(ParamSpec("x", "integer"), str(n))
    assert isinstance(term, ox.Literal) and int(term.value) == n
    assert_bound_once(term)


@settings(max_examples=100, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_any_decimal_round_trips(d: Decimal) -> None:
    term = parse_value(ParamSpec("x", "decimal"), format(d, "f"))
    assert isinstance(term, ox.Literal) and Decimal(term.value) == d
    assert_bound_once(term)


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_any_date_round_trips(day: dt.date) -> None:
    term = parse_value(ParamSpec("x", "date"), day.isoformat())
    assert term == ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    assert_bound_once(term)


IRI_CHARS = st.characters(blacklist_characters='<>"{}|^`\\ %',
                          blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=IRI_CHARS))
def test_any_iri_round_trips(path: str) -> None:
    text = "https://example.org/" + path
    try:
        expected = ox.NamedNode(text)
    except ValueError:
        assume(False)
        return
    assert parse_value(ParamSpec("x", "iri"), f"<{text}>") == expected
    assert_bound_once(expected)
