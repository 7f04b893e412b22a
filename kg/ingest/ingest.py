"""`kg ingest`: read a document, propose candidates, write the review file. Never writes to the graph's data."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from kg.ingest.decisions import graph_state
from kg.ingest.extract import VERSION, Extractor
from kg.ingest.known import Known
from kg.ingest.reading import Document, read_document
from kg.ingest.review import Candidate, write_review
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD

MAX_BYTES = 20 * 1024 * 1024
# Above this size the recogniser is left out (graph labels, names introduced by type words and the French rules
# still run): spaCy's French model reads about 10-20 kB a second on this machine, the rules ten times faster.
LIGHT_CHARS = 1_000_000


class Ingested:
    """The review file's text, its candidates, the document as read (with its encoding note), its id."""

    def __init__(self, review: str, candidates: list[Candidate], document: Document, doc_id: str | None,
                 notes: list[str]) -> None:
        self.review, self.candidates, self.document, self.doc_id = review, candidates, document, doc_id
        self.notes = notes


def ingest(path: str | Path, *, data_dir: str | None = None, doc_id: str | None = None, title: str | None = None,
           use_model: bool = True, progress: Callable[[int, int], None] | None = None,
           use_cache: bool = True, known: Known | None = None) -> Ingested:
    """Propose the candidates of one document against the graph in `data_dir` (or the project graph).

    `known` (the graph, read once) serves a folder: kg.ingest.batch reads the graph and loads the model once for
    all its documents."""
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout
    from kg.shared.utf8 import check_path

    check_path(str(path), "FILE")
    path = Path(path)
    if path.is_file() and path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path}: {path.stat().st_size // (1024 * 1024)} MB is more than kg ingest reads "
                         f"({MAX_BYTES // (1024 * 1024)} MB); split the text")
    document = read_document(path)
    recognise = None
    notes = [document.note] if document.note else []
    if use_model and len(document.text) > LIGHT_CHARS:
        use_model = False
        notes.append(f"{path}: {len(document.text) // 1000} k characters: the light pipeline (no named-entity "
                     "recogniser: names the graph knows, names after type words, the French rules)")
    if use_model:
        from kg.ingest.pipeline import parse as parse_stage

        parse_stage.parse(["Test."])  # a missing model fails here, before any work
        recognise = parse_stage.parse
    lay = layout(data_dir)
    if known is None:
        known = Known(open_graph(lay, reasoning="none", use_cache=use_cache))
    sha = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    existing = known_document(known, sha)
    if existing:
        if doc_id is not None and doc_id != existing.rsplit("/", 1)[-1]:
            raise InputError(f"--id: this text is already the graph's {existing.rsplit('/', 1)[-1]}")
        doc_id = existing.rsplit("/", 1)[-1]
    elif doc_id is not None:
        if not re.fullmatch(r"doc-\d{3}", doc_id):
            raise InputError(f"--id: {doc_id!r} is not of the form doc-NNN (three digits, like the graph's "
                             "documents)")
        if EKD + doc_id in known.documents.values():
            raise InputError(f"--id: {doc_id} is already another document of the graph; choose another id")
    # PROGRESS: the shared progress facility (kg/shared/progress.py) is not on this branch yet; when it lands,
    # pass its reporter here as `progress` (kg/cli/ingest.py builds a plain stderr one meanwhile).
    extractor = Extractor(document.text, known, EKD + (doc_id or PENDING_ID), parse=recognise, progress=progress)
    candidates = extractor.run()
    candidates, notes = remembered(candidates, lay, sha, notes)
    version = VERSION
    if recognise is not None:
        from kg.ingest.pipeline import parse as parse_stage

        version += " + " + parse_stage.model_version()
    header = {"document": path.name, "id": doc_id or "", "title": title or "", "path": str(path.resolve()),
              "sha256": sha, "graph": graph_state(lay.data_dir), "extractor": version,
              "encoding": document.encoding}
    header["extractor"] = version if recognise is not None else VERSION + " (light: no recogniser)"
    return Ingested(write_review(header, candidates), candidates, document, doc_id, notes)


PENDING_ID = "doc-pending"  # the extractor's document while the text has no id yet (given by kg accept)


def known_document(known: Known, sha: str) -> str | None:
    """The IRI of the graph's document whose text has this sha256, whatever its file name, or None."""
    from kg.ingest.digests import documents_by_digest

    by_digest = documents_by_digest(known)
    return by_digest.get(sha[:16])


def remembered(candidates: list[Candidate], lay, sha: str, notes: list[str]) -> tuple[list[Candidate], list[str]]:
    """Leave out the rows decided before (kept in the graph folder), and give every row its key."""
    from kg.ingest.decisions import decisions_path, leave_out_decided, read_decisions, row_keys

    keys = row_keys(candidates)  # over every row, before any is left out: a date's key names its figure's
    for cand in candidates:
        cand.key = keys[cand.id]
    root = lay.data_dir.parent
    _, decided = read_decisions(decisions_path(root, sha)) if (root / "data").is_dir() else ({}, [])
    if decided:
        candidates, accepted, rejected = leave_out_decided(candidates, decided)
        notes = [*notes, f"{accepted + rejected} rows decided before left out ({accepted} accepted, {rejected} "
                         "rejected: kept in the graph folder's decisions/)"]
    return candidates, notes
