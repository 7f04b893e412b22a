"""kg.serve.form decodes forms and query strings exactly as urllib.parse.parse_qsl (the reference), on random
strings over the characters that matter (escapes valid and not, '+', '=', '&', line breaks, non-ASCII)."""

from __future__ import annotations

import random
from urllib.parse import parse_qsl, quote_plus, urlencode

from kg.serve.form import parse_form, unquote_plus

ALPHABET = "ab =+%&\n\r\t_?éz09AFaf<>:/#\x00€"

def test_agrees_with_urllib_on_random_input() -> None:
    rng = random.Random(15)
    for _ in range(20_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 16)))
        assert parse_form(text.encode()) == parse_qsl(text, keep_blank_values=True), text

def test_round_trips_what_encoders_write() -> None:
    rng = random.Random(16)
    for _ in range(5_000):
        raw = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert unquote_plus(quote_plus(raw).encode()) == raw
    query = "PREFIX ekg: <https://w3id.org/ecosystem-kg/ontology#>\nSELECT ?s WHERE { ?s a ekg:Person } # 100%"
    assert parse_form(urlencode({"query": query, "default-graph-uri": "", "x": "a=b&c"}).encode()) == [
        ("query", query), ("default-graph-uri", ""), ("x", "a=b&c")]

def test_invalid_utf8_is_replaced_as_urllib_does() -> None:
    assert parse_form(b"query=%FF%FEx&y") == parse_qsl("query=%FF%FEx&y", keep_blank_values=True)
