"""Stage "dateline": « Paris, le 3 mars 2025 — » opening a press text dates the document, not an entity.

A dateline is a place (capitalised words), a comma, a date, then a dash or the end of the line, in the first lines
of the text; without its year ("Issy-les-Moulineaux, le 26 février –") it needs the dash, and no year is guessed.
Its date becomes the document's `dcterms:date`; the extractor does not read it as a fact of the first entity it
meets.
"""

from __future__ import annotations

import re

from kg.ingest import french as fr

_MONTH = "|".join(fr.MONTHS)
DATELINE = re.compile(
    rf"^\s*(?P<place>[A-ZÉÈÀÂÎÔ][\w’'-]*(?:[ -][A-ZÉÈÀÂÎÔa-zé][\w’'-]*){{0,3}})\s*(?:\([^)]{{1,30}}\)\s*)?,\s*"
    rf"(?i:(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(?:le\s+)?)"
    rf"(?P<day>1er|\d{{1,2}})\s+(?P<month>(?i:{_MONTH}))(?:\s+(?P<year>\d{{4}})\s*(?:[–—-]|\.|:|$)|\s*[–—])",
)


def find_dateline(sentence: str) -> dict | None:
    """The dateline opening this sentence: value (xsd:date), as_written, start, end, place; or None."""
    m = DATELINE.match(sentence)
    if not m:
        return None
    day = 1 if m.group("day").lower() == "1er" else int(m.group("day"))
    month = fr.MONTHS[m.group("month").lower()]
    if not 1 <= day <= 31:
        return None
    start = m.start("day")
    before = sentence[: m.start("day")].rstrip()
    if before.lower().endswith("le"):
        start = before.lower().rfind("le")
    year = m.group("year")
    end = m.end("year") if year else m.end("month")
    value, datatype = (f"{year}-{month:02d}-{day:02d}", "xsd:date") if year else (f"--{month:02d}-{day:02d}",
                                                                                   "xsd:gMonthDay")
    return {"value": value, "datatype": datatype, "as_written": sentence[start:end], "start": start, "end": end,
            "place": m.group("place")}
