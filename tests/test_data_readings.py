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
