"""One question per OWL construct the ontology uses, answered differently with and without reasoning.

Each question is asked three times: with `--reasoning none`, with OWL 2 RL, and with OWL 2 RL over a copy of
the ontology from which every axiom of that construct has been removed. The last answer equals the first,
which shows that the difference comes from that construct and not from another one.

The project data types every node explicitly (the shapes require it), so rdfs:domain and rdfs:range add
nothing new to it; their questions run on a probe file with untyped nodes. owl:disjointWith is a consistency
check: a node typed both ekg:Person and ekg:Organisation makes open_graph raise.

A construct added to the ontology without a question here makes test_every_construct_has_a_question fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.engine.graph import open_graph
from kg.engine.rules import NEUTRAL_VOCABULARY, constructs_used
from kg.shared.errors import KgError
from kg.shared.namespaces import OWL, RDF, RDFS, shorten
from kg.shared.paths import GraphLayout, layout
from kg.shared.results import AskResult

P = """PREFIX ekg: <https://w3id.org/ecosystem-kg/ontology#>
PREFIX ekd: <https://w3id.org/ecosystem-kg/id/>
PREFIX org: <http://www.w3.org/ns/org#>
"""

PROBE_PREFIXES = """@prefix ekg: <https://w3id.org/ecosystem-kg/ontology#> .
@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .
"""
# Untyped nodes: only the domain and range of ekg:trainedOn can type them.
TRAINED_ON_PROBE = PROBE_PREFIXES + "ekd:probe-model ekg:trainedOn ekd:probe-machine .\n"
# A node both a person and an organisation: inconsistent under owl:disjointWith.
PERSON_AND_ORGANISATION = PROBE_PREFIXES + "ekd:probe-agent a ekg:Person , ekg:Organisation .\n"
# The same clash, visible only once ekg:Laboratory ⊑ … ⊑ ekg:Organisation is applied.
PERSON_AND_LABORATORY = PROBE_PREFIXES + "ekd:probe-agent a ekg:Person , ekg:Laboratory .\n"


@dataclass(frozen=True)
class ConstructQuestion:
    question: str
    sparql: str
    with_reasoning: Any  # the answer under OWL 2 RL
    without: Any  # the answer with reasoning "none" (and with OWL 2 RL minus the construct)
    probe: str | None = None  # Turtle for a probe data folder; None: the project graph


QUESTIONS: dict[str, ConstructQuestion] = {
    RDFS + "subClassOf": ConstructQuestion(
        "Which laboratories are organisations in the W3C ORG sense (ekg:Laboratory ⊑ … ⊑ org:Organization)?",
        P + "SELECT ?lab WHERE { ?lab a ekg:Laboratory , org:Organization }",
        {"ekd:irit", "ekd:laas", "ekd:lix", "ekd:loria"}, set()),
    RDFS + "subPropertyOf": ConstructQuestion(
        "Which organisations is the LIX part of (ekg:supervisedBy ⊑ ekg:subOrganisationOf)?",
        P + "SELECT ?org WHERE { ekd:lix ekg:subOrganisationOf ?org }",
        {"ekd:cnrs", "ekd:ecole-polytechnique"}, set()),
    OWL + "inverseOf": ConstructQuestion(
        "Which laboratories does the CNRS supervise (ekg:supervises owl:inverseOf ekg:supervisedBy)?",
        P + "SELECT ?lab WHERE { ekd:cnrs ekg:supervises ?lab }",
        {"ekd:irit", "ekd:laas", "ekd:lix", "ekd:loria"}, set()),
    OWL + "TransitiveProperty": ConstructQuestion(
        "Which initiatives are the IA&Maths projects part of (ekg:partOfInitiative is transitive)?",
        P + "SELECT ?i WHERE { ekd:ia-maths-projects ekg:partOfInitiative ?i }",
        {"ekd:pepr-ia", "ekd:france-2030"}, {"ekd:pepr-ia"}),
    OWL + "SymmetricProperty": ConstructQuestion(
        "Whom does the CNRS collaborate with (ekg:collaboratesWith is symmetric)?",
        P + "SELECT ?x WHERE { ekd:cnrs ekg:collaboratesWith ?x }",
        {"ekd:inria", "ekd:linagora"}, {"ekd:inria"}),
    OWL + "propertyChainAxiom": ConstructQuestion(
        "What is funded by whom (ekg:receivesFunding ∘ ekg:funder ⊑ ekg:fundedBy)?",
        P + "SELECT ?x ?funder WHERE { ?x ekg:fundedBy ?funder }",
        {("ekd:llm4all", "ekd:anr"), ("ekd:fondation-cnrs", "ekd:google-org"),
         ("ekd:european-ai-plan", "ekd:european-union")}, set()),
    RDFS + "domain": ConstructQuestion(
        "Is something trained on a machine an AI model (rdfs:domain of ekg:trainedOn)?",
        P + "ASK { ekd:probe-model a ekg:AIModel }", True, False, probe=TRAINED_ON_PROBE),
    RDFS + "range": ConstructQuestion(
        "Is a machine something was trained on an infrastructure (rdfs:range of ekg:trainedOn)?",
        P + "ASK { ekd:probe-machine a ekg:Infrastructure }", True, False, probe=TRAINED_ON_PROBE),
}
CONSISTENCY_CONSTRUCTS = {OWL + "disjointWith"}

LAYOUT = layout()


def _answer(result: Any) -> Any:
    if isinstance(result, AskResult):
        return result.value
    rows = [tuple(shorten(t.value) for t in row) for row in result.rows]
    return {r[0] for r in rows} if len(result.variables) == 1 else set(rows)


def _probe_dir(tmp: Path, turtle: str) -> Path:
    folder = tmp / "probe-data"
    folder.mkdir(exist_ok=True)
    (folder / "probe.ttl").write_text(turtle, encoding="utf-8")
    return folder


def _ontology_without(tmp: Path, construct: str) -> Path:
    """A copy of the ontology folder with every axiom of one construct removed (as predicate or as type)."""
    folder = tmp / "ontology-without"
    folder.mkdir(exist_ok=True)
    removed = 0
    for path in LAYOUT.ontology_files():
        kept = []
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if triple.predicate.value == construct or (
                    triple.predicate.value == RDF + "type" and getattr(triple.object, "value", None) == construct):
                removed += 1
                continue
            kept.append(triple)
        # N-Triples is valid Turtle: the loader reads the copy like the original
        (folder / path.name).write_bytes(ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES))
    assert removed, f"the ontology has no {shorten(construct)} axiom to remove"
    return folder


def _graph(tmp: Path, question: ConstructQuestion, regime: str, without: str | None = None):
    ontology = _ontology_without(tmp, without) if without else LAYOUT.ontology_dir
    data = _probe_dir(tmp, question.probe) if question.probe else LAYOUT.data_dir
    return open_graph(GraphLayout(ontology, data, LAYOUT.queries_dir), reasoning=regime, use_cache=False)


IDS = [shorten(c) for c in QUESTIONS]


@pytest.fixture(scope="module")
def graphs(project_graphs):
    return project_graphs


@pytest.mark.parametrize("construct", list(QUESTIONS), ids=IDS)
def test_construct_changes_the_answer(graphs, tmp_path: Path, construct: str) -> None:
    question = QUESTIONS[construct]
    if question.probe:
        with_reasoning = _answer(_graph(tmp_path, question, "owlrl").query(question.sparql))
        without = _answer(_graph(tmp_path, question, "none").query(question.sparql))
    else:
        with_reasoning = _answer(graphs("owlrl").query(question.sparql))
        without = _answer(graphs("none").query(question.sparql))
    assert with_reasoning == question.with_reasoning, question.question
    assert without == question.without, question.question
    assert with_reasoning != without


@pytest.mark.parametrize("construct", list(QUESTIONS), ids=IDS)
def test_the_difference_comes_from_the_construct(tmp_path: Path, construct: str) -> None:
    """OWL 2 RL over the ontology minus this construct answers like no reasoning at all."""
    question = QUESTIONS[construct]
    ablated = _graph(tmp_path, question, "owlrl", without=construct)
    assert _answer(ablated.query(question.sparql)) == question.without, question.question


@pytest.mark.parametrize("probe", [PERSON_AND_ORGANISATION, PERSON_AND_LABORATORY], ids=["direct", "via-subclass"])
def test_disjoint_with_makes_the_graph_inconsistent(tmp_path: Path, probe: str) -> None:
    """owl:disjointWith: a person that is also an organisation is refused under reasoning, not without it,
    and not once the disjointness axiom is removed."""
    question = ConstructQuestion("Can an agent be both a person and an organisation?", "", None, None, probe)
    with pytest.raises(KgError, match="inconsistent"):
        _graph(tmp_path, question, "owlrl")
    _graph(tmp_path, question, "none")  # opens: nothing checks disjointness without reasoning
    _graph(tmp_path, question, "owlrl", without=OWL + "disjointWith")


def test_every_construct_has_a_question(graphs) -> None:
    """The covered constructs are exactly those the ontology uses (declarations and annotations aside)."""
    ontology = [(t.subject.value, t.predicate.value, t.object.value) for t in graphs("none").triples("ontology")]
    used = constructs_used(ontology) - NEUTRAL_VOCABULARY
    assert sorted(set(QUESTIONS) | CONSISTENCY_CONSTRUCTS) == sorted(used)
