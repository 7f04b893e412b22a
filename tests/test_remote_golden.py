"""The golden tests again, on real triplestores loaded by `kg load --inferred`: every named query gives the
same rows there as on the embedded graph (Oxigraph exactly; Virtuoso up to its documented literal
canonicalisation: lower-case language tags, canonical numbers), in its own regime and again under OWL 2 RL,
the regime in which the inferred graph sits among the default graphs (where Virtuoso once counted
`rdfs:subClassOf*` paths and gave programmes.rq rows twice)."""

from __future__ import annotations

from typing import Any

import pytest
from servers import ServerHandle, oxigraph_server, virtuoso_server  # noqa: F401
from test_queries_golden import GoldenCase, golden_cases, normalise_golden, run_case

from kg.shared.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from kg.stores.load import load_into_store
from kg.stores.profiles import PROFILES
from kg.stores.remote import run_query

pytestmark = pytest.mark.server

GRAPH_INFERRED_RDFS = GRAPH_INFERRED + "-rdfs"
CASES = golden_cases()
# Every named query with its default parameters under OWL 2 RL, whatever regime its header declares.
OWLRL_CASES = sorted({c.name: GoldenCase(c.name, {}, "owlrl", c.path) for c in CASES if not c.params}.values())


class RemoteGraph:
    """The slice of KnowledgeGraph that run_case needs, answered by a SPARQL endpoint."""

    def __init__(self, endpoint: str, default_graphs: list[str], auth: Any) -> None:
        self.endpoint, self.default_graphs, self.auth = endpoint, default_graphs, auth

    def query(self, sparql: str):
        return run_query(self.endpoint, sparql, default_graphs=self.default_graphs, auth=self.auth, timeout=120)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request: pytest.FixtureRequest):
    """A server holding the project graph twice reasoned: OWL 2 RL in the default inferred graph, RDFS in
    another; returns a factory regime → RemoteGraph, like the embedded `project_graphs`."""
    handle: ServerHandle = request.getfixturevalue(f"{request.param}_server")
    store = request.param
    mode = "digest" if store == "virtuoso" else None
    if handle.user:
        mp = pytest.MonkeyPatch()
        mp.setenv("KG_STORE_USER", handle.user)
        mp.setenv("KG_STORE_PASSWORD", handle.password or "")
        request.addfinalizer(mp.undo)
    load_into_store(handle.base_url, store=store, inferred=True, reasoning="rdfs", auth=mode,
                    graphs={"inferred": GRAPH_INFERRED_RDFS})
    load_into_store(handle.base_url, store=store, inferred=True, reasoning="owlrl", auth=mode)
    endpoint = handle.base_url + PROFILES[store].query_path
    graphs = {"none": [GRAPH_ONTOLOGY, GRAPH_DATA],
              "rdfs": [GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED_RDFS],
              "owlrl": [GRAPH_ONTOLOGY, GRAPH_DATA, GRAPH_INFERRED]}
    query_auth = ("digest" if store == "virtuoso" else None)
    return store, (lambda regime: RemoteGraph(endpoint, graphs[regime], query_auth))


XSD = "http://www.w3.org/2001/XMLSchema#"
# Virtuoso has no boolean values: a boolean expression comes back as 0 or 1 (docs/triplestores.md).
VIRTUOSO_BOOLEANS = {f'"true"^^<{XSD}boolean>': f'"1"^^<{XSD}integer>',
                     f'"false"^^<{XSD}boolean>': f'"0"^^<{XSD}integer>'}


def virtuoso_view(value: Any) -> Any:
    """The golden answer as Virtuoso can give it (on top of the canonical literal forms)."""
    if isinstance(value, list):
        return [virtuoso_view(v) for v in value]
    if isinstance(value, str):
        return VIRTUOSO_BOOLEANS.get(value, value)
    return value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_remote_golden(remote, case) -> None:
    store, factory = remote
    if store == "oxigraph":
        assert run_case(factory, case) == normalise_golden(case), case.id
    else:
        actual = virtuoso_view(run_case(factory, case, canonical=True))
        expected = virtuoso_view(normalise_golden(case, canonical=True))
        if isinstance(expected, list) and expected and isinstance(expected[0], list):
            actual, expected = sorted(actual), sorted(expected)
        assert actual == expected, case.id


@pytest.mark.parametrize("case", OWLRL_CASES, ids=[f"{c.name}__owlrl" for c in OWLRL_CASES])
def test_remote_owlrl_matches_the_embedded_graph(remote, project_graphs, case) -> None:
    """Row for row, duplicates included: a store that repeats rows fails here even where the golden's own
    regime would not show it."""
    store, factory = remote
    if store == "oxigraph":
        assert run_case(factory, case) == run_case(project_graphs, case), case.name
    else:
        actual = virtuoso_view(run_case(factory, case, canonical=True))
        expected = virtuoso_view(run_case(project_graphs, case, canonical=True))
        if isinstance(expected, list) and expected and isinstance(expected[0], list):
            actual, expected = sorted(actual), sorted(expected)
        assert actual == expected, case.name


def test_remote_store_holds_what_the_embedded_graph_holds(remote, project_graphs) -> None:
    _store, factory = remote
    for regime in ("none", "owlrl"):
        rows = factory(regime).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        assert int(rows[0][0].value) > 0
    local = project_graphs("owlrl").count("inferred")
    remote_count = run_query(factory("owlrl").endpoint,
                             f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH_INFERRED}> {{ ?s ?p ?o }} }}",
                             default_graphs=[], auth=factory("owlrl").auth).rows[0][0]
    assert int(remote_count.value) == local
