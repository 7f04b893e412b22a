"""What a thing is at a glance, for a reader rather than for the graph's authors (issue 26): a one-line description
in the page's language (the texts' own when they give one in it, else generated from the types and key facts),
a short box of key facts chosen per class, each with the documents behind it as numbered notes, the inferred
statements worth reading apart from those that only restate what the page shows, and every inferred statement
said in one sentence built from its proof.

Plain data from an EntityPage (kg.inspection.entity); no HTML here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.inspection.entity import EKG, TYPE, EntityPage, Group, Node, PageBuilder, ProofView, Row, SourceRef
from kg.output import facts
from kg.output.values import date_not_stated, date_text, quantity
from kg.shared.namespaces import EKD
from kg.shared.records import Record

DCTERMS = "http://purl.org/dc/terms/"
NOT_STATED = EKG + "notStated"

# Key facts per class: (label en, label fr, what, direction): what is an ekg: property (direction True: the
# entity's own statements, False: statements about it), a figure's measure (`measure-…`) or `Role` (its roles).
ORGANISATION = [("founders", "fondateurs", "foundedBy", True), ("headquarters", "siège", "headquarters", True),
                ("located in", "lieu", "locatedIn", True),
                ("head-count", "effectif", "measure-headcount", None), ("revenue", "chiffre d’affaires",
                                                                       "measure-revenue", None),
                ("part of", "fait partie de", "subOrganisationOf", True), ("unit of", "unité de", "unitOf", True),
                ("supervised by", "tutelles", "supervisedBy", True),
                ("products", "produits", "offers", True), ("develops", "développe", "developedBy", False)]
PERSON = [("roles", "fonctions", "Role", None), ("affiliated with", "affiliations", "affiliatedWith", True)]
PROGRAMME = [("pilot", "pilote", "pilotedBy", True), ("co-pilots", "copilotes", "coPilotedBy", True),
             ("budget", "budget", "measure-budget", None), ("duration", "durée", "measure-duration", None),
             ("funded by", "financé par", "fundedBy", True), ("run by", "opéré par", "runBy", True)]
MODEL = [("developer", "développeur", "developedBy", True), ("provider", "fournisseur", "offeredBy", True),
         ("training computer", "calculateur d’entraînement", "trainedOn", True),
         ("hosted by", "hébergé par", "hostedBy", True), ("licence", "licence", "licence", True)]
EVENT = [("date", "date", "date", True), ("place", "lieu", "eventPlace", True),
         ("organised by", "organisé par", "organisedBy", True)]
PLACE = [("in", "dans", "locatedIn", True), ("country", "pays", "country", True)]
KEY_FACTS = [(EKG + "Organisation", ORGANISATION), (EKG + "Person", PERSON), (EKG + "Initiative", PROGRAMME),
             (EKG + "Software", MODEL), (EKG + "AIModel", MODEL), (EKG + "Infrastructure", MODEL),
             (EKG + "Event", EVENT), (EKG + "Place", PLACE)]


class Note(Record):
    """A document cited on a page, once: number, document (IRI), identifier (file), title, outlet, date, opening
    (True: no title, the title shown is the text's opening words)."""

    _fields = ("number", "document", "identifier", "title", "outlet", "date", "opening")
    _defaults = {"outlet": "", "date": "", "opening": False}  # noqa: RUF012
    __slots__ = _fields


class Notes:
    """The numbered notes of one page: each document gets its number the first time the page cites it."""

    def __init__(self, builder: PageBuilder, lang: str, sources_dir: Path | None = None) -> None:
        self.builder, self.lang, self.sources_dir = builder, lang, sources_dir
        self.by_document: dict[str, Note] = {}

    def number(self, ref: SourceRef | str) -> int:
        document = ref if isinstance(ref, str) else ref.document
        note = self.by_document.get(document)
        if note is None:
            note = self.by_document[document] = document_note(self.builder, document, len(self.by_document) + 1,
                                                              self.lang, self.sources_dir)
        return note.number

    def is_document(self, term: object) -> bool:
        from kg.inspection.entity import DOCUMENT

        return DOCUMENT in self.builder.types_of(term)

    def numbers(self, refs: Iterable[SourceRef]) -> list[int]:
        return sorted({self.number(r) for r in refs})

    @property
    def notes(self) -> list[Note]:
        return sorted(self.by_document.values(), key=lambda n: n.number)


def document_note(builder: PageBuilder, document: str, number: int, lang: str,
                  sources_dir: Path | None = None) -> Note:
    """A document as a note: its title (or, untitled, the opening words of its text when the text is at hand),
    its outlet (dcterms:publisher) and date."""
    node = ox.NamedNode(document)
    identifier, title = builder.document(node)
    outlet = ", ".join(builder.label(v, lang) for v in builder.values(node, DCTERMS + "publisher")
                       if isinstance(v, ox.NamedNode))
    dates = [v for v in builder.values(node, DCTERMS + "date") + builder.values(node, DCTERMS + "issued")
             if isinstance(v, ox.Literal)]
    date = builder.node(dates[0], lang).text if dates else ""
    opening = False
    if not title:
        title = opening_words(sources_dir, identifier) if sources_dir is not None else ""
        opening = bool(title)
    return Note(number, document, identifier, title or builder.label(node, lang), outlet, date, opening)


def opening_words(sources_dir: Path, identifier: str, limit: int = 90) -> str:
    """The first line of a text, cut at a word near `limit` characters: the title an untitled text gives itself."""
    from kg.inspection.documents import read_source

    text = read_source(sources_dir, identifier) if identifier else None
    if not text:
        return ""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= limit:
        return first
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:–— ") + "…"


# -- the one-line description ---------------------------------------------------------------------------------
class KeyFact(Record):
    """One line of the key-facts box: label, items (Node, SourceRefs) pairs."""

    _fields = ("label", "items")
    __slots__ = _fields


class Glance(Record):
    """description (text); description_sources (SourceRefs, when the texts give it); generated (True: built from
    types and key facts); type_names (the most specific types, by label); other_names; key_facts (KeyFacts)."""

    _fields = ("description", "description_sources", "generated", "types", "other_names", "key_facts")
    __slots__ = _fields


def all_types(builder: PageBuilder, iri: ox.NamedNode) -> set[str]:
    """Asserted and inferred types (the closure holds the super-classes)."""
    return {q.object.value for q in builder.store.quads_for_pattern(iri, TYPE, None, None)
            if isinstance(q.object, ox.NamedNode)}


SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def specific_types(builder: PageBuilder, page: EntityPage) -> list[Node]:
    """The page's most specific types (none of the others is a sub-class of it), of the project's ontology when
    it has some, by label: "SME", not "agent, company, organisation, SME"."""
    own = [t for t in page.types if t.ontology] or page.types
    terms = {t.term for t in own}
    broader = {q.object for t in terms for q in builder.store.quads_for_pattern(t, SUBCLASS, None, None)
               if q.object != t}
    return [t for t in own if t.term not in broader] or own


def _rows(groups: list[Group], prop: str) -> list[Row]:
    return [r for g in groups if g.predicate.term.value == prop for r in g.rows]


def key_facts(builder: PageBuilder, page: EntityPage) -> list[KeyFact]:
    types = all_types(builder, page.iri)
    spec = next((s for cls, s in KEY_FACTS if cls in types), None)
    if spec is None:
        return []
    lang = page.lang
    out = []
    for en, fr, name, outgoing in spec:
        items: list[tuple[Node, list[SourceRef]]] = []
        if name == "Role":
            items = [(f.node, f.sources) for f in page.facts if f.kind == EKG + "Role"]
        elif name.startswith("measure-"):
            measure = ox.NamedNode(EKD + name)
            items = [(figure_brief(builder, f.node, lang), f.sources) for f in page.facts
                     if f.kind == EKG + "Figure" and measure in builder.values(f.node.term, EKG + "measure")]
        else:
            prop = EKG + name
            groups = page.outgoing if outgoing else page.incoming
            items = [(r.node, r.sources) for r in _rows(groups, prop)]
            inferred = page.inferred_outgoing if outgoing else page.inferred_incoming
            shown = {str(n.term) for n, _ in items}
            items += [(r.node, r.documents) for r in _rows(inferred, prop) if str(r.node.term) not in shown]
        if items:
            out.append(KeyFact(fr if lang == "fr" else en, items))
    return out


def figure_brief(builder: PageBuilder, node: Node, lang: str) -> Node:
    """A figure as a key fact: its quantity in words and its date ("13 million euros, 2023"; "200 people, date not
    stated in the texts"), linked to the figure's page."""
    fig = node.term

    def first(prop: str) -> object:
        return next(iter(builder.values(fig, EKG + prop)), None)

    value, unit, qualifier = first("value"), first("unit"), first("qualifier")
    if value is None:
        return node
    text = quantity(value, lang, builder.label(unit, lang) if isinstance(unit, ox.NamedNode) else "",
                    builder.label(qualifier, lang) if isinstance(qualifier, ox.NamedNode) else "")
    date, duration = first("date"), first("duration")
    if isinstance(duration, ox.Literal):
        text += (" sur " if lang == "fr" else " over ") + builder.node(duration, lang).text
    if isinstance(date, ox.Literal):
        text += ", " + date_text(date, lang, first("inferredDate"))
    elif ox.NamedNode(EKG + "date") in builder.values(fig, NOT_STATED):
        text += f" ({date_not_stated(lang)})"
    return Node(fig, text, node.link, name=text)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" et " if lang == "fr" else " and ") + items[-1]


def describe(builder: PageBuilder, page: EntityPage, found: list[KeyFact]) -> tuple[str, list[SourceRef], bool]:
    """(text, sources, generated): the texts' shortest well-attested description in the page's language, else one
    sentence from the most specific type and the key facts."""
    lang = page.lang
    described = [r for r in _rows(page.outgoing, DCTERMS + "description")
                 if (r.node.lang or "").split("-")[0] == lang]
    if described:
        best = min(described, key=lambda r: (-len({s.document for s in r.sources}), len(r.node.text)))
        return best.node.text[:1].upper() + best.node.text[1:], best.sources, False
    types = specific_types(builder, page)
    kind = types[0].name if types else ""
    facts_by = {k.label: k for k in found}
    parts = []
    phrases = (("founders", "fondateurs", "founded by", "dont les fondateurs sont"),
               ("part of", "fait partie de", "part of", "qui fait partie de"),
               ("unit of", "unité de", "a unit of", "unité de"),
               ("developer", "développeur", "developed by", "développé par"),
               ("pilot", "pilote", "piloted by", "sous le pilotage de"),
               ("located in", "lieu", "in", "à"), ("place", "lieu", "in", "à"))
    for en, fr, said_en, said_fr in phrases:
        key = facts_by.get(fr if lang == "fr" else en)
        if key is None:
            continue
        names = [n.name for n, _ in key.items if n.link and not n.sentence][:3]
        if names:
            parts.append(f"{said_fr if lang == 'fr' else said_en} {_join(names, lang)}")
    roles = facts_by.get("fonctions" if lang == "fr" else "roles")
    if roles:
        titles = []
        for node, _ in roles.items[:2]:
            title = [v for v in builder.values(node.term, EKG + "roleTitle") if isinstance(v, ox.Literal)]
            org = [v for v in builder.values(node.term, EKG + "roleOrganisation") if isinstance(v, ox.NamedNode)]
            chosen = next((t.value for t in title if (t.language or "").startswith(lang)),
                          title[0].value if title else "")
            if chosen and not any(t.startswith(chosen) for t in titles):
                titles.append(chosen + (f" ({builder.label(org[0], lang)})" if org and
                                        builder.label(org[0], lang) not in chosen else ""))
        if titles:
            parts.append(_join(titles, lang))
    text = kind[:1].upper() + kind[1:] if kind else page.label
    if parts:
        text += (", " if kind else ": ") + ", ".join(parts[:3])
    return text, [], True


def glance(builder: PageBuilder, page: EntityPage) -> Glance:
    found = key_facts(builder, page)
    text, sources, generated = describe(builder, page, found)
    other = sorted({v for k, v in page.labels.items() if v != page.label} | set(page.alt_labels),
                   key=str.casefold)
    return Glance(text, sources, generated, specific_types(builder, page), other, found)


def hit_line(builder: PageBuilder, iri: ox.NamedNode, lang: str) -> str:
    """One line for a search hit, without building the page: its most specific kinds by label, then the texts'
    shortest description in the page's language, or a role's title for a person."""
    types = [ox.NamedNode(t) for t in builder.types_of(iri) if t.startswith(EKG)]
    broader = {q.object for t in types for q in builder.store.quads_for_pattern(t, SUBCLASS, None, None)
               if q.object != t}
    kinds = [builder.label(t, lang) for t in types if t not in broader]
    said = [v for v in builder.values(iri, DCTERMS + "description")
            if isinstance(v, ox.Literal) and (v.language or "").split("-")[0] == lang]
    detail = min((" ".join(v.value.split()) for v in said), key=len, default="")
    if not detail:
        for q in builder.store.quads_for_pattern(None, ox.NamedNode(EKG + "roleHolder"), iri, None):
            titles = [v for v in builder.values(q.subject, EKG + "roleTitle") if isinstance(v, ox.Literal)]
            chosen = next((t.value for t in titles if (t.language or "").startswith(lang)), "")
            if chosen:
                detail = chosen
                break
    line = ", ".join(sorted(set(kinds)))
    return f"{line} — {detail}" if line and detail else line or detail


# -- inferred statements for readers ---------------------------------------------------------------------
def split_inferred(builder: PageBuilder, page: EntityPage, groups: list[Group]) -> tuple[list[Group], int]:
    """(the groups worth reading, how many rows were folded away as restatements)."""
    links = {str(r.node.term) for g in page.outgoing + page.incoming for r in g.rows}
    links |= {str(f.node.term) for f in page.facts}
    kept, folded = [], 0
    for g in groups:
        prop = g.predicate.term.value
        rows = []
        for r in g.rows:
            trivial = (prop == TYPE.value or not prop.startswith(EKG) or str(r.node.term) in links
                       or (isinstance(r.node.term, ox.NamedNode) and facts.fact_class(builder.types_of(r.node.term))))
            if trivial:
                folded += 1
            else:
                rows.append(r)
        if rows:
            kept.append(Group(g.predicate, rows))
    return kept, folded


def _leaves(proof: ProofView) -> list[ProofView]:
    """The asserted statements a proof rests on (data, not the ontology's axioms), in order, once each."""
    out: list[ProofView] = []
    seen: set[tuple[str, str, str]] = set()
    stack = [proof]
    while stack:
        p = stack.pop(0)
        if p.rule is None:
            key = (str(p.subject.term), str(p.predicate.term), str(p.object.term))
            data = p.subject.link is not None or p.object.link is not None
            if data and key not in seen and p.predicate.term != TYPE:
                seen.add(key)
                out.append(p)
        stack = list(p.premises) + stack
    return out


def because(proof: ProofView | None, lang: str) -> list[tuple[Node | ProofView, list[SourceRef]]]:
    """What an inferred statement follows from, as a reader reads it: each asserted statement of its proof (the
    data, not the ontology's axioms), a fact node's statements said once as the fact's sentence, each with its
    documents. Empty when the proof rests on the ontology alone."""
    if proof is None:
        return []
    out: list[tuple[Node | ProofView, list[SourceRef]]] = []
    facts_seen: dict[str, int] = {}
    for leaf in _leaves(proof):
        fact = next((n for n in (leaf.subject, leaf.object) if n.sentence), None)
        if fact is None:
            out.append((leaf, list(leaf.sources)))
            continue
        key = str(fact.term)
        if key in facts_seen:
            out[facts_seen[key]][1].extend(leaf.sources)
        else:
            facts_seen[key] = len(out)
            out.append((fact, list(leaf.sources)))
    return out[:4]
