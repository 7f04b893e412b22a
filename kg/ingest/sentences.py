"""Numbered sentences, split the way the graph's provenance counts them (ekg:sentenceIndex).

Every fact node cites a quote and the 1-based number of the sentence that holds it. The numbering is only
meaningful if everyone splits the same way, so the rule lives here, once: the data tests, `kg ingest` and
`kg accept` all use it.

The rule:

1. The document is read line by line; every line that is not blank after normalisation is a *block*.
   A heading, a list item ("- …"), a signature ("S. DENIS") or a footnote ("[1] …") is therefore a
   sentence by itself: the line break ends it.
2. Inside a block, a sentence ends after ``.``, ``!``, ``?`` or ``…`` - optionally followed by a closing
   quote mark (``»``, ``“``, ``”``, ``"``) - when whitespace follows and the next character is an
   uppercase letter, an opening quote mark or a digit.
3. No split after an abbreviation: a single capital letter (the initial in "S. DENIS") or a word from
   ABBREVIATIONS ("Univ. Toulouse Paul Sabatier"). "R&D" holds no full stop and needs no rule.
4. Whitespace is normalised: every run of whitespace, non-breaking spaces included, becomes one space,
   and blocks are stripped.

``normalise(text)`` applies step 4 to a whole text (line breaks included), which is how quotes are
compared with the documents.
"""

from __future__ import annotations

import re

# Words that end with a full stop without ending a sentence (compared without the stop).
ABBREVIATIONS = frozenset({"Univ", "M", "Mme", "Mmes", "MM", "Dr", "Pr", "St", "Ste", "cf", "p", "n°", "vol"})

_WS = re.compile(r"\s+")
_END = re.compile(r"[.!?…]+[»“”\"]?(?=\s+[A-ZÀ-ÖØ-Þ0-9«“\"])")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)$")  # the letters just before the full stop ("INP/Univ" -> "Univ")


def normalise(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces and line breaks included) into one space."""
    return _WS.sub(" ", text).strip()


def _is_abbreviation(block: str, end: int) -> bool:
    """True when the full stop at block[end] closes an abbreviation rather than a sentence."""
    if block[end] != ".":
        return False
    match = _WORD_BEFORE.search(block[:end])
    if not match:
        return False
    word = match.group(1)
    return (len(word) == 1 and word.isupper()) or word in ABBREVIATIONS


def _split_block(block: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _END.finditer(block):
        if _is_abbreviation(block, match.start()):
            continue
        end = match.end()
        piece = block[start:end].strip()
        if piece:
            parts.append(piece)
        start = end
    tail = block[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def sentences(text: str) -> list[str]:
    """The document's sentences, normalised, in order (sentence n is ``sentences(text)[n - 1]``)."""
    out: list[str] = []
    for line in text.splitlines():
        block = normalise(line)
        if block:
            out.extend(_split_block(block))
    return out


def sentence_index(quote: str, text: str) -> int | None:
    """The 1-based number of the sentence in which ``quote`` starts, or None if the text lacks it.

    A quote may run over several sentences (a long quotation); it is numbered by its first one.
    The first occurrence in the document wins.
    """
    quote = normalise(quote)
    sents = sentences(text)
    joined = " ".join(sents)
    position = joined.find(quote)
    if position < 0:
        return None
    offset = 0
    for number, sentence in enumerate(sents, start=1):
        if position < offset + len(sentence) + 1:
            return number
        offset += len(sentence) + 1
    return None
