"""Relation extraction of kg ingest (issue 16 item 3): the rules of kg.ingest.relations on the fictional fixtures
written for them, subjects stated outside the sentence marked as readings, and those readings carried by kg accept
as ekg:inferenceNote."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from servers import missing

from kg.cli.main import cli
from kg.ingest import relations as rel
from kg.query.search import normalise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
EKD = "https://w3id.org/ecosystem-kg/id/"
EKG = "https://w3id.org/ecosystem-kg/ontology#"
RELATION_KINDS = ("relation", "role", "participation", "funding", "agreement")


@pytest.fixture(scope="module")
def known():
    from kg.engine.graph import open_graph
    from kg.ingest import ner
    from kg.ingest.known import Known
    from kg.shared.paths import layout

    if not ner.available():
        missing("the French model is not installed (scripts/install-model.sh)")
    return Known(open_graph(layout(None), reasoning="none"))


def _expand(curie: str) -> str:
    return curie.replace("ekd:", EKD, 1).replace("ekg:", EKG, 1)


def _extract(name: str, known) -> tuple[list, set, set]:
    """The candidates for a fixture, and its expected and proposed relations as (subject, property, object) labels."""
    from kg.ingest import ner
    from kg.ingest.extract import Extractor

    path = FIXTURES / f"{name}.txt"
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    cands = Extractor(path.read_text(encoding="utf-8"), known, EKD + "doc-999", ner=ner.recognise).run()
    label_of = {_expand(c.subject): normalise(c.label) for c in cands if c.kind in ("entity", "agreement")}

    def lab(iri: str) -> str:
        return label_of.get(iri) or normalise(known.label(iri))

    def end(x: str) -> str:
        return lab(_expand(x)) if x.startswith("ekd:") else normalise(x)

    gold = {(end(r["subject"]), r["predicate"], end(r["object"])) for r in expected["relations"]}
    gold |= {(end(f["recipient"]), "ekg:fundedBy", end(f["funder"]))
             for f in expected.get("fundings", []) if f["funder"]}
    got = set()
    for c in cands:
        if c.kind == "agreement":
            got |= {(normalise(c.label), "ekg:party", lab(_expand(p))) for p in c.object.split()}
        elif c.kind in RELATION_KINDS:
            got.add((lab(_expand(c.subject)), c.predicate, lab(_expand(c.object))))
    return cands, gold, got


@pytest.mark.model
@pytest.mark.parametrize("name", ["selene", "veloce", "ormeau", "lagune", "algue", "tilleul", "saule"])
def test_every_expected_relation_and_nothing_else(known, name: str) -> None:
    _, gold, got = _extract(name, known)
    assert gold - got == set(), f"missed in {name}"
    assert got - gold == set(), f"proposed in {name} but not expected"


@pytest.mark.model
def test_lists_with_brackets_and_appositions(known) -> None:
    """valbourg: the relations that do not depend on how the recogniser cuts "Institut Corvin/Université de
    Valbourg" and "Léa Brunet" (mention finding, not relation rules)."""
    _, _, got = _extract("valbourg", known)
    speech = {normalise(label) for label in known.labels[EKD + "speech-recognition"]}
    assert any(s == "marelia" and p == "ekg:theme" and o in speech for s, p, o in got)
    for triple in [
        ("marelia", "ekg:collaboratesWith", "laboratoire de phonetique de valbourg"),
        ("marelia", "ekg:collaboratesWith", "centre d etudes du signal"),
        ("centre d etudes du signal", "ekg:supervisedBy", "institut corvin"),
        ("marelia", "ekg:uses", "tramontane"),
        ("marelia", "ekg:collaboratesWith", "velia"),
        ("tramontane", "ekg:operatedBy", "institut corvin"),
        ("tramontane", "ekg:hostedBy", "cirrus"),
        ("parolo", "ekg:usedBy", "terres vives"),
    ]:
        assert triple in got, sorted(t for t in got if t[1] == triple[1])
    # "Utilisatrice du supercalculateur X de l'Institut Corvin, Marelia travaille avec …": no collaboration read
    # from the noun's complement
    assert ("institut corvin", "ekg:collaboratesWith", "marelia") not in got
    assert ("institut corvin", "ekg:collaboratesWith", "velia") not in got


@pytest.mark.model
def test_relations_read_through_a_reference_say_so(known) -> None:
    cands, _, _ = _extract("selene", known)
    notes = [(c.predicate, c.note) for c in cands if c.kind in RELATION_KINDS]
    signed = [n for p, n in notes if p == "ekg:signatory"]
    assert len(signed) == 2 and all(n.startswith("reading: « L'accord » read as ekd:") for n in signed)
    together = [n for p, n in notes if p == "ekg:contributesTo"]
    assert len(together) == 3 and all("« Ensemble, ils » read as" in n for n in together)
    first_person = [n for p, n in notes if p == "ekg:theme"]
    assert first_person and all("first person « nous »" in n for n in first_person)
    # a relation the sentence states with both names is not a reading
    assert [n for p, n in notes if p == "ekg:eventPlace"] == [""]


@pytest.mark.model
def test_an_agreement_the_graph_holds_is_attested_again_not_duplicated(known) -> None:
    from kg.ingest import ner
    from kg.ingest.extract import Extractor

    text = "Titre\nLINAGORA et le CNRS signent un accord-cadre.\nL'accord a été signé par Antoine Petit.\n"
    cands = Extractor(text, known, EKD + "doc-999", ner=ner.recognise).run()
    assert not [c for c in cands if c.kind == "agreement"]
    parties = {(c.subject, c.object, c.status) for c in cands if c.predicate == "ekg:party"}
    assert parties == {("ekd:cnrs-linagora-framework-agreement", "ekd:linagora", "known"),
                       ("ekd:cnrs-linagora-framework-agreement", "ekd:cnrs", "known")}
    signatory = [c for c in cands if c.predicate == "ekg:signatory"]
    assert [(c.subject, c.object) for c in signatory] == [("ekd:cnrs-linagora-framework-agreement",
                                                          "ekd:antoine-petit")]


def test_pronouns_definites_and_lists() -> None:
    assert rel.PRONOUN.match("Il a été porté à 126 pétaflops.")
    assert rel.PRONOUN.match("Copiloté par A et B, il vise loin.")
    assert not rel.PRONOUN.match("Il y a déjà des collaborations.")
    assert not rel.PRONOUN.match("Il faut qu'on ait des IA.")
    assert rel.DEFINITE.search("L'accord a été signé par").group("n") == "accord"
    assert rel.DEFINITE.search("Lors du forum, X a annoncé").group("n") == "forum"
    assert not rel.DEFINITE.search("le Forum de Talmont")
    assert not rel.DEFINITE.search("un accord-cadre peut être signé")
    assert rel.list_ids("⟦1⟧ (⟦2⟧, ⟦3⟧/⟦4⟧) et le ⟦5⟧ (⟦6⟧)") == ["1", "5"]


@pytest.mark.model
def test_readings_are_accepted_as_inference_notes(tmp_path: Path) -> None:
    from kg.ingest import ner

    if not ner.available():
        missing("the French model is not installed (scripts/install-model.sh)")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    review = tmp_path / "lagune.tsv"
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", str(FIXTURES / "lagune.txt"), "--data", str(tmp_path), "-o", str(review)])
    assert result.exit_code == 0, result.output
    lines = []
    for line in review.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.startswith(("#", "decision")) and cells[2] in ("entity", *RELATION_KINDS):
            cells[0] = "x"
        lines.append("\t".join(cells))
    review.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["accept", str(review), "--data", str(tmp_path), "--sources", str(tmp_path / "src"),
                                 "--by", "Test Curator"])
    assert result.exit_code == 0, result.output  # SHACL and every check pass with the new properties
    turtle = next((tmp_path / "data").glob("doc-*.ttl")).read_text(encoding="utf-8")
    for prop in ("ekg:underPatronageOf", "ekg:hailedBy", "ekg:eventPlace", "ekg:developedBy"):
        assert prop in turtle
    assert "ekg:inferenceNote \"Lecture du texte, non écrite en toutes lettres : first person « notre »" in turtle


@pytest.mark.model
def test_a_title_of_a_known_organisation_read_as_one_office_still_gives_the_role(known) -> None:
    """ "P, Présidente d'Inria": whatever the mention step makes of "Présidente d'Inria", P holds a role in Inria
    and is not a role in an office."""
    from kg.ingest import ner
    from kg.ingest.extract import Extractor

    text = "Titre fictif\nLe contrat a été signé par Jeanne Vautrin, Présidente d'Inria, à Quimper.\n"
    cands = Extractor(text, known, EKD + "doc-999", ner=ner.recognise).run()
    roles = [(c.object, c.value) for c in cands if c.kind == "role"]
    assert roles == [("ekd:inria", "Présidente d'Inria")]


@pytest.mark.model
def test_our_title_after_a_person_with_one_organisation_is_a_marked_reading(known) -> None:
    """ "P, notre président": with no "Chez X, nous" in the text, "notre" is read as the one organisation P holds
    a role in (here by the graph), and the row says it is a reading."""
    from kg.ingest import ner
    from kg.ingest.extract import Extractor

    person = min(h for h, orgs in _roles_by_person(known).items() if len(orgs) == 1 and known.labels.get(h))
    name = known.labels[person][0]
    text = f"Titre fictif\n{name}, notre président, a pris la parole à Quimper.\n"
    cands = Extractor(text, known, EKD + "doc-999", ner=ner.recognise).run()
    roles = [c for c in cands if c.kind == "role" and _expand(c.subject) == person]
    assert len(roles) == 1
    assert _expand(roles[0].object) in _roles_by_person(known)[person]
    assert roles[0].note.startswith("reading: first person « notre » after")


def _roles_by_person(known) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for h, o, _ in known.roles:
        if o and known.family(h) == "person":
            out.setdefault(h, set()).add(o)
    return out
