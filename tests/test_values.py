"""One formatter for the pages, the charts and the command line's tables (issue 26, item 2): numbers, quantities,
dates, durations, booleans and column names, as people read them, in French and in English."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.output import values
from kg.output.labels import Labeller

XSD = "http://www.w3.org/2001/XMLSchema#"


def typed(text: str, datatype: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(("value", "unit", "qualifier", "lang", "expected"), [
    ("13000000", "euro", "exact", "en", "13 million euros"),
    ("13000000", "euro", "exact", "fr", "13 millions d’euros"),
    ("109000000000", "euro", "", "en", "109 billion euros"),
    ("109000000000", "euro", "", "fr", "109 milliards d’euros"),
    ("1000000", "euro", "", "fr", "1 million d’euros"),
    ("1500000", "personne", "", "fr", "1,5 million de personnes"),
    ("750", "researcher", "more than", "en", "more than 750 researchers"),
    ("750", "chercheur", "plus de", "fr", "plus de 750 chercheurs"),
    ("25", "year", "soon", "en", "soon 25 years"),
    ("25", "année", "bientôt", "fr", "bientôt 25 ans"),
    ("1", "year", "", "en", "1 year"),
    ("200", "person", "exact", "en", "200 people"),
    ("65", "personne", "", "fr", "65 personnes"),
    ("1", "métier", "", "fr", "1 métier"),
    ("4000000", "euro per year", "", "en", "4 million euros per year"),
    ("4000000", "euro par an", "", "fr", "4 millions d’euros par an"),
    ("12345", "", "", "en", "12,345"),
    ("12345", "", "", "fr", "12\u202f345"),
    ("13123456", "euro", "", "en", "13,123,456 euros"),
])
def test_quantities_in_words(value: str, unit: str, qualifier: str, lang: str, expected: str) -> None:
    assert values.quantity(value, lang, unit, qualifier) == expected


@pytest.mark.parametrize(("literal", "lang", "expected"), [
    (typed("13000000", "decimal"), "en", "13 million"),
    (typed("13000000", "decimal"), "fr", "13 millions"),
    (typed("200000000000", "decimal"), "en", "200 billion"),
    (typed("13123456", "integer"), "fr", "13\u202f123\u202f456"),
    (typed("2024-02-26", "date"), "en", "26 February 2024"),
    (typed("2024-02-26", "date"), "fr", "26 février 2024"),
    (typed("2024-02", "gYearMonth"), "en", "February 2024"),
    (typed("2023", "gYear"), "fr", "2023"),
    (typed("--02-26", "gMonthDay"), "en", "26 February, year not stated"),
    (typed("--02-26", "gMonthDay"), "fr", "26 février, année non précisée"),
    (typed("P6Y", "duration"), "en", "6 years"),
    (typed("P6Y", "duration"), "fr", "6 ans"),
    (typed("P1Y6M", "duration"), "en", "1 year 6 months"),
    (typed("false", "boolean"), "en", "no"),
    (typed("true", "boolean"), "fr", "oui"),
    (typed("not a number", "decimal"), "en", "not a number"),
    (typed("2024-13-45", "date"), "en", "2024-13-45"),
    (ox.Literal("deux  cents\ncollaborateurs", language="fr"), "en", "deux cents collaborateurs"),
])
def test_literals_in_words(literal: ox.Literal, lang: str, expected: str) -> None:
    assert values.literal_text(literal, lang) == expected


def test_a_date_keeps_its_precision_and_the_inferred_year() -> None:
    assert values.date_text("--02-26", "en", "2024-02-26") == "26 February, year not stated; 2024 inferred"
    assert values.date_text("--02-26", "fr", "2024-02-26") == "26 février, année non précisée\u202f; 2024 déduit"
    assert values.date_text("2024", "en", "2024-02-26") == "2024; 26 February 2024 inferred"


def test_column_names_in_words() -> None:
    assert values.column_name("dateAsWritten") == "date as written"
    assert values.column_name("org_label", "fr") == "org label"
    assert values.column_name("founder", "fr", {"founder": "fondateur"}) == "fondateur"


def test_the_command_line_tables_use_the_same_words() -> None:
    show = Labeller(lang="fr")
    assert show(typed("13000000", "decimal")) == "13 millions"
    assert show(typed("--02-26", "gMonthDay")) == "26 février, année non précisée"
    assert show(ox.Literal("  as  written ")) == "  as  written "  # plain text is printed as it is
    assert Labeller()(typed("P6Y", "duration")) == "6 years"
