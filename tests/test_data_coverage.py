"""The graph is complete: every sentence of every seed document is modelled by some fact, or listed, with a
reason, in data-review/out-of-scope.tsv (issue "Prove the graph is complete and its quotes are real").

A sentence is *covered* when a quote (ekg:quote or ekg:quotedText) of a fact node derived from the same
document lies inside the sentence, or the sentence lies inside the quote (whitespace normalised). Attestations
of spellings (data/label-attestations.ttl) do not count: a name as written states nothing.

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
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?file ?fact ?text WHERE {
  ?fact prov:wasDerivedFrom ?doc .
  ?doc dcterms:identifier ?file .
  { ?fact ekg:quote ?text } UNION { ?fact ekg:quotedText ?text }
  # A spelling (data/label-attestations.ttl) says how a document writes a name, not what a sentence states.
  FILTER NOT EXISTS { ?fact rdf:predicate ?p VALUES ?p { rdfs:label skos:prefLabel skos:altLabel } }
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


# -- facts the issue names explicitly: each must be modelled as a typed, sourced node ----------------------

PREFIXES = """
PREFIX ekg: <https://w3id.org/ecosystem-kg/ontology#>
PREFIX ekd: <https://w3id.org/ecosystem-kg/id/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def _figure(of: str, value: str, unit: str, extra: str = "") -> str:
    return (f"?f a ekg:Figure ; ekg:figureOf {of} ; ekg:value {value} ; ekg:unit {unit} ; "
            f"prov:wasDerivedFrom ?doc ; ekg:quote ?q . {extra}")


KEY_FACTS = {
    "LINAGORA revenue 2023": _figure("ekd:linagora", '"13000000"^^xsd:decimal', "ekd:unit-euro",
                                     '?f ekg:date "2023"^^xsd:gYear .'),
    "LINAGORA staff": _figure("ekd:linagora", "200", "ekd:unit-person"),
    "LINAGORA R&D per year": _figure("ekd:linagora", '"4000000"^^xsd:decimal', "ekd:unit-euro-per-year"),
    "LINAGORA soon 25 years": _figure("ekd:linagora", "25", "ekd:unit-year", "?f ekg:qualifier ekd:qualifier-soon ."),
    "more than two decades": _figure("ekd:linagora", "20", "ekd:unit-year",
                                     "?f ekg:qualifier ekd:qualifier-more-than ."),
    "a decade of collaborations": _figure("ekd:collab-linagora-cnrs-001", "10", "ekd:unit-year",
                                          "?f ekg:qualifier ekd:qualifier-about ."),
    "Jean Zay 126 petaflops": _figure("ekd:jean-zay", '"126"^^xsd:decimal', "ekd:unit-petaflops",
                                      '?f ekg:date "2025-01"^^xsd:gYearMonth .'),
    "PEPR IA 73 M EUR over six years": _figure("ekd:pepr-ia", '"73000000"^^xsd:decimal', "ekd:unit-euro",
                                               '?f ekg:duration "P6Y"^^xsd:duration .'),
    "PEPR IA nine projects": _figure("ekd:pepr-ia", "9", "ekd:unit-project"),
    "PEPR IA nearly 200 researchers": _figure("ekd:pepr-ia", "200", "ekd:unit-person",
                                              "?f ekg:qualifier ekd:qualifier-nearly ."),
    "PEPR IA 65 PhD students": _figure("ekd:pepr-ia", "65", "ekd:unit-person"),
    "PEPR IA 32 postdocs and engineers": _figure("ekd:pepr-ia", "32", "ekd:unit-person"),
    "OpenLLM more than 750": _figure("ekd:openllm-france", "750", "ekd:unit-person",
                                     "?f ekg:qualifier ekd:qualifier-more-than ."),
    "LinTO 1 100 rooms": _figure("?dep", "1100", "ekd:unit-room",
                                 "?dep a ekg:Deployment ; ekg:deployedSoftware ekd:linto ; "
                                 "ekg:deployedFor ekd:european-commission ."),
    "109 bn announced by Macron": _figure("?x", '"109000000000"^^xsd:decimal', "ekd:unit-euro",
                                          "?f ekg:announcedBy ekd:emmanuel-macron ; "
                                          "ekg:announcedAt ekd:ai-action-summit ."),
    "200 bn European plan": _figure("ekd:european-ai-plan", '"200000000000"^^xsd:decimal', "ekd:unit-euro",
                                    "?f ekg:announcedBy ekd:ursula-von-der-leyen ."),
    "50 bn from the EU": _figure("ekd:european-ai-plan", '"50000000000"^^xsd:decimal', "ekd:unit-euro"),
    "150 bn from large groups": _figure("ekd:european-ai-plan", '"150000000000"^^xsd:decimal', "ekd:unit-euro"),
    "28 partners of 1001 Parcours": _figure("ekd:1001-parcours", "28", "ekd:unit-partner"),
    "more than ten Google.org projects": _figure("?fund", "10", "ekd:unit-project",
                                                 "?fund a ekg:Funding ; ekg:funder ekd:google-org ."),
    "six societal challenges": _figure("ekd:cnrs-cop", "6", "ekd:unit-challenge"),
    "nine French AI clusters": _figure("ekd:french-ai-clusters", "9", "ekd:unit-cluster"),
    "summit 10-11 February 2025 in Paris": (
        'ekd:ai-action-summit a ekg:Summit ; ekg:startDate "2025-02-10"^^xsd:date ; '
        'ekg:endDate "2025-02-11"^^xsd:date ; ekg:eventPlace ekd:paris .'),
    "agreement signed by Petit and Zapolsky": (
        "ekd:cnrs-linagora-framework-agreement a ekg:FrameworkAgreement ; ekg:party ekd:cnrs , ekd:linagora ; "
        "ekg:signatory ekd:antoine-petit , ekd:alexandre-zapolsky ; ekg:signingEvent ?c . "
        '?c ekg:eventPlace ekd:issy-les-moulineaux ; ekg:date "--02-26"^^xsd:gMonthDay ; '
        '  ekg:inferredDate "2024-02-26"^^xsd:date .'),
    "Antoine Petit PDG du CNRS": (
        'ekd:role-antoine-petit-cnrs-000 ekg:roleHolder ekd:antoine-petit ; ekg:roleOrganisation ekd:cnrs ; '
        'ekg:roleTitle "PDG du CNRS"@fr .'),
    "LIX under CNRS and École polytechnique": (
        "ekd:lix ekg:supervisedBy ekd:cnrs , ekd:ecole-polytechnique . "
        "ekd:att-lix-supervisedby-cnrs-001 a ekg:Attestation ; prov:wasDerivedFrom ekd:doc-001 ."),
    "LINAGORA founded by Alexandre Zapolsky": "ekd:linagora ekg:foundedBy ekd:alexandre-zapolsky .",
    "BLOOM trained on Jean Zay, operated by CNRS": (
        "ekd:bloom ekg:trainedOn ekd:jean-zay . ekd:jean-zay ekg:operatedBy ekd:cnrs ; ekg:hostedBy ekd:idris ."),
    "PEPR IA co-piloted by CEA, CNRS, Inria": "ekd:pepr-ia ekg:coPilotedBy ekd:cea , ekd:cnrs , ekd:inria .",
}


@pytest.mark.parametrize("name", sorted(KEY_FACTS))
def test_key_fact_is_modelled(name: str) -> None:
    ask = f"{PREFIXES} ASK {{ {KEY_FACTS[name]} }}"
    assert data_store().query(ask, use_default_graph_as_union=True), f"missing in data/: {name}"
