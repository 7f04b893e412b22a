"""Explanations: every inferred triple has a proof that an independent OWL 2 RL checker accepts."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from owl2rl_checker import check_proof, one_step_consequences

from kg.engine.explain import Explainer, supporting_documents
from kg.engine.graph import open_graph
from kg.shared.errors import KgError
from kg.shared.namespaces import EKD, EKG
from kg.shared.paths import layout

SAMPLE = 10_000


def _key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


@pytest.fixture(scope="module", params=["fixture", "project"])
def graph(request):
    lay = layout("tests/fixtures/engine/data") if request.param == "fixture" else layout()
    return open_graph(lay, reasoning="owlrl", use_cache=False)


def test_every_inferred_triple_has_a_valid_proof(graph) -> None:
    explainer = Explainer(graph)
    asserted = {_key(t) for t in graph.triples("asserted")}
    schema = {_key(t) for t in graph.triples("ontology")}
    inferred = sorted(graph.triples("inferred"), key=str)
    if len(inferred) > SAMPLE:
        inferred = random.Random(20261123).sample(inferred, SAMPLE)
    assert inferred
    for t in inferred:
        proof = explainer.explain(t)
        assert proof is not None, f"unexplainable inferred triple {t}"
        assert proof.rule is not None
        problems = check_proof(proof, asserted, schema)
        assert not problems, problems


def test_explainable_set_equals_the_closure(graph) -> None:
    """The closure is closed under the (independently written) rules: nothing derivable is missing,
    and nothing outside the closure gets a proof."""
    closure = {_key(t) for t in graph.triples("all")}
    schema = {_key(t) for t in graph.triples("ontology")}
    missing = one_step_consequences(closure, schema) - closure
    assert not missing, sorted(missing)[:10]
    explainer = Explainer(graph)
    not_in_closure = ox.Triple(ox.NamedNode(EKD + "nobody"), ox.NamedNode(EKG + "memberOf"),
                               ox.NamedNode(EKD + "nowhere"))
    assert explainer.explain(not_in_closure) is None


def test_an_asserted_triple_is_its_own_proof_with_sources() -> None:
    g = open_graph(layout("tests/fixtures/engine/data"), reasoning="owlrl", use_cache=False)
    t = ox.Triple(ox.NamedNode(EKD + "role-alice"), ox.NamedNode(EKG + "roleHolder"), ox.NamedNode(EKD + "alice"))
    proof = Explainer(g).explain(t)
    assert proof is not None and proof.asserted
    assert proof.files == ["data/sample.ttl"]
    assert [s.quotes for s in proof.sources] == [["Alice, cheffe d'équipe"]]


def test_the_chain_proof_names_its_rules_and_ends_in_documents() -> None:
    g = open_graph(layout("tests/fixtures/engine/data"), reasoning="owlrl", use_cache=False)
    t = ox.Triple(ox.NamedNode(EKD + "alice"), ox.NamedNode(EKG + "affiliatedWith"), ox.NamedNode(EKD + "inst"))
    explainer = Explainer(g)
    proof = explainer.explain(t)
    assert proof is not None and proof.rule == "prp-spo2"
    rules = set()
    stack = [proof]
    while stack:
        p = stack.pop()
        rules.add(p.rule)
        stack.extend(p.premises)
    assert {"prp-spo2", "prp-inv2", "prp-trp", "prp-spo1"} <= rules
    docs = supporting_documents(proof)
    assert any("cheffe" in q for s in docs for q in s.quotes)
    alternatives = explainer.explain_all(t)
    assert alternatives and all(a.rule for a in alternatives)


def test_explain_refuses_other_engines() -> None:
    g = open_graph(layout("tests/fixtures/engine/data"), reasoning="owlrl", engine="owlrl", use_cache=False)
    with pytest.raises(KgError, match="default engine"):
        Explainer(g)
