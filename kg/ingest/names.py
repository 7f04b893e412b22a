"""Where new names are and what kind of thing they name, from French phrasing around them.

The recogniser (kg.ingest.ner) finds many names but types few of them well: it only knows persons, places,
organisations and 'misc', and it misses names without a type word. These rules read the words around a name:
an apposition ("X, un modèle de langage"), a copula ("X est un projet"), an example after a plural type word
("des modèles comme X", "des institutions telles qu'X"), a type word a few adjectives before ("la suite bureautique
X"), a naming participle ("le programme …, baptisé X"), a role title before an organisation ("vice-président de X"),
a copyright line ("© X"), an English head word at the end ("… Summit"). And a few name shapes the recogniser misses:
a quoted name after its type word ("l'appel à projets « X »"), an initial and a surname ("J. DUPONT"), the bodies
of a research unit's supervision list ("(ACR, T1/T2)"), "ACR Name" after an acronym's expansion
("Programme … (ACR) Name"), a headquarters ("au siège du X").

General French and the ontology's vocabulary (kg.ingest.french): no rule names a particular person, organisation
or number.
"""

from __future__ import annotations

import re
import unicodedata

from kg.ingest import french as fr


def trie_pattern(words) -> str:
    """A regular expression matching any of `words`, longest first, written as a trie: Python's re tries the
    branches of a flat alternation one by one at every position, a trie reads each character once."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [re.escape(c) + walk(sub) for c, sub in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + walk(trie) + ")"


_KW = trie_pattern(fr.TYPE_KEYWORDS)
_KW_PLURAL = rf"{_KW}(?:s|x)?"
_ROLE = trie_pattern(fr.ROLE_TITLES)
_FUNCTION = frozenset(
    """le la les l un une des de du d au aux à en et ou pour par sur avec dans qui que qu est sont a ont ce cette
ces son sa ses leur leurs notre nos votre vos il elle ils elles on nous vous se s n ne pas plus comme tel telle
tels telles été être avoir où dont mais donc""".split()
)
_NAME_TOKEN = r"[A-ZÉÈÀÂÎÔ][\w&’'.-]*"

_APPOSITION = re.compile(
    rf"^\s*,\s*(?:un|une|le|la|l['’]|notre|son|sa)\s*(?:[\w-]+\s+){{0,2}}?({_KW_PLURAL})\b", re.IGNORECASE
)
_COPULA = re.compile(
    rf"^\s+(?:est|était|sera|reste|demeure)\s+(?:(?:avant tout|aussi|désormais|d['’]abord)\s+)?"
    rf"(?:un|une|le|la|l['’])\s*(?:[\w-]+\s+)?({_KW_PLURAL})\b",
    re.IGNORECASE,
)
# a determiner that opens a noun phrase, not after a preposition ("le programme", not "de l'institut")
_HEAD_DETERMINER = re.compile(
    r"(?i)(?:^|(?<!\bde)(?<!\bdu)(?<!\bdes)(?<!\bpour)(?<!\bpar)(?<!\bà)(?<!\bau)(?<!\baux)(?<!\bsur)(?<!\bavec)"
    r"(?<!\bdans)(?<!\ben)\s)(?:le|la|l['’]|un|une|ce|cet|cette|notre|son|sa|leur|les|ces|nos|ses|leurs)\s*"
    r"(?:(?:nouveau|nouvel|nouvelle|nouveaux|nouvelles|grand|grande|premier|première|petit|petite|seul|seule)\s+)?$"
)
_EXAMPLE_NAME = re.compile(
    rf"\b(?i:{_KW_PLURAL})\s+(?:[\w-]+\s+){{0,3}}?(?:comme|tel(?:le)?s?\s+qu(?:e\s+|['’]))\s*"
    rf"({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}})"
)
_EXAMPLE = re.compile(
    rf"\b({_KW_PLURAL})\s+(?:[\w-]+\s+){{0,3}}?(?:comme|tel(?:le)?s?\s+qu(?:e\s+|['’]))\s*$", re.IGNORECASE
)
_NAMING = re.compile(r"\b(?:baptisé|nommé|dénommé|appelé|intitulé)e?(s?)\s+$", re.IGNORECASE)
_ROLE_BEFORE = re.compile(
    rf"(?i:\b(?:{_ROLE}))\b(?:[\s-][\w-]+){{0,2}}?\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])\s*$"
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|copyright)\s*$", re.IGNORECASE)
_GAP = re.compile(rf"\b((?i:{_KW_PLURAL}))((?:\s+[a-zà-ÿ][\w-]*){{1,4}})\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}})")
_QUOTED = re.compile(rf"\b({_KW_PLURAL})\s+(?:de\s+|d['’])?«\s*([^«»]{{2,80}}?)\s*»", re.IGNORECASE)
_SURNAME = r"[A-ZÉ][a-zA-ZÉéèëï’'-]{2,}"
_INITIALS = re.compile(rf"(?<![\w.])((?:[A-ZÉ]\.\s?-?){{1,2}}\s?{_SURNAME}(?:\s+{_SURNAME})?)")
_SUPERVISION = re.compile(r"\(\s*[A-Z][\w-]+\s*,\s*([^()]{3,160})\)")
_STATED = re.compile(
    rf"(?<![\w’'])({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,2}})(?:,\s+(?:un|une|le|la|l['’])|\s+(?:est|était)\s+(?:un|une))"
    rf"\s*(?:[a-zà-ÿ-]+\s+)?(?i:{_KW_PLURAL})\b"
)
_SEAT = re.compile(
    rf"\bau\s+(siège(?:\s+social)?\s+(?:de\s+la\s+|de\s+l['’]|du\s+|de\s+|d['’])\s*{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}})"
)
_ACRONYM_NAME = re.compile(r"\)\s+((?:[A-Za-zÉ][\w-]*))")
_DOMAIN = re.compile(r"[A-Za-z][\w-]*\.(?:org|com|fr|eu|io|ai|chat|net|app|dev)")
_LOWER_DOMAIN = re.compile(r"(?<![\w/@.-])([a-z][\w-]*\.(?:org|com|fr|eu|io|ai|chat|net|app|dev))(?![\w/.-]|\.\w)")
_ADJECTIVE = (r"[a-zéèêàâîôûç-]+(?:ais|aise|aises|ique|iques|el|elle|elles|els|al|ale|ales|aux|ien|ienne|iennes|iens"
              r"|aire|aires|if|ive|ives|ieur|ieure|ieurs|ieures|ois|oise|oises|able|ables|ible|ibles)(?![\w-])")
_ROLE_ORG = re.compile(
    rf"(?i:\b(?:{_ROLE}))\b(?:[\s-][\w-]+){{0,2}}?\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])\s*"
    rf"((?:{_NAME_TOKEN})(?:\s+{_NAME_TOKEN}){{1,4}}(?:\s+{_ADJECTIVE}){{0,2}})"
)
_OFFICES = "(?:" + "|".join(w.capitalize() for w in fr.NAME_HEAD_TYPES) + ")"
_TITLE_MORE = re.compile(
    rf"(?:\s+{_ADJECTIVE}(?:\s+et\s+{_ADJECTIVE})?)?"
    rf"(?:(?:\s*,\s*|\s+et\s+)(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+)(?!{_OFFICES}\b)[A-ZÉ][\w-]*"
    rf"(?:\s+{_ADJECTIVE}(?:\s+et\s+{_ADJECTIVE})?)?)*"
)
_NAMED = re.compile(rf"\b(?:baptisé|nommé|dénommé|appelé|intitulé)e?s?\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,3}})")
# cheap tests that let most sentences skip the rules above
_ROLE_ORG_HINT = re.compile(r"(?:\bd[eu]s?\s+|\bd['’])(?:la\s+|l['’])?[A-ZÉ][\w&’'.-]*\s+[A-ZÉ]")
_STATED_HINT = re.compile(r",\s+(?:un|une|le|la|l['’]|notre|son|sa)\b|\s(?:est|était)\s+une?\s")
_VERB_SHAPE = re.compile(r"(?:(?<!m)ent|ait|aient|ons|ez|é|ée|és|ées)$")
_DEMONYM = re.compile(r"(?:iens|iennes|ains|aines|ais|aises|ois|oises)$")


def keyword_type(word: str) -> tuple[str, str]:
    """The (family, class) of a type word, singular or plural ("modèles", "institutions")."""
    word = word.lower()
    for form in (word, word[:-1] if word[-1:] in "sx" else word):
        if form in fr.TYPE_KEYWORDS:
            return fr.TYPE_KEYWORDS[form]
    return "", ""


def context_type(sent: str, start: int, end: int) -> tuple[str, str]:
    """(family, class) the words around sent[start:end] give it, or ("", "")."""
    before, after = sent[max(0, start - 80) : start], sent[end : end + 80]
    text = sent[start:end]
    last = text.split()[-1] if text.split() else ""
    if last in fr.ENGLISH_HEADS and " " in text:
        return fr.ENGLISH_HEADS[last]
    if _COPYRIGHT.search(before):
        return "organisation", "Organisation"
    for pattern, where in ((_APPOSITION, after), (_COPULA, after), (_EXAMPLE, before)):
        m = pattern.search(where)
        if m:
            found = keyword_type(m.group(1))
            if found[0]:
                return found
    naming = _NAMING.search(before)
    if naming:
        # the participle qualifies the last noun phrase of the same number before its comma, not a complement:
        # "la suite X et un programme de l'institut pour les logiciels, baptisé Y": the programme
        plural = bool(naming.group(1))
        phrase = sent[: start - len(naming.group(0))].rstrip(" ,")
        phrase = phrase[max(phrase.rfind(","), phrase.rfind(";"), phrase.rfind(":")) + 1 :]
        kws = [k for k in re.finditer(rf"\b({_KW_PLURAL})\b", phrase, re.IGNORECASE)
               if (k.group(1).lower() not in fr.TYPE_KEYWORDS) == plural]
        heads = [k for k in kws if _HEAD_DETERMINER.search(phrase[: k.start()])]
        if heads or kws:
            return keyword_type((heads or kws)[-1].group(1))
    if _DOMAIN.fullmatch(text) and text[0].isupper():
        return "organisation", "Organisation"  # "Google.org": a body written as its address
    if _ROLE_BEFORE.search(before):
        return "organisation", "Organisation"
    return "", ""


def gap_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A capitalised name a few adjectives after its type word: "la suite bureautique X", "le modèle ouvert X"."""
    out = []
    for m in _GAP.finditer(sent):
        gap = m.group(2).split()
        if any(w.lower() in _FUNCTION or _VERB_SHAPE.search(w) for w in gap):
            continue  # the words between are adjectives or adverbs, not a verb ("le projet utilisent …")
        family, cls = keyword_type(m.group(1))
        if family:
            out.append((m.start(3), m.end(3), f"{family}:{cls}", ""))
    return out


def quoted_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A name in « » right after its type word: "l'appel à manifestation d'intérêt « X »"."""
    out = []
    for m in _QUOTED.finditer(sent):
        family, cls = keyword_type(m.group(1))
        if family and m.group(2)[:1].isupper():
            out.append((m.start(2), m.end(2), f"{family}:{cls}", ""))
    return out


def initial_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A person written with an initial: "J. DUPONT", "J.-P. Martin"."""
    if ". " not in sent and ".-" not in sent:
        return []
    return [(m.start(1), m.end(1), "person:Person", "") for m in _INITIALS.finditer(sent)]


def supervision_names(sent: str) -> list[tuple[int, int, str, str]]:
    """The bodies after a research unit's acronym: "(ACR, Body/Other body/Univ. Town)"."""
    out = []
    for m in _SUPERVISION.finditer(sent):
        if "/" not in m.group(1):
            continue
        offset = m.start(1)
        for part in re.finditer(r"[^/]+", m.group(1)):
            text = part.group().strip()
            if len(text) < 2 or not text[0].isupper():
                continue
            start = offset + part.start() + part.group().index(text)
            out.append((start, start + len(text), "organisation:Organisation", ""))
    return out


def seat_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A headquarters named by its organisation: "au siège du X" is a place."""
    return [(m.start(1), m.end(1), "place:Venue", "") for m in _SEAT.finditer(sent)]


def acronym_suffix(sent: str, acronym_end: int) -> tuple[int, str] | None:
    """ "Long name (ACR) Name": the end of Name and the label "ACR Name" when a name follows the parenthesis."""
    m = _ACRONYM_NAME.match(sent, acronym_end)
    if not m:
        return None
    word = m.group(1)
    if not any(c.isupper() for c in word) or word.lower() in _FUNCTION:
        return None
    return m.end(1), word


def expands(long_name: str, acronym: str) -> bool:
    """Whether a long name can be the expansion of an acronym: both start with the same letter."""
    first = _fold(long_name[:1])
    return bool(first) and first == _fold(acronym[:1])


def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in bare if not unicodedata.combining(c))


def noise(sent: str, start: int, end: int) -> bool:
    """A recogniser span that names no new entity: a title in apposition to a person ("X, Président de Y"), a piece
    of a title ("secrétaire d'État"), a plural demonym ("nos Parisiens"), a lone word making the whole line (a
    button, a heading)."""
    text = sent[start:end]
    before = sent[max(0, start - 40) : start]
    first = text.split()[0].lower() if text.split() else ""
    if first in fr.NAME_HEAD_TYPES and re.search(r",\s*$", before):
        return True
    words = before.lower().split()
    for n in (1, 2):
        if len(words) >= n:
            title = " ".join(words[-n:]) + ("" if before.endswith(("’", "'")) else " ") + text.lower()
            if title.replace("'", "’") in fr.ROLE_TITLES or title.replace("’", "'") in fr.ROLE_TITLES:
                return True
    if " " not in text and _DEMONYM.search(text) and re.search(r"\b(?:nos|des|les|aux|ces|vos)\s+$", before.lower()):
        return True
    return " " not in text and sent.strip(" .!?") == text


_TLD_HINT = re.compile(r"\.(?:org|com|fr|eu|io|ai|chat|net|app|dev)\b")


def domain_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A service written as its address in running text ("nous avons lancé exemple.chat"), not a link."""
    if not _TLD_HINT.search(sent) or "http" in sent or "www." in sent:
        return []
    return [(m.start(1), m.end(1), "product:Software", "") for m in _LOWER_DOMAIN.finditer(sent)]


def role_org_names(sent: str) -> list[tuple[int, int, str, str]]:
    """The body after a role title: "vice-présidente de Grand Ensemble Urbain", "directeur de Institut Sciences
    humaines" (several capitalised words, then at most two adjectives)."""
    if not _ROLE_ORG_HINT.search(sent):
        return []
    return [(m.start(1), m.end(1), "organisation:Organisation", "") for m in _ROLE_ORG.finditer(sent)]


def title_end(sent: str, end: int) -> int:
    """Where an office or body named by its portfolio ends: "Président de la République française", "Ministre de
    l'Économie, des Finances et de la Souveraineté industrielle et numérique"."""
    m = _TITLE_MORE.match(sent, end)
    return m.end() if m else end


def named_names(sent: str) -> list[tuple[int, int, str, str]]:
    """The name after a naming participle: "le programme …, baptisé X" (typed by context_type)."""
    return [(m.start(1), m.end(1), "", "") for m in _NAMED.finditer(sent)]


def stated_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A name followed by what it is: "X, un modèle de langage", "X est un projet" (typed by context_type)."""
    if not _STATED_HINT.search(sent):
        return []
    out = []
    for m in _STATED.finditer(sent):
        name = m.group(1)
        if m.start(1) == 0 and " " not in name and sent[m.end(1) :].startswith(",") and not (
                name.isupper() or any(c.isupper() for c in name[1:])):
            continue  # "Demain, la plateforme …": a sentence's first word before a comma is mostly an adverb
        out.append((m.start(1), m.end(1), "", ""))
    return out


def example_names(sent: str) -> list[tuple[int, int, str, str]]:
    """A name given as an example of a type word: "des modèles comme X", "des institutions telles qu'X"."""
    if "comme" not in sent and "tel" not in sent:
        return []
    return [(m.start(1), m.end(1), "", "") for m in _EXAMPLE_NAME.finditer(sent)]
