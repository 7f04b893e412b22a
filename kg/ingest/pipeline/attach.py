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
    "laboratoire": ("Laboratory", "ResearchUnit"),
    "labo": ("Laboratory", "ResearchUnit"),
    "institut": ("ResearchInstitute",),
    "université": ("HigherEducationInstitution",),
    "fondation": ("Foundation",),
    "fonds": ("InvestmentFund", "Fund"),
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
            root = next((t for t in self.doc if t.dep_ == "ROOT" and t.pos_ in VERBISH), None)
            found = _subject_of(self, root, 0) if root is not None else None
            self._subject = found.target if found else None
            if self._subject is None:  # a verbless line or a misparse: the first name at the start of the sentence
                first = next((m for m in self.mentions if m.family not in ("place", "concept")), None)
                self._subject = first if first is not None and first.start < 40 else None
        return self._subject


def attach(sent: Sentence, start: int, end: int) -> Attached:
    """What the value written at [start, end) of the sentence is about; failing the parse, the one entity the
    sentence names (several: nothing)."""
    found = _climb(sent, start, end)
    if found.target is None and not found.how.startswith("the subject"):
        names = {m.iri: m for m in sent.mentions if m.family in ("organisation", "product", "programme", "event")
                 and not (start <= m.start < end)}
        if len(names) == 1:
            found.target = next(iter(names.values()))
            found.how = f"the only name in the sentence, « {found.target.text} » (the parse names no subject)"
    inside = [t for t in sent.doc if start <= t.idx < end and t.pos_ in ("NOUN", "PROPN")]
    found.governors = inside + [t for t in found.governors if t not in inside]
    return found


def _climb(sent: Sentence, start: int, end: int) -> Attached:
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
        if m is not None and m.family not in ("place", "concept"):
            return _finish(sent, Attached(m, f"the value complements « {m.text} »"), governors, None)
        governors.append(head)
        # a clause's head: a verb, or whatever has a subject (the small model tags « investit », « vise » as
        # adjective or noun now and then, and a copula's predicate noun carries the subject)
        if head.pos_ in VERBISH or head.dep_ == "ROOT" or any(c.dep_ in SUBJECT_DEPS for c in head.children):
            return _finish(sent, _subject_of(sent, head, 0), governors, head)
        if _unnamed_thing(sent, head):
            return _finish(sent, Attached(how=f"the value describes « {_phrase(head)} », which names no entity"),
                           governors, None)
        anaphor = _resolve_noun(sent, head, None, 0)
        if anaphor is not None and head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _finish(sent, anaphor, governors, None)
        current = head


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
        agent = next((c for c in verb.children if c.dep_ == "obl:agent"), None)
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


def _resolve_noun(sent: Sentence, tok, verb, depth: int) -> Attached | None:
    m = _name_in(sent, tok)
    if m is not None and m.family not in ("place", "concept"):
        return Attached(m, "subject")
    if m is not None:
        return None
    low = tok.lower_
    if low in ("qui", "lequel", "laquelle") and verb is not None and verb.dep_ == "acl:relcl":
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
    span = list(tok.subtree) if tok.pos_ == "NOUN" else [tok]
    written = tok.doc.text[span[0].idx : span[-1].idx + len(span[-1].text)]
    before = [m for m in sent.mentions if m.end <= tok.idx and m.family in families]
    if entry["label"] == "pronoun" and tok.i == 0:
        before = []  # « Elle emploie … » opens the sentence: it continues the previous one
    fitting = [m for m in before if not classes or sent.classes(m) & set(classes)] or before
    if fitting:
        target = fitting[-1]
        return Attached(target, f"« {written} » read as « {target.text} » (this sentence)", reading=written)
    prev = sent.previous
    if prev is None:
        return None
    subject = prev.subject()
    candidates = [m for m in prev.mentions if m.family in families]
    if classes:
        by_class = [m for m in candidates if prev.classes(m) & set(classes)]
        if len({m.iri for m in by_class}) == 1:
            target = by_class[0]
            return Attached(target, f"« {written} » read as « {target.text} » (previous sentence)", reading=written)
    if subject is not None and subject.family in families and (not classes or not prev.classes(subject)
                                                                or prev.classes(subject) & set(classes)):
        return Attached(subject, f"« {written} » read as « {subject.text} » (subject of the previous sentence)",
                        reading=written)
    if len({m.iri for m in candidates}) == 1:
        target = candidates[0]
        return Attached(target, f"« {written} » read as « {target.text} » (previous sentence)", reading=written)
    if tok.lower_ in ("ce", "cet", "cette") or any(c.lower_ in ("ce", "cet", "cette") for c in tok.children):
        # « ce programme »: the one entity of that family the last three sentences name
        back = prev.previous
        for _ in range(2):  # sentence by sentence: its subject if it fits, else its one fitting name
            if back is None:
                break
            fits = [m for m in back.mentions if m.family in families and m.family != "person"]
            subject = back.subject()
            if subject is not None and subject in fits:
                fits = [subject]
            if len({m.iri for m in fits}) == 1:
                target = fits[0]
                return Attached(target, f"« {written} » read as « {target.text} » (named just before)",
                                reading=written)
            if fits:
                break
            back = back.previous
    return None


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
        recipient = _object_name(sent, verb)
        how = "the subject gives the amount"
    else:
        return None
    if recipient is None or funder is None or recipient is funder or recipient.iri == funder.iri:
        return None
    if funder.family not in ("organisation", "person", "programme") or recipient.family in ("place", "concept"):
        return None
    return recipient, funder, how


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
