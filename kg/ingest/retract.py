"""`kg retract DOC`: withdraw a document that `kg accept` added, and show first what goes.

What goes is its data file (`data/<id>.ttl`: its fact nodes, its attestations, the mentions, the spellings and the
entities only it brought), its kept text and its remembered decisions, all at once (kg.shared.graphdir.commit).
The plan is computed by building the graph with and without the file: the asserted statements that no other file
states, and the inferred statements (OWL 2 RL) that fall with them. A document whose entities other documents
use is refused (retract those first): withdrawing it would leave their facts pointing at nothing. The documents
written by hand across the theme files (the seeds) are not withdrawn this way.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from kg.ingest.decisions import FOLDER as DECISIONS
from kg.shared.errors import InputError, KgError
from kg.shared.namespaces import EKD, EKG, RDF


class RetractPlan:
    """What withdrawing a document removes; `blocked_by` says why it cannot be (empty when it can)."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.files: list[Path] = []
        self.removed_statements: list[tuple[str, str, str]] = []
        self.inferred_lost: list[tuple[str, str, str]] = []
        self.entities_gone: list[str] = []
        self.blocked_by: list[str] = []
        self.done = False

    def as_dict(self) -> dict[str, object]:
        return {"document": self.doc_id, "files": [str(p) for p in self.files], "done": self.done,
                "removed_statements": [list(t) for t in self.removed_statements],
                "inferred_lost": [list(t) for t in self.inferred_lost], "entities_gone": self.entities_gone,
                "blocked_by": self.blocked_by}


def _doc_id(doc: str) -> str:
    doc = doc.strip()
    for prefix in ("ekd:", EKD):
        doc = doc.removeprefix(prefix)
    if not re.fullmatch(r"doc-\d{3}", doc):
        raise InputError(f"DOC: {doc!r} is not a document id (doc-NNN, as kg accept printed)")
    return doc


def plan_retract(doc: str, data_dir: str | None = None, *, use_cache: bool = True) -> RetractPlan:
    """What `retract` would remove, without removing anything (no lock: a plan to show)."""
    from kg.shared.graphdir import writable_root

    root, _ = writable_root(data_dir)
    return _plan(_doc_id(doc), root, use_cache=use_cache)


def _plan(doc_id: str, root: Path, *, use_cache: bool) -> RetractPlan:
    import pyoxigraph as ox

    from kg.engine.graph import open_graph
    from kg.ingest.accept import _copy_graph
    from kg.ingest.graphdiff import difference
    from kg.shared.paths import layout

    lay = layout(str(root))
    plan = RetractPlan(doc_id)
    target = lay.data_dir / f"{doc_id}.ttl"
    if not target.is_file():
        before = open_graph(lay, reasoning="none", use_cache=use_cache)
        there = before.query(f"ASK {{ <{EKD}{doc_id}> ?p ?o }}").value
        if there:
            raise InputError(f"{doc_id} was not added by kg accept (it has no data/{doc_id}.ttl: its statements "
                             "are written by hand across the data files); edit those files to withdraw it")
        raise InputError(f"{doc_id}: no such document in {root}")
    plan.files.append(target)
    text = target.read_text(encoding="utf-8")
    ident = re.search(r'dcterms:identifier "(\d{3}_([0-9a-f]{16})\.txt)"', text)
    sha = re.search(r'schema:sha256 "([0-9a-f]{64})"', text)
    digest = sha.group(1)[:16] if sha else (ident.group(2) if ident else None)
    if ident and (root / "sources" / ident.group(1)).is_file():
        plan.files.append(root / "sources" / ident.group(1))
    if digest and (root / DECISIONS / f"{digest}.tsv").is_file():
        plan.files.append(root / DECISIONS / f"{digest}.tsv")
    before = open_graph(lay, reasoning="owlrl", use_cache=use_cache)
    with tempfile.TemporaryDirectory(prefix="kg-retract-") as tmp:
        after_layout = layout(str(_copy_graph(lay, Path(tmp), {target.name: None})))
        after = open_graph(after_layout, reasoning="owlrl", use_cache=False)
        asserted_before, asserted_after = set(before.triples("data")), set(after.triples("data"))
        _, plan.removed_statements = difference(asserted_before, asserted_after)
        _, plan.inferred_lost = difference(set(before.triples("inferred")), set(after.triples("inferred")))
        typed_after = {t.subject for t in asserted_after if t.predicate == ox.NamedNode(RDF + "type")}
        typed_before = {t.subject for t in asserted_before if t.predicate == ox.NamedNode(RDF + "type")}
        used_after = {t.object for t in asserted_after if isinstance(t.object, ox.NamedNode)} | \
                     {t.subject for t in asserted_after}
        gone = {s for s in typed_before - typed_after if s.value.startswith(EKD)}
        mentioned = {t.subject for t in asserted_before if t.predicate == ox.NamedNode(EKG + "mentionedIn")}
        plan.entities_gone = sorted(s.value.replace(EKD, "ekd:") for s in (gone - used_after) & mentioned)
        for node in sorted(gone & used_after, key=lambda n: n.value):
            files = [f for f in _files_using(after_layout.data_dir, node.value)]
            plan.blocked_by.append(f"ekd:{node.value[len(EKD):]}, which {doc_id} brought, is used by "
                                   f"{', '.join(files) or 'another file'}")
    return plan


def _files_using(data_dir: Path, iri: str) -> list[str]:
    short = "ekd:" + iri[len(EKD):]
    found = []
    for path in sorted(data_dir.glob("**/*.ttl")):
        text = path.read_text(encoding="utf-8")
        if re.search(re.escape(short) + r"(?![\w-])", text) or f"<{iri}>" in text:
            found.append(f"data/{path.relative_to(data_dir)}")
    return found


class RetractBlocked(KgError):
    """Other documents use what this one brought."""


def retract(doc: str, data_dir: str | None = None, *, use_cache: bool = True) -> RetractPlan:
    """Withdraw the document: recompute the plan under the graph folder's lock, then remove its files at once."""
    from kg.shared.graphdir import commit, locked, writable_root

    doc_id = _doc_id(doc)
    root, _ = writable_root(data_dir)
    with locked(root):
        plan = _plan(doc_id, root, use_cache=use_cache)
        if plan.blocked_by:
            raise RetractBlocked(f"{doc_id} cannot be withdrawn: {plan.blocked_by[0]}; retract that document "
                                 "first" + (f" ({len(plan.blocked_by) - 1} more such entities)"
                                            if len(plan.blocked_by) > 1 else ""))
        commit(root, {}, plan.files)
        plan.done = True
    return plan
