"""`kg ingest`: read a document, propose candidates, write the review file. Never writes to the graph's data."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

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

    def __init__(self, review: str, candidates: list[Candidate], document: Document, doc_id: str,
                 notes: list[str]) -> None:
        self.review, self.candidates, self.document, self.doc_id = review, candidates, document, doc_id
        self.notes = notes


def next_document_id(known: Known, taken: set[str] = frozenset()) -> str:
    iris = [*known.documents.values(), *taken]
    numbers = [int(m.group(1)) for iri in iris if (m := re.search(r"doc-(\d+)$", iri))]
    return f"doc-{(max(numbers) + 1 if numbers else 0):03d}"


def ingest(path: str | Path, *, data_dir: str | None = None, doc_id: str | None = None, title: str | None = None,
           use_model: bool = True, progress: Callable[[int, int], None] | None = None,
           use_cache: bool = True, known: Known | None = None, taken: set[str] | None = None) -> Ingested:
    """Propose the candidates of one document against the graph in `data_dir` (or the project graph).

    `known` (the graph, read once) and `taken` (ids given to other documents of the same run) serve a folder:
    kg.ingest.batch reads the graph and loads the model once for all its documents."""
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
    if known is None:
        known = Known(open_graph(layout(data_dir), reasoning="none", use_cache=use_cache))
    sha = hashlib.sha256(document.text.encode("utf-8")).hexdigest()
    existing = next((iri for ident, iri in known.documents.items() if ident.endswith(f"_{sha[:16]}.txt")), None)
    if doc_id is None:
        doc_id = existing.rsplit("/", 1)[-1] if existing else next_document_id(known, taken or set())
    if not re.fullmatch(r"doc-\d{3,}", doc_id):
        raise InputError(f"--id: {doc_id!r} is not of the form doc-NNN (three digits or more, like the graph's "
                         "documents)")
    file_name = f"{doc_id[4:]}_{sha[:16]}.txt"
    other = [ident for ident, iri in known.documents.items() if iri == EKD + doc_id and ident != file_name]
    if other:
        raise InputError(f"--id: {doc_id} is already the graph's document {other[0]}; choose another id")
    # PROGRESS: the shared progress facility (kg/shared/progress.py) is not on this branch yet; when it lands,
    # pass its reporter here as `progress` (kg/cli/ingest.py builds a plain stderr one meanwhile).
    extractor = Extractor(document.text, known, EKD + doc_id, parse=recognise, progress=progress)
    candidates = extractor.run()
    version = VERSION
    if recognise is not None:
        from kg.ingest.pipeline import parse as parse_stage

        version += " + " + parse_stage.model_version()
    header = {"document": f"{doc_id} ({path.name})", "id": doc_id, "title": title or "", "file": file_name,
              "path": str(path.resolve()), "sha256": sha, "extractor": version, "encoding": document.encoding}
    header["extractor"] = version if recognise is not None else VERSION + " (light: no recogniser)"
    return Ingested(write_review(header, candidates), candidates, document, doc_id, notes)
