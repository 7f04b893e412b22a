"""The review file: one candidate per row, tab-separated, edited by a person in a text editor or a spreadsheet.

TSV rather than CSV, YAML or Turtle: every spreadsheet opens it without an import dialog, a text editor shows it
one candidate per line, quotes full of commas, apostrophes and « » need no escaping (a tab never occurs in a
normalised quote), and `git diff` shows one changed line per decision. A person fills the `decision` column
(`accept`/`yes`/`oui`/`x`, or `reject`/`no`/`non`, empty = undecided) and may correct the other columns.

A header block of `#` lines names the document; `kg accept` reads it back and refuses a row that is damaged
(wrong number of columns, an unknown kind, a sentence number that is not one) naming its line.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kg.shared.errors import InputError
from kg.shared.records import Record

COLUMNS = ("decision", "id", "kind", "status", "sentence", "subject", "predicate", "object", "value", "unit",
           "qualifier", "datatype", "as_written", "label", "type", "note", "quote", "key")
# `key` (last, so that the columns a person edits keep their places) is a digest of the row as the extractor
# proposed it: a decision is remembered under it (kg.ingest.decisions), so a corrected cell still matches.
OPTIONAL_COLUMNS = ("key",)
KINDS = ("mention", "entity", "figure", "date", "relation", "role", "participation", "funding", "agreement",
         "quotation")
ACCEPT_WORDS = frozenset({"accept", "accepted", "yes", "y", "oui", "o", "x", "ok", "1", "true"})
REJECT_WORDS = frozenset({"reject", "rejected", "no", "n", "non", "0", "false", "-"})
HEADER_KEYS = ("document", "id", "title", "file", "path", "sha256", "graph", "extractor", "encoding")


class Candidate(Record):
    """One proposed fact. Columns as in COLUMNS; `extra` holds the row's line number when read back."""

    _fields = (*COLUMNS, "line")
    _defaults = {c: "" for c in COLUMNS} | {"line": 0}
    __slots__ = _fields

    def accepted(self) -> bool:
        return self.decision.strip().lower() in ACCEPT_WORDS

    def row(self) -> list[str]:
        return [str(getattr(self, c)) for c in COLUMNS]


def _clean(value: str) -> str:
    return " ".join(str(value).replace("\t", " ").split())


def write_review(header: dict[str, str], candidates: list[Candidate]) -> str:
    """The review file's text: `# key: value` lines, the column header, one row per candidate."""
    out = io.StringIO()
    for key in HEADER_KEYS:
        if header.get(key):
            out.write(f"# {key}: {_clean(header[key])}\n")
    out.write("# decision: accept (yes, oui, x) or reject (no, non); empty rows are left undecided\n")
    out.write("\t".join(COLUMNS) + "\n")
    for cand in candidates:
        out.write("\t".join(_clean(v) for v in cand.row()) + "\n")
    return out.getvalue()


def read_review(path: str | Path) -> tuple[dict[str, str], list[Candidate]]:
    """Header and rows of a review file; InputError naming the line of the first damaged row."""
    from kg.ingest.reading import read_bytes
    from kg.shared.utf8 import check_path, shown

    check_path(str(path), "REVIEW")
    path = Path(path)
    raw = read_bytes(path, shown(str(path)), "review file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); save the review file as UTF-8") from None
    header: dict[str, str] = {}
    candidates: list[Candidate] = []
    columns: list[str] | None = None
    seen_ids: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            if key.strip() in HEADER_KEYS:
                header[key.strip()] = value.strip()
            continue
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if columns is None:
            columns = [c.strip() for c in cells]
            missing = [c for c in COLUMNS if c not in columns and c not in OPTIONAL_COLUMNS]
            if missing:
                raise InputError(f"{path}:{number}: the column header lacks {', '.join(missing)}")
            continue
        if len(cells) != len(columns):
            raise InputError(f"{path}:{number}: row has {len(cells)} columns, the header has {len(columns)} "
                             "(a tab deleted or added?)")
        values = dict(zip(columns, (c.strip() for c in cells), strict=True))
        cand = Candidate(**{c: values.get(c, "") for c in COLUMNS}, line=number)
        if cand.kind not in KINDS:
            raise InputError(f"{path}:{number}: row {cand.id or '?'}: unknown kind {cand.kind!r} "
                             f"(one of {', '.join(KINDS)})")
        if not cand.id or cand.id in seen_ids:
            raise InputError(f"{path}:{number}: row id {cand.id!r} is {'empty' if not cand.id else 'repeated'}")
        seen_ids.add(cand.id)
        if not cand.sentence.isdigit() or int(cand.sentence) < 1:
            raise InputError(f"{path}:{number}: row {cand.id}: sentence {cand.sentence!r} is not a sentence number")
        word = cand.decision.strip().lower()
        if word and word not in ACCEPT_WORDS and word not in REJECT_WORDS:
            raise InputError(f"{path}:{number}: row {cand.id}: decision {cand.decision!r} is neither accept nor "
                             "reject")
        candidates.append(cand)
    if columns is None:
        raise InputError(f"{path}: no column header: not a review file written by kg ingest")
    if not header.get("sha256") and not header.get("file"):
        raise InputError(f"{path}: the header line '# sha256: …' is missing")
    return header, candidates
