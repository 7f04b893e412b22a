"""The reasoning engine: same closure as the owlrl reference, every construct covered, consistency checked."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.engine.graph import open_graph
from kg.engine.reasoners import is_noise
from kg.engine.rules import SUPPORTED_CONSTRUCTS, constructs_used, unsupported_constructs
from kg.shared.errors import KgError
from kg.shared.namespaces import EKD, EKG, OWL, RDF, RDFS
from kg.shared.paths import layout

FIXTURE = "tests/fixtures/engine/data"


def _set(kgraph, part: str) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in kgraph.triples(part)}


def _ontology_triples(kgraph) -> list[tuple[str, str, str]]:
    return [(t.subject.value, t.predicate.value, t.object.value) for t in kgraph.triples("ontology")]


@pytest.mark.parametrize("regime", ["rdfs", "owlrl"])
@pytest.mark.parametrize("where", ["fixture", "project"])
def test_rules_engine_closure_equals_owlrl_reference(regime: str, where: str) -> None:
    lay = layout(FIXTURE) if where == "fixture" else layout()
    rules = open_graph(lay, reasoning=regime, engine="rules", use_cache=False)
    reference = open_graph(lay, reasoning=regime, engine="owlrl", use_cache=False)
    ours, theirs = _set(rules, "inferred"), _set(reference, "inferred")
    assert ours == theirs, (sorted(ours - theirs)[:10], sorted(theirs - ours)[:10])
    assert ours, "the closure should not be empty"


def test_reasoning_none_infers_nothing() -> None:
    g = open_graph(layout(FIXTURE), reasoning="none", use_cache=False)
    assert g.count("inferred") == 0
    assert g.count("all") == g.count("asserted")


def test_inferred_is_kept_apart_from_asserted() -> None:
    g = open_graph(layout(FIXTURE), reasoning="owlrl", use_cache=False)
    asserted, inferred = _set(g, "asserted"), _set(g, "inferred")
    assert asserted.isdisjoint(inferred)
    assert _set(g, "all") == asserted | inferred


def test_the_property_chain_the_transitive_part_of_and_the_inverse_fire() -> None:
    g = open_graph(layout(FIXTURE), reasoning="owlrl", use_cache=False)
    inferred = _set(g, "inferred")
    alice, inst = f"<{EKD}alice>", f"<{EKD}inst>"
    assert (alice, f"<{EKG}memberOf>", f"<{EKD}team>") in inferred  # holdsRole ∘ roleOrganisation
    assert (alice, f"<{EKG}affiliatedWith>", inst) in inferred  # chain over the transitive part-of
    assert (f"<{EKD}team>", f"<{EKG}subOrganisationOf>", inst) in inferred  # prp-trp
    assert (f"<{EKD}lab>", f"<{EKG}collaboratesWith>", f"<{EKD}acme>") in inferred  # prp-symp
    assert (f"<{EKD}acme>", f"<{EKG}develops>", f"<{EKD}tool>") in inferred  # prp-inv
    assert (f"<{EKD}acme>", f"<{EKG}fundedBy>", inst) in inferred  # receivesFunding ∘ funder


def test_no_noise_in_the_closure() -> None:
    for engine in ("rules", "owlrl"):
        g = open_graph(layout(FIXTURE), reasoning="owlrl", engine=engine, use_cache=False)
        for t in g.triples("inferred"):
            assert not is_noise(t.subject, t.predicate, t.object), t
            assert not isinstance(t.subject, ox.Literal)


def test_reasoning_adds_no_literal_values() -> None:
    """RDFS/OWL rules never invent literals (owlrl was seen copying equal-comparing literals)."""
    g = open_graph(layout(), reasoning="owlrl", use_cache=False)
    asserted_literals = {str(t.object) for t in g.triples("asserted") if isinstance(t.object, ox.Literal)}
    for t in g.triples("inferred"):
        if isinstance(t.object, ox.Literal):
            assert str(t.object) in asserted_literals


def test_the_ontology_uses_only_supported_constructs() -> None:
    g = open_graph(layout(), reasoning="none", use_cache=False)
    triples = _ontology_triples(g)
    assert unsupported_constructs(triples) == set()
    used = constructs_used(triples)
    # The constructs the ontology is meant to exercise are really there.
    for construct in (RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
                      OWL + "inverseOf", OWL + "TransitiveProperty", OWL + "SymmetricProperty",
                      OWL + "propertyChainAxiom", OWL + "disjointWith"):
        assert construct in used, construct
        assert construct in SUPPORTED_CONSTRUCTS


def test_an_unsupported_construct_is_detected() -> None:
    triples = [(EKG + "x", RDF + "type", OWL + "FunctionalProperty"),
               (EKG + "C", OWL + "someValuesFrom", EKG + "D")]
    assert unsupported_constructs(triples) == {OWL + "FunctionalProperty", OWL + "someValuesFrom"}


def test_disjoint_classes_make_the_graph_inconsistent(tmp_path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.ttl").write_text(
        f"<{EKD}x> a <{EKG}Person> , <{EKG}Company> .\n", encoding="utf-8")
    with pytest.raises(KgError, match="inconsistent"):
        open_graph(layout(tmp_path), reasoning="owlrl", use_cache=False)


@pytest.mark.parametrize("regime", ["rdfs", "owlrl"])
def test_reasonable_engine_is_completed_to_the_same_closure(regime: str) -> None:
    pytest.importorskip("reasonable")
    lay = layout(FIXTURE)
    ours = _set(open_graph(lay, reasoning=regime, engine="rules", use_cache=False), "inferred")
    theirs = _set(open_graph(lay, reasoning=regime, engine="reasonable", use_cache=False), "inferred")
    assert ours == theirs, (sorted(ours - theirs)[:10], sorted(theirs - ours)[:10])


def test_owlrl_engine_leaves_rdflib_datatype_handling_as_it_was() -> None:
    """owlrl swaps rdflib's literal conversions and restores them only in part (xsd:gMonthDay stayed broken,
    making pySHACL reject valid dates later in the same process)."""
    from rdflib import XSD, Literal, term

    before = dict(term._toPythonMapping)
    open_graph(layout(FIXTURE), reasoning="owlrl", engine="owlrl", use_cache=False)
    assert dict(term._toPythonMapping) == before
    assert not Literal("--02-26", datatype=XSD.gMonthDay).ill_typed
