"""Everything the graph says about one entity, and the documents and quotes that say it.

`resolve` turns what the user typed (IRI, prefixed name or label) into an IRI; `describe` returns plain data:
asserted statements (with the files asserting them), inferred statements (present in the closure, not
asserted) and the sourced facts that mention the entity (document title, file name, quote).
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import EKD, EKG, RDFS
from kg.shared.records import Record
from kg.shared.results import QueryResult, SelectResult, to_result
from kg.shared.terms import looks_like_iri, parse_iri, plain, prefixed

TYPE_CHECKING = False  # typing is not imported: `kg explain` comes here to read labels
if TYPE_CHECKING:
    from kg.engine.knowledge import KnowledgeGraph

SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
LABEL_PATH = f"<{RDFS}label>|<{SKOS}prefLabel>|<{SKOS}altLabel>"


class Statement(Record):
    """One triple about the entity: predicate; node (the object of an outgoing triple, the subject of an
    incoming one); files; documents (inferred: file names of the documents behind its proof)."""

    _fields = ("predicate", "node", "files", "documents")
    _defaults = {"files": [], "documents": []}  # noqa: RUF012
    __slots__ = _fields


class Source(Record):
    """A sourced fact mentioning the entity, and the document it comes from: fact; document; titles
    (language, "" when none → title); identifier (the document's file name, dcterms:identifier); quotes."""

    _fields = ("fact", "document", "titles", "identifier", "quotes")
    _defaults = {"titles": {}, "identifier": None, "quotes": []}  # noqa: RUF012
    __slots__ = _fields

    def title(self, lang: str = "en") -> str | None:
        other = "en" if lang == "fr" else "fr"
        for key in (lang, other, ""):
            if key in self.titles:
                return self.titles[key]
        return next(iter(sorted(self.titles.values())), None)


class Description(Record):
    """All about one entity: iri, reasoning, outgoing, incoming, inferred_outgoing, inferred_incoming
    (Statements), sources."""

    _fields = ("iri", "reasoning", "outgoing", "incoming", "inferred_outgoing", "inferred_incoming", "sources")
    _defaults = {"reasoning": "none", "outgoing": [], "incoming": [], "inferred_outgoing": [],  # noqa: RUF012
                 "inferred_incoming": [], "sources": []}
    __slots__ = _fields

    def terms(self) -> list[object]:
        """Every term shown, for one batch label look-up."""
        out: list[object] = [self.iri]
        for stmts in (self.outgoing, self.incoming, self.inferred_outgoing, self.inferred_incoming):
            for s in stmts:
                out += [s.predicate, s.node]
        out += [s.fact for s in self.sources]
        return out

    def as_dict(self) -> dict[str, object]:
        def stmts(items: list[Statement]) -> list[dict[str, object]]:
            return [{"predicate": s.predicate.value, "node": plain(s.node), "term": str(s.node),
                     "files": s.files, "documents": s.documents} for s in items]

        return {
            "iri": self.iri.value,
            "reasoning": self.reasoning,
            "outgoing": stmts(self.outgoing),
            "incoming": stmts(self.incoming),
            "inferred_outgoing": stmts(self.inferred_outgoing),
            "inferred_incoming": stmts(self.inferred_incoming),
            "sources": [{"fact": plain(s.fact), "document": plain(s.document), "titles": s.titles,
                         "identifier": s.identifier, "quotes": s.quotes} for s in self.sources],
        }


def query_part(kgraph: KnowledgeGraph, sparql: str, part: str = "all") -> QueryResult:
    """Run SPARQL over one part of the graph (ontology, data, asserted, inferred, all)."""
    if part == "all":
        return kgraph.query(sparql)
    from kg.shared.namespaces import PREFIXES

    result = kgraph.store.query(sparql, default_graph=kgraph.graphs(part), prefixes=PREFIXES)
    return to_result(result, sparql)


def _select(kgraph: KnowledgeGraph, sparql: str, part: str = "all") -> list[tuple[object, ...]]:
    result = query_part(kgraph, sparql, part)
    return list(result.rows) if isinstance(result, SelectResult) else []


def _exists(kgraph: KnowledgeGraph, node: ox.NamedNode) -> bool:
    n = str(node)
    result = kgraph.query(f"ASK {{ {{ {n} ?p ?o }} UNION {{ ?s ?p {n} }} UNION {{ ?s {n} ?o }} }}")
    return bool(getattr(result, "value", False))


def _all_labels(kgraph: KnowledgeGraph) -> list[str]:
    rows = _select(kgraph, f"SELECT DISTINCT ?l WHERE {{ ?s {LABEL_PATH} ?l . FILTER(isIRI(?s)) }}")
    return sorted({r[0].value for r in rows if isinstance(r[0], ox.Literal)})


def resolve(kgraph: KnowledgeGraph, text: str) -> ox.NamedNode:
    """An IRI, a prefixed name, or a label: exact (case-insensitive; rdfs:label, skos:prefLabel, altLabel), else
    the one best match of the search index (kg.query.search), else the candidates are named in the error."""
    from kg.shared.utf8 import check_utf8

    text = text.strip()
    if not text:
        raise InputError("give a name, a prefixed name or an IRI")
    check_utf8(text, "the name")
    if text.startswith("<") or looks_like_iri(text):
        node = parse_iri(text)
        if not _exists(kgraph, node):
            raise InputError(f"nothing in the graph is about {prefixed(node)}")
        return node
    needle = str(ox.Literal(text))
    rows = _select(kgraph, f"SELECT DISTINCT ?s WHERE {{ ?s {LABEL_PATH} ?l . "
                           f"FILTER(isIRI(?s) && LCASE(STR(?l)) = LCASE({needle})) }}")
    found = sorted({r[0].value for r in rows if isinstance(r[0], ox.NamedNode)})
    if len(found) == 1:
        return ox.NamedNode(found[0])
    if len(found) > 1:
        names = ", ".join(prefixed(ox.NamedNode(i)) for i in found[:10])
        raise InputError(f"{text!r} is ambiguous: it labels {names} (give one of these)")
    try:
        guess = ox.NamedNode(EKD + text)
    except ValueError:
        guess = None
    if guess is not None and " " not in text and _exists(kgraph, guess):
        return guess
    # Free text: the search index (case, accents and punctuation ignored), built only now, so that names and
    # exact labels (kg explain's usual input) never pay for it. A match is taken only when it is the one best.
    from kg.query.search import SearchIndex

    hits = SearchIndex.from_runner(kgraph.query).unique(text)
    if len(hits) == 1:
        return ox.NamedNode(hits[0].iri)
    if len(hits) > 1:
        names = ", ".join(f"{prefixed(ox.NamedNode(h.iri))} ({h.label})" for h in hits[:10])
        more = f" and {len(hits) - 10} more" if len(hits) > 10 else ""
        raise InputError(f"{text!r} is ambiguous: it matches {names}{more} (give one of these)")
    labels = _all_labels(kgraph)
    by_fold = {label.casefold(): label for label in labels}
    import difflib  # only when nothing matched: it costs a millisecond to import

    close = difflib.get_close_matches(text.casefold(), list(by_fold), n=5, cutoff=0.5)
    hint = f"; closest labels: {', '.join(repr(by_fold[c]) for c in close)}" if close else ""
    raise InputError(f"no entity is labelled {text!r}{hint}")


def _statements(kgraph: KnowledgeGraph, node: ox.NamedNode, part: str) -> tuple[set, set]:
    """Outgoing (p, o) and incoming (p, s) pairs. Incoming ones leave out attestations (the reified triples that
    name the node with rdf:subject / rdf:object): they are provenance, listed under Sources, not things that
    refer to the entity."""
    n = str(node)
    out = {(r[0], r[1]) for r in _select(kgraph, f"SELECT ?p ?o WHERE {{ {n} ?p ?o }}", part)}
    inc = {(r[1], r[0]) for r in _select(
        kgraph, f"SELECT ?s ?p WHERE {{ ?s ?p {n} FILTER NOT EXISTS {{ ?s a <{EKG}Attestation> }} }}", part)}
    return out, inc


def _sort(items: list[Statement]) -> list[Statement]:
    return sorted(items, key=lambda s: (s.predicate.value, str(s.node)))


def sources(kgraph: KnowledgeGraph, node: ox.NamedNode) -> list[Source]:
    """Sourced facts linked to the node (either direction, or the node itself), with document and quote."""
    n = str(node)
    sparql = (
        f"SELECT DISTINCT ?fact ?doc ?quote ?title ?id WHERE {{ "
        f"{{ ?fact ?link {n} }} UNION {{ {n} ?link ?fact }} UNION {{ BIND({n} AS ?fact) }} "
        f"?fact <{PROV}wasDerivedFrom> ?doc . "
        f"OPTIONAL {{ ?fact <{EKG}quote> ?quote }} "
        f"OPTIONAL {{ ?doc <{DCTERMS}title> ?title }} "
        f"OPTIONAL {{ ?doc <{DCTERMS}identifier> ?id }} }}"
    )
    found: dict[tuple[str, str], Source] = {}
    for fact, doc, quote, title, ident in _select(kgraph, sparql, "asserted"):
        key = (str(fact), str(doc))
        src = found.setdefault(key, Source(fact, doc))
        if isinstance(quote, ox.Literal) and quote.value not in src.quotes:
            src.quotes.append(quote.value)
        if isinstance(title, ox.Literal):
            src.titles.setdefault(title.language or "", title.value)
        if isinstance(ident, ox.Literal) and src.identifier is None:
            src.identifier = ident.value
    for src in found.values():
        src.quotes.sort()
    return [found[k] for k in sorted(found, key=lambda k: (found[k].identifier or "", k))]


def describe(kgraph: KnowledgeGraph, iri: ox.NamedNode) -> Description:
    """Asserted statements with their files, inferred ones (closure minus asserted), and the sources."""
    desc = Description(iri, reasoning=kgraph.reasoning)
    out, inc = _statements(kgraph, iri, "asserted")
    desc.outgoing = _sort([Statement(p, o, kgraph.files_asserting(ox.Triple(iri, p, o))) for p, o in out])
    desc.incoming = _sort([Statement(p, s, kgraph.files_asserting(ox.Triple(s, p, iri))) for p, s in inc])
    if kgraph.reasoning != "none":
        all_out, all_inc = _statements(kgraph, iri, "all")
        desc.inferred_outgoing = _sort([Statement(p, o) for p, o in all_out - out])
        desc.inferred_incoming = _sort([Statement(p, s) for p, s in all_inc - inc])
        _documents_behind(kgraph, iri, desc)
    desc.sources = sources(kgraph, iri)
    return desc


def _documents_behind(kgraph: KnowledgeGraph, iri: ox.NamedNode, desc: Description) -> None:
    """For each inferred statement, the documents that support it: the union of its proof's leaves.
    Proofs come from the rules engine's recorded rounds; other engines record none."""
    if kgraph.engine != "rules":
        return
    from kg.engine.explain import Explainer, supporting_documents

    explainer = Explainer(kgraph)
    for stmt in desc.inferred_outgoing:
        proof = explainer.explain(ox.Triple(iri, stmt.predicate, stmt.node))
        stmt.documents = sorted({s.identifier or s.document for s in supporting_documents(proof)}) if proof else []
    for stmt in desc.inferred_incoming:
        proof = explainer.explain(ox.Triple(stmt.node, stmt.predicate, iri))
        stmt.documents = sorted({s.identifier or s.document for s in supporting_documents(proof)}) if proof else []


# -- text ----------------------------------------------------------------
def _show(term: object, labeller: Callable[[object], str]) -> str:
    if isinstance(term, ox.Literal):
        text = " ".join(term.value.split())
        return f"{text} @{term.language}" if term.language else text
    return labeller(term)


def _columns(rows: list[list[str]], width: int | None, indent: str = "  ") -> list[str]:
    """Aligned columns; on a terminal (`width`) they fit it, the long cells cut with "…"."""
    from kg.output.columns import SEPARATOR, clip, fit_widths

    if not rows:
        return [f"{indent}(none)"]
    natural = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    widths = fit_widths(natural, None if width is None else width - len(indent))
    out = []
    for row in rows:
        cells = [clip(c, w).ljust(w) for c, w in zip(row, widths, strict=True)]
        out.append((indent + SEPARATOR.join(cells)).rstrip())
    return out


def _docs(stmt: Statement) -> str:
    return ", ".join(stmt.documents) if stmt.documents else "(no document cites its premises)"


def render(desc: Description, labeller: Callable[[object], str], lang: str = "en",
           width: int | None = None) -> str:
    """The description as text, IRIs shown by label; fitted to `width` (the terminal's) when given, every
    value whole otherwise."""
    name = labeller(desc.iri)
    short = prefixed(desc.iri)
    lines = [f"{name} ({short})" if name != short else short, f"<{desc.iri.value}>", ""]
    lines.append("Statements:")
    lines += _columns([[_show(s.predicate, labeller), _show(s.node, labeller), ", ".join(s.files)]
                       for s in desc.outgoing], width)
    lines += ["", "Referred to by:"]
    lines += _columns([[_show(s.node, labeller), _show(s.predicate, labeller), ", ".join(s.files)]
                       for s in desc.incoming], width)
    if desc.reasoning != "none":
        lines += ["", f"Inferred statements ({desc.reasoning}; documents behind each proof):"]
        lines += _columns([[_show(s.predicate, labeller), _show(s.node, labeller), _docs(s)]
                           for s in desc.inferred_outgoing], width)
        lines += ["", f"Inferred references ({desc.reasoning}; documents behind each proof):"]
        lines += _columns([[_show(s.node, labeller), _show(s.predicate, labeller), _docs(s)]
                           for s in desc.inferred_incoming], width)
    lines += ["", "Sources:"]
    if not desc.sources:
        lines.append("  (none)")
    for src in desc.sources:
        title = src.title(lang) or (labeller(src.document) if src.document is not None else "?")
        ident = f" [{src.identifier}]" if src.identifier else ""
        lines.append(f"  - {title}{ident}  ({labeller(src.fact)})")
        lines += [f"      « {' '.join(q.split())} »" for q in src.quotes]
    return "\n".join(lines) + "\n"
