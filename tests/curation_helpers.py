"""Hand-written review files for the curation tests: the rows kg ingest would propose, without the model."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from kg.ingest.review import COLUMNS

ROOT = Path(__file__).resolve().parent.parent

TEXT = ("Orbis Data et LINAGORA : un partenariat\n"
        "La société Orbis Data travaille avec LINAGORA depuis 2021.\n"
        "Orbis Data compte 40 salariés.\n")


def row(id_: str, kind: str, sentence: int, quote: str, decision: str = "accept", **cells: str) -> dict[str, str]:
    return {"decision": decision, "id": id_, "kind": kind, "status": cells.pop("status", "new"),
            "sentence": str(sentence), "quote": quote, **cells}


def orbis_rows(decision: str = "accept") -> list[dict[str, str]]:
    return [
        row("c0001", "entity", 2, "La société Orbis Data", decision, subject="ekd:orbis-data", value="organisation",
            label="Orbis Data", type="ekg:Company"),
        row("c0002", "mention", 2, "LINAGORA", decision, status="linked", subject="ekd:linagora",
            value="organisation", label="LINAGORA"),
        row("c0003", "relation", 2, "Orbis Data travaille avec LINAGORA", decision, subject="ekd:orbis-data",
            predicate="ekg:collaboratesWith", object="ekd:linagora"),
        row("c0004", "figure", 3, "Orbis Data compte 40 salariés", decision, subject="ekd:orbis-data",
            predicate="ekd:measure-headcount", value="40", unit="ekd:unit-person",
            qualifier="ekd:qualifier-exact", datatype="xsd:integer", as_written="40 salariés"),
    ]


def write_review(path: Path, text_path: Path, rows: list[dict[str, str]], *, title: str = "",
                 graph: str = "") -> Path:
    text = text_path.read_text(encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    lines = [f"# document: {text_path.name}", f"# path: {text_path}", f"# sha256: {sha}"]
    if title:
        lines.append(f"# title: {title}")
    if graph:
        lines.append(f"# graph: {graph}")
    lines.append("\t".join(COLUMNS))
    for r in rows:
        lines.append("\t".join(r.get(c, "") for c in COLUMNS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def new_graph(tmp: Path, name: str = "g") -> Path:
    """A graph folder made by kg init (a copy of the project graph)."""
    from kg.shared.graphdir import init_graph

    return init_graph(tmp / name)


def text_file(tmp: Path, text: str = TEXT, name: str = "orbis.txt") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file a kg command may change in a graph folder (lock and hidden files aside), by path."""
    out = {}
    for folder in ("data", "sources", "decisions"):
        for p in sorted((root / folder).rglob("*")) if (root / folder).is_dir() else []:
            if p.is_file() and not p.name.startswith("."):
                out[str(p.relative_to(root))] = p.read_bytes()
    return out


def copy_graph(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
