"""Text tables that fit the terminal: the widest columns give way first, and a cut cell ends with "…".

Only tables shown on a terminal are fitted; piped output and every machine format keep full values (the
caller passes `width=None` then).
"""

from __future__ import annotations

from collections.abc import Sequence

SEPARATOR = "  "
MIN_WIDTH = 6  # a column narrower than its content is never cut below this (or its header's width)


def clip(text: str, width: int) -> str:
    """`text`, cut to `width` characters with a final "…" when longer."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def fit_widths(natural: Sequence[int], width: int | None, minimums: Sequence[int] | None = None) -> list[int]:
    """Column widths whose total (separators included) fits `width`: every column keeps its natural width
    while the widest ones are capped at the same size (water filling). None keeps the natural widths; when
    even the minimums do not fit, the minimums are used."""
    widths = list(natural)
    if width is None or not widths:
        return widths
    room = width - len(SEPARATOR) * (len(widths) - 1)
    floors = [min(n, m) for n, m in zip(widths, minimums or [MIN_WIDTH] * len(widths), strict=True)]
    if sum(widths) <= room:
        return widths
    if sum(floors) >= room:
        return floors
    low, high = 0, max(widths)  # the largest cap for which the columns fit
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(f, min(n, cap)) for n, f in zip(widths, floors, strict=True)) <= room:
            low = cap
        else:
            high = cap - 1
    return [max(f, min(n, low)) for n, f in zip(widths, floors, strict=True)]


def table_lines(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None,
                rule: bool = False) -> list[str]:
    """Aligned lines: the header, a rule of dashes if asked, then the rows; fitted to `width` if given."""
    natural = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    minimums = [max(MIN_WIDTH, len(h)) for h in headers]
    widths = fit_widths(natural, width, minimums)

    def line(cells: Sequence[str]) -> str:
        return SEPARATOR.join(clip(c, w).ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers)]
    if rule:
        out.append(SEPARATOR.join("-" * w for w in widths))
    out += [line(r) for r in rows]
    return out
