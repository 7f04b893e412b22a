"""The decisions a curator made on a document's rows, kept in the graph folder so that they are never asked again.

One file per document text, `decisions/<first 16 hex digits of the text's sha256>.tsv`: keyed by the text, not by
the document id, so that a text is recognised whatever its file name and whether or not any row of it was accepted
(a review where every row was rejected is remembered too). Each line is one decided row: its key (a digest of the
row *as the extractor proposed it*, so a corrected cell still matches), the decision, who and when, and the row's
cells as accepted (corrections included). `kg accept` rebuilds the document's data file from every accepted row of
this file, so the data file is written whole, never appended to; `kg ingest` leaves out every row whose key is
here (accepted or rejected): a text that changed has another digest, and its rows all come back.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path

from kg.ingest.review import COLUMNS, REJECT_WORDS, Candidate
from kg.shared.errors import InputError

FOLDER = "decisions"
EXTRA = ("key", "decision", "by", "at")
CELLS = tuple(c for c in COLUMNS if c not in ("decision", "key"))
# The cells that say what a row proposes (not its id, status or note, which depend on the graph and the run).
KEY_CELLS = ("kind", "sentence", "subject", "predicate", "object", "value", "unit", "qualifier", "datatype",
             "as_written", "label", "type", "quote")
ROW_REFERENCE = re.compile(r"^(?:\d+\.)?c\d+$")  # a date row's subject may be another row (its figure)


def text_key(sha256: str) -> str:
    return sha256[:16]


def row_keys(rows: list[Candidate]) -> dict[str, str]:
    """Row id → key. A reference to another row (a date's figure) is replaced by that row's key."""
    by_id = {r.id: r for r in rows}
    keys: dict[str, str] = {}

    def key(row: Candidate, depth: int = 0) -> str:
        if row.id in keys:
            return keys[row.id]
        cells = []
        for c in KEY_CELLS:
            value = " ".join(str(getattr(row, c)).split())
            if c == "subject" and ROW_REFERENCE.match(value) and value in by_id and depth < 3:
                value = "row:" + key(by_id[value], depth + 1)
            cells.append(value)
        digest = hashlib.sha256("\x1f".join(cells).encode("utf-8")).hexdigest()[:16]
        keys[row.id] = digest
        return digest

    for row in rows:
        key(row)
    return keys


class Decided:
    """One remembered decision: the row's key, accept or reject, by whom and when (ISO 8601), the row."""

    __slots__ = ("at", "by", "decision", "key", "row")

    def __init__(self, key: str, decision: str, by: str, at: str, row: Candidate) -> None:
        self.key, self.decision, self.by, self.at, self.row = key, decision, by, at, row

    @property
    def accepted(self) -> bool:
        return self.decision == "accept"


def decisions_path(root: Path, sha256: str) -> Path:
    return root / FOLDER / f"{text_key(sha256)}.tsv"


def _clean(value: object) -> str:
    return " ".join(str(value).replace("\t", " ").split())


def write_decisions(header: dict[str, str], decided: list[Decided]) -> str:
    out = io.StringIO()
    for key in ("document", "id", "sha256"):
        if header.get(key):
            out.write(f"# {key}: {_clean(header[key])}\n")
    out.write("\t".join((*EXTRA, *CELLS)) + "\n")
    for d in decided:
        out.write("\t".join(_clean(v) for v in (d.key, d.decision, d.by, d.at, *(getattr(d.row, c) for c in CELLS)))
                  + "\n")
    return out.getvalue()


def read_decisions(path: Path) -> tuple[dict[str, str], list[Decided]]:
    """Header and decisions of a decisions file ({} and [] when there is none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the remembered decisions ({exc})") from None
    header: dict[str, str] = {}
    decided: list[Decided] = []
    columns: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            header[key.strip()] = value.strip()
            continue
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if columns is None:
            columns = cells
            if [c for c in (*EXTRA, *CELLS) if c not in columns]:
                raise InputError(f"{path}:{number}: not a decisions file written by kg accept")
            continue
        if len(cells) != len(columns):
            raise InputError(f"{path}:{number}: damaged line ({len(cells)} cells, the header has {len(columns)})")
        values = dict(zip(columns, cells, strict=True))
        row = Candidate(**{c: values[c] for c in CELLS}, decision=values["decision"], line=number)
        decided.append(Decided(values["key"], values["decision"], values["by"], values["at"], row))
    return header, decided


def decision_word(row: Candidate) -> str | None:
    """accept, reject or None (undecided) for a review row."""
    word = row.decision.strip().lower()
    if not word:
        return None
    return "reject" if word in REJECT_WORDS else "accept"


def leave_out_decided(candidates: list[Candidate], decided: list[Decided]) -> tuple[list[Candidate], int, int]:
    """The candidates no decision covers, and how many accepted and rejected rows were left out. A row that
    refers to a left-out row (a date of a figure already decided) goes with it."""
    verdict = {d.key: d.decision for d in decided}
    keys = row_keys(candidates)
    keys.update({c.id: c.key for c in candidates if c.key})
    kept: list[Candidate] = []
    gone: set[str] = set()
    accepted = rejected = 0
    for cand in candidates:
        decision = verdict.get(keys[cand.id])
        if decision is None and ROW_REFERENCE.match(cand.subject) and cand.subject in gone:
            decision = "reject"
        if decision is None:
            kept.append(cand)
            continue
        gone.add(cand.id)
        if decision == "accept":
            accepted += 1
        else:
            rejected += 1
    return kept, accepted, rejected


def graph_state(data_dir: Path) -> str:
    """A digest of the data files (names and contents): the graph state a review was made against."""
    outer = hashlib.sha256()
    for path in sorted(data_dir.glob("**/*.ttl")):
        outer.update(f"{path.relative_to(data_dir)}\x00".encode())
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return outer.hexdigest()[:16]
