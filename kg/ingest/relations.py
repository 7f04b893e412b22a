"""Relation rules: patterns over a sentence whose mentions are masked as numbered placeholders ("⟦1⟧, PDG du
⟦2⟧"), each yielding (subject, property, object) with the type families its two ends must have.

General French phrasing and the ontology's property vocabulary only: no rule names a person, organisation,
title or number of the seed documents. Subjects stated outside the sentence (a pronoun, "Ensemble, ils",
"l'accord", first person "nous") are resolved by kg.ingest.extract, which puts a placeholder where they stand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kg.ingest import french as fr

E = r"⟦(?P<{}>\d+)⟧"
DET = (
    r"(?:(?:le|la|les|l['’]|du|des|de la|de l['’]|de|d['’]|au|aux|à la|à l['’]|à|un|une|ce|cet|cette|ces|son|sa|"
    r"ses|leurs?)\s*)?"
    r"(?:(?:société|start-up|association|réseau|plateforme|assistant vocal|supercalculateur|programme|projet|"
    r"laboratoire|centre de calcul|modèle de langage|modèle|entreprise|PME|groupe|communauté|fondation|"
    r"suite|logiciel|application|start-up|collectif|institut|université|centre|outil|assistant|plan|initiative|"
    r"stratégie|consortium)\s+)?"
)
# A list item is a name with, maybe, its acronym and supervisors in brackets: "⟦1⟧ (⟦2⟧, ⟦3⟧/⟦4⟧)".
ITEM = r"⟦\d+⟧(?:\s*\([^()]*\))?"
LIST = r"(?P<{}>" + ITEM + r"(?:\s*(?:,|et|,\s*et)\s*" + DET + ITEM + r")*)"
# Examples after "telles que": "A, B ou C", an example maybe with its place ("A au Québec"), which is no item
PLACED = r"(?:\s+(?:au|en|à)\s+⟦\d+⟧)?"
LIST_OR = r"(?P<{}>" + ITEM + PLACED + r"(?:\s*(?:,|et|ou|,\s*et|,\s*ou)\s*" + DET + ITEM + PLACED + r")*)"
# A list that opens on an unnamed group ("les neuf clusters français en IA, le G6 …"): that item is skipped
UNNAMED_FIRST = r"(?:(?:les|des|nos|ses|leurs)\s+[^⟦,.]{1,60}?(?:\s*⟦\d+⟧)?\s*,\s*)?"
# "…, ainsi qu'avec des institutions telles que A ou B": more partners after the first list
AND_ALSO = (r"(?:\s*,?\s+ainsi\s+qu['’](?:avec\s+)?(?:[^⟦.]{0,60}?\b(?:telles?|tels?|comme)\s*(?:que\s+|qu['’])?)?"
            + DET + LIST_OR.format("o2") + ")?")
# A subject list is not the complement of a noun or a preposition ("… du ⟦1⟧, ⟦2⟧ travaille avec").
NOT_COMPLEMENT = "".join(rf"(?<!{w} )" for w in ("du", "de", "des", "au", "aux", "à", "par", "avec", "pour", "sur"))
NOT_COMPLEMENT += r"(?<!d’)(?<!d')(?<!de la )(?<!de l’)(?<!de l')(?<!à la )(?<!à l’)(?<!à l')"
SUBJECT_LIST = NOT_COMPLEMENT + LIST


def list_ids(value: str) -> list[str]:
    """The placeholders of a list, leaving out those in brackets (an item's acronym and supervisors)."""
    if "⟦" not in value:
        return [value]
    value = re.sub(r"(?<=[⟧)])\s+(?:au|en|à)\s+⟦\d+⟧", "", re.sub(r"\([^()]*\)", "", value))
    return re.findall(r"⟦(\d+)⟧", value)


class Rule:
    """A pattern over the masked sentence and the relations it yields: (subject group, object group, property,
    kind), with the type families each end must have."""

    def __init__(
        self,
        pattern: str,
        emits: list[tuple[str, str, str, str]],
        subj: Iterable[str] = (),
        obj: Iterable[str] = (),
        cue: tuple[str, ...] = (),
    ) -> None:
        self.pattern = re.compile(pattern)
        self.emits, self.subj, self.obj = emits, set(subj), set(obj)
        self.cue = frozenset(cue)  # lower-case words one of which the sentence must contain: a cheap first test

    def emit(self, groups: dict[str, str]) -> list[tuple[str, str, str, str]]:
        return [(groups[s], groups[o], p, k) for s, o, p, k in self.emits if groups.get(s) and groups.get(o)]

    def accepts(self, s_family: str, o_family: str, kind: str, predicate: str) -> bool:
        return (not self.subj or s_family in self.subj) and (not self.obj or o_family in self.obj)


ORG = ("organisation",)
INCISE = r"(?:,[^,.]*,)?"
AGENT = ("organisation", "person")
COLLABORATE = (
    r"\s+(?:a|ont|avons)?\s*(?:collaboré|collabore|collaborent|collaborons|travaille|travaillent|travaillons|"
    r"s['’]est associée?|se sont associée?s|s['’]associe|nous sommes associés|coopère|coopèrent|coopérons)"
    r"(?:\s+en\s+\d{4})?(?:\s+(?:aussi|également|déjà|notamment|étroitement|en étroite collaboration))*"
    r"\s+(?:avec|à|au|aux)\s*"
)
ROLE_WORDS = "|".join(sorted((re.escape(t) for t in fr.ROLE_TITLES), key=len, reverse=True))
_S, _O = E.format("s"), E.format("o")
RULES = [
    # roles: "P, PDG du O" / "P, directrice de l'O" / "la présidente de O, P"
    Rule(
        rf"{_S},\s+(?:(?:notre|nouvelle|nouveau|actuel|actuelle)\s+)?(?i:{ROLE_WORDS})\b[^⟦,.;]{{0,60}}?"
        rf"(?:de|du|d['’]|des|au|à)\s*{DET}{_O}",
        [("s", "o", "holdsRole", "role")],
        ("person",),
        ORG,
    ),
    Rule(
        rf"{_S},\s+(?i:{ROLE_WORDS})\b[^⟦,.;]{{0,40}}?(?:de|du|d['’]|des)\s*{DET}⟦\d+⟧(?:\s+⟦\d+⟧)?\s+pour\s+"
        rf"{DET}{_O}",
        [("s", "o", "holdsRole", "role")],
        ("person",),
        ORG,
        cue=('pour',),
    ),
    Rule(
        rf"(?i:{ROLE_WORDS})\b[^⟦,.;]{{0,40}}?(?:de|du|d['’]|des)\s*{DET}{_O},\s+{_S}",
        [("s", "o", "holdsRole", "role")],
        ("person",),
        ORG,
    ),
    # founding
    Rule(
        rf"{_S},?\s+(?:a été\s+|est\s+)?(?:fondée?s?|créée?s?|cofondée?s?)(?:\s+en\s+\d{{4}})?\s+par\s+" + DET
        + LIST.format("o"),
        [("s", "o", "foundedBy", "relation")],
        ORG,
        ("person",),
        cue=('fond', 'créé', 'crée'),
    ),
    Rule(
        rf"{_O}\s+(?:a fondé|a créé|a cofondé|fonde|crée)\s+{DET}{_S}",
        [("s", "o", "foundedBy", "relation")],
        ORG,
        ("person",),
        cue=('fond', 'cré'),
    ),
    # supervision: "LAB (ACR, T1/T2)" – the acronym is masked too
    Rule(
        rf"{_S}\s*\(\s*(?:⟦\d+⟧|[A-Z][\w-]*)\s*,\s*(?P<o>⟦\d+⟧(?:\s*/\s*(?:[A-Z][\w]*\.\s*)?⟦\d+⟧)*)\s*\)",
        [("s", "o", "supervisedBy", "relation")],
        ORG,
        ORG,
        cue=('(',),
    ),
    # piloting
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?(?:co-?pilotée?s?|co-?dirigée?s?)\s+par\s+" + DET + LIST.format("o"),
        [("s", "o", "coPilotedBy", "relation")],
        ("programme",),
        ORG,
        cue=('pilot', 'dirig'),
    ),
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?(?:pilotée?s?|dirigée?s?|coordonnée?s?|porté(?:e|s)?)\s+par\s+{DET}{_O}",
        [("s", "o", "pilotedBy", "relation")],
        ("programme",),
        ORG,
        cue=('pilot', 'dirig', 'coordonn', 'porté'),
    ),
    Rule(rf"{_O}\s+(?:pilote|coordonne|porte)\s+{DET}{_S}", [("s", "o", "pilotedBy", "relation")], ("programme",), ORG,
         cue=("pilote", "coordonne", "porte")),
    Rule(
        rf"{_S}[^⟦]{{0,40}}?(?:pilotée?s?|dirigée?s?)\s+par\s+{DET}(?P<p>⟦\d+⟧)\s+"
        rf"(?:aux côtés|en lien|avec l['’]appui)\s+(?:de|d['’])\s*{DET}"
        + LIST.format("o"),
        [("s", "o", "namedBesidePilot", "relation")],
        ("programme",),
        ORG,
        cue=('côtés', 'en lien', 'appui'),
    ),
    # a sentence opening on the participle: "Copiloté par A et B, il …" (the subject is usually a pronoun)
    Rule(
        r"^\s*(?i:co-?pilotée?s?|co-?dirigée?s?)\s+par\s+" + DET + LIST.format("o") + rf"\s*,\s+{DET}{_S}",
        [("s", "o", "coPilotedBy", "relation")],
        ("programme",),
        ORG,
        cue=('pilot', 'dirig'),
    ),
    Rule(
        r"^\s*(?i:pilotée?s?|dirigée?s?|coordonnée?s?)\s+par\s+" + DET + rf"{_O}\s*,\s+{DET}{_S}",
        [("s", "o", "pilotedBy", "relation")],
        ("programme",),
        ORG,
        cue=('pilot', 'dirig', 'coordonn'),
    ),
    Rule(
        r"^\s*(?i:financée?s?|soutenue?s?\s+financièrement|subventionnée?s?)\s+par\s+" + DET + LIST.format("o")
        + rf"\s*,\s+{DET}{_S}",
        [("s", "o", "fundedBy", "funding")],
        ("programme", "organisation", "product"),
        AGENT,
        cue=('financ', 'subvention', 'soutenu'),
    ),
    # collaboration
    Rule(
        SUBJECT_LIST.format("s") + COLLABORATE + UNNAMED_FIRST + DET + LIST.format("o") + AND_ALSO,
        [("s", "o", "collaboratesWith", "relation"), ("s", "o2", "collaboratesWith", "relation")],
        AGENT,
        AGENT,
        cue=('collabor', 'travaill', 'associ', 'coopér'),
    ),
    # "X s'est associé à Y et Z pour développer P": P developed by all of them
    Rule(
        SUBJECT_LIST.format("s") + COLLABORATE + DET + LIST.format("o")
        + rf"\s+pour\s+(?:développer|concevoir|créer|construire|bâtir)\s+{DET}(?P<p>⟦\d+⟧)",
        [("p", "s", "developedBy", "relation"), ("p", "o", "developedBy", "relation")],
        ("product",),
        AGENT,
        cue=('pour développer', 'pour concevoir', 'pour créer', 'pour construire', 'pour bâtir'),
    ),
    # "Ensemble, ils continuent d'améliorer P" (the placeholder stands for the partners just named)
    Rule(
        r"^\s*Ensemble,\s+(?P<s>⟦\d+⟧)\s+(?:(?:continuent|vont|veulent|souhaitent|cherchent)\s+(?:à|d['’]|de)\s*)?"
        rf"(?:améliorer|améliorent|enrichir|enrichissent|perfectionner|perfectionnent|contribuer à|contribuent à|"
        rf"entraîner|entraînent|faire évoluer|font évoluer)\s+{DET}{_O}",
        [("s", "o", "contributesTo", "relation")],
        AGENT,
        ("product", "programme"),
        cue=('ensemble',),
    ),
    # themes: "X s'implique de plus en plus dans l'IA générative et les grands modèles de langage"
    Rule(
        rf"{_S}[^⟦.]{{0,40}}?(?:s['’]implique|s['’]engage|investit|travaille|se concentre|spécialisée?|leader|"
        rf"pionnier|pionnière|dédiée?|consacrée?|milite)\b[^⟦.,]{{0,40}}?(?:dans|sur|autour|pour|en faveur)\b"
        rf"[^⟦.]{{0,25}}?" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "event", "person", "product"),
        ("concept",),
        cue=('implique', 'engage', 'investit', 'travaille', 'concentre', 'spécialis', 'leader', 'pionni', 'dédié',
             'consacré', 'milite'),
    ),
    # "X s'est imposée comme pionnier du logiciel libre", "X défend une approche : celle de l'IA de confiance",
    # "nous militons pour des LLM de confiance", "l'engagement du X en intelligence artificielle"
    Rule(
        rf"{_S}[^⟦.]{{0,40}}?\b(?:pionni(?:er|ère)s?)\s+(?:du|de la|de l['’]|des|de|en)\s*" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
        cue=('pionni',),
    ),
    Rule(
        rf"{_S}[^⟦.]{{0,30}}?\b(?:défend|défendent|défendons|prône|prônent|prônons|promeut|promeuvent|promouvons|"
        rf"milite|militent|militons)\b[^⟦.;]{{0,60}}?" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
        cue=('défend', 'prône', 'prônons', 'promeu', 'promouv', 'milit'),
    ),
    Rule(
        rf"(?i:engagement|implication|investissement)\s+(?:du|de la|de l['’]|des|de|d['’])\s*{_S}\s+"
        rf"(?:en|dans|pour|envers|en faveur)\s+(?:du|de la|de l['’]|des|le|la|les|l['’])?\s*" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
        cue=('engagement', 'implication', 'investissement'),
    ),
    # initiative: "X est à l'origine du modèle Y", "X a été à l'initiative de la communauté Y"
    Rule(
        rf"{_S}\s+(?:est|était|a été|sont|ont été|avons été|sommes)\s+(?:aussi\s+|également\s+)?"
        rf"à\s+l['’](?:origine|initiative)\s+(?:du|de la|de l['’]|des|de|d['’])\s*{DET}{_O}",
        [("o", "s", "initiatedBy", "relation")],
        ("organisation", "programme", "product", "event"),
        AGENT,
        cue=('origine', 'initiative'),
    ),
    # "Dans le cadre du plan X, le programme Y a été lancé"
    Rule(
        rf"^\s*(?:[Dd]ans le cadre|[Aa]u titre)\s+(?:du|de la|de l['’]|des|d['’])\s*{DET}{_O}\s*,\s*{DET}{_S}",
        [("s", "o", "partOfInitiative", "relation")],
        ("programme",),
        ("programme",),
        cue=('dans le cadre', 'au titre'),
    ),
    # training: "Le supercalculateur X a été utilisé pour l'entraînement de Y", "Y, entraîné sur X"
    Rule(
        rf"{_S}[^⟦.]{{0,60}}?(?:utilisée?s?|servi|sert|servira)\s+(?:pour|à)\s+(?:permettre\s+)?"
        rf"l['’]entraînement\s+(?:de|du|des|d['’])\s*{DET}{_O}",
        [("o", "s", "trainedOn", "relation")],
        ("product",),
        ("product",),
        cue=('entraînement',),
    ),
    Rule(
        rf"{_S},?\s+(?:a été\s+|est\s+)?(?:entraînée?s?|pré-?entraînée?s?)\s+(?:sur|avec|grâce à)\s+{DET}{_O}",
        [("s", "o", "trainedOn", "relation")],
        ("product",),
        ("product",),
        cue=('entraîn',),
    ),
    # development and co-development
    Rule(
        LIST.format("o") + rf"\s+(?:co-?développent|développent|ont développé|ont co-?développé)\s+{DET}{_S}",
        [("s", "o", "developedBy", "relation")],
        ("product",),
        AGENT,
        cue=('développ',),
    ),
    Rule(
        rf"{_O}\s+(?:développe|a développé|conçoit|a conçu|édite|développons|avons développé|concevons|éditons)"
        rf"\s+{DET}{_S}(?:\s+avec\s+{DET}(?P<o2>⟦\d+⟧))?",
        [("s", "o", "developedBy", "relation"), ("s", "o2", "developedBy", "relation")],
        ("product",),
        AGENT,
        cue=('développ', 'conçoit', 'conçu', 'édite', 'concevons', 'éditons'),
    ),
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?(?:co-?développée?s?|développée?s?|conçue?s?|éditée?s?)\s+par\s+" + DET
        + LIST.format("o"),
        [("s", "o", "developedBy", "relation")],
        ("product",),
        AGENT,
        cue=('développ', 'conçu', 'édité'),
    ),
    # signing
    Rule(
        rf"{_S}{INCISE}\s+(?:a signé|signe|signent|ont signé)\s+(?:un|une|son|leur)\s+[^⟦.]{{0,40}}?"
        rf"(?:accord|partenariat|contrat|convention)[^⟦.]{{0,40}}?avec\s+{DET}{_O}",
        [("s", "o", "party", "agreement")],
        AGENT,
        AGENT,
        cue=('sign',),
    ),
    Rule(
        rf"{_S}\s+et\s+{DET}{_O}\s+(?:signent|ont signé|signeront)\s+(?:un|une|leur)\s+",
        [("s", "o", "party", "agreement")],
        AGENT,
        AGENT,
        cue=('sign',),
    ),
    # use
    Rule(
        rf"{_S}\s+(?:utilise|utilisent|exploite|s['’]appuie sur|a adopté|adopte)\s+{DET}{_O}",
        [("s", "o", "uses", "relation")],
        AGENT,
        ("product",),
        cue=('utilise', 'exploite', 'appuie', 'adopt'),
    ),
    Rule(
        rf"{_S}(?:{INCISE}|,\s+(?:le|la|l['’]|un|une)\s+[^⟦,.]{{0,60}}?)?,?\s+(?:est\s+|sont\s+|a été\s+)?"
        rf"(?:(?:déjà|largement|notamment|aussi|également|désormais|très|surtout)\s+){{0,3}}"
        rf"(?:utilisée?s?|adoptée?s?|exploitée?s?)\s+(?:[a-zé]+\s+)?par\s+(?:[^⟦.]{{0,40}}?\s+et\s+par\s+)?{DET}"
        + LIST.format("o"),
        [("s", "o", "usedBy", "relation")],
        ("product",),
        AGENT,
        cue=('utilisé', 'adopté', 'exploité'),
    ),
    Rule(
        rf"[Uu]tilisat(?:eur|rice)s?\s+{DET}{_O}(?:\s+(?:du|de la|de l['’]|des|d['’])\s*⟦\d+⟧)?,\s+{_S}",
        [("s", "o", "uses", "relation")],
        AGENT,
        ("product",),
        cue=('utilisat',),
    ),
    # operation and hosting
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?opérée?s?\s+par\s+{DET}{_O}",
        [("s", "o", "operatedBy", "relation")],
        ("product",),
        ORG,
        cue=('opéré',),
    ),
    Rule(rf"{_O}\s+(?:opère|exploite)\s+{DET}{_S}", [("s", "o", "operatedBy", "relation")], ("product",), ORG,
         cue=("opère", "exploite")),
    Rule(
        rf"{_S}{INCISE}(?:\s+(?:est|a été)\s+[a-zéè]+(?:é|ée|és|ées)\s+par\s+{DET}⟦\d+⟧\s+et)?[^⟦.]{{0,40}}?"
        rf"(?:hébergée?s?|installée?s?)\s+(?:par|au|à|dans)\s+{DET}{_O}",
        [("s", "o", "hostedBy", "relation")],
        ("product",),
        ORG,
        cue=('hébergé', 'installé'),
    ),
    # funding
    Rule(
        LIST.format("o") + rf"\s+(?:finance|financent|a financé|subventionne|soutient financièrement)\s+{DET}{_S}",
        [("s", "o", "fundedBy", "funding")],
        ("programme", "organisation", "product"),
        AGENT,
        cue=('financ', 'subventionn', 'soutient'),
    ),
    Rule(
        rf"{_S}{INCISE}[^⟦.]{{0,30}}?(?:financée?s?|subventionnée?s?)\s+par\s+" + DET + LIST.format("o"),
        [("s", "o", "fundedBy", "funding")],
        ("programme", "organisation", "product"),
        AGENT,
        cue=('financé', 'subventionné'),
    ),
    # support received: "X bénéficie par ailleurs d'un soutien pluriannuel de Y"
    Rule(
        rf"{_S}{INCISE}\s+(?:bénéficie|bénéficient|a bénéficié|ont bénéficié)(?:\s+[^\s⟦,.]+){{0,3}}?\s+"
        r"d['’](?:un|une)\s+(?:soutien|financement|aide|subvention)(?:\s+[^\s⟦,.]+){0,2}?\s+"
        rf"(?:de la|de l['’]|du|des|de|d['’])\s*{DET}{_O}",
        [("s", "o", "fundedBy", "funding")],
        ("programme", "organisation", "product"),
        AGENT,
        cue=('bénéfici',),
    ),
    # membership
    Rule(
        rf"{_S}\s+(?:est|sont|est devenue?|a rejoint|rejoint|ont rejoint)\s+"
        rf"(?:membres?\s+(?:du|de la|de l['’]|des|de)\s*)?"
        rf"{DET}{_O}",
        [("s", "o", "memberOf", "relation")],
        AGENT,
        ORG,
        cue=('est', 'sont', 'rejoint'),
    ),
    Rule(
        rf"{_S},\s+membres?\s+(?:du|de la|de l['’]|des|de)\s*{DET}{_O}",
        [("s", "o", "memberOf", "relation")],
        AGENT,
        ORG,
        cue=('membre',),
    ),
    # participation in events
    Rule(
        LIST.format("s") + INCISE + r"[^⟦.]{0,60}?\s+(?:a participé|ont participé|participera|participeront|participe|"
        r"participent|était l['’]invitée? d[eu']|est intervenue? (?:au|à|lors)|a pris part)\s*(?:à|au|aux|à la|"
        rf"à l['’])?\s*{DET}{_O}",
        [("s", "o", "participatesIn", "participation")],
        AGENT,
        ("event",),
        cue=('particip', 'invité', 'intervenu', 'pris part'),
    ),
    Rule(
        rf"[Ll]ors\s+{DET}{_O},\s+{_S}\s+a\s+(?:annoncé|présenté|évoqué|déclaré)",
        [("s", "o", "participatesIn", "participation")],
        AGENT,
        ("event",),
        cue=('lors',),
    ),
    # "X, situé à Z", "le laboratoire X de Y, situé à Z" (X is the head)
    Rule(
        rf"{_S}(?:\s+(?:du|de la|de l['’]|des|de|d['’])\s*⟦\d+⟧)?,?\s+(?:située?s?|basée?s?|implantée?s?)\s+"
        rf"(?:à|au|en|dans)\s+{DET}{_O}",
        [("s", "o", "locatedIn", "relation")],
        ("organisation", "place", "event"),
        ("place",),
        cue=('situé', 'basé', 'implanté'),
    ),
    # an example with its place: "des institutions telles qu'A au Québec ou B"
    Rule(
        r"(?i:tel(?:le)?s?)\s+qu(?:e\s+|['’])(?:[^.⟦]*⟦\d+⟧[^.⟦]*?(?:,|\bou\b|\bet\b)\s*)*?"
        + DET + _S + r"\s+(?:au|en|à)\s+" + _O + r"(?=\s*(?:,|\bou\b|\bet\b|\.|$))",
        [("s", "o", "locatedIn", "relation")],
        ORG,
        ("place",),
        cue=('tel',),
    ),
    # a unit named with its parent: "le laboratoire X du Y", "le centre de calcul X du Y"
    Rule(
        r"(?i:laboratoire|centre de calcul|centre|institut|service|direction|département|équipe)\s+"
        rf"{_O}(?:\s*\([^()]*\))?\s+(?:du|de la|de l['’]|des|de|d['’])\s*{_S}",
        [("s", "o", "hasUnit", "relation")],
        ORG,
        ORG,
        cue=('laboratoire', 'centre', 'institut', 'service', 'direction', 'département', 'équipe'),
    ),
    # a headquarters in apposition: "la Villa X, siège social de la société Y"
    Rule(
        rf"{_O},\s+(?:le\s+|son\s+)?siège(?:\s+social)?\s+(?:du|de la|de l['’]|des|de|d['’])\s*{DET}{_S}",
        [("s", "o", "headquarters", "relation")],
        ORG,
        ("place",),
        cue=('siège',),
    ),
    # a body's programme named afterwards: "le nouveau programme du X de …, baptisé Y"
    Rule(
        r"(?i:programme|plan|initiative|projet)\s+(?:du|de la|de l['’])\s*" + DET + _O
        + rf"(?:\s+(?:de|d['’]|pour|en faveur)[^.,]{{0,80}}?)?,\s+(?:baptisée?|nommée?|appelée?)\s+{_S}",
        [("s", "o", "runBy", "relation")],
        ("programme",),
        ORG,
        cue=('baptisé', 'nommé', 'appelé'),
    ),
    # a programme of an organisation: "le programme X du Y", "le Contrat … (COP) du Y"
    Rule(
        rf"{_S}(?:\s*\([^()]*\))?\s+(?:du|de la|de l['’])\s*{DET}{_O}",
        [("s", "o", "runBy", "relation")],
        ("programme",),
        ORG,
        cue=('du ', 'de la', 'de l'),
    ),
    # "le projet X avec des chercheurs du A et du B": A and B take part in X
    Rule(
        rf"{_S}(?:\[\d+\])?\s+avec\s+(?:des\s+(?:chercheurs|chercheuses|équipes|ingénieurs|ingénieures|"
        r"partenaires)\s+)?(?:du|de la|de l['’]|des|d['’])\s*" + DET + LIST.format("o"),
        [("o", "s", "participatesIn", "relation")],  # a project is not an event: no Participation node
        AGENT,
        ("programme",),
        cue=('avec',),
    ),
    # "le collectif X, où A, B et d'autres acteurs collaborent": A and B take part in X
    Rule(
        r"(?P<x>⟦\d+⟧)\s*,\s+où\s+(?:[^⟦.:]{0,40}:\s*)?" + DET + LIST.format("s")
        + r"(?:\s+et\s+d['’]autres\s+[^⟦,.]{0,40})?,?\s+(?:collaborent|coopèrent|travaillent|participent)\b",
        [("s", "x", "participatesIn", "relation")],
        AGENT,
        ("organisation", "programme"),
        cue=('où',),
    ),
    # first person possessives, once the text says who "nous" is: "notre assistant vocal X", "P, notre directeur"
    Rule(
        rf"{_O}\s+(?:assistant vocal|assistant|suite bureautique|suite|logiciel|outil|application|plateforme|"
        rf"modèle de langage|modèle|messagerie|agent conversationnel)(?:\s+[a-zéèêàâîôûç-]+){{0,2}}\s+{_S}",
        [("s", "o", "developedBy", "relation")],
        ("product",),
        ORG,
        cue=('assistant', 'suite', 'logiciel', 'outil', 'application', 'plateforme', 'modèle', 'messagerie', 'agent'),
    ),
    Rule(
        rf"{_S},\s+{_O}\s+(?:(?:nouvelle|nouveau|actuel|actuelle)\s+)?(?i:{ROLE_WORDS})\b",
        [("s", "o", "holdsRole", "role")],
        ("person",),
        ORG,
    ),
    Rule(
        rf"{_S}\s+(?:engagement|implication)\s+(?:en|dans|pour|envers|en faveur)\s+"
        r"(?:du|de la|de l['’]|des|le|la|les|l['’])?\s*" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
        cue=('engagement', 'implication'),
    ),
    # offering: "X est désormais proposé par Y"
    Rule(
        rf"{_S}[^⟦.]{{0,60}}?\s+(?:est|sont|a été|ont été)\s+(?:désormais\s+|aussi\s+|également\s+|maintenant\s+)?"
        rf"(?:proposée?s?|commercialisée?s?|distribuée?s?)\s+par\s+{DET}{_O}",
        [("s", "o", "offeredBy", "relation")],
        ("product",),
        ORG,
        cue=('proposé', 'commercialisé', 'distribué'),
    ),
    # "les collaborations de recherche entre A et B"
    Rule(
        rf"(?i:collaborations?|coopérations?)\b[^⟦.]{{0,40}}?\bentre\s+{DET}{_S}\s+et\s+{DET}{_O}",
        [("s", "o", "collaboratesWith", "relation")],
        AGENT,
        AGENT,
        cue=('entre',),
    ),
    # "A, B et d'autres acteurs collaborent": every pair of the list
    Rule(
        SUBJECT_LIST.format("s") + r"(?:\s+et\s+d['’]autres\s+[^⟦,.]{0,40})?,?\s+(?:collaborent|coopèrent|"
        r"travaillent ensemble)\b(?!\s+(?:avec|à|au|aux)\b)",
        [("s", "s", "collaboratesWith", "mutual")],
        AGENT,
        AGENT,
        cue=('collaborent', 'coopèrent', 'travaillent ensemble'),
    ),
    # place of an event
    Rule(
        rf"{_S}(?:,\s+qui)?\s+(?:s['’]est tenue?|se tient|se tiendra|a eu lieu|aura lieu|s['’]est déroulée?|"
        rf"se déroule(?:ra)?)\s+à\s+{DET}{_O}",
        [("s", "o", "eventPlace", "relation")],
        ("event",),
        ("place",),
        cue=('tenu', 'tient', 'tiendra', 'lieu', 'déroul'),
    ),
]

# -- subjects stated outside the sentence ------------------------------------------------------------------
# Words that stand for an entity named elsewhere. Each becomes a placeholder like a name, so the rules above
# read "L'⟦3⟧ a été signé par …" or "Ensemble, ⟦5⟧ améliorent …"; kg.ingest.extract says which entity it stands
# for and marks every relation read through one as a reading.

# "Il"/"Elle" opening the sentence, or after an opening participle clause ("Copiloté par …, il …") or a short
# opening phrase ("Parmi les plus puissants, il …"); not the impersonal "il y a", "il faut", "il s'agit".
PRONOUN = re.compile(
    r"^(?:(?:Co-?)?[A-ZÉ][\w-]*(?:é|ée|és|ées)\s+(?:par|avec|pour|en|dans)\s[^.]*?,\s+|[A-ZÉ][^,«»]{0,60},\s+)?"
    r"(Il|Elle|il|elle)\s+(?!y\s|n['’]y\s|faut|fallait|s['’]agit|semble|paraît)"
)
TOGETHER = re.compile(r"^\s*Ensemble,\s+(ils|elles)\b")
WE = re.compile(r"(?<![\w’'])([Nn]ous|[Nn]otre|[Nn]os)\b")
# "Chez X, nous …" and "… nous … chez X" (the text around a mention X): the text's first person is X.
WE_BEFORE = re.compile(r"[Cc]hez\s+$")
WE_AFTER = re.compile(r"\s*,\s+nous\b")
WE_EARLIER = re.compile(r"\bnous\b[^.«»]{0,80}\bchez\s+$")
# A definite or demonstrative noun phrase naming a kind of thing the text has just introduced.
DEFINITE_NOUNS = {
    "accord-cadre": "agreement", "accord": "agreement", "partenariat": "agreement", "alliance": "agreement",
    "convention": "agreement",
    "cérémonie": "signing", "signature": "signing",
    "sommet": "event", "forum": "event", "salon": "event", "colloque": "event", "conférence": "event",
    "événement": "event", "évènement": "event", "journée": "event", "rencontre": "event",
    "assistant vocal": "product", "supercalculateur": "product", "modèle": "product", "plateforme": "product",
    "logiciel": "product", "suite": "product", "outil": "product", "application": "product",
    "programme": "programme", "projet": "programme", "plan": "programme", "pepr": "programme",
}
_NOUNS = "|".join(sorted((re.escape(n) for n in DEFINITE_NOUNS), key=len, reverse=True))
DEFINITE = re.compile(
    rf"(?:(?<![\w’'])(?:[Ll]['’]|[Ll]e\s+|[Ll]a\s+|[Cc]et\s+|[Cc]ette\s+|[Cc]e\s+|[Dd]u\s+|[Aa]u\s+))"
    rf"(?P<n>(?i:{_NOUNS}))\b(?![\s-]*(?:[A-ZÉ0-9⟦«]|de\s+[A-ZÉ]|d['’][A-ZÉ]|du\s+[A-ZÉ]|-))"
)
# An opening adverbial clause ("Dans le cadre du plan X, …", "Lors du sommet, …") is not the sentence's subject.
OPENING_CLAUSE = re.compile(
    r"^\s*(?:Dans|Avec|Pour|Lors|Depuis|Selon|Par|Après|Avant|En|Au|Aux|À|Dès|Parmi|Face|Sur|Sous|Utilisat\w+|"
    r"Adossée?|Conscients?|Fort|Forte)\b[^,]{0,120},"
)

SPOKE = r"(?:annoncé|présenté|évoqué|déclaré|rappelé|souligné|dévoilé)"
# Relations read through a word standing for an entity named elsewhere.
ANAPHOR_RULES = [
    # "La cérémonie … était placée sous le haut patronage du Président …": every person or body named after it
    Rule(
        rf"{_S}{INCISE}[^⟦.]{{0,40}}?\s+(?:était|est|sera|a été|fut)\s+placée?s?\s+sous\s+(?:le|son)\s+"
        r"(?:haut\s+)?patronage\s+(?P<o>[^.;]*)",
        [("s", "o", "underPatronageOf", "relation")],
        ("event",),
        ("person", "organisation"),
        cue=('patronage',),
    ),
    # "L'événement a été salué par P1, ministre de …, et P2": the persons who hailed it
    Rule(
        rf"{_S}{INCISE}\s+(?:a été|ont été|fut|est)\s+saluée?s?\s+par\s+(?P<o>[^.;]*)",
        [("s", "o", "hailedBy", "relation")],
        ("event",),
        ("person",),
        cue=('salué',),
    ),
    # "L'accord a été signé par P1, PDG de O, et P2": the signatories (persons) of the agreement
    Rule(
        rf"{_S}\s+(?:a été|ont été|est|sera|avait été)\s+(?:officiellement\s+)?signée?s?\s+(?:[^⟦.]{{0,30}}?\s+)?"
        r"par\s+(?P<o>[^.;]*)",
        [("s", "o", "signatory", "relation")],
        ("agreement",),
        ("person",),
        cue=('signé',),
    ),
    # "X était présent pour cette signature", "X a assisté à la cérémonie"
    Rule(
        LIST.format("s") + r"[^⟦.]{0,80}?\s+(?:était|étaient|sont|est)\s+(?:d['’]ailleurs\s+|aussi\s+|également\s+)?"
        rf"présente?s?\s+(?:pour|à|lors de|au)\s+{DET}{_O}"
        r"(?:[^⟦.]{0,40}?,?\s+(?:de même que|ainsi que)\s+(?P<s2>⟦\d+⟧))?",
        [("s", "o", "participatesIn", "participation"), ("s2", "o", "participatesIn", "participation")],
        AGENT,
        ("event",),
        cue=('présent',),
    ),
    # "La Fondation X et la société Y ont officialisé un partenariat": an agreement node with both parties
    Rule(
        rf"(?P<s>{ITEM}){INCISE}\s+et\s+{DET}{_O}{INCISE}\s+(?:ont officialisé|officialisent|ont conclu|concluent|"
        r"ont noué|nouent|ont scellé|scellent)\s+(?:un|une|leur)\s+[^⟦.]{0,30}?(?:accord|partenariat|alliance|"
        r"convention|contrat)",
        [("s", "o", "party", "agreement")],
        AGENT,
        AGENT,
        cue=('officialis', 'conclu', 'nou', 'scell'),
    ),
    # "Lors du forum, X a annoncé …, tandis que la présidente de Y, Z, a évoqué …": both took part
    Rule(
        rf"^\s*[Ll]ors\s+{DET}{_O},\s+[^.]*?(?P<s>⟦\d+⟧),?\s+a\s+{SPOKE}"
        rf"(?:[^.]*?\btandis que\b[^.]*?(?P<s2>⟦\d+⟧),?\s+a\s+{SPOKE})?",
        [("s", "o", "participatesIn", "participation"), ("s2", "o", "participatesIn", "participation")],
        AGENT,
        ("event",),
        cue=('lors',),
    ),
]


class Context:
    """What a document has said so far that later sentences refer back to."""

    __slots__ = ("agreement", "agreements", "group", "known_roles", "last", "roles", "signing", "topic", "we")

    def __init__(self) -> None:
        self.topic = None  # the subject of the last sentence that named one (a Mention)
        self.group: tuple[int, list] = (0, [])  # sentence number, the partners of its collaboration
        self.last: dict[str, object] = {}  # family → the last Mention of that family
        self.agreement = None  # the agreement the text is about (a Mention)
        self.signing = None  # its signing event, when the graph knows it (a Mention)
        self.we = None  # the organisation "nous" stands for (a Mention), once the text says so
        self.agreements: dict[frozenset, str] | None = None  # the graph's agreements by their parties
        self.roles: dict[str, set[str]] = {}  # person → organisations this document gives them a role in
        self.known_roles: dict[str, set[str]] | None = None  # the same from the graph


def known_agreements(triples: Iterable[tuple[str, str, str]], party: str) -> dict[frozenset, str]:
    """The graph's agreements, by the set of their parties."""
    parties: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p == party:
            parties.setdefault(s, set()).add(o)
    return {frozenset(v): k for k, v in parties.items() if len(v) >= 2}


def sentence_subject(sent: str, mentions: list, families: tuple[str, ...]) -> object | None:
    """The sentence's subject: its first mention of one of the families, after any opening adverbial clause."""
    opening = OPENING_CLAUSE.match(sent)
    start = opening.end() if opening else 0
    for m in mentions:
        if m.start >= start and m.family in families:
            return m
    return None


ALL_RULES = (*RULES, *ANAPHOR_RULES)
_CUE_WORDS = sorted({c for r in ALL_RULES for c in r.cue}, key=len, reverse=True)
_CUES = re.compile("|".join(re.escape(c) for c in _CUE_WORDS))
# a cue found in the text also stands for the cues inside it ("pour développer" holds "développ")
_CUE_RULES = {c: frozenset(i for i, r in enumerate(ALL_RULES) if any(d in c for d in r.cue)) for c in _CUE_WORDS}
_ALWAYS = frozenset(i for i, r in enumerate(ALL_RULES) if not r.cue)


def rules_for(lowered: str) -> list[Rule]:
    """The rules whose cue words the (lower-cased, masked) sentence contains: one scan for all of them."""
    wanted = set(_ALWAYS)
    for word in set(_CUES.findall(lowered)):
        wanted |= _CUE_RULES[word]
    return [ALL_RULES[i] for i in sorted(wanted)]
