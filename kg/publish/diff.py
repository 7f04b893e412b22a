"""What changed between two versions of the graph, grouped by entity with labels, like ROBOT's diff but with the
sources: statements added and removed, single values changed (figures, dates), documents and quotes added or
removed.

A version is a release folder (its asserted dump, ecosystem-kg.ttl), a folder of Turtle (a graph root with
ontology/ and data/, or a data folder read with the project's ontology), or a git revision of the repository
(its ontology/ and data/ at that commit). Only asserted triples are compared: the closure follows from them.

Attestations (ekg:Attestation) added or removed whole are shown as sources of the entity they attest, not as
nodes of their own; ekg:mentionedIn, ekg:mentions and the provenance properties of fact nodes count as sources.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import EKG, RDF, RDFS, XSD, shorten

RELEASE_DUMP = "ecosystem-kg.ttl"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
SOURCE_PROPERTIES = {EKG + "mentionedIn", EKG + "mentions", PROV_DERIVED, EKG + "quote", EKG + "sentenceIndex"}
FIGURE_PROPERTIES = {EKG + "value", EKG + "valueAsWritten", EKG + "fundingAmount"}
DATE_DATATYPES = {XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "gYearMonth", XSD + "duration"}
FORMATS = ("text", "markdown", "json")

Term = object  # a pyoxigraph NamedNode, BlankNode or Literal
Triple = tuple[Term, Term, Term]


# -- reading a version --------------------------------------------------------------------------------------
def _load(store: ox.Store, path: Path) -> None:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as fh:
                store.load(fh.read(), format=ox.RdfFormat.TURTLE)
        else:
            store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else "?"
        raise InputError(f"{path}:{line}: {exc.args[0] if exc.args else exc}") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except OSError as exc:
        raise InputError(f"cannot run git: {exc.strerror or exc}") from None


def repository_root(start: Path | None = None) -> Path | None:
    """The git work tree holding `start` (default: the source tree kg runs from, else the working directory)."""
    candidates = [start] if start is not None else [Path(__file__).resolve().parents[2], Path.cwd()]
    for candidate in candidates:
        done = _git(candidate, "rev-parse", "--show-toplevel")
        if done.returncode == 0:
            return Path(done.stdout.decode().strip())
    return None


def is_release(path: Path) -> bool:
    return path.is_dir() and ((path / RELEASE_DUMP).is_file() or (path / (RELEASE_DUMP + ".gz")).is_file())


def load_version(spec: str, *, repo: Path | None = None) -> ox.Store:
    """The asserted triples of one version (see the module docstring for what `spec` may name)."""
    from kg.shared.utf8 import check_path

    check_path(spec, "version")
    store = ox.Store()
    path = Path(spec)
    if is_release(path):
        dump = path / RELEASE_DUMP
        _load(store, dump if dump.is_file() else path / (RELEASE_DUMP + ".gz"))
        return store
    if path.is_dir():
        from kg.shared.paths import layout

        lay = layout(path)
        for file in lay.ontology_files() + lay.data_files():
            _load(store, file)
        return store
    root = repo or repository_root()
    if root is None:
        raise InputError(f"{spec}: not a folder, and no git repository to find a revision in")
    if _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}").returncode != 0:
        raise InputError(f"{spec}: not a folder, nor a revision of the git repository {root}")
    archive = _git(root, "archive", "--format=tar", spec, "--", "ontology", "data")
    if archive.returncode != 0:
        raise InputError(f"{spec}: git archive failed: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="kg-diff-") as tmp:
        import io

        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4
                tar.extractall(tmp, filter="data")
            else:  # pragma: no cover - git archive of our own repository holds plain files only
                tar.extractall(tmp)
        root_dir = Path(tmp)
        files = sorted((root_dir / "ontology").glob("*.ttl")) + sorted((root_dir / "data").glob("**/*.ttl"))
        for file in files:
            if file.parent.name == "ontology" and (file.stem == "shapes" or file.stem.endswith("-shapes")):
                continue
            _load(store, file)
    return store


# -- comparing ----------------------------------------------------------------------------------------------
@dataclass
class Change:
    property: str
    value: str
    old: str = ""  # for a changed value: the value before
    document: str = ""  # for a source: the document
    quote: str = ""
    kind: str = ""  # for a changed value: figure, date or value

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("property", self.property), ("value", self.value), ("old", self.old),
                                  ("kind", self.kind), ("document", self.document), ("quote", self.quote)) if v}


@dataclass
class EntityDiff:
    entity: str
    label: str
    status: str  # added, removed, changed
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    sources_added: list[Change] = field(default_factory=list)
    sources_removed: list[Change] = field(default_factory=list)

    KINDS = ("added", "removed", "changed", "sources_added", "sources_removed")

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"entity": self.entity, "label": self.label, "status": self.status}
        for kind in self.KINDS:
            items = getattr(self, kind)
            if items:
                out[kind] = [c.as_dict() for c in items]
        return out


@dataclass
class Diff:
    old: str
    new: str
    added: int = 0
    removed: int = 0
    entities: list[EntityDiff] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.entities

    def as_dict(self) -> dict[str, object]:
        return {"old": self.old, "new": self.new,
                "summary": {"triples_added": self.added, "triples_removed": self.removed,
                            "entities": len(self.entities)},
                "entities": [e.as_dict() for e in self.entities]}


class Folded(str):
    """A blank node written out as its content: an RDF list as `( a b )`, another node as `[ p o ; … ]`. Blank
    node labels differ from one parse to the next; their content does not."""


def _fold(store: ox.Store, node: ox.BlankNode, seen: frozenset = frozenset()) -> Folded:
    if node in seen:
        return Folded("[ … ]")
    seen = seen | {node}
    out = sorted((q.predicate.value, q.object) for q in store.quads_for_pattern(node, None, None, None))
    props = {p for p, _ in out}

    def term(o: Term) -> str:
        return _fold(store, o, seen) if isinstance(o, ox.BlankNode) else _show(o)

    if props == {RDF + "first", RDF + "rest"}:
        items, current = [], node
        while isinstance(current, ox.BlankNode) and current not in items:
            first = next(iter(store.quads_for_pattern(current, ox.NamedNode(RDF + "first"), None, None)), None)
            rest = next(iter(store.quads_for_pattern(current, ox.NamedNode(RDF + "rest"), None, None)), None)
            if first is None or rest is None:
                break
            items.append(term(first.object))
            current = rest.object
        return Folded("( " + " ".join(items) + " )")
    return Folded("[ " + " ; ".join(f"{shorten(p)} {term(o)}" for p, o in out) + " ]")


def _triples(store: ox.Store) -> set[Triple]:
    """The store's triples with blank-node subjects folded into the triples that point at them."""
    out: set[Triple] = set()
    for q in store.quads_for_pattern(None, None, None, None):
        if isinstance(q.subject, ox.BlankNode):
            continue
        obj = _fold(store, q.object) if isinstance(q.object, ox.BlankNode) else q.object
        out.add((q.subject, q.predicate, obj))
    return out


class _Labels:
    def __init__(self, stores: list[ox.Store], lang: str) -> None:
        self.labels: dict[str, str] = {}
        ranks: dict[str, int] = {}
        for order, store in enumerate(stores):
            for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "label"), None, None):
                if not isinstance(q.object, ox.Literal) or not isinstance(q.subject, ox.NamedNode):
                    continue
                rank = order * 3 + (0 if q.object.language == lang else 1 if q.object.language else 2)
                key = q.subject.value
                if key not in ranks or rank < ranks[key] or (rank == ranks[key] and q.object.value < self.labels[key]):
                    ranks[key], self.labels[key] = rank, q.object.value

    def of(self, term: Term) -> str:
        return self.labels.get(term.value, "") if isinstance(term, ox.NamedNode) else ""


def _language(term: Term) -> str:
    return term.language or "" if isinstance(term, ox.Literal) else ""


def _show(term: Term, labels: _Labels | None = None) -> str:
    if isinstance(term, Folded):
        return str(term)
    if isinstance(term, ox.NamedNode):
        text = shorten(term.value)
        label = labels.of(term) if labels is not None else ""
        return f"{text} ({label})" if label else text
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        if term.datatype.value == XSD + "string":
            return f'"{term.value}"'
        return f'"{term.value}"^^{shorten(term.datatype.value)}'
    return str(term)


def compare(old: ox.Store, new: ox.Store, *, old_name: str = "OLD", new_name: str = "NEW",
            lang: str = "en") -> Diff:
    """The changes from `old` to `new`, grouped by entity, entities in IRI order."""
    before, after = _triples(old), _triples(new)
    added, removed = after - before, before - after
    diff = Diff(old_name, new_name, len(added), len(removed))
    if not added and not removed:
        return diff
    labels = _Labels([new, old], lang)
    subjects_before = {s for s, _, _ in before}
    subjects_after = {s for s, _, _ in after}
    attestation = ox.NamedNode(EKG + "Attestation")
    rdf_type = ox.NamedNode(RDF + "type")

    def one(store: ox.Store, s: Term, p: str) -> Term | None:
        values = sorted((q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None, None)), key=str)
        return values[0] if values else None

    by_subject_added: dict[Term, list[Triple]] = defaultdict(list)
    by_subject_removed: dict[Term, list[Triple]] = defaultdict(list)
    for t in added:
        by_subject_added[t[0]].append(t)
    for t in removed:
        by_subject_removed[t[0]].append(t)

    groups: dict[str, EntityDiff] = {}

    def group(node: Term) -> EntityDiff:
        key = node.value if isinstance(node, ox.NamedNode) else str(node)
        if key not in groups:
            status = ("added" if node not in subjects_before else "removed" if node not in subjects_after
                      else "changed")
            groups[key] = EntityDiff(_show(node), labels.of(node), status)
        return groups[key]

    # Attestations added or removed whole become sources of the entity they attest.
    whole: set[Term] = set()
    for side, triples, store, subjects_other, kind in (
            (by_subject_added, after, new, subjects_before, "sources_added"),
            (by_subject_removed, before, old, subjects_after, "sources_removed")):
        for node in side:
            if (node, rdf_type, attestation) not in triples or node in subjects_other:
                continue
            owner = one(store, node, RDF + "subject")
            if owner is None:
                continue
            predicate, obj = one(store, node, RDF + "predicate"), one(store, node, RDF + "object")
            doc, quote = one(store, node, PROV_DERIVED), one(store, node, EKG + "quote")
            getattr(group(owner), kind).append(Change(
                _show(predicate) if predicate is not None else "", _show(obj, labels) if obj is not None else "",
                document=_show(doc, labels) if doc is not None else "",
                quote=quote.value if isinstance(quote, ox.Literal) else ""))
            whole.add(node)

    for node in sorted(set(by_subject_added) | set(by_subject_removed), key=str):
        if node in whole:
            continue
        entry = group(node)
        plus: dict[str, list[Term]] = defaultdict(list)
        minus: dict[str, list[Term]] = defaultdict(list)
        for _, p, o in by_subject_added.get(node, []):
            plus[p.value].append(o)
        for _, p, o in by_subject_removed.get(node, []):
            minus[p.value].append(o)
        for prop in sorted(set(plus) | set(minus)):
            name = _show(ox.NamedNode(prop))
            if prop in SOURCE_PROPERTIES:
                entry.sources_added += [Change(name, _show(o, labels)) for o in plus.get(prop, [])]
                entry.sources_removed += [Change(name, _show(o, labels)) for o in minus.get(prop, [])]
                continue
            # A value replaced by one other value (per language for labels and texts) is a change.
            for lang in sorted({_language(o) for o in plus.get(prop, []) + minus.get(prop, [])}):
                gained = sorted((o for o in plus.get(prop, []) if _language(o) == lang), key=str)
                lost = sorted((o for o in minus.get(prop, []) if _language(o) == lang), key=str)
                if len(gained) == 1 and len(lost) == 1 and entry.status == "changed":
                    change = Change(name, _show(gained[0], labels), old=_show(lost[0], labels))
                    change.kind = kind_of_change(change)
                    entry.changed.append(change)
                    continue
                entry.added += [Change(name, _show(o, labels)) for o in gained]
                entry.removed += [Change(name, _show(o, labels)) for o in lost]
    diff.entities = [groups[k] for k in sorted(groups)]
    for e in diff.entities:
        for kind in EntityDiff.KINDS:
            getattr(e, kind).sort(key=lambda c: (c.property, c.value, c.old, c.document, c.quote))
    return diff


def kind_of_change(change: Change) -> str:
    """figure, date or value: what a changed value is, for the reader."""
    if change.property in {shorten(p) for p in FIGURE_PROPERTIES}:
        return "figure"
    if any(change.value.endswith(f"^^{shorten(dt)}") for dt in DATE_DATATYPES):
        return "date"
    return "value"


# -- rendering ----------------------------------------------------------------------------------------------
def render_text(diff: Diff) -> str:
    if diff.empty:
        return f"No changes between {diff.old} and {diff.new}.\n"
    lines = [f"{diff.old} -> {diff.new}: {len(diff.entities)} entities changed, "
             f"{diff.added} triples added, {diff.removed} removed", ""]
    for e in diff.entities:
        lines.append(f"{e.entity}{'  ' + e.label if e.label else ''}  [{e.status}]")
        lines += [f"  + {c.property} {c.value}" for c in e.added]
        lines += [f"  - {c.property} {c.value}" for c in e.removed]
        lines += [f"  ~ {c.property} {c.old} -> {c.value} ({c.kind})" for c in e.changed]
        for sign, items in (("+", e.sources_added), ("-", e.sources_removed)):
            for c in items:
                lines.append(f"  {sign} source {_source_text(c)}")
        lines.append("")
    return "\n".join(lines)


def _source_text(c: Change) -> str:
    if c.document:
        quote = f' "{c.quote}"' if c.quote else ""
        return f"{c.document}{quote} for {c.property} {c.value}"
    return f"{c.property} {c.value}"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render_markdown(diff: Diff) -> str:
    if diff.empty:
        return f"No changes between `{diff.old}` and `{diff.new}`.\n"
    lines = [f"{len(diff.entities)} entities changed between `{diff.old}` and `{diff.new}` "
             f"({diff.added} triples added, {diff.removed} removed).", ""]
    for e in diff.entities:
        title = f"{_md(e.label)} (`{e.entity}`)" if e.label else f"`{e.entity}`"
        lines += [f"### {title}: {e.status}", ""]
        lines += [f"- added: `{c.property}` {_md(c.value)}" for c in e.added]
        lines += [f"- removed: `{c.property}` {_md(c.value)}" for c in e.removed]
        lines += [f"- {c.kind} changed: `{c.property}` {_md(c.old)} → {_md(c.value)}" for c in e.changed]
        lines += [f"- source added: {_md(_source_text(c))}" for c in e.sources_added]
        lines += [f"- source removed: {_md(_source_text(c))}" for c in e.sources_removed]
        lines.append("")
    return "\n".join(lines)


def render_json(diff: Diff) -> str:
    return json.dumps(diff.as_dict(), indent=2, ensure_ascii=False) + "\n"


def render(diff: Diff, fmt: str) -> str:
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json}
    if fmt not in renderers:
        raise InputError(f"--format {fmt}: unknown (choose from {', '.join(FORMATS)})")
    return renderers[fmt](diff)


def diff_versions(old: str, new: str, *, repo: Path | None = None, lang: str = "en") -> Diff:
    return compare(load_version(old, repo=repo), load_version(new, repo=repo), old_name=old, new_name=new,
                   lang=lang)
