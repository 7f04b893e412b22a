"""The W3C Reconciliation Service API, version 0.2 (Entity Reconciliation Community Group), over the graph: what
OpenRefine and other reconciliation clients ask for, answered as data (dicts, and the preview's HTML).

- identifiers: an entity's id is its name under the data namespace (`linagora` for ekd:linagora), a type's id
  its name under the ontology's (`Organisation`), a property's id one of kg.query.reconcile.PROPERTIES;
- names are matched by kg.query.reconcile (scores, `match` only when certain);
- the web layer (kg.serve.reconcile) only reads requests and writes these answers.
Specification: https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from kg import __version__
from kg.query.reconcile import PROPERTIES, PROPERTY_IDS, Facts, Reconciler
from kg.query.search import SearchIndex, normalise
from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG

VERSIONS = ["0.2"]
# Classes offered before the user picks one (OpenRefine's "Reconcile against type" list), broadest useful first.
DEFAULT_TYPES = ("Organisation", "Person", "Place", "Software", "AIModel", "Infrastructure", "Programme",
                 "Project", "Event", "SourceDocument", "Concept")
MAX_QUERIES = 10_000  # per batch (OpenRefine sends 10 by default, a spreadsheet tool a few hundred)
DEFAULT_LIMIT = 5
SUGGEST_PAGE = 10
PREVIEW_SIZE = (430, 300)
PREVIEW_FACTS = 8


class ReconciliationService:
    """One graph's reconciliation service (build once per server: it reads the graph once)."""

    def __init__(self, run: Callable[[str], object], index: SearchIndex | None = None) -> None:
        self.run = run
        self.facts = Facts(run, index)
        self.reconciler = Reconciler(self.facts)

    # -- manifest ------------------------------------------------------------------------------------------
    def manifest(self, base: str, lang: str = "en") -> dict:
        """The service manifest; `base` is the server's root URL as the client reached it (no trailing /)."""
        root = base.rstrip("/")
        types = [self.type_json(EKG + name, lang) for name in DEFAULT_TYPES if EKG + name in self.facts.class_labels]
        return {
            "versions": VERSIONS,
            "name": "ecosystem-kg — écosystème français de l’IA ouverte et souveraine" if lang == "fr"
            else "ecosystem-kg — French open-source and sovereign AI ecosystem",
            "identifierSpace": EKD,
            "schemaSpace": EKG,
            "documentation": root + "/",
            "serviceVersion": __version__,
            "defaultTypes": types,
            "view": {"url": root + "/id/{{id}}"},
            "preview": {"url": root + "/reconcile/preview?id={{id}}" + ("&lang=fr" if lang == "fr" else ""),
                        "width": PREVIEW_SIZE[0], "height": PREVIEW_SIZE[1]},
            "suggest": {kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
                        for kind in ("entity", "type", "property")},
            "extend": {"propose_properties": {"service_url": root, "service_path": "/reconcile/extend/propose"},
                       "property_settings": []},
        }

    # -- reconciliation ------------------------------------------------------------------------------------
    def reconcile_batch(self, queries: object, lang: str = "en") -> dict:
        """Answer a batch {key: {query, type?, type_strict?, limit?, properties?}} with {key: {result: […]}}."""
        if not isinstance(queries, dict):
            raise InputError("queries: expected a JSON object of queries keyed by an identifier (q0, q1, …)")
        if len(queries) > MAX_QUERIES:
            raise InputError(f"queries: {len(queries)} queries in one batch; at most {MAX_QUERIES}")
        return {str(key): {"result": self.reconcile_one(str(key), query, lang)} for key, query in queries.items()}

    def reconcile_one(self, key: str, query: object, lang: str = "en") -> list[dict]:
        if not isinstance(query, dict) or not isinstance(query.get("query", ""), str):
            raise InputError(f"queries: {key}: expected an object with a \"query\" string")
        types = query.get("type")
        type_list = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        if types is not None and not all(isinstance(t, str) for t in type_list):
            raise InputError(f"queries: {key}: \"type\" must be a type id or a list of them")
        strict = query.get("type_strict", "any")
        if strict not in ("any", "should", "all"):
            raise InputError(f"queries: {key}: \"type_strict\" must be any, should or all, not {strict!r}")
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int | float) or isinstance(limit, bool) or limit < 0:
            raise InputError(f"queries: {key}: \"limit\" must be a non-negative number")
        constraints = []
        for item in query.get("properties", []) or []:
            if not isinstance(item, dict) or "pid" not in item or "v" not in item:
                raise InputError(f"queries: {key}: each property needs \"pid\" and \"v\"")
            pid = str(item["pid"])
            if pid not in PROPERTY_IDS:
                raise InputError(f"queries: {key}: unknown property {pid!r} (known: {', '.join(PROPERTY_IDS)})")
            values = item["v"] if isinstance(item["v"], list) else [item["v"]]
            constraints.append((pid, values))
        text = query.get("query", "")
        candidates = self.reconciler.reconcile(text, types=[self.type_iri(t) for t in type_list], type_strict=strict,
                                               properties=constraints, limit=int(limit) or DEFAULT_LIMIT)
        out = []
        for c in candidates:
            entity = self.facts.entities[c.iri]
            features = [{"id": "name", "value": c.name_score}]
            features += [{"id": f"property:{pid}", "value": ok} for pid, ok in c.properties.items()
                         if ok is not None]
            out.append({"id": entity_id(c.iri), "name": self.facts.label(c.iri, lang),
                        "description": self.description(c.iri, lang), "score": c.score, "features": features,
                        "match": bool(c.match),
                        "type": [self.type_json(t, lang) for t in self.facts.most_specific(entity.classes)]})
        return out

    # -- suggest -------------------------------------------------------------------------------------------
    def suggest_entity(self, prefix: str, *, type_id: str | None = None, cursor: int = 0, lang: str = "en") -> dict:
        hits = self.facts.index.search(prefix, limit=200, lang=lang) if prefix.strip() else []
        wanted = self.type_iri(type_id) if type_id else None
        result = []
        for hit in hits:
            entity = self.facts.entities.get(hit.iri)
            if entity is None or (wanted and wanted not in entity.classes):
                continue
            result.append({"id": entity_id(hit.iri), "name": hit.label, "description": self.description(hit.iri, lang),
                           "notable": [self.type_json(t, lang) for t in self.facts.most_specific(entity.classes)]})
        return {"result": result[cursor:cursor + SUGGEST_PAGE]}

    def suggest_type(self, prefix: str, *, cursor: int = 0, lang: str = "en") -> dict:
        query = normalise(prefix)
        used = set().union(*(e.classes for e in self.facts.entities.values())) if self.facts.entities else set()
        ranked = []
        for iri, labels in self.facts.class_labels.items():
            if iri not in used:
                continue  # a class nothing in the graph belongs to would only reconcile to nothing
            names = [normalise(t) for t in labels.values()] + [normalise(iri[len(EKG):])]
            rank = 0 if query in names else 1 if any(n.startswith(query) for n in names) else \
                2 if any(query in n for n in names) else None
            if rank is not None:
                ranked.append((rank, self.facts.label(iri, lang).casefold(), iri))
        return {"result": [self.type_json(iri, lang) for _r, _l, iri in sorted(ranked)[cursor:cursor + SUGGEST_PAGE]]}

    def suggest_property(self, prefix: str, *, cursor: int = 0, lang: str = "en") -> dict:
        query = normalise(prefix)
        result = [self.property_json(p, lang) for p in PROPERTIES
                  if any(query in normalise(t) for t in [p.id, *p.labels.values()])]
        return {"result": result[cursor:cursor + SUGGEST_PAGE]}

    # -- data extension ------------------------------------------------------------------------------------
    def propose_properties(self, type_id: str | None, limit: int | None = None, lang: str = "en") -> dict:
        """The properties worth fetching for entities of a type: those some entity of that type has."""
        wanted = self.type_iri(type_id) if type_id else None
        members = {iri for iri, e in self.facts.entities.items() if wanted is None or wanted in e.classes}
        props = [p for p in PROPERTIES if p.id == "type" or members & set(self.facts.values.get(p.id, {}))]
        answer: dict = {"properties": [self.property_json(p, lang) for p in props][: limit or None]}
        if type_id:
            answer["type"] = type_id
        if limit:
            answer["limit"] = limit
        return answer

    def extend(self, query: object, lang: str = "en") -> dict:
        """{ids, properties: [{id}]} → {meta, rows: {id: {pid: [values]}}}; values as the specification types
        them: entities {id, name}, texts {str}, numbers {float|int}."""
        if not isinstance(query, dict) or not isinstance(query.get("ids"), list) \
                or not isinstance(query.get("properties"), list):
            raise InputError("extend: expected a JSON object with \"ids\" and \"properties\" lists")
        pids = []
        for item in query["properties"]:
            pid = item.get("id") if isinstance(item, dict) else None
            if pid not in PROPERTY_IDS:
                raise InputError(f"extend: unknown property {pid!r} (known: {', '.join(PROPERTY_IDS)})")
            pids.append(pid)
        rows = {}
        for raw in query["ids"]:
            ident = str(raw)
            iri = entity_iri(ident)
            rows[ident] = {pid: self._values(pid, iri, lang) for pid in pids}
        return {"meta": [{"id": pid, "name": PROPERTY_IDS[pid].labels.get(lang, pid)} for pid in pids], "rows": rows}

    def _values(self, pid: str, iri: str, lang: str) -> list[dict]:
        terms = self.facts.values.get(pid, {}).get(iri, [])
        if pid == "type":
            classes = self.facts.most_specific(t.value for t in terms)  # type: ignore[attr-defined]
            return [{"id": c[len(EKG):], "name": self.facts.label(c, lang)} for c in classes]
        out = []
        for term in terms:
            value = term.value  # type: ignore[attr-defined]
            if type(term).__name__ == "NamedNode":
                out.append({"id": entity_id(value), "name": self.facts.label(value, lang)})
            else:
                out.append(literal_json(term))
        return sorted(out, key=lambda v: json.dumps(v, sort_keys=True))

    # -- preview -------------------------------------------------------------------------------------------
    def preview(self, ident: str, lang: str = "en") -> str | None:
        """A small HTML page for the client's pop-up: label, types, description, key facts, one source quote
        with its document. None for an unknown id."""
        iri = entity_iri(ident)
        entity = self.facts.entities.get(iri)
        if entity is None:
            return None
        esc = html.escape
        label = self.facts.label(iri, lang)
        types = ", ".join(self.facts.label(t, lang) for t in self.facts.most_specific(entity.classes))
        parts = [f'<div class="kg-preview" lang="{lang}" style="font:13px sans-serif;margin:6px">',
                 f'<p style="margin:0"><a href="/id/{esc(ident)}" target="_blank"><strong>{esc(label)}</strong></a>'
                 f' <small>ekd:{esc(ident)}</small></p>', f'<p style="margin:2px 0;color:#555">{esc(types)}</p>']
        description = self.description(iri, lang, long=True)
        if description:
            parts.append(f'<p style="margin:4px 0">{esc(description)}</p>')
        facts = []
        for prop in PROPERTIES[1:]:
            values = self._values(prop.id, iri, lang)
            if values:
                shown = ", ".join(v.get("name") or str(next(iter(v.values()))) for v in values[:4])
                facts.append(f"<li>{esc(prop.labels.get(lang, prop.id))}: {esc(shown)}</li>")
        if facts:
            parts.append('<ul style="margin:4px 0;padding-left:16px">' + "".join(facts[:PREVIEW_FACTS]) + "</ul>")
        quote = self.source_quote(iri, lang)
        if quote:
            text, document = quote
            parts.append(f'<blockquote style="margin:4px 0;color:#333">« {esc(text)} »'
                         f' <small>— {esc(document)}</small></blockquote>')
        parts.append(f'<p style="margin:0;color:#777"><small>{entity.documents} '
                     f'{"document(s) about it" if lang == "en" else "document(s) en parlent"}</small></p></div>')
        return "\n".join(parts)

    def source_quote(self, iri: str, lang: str = "en") -> tuple[str, str] | None:
        """One sentence a document says about the entity: the shortest quote of 40 characters or more among the
        statements about it (a bare name says nothing), else the longest."""
        sparql = (f"SELECT ?q ?doc WHERE {{ ?a <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{iri}> ; "
                  f"<{EKG}quote> ?q ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?d . "
                  f"OPTIONAL {{ ?d <http://purl.org/dc/terms/identifier> ?doc }} }}")
        rows = [r for r in getattr(self.run(sparql), "rows", []) if r[0] is not None]
        if not rows:
            return None
        long_ = [r for r in rows if len(r[0].value) >= 40]
        quote, doc = (min(long_, key=lambda r: (len(r[0].value), r[0].value)) if long_
                      else max(rows, key=lambda r: (len(r[0].value), r[0].value)))
        return quote.value, doc.value if doc is not None else ""

    # -- helpers -------------------------------------------------------------------------------------------
    def description(self, iri: str, lang: str = "en", long: bool = False) -> str:
        """The entity's classes and, for the preview, its definition or first description in `lang`."""
        if not long:
            entity = self.facts.entities.get(iri)
            return ", ".join(self.facts.label(t, lang) for t in self.facts.most_specific(entity.classes)) \
                if entity else ""
        sparql = (f"SELECT ?d WHERE {{ {{ <{iri}> <http://www.w3.org/2004/02/skos/core#definition> ?d }} UNION "
                  f"{{ <{iri}> <http://purl.org/dc/terms/description> ?d }} }}")
        texts = [r[0] for r in getattr(self.run(sparql), "rows", []) if r[0] is not None]
        texts.sort(key=lambda t: (0 if getattr(t, "language", "") == lang else 1, len(t.value), t.value))
        return texts[0].value if texts else ""

    def type_json(self, iri: str, lang: str = "en") -> dict:
        return {"id": iri[len(EKG):] if iri.startswith(EKG) else iri, "name": self.facts.label(iri, lang)}

    def property_json(self, prop, lang: str = "en") -> dict:
        return {"id": prop.id, "name": prop.labels.get(lang, prop.id)}

    @staticmethod
    def type_iri(type_id: str) -> str:
        """A type id as clients send it: `Organisation`, `ekg:Organisation` or the full IRI."""
        if type_id.startswith(("http://", "https://")):
            return type_id
        return EKG + type_id.removeprefix("ekg:")


def entity_id(iri: str) -> str:
    return iri[len(EKD):] if iri.startswith(EKD) else iri


def entity_iri(ident: str) -> str:
    """An entity id as clients send it: `linagora`, `ekd:linagora` or the full IRI."""
    if ident.startswith(("http://", "https://")):
        return ident
    return EKD + ident.removeprefix("ekd:")


def literal_json(term: object) -> dict:
    """A literal as the data extension types it: numbers as int or float, dates as ISO date-times, else str."""
    value = term.value  # type: ignore[attr-defined]
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    try:
        if datatype in (xsd + "integer", xsd + "int", xsd + "long", xsd + "nonNegativeInteger"):
            return {"int": int(value)}
        if datatype in (xsd + "decimal", xsd + "double", xsd + "float"):
            number = float(value)
            return {"int": int(number)} if number.is_integer() and datatype == xsd + "decimal" else {"float": number}
        if datatype == xsd + "date":
            return {"date": value + "T00:00:00Z"}
        if datatype == xsd + "dateTime":
            return {"date": value if value.endswith("Z") or "+" in value[10:] else value + "Z"}
    except ValueError:
        pass
    return {"str": value}


def parse_json_param(name: str, text: str) -> object:
    """A form or query parameter holding JSON (`queries=`, `extend=`), or one clear error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not JSON ({exc.msg} at character {exc.pos})") from None
