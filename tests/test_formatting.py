"""Result formats: the readable table with labels, the W3C formats (checked by parsing them back), order."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.engine.graph import open_graph
from kg.output import formatting, labels
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG, XSD
from kg.shared.paths import layout
from kg.shared.results import AskResult, GraphResult, SelectResult

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini_graph():
    return open_graph(layout(MINI), reasoning="none", use_cache=False)


def n(local: str) -> ox.NamedNode:
    return ox.NamedNode(EKD + local)


# Awkward values on purpose: separators of every format, quotes, a newline, a tab, unicode, a blank node.
HARD = ox.Literal('a,b;"c"|d\te\nf <g> & é', language="fr")
ROWS = [
    (n("lix"), HARD),
    (n("cnrs"), ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))),
    (ox.BlankNode("b0"), None),
    (n("polytechnique"), ox.Literal("plain")),
]
RESULT = SelectResult(["thing", "value"], ROWS)


def test_rows_sorted_unless_ordered() -> None:
    assert formatting.ordered_rows(RESULT) == sorted(ROWS, key=lambda r: tuple(str(t or "") for t in r))
    ordered = SelectResult(["thing", "value"], ROWS, ordered=True)
    assert formatting.ordered_rows(ordered) == ROWS


@pytest.mark.parametrize("fmt, qformat", [("json", ox.QueryResultsFormat.JSON),
                                          ("xml", ox.QueryResultsFormat.XML),
                                          ("tsv", ox.QueryResultsFormat.TSV)])
def test_w3c_formats_keep_terms(fmt: str, qformat: ox.QueryResultsFormat) -> None:
    text = formatting.render(RESULT, fmt)
    parsed = ox.parse_query_results(text.encode("utf-8"), format=qformat)
    names = [v.value for v in parsed.variables]
    assert names == ["thing", "value"]
    rows = [tuple(s[name] for name in names) for s in parsed]
    expected = formatting.ordered_rows(RESULT)
    assert [r[1] for r in rows] == [r[1] for r in expected]
    assert [r[0] if not isinstance(r[0], ox.BlankNode) else "bnode" for r in rows] == \
        [r[0] if not isinstance(r[0], ox.BlankNode) else "bnode" for r in expected]


def test_csv_plain_values_no_question_marks() -> None:
    text = formatting.render(RESULT, "csv")
    assert text.startswith("thing,value\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    by_thing = {r[0]: r[1] for r in rows[1:]}
    assert by_thing[EKD + "lix"] == HARD.value
    assert by_thing[EKD + "cnrs"] == "12"
    assert by_thing["_:b0"] == ""


def test_tsv_header_and_escapes() -> None:
    lines = formatting.render(RESULT, "tsv").splitlines()
    assert lines[0] == "?thing\t?value"
    assert all(line.count("\t") == 1 for line in lines)


def test_jsonl_plain_values() -> None:
    lines = formatting.render(RESULT, "jsonl").splitlines()
    objects = [json.loads(line) for line in lines]
    assert {"thing": EKD + "cnrs", "value": "12"} in objects
    assert {"thing": "_:b0", "value": None} in objects


def test_table_uses_labels_with_fallbacks(mini_graph) -> None:
    result = SelectResult(["org"], [(n("cnrs"),), (n("polytechnique"),), (n("linagora"),), (n("inria-lyon"),),
                                    (ox.NamedNode(EKG + "Laboratory"),)])
    en = formatting.render(result, "table", run=mini_graph.query, lang="en")
    fr = formatting.render(result, "table", run=mini_graph.query, lang="fr")
    assert "École polytechnique" in en  # only a French label: falls back to it
    assert "LINAGORA" in en  # a label without language
    assert "ekd:inria-lyon" in en  # no rdfs:label/prefLabel: the prefixed name
    assert "laboratory" in en.splitlines() and "laboratoire" in fr.splitlines()
    assert en.splitlines()[0] == "org"
    assert en.rstrip().endswith("(5 rows)")


def test_table_without_labels_shows_prefixed_names() -> None:
    text = formatting.render(RESULT, "table")
    assert "ekd:lix" in text and "_:b0" in text
    assert "\n" not in text.splitlines()[2]  # the newline inside the value is flattened


def test_markdown_escapes_pipes() -> None:
    text = formatting.render(RESULT, "md")
    lines = text.splitlines()
    assert lines[0] == "| thing | value |"
    assert lines[1] == "| --- | --- |"
    assert '"c"\\|d' in text  # pipes escaped
    assert "f &lt;g&gt; &amp; é" in text  # no stray HTML
    assert "e<br>f" in text  # line breaks kept inside the cell
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)


def test_label_lookup_prefers_language(mini_graph) -> None:
    found = labels.lookup(mini_graph.query, [EKD + "lix", EKD + "polytechnique", EKD + "inria-lyon"], "en")
    assert found[EKD + "lix"] == "Computer Science Laboratory of École polytechnique"
    assert found[EKD + "polytechnique"] == "École polytechnique"
    assert EKD + "inria-lyon" not in found


def test_ask_formats() -> None:
    assert formatting.render(AskResult(True)) == "true\n"
    assert formatting.render(AskResult(False), "csv") == "false\n"
    assert json.loads(formatting.render(AskResult(True), "json")) == {"head": {}, "boolean": True}
    xml = formatting.render(AskResult(False), "xml")
    assert bool(ox.parse_query_results(xml.encode(), format=ox.QueryResultsFormat.XML)) is False


def test_graph_formats_and_mismatches() -> None:
    triples = [ox.Triple(n("lix"), ox.NamedNode(EKG + "supervisedBy"), n("cnrs"))]
    assert "ekd:lix ekg:supervisedBy ekd:cnrs ." in formatting.render(GraphResult(triples))
    nt = formatting.render(GraphResult(triples), "nt")
    assert [q.triple for q in ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES)] == triples
    with pytest.raises(InputError, match="--format csv: CONSTRUCT/DESCRIBE results print as turtle"):
        formatting.render(GraphResult(triples), "csv")
    with pytest.raises(InputError, match="--format turtle: SELECT results print as table"):
        formatting.render(RESULT, "turtle")
