"""Values for people, in French and in English, built on Babel: the one formatter behind the web pages, the charts
and the command line's tables, so that a number reads the same everywhere.

- numbers: the locale's grouping (13,000,000 / 13 000 000), with scale words for round millions and billions
  ("13 million" / « 13 millions »);
- quantities: number, unit pluralised by the locale's rule and qualifier kept ("more than 750 researchers",
  « 13 millions d’euros », « bientôt 25 ans »);
- dates in words with their precision ("26 February 2024", "February 2024", "26 February, year not stated;
  2024 inferred");
- durations ("6 years" / « 6 ans »), booleans ("yes" / « oui ») and column names in words ("date as written").

Functions take plain data (pyoxigraph literals, strings, numbers) and return text; nothing is looked up here.
Machine formats (CSV, JSON, N-Triples…) never go through this module: they keep the lexical forms.
"""

from __future__ import annotations

import re
from datetime import date as _date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import pyoxigraph as ox
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.units import format_unit

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                   "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt",
                                   "unsignedLong", "unsignedShort", "unsignedByte")}
NUMBER_TYPES = INTEGER_TYPES | {XSD + "decimal", XSD + "double", XSD + "float"}
LOCALES = {"en": "en_GB", "fr": "fr_FR"}  # day before month in both: "26 February 2024"
SCALES = ((10**9, {"en": ("billion", "billion"), "fr": ("milliard", "milliards")}),
          (10**6, {"en": ("million", "million"), "fr": ("million", "millions")}))
WORDS = {
    "en": {"true": "yes", "false": "no", "year_not_stated": "year not stated", "inferred": "inferred",
           "not_stated": "not stated in the texts", "date_not_stated": "date not stated in the texts"},
    "fr": {"true": "oui", "false": "non", "year_not_stated": "année non précisée", "inferred": "déduit",
           "not_stated": "non précisé dans les textes", "date_not_stated": "date non précisée dans les textes"},
}
# Units whose plural is not the regular one, and units that are durations (Babel words them: "25 ans", "1 an").
IRREGULAR = {"en": {"person": "people"}, "fr": {}}
DURATION_UNITS = {"year": "duration-year", "année": "duration-year", "an": "duration-year",
                  "month": "duration-month", "mois": "duration-month", "day": "duration-day", "jour": "duration-day"}
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_MONTH_DAY = re.compile(r"^--(\d{2})-(\d{2})$")
_YEAR_MONTH = re.compile(r"^(-?\d{4})-(\d{2})$")
_DATE = re.compile(r"^(-?\d{4})-(\d{2})-(\d{2})")


def _lang(lang: str) -> str:
    return "fr" if lang.lower().startswith("fr") else "en"


@lru_cache(maxsize=4)
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[_lang(lang)])


# -- numbers ------------------------------------------------------------------------------------------------
def to_decimal(value: object) -> Decimal | None:
    """A number from a literal, a string or a number; None when it is not one."""
    text = value.value if isinstance(value, ox.Literal) else str(value)
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _scaled(number: Decimal, lang: str) -> tuple[str, str] | None:
    """(digits, scale word) for a round million or billion (at most two decimals: 13.5 million); else None."""
    for size, words in SCALES:
        if abs(number) >= size:
            amount = number / size
            if amount == amount.quantize(Decimal("0.01")):
                shown = format_decimal(amount, locale=_locale(lang), decimal_quantization=False)
                one, many = words[_lang(lang)]
                return shown, (one if _locale(lang).plural_form(float(amount)) == "one" else many)
            return None
    return None


def number(value: object, lang: str = "en", *, scale_words: bool = True) -> str:
    """A number with the locale's grouping, and scale words for round millions and billions."""
    num = to_decimal(value)
    if num is None:
        return str(value.value if isinstance(value, ox.Literal) else value)
    if scale_words:
        scaled = _scaled(num, lang)
        if scaled is not None:
            return f"{scaled[0]} {scaled[1]}"
    if num == num.to_integral_value():
        num = num.quantize(Decimal(1))
    return format_decimal(num, locale=_locale(lang), decimal_quantization=False)


def _plural_noun(noun: str, lang: str) -> str:
    lang = _lang(lang)
    if noun in IRREGULAR[lang]:
        return IRREGULAR[lang][noun]
    for joint in (" per ", " par ", " de ", " of "):  # "euro per year" → "euros per year"
        if joint in noun:
            head, tail = noun.split(joint, 1)
            return _plural_noun(head, lang) + joint + tail
    if lang == "fr":
        if noun.endswith(("s", "x", "z")):
            return noun
        if noun.endswith(("au", "eu")):
            return noun + "x"
        return noun + "s"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun if noun.endswith("s") else noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def quantity(value: object, lang: str = "en", unit: str = "", qualifier: str = "") -> str:
    """A number with its unit (a singular label in the page's language, pluralised here) and its qualifier's label
    ("more than", « près de »; "exact" is not said): "more than 750 researchers", « 13 millions d’euros »."""
    lang = _lang(lang)
    num = to_decimal(value)
    unit = unit.strip()
    if num is None:
        text = number(value, lang) + (f" {unit}" if unit else "")
    elif unit.casefold() in DURATION_UNITS and num == num.to_integral_value():
        text = format_unit(int(num), DURATION_UNITS[unit.casefold()], length="long", locale=_locale(lang))
    else:
        scaled = _scaled(num, lang)
        if scaled is not None:
            digits, word = scaled
            if not unit:
                text = f"{digits} {word}"
            elif lang == "fr":
                noun = _plural_noun(unit, lang)
                joint = "d’" if noun[:1].lower() in "aeiouyéèêàâîôûh" else "de "
                text = f"{digits} {word} {joint}{noun}"
            else:
                text = f"{digits} {word} {_plural_noun(unit, lang)}"
        else:
            digits = number(num, lang, scale_words=False)
            plural = _locale(lang).plural_form(float(num)) != "one"
            noun = _plural_noun(unit, lang) if unit and plural else unit
            text = f"{digits} {noun}".strip()
    qualifier = qualifier.strip()
    if qualifier and qualifier.casefold() not in ("exact", "exactement"):
        text = f"{qualifier} {text}"
    return text


# -- dates, durations, booleans ------------------------------------------------------------------------------
def date_text(value: object, lang: str = "en", inferred: object = None) -> str:
    """A date in words with its precision: "26 February 2024", "February 2024", "2023", "26 February, year not
    stated"; with `inferred` (a fuller date the graph deduced), "…; 2024 inferred"."""
    lang = _lang(lang)
    text = (value.value if isinstance(value, ox.Literal) else str(value)).strip()
    words = WORDS[lang]
    out = text
    try:
        if match := _MONTH_DAY.match(text):
            day = _date(2000, int(match.group(1)), int(match.group(2)))
            out = f"{format_date(day, 'd MMMM', locale=_locale(lang))}, {words['year_not_stated']}"
        elif match := _YEAR_MONTH.match(text):
            out = format_date(_date(int(match.group(1)), int(match.group(2)), 1), "MMMM y", locale=_locale(lang))
        elif match := _DATE.match(text):
            out = format_date(_date(int(match.group(1)), int(match.group(2)), int(match.group(3))), "d MMMM y",
                              locale=_locale(lang))
    except ValueError:
        out = text
    if inferred is not None:
        full = (inferred.value if isinstance(inferred, ox.Literal) else str(inferred)).strip()
        joint = "\u202f; " if lang == "fr" else "; "
        if _MONTH_DAY.match(text) and full[:4].isdigit():
            out += f"{joint}{full[:4]} {words['inferred']}"
        elif full != text:
            out += f"{joint}{date_text(full, lang)} {words['inferred']}"
    return out


def inferred_note(value: object, lang: str = "en") -> str:
    """"; 26 February 2024 inferred": a date the graph deduced, after the words of the text it completes."""
    joint = "\u202f; " if _lang(lang) == "fr" else "; "
    return f"{joint}{date_text(value, lang)} {WORDS[_lang(lang)]['inferred']}"


def duration_text(value: object, lang: str = "en") -> str:
    """An xsd:duration in words: P6Y → "6 years" / « 6 ans »; P1Y6M → "1 year 6 months"."""
    text = (value.value if isinstance(value, ox.Literal) else str(value)).strip()
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        return text
    parts = []
    for amount, unit in zip(match.groups(), ("duration-year", "duration-month", "duration-week", "duration-day"),
                            strict=True):
        if amount:
            parts.append(format_unit(int(amount), unit, length="long", locale=_locale(lang)))
    return " ".join(parts)


def boolean_text(value: object, lang: str = "en") -> str:
    text = (value.value if isinstance(value, ox.Literal) else str(value)).strip().lower()
    words = WORDS[_lang(lang)]
    return words["true"] if text in ("true", "1") else words["false"] if text in ("false", "0") else text


def not_stated(lang: str = "en") -> str:
    """What a page says where the graph records ekg:notStated: the texts leave the value open."""
    return WORDS[_lang(lang)]["not_stated"]


def inferred_word(lang: str = "en") -> str:
    return WORDS[_lang(lang)]["inferred"]


def date_not_stated(lang: str = "en") -> str:
    return WORDS[_lang(lang)]["date_not_stated"]


def literal_text(term: ox.Literal, lang: str = "en") -> str:
    """Any literal as a person reads it: numbers, dates, durations and booleans in words, other text with its
    spaces normalised. Values that do not parse as their datatype are shown as written."""
    datatype = term.datatype.value if not term.language else ""
    if datatype in NUMBER_TYPES:
        return number(term, lang)
    if datatype in (XSD + "date", XSD + "dateTime", XSD + "gYearMonth", XSD + "gMonthDay"):
        return date_text(term, lang)
    if datatype == XSD + "duration":
        return duration_text(term, lang)
    if datatype == XSD + "boolean":
        return boolean_text(term, lang)
    return " ".join(term.value.split())


# -- column names ----------------------------------------------------------------------------------------------
def column_name(variable: str, lang: str = "en", labels: dict[str, str] | None = None) -> str:
    """A result column's name in words: the label of the ontology property of that name when given
    (`labels`: local name → label in the page's language), else the name split ("dateAsWritten" → "date as
    written", "org_label" → "org label")."""
    if labels and variable in labels:
        return labels[variable]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable).replace("_", " ").replace("-", " ")
    return " ".join(words.split()).lower() or variable
