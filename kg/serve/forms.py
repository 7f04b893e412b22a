"""Named-query forms for people (issue 26, item 4): an entity parameter takes a name as well as an IRI ("LORIA"
is looked up in the search index; several matches are offered as choices instead of an error), each entity
parameter gets a pick list of the entities of the kind its example names, results sort by a click on a column, and
an empty answer says what was searched."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.inspection.entity import PageBuilder
from kg.query.catalog import NamedQuery
from kg.query.search import Hit, SearchIndex
from kg.shared.namespaces import EKD, EKG
from kg.shared.records import Record

_IRI_LIKE = re.compile(r"^(<[^>]*>|[A-Za-z][\w.-]*:\S*)$")
_EXAMPLE = re.compile(r"e\.g\.\s+ekd:([\w.-]+)")
PICK_LIMIT = 400


class Resolution(Record):
    """values (parameter → the value to run with), choices (parameter → [(Hit, local name)] when a name matches
    several entities), named (parameter → the label a name was resolved to), unknown (parameter → the name that
    matched nothing)."""

    _fields = ("values", "choices", "named", "unknown")
    __slots__ = _fields


def resolve(named: NamedQuery, raw: dict[str, str], index: SearchIndex, lang: str) -> Resolution:
    """Entity parameters given as names, turned into IRIs when one entity answers the name."""
    values, choices, found, unknown = dict(raw), {}, {}, {}
    for p in named.params:
        value = raw.get(p.name, "").strip()
        if p.type != "iri" or not value or _IRI_LIKE.match(value):
            continue
        hits = index.search(value, limit=8, lang=lang)
        exact = [h for h in hits if h.match == "exact"]
        if len(exact) == 1 or len(hits) == 1:
            chosen = exact[0] if len(exact) == 1 else hits[0]
            values[p.name] = f"<{chosen.iri}>"
            found[p.name] = chosen.label
        elif hits:
            choices[p.name] = [(h, h.iri[len(EKD):]) for h in hits if h.iri.startswith(EKD)]
        else:
            unknown[p.name] = value
    return Resolution(values, choices, found, unknown)


def pick_lists(builder: PageBuilder, named: NamedQuery, index: SearchIndex, lang: str) -> dict[str, list[str]]:
    """Parameter → labels of the entities of the kinds its example is (`e.g. ekd:adeline-nazarenko`: people)."""
    out: dict[str, list[str]] = {}
    for p in named.params:
        if p.type != "iri":
            continue
        match = _EXAMPLE.search(p.description or "")
        if not match:
            continue
        kinds = {t for t in builder.types_of(ox.NamedNode(EKD + match.group(1))) if t.startswith(EKG)}
        if not kinds:
            continue
        labels = {builder.label(ox.NamedNode(iri), lang) for iri, types in index.types.items()
                  if types & kinds and iri.startswith(EKD)}
        out[p.name] = sorted(labels, key=str.casefold)[:PICK_LIMIT]
    return out


def searched(named: NamedQuery, raw: dict[str, str], resolution: Resolution) -> str:
    """What an empty answer searched: the query's summary and the values given."""
    given = [f"{p.name} = {resolution.named.get(p.name, raw[p.name])}" for p in named.params if raw.get(p.name)]
    return named.summary + (f" ({', '.join(given)})" if given else "")


def sort_rows(table: object, column: str | None, desc: bool) -> None:
    """Sort a ResultTable's rows in place by one column's shown text (numbers by value), empty cells last."""
    if not column or column not in table.columns:  # type: ignore[attr-defined]
        return
    i = table.columns.index(column)  # type: ignore[attr-defined]

    def key(row: list) -> tuple:
        cell = row[i]
        if cell is None:
            return (1, 0, "")
        term = cell.term
        if isinstance(term, ox.Literal):
            try:
                return (0, float(term.value), "")
            except ValueError:
                pass
        return (0, float("inf"), cell.text.casefold())

    filled = [r for r in table.rows if r[i] is not None]  # type: ignore[attr-defined]
    empty = [r for r in table.rows if r[i] is None]  # type: ignore[attr-defined]
    filled.sort(key=key, reverse=desc)
    table.rows = filled + empty  # type: ignore[attr-defined]


def sort_links(path: str, params: dict[str, str], columns: list[str], current: str | None, desc: bool) -> list[str]:
    """A link per column that sorts by it (ascending, or descending when it is already the ascending sort)."""
    out = []
    for column in columns:
        query = {k: v for k, v in params.items() if k not in ("_sort", "_desc")}
        query["_sort"] = column
        if column == current and not desc:
            query["_desc"] = "1"
        out.append(f"{path}?{urlencode(query)}")
    return out


def describe_hit(hit: Hit) -> str:
    return hit.label
