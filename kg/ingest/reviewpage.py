"""A review file as the browser's review page shows it: plain data built on kg.ingest.reviewstate.

`review_state` says what each row's subject and object are; this module adds what a page needs beyond it — the
document's text cut into sentences with every candidate's quote marked (which rows each marked stretch belongs
to), the rows grouped by sentence, the pending reviews of a folder with their counts — and the check a corrected
cell gets before it is written: a correction that contradicts the row's other cells (a type of another family than
`value`, an undeclared class, property or datatype, a sentence the text lacks) is refused naming the row, so the
TSV never holds a row the page knows `kg accept` will refuse. Everything else is checked by `kg accept` itself.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kg.ingest.review import Candidate, read_review
from kg.ingest.reviewstate import EDITABLE, review_state
from kg.ingest.sentences import normalise
from kg.shared.errors import InputError
from kg.shared.namespaces import EKG

if TYPE_CHECKING:
    from kg.ingest.known import Known

REVIEWS_FOLDER = "reviews"  # pending reviews of a graph folder: <graph>/reviews/*.tsv
REVIEW_SUFFIX = ".tsv"
NAME_RULE = re.compile(r"^[\w.-]+\.tsv$")  # a review the page may open: a plain file name, no path


def reviews_dir(root: Path, chosen: str | Path | None = None) -> Path:
    """The folder of pending reviews: the one given (`kg serve --reviews DIR`), else `reviews/` of the graph
    folder."""
    return Path(chosen) if chosen else root / REVIEWS_FOLDER


def review_files(folder: Path) -> dict[str, Path]:
    """The review files of a folder by file name (hidden and temporary files aside), sorted."""
    if not folder.is_dir():
        return {}
    return {p.name: p for p in sorted(folder.iterdir())
            if p.is_file() and NAME_RULE.match(p.name) and not p.name.startswith(".")}


def review_summary(path: Path, root: Path | None = None) -> dict[str, object]:
    """Name, document, title and decision counts of one review, read without the graph (for a list of reviews);
    with the graph folder, also the document id an earlier accept gave the text (`accepted_as`) and how many of
    the review's decisions are not yet accepted (`waiting`: decided here, not remembered in decisions/).
    A damaged file is listed with its one-line error instead."""
    from kg.ingest.decisions import decision_word, decisions_path, read_decisions, row_keys

    try:
        header, rows = read_review(path)
    except InputError as exc:
        return {"name": path.name, "document": "", "title": "", "rows": 0, "error": exc.message,
                "counts": {"accept": 0, "reject": 0, "undecided": 0}, "accepted_as": "", "waiting": 0}
    counts = {"accept": 0, "reject": 0, "undecided": 0}
    for r in rows:
        counts[decision_word(r) or "undecided"] += 1
    accepted_as, waiting = "", counts["accept"] + counts["reject"]
    if root is not None and header.get("sha256"):
        try:
            dheader, decided = read_decisions(decisions_path(root, header["sha256"]))
        except InputError:
            dheader, decided = {}, []
        accepted_as = dheader.get("id", "")
        remembered = {(d.key, d.decision) for d in decided}
        keys = row_keys(rows)
        waiting = sum(1 for r in rows if (word := decision_word(r)) and (r.key or keys[r.id], word) not in remembered)
    return {"name": path.name, "document": header.get("document") or header.get("file", ""),
            "title": header.get("title", ""), "rows": len(rows), "counts": counts, "error": "",
            "accepted_as": accepted_as, "waiting": waiting}


def _spans(text_sentences: list[str], rows: list[dict[str, object]]) -> list[tuple[int, int, str]]:
    """(start, end, row id) of each row's quote in the sentences joined by one space, found from the start of
    the row's own sentence (as kg accept finds it), else anywhere."""
    joined = " ".join(text_sentences)
    starts, position = [], 0
    for s in text_sentences:
        starts.append(position)
        position += len(s) + 1
    out = []
    for r in rows:
        quote = normalise(str(r.get("quote") or ""))
        if not quote:
            continue
        number = int(r["sentence"]) if str(r.get("sentence", "")).isdigit() else 0
        at = joined.find(quote, starts[number - 1]) if 1 <= number <= len(starts) else -1
        if at < 0:
            at = joined.find(quote)
        if at >= 0:
            out.append((at, at + len(quote), str(r["id"])))
    return out


def marked_sentences(text_sentences: list[str], rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The text as numbered sentences, each a list of pieces `{"text", "rows"}`: a piece with rows is words that
    those rows quote (a piece covered by several quotes names them all)."""
    spans = _spans(text_sentences, rows)
    out, position = [], 0
    for number, sentence in enumerate(text_sentences, start=1):
        start, end = position, position + len(sentence)
        cuts = {start, end}
        for a, b, _ in spans:
            if a < end and b > start:
                cuts.update(c for c in (a, b) if start < c < end)
        edges = sorted(cuts)
        pieces = []
        for a, b in itertools.pairwise(edges):
            ids = [rid for (x, y, rid) in spans if x < b and y > a]
            pieces.append({"text": sentence[a - start:b - start], "rows": ids})
        out.append({"number": number, "pieces": pieces})
        position = end + 1
    return out


def _kept_sentences(header: dict[str, str], data_dir: str | None) -> list[str] | None:
    import hashlib

    from kg.ingest.reading import read_document
    from kg.ingest.sentences import sentences
    from kg.shared.paths import locate

    sha = header.get("sha256", "")
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        return None
    sources = locate(data_dir).path / "sources"
    for kept in sorted(sources.glob(f"*_{sha[:16]}.txt")) if sources.is_dir() else []:
        text = read_document(kept).text
        if hashlib.sha256(text.encode("utf-8")).hexdigest() == sha:
            return sentences(text)
    return None


def known_graph(data_dir: str | None = None, *, use_cache: bool = True) -> Known:
    """The graph's labels and IRIs as the review checks them (asserted statements only): a server keeps one per
    state of the graph, so that a page view does not build it again (a second on the project graph)."""
    from kg.engine.graph import open_graph
    from kg.ingest.known import Known
    from kg.shared.paths import layout

    return Known(open_graph(layout(data_dir), reasoning="none", use_cache=use_cache))


def review_page(review: str | Path, data_dir: str | None = None, *, use_cache: bool = True,
                known: Known | None = None) -> dict[str, object]:
    """Everything the review page shows: review_state's header, rows, counts and staleness, plus the marked text
    and the rows grouped by sentence (rows whose sentence the text lacks come last, under number 0)."""
    state = review_state(review, data_dir, use_cache=use_cache, known=known)
    rows: list[dict[str, object]] = state["rows"]  # type: ignore[assignment]
    if state["sentences"] is None:  # the text moved since kg ingest: the copy an accept kept, if any
        state["sentences"] = _kept_sentences(state["header"], data_dir)  # type: ignore[arg-type]
    text_sentences: list[str] | None = state["sentences"]  # type: ignore[assignment]
    count = len(text_sentences or [])
    groups: dict[int, list[dict[str, object]]] = {}
    for r in rows:
        number = int(r["sentence"]) if str(r["sentence"]).isdigit() else 0
        fits = number >= 1 and (text_sentences is None or number <= count)  # no text: trust the numbers
        groups.setdefault(number if fits else 0, []).append(r)
    by_sentence = [{"number": n, "text": text_sentences[n - 1] if n and text_sentences else "", "rows": groups[n]}
                   for n in sorted(groups, key=lambda n: (n == 0, n))]
    text = marked_sentences(text_sentences, rows) if text_sentences is not None else None
    decided = {str(r["id"]): r["decided"] or "undecided" for r in rows}
    for sentence in text or []:
        for piece in sentence["pieces"]:  # type: ignore[union-attr]
            words = {decided.get(i, "undecided") for i in piece["rows"]}
            piece["state"] = words.pop() if len(words) == 1 else "mixed"
    return {**state, "name": Path(review).name, "by_sentence": by_sentence, "editable": EDITABLE, "text": text}


def check_correction(review: str | Path, row_id: str, column: str, value: str, data_dir: str | None = None, *,
                     use_cache: bool = True) -> None:
    """Refuse, naming the row, a correction that contradicts the row's other cells or names a term the ontology
    does not declare; a correction that agrees is left to kg accept's full check (quotes, IRIs, shapes)."""
    from kg.engine.graph import open_graph
    from kg.ingest.accept import DATE_DATATYPES, FAMILY_CLASSES, FIGURE_DATATYPES, IRI_RULE, Vocabulary
    from kg.shared.paths import layout

    if column not in EDITABLE:
        raise InputError(f"column {column!r} cannot be corrected (one of {', '.join(EDITABLE)})")
    _, rows = read_review(review)
    found = [r for r in rows if r.id == row_id]
    if not found:
        raise InputError(f"{Path(review).name}: no row {row_id!r}")
    row = Candidate(**{c: getattr(found[0], c) for c in Candidate._fields})
    setattr(row, column, " ".join(value.split()))
    where = f"row {row.id} (line {row.line})"

    def refuse(why: str) -> None:
        raise InputError(f"{where}: {why}; the review is unchanged")

    if column == "sentence" and not row.sentence.isdigit():
        refuse(f"sentence {row.sentence!r} is not a sentence number")
    if column in ("subject", "object") and getattr(row, column) and getattr(row, column).startswith("ekd:") \
            and not IRI_RULE.match(getattr(row, column)):
        refuse(f"{column} {getattr(row, column)!r} is not an IRI of the form ekd:lower-case-words")
    if row.kind == "figure" and column == "datatype" and row.datatype not in FIGURE_DATATYPES:
        refuse(f"datatype {row.datatype!r} is not a number type (xsd:integer or xsd:decimal)")
    if row.kind == "date" and column == "datatype" and row.datatype not in DATE_DATATYPES:
        refuse(f"datatype {row.datatype!r} is not a date type ({', '.join(DATE_DATATYPES)})")
    checks_terms = (row.kind == "entity" and column in ("type", "value")) or \
                   (row.kind == "relation" and column == "predicate")
    if not checks_terms:
        return
    vocab = Vocabulary(open_graph(layout(data_dir), reasoning="none", use_cache=use_cache))
    if row.kind == "relation":
        if not re.match(r"^ekg:[a-z]\w*$", row.predicate) or EKG + row.predicate[4:] not in vocab.properties:
            refuse(f"predicate {row.predicate!r} is not a property the ontology declares (ekg:property)")
        return
    if row.value not in FAMILY_CLASSES:
        refuse(f"type family {row.value!r} is not one of {', '.join(sorted(FAMILY_CLASSES))}")
    if not row.type:
        return
    if not re.match(r"^ekg:[A-Z]\w*$", row.type) or EKG + row.type[4:] not in vocab.classes:
        refuse(f"type {row.type!r} is not a class the ontology declares (ekg:Class)")
    if vocab.family_of(row.type) != row.value:
        refuse(f"type {row.type} is not of the family {row.value!r} (value column): correct one of the two")


def touched_entities(page: dict[str, object], result: dict[str, object]) -> list[tuple[str, str]]:
    """(CURIE, label) of the subjects and objects of the rows an accept added or linked, in row order: the
    entity pages where the curator sees the new facts."""
    done = {str(o["id"]) for o in result.get("rows", []) if o["outcome"] in ("added", "linked")}  # type: ignore[union-attr]
    out: dict[str, str] = {}
    for r in page["rows"]:  # type: ignore[union-attr]
        if r["id"] in done:
            for cell in ("subject", "object"):
                curie = str(r[cell])
                if curie.startswith("ekd:") and curie not in out:
                    out[curie] = str(r[f"{cell}_label"])
    return list(out.items())
