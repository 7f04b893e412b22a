"""Readings checked by kind, not triple by triple (issue "Corrections from an independent read of the graph").

Each test states a rule every fact of one kind must follow, so that the error an audit found once (co-pilots
read into « aux côtés de », a speaker read into « a partagé », a university found only by its label, a
licence spread from a company's policy to every product, an inference note leaning on outside knowledge)
cannot come back anywhere in the graph.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
import pytest
from seedtext import SEEDS_DIR, data_store, normalise, ontology_store, require_seeds, sentences

EKG = "https://w3id.org/ecosystem-kg/ontology#"
EKD = "https://w3id.org/ecosystem-kg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
TYPE = RDF + "type"

# What a quote must say for each participation role: a participation is only as strong as its words. A
# participation also makes its agent `attended` the event (property chain), so every role here is one of taking
# part; « salué par » is not one (ekg:hailedBy), and a participation whose role has no cue fails.
ROLE_CUES = {
    "prole-signatory": r"\bsigné",
    "prole-attendee": r"\bprésent",
    "prole-guest": r"\binvité",
    "prole-speaker": r"\b(annoncé|évoqué|déclar|explique|livré|parole|discours|intervenu|prononcé)",
    "prole-participant": r"\bparticip",
    "prole-roadmap-sharer": r"\bpartagé",
}
# Relations that claim a role in steering or taking part: never read from words that only name X beside Y.
STEERING_OR_TAKING_PART = {EKG + p for p in ("coPilotedBy", "pilotedBy", "coPilots", "participatesIn",
                                            "hasParticipant", "runBy", "partner", "collaboratesWith")}
BESIDE = re.compile(r"\baux côtés d(?:e|u|es|’|')", re.IGNORECASE)
UNIVERSITY_WORDS = re.compile(r"\b(Université\b|University\b|Univ\.)")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


class Graph:
    """The asserted data as maps, built once."""

    def __init__(self, store: ox.Store, onto: ox.Store) -> None:
        self.triples = {(q.subject, q.predicate, q.object) for q in store}
        self.out: dict = defaultdict(lambda: defaultdict(list))
        for s, p, o in self.triples:
            self.out[s][p.value].append(o)
        self.names: dict = defaultdict(list)
        for source in (store, onto):
            for q in source:
                if q.predicate.value in (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel") \
                        and isinstance(q.object, ox.Literal):
                    self.names[q.subject].append(normalise(q.object.value))
        self.attestations = [s for s, props in self.out.items()
                             if N(EKG + "Attestation") in props.get(TYPE, [])]

    def one(self, s, p):
        values = self.out[s].get(p, [])
        return values[0] if len(values) == 1 else None

    def spo(self, att) -> tuple:
        return tuple(self.one(att, RDF + x) for x in ("subject", "predicate", "object"))

    def quotes(self, fact) -> list[str]:
        return [normalise(q.value) for q in self.out[fact].get(EKG + "quote", [])]

    def attestations_of(self, s, p, o) -> list:
        return [a for a in self.attestations if self.spo(a) == (s, p, o)]

    def instances(self, cls: str) -> list:
        return sorted((s for s, props in self.out.items() if N(cls) in props.get(TYPE, [])), key=str)

    def document(self, fact) -> str:
        doc = self.one(fact, PROV + "wasDerivedFrom")
        return self.one(doc, DCTERMS + "identifier").value


@pytest.fixture(scope="module")
def g() -> Graph:
    return Graph(data_store(), ontology_store())


def _named_in(names: list[str], text: str) -> bool:
    low = text.lower()
    return any(n and n.lower() in low for n in names)


# -- 1. pilots, co-pilots and « aux côtés de » --------------------------------------------------------------

def test_every_co_piloting_is_read_from_words_that_say_piloting(g: Graph) -> None:
    """Every ekg:coPilotedBy / ekg:pilotedBy triple has an attestation whose quote says (co-)piloting and
    names the organisation before any « aux côtés de »."""
    bad = []
    for p in ("coPilotedBy", "pilotedBy"):
        for s, pred, o in sorted(t for t in g.triples if t[1] == N(EKG + p)):
            ok = False
            for att in g.attestations_of(s, pred, o):
                for q in g.quotes(att):
                    before = BESIDE.split(q)[0]
                    if re.search(r"pilot", before, re.IGNORECASE) and _named_in(g.names[o], before):
                        ok = True
            if not ok:
                bad.append(f"{s.value} {p} {o.value}")
    assert not bad, "co-piloting not said by the quote:\n" + "\n".join(bad)


def test_nobody_named_beside_another_is_given_a_role_by_those_words(g: Graph) -> None:
    """Where a quote names an organisation only after « aux côtés de », its attestation may not claim that it
    steers or takes part: the text names it beside someone, its role unstated (ekg:namedBesidePilot)."""
    bad, seen = [], 0
    for att in g.attestations:
        _s, p, o = g.spo(att)
        if not isinstance(o, ox.NamedNode) or p.value not in STEERING_OR_TAKING_PART | {EKG + "namedBesidePilot"}:
            continue
        for q in g.quotes(att):
            if not BESIDE.search(q):
                continue
            seen += 1
            before, after = BESIDE.split(q, maxsplit=1)
            only_after = _named_in(g.names[o], after) and not _named_in(g.names[o], before)
            if only_after and p.value in STEERING_OR_TAKING_PART:
                bad.append(f"{att.value}: {p.value} read from {q!r}")
            if p.value == EKG + "namedBesidePilot" and not only_after:
                bad.append(f"{att.value}: namedBesidePilot but the quote does not name it beside the pilot")
    assert seen, "the check saw no « aux côtés de » construction: it tests nothing"
    assert not bad, "\n".join(bad)


def test_named_beside_the_pilot_implies_no_steering_in_the_closure(project_graphs) -> None:
    rows = project_graphs("owlrl").query(
        f"SELECT ?i ?o WHERE {{ ?i <{EKG}namedBesidePilot> ?o . "
        f"{{ ?i <{EKG}coPilotedBy> ?o }} UNION {{ ?i <{EKG}hasParticipant> ?o }} }}")
    assert not rows.rows, "the reasoner turned an organisation named beside the pilot into a co-pilot or participant"


# -- 2. participations -----------------------------------------------------------------------------------

def test_every_participation_role_is_said_by_its_quote(g: Graph) -> None:
    """A speaker's quote shows speech, a signatory's a signature, an attendee's presence, and so on: the cue
    is in the quote or in the sentence holding it (« et Marina Ferrari » shares « a été salué par »)."""
    require_seeds()
    texts = {p.name: sentences(p.read_text(encoding="utf-8")) for p in SEEDS_DIR.glob("*.txt")}
    bad = []
    participations = g.instances(EKG + "Participation")
    assert participations
    for part in participations:
        role = g.one(part, EKG + "participationRole")
        local = role.value.removeprefix(EKD) if role is not None else None
        cue = ROLE_CUES.get(local)
        if cue is None:
            bad.append(f"{part.value}: role {local} has no cue in ROLE_CUES")
        elif not any(re.search(cue, q, re.IGNORECASE) for q in [
                *g.quotes(part), texts[g.document(part)][int(g.one(part, EKG + "sentenceIndex").value) - 1]]):
            bad.append(f"{part.value}: role {local}, quotes {g.quotes(part)}")
    assert not bad, "participations whose quote does not show the role:\n" + "\n".join(bad)


# -- 3. universities ---------------------------------------------------------------------------------------

def test_every_university_is_named_a_university_by_its_attestation(g: Graph) -> None:
    universities = g.instances(EKG + "University")
    assert len(universities) >= 5
    bad = []
    for u in universities:
        quotes = [q for a in g.attestations_of(u, N(TYPE), N(EKG + "University")) for q in g.quotes(a)]
        if not any(UNIVERSITY_WORDS.search(q) and _named_in(g.names[u], q) for q in quotes):
            bad.append(f"{u.value}: {quotes}")
    assert not bad, "ekg:University without a quote naming it a university:\n" + "\n".join(bad)


def test_every_organisation_named_university_is_typed_university_and_no_other_is(g: Graph) -> None:
    """The class and the names agree: a query by type finds exactly what the texts call universities."""
    typed = set(g.instances(EKG + "University"))
    named = {s for s in g.out if g.out[s].get(EKG + "mentionedIn")
             and any(UNIVERSITY_WORDS.match(n) for n in g.names[s])}
    assert named == typed
    assert N(EKD + "ecole-polytechnique") not in typed


# -- 4. the PEPR scheme -------------------------------------------------------------------------------------

def test_every_pepr_is_a_priority_research_programme_attested_by_the_expansion(g: Graph) -> None:
    peprs = set(g.instances(EKG + "PriorityResearchProgramme"))
    named = {s for s in g.out if g.out[s].get(EKG + "mentionedIn")
             and any(re.match(r"PEPR\b", n) for n in g.names[s])}
    assert peprs == named and len(peprs) == 2
    documents = set()
    for p in peprs:
        atts = g.attestations_of(p, N(TYPE), N(EKG + "PriorityResearchProgramme"))
        assert any("Programme et équipement prioritaire de recherche (PEPR)" in q
                   for a in atts for q in g.quotes(a)), p.value
        documents |= {g.document(a) for a in atts}
    assert {d[:3] for d in documents} == {"001", "004"}


# -- 5. licences --------------------------------------------------------------------------------------------

def test_reasoning_gives_no_software_a_licence_the_data_does_not(project_graphs) -> None:
    """A company's licensing policy stays a statement about the company: no rule spreads it to products."""
    q = f"SELECT ?s ?l WHERE {{ ?s <{EKG}licence> ?l }}"
    asserted = {tuple(map(str, r)) for r in project_graphs("none").query(q).rows}
    closed = {tuple(map(str, r)) for r in project_graphs("owlrl").query(q).rows}
    assert asserted and closed == asserted


def test_every_licence_is_given_where_the_text_names_the_software(g: Graph) -> None:
    """ekg:licence (software, L): the attesting quote names L, and the software is named in the quote's
    sentence or the one before it (« tous nos logiciels » reaches only what the text has just named)."""
    require_seeds()
    texts = {p.name: sentences(p.read_text(encoding="utf-8")) for p in SEEDS_DIR.glob("*.txt")}
    bad = []
    for s, p, o in sorted(t for t in g.triples if t[1] == N(EKG + "licence")):
        atts = g.attestations_of(s, p, o)
        ok = False
        for att in atts:
            numbered = texts[g.document(att)]
            index = int(g.one(att, EKG + "sentenceIndex").value)
            window = " ".join(numbered[max(0, index - 2):index])
            if any(_named_in(g.names[o], q) for q in g.quotes(att)) and _named_in(g.names[s], window):
                ok = True
        if not ok:
            bad.append(f"{s.value} licence {o.value}")
    assert not bad, "licences given to software the text does not name there:\n" + "\n".join(bad)


# -- 6. inference notes --------------------------------------------------------------------------------------

def test_words_a_note_quotes_are_in_the_seeds(g: Graph) -> None:
    """A French inference note that quotes « … » quotes the texts, verbatim: a note says what in the texts
    supports a reading, so what it cites must be there."""
    require_seeds()
    corpus = " ".join(normalise(p.read_text(encoding="utf-8")) for p in SEEDS_DIR.glob("*.txt")).lower()
    bad, seen = [], 0
    for s, p, o in g.triples:
        if p.value != EKG + "inferenceNote" or o.language != "fr":
            continue
        for cited in re.findall(r"«\s*(.+?)\s*»", o.value):
            seen += 1
            if normalise(cited).lower() not in corpus:
                bad.append(f"{s.value}: « {cited} »")
    assert seen >= 20
    assert not bad, "notes citing words the seeds do not hold:\n" + "\n".join(sorted(set(bad)))


def test_every_inferred_date_is_marked_plausible_not_established(g: Graph) -> None:
    dated = sorted({s for s, p, _ in g.triples if p.value == EKG + "inferredDate"}, key=str)
    assert dated
    bad = []
    for s in dated:
        notes = {n.language: n.value for n in g.out[s].get(EKG + "inferenceNote", [])}
        if "vraisemblable" not in notes.get("fr", "") or "plausible" not in notes.get("en", ""):
            bad.append(s.value)
    assert not bad, f"inferred dates whose note does not say the reading is only plausible: {bad}"


def test_the_2024_note_leans_on_nothing_outside_the_texts(g: Graph) -> None:
    """The only evidence for 2024 in the seeds is document 001's latest year (2023); Marina Ferrari's being
    « nouvelle » secrétaire d'État dates nothing without outside knowledge, so no note may use it."""
    for s, p, o in g.triples:
        if p.value == EKG + "inferenceNote" and "2024" in o.value:
            assert "Ferrari" not in o.value and "nouvelle" not in o.value, s.value


# -- 6. say no more than the text (issue 25, item 17) ------------------------------------------------------

SENTENCE_END = (".", "!", "?", "»", "«", ":", "…", ";", ",")
# Words that say something is used; a relation of use read from other words (a purpose, « pour permettre à … »)
# says more than the text.
USE_CUES = re.compile(r"\b(utilis|usage|emploi|s[’']en sert|adoss)", re.IGNORECASE)
# Words that say X leans on Y, not that Y belongs to X: a structural relation read from them is a reading.
RELIANCE = re.compile(r"s[’']appuie sur|s[’']appuyant sur|\badoss", re.IGNORECASE)
STRUCTURE = {EKG + p for p in ("unitOf", "hasUnit", "subOrganisationOf", "hasSubOrganisation", "memberOf",
                               "hasMember", "supervisedBy", "supervises")}
ACRONYM = re.compile(r"\b[A-ZÉ]{2,}\d*\b")
TRANSLATED_ACRONYMS = {"IA": "AI"}


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    require_seeds()
    return [normalise(line) for path in sorted(SEEDS_DIR.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_no_description_is_a_section_heading(g: Graph, seed_lines: list[str]) -> None:
    """A heading (a line of its own that ends without punctuation) announces a section; it describes nothing in
    particular, so no dcterms:description is one (Jean Zay's was « Des moyens mutualisés au service de la
    communauté scientifique »)."""
    headings = {line for line in seed_lines if not line.endswith(SENTENCE_END)}
    assert "Des moyens mutualisés au service de la communauté scientifique" in headings  # the rule sees them
    bad = [f"{s.value}: {o.value!r}" for s, p, o in g.triples
           if p.value == DCTERMS + "description" and normalise(o.value) in headings]
    assert not bad, "descriptions taken from section headings:\n" + "\n".join(sorted(bad))


def test_role_titles_and_kinds_keep_what_the_texts_write(g: Graph, seed_lines: list[str]) -> None:
    """A role's French title is in its quote, a role kind's French label is a word of the texts, and the English
    keeps every acronym the French writes (« PDG » stays PDG: no text spells out président-directeur général,
    and "Chair and CEO" would say more); IA / AI is a translation, not an expansion."""
    text = " ".join(seed_lines).lower()
    bad = []
    kinds = {o for _, p, o in g.triples if p.value == EKG + "roleKind"}
    for role in g.instances(EKG + "Role"):
        quotes = " ".join(g.quotes(role)).lower()
        for title in g.out[role].get(EKG + "roleTitle", []):
            if title.language == "fr" and normalise(title.value).lower() not in quotes:
                bad.append(f"{role.value}: title {title.value!r} is not in its quote")
    for node in sorted(kinds, key=str):
        for label in g.out[node].get(RDFS + "label", []):
            if label.language == "fr" and not re.search(r"(?<!\w)" + re.escape(label.value.lower()) + r"(?!\w)",
                                                        text):
                bad.append(f"{node.value}: role kind {label.value!r} is written by no text")
    for node in [*g.instances(EKG + "Role"), *sorted(kinds, key=str)]:
        for prop in (RDFS + "label", EKG + "roleTitle"):
            values = g.out[node].get(prop, [])
            french = {a for v in values if v.language == "fr" for a in ACRONYM.findall(v.value)}
            english = {a for v in values if v.language == "en" for a in ACRONYM.findall(v.value)}
            lost = {a for a in french - english if TRANSLATED_ACRONYMS.get(a) not in english}
            if lost:
                bad.append(f"{node.value}: the English {prop.rsplit('#', 1)[-1]} spells out {sorted(lost)}")
    assert not bad, "role titles and kinds that say more than the texts:\n" + "\n".join(bad)


def test_every_use_is_read_from_words_of_use(g: Graph) -> None:
    """ekg:usedBy / ekg:uses need words that say use (« utilisé par », « utilisateur du »); a purpose
    (« pour permettre à la communauté OpenLLM d'interagir avec elle ») is not a use. Words that only come near
    it (« adossé au supercalculateur ») carry an inference note."""
    bad, seen = [], 0
    for att in g.attestations:
        p = g.spo(att)[1]
        if p is None or p.value not in (EKG + "usedBy", EKG + "uses"):
            continue
        seen += 1
        quotes = " ".join(g.quotes(att))
        if not USE_CUES.search(quotes):
            bad.append(f"{att.value}: {quotes!r}")
        elif re.search(r"\badoss", quotes, re.IGNORECASE) and not g.out[att].get(EKG + "inferenceNote"):
            bad.append(f"{att.value}: « adossé » read as use without an inference note")
    assert seen >= 3
    assert not bad, "uses the text does not state:\n" + "\n".join(bad)


def test_structure_read_from_reliance_is_marked_as_a_reading(g: Graph) -> None:
    """« X s'appuie sur un comité » says X leans on it, not that it is X's unit: a unitOf (or any structural
    relation) read from such words carries an ekg:inferenceNote saying so."""
    bad, seen = [], 0
    for att in g.attestations:
        p = g.spo(att)[1]
        if p is None or p.value not in STRUCTURE or not RELIANCE.search(" ".join(g.quotes(att))):
            continue
        seen += 1
        notes = {n.language: n.value for n in g.out[att].get(EKG + "inferenceNote", [])}
        if "appuie" not in notes.get("fr", "") and "adoss" not in notes.get("fr", "").lower():
            bad.append(att.value)
    assert seen >= 2
    assert not bad, "structure read from « s'appuie sur » without a note:\n" + "\n".join(bad)


def test_labels_we_wrote_name_only_what_the_graph_links(g: Graph, seed_lines: list[str]) -> None:
    """A label no text prints (« après-midi du 13 juin 2024 … ») is ours: every other entity it names as a whole
    name must be linked to the thing, directly or through one node (a fact, an event). « organisatrice de
    l'après-midi 1001 Parcours » tied the afternoon to 1001 Parcours, which no statement does."""
    from kg.ingest.labelmatch import NameIndex

    text = " ".join(seed_lines).lower()
    documents = set(g.instances(EKG + "SourceDocument"))
    entities = {s for s, props in g.out.items() if EKG + "mentionedIn" in props}
    names = NameIndex(((e.value, n.value) for e in entities
                       for prop in (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
                       for n in g.out[e].get(prop, []) if n.language == "fr"), max_words=100)
    near: dict = defaultdict(set)
    for s, p, o in g.triples:
        if isinstance(o, ox.NamedNode) and p.value not in (TYPE, EKG + "mentionedIn", EKG + "mentions") \
                and s not in documents and o not in documents:
            near[s.value].add(o.value)
            near[o.value].add(s.value)
    bad, checked = [], 0
    for entity in sorted(entities, key=str):
        for label in g.out[entity].get(RDFS + "label", []):
            if label.language != "fr" or label.value.lower() in text:
                continue
            checked += 1
            for other in sorted({iri for span in names.candidates(label.value) for iri in span.iris} - {entity.value}):
                spelled = [v.value for prop in (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
                           for v in g.out[N(other)].get(prop, []) if v.language == "fr"]
                if not any(names.occurrences(s, other, label.value) for s in spelled):
                    continue  # inside a longer name of something else (« France » in « France 24 »)
                linked = other in near[entity.value] or any(other in near[x] for x in near[entity.value])
                if not linked:
                    bad.append(f"{entity.value}: {label.value!r} names {other}, which nothing links to it")
    assert checked >= 10
    assert not bad, "labels that tie things the graph does not link:\n" + "\n".join(bad)
