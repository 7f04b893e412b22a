"""Same answers whatever the engine: every named query under every engine and regime gives the golden rows,
and SHACL validation reports the same results."""

from __future__ import annotations

import pytest
from test_queries_golden import golden_cases, normalise_golden, run_case

from kg.inspection.validate import validate
from kg.shared.paths import layout

ENGINES = ("owlrl", "reasonable")  # the default engine (rules) is what the goldens were made with
REASONED = [c for c in golden_cases() if c.reasoning != "none"]


@pytest.fixture(scope="module", params=ENGINES)
def engine_graphs(request, project_graphs):
    if request.param == "reasonable":
        pytest.importorskip("reasonable")
    return lambda regime: project_graphs(regime, request.param)


@pytest.mark.parametrize("case", REASONED, ids=[c.id for c in REASONED])
def test_every_engine_gives_the_golden_rows(engine_graphs, case) -> None:
    assert run_case(engine_graphs, case) == normalise_golden(case), case.id


@pytest.mark.parametrize("regime", ["rdfs", "owlrl"])
def test_every_engine_gives_the_same_closure_on_the_project_graph(project_graphs, regime: str) -> None:
    def closure(engine: str) -> set[str]:
        return {str(t) for t in project_graphs(regime, engine).triples("inferred")}

    reference = closure("rules")
    for engine in ENGINES:
        if engine == "reasonable":
            pytest.importorskip("reasonable")
        assert closure(engine) == reference, engine


def _results(report) -> set[tuple]:
    return {(r.focus_node, r.path, r.value, r.component, r.source_shape) for r in report.results}


@pytest.mark.parametrize("regime", ["none", "owlrl"])
def test_shacl_results_are_the_same_under_every_engine(project_graphs, regime: str) -> None:
    shapes = layout().shapes_files()
    reports = {engine: validate(project_graphs(regime, engine), shapes) for engine in ("rules", *ENGINES)
               if engine != "reasonable" or pytest.importorskip("reasonable")}
    verdicts = {engine: (r.conforms, _results(r)) for engine, r in reports.items()}
    assert len({(c, frozenset(res)) for c, res in verdicts.values()}) == 1, verdicts
