"""Full-text search of what the documents say: the sentences of the source texts and the quotes the graph keeps,
found by words in any case, with or without accents, in any inflection French gives them ("chercheurs" finds
"chercheur", "recherches" finds "recherche"), ranked, with the words marked and the facts that cite each sentence.

Why SQLite's FTS5 and a Snowball stemmer: both ship with Python or as one small pure-Python package
(snowballstemmer, the Snowball project's own French algorithm), the index is one file that opens in a
millisecond, and FTS5 ranks by BM25 and answers phrase queries. Python's sqlite3 cannot register a tokenizer,
so the text is stemmed here (lower case, French Snowball stem, accents removed) and FTS5's unicode61 tokenizer
indexes the stems; queries are stemmed the same way. The original text is kept beside its stems to show it and
mark the words that matched.

Passages come in as data (kg.answers.fulltext reads the graph and the source files, splits the sentences and
caches the index per graph state); this module builds and searches the index.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from kg.shared.records import Record

FORMAT = 1  # of the index file: a change here gives new cache keys
_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


class Passage(Record):
    """A piece of text to index: kind (sentence: of a source document; quote: kept by the graph), document (IRI),
    file (the document's file name), index (1-based sentence number, or None), text, facts (the nodes citing it:
    [(iri, label_en, label_fr)])."""

    _fields = ("kind", "document", "file", "index", "text", "facts")
    _defaults = {"facts": []}  # noqa: RUF012
    __slots__ = _fields


class TextHit(Record):
    """A found passage: kind, document, file, index, text, marked (the text with the matched words between
    `mark` delimiters), spans ([(start, end)] of the matched words in text), facts, score (BM25, lower is
    better)."""

    _fields = ("kind", "document", "file", "index", "text", "marked", "spans", "facts", "score")
    __slots__ = _fields

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        return {"kind": self.kind, "document": self.document, "file": self.file, "sentence": self.index,
                "text": self.text, "marked": self.marked, "spans": [list(s) for s in self.spans],
                "facts": [{"iri": iri, "label": (fr if lang == "fr" else en) or en or fr or iri}
                          for iri, en, fr in self.facts], "score": round(self.score, 4)}


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("french")


def _bare(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """One word as the index holds it: lower case, French stem, no accents ("Développements" → "developp")."""
    return _bare(_stemmer().stemWord(word.casefold()))


def stems(text: str) -> list[str]:
    return [stem(m.group()) for m in _WORD.finditer(text)]


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 expression: every word required (stemmed), "quoted words" as a phrase in that
    order. None when the text has no word. Every token is quoted, so no user text is FTS5 syntax."""
    parts = []
    for phrase in _PHRASE.findall(text):
        words = stems(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", text)
    parts += [f'"{w}"' for w in stems(rest)]
    return " AND ".join(parts) if parts else None


def build(passages: Iterable[Passage], path: Path | str) -> None:
    """Write the index of `passages` to `path` (a new SQLite file; the caller renames it into place)."""
    import json

    db = sqlite3.connect(str(path))
    try:
        db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE passage(id INTEGER PRIMARY KEY, kind TEXT, document TEXT, file TEXT, idx INTEGER, "
            "text TEXT, facts TEXT);"
            "CREATE VIRTUAL TABLE words USING fts5(stems, tokenize='unicode61 remove_diacritics 2', "
            "content='', columnsize=1, detail=full);")
        rows = []
        for i, p in enumerate(passages, start=1):
            rows.append((i, p.kind, p.document, p.file, p.index, p.text, json.dumps(p.facts, ensure_ascii=False),
                         " ".join(stems(p.text))))
            if len(rows) >= 5000:
                _insert(db, rows)
                rows = []
        _insert(db, rows)
        db.execute("INSERT INTO words(words) VALUES('optimize')")
        db.commit()
    finally:
        db.close()


def _insert(db: sqlite3.Connection, rows: list[tuple]) -> None:
    db.executemany("INSERT INTO passage VALUES (?, ?, ?, ?, ?, ?, ?)", [r[:7] for r in rows])
    db.executemany("INSERT INTO words(rowid, stems) VALUES (?, ?)", [(r[0], r[7]) for r in rows])


class FullTextIndex:
    """An index file, opened read-only."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
        self.db.execute("PRAGMA mmap_size=268435456")  # read the index through the page cache, no copies
        self.db.execute("PRAGMA cache_size=-65536")

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM passage").fetchone()[0]

    def close(self) -> None:
        self.db.close()

    def search(self, text: str, *, limit: int = 20, kinds: Iterable[str] = ("sentence", "quote"),
               mark: tuple[str, str] = ("**", "**")) -> list[TextHit]:
        """Passages holding every word of `text` (in any inflection), best first (BM25)."""
        import json

        expression = fts_query(text)
        if expression is None:
            return []
        kinds = tuple(kinds)
        marks = set(stems(_PHRASE.sub(lambda m: " " + m.group(1) + " ", text)))
        try:
            if set(kinds) >= {"sentence", "quote"}:  # the best rows first, then their text (FTS5 ranks alone)
                rows = self.db.execute(
                    "SELECT p.kind, p.document, p.file, p.idx, p.text, p.facts, w.rank FROM "
                    "(SELECT rowid, rank FROM words WHERE words MATCH ? ORDER BY rank LIMIT ?) w "
                    "JOIN passage p ON p.id = w.rowid ORDER BY w.rank, p.id", (expression, limit)).fetchall()
            else:
                rows = self.db.execute(
                    "SELECT p.kind, p.document, p.file, p.idx, p.text, p.facts, w.rank FROM words w "
                    "JOIN passage p ON p.id = w.rowid WHERE words MATCH ? AND p.kind IN "
                    f"({','.join('?' * len(kinds))}) ORDER BY w.rank, p.id LIMIT ?",
                    (expression, *kinds, limit)).fetchall()
        except sqlite3.OperationalError:  # an expression FTS5 refuses: nothing matches it
            return []
        hits = []
        for kind, document, file, idx, body, facts, rank in rows:
            spans = [(m.start(), m.end()) for m in _WORD.finditer(body) if stem(m.group()) in marks]
            hits.append(TextHit(kind, document, file, idx, body, marked(body, spans, mark), spans,
                                [tuple(f) for f in json.loads(facts)], float(rank)))
        return hits


def marked(text: str, spans: list[tuple[int, int]], mark: tuple[str, str]) -> str:
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], mark[0], text[start:end], mark[1]]
        last = end
    out.append(text[last:])
    return "".join(out)
