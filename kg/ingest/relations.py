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
    r"(?:(?:le|la|les|l['’]|du|des|de la|de l['’]|de|d['’]|au|aux|à la|à l['’]|à|un|une)\s*)?"
    r"(?:(?:société|start-up|association|réseau|plateforme|assistant vocal|supercalculateur|programme|projet|"
    r"laboratoire|centre de calcul|modèle de langage|modèle|entreprise|PME|groupe|communauté|fondation|"
    r"suite|logiciel|application|start-up|collectif|institut|université|centre|outil|assistant)\s+)?"
)
# A list item is a name with, maybe, its acronym and supervisors in brackets: "⟦1⟧ (⟦2⟧, ⟦3⟧/⟦4⟧)".
ITEM = r"⟦\d+⟧(?:\s*\([^()]*\))?"
LIST = r"(?P<{}>" + ITEM + r"(?:\s*(?:,|et|,\s*et)\s*" + DET + ITEM + r")*)"
# A subject list is not the complement of a noun or a preposition ("… du ⟦1⟧, ⟦2⟧ travaille avec").
NOT_COMPLEMENT = "".join(rf"(?<!{w} )" for w in ("du", "de", "des", "au", "aux", "à", "par", "avec", "pour", "sur"))
NOT_COMPLEMENT += r"(?<!d’)(?<!d')(?<!de la )(?<!de l’)(?<!de l')(?<!à la )(?<!à l’)(?<!à l')"
SUBJECT_LIST = NOT_COMPLEMENT + LIST


def list_ids(value: str) -> list[str]:
    """The placeholders of a list, leaving out those in brackets (an item's acronym and supervisors)."""
    return re.findall(r"⟦(\d+)⟧", re.sub(r"\([^()]*\)", "", value)) if "⟦" in value else [value]


class Rule:
    """A pattern over the masked sentence and the relations it yields: (subject group, object group, property,
    kind), with the type families each end must have."""

    def __init__(
        self, pattern: str, emits: list[tuple[str, str, str, str]], subj: Iterable[str] = (), obj: Iterable[str] = ()
    ) -> None:
        self.pattern = re.compile(pattern)
        self.emits, self.subj, self.obj = emits, set(subj), set(obj)

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
        rf"{_S},\s+(?i:{ROLE_WORDS})\b[^⟦,.;]{{0,40}}?(?:de|du|d['’]|des)\s*{DET}⟦\d+⟧\s+pour\s+{DET}{_O}",
        [("s", "o", "holdsRole", "role")],
        ("person",),
        ORG,
    ),
    Rule(
        rf"(?i:{ROLE_WORDS})\b[^⟦,.;]{{0,40}}?(?:de|du|d['’]|des)\s*{DET}{_O},\s+{_S}",
        [("s", "o", "holdsRole", "role")],
        ("person",),
        ORG,
    ),
    # founding
    Rule(
        rf"{_S},?\s+(?:a été\s+|est\s+)?(?:fondée?s?|créée?s?|cofondée?s?)(?:\s+en\s+\d{{4}})?\s+par\s+"
        + LIST.format("o"),
        [("s", "o", "foundedBy", "relation")],
        ORG,
        ("person",),
    ),
    Rule(
        rf"{_O}\s+(?:a fondé|a créé|a cofondé|fonde|crée)\s+{DET}{_S}",
        [("s", "o", "foundedBy", "relation")],
        ORG,
        ("person",),
    ),
    # supervision: "LAB (ACR, T1/T2)" – the acronym is masked too
    Rule(
        rf"{_S}\s*\(\s*(?:⟦\d+⟧|[A-Z][\w-]*)\s*,\s*(?P<o>⟦\d+⟧(?:\s*/\s*⟦\d+⟧)*)\s*\)",
        [("s", "o", "supervisedBy", "relation")],
        ORG,
        ORG,
    ),
    # piloting
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?(?:co-?pilotée?s?|co-?dirigée?s?)\s+par\s+" + LIST.format("o"),
        [("s", "o", "coPilotedBy", "relation")],
        ("programme",),
        ORG,
    ),
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?(?:pilotée?s?|dirigée?s?|coordonnée?s?|porté(?:e|s)?)\s+par\s+{DET}{_O}",
        [("s", "o", "pilotedBy", "relation")],
        ("programme",),
        ORG,
    ),
    Rule(rf"{_O}\s+(?:pilote|coordonne|porte)\s+{DET}{_S}", [("s", "o", "pilotedBy", "relation")], ("programme",), ORG),
    Rule(
        rf"{_S}[^⟦]{{0,40}}?(?:pilotée?s?|dirigée?s?)\s+par\s+{DET}(?P<p>⟦\d+⟧)\s+"
        rf"(?:aux côtés|en lien|avec l['’]appui)\s+(?:de|d['’])\s*{DET}"
        + LIST.format("o"),
        [("s", "o", "namedBesidePilot", "relation")],
        ("programme",),
        ORG,
    ),
    # collaboration
    Rule(
        SUBJECT_LIST.format("s") + COLLABORATE + DET + LIST.format("o"),
        [("s", "o", "collaboratesWith", "relation")],
        AGENT,
        AGENT,
    ),
    # "X s'est associé à Y et Z pour développer P": P developed by all of them
    Rule(
        SUBJECT_LIST.format("s") + COLLABORATE + DET + LIST.format("o")
        + rf"\s+pour\s+(?:développer|concevoir|créer|construire|bâtir)\s+{DET}(?P<p>⟦\d+⟧)",
        [("p", "s", "developedBy", "relation"), ("p", "o", "developedBy", "relation")],
        ("product",),
        AGENT,
    ),
    # "Ensemble, ils continuent d'améliorer P" (the placeholder stands for the partners just named)
    Rule(
        r"^\s*Ensemble,\s+(?P<s>⟦\d+⟧)\s+(?:(?:continuent|vont|veulent|souhaitent|cherchent)\s+(?:à|d['’]|de)\s*)?"
        rf"(?:améliorer|améliorent|enrichir|enrichissent|perfectionner|perfectionnent|contribuer à|contribuent à|"
        rf"entraîner|entraînent|faire évoluer|font évoluer)\s+{DET}{_O}",
        [("s", "o", "contributesTo", "relation")],
        AGENT,
        ("product", "programme"),
    ),
    # themes: "X s'implique de plus en plus dans l'IA générative et les grands modèles de langage"
    Rule(
        rf"{_S}[^⟦.]{{0,40}}?(?:s['’]implique|s['’]engage|investit|travaille|se concentre|spécialisée?|leader|"
        rf"pionnier|pionnière|dédiée?|consacrée?|milite)[^⟦.]{{0,40}}?(?:dans|sur|autour|pour|en faveur)\b"
        rf"[^⟦.]{{0,25}}?" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "event", "person", "product"),
        ("concept",),
    ),
    # "X s'est imposée comme pionnier du logiciel libre", "X défend une approche : celle de l'IA de confiance",
    # "nous militons pour des LLM de confiance", "l'engagement du X en intelligence artificielle"
    Rule(
        rf"{_S}[^⟦.]{{0,40}}?\b(?:pionni(?:er|ère)s?)\s+(?:du|de la|de l['’]|des|de|en)\s*" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
    ),
    Rule(
        rf"{_S}[^⟦.]{{0,30}}?\b(?:défend|défendent|défendons|prône|prônent|prônons|promeut|promeuvent|promouvons|"
        rf"milite|militent|militons)\b[^⟦.;]{{0,60}}?" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
    ),
    Rule(
        rf"(?i:engagement|implication|investissement)\s+(?:du|de la|de l['’]|des|de|d['’])\s*{_S}\s+"
        rf"(?:en|dans|pour|envers|en faveur)\s+(?:du|de la|de l['’]|des|le|la|les|l['’])?\s*" + LIST.format("o"),
        [("s", "o", "theme", "relation")],
        ("organisation", "programme", "person"),
        ("concept",),
    ),
    # initiative: "X est à l'origine du modèle Y", "X a été à l'initiative de la communauté Y"
    Rule(
        rf"{_S}\s+(?:est|était|a été|sont|ont été|avons été|sommes)\s+(?:aussi\s+|également\s+)?"
        rf"à\s+l['’](?:origine|initiative)\s+(?:du|de la|de l['’]|des|de|d['’])\s*{DET}{_O}",
        [("o", "s", "initiatedBy", "relation")],
        AGENT,
        ("organisation", "programme", "product", "event"),
    ),
    # "Dans le cadre du plan X, le programme Y a été lancé"
    Rule(
        rf"^\s*(?:[Dd]ans le cadre|[Aa]u titre)\s+(?:du|de la|de l['’]|des|d['’])\s*{DET}{_O}\s*,\s*{DET}{_S}",
        [("s", "o", "partOfInitiative", "relation")],
        ("programme",),
        ("programme",),
    ),
    # training: "Le supercalculateur X a été utilisé pour l'entraînement de Y", "Y, entraîné sur X"
    Rule(
        rf"{_S}[^⟦.]{{0,60}}?(?:utilisée?s?|servi|sert|servira)\s+(?:pour|à)\s+(?:permettre\s+)?"
        rf"l['’]entraînement\s+(?:de|du|des|d['’])\s*{DET}{_O}",
        [("o", "s", "trainedOn", "relation")],
        ("product",),
        ("product",),
    ),
    Rule(
        rf"{_S},?\s+(?:a été\s+|est\s+)?(?:entraînée?s?|pré-?entraînée?s?)\s+(?:sur|avec|grâce à)\s+{DET}{_O}",
        [("s", "o", "trainedOn", "relation")],
        ("product",),
        ("product",),
    ),
    # development and co-development
    Rule(
        LIST.format("o") + rf"\s+(?:co-?développent|développent|ont développé|ont co-?développé)\s+{DET}{_S}",
        [("s", "o", "developedBy", "relation")],
        ("product",),
        AGENT,
    ),
    Rule(
        rf"{_O}\s+(?:développe|a développé|conçoit|a conçu|édite|développons|avons développé|concevons|éditons)"
        rf"\s+{DET}{_S}(?:\s+avec\s+{DET}(?P<o2>⟦\d+⟧))?",
        [("s", "o", "developedBy", "relation"), ("s", "o2", "developedBy", "relation")],
        ("product",),
        AGENT,
    ),
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?(?:co-?développée?s?|développée?s?|conçue?s?|éditée?s?)\s+par\s+"
        + LIST.format("o"),
        [("s", "o", "developedBy", "relation")],
        ("product",),
        AGENT,
    ),
    # signing
    Rule(
        rf"{_S}{INCISE}\s+(?:a signé|signe|signent|ont signé)\s+(?:un|une|son|leur)\s+[^⟦.]{{0,40}}?"
        rf"(?:accord|partenariat|contrat|convention)[^⟦.]{{0,40}}?avec\s+{DET}{_O}",
        [("s", "o", "party", "agreement")],
        AGENT,
        AGENT,
    ),
    Rule(
        rf"{_S}\s+et\s+{DET}{_O}\s+(?:signent|ont signé|signeront)\s+(?:un|une|leur)\s+",
        [("s", "o", "party", "agreement")],
        AGENT,
        AGENT,
    ),
    # use
    Rule(
        rf"{_S}\s+(?:utilise|utilisent|exploite|s['’]appuie sur|a adopté|adopte)\s+{DET}{_O}",
        [("s", "o", "uses", "relation")],
        AGENT,
        ("product",),
    ),
    Rule(
        rf"{_S}(?:{INCISE}|,\s+(?:le|la|l['’]|un|une)\s+[^⟦,.]{{0,60}}?)?,?\s+(?:est\s+|sont\s+|a été\s+)?"
        rf"(?:(?:déjà|largement|notamment|aussi|également|désormais|très|surtout)\s+){{0,3}}"
        rf"(?:utilisée?s?|adoptée?s?|exploitée?s?)\s+(?:[a-zé]+\s+)?par\s+"
        + LIST.format("o"),
        [("s", "o", "usedBy", "relation")],
        ("product",),
        AGENT,
    ),
    Rule(
        rf"[Uu]tilisat(?:eur|rice)s?\s+{DET}{_O}(?:\s+(?:du|de la|de l['’]|des|d['’])\s*⟦\d+⟧)?,\s+{_S}",
        [("s", "o", "uses", "relation")],
        AGENT,
        ("product",),
    ),
    # operation and hosting
    Rule(
        rf"{_S},?\s+(?:est\s+|a été\s+)?opérée?s?\s+par\s+{DET}{_O}",
        [("s", "o", "operatedBy", "relation")],
        ("product",),
        ORG,
    ),
    Rule(rf"{_O}\s+(?:opère|exploite)\s+{DET}{_S}", [("s", "o", "operatedBy", "relation")], ("product",), ORG),
    Rule(
        rf"{_S}{INCISE}[^⟦.]{{0,40}}?(?:hébergée?s?|installée?s?)\s+(?:par|au|à|dans)\s+{DET}{_O}",
        [("s", "o", "hostedBy", "relation")],
        ("product",),
        ORG,
    ),
    # funding
    Rule(
        LIST.format("o") + rf"\s+(?:finance|financent|a financé|subventionne|soutient financièrement)\s+{DET}{_S}",
        [("s", "o", "fundedBy", "funding")],
        ("programme", "organisation", "product"),
        AGENT,
    ),
    Rule(
        rf"{_S}{INCISE}[^⟦.]{{0,30}}?(?:financée?s?|subventionnée?s?)\s+par\s+" + LIST.format("o"),
        [("s", "o", "fundedBy", "funding")],
        ("programme", "organisation", "product"),
        AGENT,
    ),
    # membership
    Rule(
        rf"{_S}\s+(?:est|sont|est devenue?|a rejoint|rejoint|ont rejoint)\s+"
        rf"(?:membres?\s+(?:du|de la|de l['’]|des|de)\s*)?"
        rf"{DET}{_O}",
        [("s", "o", "memberOf", "relation")],
        AGENT,
        ORG,
    ),
    Rule(
        rf"{_S},\s+membres?\s+(?:du|de la|de l['’]|des|de)\s*{DET}{_O}",
        [("s", "o", "memberOf", "relation")],
        AGENT,
        ORG,
    ),
    # participation in events
    Rule(
        LIST.format("s") + INCISE + r"[^⟦.]{0,60}?\s+(?:a participé|ont participé|participera|participeront|participe|"
        r"participent|était l['’]invitée? d[eu']|est intervenue? (?:au|à|lors)|a pris part)\s*(?:à|au|aux|à la|"
        rf"à l['’])?\s*{DET}{_O}",
        [("s", "o", "participatesIn", "participation")],
        AGENT,
        ("event",),
    ),
    Rule(
        rf"[Ll]ors\s+{DET}{_O},\s+{_S}\s+a\s+(?:annoncé|présenté|évoqué|déclaré)",
        [("s", "o", "participatesIn", "participation")],
        AGENT,
        ("event",),
    ),
    # place of an event
    Rule(
        rf"{_S}\s+(?:s['’]est tenue?|se tient|se tiendra|a eu lieu|aura lieu|s['’]est déroulée?)\s+à\s+{_O}",
        [("s", "o", "eventPlace", "relation")],
        ("event",),
        ("place",),
    ),
]
