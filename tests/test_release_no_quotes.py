"""`kg release --quotes none` carries none of the publishers' words (issue 25, item 8): every file of the release,
gzipped ones opened, is searched for every quote of the graph (ekg:quote and ekg:quotedText values of useful
length that are not names or parts of names), in the spellings Turtle, JSON-LD and HTML give them. Names stay:
the variant keeps what things are called, which a quote sometimes repeats."""

from __future__ import annotations

import gzip
import html
import json
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli.main import cli
from kg.publish.noquotes import MIN_QUOTE_CHARS, NAME_PREDICATES, QUOTE_PREDICATES

REPO = Path(__file__).resolve().parent.parent
EKG = "https://w3id.org/ecosystem-kg/ontology#"
EKD = "https://w3id.org/ecosystem-kg/id/"
PROV = "http://www.w3.org/ns/prov#"
URL = "https://schema.org/url"


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("release") / "no-quotes"
    result = CliRunner().invoke(cli, ["release", str(folder), "--quotes", "none", "--no-diagrams"],
                                env={"SOURCE_DATE_EPOCH": "1764547200"})
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def asserted() -> ox.Store:
    store = ox.Store()
    for path in [REPO / "ontology" / "ecosystem.ttl", *sorted((REPO / "data").glob("*.ttl"))]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def names_and_quotes(store: ox.Store) -> tuple[set[str], set[str]]:
    """(the names the graph gives things: labels, titles and web addresses of entities and documents, the titles
    of roles; every quote)."""
    derived = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(PROV + "wasDerivedFrom"), None)}
    names, quotes = set(), set()
    for q in store:
        if not isinstance(q.object, ox.Literal):
            continue
        if q.predicate.value in QUOTE_PREDICATES:
            quotes.add(q.object.value)
        elif ((q.predicate.value in NAME_PREDICATES or q.predicate.value == URL) and q.subject not in derived) \
                or q.predicate.value == EKG + "roleTitle":
            names.add(q.object.value)
    return names, quotes


def release_texts(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        texts[path.relative_to(folder).as_posix()] = raw.decode("utf-8")
    return texts


def spellings(quote: str) -> set[str]:
    """The quote as each format of the release writes it."""
    return {quote, html.escape(quote), html.escape(quote, quote=False), json.dumps(quote)[1:-1],
            json.dumps(quote, ensure_ascii=False)[1:-1], quote.replace('"', '\\"')}


def test_no_file_of_a_quotes_none_release_holds_a_quote(variant, asserted):
    names, quotes = names_and_quotes(asserted)
    prose = sorted(q for q in quotes if len(q) >= MIN_QUOTE_CHARS and not any(q in name for name in names))
    assert len(prose) > 300, len(prose)  # the check has something to find
    texts = release_texts(variant)
    assert {"ecosystem-kg.ttl", "ecosystem-kg.nq.gz", "docs/ontology.html", "docs/ontology.fr.html",
            "README.md", "dataset.ttl"} <= set(texts)
    found = defaultdict(list)
    for quote in prose:
        forms = spellings(quote)
        for name, text in texts.items():
            if any(form in text for form in forms):
                found[quote].append(name)
    assert not found, f"{len(found)} quotes in the release:\n" + "\n".join(
        f"{q[:80]!r}: {', '.join(files[:4])}" for q, files in sorted(found.items())[:20])


def test_the_variant_keeps_every_name(variant, asserted):
    """Names that some quote repeats stay (the CNRS keeps « CNRS » and « Centre National de la Recherche
    Scientifique »), and so do documents and sentence indexes."""
    store = ox.Store()
    store.load(path=str(variant / "ecosystem-kg.ttl"), format=ox.RdfFormat.TURTLE)
    cnrs = ox.NamedNode(EKD + "cnrs")
    labels = {(q.object.value, q.object.language) for q in store.quads_for_pattern(cnrs, None, None)
              if isinstance(q.object, ox.Literal)}
    assert ("CNRS", "fr") in labels and ("Centre National de la Recherche Scientifique", "fr") in labels
    derived = {q.subject for q in asserted.quads_for_pattern(None, ox.NamedNode(PROV + "wasDerivedFrom"), None)}
    missing = [q for q in asserted if q.predicate.value in NAME_PREDICATES and q.subject not in derived
               and isinstance(q.object, ox.Literal) and ox.Quad(q.subject, q.predicate, q.object) not in store]
    assert not missing, missing[:5]
    assert any(True for _ in store.quads_for_pattern(None, ox.NamedNode(EKG + "sentenceIndex"), None))


def test_fact_labels_are_rebuilt_from_names(variant):
    store = ox.Store()
    store.load(path=str(variant / "ecosystem-kg.ttl"), format=ox.RdfFormat.TURTLE)

    def labels(name: str) -> set[tuple[str, str]]:
        return {(q.object.value, q.object.language) for q in store.quads_for_pattern(
            ox.NamedNode(EKD + name), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None)}

    assert labels("role-antoine-petit-cnrs-000") == {("Antoine Petit — PDG du CNRS (document 000)", "fr"),
                                                     ("Antoine Petit — PDG of CNRS (document 000)", "en")}
    # a label attestation: its spelling is a name, so its label stays as it was
    assert ("Centre National de la Recherche Scientifique — skos:prefLabel (document 000)", "fr") in labels(
        "att-cnrs-preflabel-000-1")
    # a quotation keeps a label, from its speaker's name, not from its first words
    assert labels("quote-petit-001-a") == {("Antoine Petit — citation (document 001)", "fr"),
                                           ("Antoine Petit — quotation (document 001)", "en")}
