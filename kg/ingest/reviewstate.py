"""A review file as a page shows it, and the edits a page makes to it — the same file a spreadsheet edits.

`review_state` reads a review and says, row by row, what its subject and object are (the graph's label, or the
row that creates them, or nothing known), with the document's sentences; `decide` and `correct` change one row
and write the file back whole and atomically (a temporary file renamed), so a browser edit and a spreadsheet
edit of the same file are the same thing. Accepting is kg.ingest.accept.accept, which the page calls as the
command line does.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kg.ingest.review import ACCEPT_WORDS, COLUMNS, REJECT_WORDS, Candidate, read_review, write_review
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD

EDITABLE = tuple(c for c in COLUMNS if c not in ("id", "kind", "key", "decision"))


def _label_of(curie: str, known, created: dict[str, Candidate]) -> tuple[str, str]:
    """(label, status): status is `exists`, `created by cNNNN` or `unknown`."""
    if not curie.startswith("ekd:"):
        return "", ""
    iri = EKD + curie[4:]
    if known is not None and iri in known.iris:
        return known.label(iri), "exists"
    if curie in created:
        return created[curie].label, f"created by {created[curie].id}"
    return "", "unknown"


def review_state(review: str | Path, data_dir: str | None = None, *, use_cache: bool = True) -> dict[str, object]:
    """The review's header, its rows with labels and statuses, its counts, and the document's sentences (when the
    text can be read): plain data for a page."""
    from kg.engine.graph import open_graph
    from kg.ingest.decisions import decision_word, graph_state
    from kg.ingest.known import Known
    from kg.ingest.sentences import sentences
    from kg.shared.paths import layout

    header, rows = read_review(review)
    lay = layout(data_dir)
    known = Known(open_graph(lay, reasoning="none", use_cache=use_cache))
    created = {r.subject: r for r in rows if r.kind in ("entity", "agreement") and r.subject}
    out_rows = []
    counts = {"accept": 0, "reject": 0, "undecided": 0}
    for r in rows:
        word = decision_word(r)
        counts[word or "undecided"] += 1
        cells = {c: getattr(r, c) for c in COLUMNS}
        subject_label, subject_status = _label_of(r.subject, known, created)
        object_label, object_status = _label_of(r.object, known, created)
        out_rows.append({**cells, "line": r.line, "decided": word, "subject_label": subject_label,
                         "subject_status": subject_status, "object_label": object_label,
                         "object_status": object_status})
    text = None
    path = Path(header["path"]) if header.get("path") else None
    if path is not None and path.is_file():
        from kg.ingest.reading import read_document

        document = read_document(path)
        if not header.get("sha256") or hashlib.sha256(document.text.encode("utf-8")).hexdigest() == header["sha256"]:
            text = document.text
    stale = bool(header.get("graph")) and header["graph"] != graph_state(lay.data_dir)
    return {"header": header, "rows": out_rows, "counts": counts, "stale": stale,
            "sentences": sentences(text) if text is not None else None}


def _rewrite(review: str | Path, header: dict[str, str], rows: list[Candidate]) -> None:
    path = Path(review)
    tmp = path.with_name(f".{path.name}.kg-tmp-{os.getpid()}")
    try:
        tmp.write_text(write_review(header, rows), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({exc.strerror or exc})") from None


def _row(rows: list[Candidate], row_id: str, review: str | Path) -> Candidate:
    for r in rows:
        if r.id == row_id:
            return r
    raise InputError(f"{review}: no row {row_id!r}")


def decide(review: str | Path, row_id: str, decision: str) -> None:
    """Mark one row accept, reject, or undecided (an empty decision)."""
    word = decision.strip().lower()
    if word and word not in ACCEPT_WORDS and word not in REJECT_WORDS:
        raise InputError(f"decision {decision!r} is neither accept nor reject")
    header, rows = read_review(review)
    r = _row(rows, row_id, review)
    r.decision = "" if not word else ("accept" if word in ACCEPT_WORDS else "reject")
    _rewrite(review, header, rows)


def correct(review: str | Path, row_id: str, column: str, value: str) -> None:
    """Correct one cell of one row (its key stays: the decision is still the proposed row's). Whether the
    correction agrees with the other cells is checked by kg accept, which names the row when it does not."""
    if column not in EDITABLE:
        raise InputError(f"column {column!r} cannot be corrected (one of {', '.join(EDITABLE)})")
    if "\t" in value or "\n" in value or "\r" in value:
        raise InputError(f"column {column}: a tab or a line break cannot be written in a review file")
    header, rows = read_review(review)
    _row(rows, row_id, review).__setattr__(column, value.strip())
    _rewrite(review, header, rows)
