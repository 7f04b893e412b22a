"""The graph as tables for spreadsheets: one CSV per main class and a Frictionless Data Package
(`datapackage.json`, Table Schemas with types, primary and foreign keys) that `frictionless validate` accepts.

- A row per entity or fact node; an entity goes to the first table of TABLES whose classes it has (inferred
  classes count: a laboratory is an organisation).
- Every table has the node's name (`id`, the IRI's last part, the key other tables refer to), its IRI, its labels
  in French and English and its most specific class. References are ids, declared as foreign keys to `entities`
  (every node the tables mention, with its labels and table), since one column may point at several tables
  (a figure measures an organisation or a programme).
- Values as data: numbers as numbers, dates in their ISO 8601 form as the graph types them ("2023",
  "2025-01", "2024-02-26", "--02-26" for a day without its year), durations as ISO 8601 durations.
- Facts (roles, fundings, figures, quotations, and every relation between entities in `relations`) carry the
  document and the quote (several quotes joined by " | ") and the sentence number that state them.
Only what the data asserts is written (the closure only decides class membership); one value per cell, the
first in order when a node has several, all of them in `relations`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kg import __version__
from kg.publish.classes import prefixed_name, short_id
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG, RDF, RDFS
from kg.shared.records import Record

if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"


class Column(Record):
    """name; path (a SPARQL property path from ?s to ?o, or a special: id, iri, label_fr, label_en, class,
    document, quote, sentence); type (Table Schema: string, number, integer, date, duration, any); ref (True: an
    id in `entities`); title; description."""

    _fields = ("name", "path", "type", "ref", "title", "description")
    _defaults = {"type": "string", "ref": False, "title": "", "description": ""}  # noqa: RUF012
    __slots__ = _fields


def _c(name: str, path: str, type_: str = "string", ref: bool = False, title: str = "", description: str = "") \
        -> Column:
    return Column(name, path, type_, ref, title or name.replace("_", " "), description)


def _e(name: str) -> str:
    return f"<{EKG}{name}>"


BASE = (_c("id", "id", title="id", description="The node's name: the last part of its IRI."),
        _c("iri", "iri", title="IRI"),
        _c("label_fr", "label_fr", title="libellé (fr)"),
        _c("label_en", "label_en", title="label (en)"),
        _c("class", "class", title="class", description="The most specific class (ontology term name)."))
FACT = (_c("document", "document", ref=True, description="The document stating the fact (id in entities)."),
        _c("file", "file", description="The document's file name."),
        _c("quote", "quote", description="The words of the document stating it (several joined by ' | ')."),
        _c("sentence", "sentence", "integer", description="The number of the sentence holding the quote."))
DATE_NOTE = "ISO 8601 as the graph types it: 2023, 2025-01, 2024-02-26, or --02-26 for a day without its year."


class Table(Record):
    """name (file name without .csv), title, classes (ekg class names), columns."""

    _fields = ("name", "title", "classes", "columns")
    __slots__ = _fields


TABLES: tuple[Table, ...] = (
    Table("documents", "Source documents", ("SourceDocument",), (
        *BASE, _c("file", f"<{DCT}identifier>"), _c("title", f"<{DCT}title>"),
        _c("publisher", f"<{DCT}publisher>", ref=True), _c("language", f"<{DCT}language>"),
        _c("rights", f"<{DCT}rights>"))),
    Table("roles", "Roles: a person's title in an organisation, as a document gives it", ("Role",), (
        *BASE, _c("person", _e("roleHolder"), ref=True), _c("organisation", _e("roleOrganisation"), ref=True),
        _c("title_fr", _e("roleTitle") + "@fr"), _c("title_en", _e("roleTitle") + "@en"),
        _c("kind", _e("roleKind"), ref=True), _c("date", _e("date"), description=DATE_NOTE),
        _c("inferred_date", _e("inferredDate"), description="A date the text suggests, not states. " + DATE_NOTE),
        _c("date_as_written", _e("dateAsWritten")), *FACT)),
    Table("fundings", "Fundings", ("Funding",), (
        *BASE, _c("funder", _e("funder"), ref=True), _c("recipient", _e("fundingRecipient"), ref=True),
        _c("amount", _e("fundingAmount"), ref=True, description="The figure giving the amount (id in figures)."),
        _c("purpose", _e("fundingPurpose"), ref=True), *FACT)),
    Table("figures", "Figures: numbers the documents give", ("Figure",), (
        *BASE, _c("figure_of", _e("figureOf"), ref=True), _c("measure", _e("measure"), ref=True),
        _c("value", _e("value"), "number"), _c("unit", _e("unit"), ref=True),
        _c("qualifier", _e("qualifier"), ref=True), _c("value_as_written", _e("valueAsWritten")),
        _c("date", _e("date"), description=DATE_NOTE), _c("duration", _e("duration"), "duration"),
        _c("scope", _e("scope")), *FACT)),
    Table("quotations", "Quotations: who said what", ("Quotation",), (
        *BASE, _c("speaker", _e("speaker"), ref=True), _c("quoted_text", _e("quotedText")),
        _c("about", _e("about"), ref=True), _c("date", _e("date"), description=DATE_NOTE), *FACT)),
    Table("events", "Events", ("Event",), (
        *BASE, _c("date", _e("date"), description=DATE_NOTE),
        _c("inferred_date", _e("inferredDate"), description="A date the text suggests, not states. " + DATE_NOTE),
        _c("date_as_written", _e("dateAsWritten")), _c("start_date", _e("startDate"), description=DATE_NOTE),
        _c("end_date", _e("endDate"), description=DATE_NOTE), _c("place", _e("eventPlace"), ref=True),
        _c("organised_by", _e("organisedBy"), ref=True))),
    Table("people", "People", ("Person",), (*BASE, _c("also_known_as", f"<{SKOS}altLabel>"))),
    Table("organisations", "Organisations", ("Organisation",), (
        *BASE, _c("also_known_as", f"<{SKOS}altLabel>"), _c("headquarters", _e("headquarters"), ref=True),
        _c("located_in", _e("locatedIn"), ref=True), _c("country", _e("country"), ref=True),
        _c("website", f"<{SCHEMA}url>", description="As a document prints it (none is guessed)."))),
    Table("products", "Software, models, datasets, infrastructures",
          ("Software", "AIModel", "Dataset", "Infrastructure", "Licence"), (
              *BASE, _c("also_known_as", f"<{SKOS}altLabel>"), _c("developed_by", _e("developedBy"), ref=True),
              _c("operated_by", _e("operatedBy"), ref=True), _c("licence", _e("licence"), ref=True),
              _c("website", f"<{SCHEMA}url>", description="As a document prints it (none is guessed)."))),
    Table("programmes", "Programmes, projects, initiatives", ("Initiative", "Programme", "Project"), (
        *BASE, _c("also_known_as", f"<{SKOS}altLabel>"), _c("start_date", _e("startDate"), description=DATE_NOTE),
        _c("end_date", _e("endDate"), description=DATE_NOTE), _c("part_of", _e("partOfInitiative"), ref=True),
        _c("website", f"<{SCHEMA}url>", description="As a document prints it (none is guessed)."))),
    Table("places", "Places", ("Place",), (*BASE, _c("located_in", _e("locatedIn"), ref=True))),
)
RELATIONS = Table("relations", "Relations between entities, each with the document and quote stating it", (), (
    _c("subject", "", ref=True), _c("property", "", description="The property, as a prefixed name."),
    _c("property_label_en", ""), _c("property_label_fr", ""), _c("object", "", ref=True),
    _c("attestation", "", description="The provenance record's id (its page: /id/ID)."),
    *FACT))
ENTITIES = Table("entities", "Every node the tables mention: id, labels, class and table", (), (
    *BASE, _c("table", "", description="The table holding its row (empty for concepts, units, kinds…).")))
MAIN = tuple(t.name for t in TABLES)


def literal_value(term: object, type_: str) -> object:
    """A literal as the cell's type wants it: numbers as int or float, ISO strings as they are."""
    value = term.value  # type: ignore[attr-defined]
    if type_ in ("number", "integer"):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if type_ == "integer" or number.is_integer() else number
    return value


def tables(kgraph: KnowledgeGraph) -> dict[str, tuple[Table, list[dict[str, object]]]]:
    """Every table as (its description, its rows); rows are dicts of cell values (None: empty). Fastest on a
    graph opened without reasoning (its default graph is then the asserted graph)."""
    from kg.inspection.describe import query_part

    def rows(sparql: str, part: str = "asserted") -> list[tuple]:
        if kgraph.reasoning == "none":  # the default graph is the asserted one: no union of named graphs to make
            part = "all"
        return list(getattr(query_part(kgraph, sparql, part), "rows", []))

    from kg.publish.classes import EntityClasses

    entity_classes = EntityClasses.read(rows, "asserted")
    classes = {s: entity_classes.classes_of(s) for s in entity_classes.types}
    labels: dict[str, dict[str, str]] = {}
    for s, label in rows(f"SELECT ?s ?l WHERE {{ ?s <{RDFS}label> ?l FILTER(isIRI(?s)) }}", "all"):
        labels.setdefault(s.value, {}).setdefault(getattr(label, "language", None) or "", label.value)
    placed: dict[str, str] = {}
    for table in TABLES:
        wanted = {EKG + c for c in table.classes}
        for s in sorted(classes):
            if s not in placed and classes[s] & wanted and EKG + "Attestation" not in classes[s]:
                placed[s] = table.name

    most_specific = entity_classes.most_specific

    values: dict[str, dict[str, list]] = {}

    def column_values(path: str) -> dict[str, list]:
        if path not in values:
            lang = None
            if path.endswith(("@fr", "@en")):
                path_only, lang = path[:-3], path[-2:]
            else:
                path_only = path
            found: dict[str, list] = {}
            for s, o in rows(f"SELECT ?s ?o WHERE {{ ?s {path_only} ?o }} ORDER BY ?s STR(?o)"):
                if lang and getattr(o, "language", None) != lang:
                    continue
                found.setdefault(s.value, []).append(o)
            values[path] = found
        return values[path]

    provenance: dict[str, tuple[str, str, str, int | None]] = {}
    for s, d, q, n in rows(f"SELECT ?s ?d ?q ?n WHERE {{ ?s <{PROV}wasDerivedFrom> ?d . "
                           f"OPTIONAL {{ ?s <{EKG}quote> ?q }} OPTIONAL {{ ?s <{EKG}sentenceIndex> ?n }} }} "
                           f"ORDER BY ?s ?d STR(?q)"):
        doc, quote, number, _ = provenance.get(s.value, (d.value, "", None, None))
        quotes = [x for x in quote.split(" | ") if x]
        if q is not None and q.value not in quotes:
            quotes.append(q.value)
        provenance[s.value] = (doc, " | ".join(quotes), int(n.value) if n is not None else number, None)
    files = {s.value: f.value for s, f in rows(f"SELECT ?s ?f WHERE {{ ?s a <{EKG}SourceDocument> ; "
                                                f"<{DCT}identifier> ?f }}")}
    mentioned: set[str] = set()

    def cell(column: Column, s: str) -> object:
        if column.path == "id":
            return short_id(s)
        if column.path == "iri":
            return s
        if column.path in ("label_fr", "label_en"):
            return labels.get(s, {}).get(column.path[-2:]) or None
        if column.path == "class":
            return most_specific(s) or None
        if column.path in ("document", "file", "quote", "sentence"):
            doc, quote, number, _ = provenance.get(s, ("", "", None, None))
            if column.path == "document":
                if doc:
                    mentioned.add(doc)
                return short_id(doc) if doc else None
            return {"file": files.get(doc) or None, "quote": quote or None, "sentence": number}[column.path]
        found = column_values(column.path).get(s, [])
        if not found:
            return None
        first = found[0]
        if column.ref:
            if type(first).__name__ != "NamedNode" or not first.value.startswith(EKD):
                return None
            mentioned.add(first.value)
            return short_id(first.value)
        if column.name == "also_known_as":
            return " | ".join(sorted({o.value for o in found}))
        return literal_value(first, column.type)

    out: dict[str, tuple[Table, list[dict[str, object]]]] = {}
    for table in TABLES:
        members = sorted(s for s, name in placed.items() if name == table.name)
        out[table.name] = (table, [{c.name: cell(c, s) for c in table.columns} for s in members])

    relation_rows = []
    prop_labels: dict[str, dict[str, str]] = {}
    for p, label in rows(f"SELECT ?p ?l WHERE {{ ?p <{RDFS}label> ?l FILTER(STRSTARTS(STR(?p), \"{EKG}\")) }}",
                         "all"):
        prop_labels.setdefault(p.value, {}).setdefault(getattr(label, "language", None) or "", label.value)
    for a, s, p, o in rows(f"SELECT ?a ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && STRSTARTS(STR(?s), \"{EKD}\") "
                           f"&& STRSTARTS(STR(?o), \"{EKD}\") && ?p != <{PROV}wasDerivedFrom>) "
                           f"OPTIONAL {{ ?a <{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o }} "
                           f"FILTER NOT EXISTS {{ ?s a <{EKG}Attestation> }} }} ORDER BY ?s ?p ?o ?a"):
        doc, quote, number, _ = provenance.get(a.value, ("", "", None, None)) if a is not None else ("", "", None,
                                                                                                    None)
        mentioned.update({s.value, o.value, *([doc] if doc else [])})
        relation_rows.append({
            "subject": short_id(s.value), "property": prefixed_name(p.value),
            "property_label_en": prop_labels.get(p.value, {}).get("en"),
            "property_label_fr": prop_labels.get(p.value, {}).get("fr"), "object": short_id(o.value),
            "attestation": short_id(a.value) if a is not None else None, "document": short_id(doc) if doc else None,
            "file": files.get(doc) or None, "quote": quote or None, "sentence": number})
    out["relations"] = (RELATIONS, relation_rows)
    everyone = sorted(set(placed) | mentioned)
    out["entities"] = (ENTITIES, [dict({c.name: cell(c, s) for c in BASE}, table=placed.get(s)) for s in everyone])
    return out


def field_schema(column: Column) -> dict[str, object]:
    field: dict[str, object] = {"name": column.name, "type": column.type, "title": column.title}
    if column.description:
        field["description"] = column.description
    if column.name == "iri":
        field["format"] = "uri"
    return field


def table_schema(table: Table) -> dict[str, object]:
    schema: dict[str, object] = {"fields": [field_schema(c) for c in table.columns], "missingValues": [""]}
    if table.name != "relations":
        schema["primaryKey"] = ["id"]
    refs = [c.name for c in table.columns if c.ref]
    if refs:
        schema["foreignKeys"] = [{"fields": [name], "reference": {"resource": "entities", "fields": ["id"]}}
                                 for name in refs]
    return schema


def to_csv(table: Table, rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name for c in table.columns])
    for row in rows:
        writer.writerow(["" if row.get(c.name) is None else _text(row[c.name]) for c in table.columns])
    return buffer.getvalue()


def _text(value: object) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


def descriptor(built: dict[str, tuple[Table, list]]) -> dict[str, object]:
    names = [*MAIN, "relations", "entities"]
    return {
        "profile": "tabular-data-package",
        "name": "ecosystem-kg",
        "title": "ecosystem-kg: the French open-source and sovereign AI ecosystem, as tables",
        "description": "Entities and facts of the ecosystem-kg knowledge graph, each fact with the document and "
                       "quote stating it. Exported by `kg export --format datapackage`.",
        "version": __version__,
        "homepage": "https://w3id.org/ecosystem-kg/",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [{"name": name, "path": f"{name}.csv", "profile": "tabular-data-resource",
                       "title": built[name][0].title, "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                       "schema": table_schema(built[name][0])} for name in names],
    }


def write_datapackage(kgraph: KnowledgeGraph, target: str | Path,
                      extra: Callable[[dict, Path], None] | None = None) -> Path:
    """Write the CSV files and datapackage.json into the folder `target`, all at once: into a new folder beside
    it, then renamed into place (a folder kg wrote before is replaced; any other non-empty folder is refused)."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or (any(target.iterdir())
                                                     and not (target / "datapackage.json").is_file())):
        raise InputError(f"-o {target}: exists and is not a folder written by kg export --format datapackage")
    built = tables(kgraph)
    parent = target.resolve().parent
    if not parent.is_dir():
        raise InputError(f"-o {target}: no folder {parent} to write it in")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=parent))
    try:
        for name, (table, rows) in built.items():
            (tmp / f"{name}.csv").write_text(to_csv(table, rows), encoding="utf-8", newline="")
        (tmp / "datapackage.json").write_text(json.dumps(descriptor(built), indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
        if extra is not None:
            extra(built, tmp)
        os.chmod(tmp, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
            os.replace(target, old / "x")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target




def require_openpyxl() -> None:
    import importlib.util

    if importlib.util.find_spec("openpyxl") is None:
        raise InputError("--format xlsx needs openpyxl: pip install 'ecosystem-kg[xlsx]' (or pip install openpyxl)")


def write_xlsx(kgraph: KnowledgeGraph, target: str | Path) -> Path:
    """The same tables as one workbook, a sheet per table (numbers as numbers, the header row frozen), written
    atomically. Needs openpyxl (the `xlsx` extra)."""
    require_openpyxl()
    from openpyxl import Workbook

    target = Path(target)
    built = tables(kgraph)
    book = Workbook(write_only=True)
    for name in [*MAIN, "relations", "entities"]:
        table, rows = built[name]
        sheet = book.create_sheet(name)
        sheet.freeze_panes = "A2"
        sheet.append([c.name for c in table.columns])
        for row in rows:
            sheet.append([row.get(c.name) for c in table.columns])
    parent = target.resolve().parent
    if not parent.is_dir():
        raise InputError(f"-o {target}: no folder {parent} to write it in")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


__all__ = ["MAIN", "TABLES", "descriptor", "require_openpyxl", "tables", "write_datapackage", "write_xlsx"]
