"""Stage "attach": what a figure, a date or a funding amount is about, read from the dependency parse.

French press sentences put the thing a value is about in the subject of the verb that governs it (« Lumen a levé
12 millions d'euros »), in the noun the value's phrase complements or is apposed to (« Boréal, d'une puissance de
84 pétaflops », « Lumen, fondée en 2019 »), or in an anaphor that names it again (« L'entreprise emploie 45
salariés », « Elle compte 200 chercheurs »). From the number's token the parse is climbed to the first name or
verb; a verb's subject is resolved (a name; « qui »; a participle's noun; a conjoined verb's subject; « le budget
de X »; « dont le budget »; an anaphor of `patterns/anaphora.json` followed back to the entity it names in the same
or the previous sentence). The words met on the way are the governors that choose the measure
(`patterns/measures.json`). When no step gives an entity, nothing is attached and the caller says so in the row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.ingest.pipeline import patterns

SUBJECT_DEPS = ("nsubj", "nsubj:pass")
NAME_DEPS = ("flat:name", "appos", "flat", "nmod", "fixed")
VERBISH = ("VERB", "AUX")
# type words that say which class an anaphor means ("l'entreprise" → a company, not the lab named beside it)
ANAPHOR_CLASSES = {
    "entreprise": ("Company", "Startup", "SmallOrMediumEnterprise"),
    "société": ("Company", "Startup", "SmallOrMediumEnterprise"),
    "start": ("Startup", "Company"),
    "startup": ("Startup", "Company"),
    "pme": ("SmallOrMediumEnterprise", "Company"),
    "laboratoire": ("Laboratory", "ResearchUnit", "ResearchInstitute", "ResearchCentre", "ResearchOrganisation"),
    "labo": ("Laboratory", "ResearchUnit", "ResearchInstitute", "ResearchCentre"),
    "institut": ("ResearchInstitute", "Laboratory", "ResearchCentre", "ResearchOrganisation"),
    "université": ("HigherEducationInstitution",),
    "fondation": ("Foundation",),
    "fonds": ("Organisation", "Foundation"),
    "supercalculateur": ("Supercomputer",),
    "modèle": ("LanguageModel", "AIModel"),
}


@dataclass
class Attached:
    """Where a value goes: `target` (a Mention, or None), how it was found, the governing tokens (closest first),
    the agent of the governing verb (« par F »), and `reading` when an anaphor was followed."""

    target: Any = None
    how: str = ""
    governors: list = field(default_factory=list)
    verb: Any = None
    agent: Any = None
    reading: str = ""
    value_end: int = 0


class Sentence:
    """A parsed sentence and its mentions (objects with char offsets `start`/`end` and `family`/`cls`)."""

    def __init__(self, doc, mentions: list, previous: Sentence | None = None,
                 classes: Callable[[Any], set[str]] | None = None, we: Any = None) -> None:
        """`classes(m)`: the class local names of a mention's entity (the graph's types, or the proposed class);
        `we`: the organisation « nous » stands for, once the text has said so."""
        self.doc, self.mentions, self.previous = doc, mentions, previous
        self.classes = classes or (lambda m: {m.cls} if m.cls else set())
        self.we = we
        self.by_token: dict[int, Any] = {}
        for tok in doc:
            for m in mentions:
                if m.start <= tok.idx < m.end:
                    self.by_token[tok.i] = m
                    break
        self._anaphors: dict[int, dict] | None = None
        self._subject: Any = False

    def mention(self, tok) -> Any:
        return self.by_token.get(tok.i)

    def anaphors(self) -> dict[int, dict]:
        """token index → anaphora entry, for every token of a matched « l'entreprise », « elle »…"""
        if self._anaphors is None:
            self._anaphors = {}
            for entry, idxs in patterns.matches(patterns.load("anaphora.json"), self.doc):
                for i in idxs:
                    self._anaphors.setdefault(i, entry)
        return self._anaphors

    def subject(self) -> Any:
        """The main clause's subject, when it is a name (or resolves to one): what the next sentence continues."""
        if self._subject is False:
            heads = [t for t in self.doc if t.dep_ == "ROOT"]
            heads += [t.head for t in self.doc if t.dep_ in SUBJECT_DEPS and t.head not in heads]
            if self.doc.text[:1].isupper() and PARTICIPLE.fullmatch(self.doc[0].text if len(self.doc) else ""):
                comma = self.doc.text.find(",")
                heads = [h for h in heads if h.idx > comma] or heads
            self._subject = None
            for head in heads:  # the root's subject, else the first clause that has one (a misparsed root)
                found = _subject_of(self, head, 0)
                if found is not None and found.target is not None:
                    self._subject = found.target
                    break
            if self._subject is None:  # a verbless line: a name that opens it
                first = next((m for m in self.mentions if m.family not in ("place", "concept")), None)
                self._subject = first if first is not None and first.start <= 4 else None
        return self._subject


def attach(sent: Sentence, start: int, end: int, adverbial: bool = False) -> Attached:
    """What the value written at [start, end) of the sentence is about; failing the parse, the one entity the
    sentence names (several: nothing). `adverbial`: a date like « depuis 2023 », « en 2019 », which modifies a
    clause, not the name the parser may hang it on (« utilisée par le laboratoire Magma depuis l'an dernier »)."""
    found = _climb(sent, start, end, adverbial)
    if found.target is None and not found.how.startswith("the subject"):
        names = {m.iri: m for m in sent.mentions if m.family in ("organisation", "product", "programme", "event")
                 and not (start <= m.start < end)}
        if len(names) == 1:
            found.target = next(iter(names.values()))
            found.how = f"the only name in the sentence, « {found.target.text} » (the parse names no subject)"
    inside = [t for t in sent.doc if start <= t.idx < end and t.pos_ in ("NOUN", "PROPN")]
    found.governors = inside + [t for t in found.governors if t not in inside]
    found.value_end = end
    return found


PARTICIPLE = re.compile(r"(?:co-?)?[a-zéèêàâîôûç]+(?:é|ée|és|ées|i|ie|is|ies)", re.IGNORECASE)


def _opening_participle(sent: Sentence, start: int) -> bool:
    """ "Créé en 1998, le laboratoire …", "Fondée à Grenoble en 2018 par …, Torrentis …": the value sits in a
    participle clause that opens the sentence, before its first comma."""
    first = sent.doc[0] if len(sent.doc) else None
    comma = sent.doc.text.find(",")
    return (first is not None and first.text[:1].isupper() and PARTICIPLE.fullmatch(first.text) is not None
            and first.lower_ not in ("depuis", "après") and 0 < start < comma)


def _climb(sent: Sentence, start: int, end: int, adverbial: bool = False) -> Attached:
    if _opening_participle(sent, start):
        subject = sent.subject()
        inside = subject is not None and subject in sent.mentions and subject.start < sent.doc.text.find(",")
        if subject is not None and _usable(subject) and not inside:
            found = Attached(subject, f"the participle « {sent.doc[0].text} » opens a clause about the subject, "
                             f"« {subject.text} »")
            found.governors = [sent.doc[0]]
            found.verb = sent.doc[0]
            return found
    doc = sent.doc
    inside = [t for t in doc if start <= t.idx < end]
    if not inside:
        return Attached(how="the value is not in the parse")
    tok = next((t for t in inside if t.like_num or t.pos_ == "NUM"), inside[0])
    governors: list = []
    seen = {tok.i}
    current = tok
    while True:
        head = current.head
        if head.i in seen:  # the root
            return _finish(sent, _subject_of(sent, head, 0), governors, head)
        seen.add(head.i)
        if start <= head.idx < end:
            governors.append(head)
            current = head
            continue
        m = sent.mention(head)
        named_end = (adverbial and head.pos_ in ("NOUN", "PROPN")
                     and _dep_of_name(sent, head) in ("obl:agent", "obj", "obl:arg", "obl:mod", "obl"))
        if m is not None and m.family not in ("place", "concept") and not named_end:
            return _finish(sent, Attached(m, f"the value complements « {m.text} »"), governors, None)
        if named_end:  # « … par le laboratoire Magma depuis l'an dernier »: the date is the clause's
            current = head
            continue
        governors.append(head)
        # a clause's head: a verb, or whatever has a subject (the small model tags « investit », « vise » as
        # adjective or noun now and then, and a copula's predicate noun carries the subject)
        if head.pos_ in VERBISH or head.dep_ == "ROOT" or any(c.dep_ in SUBJECT_DEPS for c in head.children):
            return _finish(sent, _subject_of(sent, head, 0), governors, head)
        if any(c.dep_ == "nummod" for c in head.children) or head.lower_ in ("million", "millions", "milliard",
                                                                              "milliards", "euros"):
            current = head  # « 2 millions …, 1,5 million … »: a value coordinated with another one
            continue
        if _unnamed_thing(sent, head):
            return _finish(sent, Attached(how=f"the value describes « {_phrase(head)} », which names no entity"),
                           governors, None)
        anaphor = _resolve_noun(sent, head, None, 0)
        if anaphor is not None and head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _finish(sent, anaphor, governors, None)
        current = head


def _dep_of_name(sent: Sentence, tok) -> str:
    """The dependency of the phrase a name token belongs to (« le laboratoire Magma »: that of « laboratoire »)."""
    m = sent.mention(tok)
    while m is not None and tok.head.i != tok.i and sent.mention(tok.head) is m:
        tok = tok.head
    if tok.dep_ in ("flat:name", "nmod", "appos") and tok.head.i != tok.i and sent.mention(tok.head) is None:
        tok = tok.head
    return tok.dep_


def _unnamed_thing(sent: Sentence, tok) -> bool:
    """ "un plan européen de 200 milliards": the value measures a thing the text describes without naming it (an
    indefinite common noun that is no measure word), not the subject of the clause."""
    if tok.pos_ != "NOUN" or sent.mention(tok) is not None or tok.i in sent.anaphors():
        return False
    if not any(c.dep_ == "det" and c.lower_ in ("un", "une", "des") for c in tok.children):
        return False
    if tok.lemma_.lower() in FUND_NOUNS or tok.lower_ in FUND_NOUNS:
        return False
    measured = {i for entry, idxs in patterns.matches(patterns.load("measures.json"), tok.doc)
                if not entry.get("names_its_own_entity") for i in idxs}
    return tok.i not in measured


def _phrase(tok) -> str:
    words = [t for t in tok.subtree if t.i <= tok.i + 2 and t.i >= tok.i - 1 and t.dep_ != "punct"]
    return tok.doc.text[words[0].idx : words[-1].idx + len(words[-1].text)] if words else tok.text


def _finish(sent: Sentence, found: Attached | None, governors: list, verb) -> Attached:
    out = found or Attached(how="no subject in the parse")
    if found is not None and found.target is None and not found.how:
        out.how = "no subject in the parse"
    out.governors = governors
    out.verb = verb
    if verb is not None:
        agent = next((c for c in verb.children if c.dep_ == "obl:agent" or (
            c.dep_ in ("obl:mod", "obl", "obl:arg") and any(g.dep_ == "case" and g.lower_ == "par"
                                                             for g in c.children))), None)
        if agent is not None:
            out.agent = sent.mention(agent) or next(
                (sent.mention(c) for c in agent.children if c.dep_ in NAME_DEPS and sent.mention(c)), None)
    return out


def _subject_of(sent: Sentence, verb, depth: int) -> Attached | None:
    if verb is None or depth > 4:
        return None
    subj = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
    if subj is not None:
        found = _resolve_noun(sent, subj, verb, depth)
        if found is None:
            return Attached(how=f"the subject of « {verb.text} », « {subj.text} », names no entity found")
        if found.how.startswith("subject"):
            found.how = f"{found.how} of « {verb.text} »"
        return found
    if verb.dep_ in ("acl", "acl:relcl") or (verb.dep_ == "ROOT" and verb.pos_ not in VERBISH):
        # « Lumen, fondée en 2019 » / « le modèle, entraîné sur … »: the participle's noun
        return _resolve_noun(sent, verb.head, None, depth + 1) if verb.head.i != verb.i else None
    if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "parataxis") and verb.head.i != verb.i:
        return _subject_of(sent, verb.head, depth + 1)
    return None


def _name_in(sent: Sentence, tok) -> Any:
    m = sent.mention(tok)
    if m is not None:
        return m
    for c in tok.children:
        if c.dep_ in ("flat:name", "appos", "flat", "fixed") and sent.mention(c) is not None:
            return sent.mention(c)
        # « le projet Hirondelle »: the name the model hangs on its type word as a complement without « de »
        if (c.dep_ == "nmod" and c.i == tok.i + 1 and sent.mention(c) is not None
                and not any(g.dep_ == "case" for g in c.children)):
            return sent.mention(c)
    return None


def _usable(m: Any) -> bool:
    """A name a value may be about: not a concept, not a place the graph knows (a new name the recogniser called a
    place, « Sylvana, qui compte 25 salariés », is one: the caller retypes it)."""
    return m.family != "concept" and not (m.family == "place" and m.known)


def _resolve_noun(sent: Sentence, tok, verb, depth: int) -> Attached | None:
    m = _name_in(sent, tok)
    if m is not None and _usable(m):
        return Attached(m, "subject")
    if m is not None:
        return None
    low = tok.lower_
    if low in ("qui", "lequel", "laquelle"):
        # « Sylvana, qui compte 25 salariés »: the name just before the relative pronoun
        before = next((m for m in sent.mentions if 0 <= tok.idx - m.end <= 3), None)
        if before is not None and _usable(before):
            return Attached(before, f"subject (« {before.text}, qui … »)")
        if verb is not None and verb.dep_ == "acl:relcl":
            return _resolve_noun(sent, verb.head, None, depth + 1)
    if low in ("nous", "notre", "nos") and sent.we is not None:
        return Attached(sent.we, f"« {tok.text} » read as « {sent.we.text} » (the text's first person)",
                        reading=tok.text)
    entry = sent.anaphors().get(tok.i)
    if entry is not None:
        return _antecedent(sent, tok, entry)
    if tok.pos_ == "NOUN":
        for c in tok.children:  # « le budget de Nérée », « dont le budget », « son budget »
            if c.dep_ == "nmod" and _name_in(sent, c) is not None:
                named = _name_in(sent, c)
                if named.family not in ("place", "concept"):
                    return Attached(named, f"« {tok.text} » of « {named.text} »")
            if c.lower_ == "dont" and tok.head.dep_ == "acl:relcl":
                return _resolve_noun(sent, tok.head.head, None, depth + 1)
            if c.dep_ == "det" and c.lower_ in ("son", "sa", "ses", "leur", "leurs"):
                return _antecedent(sent, c, {"families": ["organisation", "product", "programme", "event"],
                                             "label": "possessive"})
    return None


def _antecedent(sent: Sentence, tok, entry: dict) -> Attached | None:
    """The entity an anaphor names: the closest fitting name before it in the sentence, else the previous
    sentence's subject if it fits, else the one fitting name of the previous sentence; none or several: None."""
    families = set(entry["families"])
    word = next((t.lower_ for t in tok.subtree if t.pos_ in ("NOUN", "PROPN") or t.lower_ == "start"), tok.lower_)
    classes = ANAPHOR_CLASSES.get(word, ())
    first = min([tok] + [c for c in tok.children if c.dep_ == "det"], key=lambda t: t.i)
    written = tok.doc.text[first.idx : tok.idx + len(tok.text)]
    if tok.i < len(tok.doc) - 2 and tok.doc[tok.i + 1].text == "-":  # « start-up »
        written = tok.doc.text[first.idx : tok.doc[tok.i + 2].idx + len(tok.doc[tok.i + 2].text)]

    def fits(m: Any, where: Sentence) -> bool:  # a type word's class must agree with what the graph says
        known = where.classes(m)
        return not classes or not known or bool(known & set(classes))

    if entry["label"] in ("pronoun", "plural pronoun") and tok.i > 0:
        # « …, elle … » inside a sentence: the closest fitting name before it in the same sentence
        before = [m for m in sent.mentions if m.end <= tok.idx and m.family in families and m.family != "person"]
        if before:
            target = before[-1]
            return Attached(target, f"« {written} » read as « {target.text} » (this sentence)", reading=written)
    back, hops = sent.previous, 0
    while back is not None and hops < 3:  # back sentence by sentence while none names a candidate
        candidates = [m for m in back.mentions if m.family in families and fits(m, back)]
        subject = back.subject()
        if subject is not None and not fits(subject, back):
            subject = None
        if subject is not None and subject.family in families:
            return Attached(subject, f"« {written} » read as « {subject.text} » (the subject of {_where(hops)})",
                            reading=written)
        if classes:
            by_class = [m for m in candidates if back.classes(m) & set(classes)]
            if len({m.iri for m in by_class}) == 1:
                target = by_class[0]
                return Attached(target, f"« {written} » read as « {target.text} » ({_where(hops)})", reading=written)
        if len({m.iri for m in candidates}) == 1:
            target = candidates[0]
            return Attached(target, f"« {written} » read as « {target.text} » ({_where(hops)})", reading=written)
        if candidates:
            return None  # several: not certain
        back, hops = back.previous, hops + 1
    return None


def _where(hops: int) -> str:
    return "the previous sentence" if hops == 0 else f"{hops + 1} sentences before"


def measure(governors: list, unit: str) -> str | None:
    """The measure label the closest governing word names, among those that may carry this unit."""
    if not governors:
        return None
    doc = governors[0].doc
    found: dict[int, str] = {}
    for entry, idxs in patterns.matches(patterns.load("measures.json"), doc):
        if unit in entry["units"]:
            for i in idxs:
                found.setdefault(i, entry["measure"])
    for tok in governors:
        if tok.i in found:
            return found[tok.i]
        if tok.pos_ in VERBISH:
            subj = next((c for c in tok.children if c.dep_ in SUBJECT_DEPS), None)
            if subj is not None and subj.i in found:  # « le budget atteint 2 millions »
                return found[subj.i]
    return None


# Funding: verbs whose subject receives the money, verbs whose subject gives it, nouns that name a funding.
RECEIVE = frozenset({"lever", "levé", "lève", "obtenir", "obtient", "recevoir", "reçoit", "reçu", "bénéficier",
                     "décrocher", "boucler", "boucle", "sécuriser"})
GIVE = frozenset({"investir", "investit", "injecter", "apporter", "accorder", "allouer", "verser", "octroyer"})
FUND_NOUNS = frozenset({"financement", "subvention", "soutien", "levée", "tour", "dotation", "aide"})
_FROM = ("auprès", "part")
_TO = re.compile(r"\s*(?:d['’]euros\s+)?(?:à|au|aux|dans|en faveur d[eu]|pour)\s+(?:l['’]|la\s+|le\s+|les\s+)?")


def funding(sent: Sentence, att: Attached) -> tuple[Any, Any, str] | None:
    """(recipient, funder, how) when the value is a funding amount whose both ends the parse names, else None:
    « P est financé à hauteur de N par F », « F finance P à hauteur de N », « L lève N auprès de F », « F investit N
    dans L », « un financement de N de F »."""
    verb = att.verb
    if verb is None:
        return None
    words = {t.lemma_.lower() for t in att.governors} | {t.lower_ for t in att.governors}
    lemma, low = verb.lemma_.lower(), verb.lower_
    passive = any(c.dep_ in ("aux:pass", "nsubj:pass") for c in verb.children)
    finance = lemma in ("financer", "subventionner", "cofinancer") or low.startswith(("financ", "subvention"))
    if (finance and passive) or lemma in RECEIVE or low in RECEIVE or (words & FUND_NOUNS and att.target):
        recipient = att.target
        funder = att.agent or _named_after(sent, verb, _FROM) or _noun_complement(sent, att.governors)
        how = "the subject receives the amount"
    elif finance or lemma in GIVE or low in GIVE:
        funder = att.target
        recipient = _named_right_after(sent, att) or _object_name(sent, verb)
        how = "the subject gives the amount"
    else:
        return None
    if recipient is None or funder is None or recipient is funder or recipient.iri == funder.iri:
        return None
    if not _usable(funder) or funder.family in ("product", "event") or not _usable(recipient):
        return None
    return recipient, funder, how


def _named_right_after(sent: Sentence, att: Attached) -> Any:
    """ "apporte 2 millions d'euros à Sylvana, 1,5 million à Kestrel": the name just after the amount."""
    if not att.value_end:
        return None
    text = sent.doc.text
    cue = _TO.match(text, att.value_end)
    if cue is None:
        return None
    return next((m for m in sent.mentions if m.start == cue.end()), None)


def _named_after(sent: Sentence, verb, cues: tuple[str, ...]) -> Any:
    """The name in the verb's phrase that follows « auprès de » / « de la part de »."""
    for tok in verb.subtree:
        if tok.lower_ in cues:
            for later in tok.doc[tok.i + 1 : min(len(tok.doc), tok.i + 6)]:
                m = sent.mention(later)
                if m is not None:
                    return m
    return None


def _noun_complement(sent: Sentence, governors: list) -> Any:
    """« un financement de 2 millions d'euros de la Région »: the name complementing the funding noun."""
    for tok in governors:
        if tok.lemma_.lower() in FUND_NOUNS or tok.lower_ in FUND_NOUNS:
            for c in tok.children:
                m = _name_in(sent, c) if c.dep_ in ("nmod", "obl:arg") else None
                if m is not None:
                    return m
    return None


def _object_name(sent: Sentence, verb) -> Any:
    """The recipient of a giving verb: its direct object, or « dans / à / en faveur de » a name."""
    for c in verb.children:
        if c.dep_ in ("obj", "obl:arg", "obl:mod", "iobj", "obl"):
            m = _name_in(sent, c)
            if m is None:
                continue
            cases = {g.lower_ for g in c.children if g.dep_ == "case"}
            if c.dep_ == "obj" or cases & {"dans", "à", "au", "aux", "faveur"}:
                return m
    return None


# What a date is the date of, from the words that govern it (the fixtures' `what`, the review row's `type`).
DATE_KINDS = (
    ("founding", ("fonder", "cofonder", "créer", "cocréer", "naître", "fondation", "création"),
     ("fond", "cofond", "co-fond", "créé", "crée", "création", "fondation", "né", "née")),
    ("start", ("rejoindre", "adhérer", "intégrer", "lancer", "démarrer", "débuter", "commencer", "diriger",
               "piloter", "nommer", "utiliser", "entrer"),
     ("rejoint", "adhér", "intégr", "lancé", "démarr", "début", "commenc", "dirig", "pilot", "nommé", "utilis")),
    ("release", ("publier", "sortir", "dévoiler", "inaugurer", "présenter", "livrer", "mettre", "ouvrir"),
     ("publié", "sorti", "dévoilé", "inauguré", "présenté", "livré", "mis en service", "ouvert", "mise en service")),
)


def date_kind(att: Attached, family: str) -> str:
    """founding, start, release, event or "" for a date, from its two closest governors and what it is about."""
    for tok in att.governors[:2]:
        lemma, low = tok.lemma_.lower(), tok.lower_
        for kind, lemmas, prefixes in DATE_KINDS:
            if lemma in lemmas or low.startswith(prefixes):
                if kind == "founding" and family not in ("organisation", ""):
                    return "release" if family == "product" else "start"
                if kind == "release" and family not in ("product", ""):
                    return "event" if family == "event" else "start" if family == "programme" else ""
                if kind == "start" and family == "product" and lemma in ("lancer",):
                    return "release"
                return kind
    return "event" if family == "event" else ""


def role_holder(sent: Sentence, att: Attached) -> Any:
    """The person a start date is about when its clause says who directs or presides (« Il est dirigé depuis
    septembre 2024 par Victor Delmas »): a role's start is its holder's."""
    verb = att.verb
    if verb is None or not (verb.lemma_.lower() in ("diriger", "présider") or verb.lower_.startswith(("dirig",
                                                                                                     "présid"))):
        return None
    return att.agent if att.agent is not None and att.agent.family == "person" else None
