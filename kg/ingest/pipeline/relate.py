"""Stage "relate": relations read from the dependency parse with the rules of `patterns/relations.json` (spaCy
DependencyMatcher patterns): « X, opéré par Y », « Y utilise X », « X est membre de Y », « entraîné sur C », « dans
le cadre du P », « E se tiendra à V », « L, dirigé par P »… Each end is a name at a matched token (its apposition
and the names coordinated with it) or the clause's subject as the attachment stage resolves it (a name, « qui », a
participle's noun, an anaphor followed back and said so). The regular-expression rules of kg/ingest/relations.py
still run beside these; the two propose the same row once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.ingest.pipeline import attach, patterns


@dataclass
class Found:
    """One relation: its ends (Mentions), predicate and kind, the verb or noun that says it, how each end was
    read (a reading note when an anaphor was followed)."""

    subject: Any
    predicate: str
    obj: Any
    kind: str
    cue: Any
    reading: str = ""


def _names(sent: attach.Sentence, tok) -> list:
    """The names at a token: its own, its apposition's, and those coordinated with it."""
    out = []
    for t in (tok, *(c for c in tok.children if c.dep_ == "conj")):
        m = attach._name_in(sent, t)
        if m is not None and m not in out:
            out.append(m)
    return out


def _clause_subject(sent: attach.Sentence, tok) -> attach.Attached | None:
    found = attach._subject_of(sent, tok, 0)
    if (found is None or found.target is None) and tok.pos_ in ("NOUN", "PROPN") and tok.head.i != tok.i:
        found = attach._subject_of(sent, tok.head, 0)  # « X a noué un partenariat avec Y »: the noun's verb
    return found if found is not None and found.target is not None else None


def relations(sent: attach.Sentence) -> list[Found]:
    """Every relation the parse of one sentence supports under the rules of relations.json."""
    rules = patterns.load("relations.json")
    out: list[Found] = []
    for entry, idxs in patterns.matches(rules, sent.doc):
        nodes = {node["RIGHT_ID"]: sent.doc[i] for node, i in zip(entry["patterns"][0], idxs, strict=False)}
        cue = nodes.get("verb")
        ends: dict[str, list] = {}
        reading = ""
        for side in ("subject", "object"):
            role = entry[side]
            if role == "clause-subject":
                found = _clause_subject(sent, cue)
                ends[side] = [found.target] if found else []
                reading = found.how if found is not None and found.reading else reading
            else:
                ends[side] = _names(sent, nodes[role]) if role in nodes else []
        families = entry.get("families", {})
        for s in ends["subject"]:
            for o in ends["object"]:
                if s is o or s.iri == o.iri:
                    continue
                if families.get("subject") and s.family not in families["subject"]:
                    continue
                if families.get("object") and o.family not in families["object"]:
                    continue
                out.append(Found(s, entry["predicate"], o, entry["kind"], cue, reading))
    return out
