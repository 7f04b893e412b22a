"""The named queries that misled their readers (issue 26, item 6), checked against the graph itself rather than
against a list: programme-pilots gives each organisation its role (pilot, co-pilot, named beside the pilot) and
never "pilot: false"; products gives the provider of every product that has one; labs-of-institution gives every
kind of unit; organisation-tree, a CONSTRUCT, shows its triples on the web instead of "0 rows". The goldens
(tests/golden/) hold the exact answers."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from kg.query.catalog import load_catalog, prepare
from kg.serve.app import create_app
from kg.serve.config import ServeConfig
from kg.shared.namespaces import EKD, EKG
from kg.shared.results import GraphResult, SelectResult

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(scope="module")
def owlrl(project_graphs):
    return project_graphs("owlrl")


def run(project_graphs, name: str, **params: str) -> SelectResult:
    """The named query on the graph of the regime its header declares."""
    query = load_catalog(QUERIES)[name]
    result = project_graphs(query.reasoning).query(prepare(query, params))
    assert isinstance(result, SelectResult)
    return result


def pairs(kgraph, sparql: str) -> set[tuple[str, ...]]:
    return {tuple(t.value for t in row) for row in kgraph.query(sparql).rows}


def test_programme_pilots_gives_every_role_and_never_false(project_graphs, owlrl):
    result = run(project_graphs, "programme-pilots")
    rows = {(p.value, o.value, r.value) for p, o, r in result.rows}
    assert all(isinstance(r, ox.NamedNode) for _, _, r in result.rows)  # a role, not a boolean
    stated = set()
    for prop in ("pilotedBy", "namedBesidePilot"):
        stated |= {(p, o, EKG + prop) for p, o in pairs(owlrl, f"SELECT ?p ?o WHERE {{ ?p <{EKG}{prop}> ?o }}")}
    stated |= {(p, o, EKG + "coPilotedBy") for p, o in pairs(
        owlrl, f"SELECT ?p ?o WHERE {{ ?p <{EKG}coPilotedBy> ?o FILTER NOT EXISTS {{ ?p <{EKG}pilotedBy> ?o }} }}")}
    assert rows == stated
    assert (EKD + "pepr-ia", EKD + "cea", EKG + "coPilotedBy") in rows
    assert (EKD + "pepr-ensemble", EKD + "cnrs", EKG + "pilotedBy") in rows
    assert (EKD + "pepr-ensemble", EKD + "universite-grenoble-alpes", EKG + "namedBesidePilot") in rows
    assert len({(p, o) for p, o, _ in rows}) == len(rows)  # one role per programme and organisation


def test_products_give_the_provider_of_every_product_that_has_one(project_graphs, owlrl):
    result = run(project_graphs, "products")
    shown = {(row[1].value, row[2].value) for row in result.rows if row[2] is not None}
    providers = pairs(owlrl, f"""SELECT ?product ?org WHERE {{
        VALUES ?category {{ <{EKG}Software> <{EKG}AIModel> <{EKG}Dataset> }} ?product a ?category .
        {{ ?product <{EKG}offeredBy> ?org }} UNION {{ ?product <{EKG}developedBy> ?org }} }}""")
    assert providers and shown == providers
    assert (EKD + "lucie", EKD + "linagora") in shown and (EKD + "openpaas", EKD + "linagora") in shown
    blank = {row[1].value for row in result.rows if row[2] is None}
    assert not blank & {p for p, _ in providers}  # a blank provider only where no text names one


def test_labs_of_institution_gives_every_kind_of_unit(project_graphs, owlrl):
    result = run(project_graphs, "labs-of-institution")
    units = {row[1].value for row in result.rows}
    under = {u for (u,) in pairs(owlrl, f"SELECT ?u WHERE {{ {{ ?u <{EKG}unitOf> <{EKD}cnrs> }} UNION "
                                        f"{{ ?u <{EKG}supervisedBy> <{EKD}cnrs> }} }}")}
    assert units == under
    assert {EKD + "idris", EKD + "aissai", EKD + "lix", EKD + "cnrs-sciences-informatiques"} <= units
    kinds = {row[1].value: row[3].value for row in result.rows}
    assert kinds[EKD + "idris"] == EKG + "ComputingCentre" and kinds[EKD + "lix"] == EKG + "Laboratory"


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServeConfig()), headers={"Accept": "text/html"}) as c:
        yield c


def test_organisation_tree_shows_its_triples_on_the_web(client, owlrl):
    result = owlrl.query(prepare(load_catalog(QUERIES)["organisation-tree"], {}))
    assert isinstance(result, GraphResult) and result.triples
    html = client.get("/query/organisation-tree", params={"lang": "en"}).text
    assert "0 rows" not in html
    assert re.search(rf"\b{len(result.triples)} rows\b", html), "the page counts the CONSTRUCT's triples"
    assert html.count("<tr>") >= len(result.triples)
    assert 'href="/id/lix"' in html and 'href="/id/cnrs"' in html


def test_programme_pilots_page_says_roles_not_false(client):
    html = client.get("/query/programme-pilots", params={"lang": "en"}).text
    assert "false" not in html.lower().split("<table", 1)[-1]
    assert "named beside the pilot" in html and "co-piloted by" in html
