"""Query results as text: a readable table with labels, or the W3C SPARQL 1.1 result formats.

- table, md: for people. IRIs shown by label (in --lang, falling back to the other language, then the
  prefixed name), literals by their value.
- csv: W3C SPARQL CSV: plain values (full IRIs, lexical forms), headers without `?`. Term types are lost.
- tsv, json, xml: W3C SPARQL TSV / JSON / XML results: term types and languages are kept.
- jsonl: one JSON object per row, plain values (null when unbound).
Rows keep the query's order when it has ORDER BY, otherwise they are sorted by their N-Triples form, so the
same query prints the same bytes every time. Graph results (CONSTRUCT, DESCRIBE) print as turtle, jsonld, nt.
"""

from __future__ import annotations

import json
import re

import pyoxigraph as ox

from kg.output.labels import Labeller, Runner
from kg.output.rdf import GRAPH_FORMATS
from kg.shared.errors import InputError
from kg.shared.results import AskResult, GraphResult, QueryResult, SelectResult
from kg.shared.terms import XSD_STRING, plain

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml", "jsonl", "md")
ALL_FORMATS = SELECT_FORMATS + tuple(f for f in GRAPH_FORMATS if f not in SELECT_FORMATS)
HUMAN_FORMATS = ("table", "md")
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"

_XML_INVALID = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def ordered_rows(result: SelectResult) -> list[tuple[object, ...]]:
    """The rows in a stable order: the query's own when it has ORDER BY, else sorted by N-Triples."""
    if result.ordered:
        return list(result.rows)
    return sorted(result.rows, key=lambda row: tuple("" if t is None else str(t) for t in row))


def check_format(fmt: str | None, kind: str) -> str:
    """The format to use for a result kind (select, ask, graph); a mismatch is a usage error."""
    if kind == "graph":
        if fmt is None:
            return "turtle"
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"--format {fmt}: CONSTRUCT/DESCRIBE results print as "
                             f"{', '.join(GRAPH_FORMATS)}")
        return fmt
    if fmt is None:
        return "table"
    if fmt not in SELECT_FORMATS:
        raise InputError(f"--format {fmt}: {kind.upper()} results print as {', '.join(SELECT_FORMATS)}")
    return fmt


def render(result: QueryResult, fmt: str | None = None, *, run: Runner | None = None,
           lang: str = "en", width: int | None = None) -> str:
    """The whole text to print. `run` answers the label look-up for table/md (None: prefixed names).
    `width`: the terminal's columns, which a table then fits (long cells cut with "…"); None keeps every
    value whole, as every other format always does."""
    if isinstance(result, AskResult):
        return render_ask(result, check_format(fmt, "ask"))
    if isinstance(result, GraphResult):
        from kg.output.rdf import serialize_triples

        return "".join(serialize_triples(result.triples, check_format(fmt, "graph")))
    fmt = check_format(fmt, "select")
    rows = ordered_rows(result)
    if fmt in HUMAN_FORMATS:
        labeller = Labeller.for_terms(run, (t for row in rows for t in row), lang)
        if fmt == "table":
            return render_table(result.variables, rows, labeller, width)
        return render_markdown(result.variables, rows, labeller)
    writers = {"csv": render_csv, "tsv": render_tsv, "json": render_json, "xml": render_xml,
               "jsonl": render_jsonl}
    return writers[fmt](result.variables, rows)


# -- ASK ----------------------------------------------------------------
def render_ask(result: AskResult, fmt: str) -> str:
    text = "true" if result.value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": result.value}) + "\n"
    if fmt == "xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="{SPARQL_RESULTS_NS}">\n  <head/>\n'
                f"  <boolean>{text}</boolean>\n</sparql>\n")
    return text + "\n"


# -- for people ----------------------------------------------------------------
def _cell(text: str) -> str:
    return " ".join(text.splitlines()) if "\n" in text or "\r" in text else text


def render_table(variables: list[str], rows: list[tuple[object, ...]], labeller: Labeller,
                 width: int | None = None) -> str:
    from kg.output.columns import table_lines

    cells = [[_cell(labeller(t)) if t is not None else "" for t in row] for row in rows]
    lines = table_lines(variables, cells, width, rule=True)
    count = len(rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\r\n", "<br>").replace("\n", "<br>")


def render_markdown(variables: list[str], rows: list[tuple[object, ...]], labeller: Labeller) -> str:
    lines = ["| " + " | ".join(_md(v) for v in variables) + " |",
             "|" + "|".join(" --- " for _ in variables) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md(labeller(t)) if t is not None else "" for t in row) + " |")
    return "\n".join(lines) + "\n"


# -- W3C formats ----------------------------------------------------------------
def render_csv(variables: list[str], rows: list[tuple[object, ...]]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([plain(t) for t in row])
    return out.getvalue()


def _tsv_term(term: object) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t")


def render_tsv(variables: list[str], rows: list[tuple[object, ...]]) -> str:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def json_term(term: object) -> dict[str, str]:
    """A term as in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    raise InputError(f"cannot write {term!r} as a SPARQL result term")


def render_json(variables: list[str], rows: list[tuple[object, ...]]) -> str:
    bindings = [{v: json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
                for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_jsonl(variables: list[str], rows: list[tuple[object, ...]]) -> str:
    out = []
    for row in rows:
        obj = {v: (plain(t) if t is not None else None) for v, t in zip(variables, row, strict=True)}
        out.append(json.dumps(obj, ensure_ascii=False) + "\n")
    return "".join(out)


def _xml(text: str, quote: bool = False) -> str:
    text = re.sub(_XML_INVALID, "\ufffd", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def _xml_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<literal xml:lang="{_xml(term.language, True)}">{_xml(term.value)}</literal>'
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{_xml(term.datatype.value, True)}">{_xml(term.value)}</literal>'
        return f"<literal>{_xml(term.value)}</literal>"
    raise InputError(f"cannot write {term!r} as a SPARQL result term")


def render_xml(variables: list[str], rows: list[tuple[object, ...]]) -> str:
    lines = ['<?xml version="1.0"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">', "  <head>"]
    lines += [f'    <variable name="{_xml(v, True)}"/>' for v in variables]
    lines += ["  </head>", "  <results>"]
    for row in rows:
        lines.append("    <result>")
        for v, t in zip(variables, row, strict=True):
            if t is not None:
                lines.append(f'      <binding name="{_xml(v, True)}">{_xml_term(t)}</binding>')
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"
