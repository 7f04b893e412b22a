"""The graph is complete: every sentence of every seed document is modelled by some fact, or listed, with a
reason, in data-review/out-of-scope.tsv (issue "Prove the graph is complete and its quotes are real").

A sentence is *covered* when a quote (ekg:quote or ekg:quotedText) of a fact node derived from the same
document lies inside the sentence, or the sentence lies inside the quote (whitespace normalised).

docs/coverage.md holds the per-document table; regenerate it after a deliberate change with
``KG_UPDATE_COVERAGE=1 .venv/bin/pytest tests/test_data_coverage.py``.
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
from seedtext import REPO_ROOT, data_store, normalise, require_seeds, seed_files, sentences

OUT_OF_SCOPE = REPO_ROOT / "data-review" / "out-of-scope.tsv"
COVERAGE_DOC = REPO_ROOT / "docs" / "coverage.md"
START, END = "<!-- coverage-table:start -->", "<!-- coverage-table:end -->"

QUOTES_BY_DOCUMENT = """
PREFIX ekg: <https://w3id.org/ecosystem-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?file ?fact ?text WHERE {
  ?fact prov:wasDerivedFrom ?doc .
  ?doc dcterms:identifier ?file .
  { ?fact ekg:quote ?text } UNION { ?fact ekg:quotedText ?text }
}
"""


@dataclass
class DocumentCoverage:
    file: str
    sentences: list[str]
    facts: int
    covered: list[bool] = field(default_factory=list)
    out_of_scope: list[bool] = field(default_factory=list)
    quoted_chars: int = 0

    @property
    def uncovered(self) -> list[str]:
        return [s for s, c, o in zip(self.sentences, self.covered, self.out_of_scope, strict=True) if not (c or o)]

    def row(self) -> str:
        total = len(self.sentences)
        n_cov = sum(self.covered)
        n_oos = sum(o and not c for c, o in zip(self.covered, self.out_of_scope, strict=True))
        n_unc = len(self.uncovered)
        chars = sum(len(s) for s in self.sentences)
        pct = 100 * (total - n_unc) / total if total else 100.0
        return (f"| {self.file} | {total} | {self.facts} | {n_cov} | {n_oos} | {n_unc} | {pct:.0f} % "
                f"| {100 * self.quoted_chars / chars:.0f} % |")


def read_out_of_scope() -> list[dict[str, str]]:
    with OUT_OF_SCOPE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _quoted_chars(sentence: str, quotes: list[str]) -> int:
    """How many characters of the sentence lie inside at least one quote."""
    marked = [False] * len(sentence)
    for quote in quotes:
        if sentence in quote:
            return len(sentence)
        start = sentence.find(quote)
        while start >= 0:
            for i in range(start, start + len(quote)):
                marked[i] = True
            start = sentence.find(quote, start + 1)
    return sum(marked)


def compute_coverage() -> list[DocumentCoverage]:
    quotes: dict[str, list[str]] = defaultdict(list)
    facts: dict[str, set[str]] = defaultdict(set)
    for row in data_store().query(QUOTES_BY_DOCUMENT, use_default_graph_as_union=True):
        quotes[row["file"].value].append(normalise(row["text"].value))
        facts[row["file"].value].add(row["fact"].value)
    listed = {(r["file"], normalise(r["sentence"])) for r in read_out_of_scope()}
    result = []
    for path in seed_files():
        doc = DocumentCoverage(path.name, sentences(path.read_text(encoding="utf-8")), len(facts[path.name]))
        for sentence in doc.sentences:
            doc.covered.append(any(q in sentence or sentence in q for q in quotes[path.name]))
            doc.out_of_scope.append((path.name, sentence) in listed)
            doc.quoted_chars += _quoted_chars(sentence, quotes[path.name])
        result.append(doc)
    return result


def coverage_table(coverage: list[DocumentCoverage]) -> str:
    lines = ["| Document | Sentences | Fact nodes | Covered by facts | Out of scope | Not covered | Accounted for "
             "| Characters inside quotes |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [doc.row() for doc in coverage]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def coverage() -> list[DocumentCoverage]:
    require_seeds()
    return compute_coverage()


def test_every_sentence_is_covered_or_out_of_scope(coverage: list[DocumentCoverage]) -> None:
    assert len(coverage) == 5
    missing = [f"{doc.file}: {s}" for doc in coverage for s in doc.uncovered]
    print("\n" + coverage_table(coverage))
    assert not missing, f"{len(missing)} sentences neither covered nor out of scope:\n" + "\n".join(missing)


def test_out_of_scope_entries_are_real_and_not_stale(coverage: list[DocumentCoverage]) -> None:
    by_file = {doc.file: doc for doc in coverage}
    rows = read_out_of_scope()
    assert rows, "data-review/out-of-scope.tsv has no entries"
    problems = []
    for row in rows:
        sentence = normalise(row["sentence"])
        doc = by_file.get(row["file"])
        if not row.get("reason", "").strip():
            problems.append(f"no reason: {row}")
        elif doc is None or sentence not in doc.sentences:
            problems.append(f"not a sentence of {row['file']}: {sentence!r}")
        elif doc.covered[doc.sentences.index(sentence)]:
            problems.append(f"listed as out of scope but covered by a fact: {sentence!r}")
    assert not problems, "\n".join(problems)


def test_out_of_scope_list_stays_small(coverage: list[DocumentCoverage]) -> None:
    total = sum(len(doc.sentences) for doc in coverage)
    assert len(read_out_of_scope()) <= total // 20, "more than 5 % of the sentences are set aside"


def test_coverage_document_matches_the_computed_table(coverage: list[DocumentCoverage]) -> None:
    table = coverage_table(coverage)
    text = COVERAGE_DOC.read_text(encoding="utf-8") if COVERAGE_DOC.exists() else ""
    if os.environ.get("KG_UPDATE_COVERAGE") and START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = f"{head}{START}\n{table}\n{END}{tail}"
        COVERAGE_DOC.write_text(text, encoding="utf-8")
    assert START in text and END in text, "docs/coverage.md lacks the table markers"
    current = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert current == table, ("docs/coverage.md is out of date; run "
                              "KG_UPDATE_COVERAGE=1 .venv/bin/pytest tests/test_data_coverage.py")
