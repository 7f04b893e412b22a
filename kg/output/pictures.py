"""Pictures drawn on the server as SVG text (no JavaScript, nothing fetched): an entity's neighbourhood as a
clickable node-link drawing, a timeline of dated rows, and bars of figures.

Every text and attribute that comes from the graph is escaped here; links are local paths only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from html import escape

from kg.shared.records import Record


class Spot(Record):
    """One drawn node: text (label), href (local path or None), via (the edge's label), outgoing."""

    _fields = ("text", "href", "via", "outgoing")
    _defaults = {"via": "", "outgoing": True}  # noqa: RUF012
    __slots__ = _fields


def _role(items: Sequence[Spot] | Sequence[Point]) -> str:
    """An image, or a group when it holds links (an image's content is not interactive; each link is named by
    its <title>)."""
    return 'role="group"' if any(i.href for i in items) else 'role="img"'


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


PICTURE_WORDS = {
    "en": {"out": "what it states →", "in": "← what states it", "shown": "{n} of {m} neighbours shown",
           "legend": "grey italics: how each is linked"},
    "fr": {"out": "ce qu’il déclare →", "in": "← ce qui le cite", "shown": "{n} voisins montrés sur {m}",
           "legend": "italique gris : le lien de chacun"},
}


def _column(spots: Sequence[Spot], row: int, top: float) -> list[tuple[Spot | str, float]]:
    """Rows of one column: a heading per relation, then its neighbours, one line each (nothing overlaps)."""
    out: list[tuple[Spot | str, float]] = []
    y = top
    last = None
    for spot in spots:
        if spot.via != last:
            if last is not None:
                y += row * 0.4
            out.append((spot.via, y))
            y += row
            last = spot.via
        out.append((spot, y))
        y += row
    return out


def neighbourhood_svg(centre: str, spots: Sequence[Spot], *, width: int = 760, height: int = 460,
                      label_width: int = 26, total: int | None = None, lang: str = "en") -> str:
    """The entity in the middle, the things it states on the right and those that state it on the left, each
    relation a heading over its neighbours, one row each: no label can overlap another. A legend says which side
    is which and, when the drawing is capped, how many of the neighbours it shows. `height` is a minimum."""
    words = PICTURE_WORDS["fr" if lang == "fr" else "en"]
    row = 20
    top = 64
    right = _column([s for s in spots if s.outgoing], row, top)
    left = _column([s for s in spots if not s.outgoing], row, top)
    rows_end = max([y for _, y in right + left] or [top])
    height = int(max(height if not spots else 0, rows_end + row + 10, 180))
    cx, cy = width / 2, max(top + 10, min(rows_end, top + (rows_end - top) / 2))
    gap = width * 0.22
    lx, rx = cx - gap, cx + gap
    shown = len(spots)
    caption = words["shown"].format(n=shown, m=total) if total is not None and total > shown else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="neighbourhood" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" {_role(spots)} aria-label="{escape(centre)}: '
             f'{escape(caption or str(shown))}">',
             f'<text x="{lx:.1f}" y="18" class="legend side" text-anchor="middle">{escape(words["in"])}</text>',
             f'<text x="{rx:.1f}" y="18" class="legend side" text-anchor="middle">{escape(words["out"])}</text>',
             f'<text x="{cx:.1f}" y="38" class="legend" text-anchor="middle">{escape(words["legend"])}'
             + (f' · {escape(caption)}' if caption else "") + "</text>"]
    for column, x, anchor, shift in ((left, lx, "end", -10), (right, rx, "start", 10)):
        for item, y in column:
            if isinstance(item, str):
                parts.append(f'<text x="{x + shift:.1f}" y="{y + 4:.1f}" class="edge-label" text-anchor="{anchor}">'
                             f'{escape(_clip(item, label_width + 4))}</text>')
                continue
            parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" class="edge"/>')
    for column, x, anchor, shift in ((left, lx, "end", -10), (right, rx, "start", 10)):
        for item, y in column:
            if isinstance(item, str):
                continue
            node = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" class="node"/>'
                    f'<text x="{x + shift:.1f}" y="{y + 4:.1f}" class="node-label" text-anchor="{anchor}">'
                    f'{escape(_clip(item.text, label_width))}</text>')
            if item.href:
                node = f'<a href="{escape(item.href)}"><title>{escape(item.via)}: {escape(item.text)}</title>{node}</a>'
            parts.append(node)
    parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="11" class="centre"/>'
                 f'<text x="{cx:.1f}" y="{cy - 16:.1f}" class="centre-label">{escape(_clip(centre, 30))}</text>')
    parts.append("</svg>")
    return "".join(parts)


# -- charts of query results -------------------------------------------------------------------------
_DATE = r"^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?"


def date_position(text: str) -> float | None:
    """A date, year-month or year as a fractional year (2024-07-01 → 2024.5); None for what has no year."""
    match = re.match(_DATE, text.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2) or 1)
    day = int(match.group(3) or 1)
    return year + (month - 1) / 12 + (day - 1) / 365


class Point(Record):
    """One item of a chart: label, value (number or fractional year), text (the value as shown), href; kind (a
    timeline's date: stated, partial — a year or a month only —, or inferred by the graph)."""

    _fields = ("label", "value", "text", "href", "kind")
    _defaults = {"href": None, "kind": "stated"}  # noqa: RUF012
    __slots__ = _fields


LEGEND = {
    "en": {"stated": "date stated in the text", "partial": "year or month only",
           "inferred": "date inferred by the graph",
           "left_out": "without a year, not drawn"},
    "fr": {"stated": "date écrite dans le texte", "partial": "année ou mois seulement",
           "inferred": "date déduite par le graphe", "left_out": "sans année, non placées"},
}


def _mark(kind: str, x: float, y: float) -> str:
    """A stated date is a filled dot, a partial one a hollow square, an inferred one a hollow dashed dot."""
    if kind == "partial":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" class="dot partial"/>'
    if kind == "inferred":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" class="dot inferred"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" class="dot"/>'


def timeline_svg(points: Sequence[Point], *, width: int = 1150, row: int = 22, lang: str = "en",
                 left_out: int = 0) -> str:
    """Dated items on a horizontal time axis, one row each, oldest first (the labels get the room right of the
    axis's end), under a legend of the kinds of date drawn (and how many rows had no year to place)."""
    points = sorted(points, key=lambda p: (p.value, p.label))
    if not points:
        return ""
    low, high = math.floor(points[0].value), math.floor(points[-1].value) + 1
    left, right = 40, width - 480
    words = LEGEND["fr" if lang == "fr" else "en"]
    kinds = [k for k in ("stated", "partial", "inferred") if any(p.kind == k for p in points)]
    legend = [_mark(k, 10 + 240 * i, 10) + f'<text x="{20 + 240 * i}" y="14" class="legend">{escape(words[k])}</text>'
              for i, k in enumerate(kinds)]
    if left_out:
        legend.append(f'<text x="{10 + 240 * len(kinds)}" y="14" class="legend">{left_out} {escape(words["left_out"])}'
                      f'</text>')
    shift = 26
    height = 40 + shift + row * len(points)

    def x(v: float) -> float:
        return left + (v - low) / max(high - low, 1) * (right - left)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" {_role(points)} aria-label="timeline">', *legend,
             f'<line x1="{left}" y1="{20 + shift}" x2="{right}" y2="{20 + shift}" class="axis"/>']
    step = max(1, (high - low) // 10)
    for year in range(low, high + 1, step):
        parts.append(f'<line x1="{x(year):.1f}" y1="{16 + shift}" x2="{x(year):.1f}" y2="{height}" class="tick"/>'
                     f'<text x="{x(year):.1f}" y="{12 + shift}" class="tick-label">{year}</text>')
    for i, p in enumerate(points):
        y = 40 + shift + i * row
        dot = _mark(p.kind, x(p.value), y - 4)
        label = (f'<text x="{x(p.value) + 8:.1f}" y="{y}" class="point-label">'
                 f'{escape(p.text)} — {escape(_clip(p.label, 60))}</text>')
        item = dot + label
        if p.href:
            item = f'<a href="{escape(p.href)}"><title>{escape(p.label)}</title>{item}</a>'
        parts.append(item)
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(points: Sequence[Point], *, title: str = "", width: int = 900, row: int = 22) -> str:
    """Horizontal bars, longest first, on one linear scale (callers group values of one unit together)."""
    points = sorted(points, key=lambda p: (-p.value, p.label))
    if not points:
        return ""
    top = max(p.value for p in points) or 1
    left, right = 300, width - 160
    height = 30 + row * len(points)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" {_role(points)} aria-label="{escape(title or "bars")}">',
             f'<text x="4" y="14" class="chart-title">{escape(title)}</text>']
    for i, p in enumerate(points):
        y = 24 + i * row
        length = max(1.0, max(p.value, 0) / top * (right - left))
        item = (f'<text x="{left - 6}" y="{y + 13}" class="bar-label">{escape(_clip(p.label, 48))}</text>'
                f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{row - 6}" class="bar"/>'
                f'<text x="{left + length + 6:.1f}" y="{y + 13}" class="bar-value">{escape(p.text)}</text>')
        if p.href:
            item = f'<a href="{escape(p.href)}"><title>{escape(p.label)}</title>{item}</a>'
        parts.append(item)
    parts.append("</svg>")
    return "".join(parts)
