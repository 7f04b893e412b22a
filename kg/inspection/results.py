"""A query's result as the web pages show it: a table whose cells are labelled terms (linked when they are
entities) and, when the query's `#+ view:` asks for one, a chart (a timeline on a time axis, bars of figures).
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.inspection.entity import Node, PageBuilder
from kg.output.pictures import Point, bars_svg, date_position, timeline_svg
from kg.shared.records import Record
from kg.shared.results import AskResult, GraphResult, QueryResult, SelectResult


class ResultTable(Record):
    """columns; rows (lists of Node or None); total (rows before the cut); ask (the answer of an ASK, or None);
    chart (SVG text, "" when none)."""

    _fields = ("columns", "rows", "total", "ask", "chart")
    _defaults = {"rows": [], "total": 0, "ask": None, "chart": ""}  # noqa: RUF012
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
    table = ResultTable(columns, rows, len(result.rows))
    if view == "timeline":
        table.chart = timeline_chart(columns, rows)
    elif view == "bar":
        table.chart = bar_chart(columns, rows)
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


def _href(node: Node | None) -> str | None:
    return f"/id/{node.link}" if node is not None and node.link else None


def _describing(row: list[Node | None], skip: int) -> Node | None:
    """The first entity cell of a row other than column `skip`: what a chart's item is about."""
    return next((c for i, c in enumerate(row) if i != skip and c is not None and c.link), None)


def timeline_chart(columns: list[str], rows: list[list[Node | None]]) -> str:
    """By the first column whose values are dates (or years); rows without a year are left out."""
    for col in range(len(columns)):
        values = [r[col] for r in rows if r[col] is not None]
        if values and all(isinstance(v.term, ox.Literal) for v in values) and any(
                date_position(v.text) is not None for v in values):
            points = []
            for r in rows:
                cell = r[col]
                pos = date_position(cell.text) if cell is not None else None
                if pos is None:
                    continue
                about = _describing(r, col)
                points.append(Point(about.text if about else "", pos, cell.text, _href(about)))
            return timeline_svg(points)
    return ""


def _number(node: Node | None) -> float | None:
    if node is None or not isinstance(node.term, ox.Literal):
        return None
    try:
        return float(node.term.value)
    except ValueError:
        return None


def bar_chart(columns: list[str], rows: list[list[Node | None]]) -> str:
    """By the first numeric column; one chart per unit when there is a `unit` column (values of different units
    are not drawn on one scale)."""
    col = next((i for i in range(len(columns)) if any(_number(r[i]) is not None for r in rows)), None)
    if col is None:
        return ""
    unit_col = columns.index("unit") if "unit" in columns else None
    groups: dict[str, list[Point]] = {}
    for r in rows:
        value = _number(r[col])
        if value is None:
            continue
        unit = r[unit_col].text if unit_col is not None and r[unit_col] is not None else ""
        linked = [c for i, c in enumerate(r) if c is not None and c.link and i not in (col, unit_col)]
        about = linked[0] if linked else None
        label = " — ".join(c.text for c in linked[:2])
        text = f"{value:,.0f}".replace(",", " ") if value == int(value) else f"{value:g}"
        groups.setdefault(unit, []).append(Point(label, value,
                                                 f"{text} {unit}".strip(), _href(about)))
    return "".join(bars_svg(points, title=unit) for unit, points in sorted(groups.items()))
