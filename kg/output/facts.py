"""Fact nodes as sentences a reader can check against the text: one template per fact class, in French and in
English ("Antoine Petit holds the position “PDG of CNRS” at CNRS"), never a bare reified node.

A template names the fact's properties by local name: `{roleHolder}` is every value of ekg:roleHolder (IRIs by
their label, literals in the page's language when they have one), joined with "and"/"et"; a `[ … ]` group is
left out when a property it names has no value. The result is a list of segments, plain text or (IRI, label)
links, so that the web pages link the entities and the command line can print plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import pyoxigraph as ox

from kg.output.values import date_text, inferred_note, quantity
from kg.output.values import literal_text as values_text
from kg.shared.namespaces import EKG

# Fact class → {language: template}. Every ekg:SourcedFact subclass the data uses has one (a test checks it).
TEMPLATES: dict[str, dict[str, str]] = {
    EKG + "Role": {
        "fr": "{roleHolder} occupe la fonction « {roleTitle} »[ auprès de {roleOrganisation}][ ({when})]",
        "en": "{roleHolder} holds the position “{roleTitle}”[ at {roleOrganisation}][ ({when})]",
    },
    EKG + "Figure": {
        "fr": "{measure} de {figureOf} : {valueAsWritten} ({quantity})[, {when}][ sur {duration}]"
              "[, annoncé par {announcedBy}]",
        "en": "{measure} of {figureOf}: {quantity}[, {when}][ over {duration}] — “{valueAsWritten}”"
              "[, announced by {announcedBy}]",
    },
    EKG + "Funding": {
        "fr": "{funder} finance {fundingRecipient}[ à hauteur de {fundingAmount}][ pour {fundingPurpose}]"
              "[ (depuis {startDate})]",
        "en": "{funder} funds {fundingRecipient}[ (amount: {fundingAmount})][ for {fundingPurpose}]"
              "[ (since {startDate})]",
    },
    EKG + "Collaboration": {
        "fr": "{partner} collaborent[ sur {collaborationObject}][ ({when})]",
        "en": "{partner} collaborate[ on {collaborationObject}][ ({when})]",
    },
    EKG + "Participation": {
        "fr": "{participant} participe à {participationIn}[ en tant que {participationRole}]",
        "en": "{participant} takes part in {participationIn}[ as {participationRole}]",
    },
    EKG + "Deployment": {
        "fr": "{deployedSoftware} est déployé pour {deployedFor}[ par {deployedBy}]",
        "en": "{deployedSoftware} is deployed for {deployedFor}[ by {deployedBy}]",
    },
    EKG + "Quotation": {
        "fr": "{speaker} : « {quotedText} »[ (à propos de {about})]",
        "en": "{speaker}: “{quotedText}” (in French)[ (about {about})]",
    },
}
FACT_CLASSES = tuple(TEMPLATES)
KIND_NAMES = {
    "fr": {"Role": "fonctions", "Figure": "chiffres", "Funding": "financements", "Collaboration": "collaborations",
           "Participation": "participations", "Deployment": "déploiements", "Quotation": "citations"},
    "en": {"Role": "roles", "Figure": "figures", "Funding": "fundings", "Collaboration": "collaborations",
           "Participation": "participations", "Deployment": "deployments", "Quotation": "quotations"},
}
CONJUNCTION = {"fr": " et ", "en": " and "}

Segment = str | tuple[str, str]  # text, or (IRI, label) to link
_PLACEHOLDER = r"\{([A-Za-z]+)\}"
_GROUP = r"\[([^\[\]]*)\]"


def fact_class(types: Sequence[str]) -> str | None:
    """The fact class among a node's types (None: not a fact node)."""
    return next((t for t in FACT_CLASSES if t in types), None)


def _values(terms: Sequence[object], lang: str, label: Callable[[ox.NamedNode], str]) -> list[Segment]:
    literals = [t for t in terms if isinstance(t, ox.Literal)]
    tagged = [t for t in literals if t.language]
    if tagged:  # one language only: the page's, else the other, else any
        other = "en" if lang == "fr" else "fr"
        for wanted in (lang, other):
            chosen = [t for t in tagged if t.language.split("-")[0] == wanted]
            if chosen:
                break
        else:
            chosen = tagged
        literals = [t for t in literals if not t.language] + chosen
    out: list[Segment] = [(t.value, label(t)) for t in terms if isinstance(t, ox.NamedNode)]
    out += [_literal(t, lang) for t in sorted(literals, key=lambda x: x.value)]
    return out


def _literal(term: ox.Literal, lang: str) -> str:
    """A literal's text as people read it (kg.output.values: numbers grouped, dates and durations in words)."""
    return values_text(term, lang)


def _derived(kind: str, properties: Mapping[str, Sequence[object]], lang: str,
             label: Callable[[ox.NamedNode], str]) -> dict[str, list[Segment]]:
    """Values the templates word from several properties: `quantity` (value, unit and qualifier: "more than 750
    researchers"), `when` (the date in words with its precision and an inferred date,
    else the date as written)."""
    out: dict[str, list[Segment]] = {}

    def first_label(name: str) -> str:
        found = [t for t in properties.get(name, []) if isinstance(t, ox.NamedNode)]
        return label(found[0]) if found else ""

    if properties.get("value"):
        unit, qualifier = first_label("unit"), first_label("qualifier")
        out["quantity"] = [quantity(v, lang, unit, qualifier) for v in properties["value"]
                           if isinstance(v, ox.Literal)]
    dates = [t for t in properties.get("date", []) if isinstance(t, ox.Literal)]
    inferred = next((t for t in properties.get("inferredDate", []) if isinstance(t, ox.Literal)), None)
    if dates:
        out["when"] = [date_text(d, lang, inferred) for d in dates]
    elif properties.get("dateAsWritten"):
        written = _values(properties["dateAsWritten"], lang, label)
        if inferred is not None and len(written) == 1 and isinstance(written[0], str):
            written = [written[0] + inferred_note(inferred, lang)]  # the text's words, then what the graph deduced
        out["when"] = written
    return out


def _join(items: list[Segment], lang: str) -> list[Segment]:
    out: list[Segment] = []
    for i, item in enumerate(items):
        if i:
            out.append(CONJUNCTION.get(lang, " and ") if i == len(items) - 1 else ", ")
        out.append(item)
    return out


def _fill(text: str, values: Mapping[str, list[Segment]], lang: str) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for match in re.finditer(_PLACEHOLDER, text):
        out.append(text[pos:match.start()])
        out += _join(values.get(match.group(1), []), lang)
        pos = match.end()
    out.append(text[pos:])
    return out


def sentence(kind: str, properties: Mapping[str, Sequence[object]], lang: str,
             label: Callable[[ox.NamedNode], str]) -> list[Segment]:
    """The fact as segments. properties: local name of each property → its values (pyoxigraph terms)."""
    templates = TEMPLATES[kind]
    template = templates.get(lang) or templates["en"]
    values = {name: _values(terms, lang, label) for name, terms in properties.items()}
    values.update(_derived(kind, properties, lang, label))

    def keep_group(match: re.Match[str]) -> str:
        names = re.findall(_PLACEHOLDER, match.group(1))
        return match.group(1) if all(values.get(n) for n in names) else ""

    template = re.sub(_GROUP, keep_group, template)
    segments = [s for s in _fill(template, values, lang) if s != ""]
    merged: list[Segment] = []
    for s in segments:  # adjacent text pieces as one
        if isinstance(s, str) and merged and isinstance(merged[-1], str):
            merged[-1] += s
        else:
            merged.append(s)
    return merged


def as_text(segments: Sequence[Segment]) -> str:
    """The sentence as plain text (links by their label)."""
    return "".join(s if isinstance(s, str) else s[1] for s in segments)


def kind_name(kind: str, lang: str) -> str:
    local = kind.rsplit("#", 1)[-1]
    return KIND_NAMES.get(lang, KIND_NAMES["en"]).get(local, local)
