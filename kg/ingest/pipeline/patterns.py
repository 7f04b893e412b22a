"""The extractor's rules kept as data: `kg/ingest/patterns/*.json`, loaded once and checked at start-up.

Every file is a JSON object with `format` ("spacy-matcher" or "spacy-dependency-matcher"), `about` (what the rules
are for) and `entries`; each entry carries its own fields (a measure and its units, the families an anaphor may
stand for, a relation's predicate…) and `patterns` in spaCy's own pattern formats, so a pattern is written and
read the way spaCy's documentation describes, and spaCy's validator checks it. A file that is not valid JSON,
lacks a field or holds a pattern spaCy refuses is one `Error:` naming the file and the entry, before any text
is read.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.shared.errors import InputError

PATTERN_DIR = Path(__file__).resolve().parent.parent / "patterns"
FORMATS = ("spacy-matcher", "spacy-dependency-matcher")


@dataclass(frozen=True)
class PatternFile:
    """One rules file: its entries (dicts as written) and the spaCy matcher compiled from them (key = entry index)."""

    name: str
    format: str
    entries: list[dict[str, Any]]
    matcher: Any = field(repr=False, default=None)


def _vocab():
    import spacy

    return spacy.blank("fr").vocab


def compile_file(path: Path, required: tuple[str, ...] = (), vocab=None) -> PatternFile:
    """Read and check one pattern file; InputError naming the file (and entry) on the first fault."""
    from spacy.matcher import DependencyMatcher, Matcher

    shown = f"{path.parent.name}/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"pattern file {shown}: cannot be read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"pattern file {shown}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict) or data.get("format") not in FORMATS or not isinstance(data.get("entries"), list):
        raise InputError(f"pattern file {shown}: needs an object with \"format\" (one of {', '.join(FORMATS)}) and "
                         "a list \"entries\"")
    vocab = vocab if vocab is not None else _vocab()
    dependency = data["format"] == "spacy-dependency-matcher"
    matcher = DependencyMatcher(vocab, validate=True) if dependency else Matcher(vocab, validate=True)
    for index, entry in enumerate(data["entries"]):
        where = f"pattern file {shown}, entry {index + 1}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: not an object")
        missing = [key for key in (*required, "patterns") if key not in entry]
        if missing:
            raise InputError(f"{where}: lacks {', '.join(repr(k) for k in missing)}")
        patterns = entry["patterns"]
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, list) and p for p in patterns):
            raise InputError(f"{where}: \"patterns\" must be a non-empty list of non-empty pattern lists")
        try:
            matcher.add(str(index), patterns)
        except Exception as exc:  # spaCy raises ValueError/KeyError/TypeError with a long message
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InputError(f"{where}: spaCy refuses a pattern: {first}") from None
    return PatternFile(path.name, data["format"], data["entries"], matcher)


REQUIRED = {
    "measures.json": ("measure", "units"),
    "anaphora.json": ("families", "label"),
    "relations.json": ("predicate", "kind", "subject", "object"),
}


@functools.cache
def load(name: str) -> PatternFile:
    """The named rules file of the package, compiled once per process."""
    return compile_file(PATTERN_DIR / name, REQUIRED.get(name, ()))


def load_all() -> dict[str, PatternFile]:
    """Every rules file, checked: called at start-up so a bad file stops the command before any work."""
    return {path.name: load(path.name) for path in sorted(PATTERN_DIR.glob("*.json"))}


def matches(pattern_file: PatternFile, doc) -> list[tuple[dict[str, Any], list[int]]]:
    """(entry, token indices) for every match of the file's patterns in a parsed sentence."""
    out = []
    for key, *rest in pattern_file.matcher(doc):
        entry = pattern_file.entries[int(pattern_file.matcher.vocab.strings[key])]
        if pattern_file.format == "spacy-dependency-matcher":
            out.append((entry, list(rest[0])))
        else:
            start, end = rest
            out.append((entry, list(range(start, end))))
    return out
