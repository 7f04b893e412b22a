"""The benchmark's synthetic graph generator (benchmarks/synth.py): deterministic, the project's proportions,
a part-of hierarchy at least 3 deep, and every OWL construct of the ontology exercised. No timings here."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import synth  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "engine" / "data" / "sample.ttl"
EKD_IRI = re.compile(r"<(https://w3id\.org/ecosystem-kg/id/[^>]*)>")


@pytest.fixture(scope="module")
def seed() -> synth.Seed:
    """The engine fixture as seed: small, stable whatever data/ holds while the project data is written."""
    return synth.read_seed([FIXTURE])


def text(seed: synth.Seed, replicas: int) -> str:
    return "".join(synth.generate(seed, replicas))


def lines_of(nt: str) -> list[str]:
    return [line[:-2] for line in nt.splitlines() if line]


def test_parse_size() -> None:
    assert synth.parse_size("10k") == 10_000
    assert synth.parse_size("1M") == 1_000_000
    assert synth.parse_size("2500") == 2500
    with pytest.raises(ValueError, match="not a size"):
        synth.parse_size("lots")


def test_seed_is_read_the_same_way_twice(seed: synth.Seed) -> None:
    again = synth.read_seed([FIXTURE])
    assert again.lines == seed.lines
    assert again.digest == seed.digest
    assert (again.anchor, again.deepest, again.roots) == (seed.anchor, seed.deepest, seed.roots)


def test_generation_is_deterministic(seed: synth.Seed) -> None:
    assert text(seed, 20) == text(synth.read_seed([FIXTURE]), 20)


def test_output_is_valid_ntriples_without_duplicates(seed: synth.Seed) -> None:
    nt = text(seed, 27)
    triples = list(ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == len(set(triples)) == synth.count_lines(seed, 27)


def test_replicas_rename_every_data_iri_and_keep_shape_constraints(seed: synth.Seed) -> None:
    nt = text(seed, 14)
    iris = set(EKD_IRI.findall(nt))
    assert iris
    assert all(re.fullmatch(r"https://w3id\.org/ecosystem-kg/id/[a-z0-9][a-z0-9-]*", i) for i in iris)
    seed_iris = set(EKD_IRI.findall("\n".join(seed.lines)))
    assert not iris & seed_iris  # nothing of the seed is left under its own name
    assert {f"{i}-r13" for i in seed_iris} <= iris


def test_class_and_property_proportions_are_the_seeds(seed: synth.Seed) -> None:
    replicas = 26
    seed_classes, seed_props = synth.proportions(seed.replicable)
    classes, props = synth.proportions(lines_of(text(seed, replicas)))
    links_and_kit = Counter()
    for c in range(2):
        kc, kp = synth.proportions(lines_of(synth.kit_lines(seed, c, replicas)))
        links_and_kit.update(kp)
        links_and_kit.update({("class", k): v for k, v in kc.items()})
    for r in range(replicas):
        links_and_kit.update(synth.proportions(lines_of(synth.link_lines(seed, r)))[1])
    for prop, n in seed_props.items():
        assert props[prop] == replicas * n + links_and_kit[prop], prop
    for cls, n in seed_classes.items():
        assert classes[cls] == replicas * n + links_and_kit[("class", cls)], cls
    # what the kit and links add stays a small part of the graph
    assert sum(links_and_kit.values()) < 0.25 * sum(props.values())


def test_part_of_hierarchy_is_at_least_three_deep(seed: synth.Seed) -> None:
    assert synth.part_of_depth(lines_of(text(seed, 1))) >= 3
    deep = synth.part_of_depth(lines_of(text(seed, synth.CLUSTER)))
    assert deep == seed.depth + 3  # kit team under the seed's deepest unit, two replica levels above


def test_closure_grows_linearly_with_clusters(seed: synth.Seed) -> None:
    """Clusters are independent trees: two clusters have the same depth as one."""
    one = synth.part_of_depth(lines_of(text(seed, synth.CLUSTER)))
    two = synth.part_of_depth(lines_of(text(seed, 2 * synth.CLUSTER)))
    assert one == two


def test_plan_reaches_the_target(seed: synth.Seed) -> None:
    plan = synth.plan_for(seed, 5_000, ontology_triples=1_000)
    per_replica = synth.count_lines(seed, plan.replicas) / plan.replicas
    assert abs(plan.data_triples + 1_000 - 5_000) <= per_replica / 2 + 60  # one replica, or one cluster's kit
    assert plan.data_triples == synth.count_lines(seed, plan.replicas)


def test_every_owl_construct_fires_on_a_small_graph(seed: synth.Seed, tmp_path: Path) -> None:
    """Reason on 13 replicas with kg's engine and ask the closure what each construct derived."""
    meta = synth.write(tmp_path, 1_000 + synth.ontology_triples(), seed)
    assert meta["replicas"] >= 1
    checks = synth.check(tmp_path)
    names = " ".join(checks)
    for chain in ("ekg:memberOf", "ekg:affiliatedWith", "ekg:fundedBy", "ekg:attended"):
        assert f"chain {chain} =" in names
    assert "transitive ekg:subOrganisationOf" in checks and "symmetric ekg:collaboratesWith" in checks
    fired = {name: n for name, n in checks.items() if not name.startswith("disjointWith")}
    assert all(n > 0 for n in fired.values()), {k: v for k, v in fired.items() if not v}
    assert checks["disjointWith violations (cax-dw, 0 expected)"] == 0


def test_probe_names_an_inferred_triple(seed: synth.Seed, tmp_path: Path) -> None:
    meta = synth.write(tmp_path, 2_000, seed)
    s, p, o = meta["probe"]
    nt = (tmp_path / "data" / "synthetic.ttl").read_text(encoding="utf-8")
    assert f"<{s}>" in nt and f"<{o}>" in nt
    assert f"<{s}> <{p}> <{o}> ." not in nt  # not asserted: kg explain has something to explain
