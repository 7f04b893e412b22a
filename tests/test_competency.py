"""Competency questions: what a user asks of the graph, with the answer read in the seed documents.

Each question is SPARQL plus the answer expected from the seed text. `sources` cites the seed file (by its
number) and the phrase the answer was read from; test_sources_are_in_the_seeds checks that every phrase is
really in that file, so the citations cannot rot. Answers are compared as sets of rows, with IRIs shortened
to prefixed names (ekd:lix) and typed literals written `value^^xsd:type` (language tags dropped).

Questions marked `regime="owlrl"` answer fully only with OWL 2 RL reasoning: the test asserts the full answer
with `owlrl` and the smaller one (`without`) with `none`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import pytest
from seedtext import SEEDS_DIR, SKIP_MESSAGE, normalise

from kg.shared.namespaces import shorten
from kg.shared.results import AskResult, SelectResult

XSD = "http://www.w3.org/2001/XMLSchema#"
SEED_FILES = {
    "000": "000_bb6407350258f394.txt",
    "001": "001_79be0d28506bdd24.txt",
    "002": "002_8a0475c7c1c0d540.txt",
    "003": "003_3061643a300f9188.txt",
    "004": "004_c5c19c14cd75e8c8.txt",
}


@dataclass(frozen=True)
class CQ:
    """A competency question, its SPARQL, the expected answer and where in the seeds it is read."""

    id: str
    question: str
    sparql: str
    expected: Any  # a set of tuples (or of single values for one-column answers), or a bool for ASK
    sources: tuple[tuple[str, str], ...]  # (seed number, phrase copied from the seed)
    regime: str = "none"
    without: Any = None  # for owlrl questions: the answer with reasoning "none"


def value(term: Any) -> str | None:
    """A readable, comparable form of a term: ekd:lix, "PDG du CNRS", "2023^^xsd:gYear"."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return shorten(term.value)
    if isinstance(term, ox.Literal):
        if term.language or term.datatype.value == XSD + "string":
            return term.value
        return f"{term.value}^^{shorten(term.datatype.value)}"
    return str(term)


def answer(result: Any) -> Any:
    if isinstance(result, AskResult):
        return result.value
    assert isinstance(result, SelectResult)
    rows = [tuple(value(t) for t in row) for row in result.rows]
    if result.variables and len(result.variables) == 1:
        return {row[0] for row in rows}
    return set(rows)


P = """PREFIX ekg: <https://w3id.org/ecosystem-kg/ontology#>
PREFIX ekd: <https://w3id.org/ecosystem-kg/id/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def title_q(person: str) -> str:
    """The French titles of a person's roles, with the document of each."""
    return P + f"""SELECT ?doc ?title WHERE {{
        ?role a ekg:Role ; ekg:roleHolder {person} ; ekg:roleTitle ?title ; prov:wasDerivedFrom ?doc .
        FILTER (LANG(?title) = "fr") }}"""


def figure_q(subject: str, measure: str) -> str:
    """Value, unit, qualifier and document of the figures of one measure about one subject."""
    return P + f"""SELECT ?value ?unit ?qualifier ?doc WHERE {{
        ?f ekg:figureOf {subject} ; ekg:measure {measure} ; ekg:value ?value ; ekg:unit ?unit ;
           ekg:qualifier ?qualifier ; prov:wasDerivedFrom ?doc }}"""


def attesting_docs(s: str, p: str, o: str) -> str:
    """The documents (and file names) an ekg:Attestation cites for one asserted triple."""
    return P + f"""SELECT ?doc ?file WHERE {{
        ?a a ekg:Attestation ; rdf:subject {s} ; rdf:predicate {p} ; rdf:object {o} ;
           prov:wasDerivedFrom ?doc . ?doc dcterms:identifier ?file }}"""


F000, F001, F002, F003, F004 = (SEED_FILES[n] for n in sorted(SEED_FILES))

QUESTIONS: list[CQ] = [
    # --- the framework agreement and its ceremony (documents 000 and 001) -------------------------------------
    CQ("agreement-signatories", "Who signed the CNRS–LINAGORA agreement?",
       P + "SELECT ?p WHERE { ekd:cnrs-linagora-framework-agreement ekg:signatory ?p }",
       {"ekd:antoine-petit", "ekd:alexandre-zapolsky"},
       (("000", "L’accord a été signé par Antoine Petit, PDG du CNRS, et Alexandre ZAPOLSKI, Président de "
                "Linagora"),)),
    CQ("agreement-parties", "Who are the parties to the framework agreement?",
       P + "SELECT ?p WHERE { ekd:cnrs-linagora-framework-agreement ekg:party ?p }",
       {"ekd:cnrs", "ekd:linagora"},
       (("001", "le CNRS a signé son premier accord-cadre avec une PME française : Linagora"),)),
    CQ("ceremony-place", "Where was the agreement signed?",
       P + "SELECT ?place WHERE { ekd:cnrs-linagora-framework-agreement ekg:signingEvent/ekg:eventPlace ?place }",
       {"ekd:issy-les-moulineaux"},
       (("000", "L’événement, qui s’est déroulé à Issy-les-Moulineaux"),)),
    CQ("ceremony-date", "On what date was the agreement signed: as written, as typed, and the inferred full date?",
       P + """SELECT ?written ?date ?inferred WHERE { ekd:cnrs-linagora-signing-ceremony ekg:dateAsWritten ?written ;
              ekg:date ?date ; ekg:inferredDate ?inferred }""",
       {("le 26 février", "--02-26^^xsd:gMonthDay", "2024-02-26^^xsd:date")},
       (("000", "Issy-les-Moulineaux, le 26 février"), ("001", "la cérémonie du 26 février"))),
    CQ("sme-agreement", "Which documents say LINAGORA is an SME (PME)?",
       attesting_docs("ekd:linagora", "rdf:type", "ekg:SmallOrMediumEnterprise"),
       {("ekd:doc-000", F000), ("ekd:doc-001", F001)},
       (("000", "le premier accord de ce type que le CNRS signe avec une PME française"),
        ("001", "son premier accord-cadre avec une PME française : Linagora"))),
    CQ("research-axes", "Around which research axes is the partnership organised?",
       P + "SELECT ?axis ?doc WHERE { ?a rdf:subject ekd:cnrs-linagora-framework-agreement ; "
           "rdf:predicate ekg:researchAxis ; rdf:object ?axis ; prov:wasDerivedFrom ?doc }",
       {("ekd:axis-inter-individual-collaboration", "ekd:doc-000"),
        ("ekd:axis-conversational-speech", "ekd:doc-000"), ("ekd:axis-generative-ai-llm", "ekd:doc-000")},
       (("000", "La collaboration inter-individus et inter-entreprises"),
        ("000", "La reconnaissance et le traitement automatique de la parole conversationnelle"),
        ("000", "Les développements en IA générative et modèles de langues à grande échelle (LLM)"))),
    CQ("roadmap-axes", "Which axes does the roadmap set by the agreement have, and which document names them?",
       P + "SELECT ?axis ?doc WHERE { ?a rdf:subject ekd:cnrs-linagora-framework-agreement ; "
           "rdf:predicate ekg:roadmapAxis ; rdf:object ?axis ; prov:wasDerivedFrom ?doc }",
       {("ekd:axis-future-digital-work-environments", "ekd:doc-001"),
        ("ekd:axis-sovereign-digital-infrastructures", "ekd:doc-001"),
        ("ekd:axis-open-trusted-generative-ai", "ekd:doc-001")},
       (("001", "avec des axes sur le développement des environnements numérique de travail du futur, des "
                "infrastructures numériques souveraines et de l’IA générative open source et de confiance"),)),
    CQ("roadmap-sharer", "Who shared elements of the strategic roadmap, and in what role?",
       P + "SELECT ?p ?role WHERE { ?x ekg:participationIn ekd:cnrs-linagora-signing-ceremony ; "
           "ekg:participant ?p ; ekg:participationRole ?role ; dcterms:description ?d }",
       {("ekd:michel-marie-maudet", "ekd:prole-roadmap-sharer")},
       (("000", "Michel-Marie MAUDET, co-fondateur de Linagora, a partagé quelques éléments de la roadmap "
                "stratégique"),)),
    CQ("hailed-by", "Who hailed the signing, without being said to be present?",
       P + "SELECT ?p WHERE { ekd:cnrs-linagora-signing-ceremony ekg:hailedBy ?p }",
       {"ekd:sylvie-retailleau", "ekd:marina-ferrari"},
       (("000", "a été salué par Sylvie Retailleau, ministre de l’enseignement supérieur, et Marina Ferrari"),)),
    CQ("hailed-not-attended", "Did the ministers who hailed the signing attend it? Not that the texts say",
       P + "ASK { ?p ekg:attended ekd:cnrs-linagora-signing-ceremony "
           "FILTER (?p IN (ekd:sylvie-retailleau, ekd:marina-ferrari)) }",
       False,
       (("000", "a été salué par Sylvie Retailleau"),)),
    CQ("attendees", "Who attended the signing as guests?",
       P + "SELECT ?p WHERE { ?x ekg:participationIn ekd:cnrs-linagora-signing-ceremony ; ekg:participant ?p ; "
           "ekg:participationRole ekd:prole-attendee }",
       {"ekd:andre-santini", "ekd:denis-larghero"},
       (("000", "André Santini était d’ailleurs présent pour cette signature historique, de même que Denis "
                "Larghero"),)),
    CQ("patronage", "Under whose patronage was the ceremony placed?",
       P + "SELECT ?o WHERE { ekd:cnrs-linagora-signing-ceremony ekg:underPatronageOf ?o }",
       {"ekd:office-president-of-the-republic", "ekd:office-minister-economy",
        "ekd:office-minister-higher-education"},
       (("001", "la cérémonie du 26 février était placée sous le haut patronage du Président de la République "
                "française, du Ministre de l’Économie"),)),
    CQ("agreement-followed", "What did the framework agreement follow?",
       P + "SELECT ?x WHERE { ekd:cnrs-linagora-framework-agreement ekg:follows ?x }",
       {"ekd:club-cnrs-entreprise-events", "ekd:collab-linagora-cnrs-001"},
       (("001", "la participation de LINAGORA à plusieurs événements du Club CNRS Entreprise. L’accord-cadre a "
                "suivi."), ("001", "renforcent des liens tissés au cours d’une dizaine d’années de "
                                   "collaborations de recherche"))),
    CQ("roadmap-shared-by-maudet", "What did Michel-Marie Maudet talk about at the signing?",
       P + "SELECT ?about WHERE { ?x ekg:participant ekd:michel-marie-maudet ; "
           "ekg:participationIn ekd:cnrs-linagora-signing-ceremony ; ekg:about ?about }",
       {"ekd:twake-workplace", "ekd:linto", "ekd:large-language-models"},
       (("000", "notamment autour de Twake Workplace, #Linto, et les initiatives autour des #LLM"),)),

    # --- LINAGORA: founders, figures, places --------------------------------------------------------------------
    CQ("linagora-founders", "Who founded LINAGORA, and which document says so?",
       P + "SELECT ?p ?doc WHERE { ?a rdf:subject ekd:linagora ; rdf:predicate ekg:foundedBy ; rdf:object ?p ; "
           "prov:wasDerivedFrom ?doc }",
       {("ekd:alexandre-zapolsky", "ekd:doc-000"), ("ekd:michel-marie-maudet", "ekd:doc-000")},
       (("000", "LINAGORA, fondée par Alexandre Zapolsky et Michel-Marie MAUDET"),)),
    CQ("linagora-revenue", "What was LINAGORA's revenue, in which year?",
       P + """SELECT ?value ?unit ?date ?written WHERE { ?f ekg:figureOf ekd:linagora ;
              ekg:measure ekd:measure-revenue ; ekg:value ?value ; ekg:unit ?unit ; ekg:date ?date ;
              ekg:valueAsWritten ?written }""",
       {("13000000^^xsd:decimal", "ekd:unit-euro", "2023^^xsd:gYear", "treize millions d’euros")},
       (("001", "Avec treize millions d’euros de chiffre d’affaires en 2023"),)),
    CQ("linagora-headcount", "How many people work at LINAGORA?",
       figure_q("ekd:linagora", "ekd:measure-headcount"),
       {("200^^xsd:integer", "ekd:unit-person", "ekd:qualifier-exact", "ekd:doc-001")},
       (("001", "deux cents collaborateurs"),)),
    CQ("linagora-rd", "How much does LINAGORA invest in R&D?",
       figure_q("ekd:linagora", "ekd:measure-rd-spending"),
       {("4000000^^xsd:decimal", "ekd:unit-euro-per-year", "ekd:qualifier-exact", "ekd:doc-001")},
       (("001", "L’entreprise investit quatre millions d’euros par an dans sa R&D"),)),
    CQ("linagora-age", "How old is LINAGORA, in its co-founder's words?",
       figure_q("ekd:linagora", "ekd:measure-age"),
       {("25^^xsd:integer", "ekd:unit-year", "ekd:qualifier-soon", "ekd:doc-001")},
       (("001", "En bientôt 25 ans d’existence"),)),
    CQ("linagora-cnrs-years", "For how long have LINAGORA and the CNRS collaborated?",
       P + """SELECT ?value ?unit ?qualifier WHERE { ?f ekg:figureOf ekd:collab-linagora-cnrs-001 ;
              ekg:value ?value ; ekg:unit ?unit ; ekg:qualifier ?qualifier }""",
       {("10^^xsd:integer", "ekd:unit-year", "ekd:qualifier-about")},
       (("001", "au cours d’une dizaine d’années de collaborations de recherche"),)),
    CQ("rd-centre", "Where is LINAGORA's R&D centre?",
       P + "SELECT ?place WHERE { ?c ekg:unitOf ekd:linagora ; a ekg:ResearchCentre ; ekg:locatedIn ?place }",
       {"ekd:toulouse"},
       (("001", "notamment via un centre basé à Toulouse"),)),
    CQ("linagora-headquarters", "What is LINAGORA's head office?",
       P + "SELECT ?hq WHERE { ekd:linagora ekg:headquarters ?hq }",
       {"ekd:villa-good-tech"},
       (("003", "notre Villa Good Tech, siège social de LINAGORA"),)),

    # --- laboratories and their tutelles (document 001) -----------------------------------------------------------
    CQ("lix-tutelles", "Which institutions supervise the LIX?",
       P + "SELECT ?i WHERE { ekd:lix ekg:supervisedBy ?i }",
       {"ekd:cnrs", "ekd:ecole-polytechnique"},
       (("001", "(LIX, CNRS/École polytechnique)"),)),
    CQ("loria-tutelles", "Which institutions supervise the LORIA?",
       P + "SELECT ?i WHERE { ekd:loria ekg:supervisedBy ?i }",
       {"ekd:cnrs", "ekd:inria", "ekd:universite-de-lorraine"},
       (("001", "(LORIA, CNRS/Inria/Université de Lorraine)"),)),
    CQ("irit-tutelles", "Which institutions supervise the IRIT?",
       P + "SELECT ?i WHERE { ekd:irit ekg:supervisedBy ?i }",
       {"ekd:cnrs", "ekd:toulouse-inp", "ekd:universite-toulouse-paul-sabatier"},
       (("001", "(IRIT, CNRS/Toulouse INP/Univ. Toulouse Paul Sabatier)"),)),
    CQ("irit-toulouse-inp-source", "Which document, by file name, says that Toulouse INP supervises the IRIT?",
       attesting_docs("ekd:irit", "ekg:supervisedBy", "ekd:toulouse-inp"),
       {("ekd:doc-001", F001)},
       (("001", "(IRIT, CNRS/Toulouse INP/Univ. Toulouse Paul Sabatier)"),)),

    # --- products and models --------------------------------------------------------------------------------------
    CQ("linto-developers", "Who developed LinTO?",
       P + "SELECT ?d WHERE { ekd:linto ekg:developedBy ?d }",
       {"ekd:linagora", "ekd:lix", "ekd:irit", "ekd:laas"},
       (("001", "LINAGORA s’est associé en 2017 au LIX, à l’Institut de recherche en informatique de Toulouse"),
        ("001", "et au Laboratoire d’analyse et d’architecture des systèmes (LAAS-CNRS) pour développer LinTO"))),
    CQ("linto-collaboration-year", "In which year did LINAGORA team up with the labs to develop LinTO?",
       P + "SELECT ?year WHERE { ?c a ekg:Collaboration ; ekg:collaborationObject ekd:linto ; ekg:startDate ?year }",
       {"2017^^xsd:gYear"},
       (("001", "LINAGORA s’est associé en 2017 au LIX"),)),
    CQ("linto-offered-by", "Who offers LinTO today?",
       P + "SELECT ?o WHERE { ekd:linto ekg:offeredBy ?o }",
       {"ekd:linagora"},
       (("001", "Cet assistant vocal spécialisé dans la transcription de réunions est désormais proposé par "
                "Linagora"),)),
    CQ("licences", "Under which licence are LINAGORA's LinTO and OpenPaaS distributed?",
       P + "SELECT ?s ?l WHERE { ?s ekg:licence ?l }",
       {("ekd:linto", "ekd:agpl-3"), ("ekd:openpaas", "ekd:agpl-3")},
       (("003", "notre suite bureautique OpenPaaS et notre assistant vocal intelligent LinTO"),
        ("003", "tous nos logiciels sont sous licences Affero-GPL3"))),
    CQ("linto-deployment", "For whom is LinTO deployed, and how large is the deployment?",
       P + """SELECT ?for ?by ?size ?unit WHERE { ?d a ekg:Deployment ; ekg:deployedSoftware ekd:linto ;
              ekg:deployedFor ?for ; ekg:deployedBy ?by . ?f ekg:figureOf ?d ; ekg:value ?size ; ekg:unit ?unit }""",
       {("ekd:european-commission", "ekd:linagora", "1100^^xsd:integer", "ekd:unit-room")},
       (("003", "on le déploie pour les 1 100 salles de réunion de la Commission européenne"),)),
    CQ("bloom-users", "Who uses Bloom?",
       P + "SELECT ?u WHERE { ekd:bloom ekg:usedBy ?u }",
       {"ekd:hugging-face"},
       (("001", "Bloom, le modèle de langue multilingue et ouvert utilisé par la start-up Hugging Face"),)),
    CQ("bloom-improvers", "Who keeps improving Bloom together?",
       P + "SELECT ?p WHERE { ?c a ekg:Collaboration ; ekg:collaborationObject ekd:bloom ; ekg:partner ?p }",
       {"ekd:linagora", "ekd:idris", "ekd:genci"},
       (("001", "LINAGORA travaille aussi avec l’Institut du développement et des ressources en informatique "
                "scientifique (IDRIS, CNRS) et le Grand équipement national de calcul intensif (GENCI)"),
        ("001", "Ensemble, ils continuent d’améliorer Bloom"))),
    CQ("lucie-developers", "Who developed LUCIE?",
       P + "SELECT ?d WHERE { ekd:lucie ekg:developedBy ?d }",
       {"ekd:linagora", "ekd:openllm-france"},
       (("002", "LINAGORA est à l'origine du LLM fondation réellement open source LUCIE co-développé avec la "
                "communauté OpenLLM"),)),
    CQ("lucie-chat", "Which service gives access to LUCIE, and who offers it?",
       P + "SELECT ?s ?o WHERE { ?s ekg:interactsWith ekd:lucie ; ekg:offeredBy ?o }",
       {("ekd:lucie-chat", "ekd:linagora")},
       (("002", "Nous avons lancé lucie.chat pour permettre à la communauté OpenLLM d’interagir avec elle"),)),
    CQ("lucie-launch-undated", "When was LUCIE launched? (the source gives no date)",
       P + "SELECT ?written ?unstated WHERE { ?e ekg:organisedBy ekd:linagora ; ekg:dateAsWritten ?written ; "
           "ekg:notStated ?unstated ; <https://schema.org/about> ekd:lucie }",
       {("il y a quelques semaines", "ekg:date")},
       (("002", "LINAGORA a lancé il y a quelques semaines LUCIE"),)),

    # --- infrastructure (documents 001 and 004) ---------------------------------------------------------------------
    CQ("jean-zay", "Who operates Jean Zay and where is it installed?",
       P + "SELECT ?op ?host WHERE { ekd:jean-zay ekg:operatedBy ?op ; ekg:hostedBy ?host }",
       {("ekd:cnrs", "ekd:idris")},
       (("004", "Le supercalculateur Jean Zay, opéré par le CNRS, est installé au centre de calcul IDRIS du "
                "CNRS"),)),
    CQ("jean-zay-power", "What computing power did Jean Zay reach, and when?",
       P + """SELECT ?value ?unit ?date ?written WHERE { ?f ekg:figureOf ekd:jean-zay ; ekg:value ?value ;
              ekg:unit ?unit ; ekg:date ?date ; ekg:dateAsWritten ?written }""",
       {("126^^xsd:decimal", "ekd:unit-petaflops", "2025-01^^xsd:gYearMonth", "en Janvier 2025")},
       (("004", "il a été porté à 126 pétaflops en Janvier 2025"),)),
    CQ("trained-on-jean-zay", "Which model was trained on Jean Zay?",
       P + "SELECT ?m WHERE { ?m ekg:trainedOn ekd:jean-zay }",
       {"ekd:bloom"},
       (("004", "Il a notamment été utilisé pour permettre l’entraînement de BLOOM"),)),

    # --- programmes and projects -------------------------------------------------------------------------------------
    CQ("ensemble-pilots", "Who pilots PEPR eNSEMBLE, and who is named beside the pilot?",
       P + "SELECT ?pilot ?co WHERE { ekd:pepr-ensemble ekg:pilotedBy ?pilot ; ekg:namedBesidePilot ?co }",
       {("ekd:cnrs", "ekd:inria"), ("ekd:cnrs", "ekd:universite-grenoble-alpes"),
        ("ekd:cnrs", "ekd:universite-paris-saclay")},
       (("001", "piloté par le CNRS aux côtés de l’INRIA, de l’Université Grenoble Alpes et de l’Université "
                "Paris-Saclay"),)),
    CQ("pepr-ia-co-pilots", "Who co-pilots the PEPR IA?",
       P + "SELECT ?o WHERE { ekd:pepr-ia ekg:coPilotedBy ?o }",
       {"ekd:cea", "ekd:cnrs", "ekd:inria"},
       (("004", "Co-piloté par le CEA, le CNRS et l’Inria"),)),
    CQ("pepr-ia-launch", "When was the PEPR IA launched, and within which plan?",
       P + "SELECT ?start ?plan WHERE { ekd:pepr-ia ekg:startDate ?start ; ekg:partOfInitiative ?plan }",
       {("2024-03^^xsd:gYearMonth", "ekd:france-2030")},
       (("004", "Dans le cadre du plan France 2030, le Programme et équipement prioritaire de recherche (PEPR) "
                "IA, a été lancé en mars 2024"),)),
    CQ("pepr-ia-budget", "What is the PEPR IA's budget, and over how long?",
       P + """SELECT ?value ?unit ?duration WHERE { ?f ekg:figureOf ekd:pepr-ia ; ekg:measure ekd:measure-budget ;
              ekg:value ?value ; ekg:unit ?unit ; ekg:duration ?duration }""",
       {("73000000^^xsd:decimal", "ekd:unit-euro", "P6Y^^xsd:duration")},
       (("004", "Doté de 73 millions d’euros sur six ans"),)),
    CQ("pepr-ia-counts", "How many projects, researchers, PhD students and post-docs does the PEPR IA count?",
       P + """SELECT ?measure ?value ?qualifier WHERE { ?f ekg:figureOf ekd:pepr-ia ; ekg:measure ?measure ;
              ekg:value ?value ; ekg:qualifier ?qualifier ; ekg:unit ?unit FILTER (?unit != ekd:unit-euro) }""",
       {("ekd:measure-funded-projects", "9^^xsd:integer", "ekd:qualifier-exact"),
        ("ekd:measure-researchers-involved", "200^^xsd:integer", "ekd:qualifier-nearly"),
        ("ekd:measure-phd-students-trained", "65^^xsd:integer", "ekd:qualifier-exact"),
        ("ekd:measure-postdocs-engineers-recruited", "32^^xsd:integer", "ekd:qualifier-exact")},
       (("004", "neuf projets structurants financés, près de 200 chercheurs et chercheuses impliqués, ainsi que "
                "65 doctorantes et doctorants formés, 32 post-doctorantes"),)),
    CQ("llm4all", "Who takes part in LLM4ALL, who funds it, and since when?",
       P + """SELECT ?partner ?funder ?year WHERE { ?c a ekg:Collaboration ; ekg:collaborationObject ekd:llm4all ;
              ekg:partner ?partner ; ekg:date ?year . ?f ekg:fundingRecipient ekd:llm4all ; ekg:funder ?funder }""",
       {("ekd:linagora", "ekd:anr", "2023^^xsd:gYear"), ("ekd:lix", "ekd:anr", "2023^^xsd:gYear"),
        ("ekd:loria", "ekd:anr", "2023^^xsd:gYear")},
       (("001", "Ces échanges se sont accélérés en 2023, avec le lancement du projet ANR LLM4ALL[1] avec des "
                "chercheurs du LORIA et du LIX"),)),
    CQ("cop-challenges", "How many major societal challenges does the CNRS COP identify?",
       figure_q("ekd:cnrs-cop", "ekd:measure-societal-challenges"),
       {("6^^xsd:integer", "ekd:unit-challenge", "ekd:qualifier-exact", "ekd:doc-001")},
       (("001", "L’IA compte d’ailleurs parmi les six grands défis sociétaux identifiés par le Contrat "
                "d’objectifs et de performance (COP) du CNRS"),)),
    CQ("1001-parcours", "Who started 1001 Parcours, with how many partners, and which call did it win?",
       P + """SELECT ?by ?partners ?call WHERE { ekd:1001-parcours ekg:initiatedBy ?by ; ekg:laureateOf ?call .
              ?f ekg:figureOf ekd:1001-parcours ; ekg:value ?partners }""",
       {("ekd:cci-france", "28^^xsd:integer", "ekd:ami-competences-metiers-avenir")},
       (("003", "1001 Parcours est un projet de transformation initié par la CCI France accompagnée de 28 "
                "partenaires"),
        ("003", "Le projet est lauréat de l’appel à manifestation d’intérêt « Compétences et métiers d’avenir » "
                "de France 2030"))),

    # --- AISSAI and funding (document 004) ----------------------------------------------------------------------
    CQ("aissai", "When was AISSAI created, and what is it part of?",
       P + "SELECT ?start ?parent WHERE { ekd:aissai ekg:startDate ?start ; ekg:unitOf ?parent }",
       {("2021^^xsd:gYear", "ekd:cnrs")},
       (("004", "Dès 2021, l’organisme s’est doté d’un centre interdisciplinaire dédié : AI for Science – "
                "Science for AI (AISSAI)"),)),
    CQ("aissai-partners", "With whom does AISSAI collaborate?",
       P + "SELECT ?p WHERE { ekd:aissai ekg:collaboratesWith ?p }",
       {"ekd:french-ai-clusters", "ekd:g6", "ekd:ivado", "ekd:university-of-chicago"},
       (("004", "Il collabore notamment avec les neuf clusters français en IA, le G6 européen de la recherche, "
                "ainsi qu’avec des institutions académiques internationales telles qu’IVADO au Québec ou "
                "l’Université de Chicago"),)),
    CQ("google-org-funding", "Who funds whom for AI for Science, and since when?",
       P + """SELECT ?funder ?recipient ?start WHERE { ?f a ekg:Funding ; ekg:funder ?funder ;
              ekg:fundingRecipient ?recipient ; ekg:fundingPurpose ekd:aissai ; ekg:startDate ?start }""",
       {("ekd:google-org", "ekd:fondation-cnrs", "2025^^xsd:gYear")},
       (("004", "Depuis 2025, la Fondation CNRS bénéficie par ailleurs d’un soutien pluriannuel de Google.org "
                "destiné au développement de l’IA pour la Science dans le cadre du centre AISSAI"),)),
    CQ("aissai-launch-day", "When and where was the launch day held? (the month only, no year)",
       P + "SELECT ?written ?place ?unstated WHERE { ekd:aissai-launch-day ekg:dateAsWritten ?written ; "
           "ekg:eventPlace ?place ; ekg:notStated ?unstated }",
       {("en novembre dernier", "ekd:cnrs-headquarters", "ekg:date")},
       (("004", "Une journée de lancement de ces travaux, organisée en novembre dernier au siège du CNRS"),)),
    CQ("atif-role", "What is Jamal Atif's position?",
       P + "SELECT ?title ?org ?scope WHERE { ?r ekg:roleHolder ekd:jamal-atif ; ekg:roleTitle ?title ; "
           "ekg:roleOrganisation ?org ; ekg:roleScope ?scope FILTER (LANG(?title) = \"fr\") }",
       {("directeur du PEPR IA pour le CNRS", "ekd:cnrs", "ekd:pepr-ia")},
       (("004", "Pour Jamal ATIF, directeur du PEPR IA pour le CNRS"),)),

    # --- the AI Action Summit (document 002) --------------------------------------------------------------------
    CQ("summit", "When and where was the AI Action Summit held?",
       P + "SELECT ?start ?end ?place WHERE { ekd:ai-action-summit ekg:startDate ?start ; ekg:endDate ?end ; "
           "ekg:eventPlace ?place }",
       {("2025-02-10^^xsd:date", "2025-02-11^^xsd:date", "ekd:paris")},
       (("002", "Sommet pour l’Action sur l’IA qui s'est tenu à Paris les 10 et 11 février 2025"),)),
    CQ("summit-announcements", "Which amounts were announced at the summit, and by whom?",
       P + "SELECT ?by ?value ?unit WHERE { ?f ekg:announcedAt ekd:ai-action-summit ; ekg:announcedBy ?by ; "
           "ekg:value ?value ; ekg:unit ?unit }",
       {("ekd:emmanuel-macron", "109000000000^^xsd:decimal", "ekd:unit-euro"),
        ("ekd:ursula-von-der-leyen", "200000000000^^xsd:decimal", "ekd:unit-euro")},
       (("002", "Emmanuel Macron a annoncé 109 milliards d’euros d’investissements privés"),
        ("002", "a évoqué un plan européen de 200 milliards d’euros"))),
    CQ("european-plan-split", "How is the 200-billion European plan split?",
       P + "SELECT ?measure ?value WHERE { ?f ekg:figureOf ekd:european-ai-plan ; ekg:measure ?measure ; "
           "ekg:value ?value }",
       {("ekd:measure-plan-amount", "200000000000^^xsd:decimal"),
        ("ekd:measure-contribution", "50000000000^^xsd:decimal"),
        ("ekd:measure-contribution", "150000000000^^xsd:decimal")},
       (("002", "l’Union européenne s’engage à hauteur de 50 milliards, et 150 milliards de la part de grands "
                "groupes"),)),
    CQ("zapolsky-interview", "Which channel interviewed Alexandre Zapolsky, and in what role did he appear?",
       P + "SELECT ?channel ?role WHERE { ?p ekg:participant ekd:alexandre-zapolsky ; ekg:participationIn ?i ; "
           "ekg:participationRole ?role . ?i a ekg:Interview ; ekg:organisedBy ?channel }",
       {("ekd:france-24", "ekd:prole-guest")},
       (("002", "Alexandre Zapolsky, notre co-fondateur et président était l'invité de France 24"),)),

    # --- communities and events (document 003) ------------------------------------------------------------------
    CQ("openllm-size", "How large is the OpenLLM community, and who started it?",
       P + """SELECT ?value ?qualifier ?by WHERE { ekd:openllm-france ekg:initiatedBy ?by .
              ?f ekg:figureOf ekd:openllm-france ; ekg:value ?value ; ekg:qualifier ?qualifier }""",
       {("750^^xsd:integer", "ekd:qualifier-more-than", "ekd:linagora")},
       (("003", "nous avons été à l’initiative de la communauté OpenLLM, maintenant forte de plus de 750 "
                "chercheurs et ingénieurs"),)),
    CQ("openllm-public-research", "Which public research bodies take part in OpenLLM-France?",
       P + "SELECT ?o WHERE { ?o ekg:participatesIn ekd:openllm-france }",
       {"ekd:cnrs", "ekd:inria"},
       (("003", "regardez OpenLLM-France, où la recherche publique : le CNRS, l’INRIA et d’autres acteurs "
                "spécialisés, collaborent"),)),
    CQ("1001-parcours-afternoon", "When and where did the 1001 Parcours afternoon take place?",
       P + "SELECT ?date ?venue ?area WHERE { ekd:1001-parcours-afternoon ekg:date ?date ; ekg:eventPlace ?venue . "
           "?venue ekg:locatedIn ?area }",
       {("2024-06-13^^xsd:date", "ekd:fabrique-evenementielle", "ekd:republique")},
       (("003", "Ce 13 juin 2024, à la Fabrique Événementielle, située à République"),)),

    # --- people, titles, quotations and variants between documents -------------------------------------------------
    CQ("zapolsky-titles", "How do the documents call Alexandre Zapolsky?",
       title_q("ekd:alexandre-zapolsky"),
       {("ekd:doc-000", "Président de Linagora"), ("ekd:doc-002", "co-fondateur"), ("ekd:doc-002", "président")},
       (("000", "Alexandre ZAPOLSKI, Président de Linagora"),
        ("002", "Alexandre Zapolsky, notre co-fondateur et président"))),
    CQ("maudet-titles", "How do the documents call Michel-Marie Maudet?",
       title_q("ekd:michel-marie-maudet"),
       {("ekd:doc-000", "co-fondateur de Linagora"), ("ekd:doc-001", "directeur général"),
        ("ekd:doc-001", "cofondateur de LINAGORA")},
       (("000", "Michel-Marie MAUDET, co-fondateur de Linagora"),
        ("001", "explique Michel-Marie Maudet, directeur général et cofondateur de LINAGORA"))),
    CQ("petit-titles", "Is Antoine Petit's title the same in both documents that give it?",
       title_q("ekd:antoine-petit"),
       {("ekd:doc-000", "PDG du CNRS"), ("ekd:doc-001", "PDG du CNRS")},
       (("000", "Antoine Petit, PDG du CNRS"), ("001", "déclare Antoine Petit, PDG du CNRS"))),
    CQ("zapolsky-spellings", "Under which spellings is Alexandre Zapolsky named?",
       P + "SELECT ?name WHERE { ekd:alexandre-zapolsky skos:prefLabel|skos:altLabel ?name }",
       {"Alexandre Zapolsky", "Alexandre ZAPOLSKI"},
       (("000", "Alexandre ZAPOLSKI"), ("002", "Alexandre Zapolsky revient pour France 24"))),
    CQ("borghetti-role", "What is Patrizia Borghetti's position?",
       title_q("ekd:patrizia-borghetti"),
       {("ekd:doc-001", "responsable des partenariats industriels stratégiques au CNRS")},
       (("001", "se réjouit Patrizia Borghetti, responsable des partenariats industriels stratégiques au CNRS"),)),
    CQ("nazarenko-role", "Which unit does Adeline Nazarenko direct?",
       P + "SELECT ?org WHERE { ?r ekg:roleHolder ekd:adeline-nazarenko ; ekg:roleOrganisation ?org }",
       {"ekd:cnrs-sciences-informatiques"},
       (("001", "explique Adeline Nazarenko, directrice de CNRS Sciences informatiques"),)),
    CQ("speakers-001", "Who is quoted in document 001?",
       P + "SELECT ?s WHERE { ?q a ekg:Quotation ; ekg:speaker ?s ; prov:wasDerivedFrom ekd:doc-001 }",
       {"ekd:patrizia-borghetti", "ekd:antoine-petit", "ekd:adeline-nazarenko", "ekd:michel-marie-maudet"},
       (("001", "se réjouit Patrizia Borghetti"), ("001", "déclare Antoine Petit, PDG du CNRS"),
        ("001", "explique Adeline Nazarenko"), ("001", "affirme Michel-Marie Maudet"))),
    CQ("atif-quote", "Which words of Jamal Atif does document 004 report?",
       P + "SELECT ?text WHERE { ?q ekg:speaker ekd:jamal-atif ; ekg:quotedText ?text }",
       {"technologie d’usage général"},
       (("004", "l’IA constitue une « technologie d’usage général »"),)),

    # --- documents: which one says what -------------------------------------------------------------------------
    CQ("documents-mentioning-linagora", "Which documents mention LINAGORA?",
       P + "SELECT ?doc WHERE { ?doc ekg:mentions ekd:linagora }",
       {"ekd:doc-000", "ekd:doc-001", "ekd:doc-002", "ekd:doc-003"},
       (("000", "le Centre National de la Recherche Scientifique (CNRS) et Linagora"),
        ("001", "LINAGORA et le CNRS signent un accord-cadre"), ("002", "LINAGORA est à l'origine du LLM"),
        ("003", "l’ADN de LINAGORA"))),
    CQ("summit-dates-source", "Which document gives the summit's dates, by file name?",
       attesting_docs("ekd:ai-action-summit", "ekg:startDate", '"2025-02-10"^^<http://www.w3.org/2001/XMLSchema#date>'),
       {("ekd:doc-002", F002)},
       (("002", "qui s'est tenu à Paris les 10 et 11 février 2025"),)),
    CQ("untitled-documents", "Which documents have no title?",
       P + "SELECT ?doc WHERE { ?doc a ekg:SourceDocument ; ekg:notStated dcterms:title }",
       {"ekd:doc-000", "ekd:doc-003"},
       (("000", "Issy-les-Moulineaux, le 26 février – Dans une démarche"),
        ("003", "J’ai eu un vrai plaisir à participer à cet événement."))),

    # --- answered fully only with OWL 2 RL ------------------------------------------------------------------------
    CQ("nazarenko-affiliations", "Which organisations is Adeline Nazarenko affiliated with?",
       P + "SELECT ?org WHERE { ekd:adeline-nazarenko ekg:affiliatedWith ?org }",
       {"ekd:cnrs-sciences-informatiques", "ekd:cnrs"},
       (("001", "Adeline Nazarenko, directrice de CNRS Sciences informatiques"),),
       regime="owlrl", without=set()),
    CQ("units-of-cnrs", "Which units belong to the CNRS, directly or through another unit?",
       P + "SELECT ?u WHERE { ?u ekg:subOrganisationOf ekd:cnrs }",
       {"ekd:aissai", "ekd:aissai-scientific-council", "ekd:aissai-steering-committee",
        "ekd:cnrs-sciences-informatiques", "ekd:idris", "ekd:irit", "ekd:laas", "ekd:lix", "ekd:loria"},
       (("004", "Le centre AISSAI s’appuie sur un comité de pilotage pluridisciplinaire réunissant l’ensemble des "
                "instituts du CNRS, un conseil scientifique international"),
        ("001", "(IDRIS, CNRS)"), ("001", "(LAAS-CNRS)")),
       regime="owlrl", without=set()),
    CQ("cnrs-collaborators", "Whom does the CNRS collaborate with?",
       P + "SELECT ?x WHERE { ekd:cnrs ekg:collaboratesWith ?x }",
       {"ekd:linagora", "ekd:inria"},
       (("001", "Des collaborations de recherche déjà nombreuses entre LINAGORA et le CNRS"),
        ("003", "le CNRS, l’INRIA et d’autres acteurs spécialisés, collaborent")),
       regime="owlrl", without={"ekd:inria"}),
    CQ("labs-supervised-by-cnrs", "Which laboratories does the CNRS supervise?",
       P + "SELECT ?lab WHERE { ekd:cnrs ekg:supervises ?lab }",
       {"ekd:lix", "ekd:loria", "ekd:irit", "ekd:laas"},
       (("001", "(LIX, CNRS/École polytechnique)"), ("001", "(LORIA, CNRS/Inria/Université de Lorraine)"),
        ("001", "(IRIT, CNRS/Toulouse INP/Univ. Toulouse Paul Sabatier)"), ("001", "(LAAS-CNRS)")),
       regime="owlrl", without=set()),
    CQ("lix-develops", "What does the LIX develop?",
       P + "SELECT ?x WHERE { ekd:lix ekg:develops ?x }",
       {"ekd:linto"},
       (("001", "LINAGORA s’est associé en 2017 au LIX"),),
       regime="owlrl", without=set()),
    CQ("linto-contributors", "Who contributes to LinTO?",
       P + "SELECT ?x WHERE { ?x ekg:contributesTo ekd:linto }",
       {"ekd:linagora", "ekd:lix", "ekd:irit", "ekd:laas"},
       (("001", "et au Laboratoire d’analyse et d’architecture des systèmes (LAAS-CNRS) pour développer LinTO"),),
       regime="owlrl", without=set()),
    CQ("funded-by-anr", "What does the ANR fund?",
       P + "SELECT ?x WHERE { ?x ekg:fundedBy ekd:anr }",
       {"ekd:llm4all"},
       (("001", "avec le lancement du projet ANR LLM4ALL"),),
       regime="owlrl", without=set()),
    CQ("zapolsky-events", "Which events did Alexandre Zapolsky take part in?",
       P + "SELECT ?e WHERE { ekd:alexandre-zapolsky ekg:attended ?e }",
       {"ekd:cnrs-linagora-signing-ceremony", "ekd:zapolsky-france-24-interview"},
       (("000", "L’accord a été signé par Antoine Petit, PDG du CNRS, et Alexandre ZAPOLSKI"),
        ("002", "était l'invité de France 24")),
       regime="owlrl", without=set()),
    CQ("linagora-members", "Who holds a position at LINAGORA?",
       P + "SELECT ?m WHERE { ekd:linagora ekg:hasMember ?m }",
       {"ekd:alexandre-zapolsky", "ekd:michel-marie-maudet", "ekd:doc-003-author"},
       (("000", "Alexandre ZAPOLSKI, Président de Linagora"), ("000", "Michel-Marie MAUDET, co-fondateur de Linagora"),
        ("003", "Les organisateurs m’avaient solicité pour recueillir la parole d’un entrepreneur"),
        ("003", "Cette philosophie est au cœur de tout ce que nous entreprenons chez LINAGORA")),
       regime="owlrl", without=set()),
    CQ("ensemble-steering", "Which organisations steer PEPR eNSEMBLE? Only its pilot: the others are named beside it",
       P + "SELECT ?o WHERE { ekd:pepr-ensemble ekg:coPilotedBy ?o }",
       {"ekd:cnrs"},
       (("001", "piloté par le CNRS aux côtés de l’INRIA, de l’Université Grenoble Alpes et de l’Université "
                "Paris-Saclay"),),
       regime="owlrl", without=set()),
    CQ("universities", "Which universities do the texts name (not the schools)?",
       P + "SELECT ?u WHERE { ?u a ekg:University }",
       {"ekd:universite-de-lorraine", "ekd:universite-toulouse-paul-sabatier", "ekd:universite-grenoble-alpes",
        "ekd:universite-paris-saclay", "ekd:university-of-chicago"},
       (("001", "CNRS/Inria/Université de Lorraine"), ("001", "Univ. Toulouse Paul Sabatier"),
        ("001", "de l’Université Grenoble Alpes et de l’Université Paris-Saclay"),
        ("004", "l’Université de Chicago"))),
    CQ("universities-are-schema-colleges", "Which organisations are schema:CollegeOrUniversity?",
       P + "SELECT ?u WHERE { ?u a <https://schema.org/CollegeOrUniversity> }",
       {"ekd:universite-de-lorraine", "ekd:universite-toulouse-paul-sabatier", "ekd:universite-grenoble-alpes",
        "ekd:universite-paris-saclay", "ekd:university-of-chicago", "ekd:ecole-polytechnique", "ekd:toulouse-inp",
        "ekd:ivado"},
       (("001", "CNRS/Inria/Université de Lorraine"), ("001", "(LIX, CNRS/École polytechnique)"),
        ("004", "des institutions académiques internationales telles qu’IVADO au Québec ou l’Université de "
                "Chicago")),
       regime="owlrl", without=set()),
    CQ("pepr-scheme", "Which programmes are PEPRs (Programmes et équipements prioritaires de recherche)?",
       P + "SELECT ?p WHERE { ?p a ekg:PriorityResearchProgramme }",
       {"ekd:pepr-ia", "ekd:pepr-ensemble"},
       (("004", "le Programme et équipement prioritaire de recherche (PEPR) IA"),
        ("001", "Programme et équipement prioritaire de recherche (PEPR) eNSEMBLE"))),
    CQ("linagora-licence-policy", "Under which licence does LINAGORA say it publishes all its software?",
       P + "SELECT ?l WHERE { ekd:linagora ekg:licencePolicy ?l }",
       {"ekd:agpl-3"},
       (("003", "tous nos logiciels sont sous licences Affero-GPL3"),)),
    CQ("lucie-licence", "Does any text give LUCIE a licence? No: LINAGORA's policy does not reach it",
       P + "ASK { ekd:lucie ekg:licence ?l }",
       False,
       (("002", "LUCIE co-développé avec la communauté OpenLLM"),)),
    CQ("ia-maths-within", "Which larger initiatives are the IA&Maths projects part of?",
       P + "SELECT ?i WHERE { ekd:ia-maths-projects ekg:partOfInitiative ?i }",
       {"ekd:pepr-ia", "ekd:france-2030"},
       (("004", "auxquels s’ajoutent désormais les projets IA&Maths récemment sélectionnés"),
        ("004", "Dans le cadre du plan France 2030, le Programme et équipement prioritaire de recherche (PEPR) IA")),
       regime="owlrl", without={"ekd:pepr-ia"}),
    CQ("jean-zay-users", "Who uses Jean Zay?",
       P + "SELECT ?u WHERE { ekd:jean-zay ekg:usedBy ?u }",
       {"ekd:linagora", "ekd:jean-zay-engineers-network"},
       (("001", "Utilisateur du supercalculateur Jean Zay du CNRS, LINAGORA"),
        ("004", "Adossé au supercalculateur Jean Zay, un réseau d’ingénieures et ingénieurs intervenant à "
                "l’échelle nationale a été bâti par le CNRS")),
       regime="owlrl", without=set()),
    CQ("linagora-offers", "What does LINAGORA offer?",
       P + "SELECT ?s WHERE { ekd:linagora ekg:offers ?s }",
       {"ekd:twake-workplace", "ekd:linto", "ekd:lucie-chat"},
       (("001", "avec la suite Twake Workplace"), ("001", "est désormais proposé par Linagora"),
        ("002", "Nous avons lancé lucie.chat")),
       regime="owlrl", without={"ekd:twake-workplace"}),
    CQ("maudet-founded", "What did Michel-Marie Maudet found?",
       P + "SELECT ?o WHERE { ekd:michel-marie-maudet ekg:founderOf ?o }",
       {"ekd:linagora"},
       (("000", "fondée par Alexandre Zapolsky et Michel-Marie MAUDET"),),
       regime="owlrl", without=set()),
    CQ("lix-is-organisation", "Is the LIX an organisation (and an agent)?",
       P + "ASK { ekd:lix a ekg:Organisation , ekg:Agent }",
       True,
       (("001", "Laboratoire d’informatique de l’École polytechnique (LIX, CNRS/École polytechnique)"),),
       regime="owlrl", without=False),
]


# -- fixtures ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graphs(project_graphs):
    return project_graphs


def _ask(graphs, cq: CQ, regime: str) -> Any:
    return answer(graphs(regime).query(cq.sparql))


# -- the questions --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cq", QUESTIONS, ids=[cq.id for cq in QUESTIONS])
def test_competency_question(graphs, cq: CQ) -> None:
    assert _ask(graphs, cq, cq.regime) == cq.expected, cq.question


REASONED = [cq for cq in QUESTIONS if cq.regime == "owlrl"]


@pytest.mark.parametrize("cq", REASONED, ids=[cq.id for cq in REASONED])
def test_reasoning_is_needed_for_the_full_answer(graphs, cq: CQ) -> None:
    """Without reasoning the answer is the smaller one stated in `without`; with OWL 2 RL, the full one."""
    without = _ask(graphs, cq, "none")
    assert without == cq.without, cq.question
    assert without != cq.expected
    if isinstance(without, set):
        assert without < cq.expected


def test_question_set_size_and_kinds() -> None:
    assert len(QUESTIONS) >= 45
    assert len(REASONED) >= 10
    assert len({cq.id for cq in QUESTIONS}) == len(QUESTIONS)
    for cq in REASONED:
        assert cq.without is not None, f"{cq.id}: an owlrl question must state its answer without reasoning"


# -- the citations -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    if not SEEDS_DIR.is_dir():
        pytest.skip(SKIP_MESSAGE)
    return {n: normalise((SEEDS_DIR / f).read_text(encoding="utf-8")) for n, f in SEED_FILES.items()}


@pytest.mark.parametrize("cq", QUESTIONS, ids=[cq.id for cq in QUESTIONS])
def test_sources_are_in_the_seeds(seeds: dict[str, str], cq: CQ) -> None:
    assert cq.sources, f"{cq.id}: cite the seed phrase the answer was read from"
    for number, phrase in cq.sources:
        assert normalise(phrase) in seeds[number], f"{cq.id}: not in seed {number}: {phrase!r}"
