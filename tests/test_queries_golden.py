"""Golden results of the named queries in queries/, and the rules every named query follows.

Every query runs on the embedded project graph with the reasoning its header declares, once with its default
parameters (`tests/golden/NAME.json`), once per representative parameter set of VARIANTS
(`NAME__VARIANT.json`) and, for queries that need reasoning, once more without it (`NAME__none.json`) to show
what reasoning adds. After a deliberate change to the data, the ontology or a query:

    .venv/bin/python scripts/regen_golden.py      # then review `git diff tests/golden`

The helpers are importable so that the same goldens can be checked against a remote store:

    from test_queries_golden import golden_cases, run_case, normalise
    for case in golden_cases():
        assert run_case(remote_factory, case, canonical=True) == normalise_golden(case, canonical=True)

`kgraph_factory(reasoning)` must return an object whose `.query(sparql)` returns a kg.shared.results result.
`canonical=True` lower-cases language tags and writes numbers in one canonical lexical form (Virtuoso, for one,
lower-cases tags and rewrites numbers), so that only differences in meaning remain.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox
import pytest

from kg.query.catalog import NamedQuery, get, load_catalog, prepare
from kg.shared.results import AskResult, GraphResult, SelectResult

REPO = Path(__file__).resolve().parent.parent
QUERIES_DIR = REPO / "queries"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Representative parameter values, by query and variant name. Every query with parameters has at least one.
VARIANTS: dict[str, dict[str, dict[str, str]]] = {
    "affiliations": {"person-nazarenko": {"person": "ekd:adeline-nazarenko"}, "org-cnrs": {"org": "ekd:cnrs"}},
    "agent-types": {"linto": {"entity": "ekd:linto"}},
    "agreement-axes": {"cnrs-linagora": {"agreement": "ekd:cnrs-linagora-framework-agreement"}},
    "collaborates-with": {"cnrs": {"agent": "ekd:cnrs"}},
    "collaborations": {"lix": {"partner": "ekd:lix"}},
    "contributors": {"bloom": {"product": "ekd:bloom"}},
    "developers": {"lix": {"developer": "ekd:lix"}},
    "document-mentions": {"doc-004": {"document": "ekd:doc-004"}},
    "event-participants": {"summit": {"event": "ekd:ai-action-summit"}},
    "events-attended": {"zapolsky": {"agent": "ekd:alexandre-zapolsky"}},
    "figures": {"linagora": {"subject": "ekd:linagora"},
                "funded-projects": {"measure": "ekd:measure-funded-projects"}},
    "figures-at-least": {"billion": {"min": "1000000000"},
                         "people-100": {"min": "100", "unit": "ekd:unit-person"}},
    "founders": {"linagora": {"org": "ekd:linagora"}},
    "framework-agreement": {"cnrs-linagora": {"agreement": "ekd:cnrs-linagora-framework-agreement"}},
    "funded-by": {"anr": {"funder": "ekd:anr"}},
    "fundings": {"google-org": {"funder": "ekd:google-org"}},
    "infrastructure": {"jean-zay": {"infrastructure": "ekd:jean-zay"}},
    "is-part-of": {"committee-cnrs": {"unit": "ekd:aissai-steering-committee", "org": "ekd:cnrs"},
                   "lix-inria": {"unit": "ekd:lix", "org": "ekd:inria"}},
    "lab-parents": {"loria": {"lab": "ekd:loria"}},
    "labs-of-institution": {"inria": {"institution": "ekd:inria"}},
    "licence-policies": {"agpl": {"licence": "ekd:agpl-3"}},
    "licences": {"agpl": {"licence": "ekd:agpl-3"}},
    "members-of": {"linagora": {"org": "ekd:linagora"}},
    "mentioned-by-several": {"min-4": {"min": "4"}},
    "not-stated": {"title": {"property": "dcterms:title"}},
    "organisation-hierarchy": {"committee": {"unit": "ekd:aissai-steering-committee"}},
    "people-roles": {"maudet-en": {"person": "ekd:michel-marie-maudet", "lang": "en"}},
    "places": {"issy": {"place": "ekd:issy-les-moulineaux"}},
    "product-users": {"hugging-face": {"user": "ekd:hugging-face"}},
    "products": {"software": {"category": "ekg:Software"}},
    "programme-figures": {"pepr-ia": {"programme": "ekd:pepr-ia"}},
    "programme-pilots": {"ensemble": {"programme": "ekd:pepr-ensemble"}},
    "programmes": {"pepr-ia": {"initiative": "ekd:pepr-ia"}},
    "quotations": {"petit": {"speaker": "ekd:antoine-petit"}},
    "summit-announcements": {"summit": {"event": "ekd:ai-action-summit"}},
    "timeline": {"2025": {"year": "2025"}, "since-2024-06": {"since": "2024-06-01"}},
    "title-variants": {"zapolsky": {"person": "ekd:alexandre-zapolsky"}},
    "which-document": {"lix-supervised-by": {"subject": "ekd:lix", "predicate": "ekg:supervisedBy"},
                       "roles-of-petit": {"predicate": "ekg:roleHolder", "object": "ekd:antoine-petit"},
                       "signatories": {"predicate": "ekg:signatory"}},
}


class GoldenCase(NamedTuple):
    """One run of a named query: its parameters, the reasoning regime, and the file holding the answer."""

    name: str
    params: dict[str, str]
    reasoning: str
    path: Path

    @property
    def id(self) -> str:
        return self.path.stem


@functools.lru_cache(maxsize=4)
def _catalog(queries_dir: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    return load_catalog(queries_dir)


def golden_cases(queries_dir: Path = QUERIES_DIR, golden_dir: Path = GOLDEN_DIR) -> list[GoldenCase]:
    """Every golden case: defaults, representative values, and `none` for queries that declare reasoning."""
    cases = []
    for name, query in _catalog(queries_dir).items():
        cases.append(GoldenCase(name, {}, query.reasoning, golden_dir / f"{name}.json"))
        for variant, params in VARIANTS.get(name, {}).items():
            cases.append(GoldenCase(name, dict(params), query.reasoning, golden_dir / f"{name}__{variant}.json"))
        if query.reasoning != "none":
            cases.append(GoldenCase(name, {}, "none", golden_dir / f"{name}__none.json"))
    return cases


# -- normalisation ---------------------------------------------------------------------------------------
_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + "double", XSD + "float"}


def _canonical_literal(term: ox.Literal) -> ox.Literal:
    """One lexical form per value: lower-case language tags; canonical xsd:integer, decimal, double, boolean;
    a duration as one number (see _duration_number)."""
    if term.language:
        return ox.Literal(term.value, language=term.language.lower())
    datatype = term.datatype.value
    text = term.value.strip()
    try:
        if datatype in _INTEGER_TYPES:
            return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
        if datatype == XSD + "decimal":
            number = Decimal(text)
            if number == number.to_integral_value():
                lexical = str(int(number))
            else:
                lexical = format(number.normalize(), "f")
            return ox.Literal(lexical, datatype=term.datatype)
        if datatype in _FLOAT_TYPES:
            return ox.Literal(repr(float(text)), datatype=term.datatype)
        if datatype == XSD + "duration":
            return ox.Literal(_duration_number(text), datatype=term.datatype)
        if datatype == XSD + "boolean" and text in ("1", "0"):
            return ox.Literal("true" if text == "1" else "false", datatype=term.datatype)
    except (ValueError, InvalidOperation):
        return term
    return term


_DURATION = re.compile(r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _duration_number(text: str) -> str:
    """A duration as one number, the form Virtuoso returns: total months for a year-month duration ("P6Y" ->
    "72"), total seconds for a day-time one; other forms (mixed, or already a number) are kept."""
    match = _DURATION.match(text)
    if not match or text in ("P", "-P") or text.endswith("T"):
        return text
    sign, years, months, days, hours, minutes, seconds = match.groups()
    year_month = int(years or 0) * 12 + int(months or 0)
    day_time = (int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or 0) * 60
                + Decimal(seconds or 0))
    if year_month and day_time:
        return text
    number = year_month if year_month else day_time
    lexical = str(int(number)) if number == int(number) else format(Decimal(number).normalize(), "f")
    return f"-{lexical}" if sign and number else lexical


def term_text(term: Any, canonical: bool = False) -> str | None:
    """A term in N-Triples syntax (blank nodes as `_:b`, their labels mean nothing); None stays None."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return "_:b"
    if isinstance(term, ox.Literal) and canonical:
        term = _canonical_literal(term)
    return str(term)


def _sort_key(row: list[str | None]) -> list[tuple[int, str]]:
    return [(0, "") if t is None else (1, t) for t in row]


def normalise(rows: Any, canonical: bool = False) -> Any:
    """Comparable data for a result: SELECT rows (a SelectResult or rows of terms) as a sorted list of lists of
    N-Triples terms (None when unbound); CONSTRUCT triples as sorted N-Triples lines; ASK as a boolean."""
    if isinstance(rows, AskResult):
        return rows.value
    if isinstance(rows, bool):
        return rows
    if isinstance(rows, GraphResult):
        lines = {" ".join(term_text(t, canonical) or "" for t in (tr.subject, tr.predicate, tr.object)) + " ."
                 for tr in rows.triples}
        return sorted(lines)
    if isinstance(rows, SelectResult):
        rows = rows.rows
    table = [[term_text(t, canonical) for t in row] for row in rows]
    return sorted(table, key=_sort_key)


def _run(kgraph_factory: Callable[[str], Any], case: GoldenCase) -> Any:
    query = get(_catalog(), case.name)
    return kgraph_factory(case.reasoning).query(prepare(query, case.params))


def run_case(kgraph_factory: Callable[[str], Any], case: GoldenCase, canonical: bool = False) -> Any:
    """Run one golden case on the graph the factory gives for its regime, and normalise the answer."""
    return normalise(_run(kgraph_factory, case), canonical)


def golden_record(kgraph_factory: Callable[[str], Any], case: GoldenCase) -> dict[str, Any]:
    """What a golden file holds: the case, the query form, the variables (SELECT) and the normalised result."""
    result = _run(kgraph_factory, case)
    record: dict[str, Any] = {"query": case.name, "params": case.params, "reasoning": case.reasoning,
                              "form": result.kind}
    if isinstance(result, SelectResult):
        record["variables"] = list(result.variables)
    record["result"] = normalise(result)
    return record


def dump_record(record: Mapping[str, Any]) -> str:
    """JSON with one result row per line, so that a diff shows which rows changed."""
    lines = ["{"]
    for key, value in record.items():
        if key != "result":
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    result = record["result"]
    if isinstance(result, list) and result:
        lines.append('  "result": [')
        body = [f"    {json.dumps(row, ensure_ascii=False)}" for row in result]
        lines.append(",\n".join(body))
        lines.append("  ]")
    else:
        lines.append(f'  "result": {json.dumps(result)}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_golden(case: GoldenCase) -> dict[str, Any]:
    return json.loads(case.path.read_text(encoding="utf-8"))


def normalise_golden(case: GoldenCase, canonical: bool = False) -> Any:
    """The stored answer of a case, normalised the same way as a live one (for checks against other stores)."""
    record = load_golden(case)
    result = record["result"]
    if not canonical or isinstance(result, bool):
        return result
    if record["form"] == "graph":
        return sorted(_canonical_line(line) for line in result)
    return sorted(([None if t is None else term_text(_parse_term(t), True) for t in row] for row in result),
                  key=_sort_key)


def _parse_term(text: str) -> Any:
    """A term back from its N-Triples text."""
    if text.startswith("_:"):
        return ox.BlankNode()
    return next(iter(ox.parse(f"<urn:s> <urn:p> {text} .", ox.RdfFormat.N_TRIPLES))).object


def _canonical_line(line: str) -> str:
    quad = next(iter(ox.parse(line, ox.RdfFormat.N_TRIPLES)))
    return " ".join(term_text(t, True) or "" for t in (quad.subject, quad.predicate, quad.object)) + " ."


# -- fixtures ----------------------------------------------------------------------------------------------
CASES = golden_cases()


@pytest.fixture(scope="module")
def graphs(project_graphs) -> Callable[[str], Any]:
    return project_graphs


# -- the goldens -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_golden(graphs, case: GoldenCase) -> None:
    assert case.path.is_file(), f"{case.path.name} is missing: run scripts/regen_golden.py and review the diff"
    expected = load_golden(case)
    actual = golden_record(graphs, case)
    assert (expected["query"], expected["params"], expected["reasoning"]) == (case.name, case.params,
                                                                                case.reasoning)
    assert actual["form"] == expected["form"]
    assert actual.get("variables") == expected.get("variables")
    assert actual["result"] == expected["result"], (
        f"{case.id} answers differently from {case.path.name}; if the change is deliberate, "
        "run scripts/regen_golden.py and review the diff")


def test_every_query_has_a_golden_and_every_golden_a_case() -> None:
    expected = {c.path.name for c in CASES}
    stored = {p.name for p in GOLDEN_DIR.glob("*.json")}
    assert sorted(expected - stored) == [], "queries without golden results"
    assert sorted(stored - expected) == [], "golden files without a query or variant"
    assert {c.name for c in CASES} == set(_catalog())


def test_variants_name_real_queries_and_parameters() -> None:
    catalog = _catalog()
    for name, variants in VARIANTS.items():
        assert name in catalog, f"VARIANTS names an unknown query {name!r}"
        declared = {p.name for p in catalog[name].params}
        for variant, params in variants.items():
            assert params, f"{name}__{variant} binds nothing"
            assert set(params) <= declared, f"{name}__{variant}: undeclared parameters {set(params) - declared}"
    unvaried = [n for n, q in catalog.items() if q.params and n not in VARIANTS]
    assert unvaried == [], "parameterised queries without a representative value in VARIANTS"


NOTHING = {"iri": "ekd:no-such-entity", "integer": "999999", "decimal": "999999999999999999",
           "string": "no such value", "langstring": "no such value@fr", "date": "9999-12-31", "boolean": "false"}


@pytest.mark.parametrize("name", sorted(n for n, q in _catalog().items() if q.params))
def test_every_parameter_restricts_the_answer(graphs, name: str) -> None:
    """A parameter bound to a value that matches nothing empties the answer: it is really bound, not ignored."""
    query = _catalog()[name]
    default = run_case(graphs, GoldenCase(name, {}, query.reasoning, GOLDEN_DIR / "unused.json"))
    for param in query.params:
        if param.type == "boolean":
            continue
        case = GoldenCase(name, {param.name: NOTHING[param.type]}, query.reasoning, GOLDEN_DIR / "unused.json")
        answer = run_case(graphs, case)
        assert answer in ([], False), f"{name}: {param.name}={NOTHING[param.type]} still answers"
        if name != "which-document":  # with no parameter at all, which-document answers nothing on purpose
            assert answer != default, f"{name}: the default answer is already empty"


# -- what reasoning adds ------------------------------------------------------------------------------------
REASONING_QUERIES = [n for n, q in _catalog().items() if q.reasoning != "none"]


def _size(answer: Any) -> int:
    return int(answer) if isinstance(answer, bool) else len(answer)


def test_at_least_six_queries_need_reasoning() -> None:
    assert len(REASONING_QUERIES) >= 6


@pytest.mark.parametrize("name", REASONING_QUERIES)
def test_reasoning_answers_more_than_none(graphs, name: str) -> None:
    """Under the declared regime the query answers strictly more than with `--reasoning none` (an ASK: true
    against false), and everything the plain graph answers is still answered."""
    regime = _catalog()[name].reasoning
    with_reasoning = run_case(graphs, GoldenCase(name, {}, regime, GOLDEN_DIR / f"{name}.json"))
    without = run_case(graphs, GoldenCase(name, {}, "none", GOLDEN_DIR / f"{name}__none.json"))
    assert _size(without) < _size(with_reasoning)
    if isinstance(without, list):
        assert [row for row in without if row not in with_reasoning] == []


# -- rules for every named query -----------------------------------------------------------------------------
def test_catalogue_size() -> None:
    catalog = _catalog()
    assert len(catalog) >= 28
    assert sum(1 for q in catalog.values() if q.params) >= 8


@pytest.mark.parametrize("name", sorted(_catalog()))
def test_query_is_complete_and_portable(name: str) -> None:
    """A full header, its own PREFIX lines (it runs unchanged in any SPARQL tool), a stable order."""
    query = _catalog()[name]
    header = [line for line in query.text.splitlines() if line.startswith("#+")]
    for key in ("summary", "tags", "reasoning"):
        assert any(line.startswith(f"#+ {key}:") for line in header), f"{name}: no '#+ {key}:' line"
    assert query.tags
    ox.Store().query(query.text)  # no project prefixes given: raises SyntaxError on an undeclared prefix
    if query.form == "select":
        assert "ORDER BY" in query.text.upper(), f"{name}: a SELECT needs ORDER BY for a stable order"
    for param in query.params:
        assert param.description, f"{name}: parameter {param.name} has no description"


# -- normalisation ---------------------------------------------------------------------------------------------
def test_normalise_canonical_forms() -> None:
    decimal, integer, xint, duration = (ox.NamedNode(XSD + t) for t in ("decimal", "integer", "int", "duration"))
    # pyoxigraph already lower-cases language tags; canonical=True makes sure of it for any term source
    rows = [(ox.Literal("Paris", language="FR"), ox.Literal("73000000.0", datatype=decimal)),
            (ox.Literal("2.50", datatype=decimal), ox.Literal("007", datatype=xint)),
            (None, ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean"))),
            (ox.Literal("P6Y", datatype=duration), ox.Literal("PT1M30S", datatype=duration))]
    plain = normalise(rows)
    assert ['"Paris"@fr', f'"73000000.0"^^<{decimal.value}>'] in plain  # as given: only canonical rewrites
    canonical = normalise(rows, canonical=True)
    assert canonical == sorted([
        ['"Paris"@fr', f'"73000000"^^<{decimal.value}>'],
        [f'"2.5"^^<{decimal.value}>', f'"7"^^<{integer.value}>'],
        [None, f'"true"^^<{XSD}boolean>'],
        [f'"72"^^<{duration.value}>', f'"90"^^<{duration.value}>'],
    ], key=_sort_key)
    assert _duration_number("72") == "72" and _duration_number("P1Y2DT3H") == "P1Y2DT3H"
    assert normalise(AskResult(True)) is True


def test_canonical_goldens_match_canonical_answers(graphs) -> None:
    """What a remote check does (stored golden vs live answer, both canonical) holds on the embedded graph."""
    for case in CASES:
        assert normalise_golden(case, canonical=True) == run_case(graphs, case, canonical=True), case.id


# -- the same answers through the CLI ----------------------------------------------------------------------------
def test_cli_answers_like_the_golden() -> None:
    from click.testing import CliRunner

    from kg.cli.main import cli

    case = next(c for c in CASES if c.id == "quotations__petit")
    env = {"KG_QUERIES_DIR": None, "KG_DATA_DIR": None, "KG_ENDPOINT": None}
    result = CliRunner().invoke(cli, ["query", "quotations", "-p", "speaker=ekd:antoine-petit", "--format",
                                      "json", "--no-cache"], env=env)
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.output)["results"]["bindings"]
    assert len(bindings) == len(load_golden(case)["result"])
    asked = CliRunner().invoke(cli, ["query", "is-part-of", "-p", "unit=ekd:lix", "-p", "org=ekd:inria",
                                     "--no-cache"], env=env)
    assert asked.exit_code == 1 and asked.output.strip() == "false"



# -- the generated catalogue ---------------------------------------------------------------------------------------
def test_docs_catalogue_is_up_to_date() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_query_docs", REPO / "scripts" / "gen_query_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render_query_docs(_catalog())
    assert (REPO / "docs" / "queries.md").read_text(encoding="utf-8") == expected, (
        "docs/queries.md is out of date: run scripts/regen_golden.py (or scripts/gen_query_docs.py)")
