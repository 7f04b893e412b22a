"""A query's result as the web pages show it: a table whose cells are labelled terms (linked when they are
entities) and, when the query's `#+ view:` asks for one, a chart (a timeline on a time axis, bars of figures).
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.inspection.entity import Node, PageBuilder
from kg.output.pictures import Point, bars_svg, date_position, timeline_svg
from kg.output.values import column_name, inferred_word, quantity
from kg.shared.namespaces import EKG
from kg.shared.records import Record
from kg.shared.results import AskResult, GraphResult, QueryResult, SelectResult


class ResultTable(Record):
    """columns (the variables); rows (lists of Node or None); total (rows before the cut); ask (the answer of an
    ASK, or None); chart (SVG text, "" when none); headings (the columns in words, in the page's language)."""

    _fields = ("columns", "rows", "total", "ask", "chart", "headings")
    _defaults = {"rows": [], "total": 0, "ask": None, "chart": "", "headings": []}  # noqa: RUF012
    __slots__ = _fields

    @property
    def cut(self) -> bool:
        return self.total > len(self.rows)


def result_table(builder: PageBuilder, result: QueryResult, lang: str = "en", max_rows: int = 10_000,
                 view: str = "table") -> ResultTable:
    if isinstance(result, AskResult):
        return ResultTable([], ask=bool(result.value))
    if isinstance(result, GraphResult):
        return triples_table(builder, result, lang, max_rows)
    if not isinstance(result, SelectResult):
        return ResultTable([])
    columns = list(result.variables)
    rows = [[builder.node(t, lang) if t is not None else None for t in row] for row in result.rows[:max_rows]]
    table = ResultTable(columns, rows, len(result.rows), headings=headings(builder, columns, lang))
    if view == "timeline":
        table.chart = timeline_chart(columns, rows, lang)
    elif view == "bar":
        table.chart = bar_chart(columns, rows, lang)
    return table


TRIPLE_COLUMNS = ("subject", "predicate", "object")


def triples_table(builder: PageBuilder, result: GraphResult, lang: str = "en", max_rows: int = 10_000
                  ) -> ResultTable:
    """A CONSTRUCT's answer, one row per triple (subject, predicate, object), in a stable order: the page shows
    the graph a visualisation tool would get (its download links give the RDF itself)."""
    triples = sorted(result.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    rows = [[builder.node(t.subject, lang), builder.node(t.predicate, lang), builder.node(t.object, lang)]
            for t in triples[:max_rows]]
    return ResultTable(list(TRIPLE_COLUMNS), rows, len(triples))


def headings(builder: PageBuilder, columns: list[str], lang: str) -> list[str]:
    """Column names in words: the label of the ontology property named like the variable (`founder` →
    « fondateur »), else the name split into words."""
    labels = {}
    for column in columns:
        prop = ox.NamedNode(EKG + column)
        if builder.labels(prop):
            labels[column] = builder.label(prop, lang)
    return [column_name(c, lang, labels) for c in columns]


def _href(node: Node | None) -> str | None:
    return f"/id/{node.link}" if node is not None and node.link else None


def _describing(row: list[Node | None], skip: int) -> Node | None:
    """The first entity cell of a row other than column `skip`: what a chart's item is about."""
    return next((c for i, c in enumerate(row) if i != skip and c is not None and c.link), None)


def _kind(date: Node, row: list[Node | None], columns: list[str]) -> str:
    """stated, partial (a year or a month only) or inferred (the graph deduced it: an `inferred` column)."""
    if "inferred" in columns:
        flag = row[columns.index("inferred")]
        if flag is not None and isinstance(flag.term, ox.Literal) and flag.term.value in ("true", "1"):
            return "inferred"
    datatype = date.term.datatype.value if isinstance(date.term, ox.Literal) else ""
    return "partial" if datatype.endswith(("#gYear", "#gYearMonth")) else "stated"


def timeline_chart(columns: list[str], rows: list[list[Node | None]], lang: str = "en") -> str:
    """By the first column whose values are dates (or years); rows without a year are left out (the legend says
    how many). Inferred and partial dates are drawn apart from stated ones."""
    for col in range(len(columns)):
        values = [r[col] for r in rows if r[col] is not None]
        if values and all(isinstance(v.term, ox.Literal) for v in values) and any(
                date_position(v.term.value) is not None for v in values):
            points, left_out = [], 0
            for r in rows:
                cell = r[col]
                pos = date_position(cell.term.value) if cell is not None else None
                if pos is None:
                    left_out += cell is not None
                    continue
                about = _describing(r, col)
                kind = _kind(cell, r, columns)
                shown = cell.text + (f" ({inferred_word(lang)})" if kind == "inferred" else "")  # not by shape alone
                points.append(Point(about.text if about else "", pos, shown, _href(about), kind))
            return timeline_svg(points, lang=lang, left_out=left_out)
    return ""


def _number(node: Node | None) -> float | None:
    if node is None or not isinstance(node.term, ox.Literal):
        return None
    try:
        return float(node.term.value)
    except ValueError:
        return None


def _cell(row: list[Node | None], columns: list[str], name: str) -> Node | None:
    return row[columns.index(name)] if name in columns else None


def bar_chart(columns: list[str], rows: list[list[Node | None]], lang: str = "en") -> str:
    """By the first numeric column; one chart per unit when there is a `unit` column (values of different units
    are not drawn on one scale). Each bar's value is worded as the pages word it, qualifier and period kept
    ("more than 750 researchers", "1.5 billion euros over 6 years")."""
    col = next((i for i in range(len(columns)) if any(_number(r[i]) is not None for r in rows)), None)
    if col is None:
        return ""
    words = [n for n in ("unit", "qualifier", "duration") if n in columns]
    skip = {col, *(columns.index(n) for n in words)}
    groups: dict[str, list[Point]] = {}
    for r in rows:
        value = _number(r[col])
        if value is None:
            continue
        unit, qualifier, duration = (_cell(r, columns, n) for n in ("unit", "qualifier", "duration"))
        linked = [c for i, c in enumerate(r) if c is not None and c.link and i not in skip]
        about = linked[0] if linked else None
        label = " — ".join(c.text for c in linked[:2])
        text = quantity(r[col].term, lang, unit.name if unit else "", qualifier.name if qualifier else "")
        if duration is not None:
            text += (" sur " if lang == "fr" else " over ") + duration.text
        groups.setdefault(unit.name if unit else "", []).append(Point(label, value, text, _href(about)))
    return "".join(bars_svg(points, title=unit) for unit, points in sorted(groups.items()))
