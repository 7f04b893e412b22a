"""The curator's judging of kg ingest's rows (issue 22 item 6, kg.ingest.scoring), on hand-made candidate lists:
a figure, date or funding counts only on the right subject, a relation only with both ends and its predicate, a
new entity only with its family, and precision is over every row proposed. And every expected file of the
fixtures is consistent with its text and judged perfect when the rows say exactly what it says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.ingest import scoring
from kg.ingest.review import Candidate
from kg.shared.errors import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"
EKD = "https://w3id.org/ecosystem-kg/id/"
EKG = "https://w3id.org/ecosystem-kg/ontology#"
DOC = EKD + "doc-999"
GRAPH = scoring.Graph(
    labels={EKD + "cnrs": ["CNRS"], EKD + "jean-zay": ["Jean Zay"], EKD + "sommet": ["Sommet pour l'action"]},
    families={EKD + "cnrs": "organisation", EKD + "jean-zay": "product", EKD + "sommet": "event"},
    inverse={EKG + "memberOf": EKG + "hasMember", EKG + "hasMember": EKG + "memberOf"},
    symmetric={EKG + "collaboratesWith"},
)


def expected(**lists) -> dict:
    base = {k: [] for k in ("mentions", "entities", "figures", "dates", "fundings", "relations", "quotations")}
    return base | lists


def row(kind: str, n: int, **cols) -> Candidate:
    return Candidate(id=f"c{n}", kind=kind, sentence="1", **cols)


def entity(n: int, label: str, family: str) -> Candidate:
    return row("entity", n, subject=f"ekd:e{n}", label=label, value=family)


ORBIS = expected(
    entities=[{"label": "Orbis Data", "family": "organisation"}, {"label": "Agora", "family": "product"},
              {"label": "Laboratoire de Corlay", "family": "organisation", "alt": ["LC"]}],
    figures=[{"as_written": "45 personnes", "value": "45", "unit": "ekd:unit-person",
              "qualifier": "ekd:qualifier-exact", "of": "Orbis Data"}],
)


def test_a_figure_counts_only_on_its_subject() -> None:
    fig = {"predicate": "ekd:measure-headcount", "value": "45", "unit": "ekd:unit-person",
           "qualifier": "ekd:qualifier-exact", "as_written": "45 personnes"}
    rows = [entity(1, "Orbis Data", "organisation"), entity(2, "Agora", "product")]
    right = scoring.judge([*rows, row("figure", 3, subject="ekd:e1", **fig)], ORBIS, GRAPH, DOC)
    wrong = scoring.judge([*rows, row("figure", 3, subject="ekd:e2", **fig)], ORBIS, GRAPH, DOC)
    assert vars_of(right.tallies["figures"]) == (1, 1, 1, 1)
    assert vars_of(wrong.tallies["figures"]) == (0, 1, 0, 1)  # value, unit and qualifier right: still wrong
    assert wrong.wrong["figures"] == ["45 personnes of agora"]


def vars_of(t: scoring.Tally) -> tuple[int, int, int, int]:
    return (t.correct, t.proposed, t.found, t.expected)


def test_a_new_entity_counts_with_its_family_and_once_under_its_acronym() -> None:
    rows = [entity(1, "Orbis Data", "person"), entity(2, "l'Agora", "product"),
            entity(3, "Laboratoire de Corlay", "organisation"), entity(4, "LC", "organisation")]
    t = scoring.judge(rows, ORBIS, GRAPH, DOC).tallies["entities"]
    # Orbis Data as a person is wrong; "l'Agora" is Agora; the acronym's own row is a second entity: wrong.
    assert vars_of(t) == (2, 4, 2, 3)
    alone = scoring.judge([entity(4, "LC", "organisation")], ORBIS, GRAPH, DOC).tallies["entities"]
    assert vars_of(alone) == (1, 1, 1, 3)


def test_relations_need_both_ends_and_the_predicate() -> None:
    exp = expected(entities=[{"label": "Orbis Data", "family": "organisation"},
                             {"label": "Laboratoire de Corlay", "family": "organisation", "alt": ["LC"]}],
                   relations=[{"subject": "Orbis Data", "predicate": "ekg:memberOf", "object": "LC"},
                              {"subject": "LC", "predicate": "ekg:collaboratesWith", "object": "ekd:cnrs"},
                              {"subject": "Orbis Data", "predicate": "ekg:uses", "object": "ekd:jean-zay"}])
    rows = [entity(1, "Orbis Data", "organisation"), entity(2, "Laboratoire de Corlay", "organisation"),
            # the inverse, the other direction of a symmetric property: both right
            row("relation", 3, subject="ekd:e2", predicate="ekg:hasMember", object="ekd:e1"),
            row("relation", 4, subject="ekd:cnrs", predicate="ekg:collaboratesWith", object="ekd:e2"),
            # a wrong end, then a wrong predicate: wrong rows
            row("relation", 5, subject="ekd:e2", predicate="ekg:uses", object="ekd:jean-zay"),
            row("relation", 6, subject="ekd:e1", predicate="ekg:operates", object="ekd:jean-zay")]
    score = scoring.judge(rows, exp, GRAPH, DOC)
    assert vars_of(score.tallies["relations"]) == (2, 4, 2, 3)
    assert score.missed["relations"] == ["orbis data uses ekd:jean-zay"]


def test_a_known_entity_named_by_its_label_in_the_expected_file_is_that_entity() -> None:
    exp = expected(relations=[{"subject": "ekd:jean-zay", "predicate": "ekg:operatedBy", "object": "CNRS"}])
    rows = [row("relation", 1, subject="ekd:jean-zay", predicate="ekg:operatedBy", object="ekd:cnrs")]
    assert vars_of(scoring.judge(rows, exp, GRAPH, DOC).tallies["relations"]) == (1, 1, 1, 1)
    # a new entity that happens to be called CNRS is not the graph's CNRS
    rows = [entity(2, "CNRS", "organisation"),
            row("relation", 1, subject="ekd:jean-zay", predicate="ekg:operatedBy", object="ekd:e2")]
    assert scoring.judge(rows, exp, GRAPH, DOC).tallies["relations"].correct == 0


DATED = expected(
    entities=[{"label": "Brumelab", "family": "organisation"}, {"label": "Rencontres", "family": "event"}],
    figures=[{"as_written": "9 millions d'euros", "value": "9000000", "unit": "ekd:unit-euro",
              "qualifier": "ekd:qualifier-exact", "of": "Brumelab"}],
    dates=[{"as_written": "3 mars 2026", "value": "2026-03-03", "datatype": "xsd:date", "of": "document",
            "what": "document"},
           {"as_written": "en 2021", "value": "2021", "datatype": "xsd:gYear", "of": "Brumelab", "what": "founding"},
           {"as_written": "depuis l'an dernier", "value": "", "datatype": "ekg:notStated", "of": "Brumelab",
            "what": "start"},
           {"as_written": "le 9 juin 2026", "value": "2026-06-09", "datatype": "xsd:date", "of": "Rencontres",
            "what": "event"},
           {"as_written": "en 2025", "value": "2025", "datatype": "xsd:gYear", "of": "9 millions d'euros",
            "what": "figure"}],
)


def _dated_rows() -> list[Candidate]:
    return [entity(1, "Brumelab", "organisation"), entity(2, "Rencontres", "event"),
            row("figure", 3, subject="ekd:e1", value="9000000", unit="ekd:unit-euro",
                qualifier="ekd:qualifier-exact", as_written="9 millions d'euros")]


def test_dates_count_with_their_subject_and_what_they_date() -> None:
    rows = [*_dated_rows(),
            row("date", 4, subject="ekd:doc-999", predicate="dcterms:date", value="2026-03-03",
                datatype="xsd:date", as_written="3 mars 2026"),
            row("date", 5, subject="ekd:e1", predicate="ekg:date", type="founding", value="2021",
                datatype="xsd:gYear", as_written="en 2021"),
            row("date", 6, subject="ekd:e1", predicate="ekg:startDate", datatype="ekg:notStated",
                as_written="l'an dernier"),
            row("date", 7, subject="ekd:e2", predicate="ekg:date", value="2026-06-09", datatype="xsd:date",
                as_written="le 9 juin 2026"),
            row("date", 8, subject="c3", value="2025", datatype="xsd:gYear", as_written="en 2025")]
    assert vars_of(scoring.judge(rows, DATED, GRAPH, DOC).tallies["dates"]) == (5, 5, 5, 5)


def test_a_date_on_the_wrong_subject_or_of_another_kind_is_wrong() -> None:
    rows = [*_dated_rows(),
            # the dateline as a date of the first entity named
            row("date", 4, subject="ekd:e1", predicate="ekg:date", value="2026-03-03", datatype="xsd:date",
                as_written="3 mars 2026"),
            # the founding year without saying it is one (ekg:date on an organisation)
            row("date", 5, subject="ekd:e1", predicate="ekg:date", value="2021", datatype="xsd:gYear",
                as_written="en 2021"),
            # a relative date given a year
            row("date", 6, subject="ekd:e1", predicate="ekg:startDate", value="2025", datatype="xsd:gYear",
                as_written="l'an dernier")]
    score = scoring.judge(rows, DATED, GRAPH, DOC)
    assert vars_of(score.tallies["dates"]) == (0, 3, 0, 5)
    assert score.dates_on_subject == 1  # the founding year is on Brumelab, without saying it is one
    assert score.wrong["dates"][0] == "3 mars 2026 (2026-03-03) of brumelab [?]"


FUNDED = expected(
    entities=[{"label": "Brumelab", "family": "organisation"}, {"label": "Cap Horizon", "family": "organisation"},
              {"label": "Néva", "family": "product"}],
    fundings=[{"as_written": "12 millions d'euros", "value": "12000000", "unit": "ekd:unit-euro",
               "qualifier": "ekd:qualifier-exact", "recipient": "Brumelab", "funder": "Cap Horizon"},
              {"as_written": "", "value": "", "unit": "", "qualifier": "", "recipient": "Néva",
               "funder": "ekd:cnrs"}],
)
AMOUNT = {"value": "12000000", "unit": "ekd:unit-euro", "qualifier": "ekd:qualifier-exact",
          "as_written": "12 millions d'euros"}


def _funded_rows() -> list[Candidate]:
    return [entity(1, "Brumelab", "organisation"), entity(2, "Cap Horizon", "organisation"),
            entity(3, "Néva", "product")]


@pytest.mark.parametrize("amount_rows", [
    [row("funding", 10, subject="ekd:e1", object="ekd:e2", **AMOUNT)],  # the amount in the funding row
    [row("funding", 10, subject="ekd:e1", object="ekd:e2"), row("figure", 11, subject="c10", **AMOUNT)],
    [row("funding", 10, subject="ekd:e1", object="ekd:e2"), row("figure", 11, subject="ekd:e1", **AMOUNT)],
], ids=["in-the-row", "figure-of-the-funding", "figure-of-the-recipient"])
def test_a_funding_counts_with_recipient_funder_and_amount(amount_rows: list[Candidate]) -> None:
    rows = [*_funded_rows(), *amount_rows, row("funding", 12, subject="ekd:e3", object="ekd:cnrs")]
    score = scoring.judge(rows, FUNDED, GRAPH, DOC)
    assert vars_of(score.tallies["fundings"]) == (2, 2, 2, 2)
    assert score.tallies["figures"].proposed == 0  # an amount is not judged twice


def test_a_funding_amount_on_its_recipient_without_the_funding_is_a_right_figure_and_a_missed_funding() -> None:
    rows = [*_funded_rows(), row("figure", 11, subject="ekd:e1", **AMOUNT)]
    score = scoring.judge(rows, FUNDED, GRAPH, DOC)
    assert vars_of(score.tallies["figures"]) == (1, 1, 0, 0)
    assert vars_of(score.tallies["fundings"]) == (0, 0, 0, 2)


def test_a_funding_amount_recorded_as_the_funders_budget_is_wrong_twice_over() -> None:
    rows = [*_funded_rows(), row("funding", 10, subject="ekd:e1", object="ekd:e2"),
            row("figure", 11, subject="ekd:e2", **AMOUNT)]
    score = scoring.judge(rows, FUNDED, GRAPH, DOC)
    assert vars_of(score.tallies["fundings"]) == (0, 1, 0, 2)  # the funding has no amount
    assert vars_of(score.tallies["figures"]) == (0, 1, 0, 0)  # and the figure is on the funder
    reversed_rows = [*_funded_rows(), row("funding", 10, subject="ekd:e2", object="ekd:e1", **AMOUNT)]
    assert scoring.judge(reversed_rows, FUNDED, GRAPH, DOC).tallies["fundings"].correct == 0


def test_precision_is_over_every_row_and_the_total_adds_every_category() -> None:
    rows = [entity(1, "Orbis Data", "organisation"), entity(2, "Agora", "product"), entity(3, "Bruit", "place"),
            row("mention", 4, subject="ekd:cnrs"),
            row("quotation", 5, subject="ekd:e1", value="Rien à dire")]
    score = scoring.judge(rows, ORBIS, GRAPH, DOC)
    total = score.total()
    assert (total.correct, total.proposed) == (2, 5)
    assert (total.found, total.expected) == (2, 4)
    both = scoring.add([score, score])
    assert vars_of(both.total()) == (4, 10, 4, 8)
    table = scoring.table({"orbis": score, "again": score})
    assert table.splitlines()[-1].startswith("| **total** |")
    assert "40 % / 50 % (2/5; 2/4)" in table.splitlines()[2]


def test_a_quotation_counts_with_its_speaker() -> None:
    exp = expected(entities=[{"label": "Claire Vasseur", "family": "person"}],
                   quotations=[{"speaker": "Claire Vasseur", "starts": "Nous voulons rester"}])
    right = [entity(1, "Claire Vasseur", "person"),
             row("quotation", 2, subject="ekd:e1", value="Nous voulons rester indépendants")]
    assert scoring.judge(right, exp, GRAPH, DOC).tallies["quotations"].correct == 1
    no_speaker = [row("quotation", 2, subject="", value="Nous voulons rester indépendants")]
    assert vars_of(scoring.judge(no_speaker, exp, GRAPH, DOC).tallies["quotations"]) == (0, 1, 0, 1)


# -- the expected files ---------------------------------------------------------------------------------------


def test_check_expected_names_what_is_wrong() -> None:
    text = "Orbis Data emploie 45 personnes."
    bad = expected(entities=[{"label": "Orbis Data", "family": "company"}],
                   figures=[{"as_written": "46 personnes", "value": "46", "unit": "ekd:unit-person",
                             "qualifier": "ekd:qualifier-exact", "of": "Orbis"}],
                   dates=[{"as_written": "45", "value": "2021", "datatype": "xsd:gYear", "of": "document",
                           "what": "birthday"}])
    problems = scoring.check_expected(bad, text)
    assert any("family 'company'" in p for p in problems)
    assert any("'Orbis' is neither an entity" in p for p in problems)
    assert any("'46 personnes' is not in the text" in p for p in problems)
    assert any("what 'birthday'" in p for p in problems)
    assert scoring.check_expected({"mentions": []}) == [f"the list {k!r} is missing" for k in
                                                         ("entities", "figures", "dates", "fundings", "relations",
                                                          "quotations")]


def test_read_expected_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Texte.", encoding="utf-8")
    (tmp_path / "x.expected.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.expected\.json: not a readable expected file"):
        scoring.read_expected(tmp_path / "x.expected.json")
    (tmp_path / "x.expected.json").write_text(json.dumps(expected(entities=[{"label": "Y", "family": "x"}])),
                                              encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.expected\.json: entity 'Y': family 'x'"):
        scoring.read_expected(tmp_path / "x.expected.json")


FIXTURE_NAMES = [p.stem for p in scoring.fixture_paths(FIXTURES)]


def test_there_are_the_blind_fixtures_of_issue_22() -> None:
    blind = [n for n in FIXTURE_NAMES
             if "written blind" in json.loads((FIXTURES / f"{n}.expected.json").read_text(encoding="utf-8"))["comment"]]
    assert len(blind) >= 20


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_expected_file_is_consistent_with_its_text(name: str) -> None:
    scoring.read_expected(FIXTURES / f"{name}.expected.json")  # raises InputError naming the problem


def perfect_rows(exp: dict, doc: str = DOC) -> list[Candidate]:
    """The rows of an extractor that proposes exactly what the expected file says."""
    rows: list[Candidate] = []
    iri: dict[str, str] = {}

    def add(kind: str, **cols) -> Candidate:
        c = Candidate(id=f"c{len(rows) + 1}", kind=kind, sentence="1", **cols)
        rows.append(c)
        return c

    def ref(name: str) -> str:
        return name if name.startswith("ekd:") else iri[scoring.label_key(name)]

    for m in exp["mentions"]:
        add("mention", subject=m["iri"])
    for n, e in enumerate(exp["entities"]):
        iri[scoring.label_key(e["label"])] = f"ekd:new-{n}"
        for a in e.get("alt", []):
            iri[scoring.label_key(a)] = f"ekd:new-{n}"
        add("entity", subject=f"ekd:new-{n}", label=e["label"], value=e["family"])
    parties: dict[str, list[str]] = {}
    for r in exp["relations"]:
        if r["predicate"] == "ekg:party":
            parties.setdefault(r["subject"], []).append(ref(r["object"]))
    for n, (label, members) in enumerate(parties.items()):
        subject = label if label.startswith("ekd:") else f"ekd:agreement-{n}"  # a known one attested again
        iri[scoring.label_key(label)] = subject
        add("agreement", subject=subject, label=label, object=" ".join(members))
    figure_row = {}
    for f in exp["figures"]:
        c = add("figure", subject=ref(f["of"]), value=f["value"], unit=f["unit"], qualifier=f["qualifier"],
                as_written=f["as_written"])
        figure_row[scoring.label_key(f["as_written"])] = c.id
    for d in exp["dates"]:
        of = d["of"] if isinstance(d["of"], str) else d["of"][0]
        subject = (doc if of == "document" else figure_row[scoring.label_key(of)]
                   if d.get("what") == "figure" else ref(of))
        add("date", subject=subject, type=d.get("what") or "", value=d["value"], datatype=d["datatype"],
            as_written=d["as_written"])
    for f in exp["fundings"]:
        add("funding", subject=ref(f["recipient"]), object=ref(f["funder"]) if f["funder"] else "",
            value=f["value"], unit=f["unit"], qualifier=f["qualifier"])
    for r in exp["relations"]:
        if r["predicate"] != "ekg:party":
            add("relation", subject=ref(r["subject"]), predicate=r["predicate"], object=ref(r["object"]))
    for q in exp["quotations"]:
        add("quotation", subject=ref(q["speaker"]), value=q["starts"] + " …")
    return rows


def test_rows_that_say_exactly_the_expected_file_score_every_fixture_perfect() -> None:
    graph = scoring.Graph(labels={}, families={})
    scores = scoring.score_folder(FIXTURES, lambda p: perfect_rows(scoring.read_expected(
        p.with_name(p.stem + ".expected.json"))), graph, DOC)
    assert set(scores) == set(FIXTURE_NAMES)
    for name, score in scores.items():
        for category, t in score.tallies.items():
            assert t.correct == t.proposed and t.found == t.expected, (name, category, score.wrong, score.missed)


def test_a_date_on_a_role_row_is_the_start_of_its_holder_and_a_title_alone_is_not_a_relation() -> None:
    exp = expected(entities=[{"label": "Amandine Roux", "family": "person"},
                             {"label": "LIRC", "family": "organisation"}],
                   dates=[{"as_written": "depuis 2023", "value": "2023", "datatype": "xsd:gYear",
                           "of": "Amandine Roux", "what": "start", "relation": "ekg:holdsRole"}],
                   relations=[{"subject": "Amandine Roux", "predicate": "ekg:holdsRole", "object": "LIRC"}])
    rows = [entity(1, "Amandine Roux", "person"), entity(2, "LIRC", "organisation"),
            row("role", 3, subject="ekd:e1", predicate="ekg:holdsRole", object="ekd:e2", value="directrice"),
            row("date", 4, subject="c3", predicate="ekg:startDate", value="2023", datatype="xsd:gYear",
                as_written="depuis 2023"),
            row("role", 5, subject="ekd:e1", predicate="ekg:holdsRole", value="chercheuse")]
    score = scoring.judge(rows, exp, GRAPH, DOC)
    assert vars_of(score.tallies["dates"]) == (1, 1, 1, 1)
    assert vars_of(score.tallies["relations"]) == (1, 1, 1, 1)


# -- leave-one-out: the curated facts in the same format ----------------------------------------------------------


@pytest.fixture(scope="module")
def loo():
    import sys

    bench = str(Path(__file__).resolve().parent.parent / "benchmarks")
    sys.path.insert(0, bench)
    try:
        import ingest_loo as module
    finally:
        sys.path.remove(bench)
    return module


def test_the_curated_facts_of_each_seed_document_judge_perfect_against_themselves(loo, tmp_path: Path) -> None:
    """`gold` puts a document's curated facts in the expected format; rows saying exactly them score 100 % with
    the left-out graph (so a leave-one-out miss is the extractor's, not the conversion's)."""
    store = loo.full_store()
    docs = [r["d"].value for r in store.query(f"SELECT ?d WHERE {{ ?d a <{EKG}SourceDocument> }}")]
    assert len(docs) == 5
    for n, doc in enumerate(sorted(docs)):
        known = loo.graph_without(store, doc, tmp_path / str(n))
        gold = loo.gold(store, doc, known)
        assert scoring.check_expected(gold) == [], doc
        assert gold["entities"] and gold["relations"] and gold["mentions"], doc
        score = scoring.judge(perfect_rows(gold, doc), gold, scoring.Graph.from_known(known), doc)
        for category, t in score.tallies.items():
            assert t.correct == t.proposed and t.found == t.expected, (doc, category, score.wrong, score.missed)
