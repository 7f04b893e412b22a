"""Every label attestation cites an occurrence where its document prints the label as a whole name of its entity,
as the ingestion linker reads names (kg.ingest.labelmatch): not « France » inside « France 24 », « sommet » inside
« sommets », « accord » inside « accord-cadre » (issue 25, item 16)."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict

import pytest
from seedtext import REPO_ROOT, SEEDS_DIR, data_store, require_seeds, sentences

from kg.ingest.labelmatch import NameIndex

EKG = "https://w3id.org/ecosystem-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
LABELS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")


# -- the matcher, on made-up labels (no seeds needed) ---------------------------------------------------------
@pytest.fixture(scope="module")
def toy() -> NameIndex:
    return NameIndex([("france", "France"), ("france24", "France 24"), ("f2030", "France 2030"),
                      ("f2030", "plan France 2030"), ("summit", "sommet"), ("deal", "accord"),
                      ("deal", "accord-cadre"), ("openllm", "OpenLLM France"), ("toulouse", "Toulouse"),
                      ("centre", "centre basé à Toulouse"), ("anr", "ANR"), ("llm4all", "projet ANR LLM4ALL"),
                      ("talk", "Alexandre Zapolsky revient pour France 24 sur la stratégie IA"),
                      ("ia", "IA"), ("linto", "#Linto"), ("ami", "appel « Compétences »")])


@pytest.mark.parametrize("sentence", [
    "Il parle sur France 24 ce soir.", "Dans le cadre du plan France 2030, rien.", "la communauté OpenLLM France"])
def test_a_name_inside_a_longer_proper_name_is_not_that_name(toy, sentence):
    assert toy.occurrences("France", "france", sentence) == []


@pytest.mark.parametrize(("spelling", "iri", "sentence"), [
    ("sommet", "summit", "Contrairement aux sommets précédents, rien."),
    ("accord", "deal", "Ils signent un accord-cadre pour trois ans."),
    ("IA", "ia", "Les IAGEN et les XIA du moment."),
])
def test_a_label_inside_a_longer_word_is_not_that_label(toy, spelling, iri, sentence):
    assert toy.occurrences(spelling, iri, sentence) == []


@pytest.mark.parametrize(("spelling", "iri", "sentence"), [
    ("France", "france", "pour soutenir l’IA en France, tandis que"),
    ("France 24", "france24", "Alexandre Zapolsky revient pour France 24 sur la stratégie IA à adopter"),
    ("IA", "ia", "Alexandre Zapolsky revient pour France 24 sur la stratégie IA à adopter"),
    ("Toulouse", "toulouse", "via un centre basé à Toulouse, ce qui"),
    ("ANR", "anr", "le lancement du projet ANR LLM4ALL avec"),
    ("sommet", "summit", "Lors du sommet, Emmanuel Macron a annoncé"),
    ("accord", "deal", "Cet accord prévoit"),
    ("#Linto", "linto", "autour de #Linto et de"),
    ("appel « Compétences »", "ami", "lauréat de l’appel « Compétences » en 2024"),
])
def test_a_whole_name_is_found(toy, spelling, iri, sentence):
    found = toy.occurrences(spelling, iri, sentence)
    assert [sentence[s.start:s.end] for s in found] == [spelling]


def test_the_linker_reading_takes_the_longest_name(toy):
    spans = toy.spans("Dans le cadre du plan France 2030 et de France 24.")
    assert [(s.text, sorted(s.iris)) for s in spans] == [("plan France 2030", ["f2030"]), ("France 24", ["france24"])]


# -- the graph's attestations, against the seed texts ----------------------------------------------------------
def label_attestations() -> list[dict[str, str]]:
    query = f"""SELECT ?a ?s ?p ?o ?quote ?n ?file WHERE {{
        ?a a <{EKG}Attestation> ; <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o ;
           <{EKG}quote> ?quote ; <{EKG}sentenceIndex> ?n ; <{PROV}wasDerivedFrom> ?d .
        ?d <{DCTERMS}identifier> ?file
        VALUES ?p {{ <{LABELS[0]}> <{LABELS[1]}> <{LABELS[2]}> }} }}"""
    return [{k: row[k].value for k in ("a", "s", "p", "o", "quote", "n", "file")}
            for row in data_store().query(query, use_default_graph_as_union=True)]


def graph_names() -> NameIndex:
    """Every label of every entity a document mentions: what the linker matches against."""
    query = (f"SELECT ?e ?l WHERE {{ VALUES ?p {{ <{LABELS[0]}> <{LABELS[1]}> <{LABELS[2]}> }} ?e ?p ?l "
             f"FILTER EXISTS {{ ?e <{EKG}mentionedIn> ?d }} }}")
    rows = data_store().query(query, use_default_graph_as_union=True)
    return NameIndex(((row["e"].value, row["l"].value) for row in rows), max_words=100)


def test_every_label_attestation_cites_its_label_as_a_whole_name():
    require_seeds()
    rows = label_attestations()
    assert len(rows) > 300, len(rows)
    names = graph_names()
    texts: dict[str, list[str]] = {}
    bad = []
    for row in rows:
        sents = texts.setdefault(row["file"], sentences((SEEDS_DIR / row["file"]).read_text(encoding="utf-8")))
        joined = " ".join(sents)
        spelling, quote, number = row["o"], row["quote"], int(row["n"])
        position = joined.find(quote)  # the occurrence a quote cites: its first (the rule of every quote)
        start = sum(len(s) + 1 for s in sents[: number - 1])
        sentence = sents[number - 1] if 0 < number <= len(sents) else ""
        within = (position - start, position - start + len(quote))
        if spelling not in quote or not (start <= position < start + len(sentence) + 1):
            bad.append(f"{row['a']}: quote {quote!r} is not where sentence {number} is, or lacks {spelling!r}")
        elif not any(within[0] <= s.start and s.end <= within[1]
                     for s in names.occurrences(spelling, row["s"], sentence)):
            bad.append(f"{row['a']}: {spelling!r} is not a whole name in {quote!r} ({row['file']}, {number})")
    assert not bad, "label attestations citing the wrong occurrence:\n" + "\n".join(sorted(bad)[:20])


def test_every_printed_label_is_attested_once_per_document():
    """The other direction: the attestations are exactly what the script finds (it is rerun after label edits)."""
    require_seeds()
    done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "label_attestations.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, ("data/label-attestations.ttl is not what scripts/label_attestations.py writes: "
                                  f"rerun it and review the diff {done.stderr}")
    per_doc = defaultdict(int)
    for row in label_attestations():
        per_doc[(row["s"], row["p"], row["o"], row["file"])] += 1
    assert set(per_doc.values()) == {1}
