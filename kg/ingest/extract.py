"""Candidate facts from a French text: entity mentions (linked or new), figures, dates, relations, quotations.

Rules over the numbered sentences, with the graph's labels for linking and an optional named-entity recogniser
(kg.ingest.ner) for names the graph does not know. Every candidate carries its sentence number and a quote
copied from the sentence. Relations are read from a *masked* sentence where every mention is replaced by a
numbered placeholder, so a rule reads "⟦1⟧, piloté par ⟦2⟧" whatever the names are.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from decimal import Decimal

from kg.ingest import french as fr
from kg.ingest import names
from kg.ingest import relations as rel
from kg.ingest.known import Known, label_key
from kg.ingest.pipeline import attach, relate
from kg.ingest.pipeline import parse as parse_stage
from kg.ingest.pipeline.dateline import find_dateline
from kg.ingest.relations import ROLE_WORDS, list_ids
from kg.ingest.review import Candidate
from kg.ingest.sentences import sentences
from kg.query.search import normalise
from kg.shared.namespaces import EKD, EKG

VERSION = "kg-ingest-rules/2"
NAME_STOP = (
    "s['’]\\w+|a|ont|est|sont|se|sera|qui|que|le|la|les|l|à|au|aux|en|pour|avec|par|sur|dans|lors|"
    "depuis|et\\s+(?:le|la|les|l|un|une)|a\\w+é|\\d+"
)
MAX_LABEL_WORDS = 10
APOS = "['’]"
_WORD = re.compile(r"[\w][\w&-]*|#\w+", re.UNICODE)  # "l'IA" is two words: l, IA

NerFunction = Callable[[list[str]], list[list[tuple[int, int, str]]]]


def slug(text: str) -> str:
    """The project's IRI rule: lower-case ASCII words joined by hyphens."""
    bare = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in bare if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")
    return "-".join(re.findall(r"[a-z0-9]+", bare)) or "entity"


_PARTICIPLE = re.compile(r"(?:Co-?)?[A-ZÉ][a-zéèêàâîôûç]+(?:é|ée|és|ées)")
_INTRODUCES = re.compile(r"(?:\s+(?:de|d['’]|du|des)\s*[a-zéèêàâîôûç][\w-]*)?(?:\s+[a-zéèêàâîôûç][\w-]*)?\s+")
_SYMMETRIC = ("collaboratesWith",)
_OFFICE_OF = re.compile(rf"(?i:{ROLE_WORDS})\s+(?:de la|de l['’]|du|de|d['’])\s*(?P<org>\S.*)")


def curie(iri: str) -> str:
    for prefix, ns in (("ekd", EKD), ("ekg", EKG), ("xsd", "http://www.w3.org/2001/XMLSchema#")):
        if iri.startswith(ns):
            return prefix + ":" + iri[len(ns) :]
    return iri


class Mention:
    """A name in a sentence: offsets in the sentence, the entity (known IRI or proposed one)."""

    __slots__ = ("cls", "end", "family", "iri", "known", "sentence", "start", "text")

    def __init__(
        self, sentence: int, start: int, end: int, text: str, iri: str, known: bool, family: str, cls: str
    ) -> None:
        self.sentence, self.start, self.end, self.text = sentence, start, end, text
        self.iri, self.known, self.family, self.cls = iri, known, family, cls


class Reading(Mention):
    """A word standing for an entity named elsewhere ("Il", "l'accord", "nous", "Ensemble, ils"): a placeholder
    for the relation rules; every relation read through one is marked as a reading in its row's note."""

    __slots__ = ("members", "ref", "why")

    def __init__(
        self, sentence: int, start: int, end: int, text: str, ref: Mention, why: str, members: list[Mention] | None
    ) -> None:
        super().__init__(sentence, start, end, text, ref.iri, ref.known, ref.family, ref.cls)
        self.ref, self.why, self.members = ref, why, members


class Extractor:
    """One document's extraction; `run()` returns the candidates in reading order."""

    def __init__(
        self,
        text: str,
        known: Known,
        doc_iri: str,
        ner: NerFunction | None = None,
        progress: Callable[[int, int], None] | None = None,
        parse: Callable[[list[str]], list] | None = None,
    ) -> None:
        self.known, self.doc, self.ner, self.progress = known, doc_iri, ner, progress
        self.parse = parse  # kg.ingest.pipeline.parse.parse: names and the dependency parse, one model run
        self.parsed = None  # the current sentence for kg.ingest.pipeline.attach (None without a parse)
        self.sents = sentences(text)
        # words the document writes in lower case: a lone capitalised one of them is a common noun, not a name
        self.lower_words = {normalise(w) for w in set(re.findall(r"(?<![\w’'-])[a-zà-ÿ][\w-]*", text))}
        self.candidates: list[Candidate] = []
        self.new_entities: dict[str, Candidate] = {}  # normalised label → entity candidate
        self.typed_by_word: set[str] = set()  # new entities whose family a type word gave (not the recogniser)
        self.new_iris: set[str] = set()
        self.proposed_keys: set[tuple] = set()
        self.counter = 0
        self.previous: Mention | None = None
        self.figure_rows: dict[int, list[tuple[int, Candidate]]] = {}
        self.local: dict[str, tuple[str, str, str]] = {}  # normalised name → (iri, family, class) of new entities
        # first normalised word of a label → the label lengths (in words) starting with it, longest first
        self.label_lengths = _lengths(known.by_label)
        for key, n in _lengths(known.by_key).items():
            self.label_lengths[key] = max(n, self.label_lengths.get(key, 0))
        for key, n in _lengths(known.variant_keys).items():  # + 2: the articles a key leaves out ("et le Y")
            self.label_lengths[key] = min(MAX_LABEL_WORDS, max(n + 2, self.label_lengths.get(key, 0)))
        if "ia" in self.label_lengths:  # "intelligence artificielle …" is one word longer than "IA …"
            self.label_lengths["intelligence"] = max(self.label_lengths.get("intelligence", 0),
                                                     min(MAX_LABEL_WORDS, self.label_lengths["ia"] + 1))
        self.local_lengths: dict[str, int] = {}
        self.context = rel.Context()  # what later sentences refer back to (kg.ingest.relations)

    # -- helpers ------------------------------------------------------------------------------------
    def add(self, key: tuple, **fields: str) -> Candidate | None:
        if key in self.proposed_keys:
            return None
        self.proposed_keys.add(key)
        self.counter += 1
        cand = Candidate(id=f"c{self.counter:04d}", **fields)
        self.candidates.append(cand)
        return cand

    def new_iri(self, label: str) -> str:
        base = EKD + slug(label)
        iri, n = base, 2
        while iri in self.known.iris or iri in self.new_iris:
            iri, n = f"{base}-{n}", n + 1
        self.new_iris.add(iri)
        return iri

    # -- mentions -----------------------------------------------------------------------------------
    def known_mentions(self, number: int, sent: str) -> list[Mention]:
        words = list(_WORD.finditer(sent))
        norms = [_norm_word(w.group()) for w in words]
        found: list[Mention] = []
        i = 0
        while i < len(words):
            hit = None
            first = norms[i].split(" ", 1)[0]
            span = max(self.label_lengths.get(first, 0), self.label_lengths.get(label_key(first), 0))
            for j in range(min(len(words), i + span), i, -1):
                key = " ".join(n for n in norms[i:j] if n)
                iris = self.known.by_label.get(key) or self.known.by_key.get(label_key(key))
                if iris:
                    text = sent[words[i].start() : words[j - 1].end()]
                    if self._linkable(text, iris, sent[: words[i].start()]):
                        hit = (j, text, sorted(iris), None)
                        break
            if hit:
                j, text, iris, _ = hit
                iri = iris[0]
                found.append(
                    Mention(
                        number,
                        words[i].start(),
                        words[j - 1].end(),
                        text,
                        iri,
                        True,
                        self.known.family(iri) or "concept",
                        "",
                    )
                )
                i = j
            else:
                i += 1
        return found

    def _linkable(self, text: str, iris: list[str], before: str = "") -> bool:
        """A one-word lower-case label ("accord", "alliance") names a thing only in its own document, unless it
        is a theme's ("datasets"); a lower-case phrase after a degree word ("le plus grand modèle de …") is an
        adjective and its noun, not the term."""
        if len(text.split()) == 1 and text.islower() and not (
                all(self.known.family(i) == "concept" for i in iris) and _DETERMINER_BEFORE.search(before)):
            return False  # a theme's one word links where it is a noun, after its article ("aux datasets")
        if text.islower() and re.search(r"\b(?:plus|moins|très|trop|aussi|si)\s+$", before):
            return False
        if text.islower() and any(self.known.family(i) not in (None, "concept") for i in iris):
            return False  # "journée de lancement": a common phrase names a theme, never a particular thing
        if normalise(text) in fr.STOPWORDS:
            return False
        return True

    def new_mentions(
        self, number: int, sent: str, taken: list[Mention], ner_spans: list[tuple[int, int, str]]
    ) -> list[Mention]:
        # start, end, family ("" = from the type word, "named", a recogniser family, or "family:Class" when the
        # rule that found the name also typed it), label when the name is not written as one run of text
        spans: list[tuple[int, int, str, str]] = []
        # "Long name (ACR, T1/T2)" and "Long name (ACR)": a named unit with its acronym.
        for m in _ACRONYM.finditer(sent) if "(" in sent else ():
            start = m.start(1)
            head = m.group(1)
            # the long name starts at its head noun (Laboratoire, Institut…) when there is one
            hm = re.search(
                r"\b(Laboratoire|Institut|Centre|Université|Agence|École|Fondation|Conseil|Programme|"
                r"Groupe|Grand|Réseau|Société|Association|Direction|Observatoire)\b",
                head,
            )
            if hm:
                start = m.start(1) + hm.start()
            if not names.expands(sent[start : m.end(1)], m.group(2)):
                continue  # "IA générative et grands modèles de langage (LLM)": a term, not the acronym's expansion
            suffix = names.acronym_suffix(sent, m.end(2))
            if suffix:  # "Programme … (ACR) Name": the entity is "ACR Name", of the long name's type
                family, cls = names.keyword_type(sent[start : m.end(1)].split(" ", 1)[0])
                spans.append((start, suffix[0], f"{family}:{cls}" if family else "named", f"{m.group(2)} {suffix[1]}"))
                continue
            spans.append((start, m.end(1), "named", ""))
            spans.append((m.start(2), m.end(2), "named", ""))
        if "(" in sent:
            spans += names.supervision_names(sent)
        # names already proposed earlier in the document
        if self.local:
            words = list(_WORD.finditer(sent))
            norms = [_norm_word(w.group()) for w in words]
            for i in range(len(words)):
                span = self.local_lengths.get(norms[i].split(" ", 1)[0], 0)
                for j in range(min(len(words), i + span), i, -1):
                    if " ".join(n for n in norms[i:j] if n) in self.local and words[i].group()[0].isupper():
                        spans.append((words[i].start(), words[j - 1].end(), "named", ""))
                        break
        for start, end in _capitalised_keyword_names(sent):
            head = sent[start:end].split(" ", 1)[0].lower()
            if head in fr.NAME_HEAD_TYPES or head.startswith("ministère"):
                end = names.title_end(sent, end)
            spans.append((start, end, "named", ""))
        spans += names.role_org_names(sent)
        spans += names.domain_names(sent)
        spans += names.named_names(sent)
        spans += names.stated_names(sent)
        spans += names.example_names(sent)
        blocked: set[tuple[int, int]] = set()  # spans a rule split in two
        if "«" in sent:
            spans += names.quoted_names(sent)
        spans += names.gap_names(sent)
        spans += names.initial_names(sent)
        if "siège" in sent:
            spans += names.seat_names(sent)
        # "keyword Name": la société Orbivox, le projet Voxa, l'assistant vocal Parlio
        for m in _KEYWORD_NAME.finditer(sent):
            name = m.group(1).rstrip(".")
            while name.split() and name.split()[-1] in ("et", "de", "du", "des"):
                name = name.rsplit(" ", 1)[0]
            first, _, rest = name.partition(" ")
            if rest and first.isupper() and 2 <= len(first) <= 6 and re.fullmatch(r"[A-Z0-9&-]+", rest.split()[0]) \
                    and any(c.isdigit() for c in rest.split()[0]):
                # "le projet ANR X4Y": the acronym of a body, then the project's own code name
                spans.append((m.start(1), m.start(1) + len(first), "organisation:Organisation", ""))
                blocked.add((m.start(1), m.start(1) + len(name)))
                spans.append((m.start(1) + len(first) + 1, m.start(1) + len(name), "", ""))
                continue
            keyword = m.group(0)[: m.start(1) - m.start(0)].strip()
            family, cls = names.keyword_type(keyword)
            if family == "programme" and keyword.lower().endswith(("s", "x")) and keyword.lower() not in \
                    fr.TYPE_KEYWORDS and normalise(name) not in self.local and normalise(name) not in \
                    self.known.by_label:
                # "les projets X": several projects, named with their type word (unless X already names one)
                spans.append((m.start(0), m.start(1) + len(name), f"{family}:{cls}", ""))
                continue
            spans.append((m.start(1), m.start(1) + len(name), "", ""))
        for start, end, label in ner_spans:
            family = {"PER": "person", "LOC": "place", "ORG": "organisation"}.get(label, "misc")
            first = sent[start:end].split(" ", 1)
            if family == "place" and len(first) > 1 and first[0].isupper() and len(first[0]) >= 2:
                family = "organisation"  # "ACR Town": a body named after its place
            spans.append((start, end, family, ""))
        found: list[Mention] = []
        occupied = [(m.start, m.end) for m in taken]
        for start, end, family, label in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
            forced = family if ":" in family else ""
            if (start, end) in blocked:
                continue
            start, end = _trim(sent, start, end)
            if (start, end) in blocked:
                continue
            inner = [
                m
                for m in taken
                if start <= m.start
                and m.end <= end
                and (m.start, m.end) != (start, end)
                and " " not in m.text
                and not m.text.isupper()
                and (m.start, m.end) in occupied
            ]
            if family == "named" or forced:
                inner = [
                    m
                    for m in taken
                    if start <= m.start
                    and m.end <= end
                    and (m.start, m.end) != (start, end)
                    and (m.start, m.end) in occupied
                ]
            if inner and sent[start:end].count(" ") >= 1 and (
                    family in ("", "organisation", "misc", "named", "place") or forced):
                for m in inner:
                    occupied.remove((m.start, m.end))
                    taken.remove(m)
            else:
                inner = []

            def give_back(inner: list[Mention] = inner) -> None:
                # a span turned down leaves the known names inside it to the sentence ("P, Présidente d'Inria")
                for m in inner:
                    occupied.append((m.start, m.end))
                    taken.append(m)

            if end - start < 2 or any(not (end <= a or start >= b) for a, b in occupied):
                give_back()
                continue
            text = sent[start:end]
            if not forced and not text[0].isupper() and not text[0].isdigit():
                give_back()
                continue
            name = label or text
            norm = normalise(name)
            if not norm or norm in fr.STOPWORDS or all(w in fr.STOPWORDS for w in norm.split()):
                give_back()
                continue
            if norm in self.local:
                iri, fam_, cls_ = self.local[norm]
                occupied.append((start, end))
                if not iri:
                    continue  # a concept the document introduced ("le concept de « X »"): no entity
                ent = self.new_entities.get(norm)
                if ent is not None and norm not in self.typed_by_word:
                    # first seen without a type word (a headline: « Falésia tient ses promesses », typed by the
                    # recogniser), now after one (« Le supercalculateur Falésia »): the type word wins
                    word_family, word_class = _keyword_type(sent[:start], name)
                    if word_family and word_family != "concept" and (word_family, word_class) != (fam_, cls_):
                        fam_, cls_ = word_family, word_class
                        ent.value, ent.type = fam_, "ekg:" + cls_
                        ent.note = _join(ent.note, f"typed by « {sent[max(0, start - 30):start].strip()} » in "
                                                   f"sentence {number}")
                        self.local[norm] = (iri, fam_, cls_)
                        self.typed_by_word.add(norm)
                found.append(Mention(number, start, end, text, iri, iri in self.known.entities, fam_, cls_))
                continue
            if norm in self.known.by_label:
                iri = sorted(self.known.by_label[norm])[0]
                found.append(Mention(number, start, end, text, iri, True, self.known.family(iri) or "concept", ""))
                occupied.append((start, end))
                continue
            if not forced and (_junk(sent, start, end, family) or self._plural_of_known(norm)
                               or names.noise(sent, start, end) or norm in fr.TYPE_KEYWORDS
                               or (norm[-1:] in "sx" and norm[:-1] in fr.TYPE_KEYWORDS)
                               or (family in ("place", "organisation", "misc", "person") and (
                                   "," in text or self._common_word(norm, start)))):
                give_back()
                continue
            if forced:
                kw_family, kw_class = forced.split(":")
            else:
                kw_family, kw_class = _keyword_type(sent[:start], name)
                if not kw_family:
                    kw_family, kw_class = names.context_type(sent, start, end)
            if family == "named":
                family = "organisation"
            fam = kw_family or (family if family != "misc" else "")
            if fam == "concept":  # remembered so that later sightings are not proposed as something else
                self.local[norm] = ("", "concept", kw_class)
                self.local_lengths = _lengths(self.local)
                occupied.append((start, end))
                continue
            if not fam:
                give_back()
                continue
            variant = self._variant_of(name, norm, fam)
            if variant:
                found.append(Mention(number, start, end, text, variant, True, self.known.family(variant) or fam, ""))
                occupied.append((start, end))
                continue
            cls = kw_class or fr.FAMILY_CLASS[fam]
            if fam == "place" and re.search(r"\bà\s*$", sent[:start]) and not kw_class:
                cls = "City"
            ent = self.new_entities.get(norm)
            if ent is None:
                iri = self.new_iri(name)
                ent = self.add(
                    ("entity", norm),
                    kind="entity",
                    status="new",
                    sentence=str(number),
                    subject=curie(iri),
                    label=name,
                    type="ekg:" + cls,
                    value=fam,
                    quote=_context(sent, start, end),
                    note="" if kw_family or family != "misc" else "type guessed",
                )
                self.new_entities[norm] = ent
                if kw_family:
                    self.typed_by_word.add(norm)
            iri = EKD + ent.subject[4:]
            if norm not in self.local:
                self.local[norm] = (iri, ent.value, cls)
                self.local_lengths = _lengths(self.local)
            found.append(Mention(number, start, end, text, iri, False, ent.value, cls))
            occupied.append((start, end))
        return found

    def _common_word(self, norm: str, start: int) -> bool:
        """A lone capitalised word the document also writes in lower case ("en faveur du Libre" / "le libre") is
        a common noun, not a name."""
        if " " in norm:
            return False
        return norm in self.lower_words or (norm + "s") in self.lower_words or (
            norm.endswith("s") and norm[:-1] in self.lower_words)

    def dated_events(self, number: int, sent: str, taken: list[Mention]) -> list[Mention]:
        """ "la cérémonie du 26 février": the one event the graph knows of that kind on that date (its labels name
        the kind, its ekg:date or ekg:startDate is that day), linked; several or none, nothing."""
        found = []
        for m in _DATED_EVENT.finditer(sent):
            if any(not (m.end(1) <= t.start or m.start(1) >= t.end) for t in taken):
                continue
            day = 1 if m.group("day") == "1er" else int(m.group("day"))
            suffix = f"-{fr.MONTHS[m.group('month').lower()]:02d}-{day:02d}"
            kind = label_key(normalise(m.group("kind")))
            iris = {iri for (iri, p), values in self.known.literal_facts.items()
                    if p in (EKG + "date", EKG + "startDate") and iri in self.known.entities
                    and self.known.family(iri) == "event"
                    and any(v.endswith(suffix) and (not m.group("year") or v.startswith(m.group("year")))
                            for v in values)
                    and any(kind in label_key(normalise(label)).split() for label in self.known.labels.get(iri, ()))}
            if len(iris) == 1:
                iri = iris.pop()
                found.append(Mention(number, m.start(1), m.end(1), m.group(1), iri, True, "event", ""))
        return found

    def _plural_of_known(self, norm: str) -> bool:
        """ "des IAs": a plural of a name the graph knows is that name, not a new one."""
        return " " not in norm and norm.endswith("s") and norm[:-1] in self.known.by_label

    def _variant_of(self, text: str, norm: str, family: str) -> str | None:
        """A known entity this new-looking name is a spelling of: a person whose name differs by one letter in
        the last word ("Alexandre ZAPOLSKI" / "Alexandre Zapolsky"), or an organisation written out whose
        initials are a known acronym ("Centre National de la Recherche Scientifique" / "CNRS")."""
        words = norm.split()
        if family == "person" and len(words) >= 2:
            found = set()
            for label, iris in self._person_labels().items():
                lw = label.split()
                if len(lw) == len(words) and lw[:-1] == words[:-1] and len(words[-1]) >= 5 \
                        and _one_edit(lw[-1], words[-1]):
                    found |= iris
            if len(found) == 1:
                return found.pop()
        if family == "organisation" and len(words) >= 3:
            initials = "".join(w[0] for w in re.findall(r"[\w]+", text) if w[0].isupper())
            iris = {i for i in self.known.by_label.get(initials.lower(), ()) if self.known.family(i) == "organisation"}
            if len(initials) >= 3 and len(iris) == 1:
                return iris.pop()
        return None

    @functools.cache  # noqa: B019 - one extractor per document, the cache dies with it
    def _person_labels(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for label, iris in self.known.by_label.items():
            people = {i for i in iris if self.known.family(i) == "person"}
            if people:
                out[label] = people
        return out

    # -- the document ---------------------------------------------------------------------------------
    def run(self) -> list[Candidate]:
        docs = self.parse(self.sents) if self.parse else None
        if docs is not None:
            ner_all = [parse_stage.entities(d) for d in docs]
        else:
            ner_all = self.ner(self.sents) if self.ner else [[] for _ in self.sents]
        total = len(self.sents)
        previous_parsed = None
        for index, sent in enumerate(self.sents):
            number = index + 1
            if self.progress and (number % 200 == 0 or number == total):
                self.progress(number, total)
            mentions = self.known_mentions(number, sent)
            if _DATED_EVENT_HINT.search(sent):
                mentions += self.dated_events(number, sent, mentions)
            mentions += self.new_mentions(number, sent, mentions, ner_all[index])
            mentions.sort(key=lambda m: m.start)
            line = find_dateline(sent) if number <= 3 else None
            for m in mentions if line is not None else ():
                if not m.known and m.end <= line["start"] and normalise(m.text) == normalise(line["place"]):
                    self._retype(m, "place", "City", "the place of the dateline")
            self._acronyms(sent, mentions)
            for m in mentions:
                if m.known:
                    self._mention(m, sent)
            if docs is not None:
                self.parsed = attach.Sentence(docs[index], mentions, previous_parsed, self._classes,
                                              self.context.we)
                previous_parsed = self.parsed
            self._figures(number, sent, mentions)
            self._dates(number, sent, mentions)
            self._relations(number, sent, mentions)
            # "Le supercalculateur est utilisé…": a sentence without a name continues the previous one's subject
            subjects = [m for m in mentions if m.family in ("organisation", "programme", "product", "event")]
            self.previous = subjects[0] if subjects else self.previous
        self._quotations()
        return self.candidates

    def _not_a_place(self, m: Mention | None, why: str) -> None:
        """A new name the recogniser read as a place, of which the text says it employs, raises or is funded:
        an organisation (places do none of these); its entity row is retyped and says why."""
        if m is None or m.known or m.family != "place":
            return
        self._retype(m, "organisation", "Organisation", why)

    def _retype(self, m: Mention, family: str, cls: str, why: str) -> None:
        norm = normalise(m.text)
        ent = self.new_entities.get(norm)
        if ent is not None and ent.value != family:
            ent.value, ent.type = family, "ekg:" + cls
            ent.note = _join(ent.note, f"typed {family}: {why}")
        m.family, m.cls = family, cls
        if norm in self.local:
            self.local[norm] = (self.local[norm][0], family, cls)

    def _classes(self, m: Mention) -> set[str]:
        """Class local names of a mention's entity: the graph's types for a known one, the proposed class else."""
        if m.known:
            return {t.rsplit("#", 1)[-1] for t in self.known.types.get(m.iri, ())}
        return {m.cls.removeprefix("ekg:")} if m.cls else set()

    def _mention(self, m: Mention, sent: str) -> None:
        if (self.doc, m.iri) in self.known.mentions:
            return
        spelling_known = m.text in self.known.labels.get(m.iri, [])
        self.add(
            ("mention", m.iri),
            kind="mention",
            status="linked",
            sentence=str(m.sentence),
            subject=curie(m.iri),
            label=m.text,
            value=self.known.family(m.iri) or "",
            quote=_context(sent, m.start, m.end),
            note="" if spelling_known else "new spelling: becomes a skos:altLabel",
        )

    def _acronyms(self, sent: str, mentions: list[Mention]) -> None:
        """ "Long name (ACR": the acronym is the long name's alternative label, one entity."""
        for a, b in itertools.pairwise(mentions):
            between = sent[a.end : b.start]
            if between.strip() == "(" and not b.known and not a.known and b.text.isupper():
                ent = self.new_entities.get(normalise(a.text))
                dup = self.new_entities.get(normalise(b.text))
                if ent is not None and dup is not None and dup is not ent and dup in self.candidates:
                    self.candidates.remove(dup)
                    self.new_iris.discard(EKD + dup.subject[4:])
                    self.new_entities[normalise(b.text)] = ent
                    ent.note = (ent.note + "; " if ent.note else "") + f"acronym {b.text}: skos:altLabel"
                    b.iri = a.iri
            elif between.strip() == "(" and not a.known and b.known and b.text.isupper():
                # "Long name (ACR": the graph knows ACR, so the long name is a new spelling of it
                dup = self.new_entities.get(normalise(a.text))
                if dup is not None and dup in self.candidates and dup.subject == curie(a.iri):
                    self.candidates.remove(dup)
                    self.new_iris.discard(a.iri)
                    self.local[normalise(a.text)] = (b.iri, b.family, "")
                    a.iri, a.known, a.family = b.iri, True, b.family
            elif between.strip() == "(" and a.known and not b.known and b.text.isupper():
                dup = self.new_entities.get(normalise(b.text))
                if dup is not None and dup in self.candidates:
                    self.candidates.remove(dup)
                    self.new_entities[normalise(b.text)] = dup
                    b.iri, b.known = a.iri, True

    # -- figures ------------------------------------------------------------------------------------
    def _figures(self, number: int, sent: str, mentions: list[Mention]) -> None:
        for fig in find_figures(sent):
            unit = self.known.vocab["Unit"].get(normalise(fig["unit"]))
            qualifier = self.known.vocab["Qualifier"].get(normalise(fig["qualifier"]))
            if unit is None or qualifier is None:
                continue
            window = (
                fig["as_written"]
                + " "
                + sent[fig["end"] : fig["end"] + 40]
                + " "
                + sent[max(0, fig["start"] - 30) : fig["start"]]
            ).lower()
            measure_label = None
            how = None
            if self.parsed is not None:  # the parse says what the value is about and which words govern it
                how = attach.attach(self.parsed, fig["start"], fig["end"])
                subject = how.target
                measure_label = attach.measure(how.governors, fig["unit"])
                fund = attach.funding(self.parsed, how) if fig["unit"] == "euro" else None
                for end in (subject, *(fund[:2] if fund else ())):
                    self._not_a_place(end, "it is said to hold a figure or a funding")
                if fund is not None:  # a funding amount: the funding's, in its row (never the funder's budget)
                    self._funding(number, sent, fund, fig, unit, qualifier, how)
                    continue
                if subject is not None and subject.family == "person":  # "X a annoncé 109 milliards": not X's
                    how.how, subject = f"« {subject.text} » is a person: the amount is not theirs", None
            else:
                subject = _nearest(mentions, fig["start"], prefer=("organisation", "programme", "product", "event"))
                subject = subject or self.previous
            measure_label = measure_label or next(
                (
                    m
                    for cue, m in fr.MEASURE_CUES
                    if cue in window and fr.MEASURE_UNITS.get(m, fig["unit"]) == fig["unit"]
                ),
                None,
            )
            measure = self.known.vocab["Measure"].get(normalise(measure_label or ""))
            if measure is None:
                measure = self.known.vocab["Measure"].get(normalise(fr.MEASURE_BY_UNIT.get(fig["unit"], "")))
            status, note = "new", ""
            for f in self.known.figures:
                if subject and f["of"] == subject.iri and f["unit"] == unit and (f["measure"] == measure):
                    if Decimal(f["value"]) == Decimal(fig["value"]) and f["qualifier"] == qualifier:
                        if f["doc"] == self.doc:
                            status = "done"
                        else:
                            status = "known"
                            note = f"also stated by {curie(f['doc'])}: new figure node for this document"
                    else:
                        status, note = "conflict", f"the graph has {f['value']} ({curie(f['iri'])})"
            if status == "done":
                continue
            cand = self.add(
                ("figure", number, fig["as_written"]),
                kind="figure",
                status=status,
                sentence=str(number),
                subject=curie(subject.iri) if subject else "",
                predicate=curie(measure) if measure else "",
                value=fig["value"],
                unit=curie(unit),
                qualifier=curie(qualifier),
                datatype="xsd:decimal" if fig["unit"] in ("euro", "euro par an", "pétaflops") else "xsd:integer",
                as_written=fig["as_written"],
                quote=_clause(sent, fig["start"], fig["end"]),
                note=_join(note, _attach_note(how, subject)),
            )
            if cand is not None:
                self.figure_rows.setdefault(number, []).append((fig["start"], cand))

    def _funding(self, number: int, sent: str, fund: tuple, fig: dict, unit: str, qualifier: str,
                 how: attach.Attached) -> None:
        """ "financé à hauteur de N par F": an ekg:Funding of the recipient by the funder, its amount in the row
        (`kg accept` writes it as the funding's ekg:fundingAmount figure)."""
        recipient, funder, _why = fund
        status = self._fact_status(self.known.fundings, recipient, funder)
        if status is None:
            return
        key = ("funding", recipient.iri, funder.iri)
        if key in self.proposed_keys:  # a second amount from the same funder: a row of its own
            key = (*key, fig["as_written"])
        self.add(
            key,
            kind="funding",
            status=status,
            sentence=str(number),
            subject=curie(recipient.iri),
            predicate="ekg:fundedBy",
            object=curie(funder.iri),
            value=fig["value"],
            unit=curie(unit),
            qualifier=curie(qualifier),
            datatype="xsd:decimal",
            as_written=fig["as_written"],
            quote=_clause(sent, fig["start"], fig["end"]),
            note=_join("amount: ekg:fundingAmount",
                       f"reading: {how.how} — the text does not name it here" if how.reading else ""),
        )

    # -- dates --------------------------------------------------------------------------------------
    def _dates(self, number: int, sent: str, mentions: list[Mention]) -> None:
        line = find_dateline(sent) if number <= 3 else None
        if line is not None:  # "Paris, le 3 mars 2025 —": the document's date, no entity's
            self.add(
                ("date", "dateline"),
                kind="date",
                status="new",
                sentence=str(number),
                subject=curie(self.doc),
                predicate="dcterms:date",
                value=line["value"],
                datatype=line["datatype"],
                as_written=line["as_written"],
                quote=_clause(sent, line["start"], line["end"]),
                type="document",
                note=f"dateline ({line['place']}): the document's date, not a fact of an entity",
            )
        for d in find_dates(sent):
            if line is not None and d["start"] < line["end"] and d["end"] > line["start"]:
                continue
            how = None
            what = ""
            if self.parsed is not None:
                adverbial = bool(re.match(r"(?i)(?:depuis|dès|en|à partir)\b", d["as_written"])
                                 or re.search(r"(?i)\b(?:depuis|dès)\s*$", sent[: d["start"]]))
                how = attach.attach(self.parsed, d["start"], d["end"], adverbial)
                subject = how.target
                what = attach.date_kind(how, subject.family if subject is not None else "")
                holder = attach.role_holder(self.parsed, how) if d["since"] or what == "start" else None
                if holder is not None:
                    subject, what = holder, "start"
                    how = attach.Attached(holder, "the start of the role of « " + holder.text + " »")
            else:
                subject = _nearest(mentions, d["start"], prefer=("event", "programme", "organisation", "product"))
                subject = subject or self.previous
            during = next((m for m in mentions if m.family == "event"
                           and re.search(r"\blors\s+(?:du|de la|de l['’]|des|d['’])\s*$", sent[: m.start])), None)
            if during is not None and what not in ("founding", "start"):
                # « le 28 novembre 2025 lors des Rencontres Amandier »: the day of the event
                subject, what = during, "event"
                how = attach.Attached(during, "the day of the event named with « lors de »")
            founding = what == "founding"
            if d["since"]:
                what = "start"
            elif not what and subject is not None and subject.family == "event":
                what = "event"
            predicate = EKG + ("startDate" if what in ("start", "founding") else "date")
            status, note = "new", f"{what} date" if what else ""
            figures = [c for start, c in self.figure_rows.get(number, []) if start < d["start"]]
            if figures and d["as_written"].lower().startswith("en ") and d["datatype"] == "xsd:gYear" and not founding:
                for fig in figures:
                    self.add(
                        ("date", number, d["as_written"], fig.id),
                        kind="date",
                        status="new",
                        sentence=str(number),
                        subject=fig.id,
                        predicate="ekg:date",
                        value=d["value"],
                        datatype=d["datatype"],
                        as_written=d["as_written"],
                        quote=_clause(sent, d["start"], d["end"]),
                        note=f"date of the figure in row {fig.id}",
                        type="figure",
                    )
                continue
            if subject is None and d["datatype"] == "ekg:notStated":
                continue  # "depuis l'an dernier" about nothing named: no value and no subject, nothing to check
            if subject and d["datatype"] != "ekg:notStated":
                held = self.known.literal_facts.get((subject.iri, predicate), set())
                if d["value"] in held:
                    status = "known"
                elif held:
                    status, note = "conflict", "the graph has " + ", ".join(sorted(held))
            self.add(
                ("date", number, d["as_written"], d["value"]),
                kind="date",
                status=status,
                sentence=str(number),
                subject=curie(subject.iri) if subject else "",
                predicate=curie(predicate),
                value=d["value"],
                datatype=d["datatype"],
                as_written=d["as_written"],
                quote=_clause(sent, d["start"], d["end"]),
                type=what,
                note=_join(note, _attach_note(how, subject))
                or (
                    "no year written: none is guessed"
                    if d["datatype"] == "xsd:gMonthDay"
                    else "relative date: ekg:notStated ekg:date"
                    if d["datatype"] == "ekg:notStated"
                    else ""
                ),
            )

    # -- relations ----------------------------------------------------------------------------------
    def _relations(self, number: int, sent: str, mentions: list[Mention]) -> None:
        ctx = self.context
        # a capitalised participle opening the sentence ("Copiloté par …") is not a name, whatever a model says
        mentions = [m for m in mentions if m.known or m.start > 3 or not _PARTICIPLE.fullmatch(m.text)
                    or not sent[m.end :].lstrip().startswith("par ")]
        mentions = self._offices_of_known(sent, self._aliased(sent, mentions))
        doc = self.parsed.doc if self.parsed is not None else None
        if doc is not None and len(doc) and doc[0].lower_ in ("il", "elle"):
            # "Il …" opening the sentence: the parse's reading of the previous subjects, for the rules too
            entry = self.parsed.anaphors().get(0)
            found = attach._antecedent(self.parsed, doc[0], entry) if entry else None
            if found is not None and found.target is not None:
                ctx.topic = found.target
        readings = self._readings(number, sent, mentions)
        everything = sorted(mentions + readings, key=lambda m: m.start)
        if self.parsed is not None:
            self._parsed_relations(number, sent)
        if len(everything) >= 2:
            self._apply_rules(number, sent, everything)
        if not (readings and isinstance(readings[0], Reading) and readings[0].why.startswith("pronoun")):
            subject = rel.sentence_subject(sent, everything, ("organisation", "programme", "product", "event",
                                                              "person"))
            ctx.topic = subject or ctx.topic
        for m in mentions:
            ctx.last[m.family] = m

    def _parsed_relations(self, number: int, sent: str) -> None:
        """The relations of patterns/relations.json over the parse (kg.ingest.pipeline.relate)."""
        for found in relate.relations(self.parsed):
            s, o = found.subject, found.obj
            start = min(s.start, o.start, found.cue.idx) if s.sentence == o.sentence == number else found.cue.idx
            end = max(x.end for x in (s, o) if x.sentence == number) if number in (s.sentence, o.sentence) else \
                found.cue.idx + len(found.cue.text)
            end = max(end, found.cue.idx + len(found.cue.text))
            start = min([start] + [x.start for x in (s, o) if x.sentence == number])
            quote = sent[start:end]
            before = len(self.candidates)
            if found.kind == "role":  # « L, dirigé par P »: P holds a role in L, its title not written
                person, org = (o, s) if o.family == "person" else (s, o)
                status = self._fact_status(self.known.roles, person, org)
                if status is None:
                    continue
                self.context.roles.setdefault(person.iri, set()).add(org.iri)
                self.add(("role", person.iri, org.iri), kind="role", status=status, sentence=str(number),
                         subject=curie(person.iri), predicate="ekg:holdsRole", object=curie(org.iri),
                         value=f"{found.cue.text} par", quote=quote,
                         note="no title written: the role is read from « " + found.cue.text + " par »")
            else:
                self._relation(number, sent, s, found.predicate, o, found.kind, quote, None, sent, [])
            if found.reading:
                for cand in self.candidates[before:]:
                    cand.note = _join(cand.note, f"reading: {found.reading} — the text does not name it here")

    def _aliased(self, sent: str, mentions: list[Mention]) -> list[Mention]:
        """ "Long name (ACR, …)" where only the acronym is known: relations go to the known entity."""
        out = list(mentions)
        for i, (a, b) in enumerate(itertools.pairwise(mentions)):
            if not a.known and b.known and sent[a.end : b.start].strip() == "(" and b.text.upper() == b.text:
                out[i] = Mention(a.sentence, a.start, a.end, a.text, b.iri, True, b.family, b.cls)
        return out

    def _offices_of_known(self, sent: str, mentions: list[Mention]) -> list[Mention]:
        """ "P, Président de Linagora" proposed as one new office: for the relations, the words after the title
        name the organisation the graph knows, and P holds the title there."""
        out: list[Mention] = []
        for m in mentions:
            office = None if m.known or m.family != "person" else _OFFICE_OF.fullmatch(m.text)
            if office and out and out[-1].family == "person" and re.fullmatch(r"\s*,\s*", sent[out[-1].end : m.start]):
                orgs = [i for i in self.known.by_label.get(normalise(office.group("org")), ())
                        if self.known.family(i) == "organisation"]
                if len(orgs) == 1:
                    start = m.start + office.start("org")
                    out.append(Mention(m.sentence, start, m.end, sent[start : m.end], orgs[0], True, "organisation",
                                       ""))
                    continue
            out.append(m)
        return out

    def _readings(self, number: int, sent: str, mentions: list[Mention]) -> list[Mention]:
        """Placeholders for words that stand for an entity named elsewhere: "Il" after a named subject,
        "Ensemble, ils" after a list of partners, "l'accord", "le forum", "nous" once the text says who."""
        ctx = self.context
        out: list[Mention] = []
        taken = [(m.start, m.end) for m in mentions]

        def put(start: int, end: int, ref: Mention | None, why: str, members: list[Mention] | None = None) -> None:
            if ref is None or any(not (end <= a or start >= b) for a, b in taken):
                return
            out.append(Reading(number, start, end, sent[start:end], ref, why, members))
            taken.append((start, end))

        for m in mentions:  # "Chez X, nous …", "… nous … chez X": X is the text's first person from now on
            if m.family == "organisation" and (
                (rel.WE_BEFORE.search(sent[max(0, m.start - 8) : m.start]) and rel.WE_AFTER.match(sent, m.end))
                or rel.WE_EARLIER.search(sent[max(0, m.start - 120) : m.start])
            ):
                ctx.we = m
        m = rel.PRONOUN.match(sent)
        if m and ctx.topic is not None:
            put(m.start(1), m.end(1), ctx.topic, f"pronoun « {m.group(1)} »")
        m = rel.TOGETHER.match(sent)
        if m and ctx.group[0] == number - 1 and len(ctx.group[1]) >= 2:
            put(m.start(1), m.end(1), ctx.group[1][0], f"« Ensemble, {m.group(1)} »", ctx.group[1])
        starts = sorted(x.start for x in mentions)
        for m in rel.DEFINITE.finditer(sent):
            following = next((x for x in starts if x >= m.end()), None)
            if following is not None and _INTRODUCES.fullmatch(sent[m.end() : following]):
                continue  # "le modèle de langage Nérée": the noun introduces the name after it
            if any(re.fullmatch(r"\s*,\s*", sent[x.end : m.start()]) for x in mentions if x.end <= m.start()):
                continue  # "Parolo, l'assistant vocal de …": an apposition to the name before it
            kind = rel.DEFINITE_NOUNS[m.group("n").lower()]
            ref = {"agreement": ctx.agreement, "signing": ctx.signing or ctx.last.get("event"),
                   "event": ctx.last.get("event") or ctx.signing}.get(kind, ctx.last.get(kind))
            put(m.start("n"), m.end("n"), ref, f"« {m.group(0).strip()} »")
        we = self._speaker_org(sent, mentions) if "«" in sent else None
        if we is not None or ctx.we is not None:
            for m in rel.WE.finditer(sent):
                put(m.start(1), m.end(1), we or ctx.we, f"first person « {m.group(1)} »")
        else:  # "P, notre cofondateur …": the one organisation P holds a role in, by this text or the graph
            for m in re.finditer(r"(?<=,\s)[Nn]otre\b", sent):
                person = next((x for x in mentions if x.family == "person"
                               and re.fullmatch(r"\s*,\s*", sent[x.end : m.start()])), None)
                org = self._role_org(person) if person is not None else None
                if org is not None:
                    put(m.start(), m.end(), org, f"first person « {m.group(0)} » after {person.text}")
        return out

    def _speaker_org(self, sent: str, mentions: list[Mention]) -> Mention | None:
        """In « … », dit P: the one organisation P holds a role in (this document's rows, else the graph's)."""
        verbs = "|".join(re.escape(v) for v in fr.SAYING_VERBS)
        for p in mentions:
            if p.family == "person" and re.search(rf"»?\s*,?\s*(?:{verbs})\s+$", sent[max(0, p.start - 30) : p.start]):
                org = self._role_org(p)
                if org is not None:
                    return org
        return None

    def _role_org(self, p: Mention) -> Mention | None:
        """The one organisation person p holds a role in, by this document's role rows, else by the graph."""
        ctx = self.context
        if ctx.known_roles is None:
            ctx.known_roles = {}
            for h, o, _ in self.known.roles:
                if o:
                    ctx.known_roles.setdefault(h, set()).add(o)
        orgs = ctx.roles.get(p.iri) or ctx.known_roles.get(p.iri, set())
        if len(orgs) != 1:
            return None
        iri = next(iter(orgs))
        known = iri in self.known.entities
        label = self.known.label(iri) if known else iri.rsplit("/", 1)[-1]
        return Mention(0, p.start, p.end, label, iri, known, "organisation", "")  # sentence 0: not named here

    def _apply_rules(self, number: int, sent: str, mentions: list[Mention]) -> None:
        masked, last = [], 0
        for i, m in enumerate(mentions):
            masked.append(sent[last : m.start])
            masked.append(f"⟦{i}⟧")
            last = m.end
        masked.append(sent[last:])
        text = "".join(masked)

        def ends(key: str) -> list[Mention]:
            out: list[Mention] = []
            for i in list_ids(key):
                m = mentions[int(i)]
                if isinstance(m, Reading) and m.members:  # "ils": each partner, where the word stands
                    out.extend(Reading(m.sentence, m.start, m.end, m.text, x, m.why, None) for x in m.members)
                else:
                    out.append(m)
            return out

        partners: dict[str, list[Mention]] = {}
        for rule in rel.rules_for(text.lower()):
            for match in rule.pattern.finditer(text):
                for s_key, o_key, predicate, kind in rule.emit(match.groupdict()):
                    subjects, objects = ends(s_key), ends(o_key)
                    mutual, kind = kind == "mutual", "relation" if kind == "mutual" else kind
                    for si, s in enumerate(subjects):
                        for oi, o in enumerate(objects):
                            if mutual and oi <= si:  # every pair of one list, once, in reading order
                                continue
                            if s.iri == o.iri or not rule.accepts(s.family, o.family, kind, predicate):
                                continue
                            before = len(self.candidates)
                            start, end = min(s.start, o.start), max(s.end, o.end)
                            self._relation(number, sent, s, predicate, o, kind, sent[start:end], match, text, mentions)
                            why = [m.why for m in (s, o) if isinstance(m, Reading)]
                            for cand in self.candidates[before:]:
                                if why:
                                    cand.note = "; ".join(filter(None, [cand.note, self._reading_note(s, o)]))
                            if predicate == "collaboratesWith":
                                partners.setdefault(s.iri, [s]).append(o)
        if partners:
            first = next(iter(partners.values()))
            self.context.group = (number, first)

    def _reading_note(self, s: Mention, o: Mention) -> str:
        parts = []
        for m in (s, o):
            if isinstance(m, Reading):
                names = ", ".join(curie(x.iri) for x in (m.members or [m.ref]))
                where = (f"named in sentence {m.ref.sentence}" if m.ref.sentence
                         else "the organisation the person holds a role in, by this text or the graph")
                parts.append(f"{m.why} read as {names} ({where})")
        return "reading: " + "; ".join(parts) + " — the text does not name it here"

    def _fact_status(self, facts: set[tuple[str, str, str]], s: Mention, o: Mention) -> str | None:
        """A fact node's row status: None when this document already attests it, "known" when another does,
        else "new"."""
        if (s.iri, o.iri, self.doc) in facts:
            return None
        return "known" if any(a == s.iri and b == o.iri for a, b, _ in facts) else "new"

    def _relation(
        self,
        number: int,
        sent: str,
        s: Mention,
        predicate: str,
        o: Mention,
        kind: str,
        quote: str,
        match: re.Match,
        masked: str,
        mentions: list[Mention],
    ) -> None:
        p = EKG + predicate
        if kind == "role":
            title = _role_title(sent, s, o)
            status = self._fact_status(self.known.roles, s, o)
            if status is None:
                return
            rk = self.known.vocab["RoleKind"].get(normalise(fr.ROLE_TITLES.get(title.split(" ")[0].lower(), "")))
            if rk is None:
                for word, label in sorted(fr.ROLE_TITLES.items(), key=lambda kv: -len(kv[0])):
                    if title.lower().startswith(word):
                        rk = self.known.vocab["RoleKind"].get(normalise(label))
                        break
            self.context.roles.setdefault(s.iri, set()).add(o.iri)
            self.add(
                ("role", s.iri, o.iri),
                kind="role",
                status=status,
                sentence=str(number),
                subject=curie(s.iri),
                predicate="ekg:holdsRole",
                object=curie(o.iri),
                value=title,
                type=curie(rk) if rk else "",
                quote=_span(sent, s, o, title),
            )
            if title.lower().split(" ")[0] in fr.FOUNDER_TITLES:
                self._relation(number, sent, o, "foundedBy", s, "relation", quote, match, masked, mentions)
            return
        if kind == "participation":
            status = self._fact_status(self.known.participations, s, o)
            if status is None:
                return
            role = (
                "présent"
                if re.search(r"présente?s?\s+(?:pour|à|lors|au)", match.group(0))
                else "intervenant"
                if re.search(r"annonc|intervenu|présent[ée] |évoqué", match.group(0))
                else "invité"
                if "invit" in match.group(0)
                else "participant"
            )
            prole = self.known.vocab["ParticipationRole"].get(normalise(role), "")
            self.add(
                ("participation", s.iri, o.iri),
                kind="participation",
                status=status,
                sentence=str(number),
                subject=curie(s.iri),
                predicate="ekg:participatesIn",
                object=curie(o.iri),
                type=curie(prole) if prole else "",
                quote=quote,
            )
            return
        if kind == "funding":
            status = self._fact_status(self.known.fundings, s, o)
            if status is None:
                return
            self.add(
                ("funding", s.iri, o.iri),
                kind="funding",
                status=status,
                sentence=str(number),
                subject=curie(s.iri),
                predicate="ekg:fundedBy",
                object=curie(o.iri),
                quote=quote,
            )
            return
        if kind == "agreement":
            ctx = self.context
            if ctx.agreements is None:
                ctx.agreements = rel.known_agreements(self.known.triples, EKG + "party")
            held = ctx.agreements.get(frozenset((s.iri, o.iri)))
            if held:  # the graph has this agreement: the parties are attested again, no new node
                ref = Mention(number, min(s.start, o.start), max(s.end, o.end), self.known.label(held), held, True,
                              "agreement", "Agreement")
                ctx.agreement = ref
                event = min((t[2] for t in self.known.triples if t[0] == held and t[1] == EKG + "signingEvent"),
                            default=None)
                if event:
                    ctx.signing = Mention(number, ref.start, ref.end, self.known.label(event), event, True, "event",
                                          "")
                for party in (s, o):
                    self._relation(number, sent, ref, "party", party, "relation", quote, match, masked, mentions)
                return
            label = f"accord {s.text} – {o.text}"
            key = ("agreement", s.iri, o.iri)
            if key in self.proposed_keys:
                return
            iri = self.new_iri(label)
            ctx.agreement = Mention(number, min(s.start, o.start), max(s.end, o.end), label, iri, False, "agreement",
                                    "Agreement")
            self.add(
                key,
                kind="agreement",
                status="new",
                sentence=str(number),
                subject=curie(iri),
                label=label,
                type="ekg:Agreement",
                predicate="ekg:party",
                object=curie(s.iri) + " " + curie(o.iri),
                value="programme",
                quote=quote,
                note="an agreement node with both parties",
            )
            return
        if (s.iri, p, o.iri, self.doc) in self.known.attested:
            return
        if predicate in _SYMMETRIC and ("relation", o.iri, p, s.iri) in self.proposed_keys:
            return
        status = "known" if (s.iri, p, o.iri) in self.known.triples else "new"
        self.add(
            ("relation", s.iri, p, o.iri),
            kind="relation",
            status=status,
            sentence=str(number),
            subject=curie(s.iri),
            predicate=curie(p),
            object=curie(o.iri),
            quote=quote,
            note="the graph holds it from another document: a new attestation" if status == "known" else "",
        )

    # -- quotations ---------------------------------------------------------------------------------
    def _quotations(self) -> None:
        joined = " ".join(self.sents)
        starts, offset = [], 0
        for s in self.sents:
            starts.append(offset)
            offset += len(s) + 1
        speakers = {c.subject: c for c in self.candidates if c.kind in ("entity", "mention") and c.value == "person"}
        for m in re.finditer(r"«\s*(.+?)\s*»", joined):
            inner = m.group(1)
            number = _sentence_at(starts, m.start())
            speaker_name, cut = None, inner
            verbs = "|".join(re.escape(v) for v in fr.SAYING_VERBS)
            incise = re.search(rf",\s+(?:{verbs})\s+([A-ZÉ][\w’'-]+(?:\s+[A-ZÉ][\w’'-]+){{1,3}})", inner)
            after = re.match(
                rf"\s*,?\s*(?:{verbs})\s+([A-ZÉ][\w’'-]+(?:\s+(?:[A-ZÉ][\w’'-]+|von|de|der|du)){{1,3}})",
                joined[m.end() :],
            )
            before = re.search(r"([A-ZÉ][\w’'-]+(?:\s+[A-ZÉ][\w’'-]+){1,3})[^.«»]{0,40}:\s*$",
                               joined[max(0, m.start() - 160) : m.start()])
            end = m.end()
            if incise:
                speaker_name, cut = incise.group(1), inner[: incise.start()]
            elif after:
                speaker_name = after.group(1)
                end = m.end() + after.end()
            elif before:
                speaker_name = before.group(1)
            speaker = ""
            if speaker_name:
                norm = normalise(speaker_name)
                iris = self.known.by_label.get(norm)
                if iris:
                    speaker = curie(sorted(iris)[0])
                else:
                    for sub, cand in speakers.items():
                        if normalise(cand.label) in norm or norm in normalise(cand.label):
                            speaker = sub
                            break
            if (self.doc, normalise(cut)) in self.known.quotations:
                continue
            quote = joined[m.start() : end]
            self.add(
                ("quotation", m.start()),
                kind="quotation",
                status="new",
                sentence=str(number),
                subject=speaker,
                predicate="ekg:speaker",
                value=cut.strip(" ,"),
                label=speaker_name or "",
                quote=quote,
                note="" if speaker else "no speaker named in the sentence: fill subject before accepting",
            )


# -- figures and dates (plain functions of a sentence) ------------------------------------------------

_NUMWORD = "|".join(sorted((re.escape(w) for w in fr.UNITS_WORDS), key=len, reverse=True))
_FIG = re.compile(
    rf"(?P<qual>(?i:plus de|plus d['’]|près de|pres de|presque|environ|au moins|bientôt|quelque)\s+)?"
    rf"(?:(?P<approx>(?i:une?\s+(?:{'|'.join(fr.APPROX_WORDS)})s?)\s*(?:de\s+|d['’]))|"
    rf"(?P<num>(?:\d{{1,3}}(?:[  .]\d{{3}})+|\d+(?:,\d+)?)|(?i:(?:{_NUMWORD})(?:[\s-](?:et[\s-])?(?:{_NUMWORD}))*)))"
    rf"(?P<scale>\s+(?:millions?|milliards?|mille)|\s?(?:M|Md|Mds)(?=\s?€))?"
    rf"(?P<unit>\s*(?:d['’]euros|euros|€)(?:\s+par\s+an)?|(?<=['’])[a-zéèêàâîôûç-]+|\s+(?:[a-zéèêàâîôûç-]+))?",
)


def _number(text: str) -> Decimal | None:
    text = text.strip().lower()
    if re.fullmatch(r"\d{1,3}(?:[  .]\d{3})+", text):
        return Decimal(re.sub(r"\D", "", text))
    if re.fullmatch(r"\d+(?:,\d+)?", text):
        return Decimal(text.replace(",", "."))
    total, current = 0, 0
    for word in re.split(r"[\s-]+", text):
        if word == "et":
            continue
        value = fr.UNITS_WORDS.get(word)
        if value is None:
            return None
        if value == 100:
            current = max(current, 1) * 100
        elif value == 1000:
            total += max(current, 1) * 1000
            current = 0
        else:
            current += value
    return Decimal(total + current)


def _singular(word: str) -> str:
    word = word.lower()
    if word in fr.COUNT_NOUNS:
        return word
    for cut in ("s", "x"):
        if word.endswith(cut) and word[:-1] in fr.COUNT_NOUNS:
            return word[:-1]
    return word


def find_figures(sent: str) -> list[dict]:
    """Figures in a sentence: value (a decimal string), unit label, qualifier label, the words as written."""
    out = []
    previous_unit = None
    for m in _FIG.finditer(sent):
        raw_unit = (m.group("unit") or "").strip()
        if m.group("scale") and previous_unit in ("euro", "euro par an") and (
                not raw_unit or _singular(raw_unit) not in fr.COUNT_NOUNS):
            # "200 milliards d'euros (… 50 milliards, et 150 milliards de …)": the unit is carried over
            unit, raw_unit = previous_unit, ""
            end = m.start("unit") if m.group("unit") else m.end()
        elif not raw_unit:
            continue
        elif re.fullmatch(r"(?:d['’])?euros?(?:\s+par\s+an)?|€(?:\s+par\s+an)?", raw_unit):
            unit = "euro par an" if "par an" in raw_unit else "euro"
        else:
            noun = _singular(raw_unit)
            if noun not in fr.COUNT_NOUNS:
                continue
            unit = fr.COUNT_NOUNS[noun][0]
        if raw_unit or not m.group("scale"):
            end = m.start() + len(m.group(0).rstrip())
        factor = fr.MULTIPLIED_NOUNS.get(_singular(raw_unit), 1)
        if m.group("num") and m.group("num").lower() in ("un", "une") and not m.group("qual"):
            continue  # an article, not a figure ("un projet")
        if m.group("approx"):
            word = re.search(r"(\w+?)s?$", m.group("approx").split()[1].rstrip("d’'")).group(1)
            base = Decimal(fr.APPROX_WORDS.get(word, 0))
            value = base
            qualifier = "environ"
        else:
            value = _number(m.group("num"))
            if value is None:
                continue
            qualifier = "exact"
        if m.group("qual"):
            qualifier = fr.QUALIFIERS.get(m.group("qual").strip().lower(), qualifier)
        scale = (m.group("scale") or "").strip()
        if scale:
            value *= fr.SCALES[scale]
        value *= factor
        if unit == "année" and value > 200:
            continue
        value = value.normalize()
        previous_unit = unit
        text = sent[m.start():end].strip()
        out.append(
            {
                "value": format(value, "f"),
                "unit": unit,
                "qualifier": qualifier,
                "as_written": text,
                "start": m.start(),
                "end": end,
            }
        )
    return out


_MONTH = "|".join(fr.MONTHS)
_DATE = re.compile(
    rf"(?P<range>(?:[Ll]es\s+)?(?P<d1>\d{{1,2}})\s+(?:et|au)\s+(?P<d2>\d{{1,2}})\s+(?P<m4>{_MONTH})\s+(?P<y4>\d{{4}}))"
    rf"|(?P<full>(?:(?P<since1>[Dd]epuis|[Dd]ès)\s+)?(?:[Ll]e\s+)?(?P<day>1er|\d{{1,2}})\s+(?P<m1>{_MONTH})"
    rf"(?:\s+(?P<y1>\d{{4}}))?)"
    rf"|(?P<rel>(?P<m3>{_MONTH})\s+dernier|(?<![\w])[Ll]['’](?:an|année)\s+(?:dernière|dernier|passée|passé)\b"
    rf"|(?<![\w])[Ll]['’](?:an|année)\s+précédente?\b)"
    rf"|(?P<month>(?:(?P<since2>[Dd]epuis|[Dd]ès)\s+|[Ee]n\s+|[Dd]ébut\s+|[Ff]in\s+)?(?P<m2>{_MONTH})\s+(?P<y2>\d{{4}}))"
    rf"|(?P<year>(?P<pre>[Dd]epuis|[Dd]ès|[Ee]n|[Àà] partir de)\s+(?P<y3>(?:19|20)\d{{2}}))\b"
)


_DATE_HINT = re.compile(rf"\d|{_MONTH}|\bl['’]an(?:née)?\s", re.IGNORECASE)


def find_dates(sent: str) -> list[dict]:
    """Dates as the graph writes them: xsd:date, xsd:gYearMonth, xsd:gYear, xsd:gMonthDay (no year guessed),
    or ekg:notStated for a relative date ("novembre dernier")."""
    out = []
    if not _DATE_HINT.search(sent):
        return out
    for m in _DATE.finditer(sent):
        if m.group("range"):  # "les 10 et 11 février 2025": both days, as the graph writes a two-day event
            month = fr.MONTHS[m.group("m4").lower()]
            for day in (m.group("d1"), m.group("d2")):
                out.append({"value": f"{m.group('y4')}-{month:02d}-{int(day):02d}", "datatype": "xsd:date",
                            "as_written": m.group(0), "since": False, "start": m.start(), "end": m.end()})
            continue
        if m.group("full"):
            day = 1 if m.group("day") == "1er" else int(m.group("day"))
            month = fr.MONTHS[m.group("m1").lower()]
            if not 1 <= day <= 31:
                continue
            if m.group("y1"):
                value, dt = f"{m.group('y1')}-{month:02d}-{day:02d}", "xsd:date"
            else:
                value, dt = f"--{month:02d}-{day:02d}", "xsd:gMonthDay"
            since = bool(m.group("since1"))
        elif m.group("rel"):
            value, dt, since = "", "ekg:notStated", False
        elif m.group("month"):
            value, dt = f"{m.group('y2')}-{fr.MONTHS[m.group('m2').lower()]:02d}", "xsd:gYearMonth"
            since = bool(m.group("since2"))
        else:
            value, dt = m.group("y3"), "xsd:gYear"
            since = m.group("pre").lower() in ("depuis", "dès", "à partir de")
        text = m.group(0)
        start = m.start()
        if dt in ("xsd:gYearMonth",) and not since:
            # "en mars 2024" is written "mars 2024" in the graph's dateAsWritten, keep the preposition out
            inner = re.search(rf"(?:{_MONTH})\s+\d{{4}}", text)
            start, text = start + inner.start(), inner.group(0)
        out.append(
            {
                "value": value,
                "datatype": dt,
                "as_written": text,
                "since": since,
                "start": start,
                "end": start + len(text),
            }
        )
    return out


# -- small text helpers ------------------------------------------------------------------------------

_CAP_KEYWORDS = names.trie_pattern(k.capitalize() for k in [*fr.TYPE_KEYWORDS, *fr.NAME_HEAD_TYPES] if " " not in k)
_CAPITAL_START = re.compile(r"(?:[dl]['’])?[A-ZÉÈÀÂÎÔ]")
_CONNECTORS = ("de", "du", "des", "et", "la", "le", "les", "d’", "d'")
_NAME_WORD = re.compile(r"[\w’'&-]+|[^\w\s]")
_CAP_KEYWORD = re.compile(rf"(?<![\w’'])(?:{_CAP_KEYWORDS})(?:s|x)?(?=\s)")
_NAME_STOP = re.compile(rf"(?:{NAME_STOP})$")


def _next_is_named(words: list, i: int) -> bool:
    """Whether the words from `i` open another name with its capitalised type word ("l'Université de …",
    "la Fondation …")."""
    rest = [w.group() for w in words[i : i + 2]]
    if rest and rest[0] in ("la", "le", "les"):
        rest = rest[1:]
    if not rest:
        return False
    word = re.sub(r"^[dl]['’]", "", rest[0])
    return bool(word) and word[0].isupper() and bool(_CAP_KEYWORD.match(word + " "))


def _capitalised_keyword_names(sent: str) -> list[tuple[int, int]]:
    """Names that begin with a capitalised type word: "Institut Helios", "Sommet européen du logiciel libre"."""
    out = []
    for m in _CAP_KEYWORD.finditer(sent):
        if m.start() == 0:
            continue
        words = list(_NAME_WORD.finditer(sent, m.end(), m.end() + 80))
        taken = []
        if not words or not re.match(r"[\w]", words[0].group()):
            continue
        # "Président de la République", "Ministre de l'Économie": connectors, then a capital
        lead = next((w.group() for w in words[:4] if w.group() not in _CONNECTORS), words[0].group())
        lead = re.sub(r"^[dl]['’]", "", lead)
        capital_mode = bool(lead) and (lead[0].isupper() or lead[0].isdigit())
        for w in words[:6]:
            text = w.group()
            if not re.match(r"\w", text):
                break
            if capital_mode:
                if text == "et" and _next_is_named(words, words.index(w) + 1):
                    break  # "la Fondation X et l'Université de Y": two names, not one
                if text[0].isupper() or text[0].isdigit():
                    taken.append(w)
                elif re.match(r"[dl]['’][A-ZÉ]", text) or (
                        text in _CONNECTORS and any(_CAPITAL_START.match(n.group())
                                                    for n in words[words.index(w) + 1:words.index(w) + 3])):
                    taken.append(w)
                else:
                    break
            else:
                if _NAME_STOP.match(text) or text[0].isupper():
                    break
                taken.append(w)
        while taken and taken[-1].group() in _CONNECTORS:
            taken.pop()
        if taken:
            out.append((m.start(), taken[-1].end()))
    return out


_MONTH_NAMES = set(fr.MONTHS)
_EVENT_WORDS = names.trie_pattern(
    [k for k, (family, _) in fr.TYPE_KEYWORDS.items() if family == "event"] + ["cérémonie", "signature"])
_DATED_EVENT = re.compile(
    rf"(?i:\b(?:la|le|l['’]|cette|ce|cet)\s*)((?P<kind>{_EVENT_WORDS})\s+(?:du|de\s+la|de\s+l['’]|des)\s+"
    rf"(?P<day>1er|\d{{1,2}})\s+(?P<month>{'|'.join(fr.MONTHS)})(?:\s+(?P<year>\d{{4}}))?)\b"
)
_DATED_EVENT_HINT = re.compile(rf"\d\s+(?:{'|'.join(fr.MONTHS)})")
_DETERMINER_BEFORE = re.compile(r"(?i)(?:\b(?:le|la|les|du|des|au|aux|un|une)\s+|\b[ld]['’]\s*)$")


def _junk(sent: str, start: int, end: int, family: str) -> bool:
    """Recogniser output that names nothing: an abbreviation ("Univ."), "R&D", a month, a footnote mark."""
    text = sent[start:end]
    if end + 1 < len(sent) and sent[end] == "." and " " not in text and len(text) <= 5 and not text.isupper():
        return True
    if "&" in text and len(text) <= 5:
        return True
    if text.lower() in _MONTH_NAMES or "[" in text or re.search(r"\s[a-z]$", text):
        return True
    return family in ("misc", "place") and " " not in text and not text.isupper() and text.endswith("té")


_LEAD = re.compile(r"(?i)(?:(?:le|la|les|du|des|de la|au|aux)\s+|(?:l|d|de l|qu|lorsqu|jusqu|puisqu)['’]\s*)+")


def _trim(sent: str, start: int, end: int) -> tuple[int, int]:
    text = sent[start:end]
    lead = _LEAD.match(text)
    if lead and lead.end() < len(text) and not (
            text[0].isupper() and re.search(r"(?:\w|©)\s*$", sent[:start]) and lead.group().strip()[-1] not in "'’"):
        start += lead.end()  # a capitalised article inside a sentence belongs to the name ("© Le Journal")
    while end > start and sent[end - 1] in " ,.;:!?»)(«'’\"":
        end -= 1
    return start, end


_KW_ALTERNATION = names.trie_pattern(fr.TYPE_KEYWORDS)  # longest first, read as a trie (fast)
_KW_BEFORE = re.compile(rf"\b({_KW_ALTERNATION})(?:s|x)?\s+(?:(?!(?:de|du|des|d)\b)\w+\s+)?$")
_KW_HEAD = re.compile(rf"({_KW_ALTERNATION})(?:s|x)?(?:\s|$)")
_KEYWORD_NAME = re.compile(
    rf"(?i:\b(?:{_KW_ALTERNATION})(?:s|x)?)\s+((?:[A-ZÉÈÀÂÎ0-9][\w’'&.-]*)(?:\s+(?:[A-ZÉÈÀÂÎ0-9]"
    rf"[\w’'&.-]*|et|de|du|des|d[’'][A-ZÉ][\w-]*)){{0,4}})"
)
_ACRONYM = re.compile(r"((?:[A-ZÉ][\w’'-]*)(?:[\s’'][\w’'-]+){0,9}?)\s\(([A-Z][A-Za-z0-9&-]{1,15})(?=[,)])")
_norm_word = functools.lru_cache(maxsize=200_000)(normalise)


def _lengths(labels: Iterable[str]) -> dict[str, int]:
    """First word of each normalised label → the most words a label starting with it has (capped)."""
    out: dict[str, int] = {}
    for label in labels:
        words = label.split()
        if words:
            out[words[0]] = min(MAX_LABEL_WORDS, max(out.get(words[0], 0), len(words)))
    return out


def _keyword_type(before: str, name: str) -> tuple[str, str]:
    """Family and class announced by the name's own capitalised first word ("Sommet …"), else by the words just
    before it ("la start-up X"), else by a lower-case type word it starts with."""
    first = name.split()[0].lower()
    if first in fr.NAME_HEAD_TYPES and name[0].isupper():
        return fr.NAME_HEAD_TYPES[first]
    head = _KW_HEAD.match(name.lower())
    if head and name[0].isupper() and " " in name:
        return fr.TYPE_KEYWORDS[head.group(1)]
    m = _KW_BEFORE.search(before[-40:].lower())
    if m:
        return fr.TYPE_KEYWORDS[m.group(1)]
    if head:
        return fr.TYPE_KEYWORDS[head.group(1)]
    return "", ""


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _attach_note(how: attach.Attached | None, subject: Mention | None) -> str:
    """What the row's subject rests on, when the parse chose it: said in the row, so a reviewer can check it."""
    if how is None:
        return "attached to the nearest name (no parse: the light pipeline); check the subject" if subject else ""
    if subject is None:
        return f"not attached: {how.how or 'the parse names no subject'}; fill the subject or reject"
    if how.reading and how.target is subject:
        return f"reading: {how.how} — the text does not name it here"
    return ""


def _context(sent: str, start: int, end: int) -> str:
    """The mention with the type word before it, when there is one ("la société Orbivox")."""
    m = re.search(r"(?:\b[\wéèêàâîôûç-]+\s+){1,2}$", sent[max(0, start - 30) : start])
    if m:
        words = m.group(0).lower().split()
        if any(w in fr.TYPE_KEYWORDS or " ".join(words) in fr.TYPE_KEYWORDS for w in words):
            return sent[start - len(m.group(0)) : end]
    return sent[start:end]


def _clause(sent: str, start: int, end: int) -> str:
    """A few words around a figure or date, cut at punctuation."""
    left = max(sent.rfind(",", 0, start), sent.rfind(";", 0, start), sent.rfind(":", 0, start))
    left = 0 if left < 0 else left + 1
    right_candidates = [i for i in (sent.find(",", end), sent.find(";", end), sent.find(".", end)) if i >= 0]
    right = min(right_candidates) if right_candidates else len(sent)
    if start - left > 60:
        left = sent.rfind(" ", 0, max(0, start - 40)) + 1
    if right - end > 60:
        right = sent.find(" ", end + 40) if sent.find(" ", end + 40) > 0 else len(sent)
    return sent[left:right].strip()


def _span(sent: str, s: Mention, o: Mention, title: str) -> str:
    start, end = min(s.start, o.start), max(s.end, o.end)
    return sent[start:end]


def _role_title(sent: str, person: Mention, org: Mention) -> str:
    if person.start < org.start and not re.search(rf"(?i:{ROLE_WORDS})\b", sent[person.end : org.end]):
        # "P, notre directeur technique, …": the title follows the organisation's placeholder
        after = re.match(rf"\s*((?i:{ROLE_WORDS})\b[^,.;]*)", sent[org.end :])
        return after.group(1).strip() if after else sent[person.end : org.end].strip(" ,")
    if person.start < org.start:
        between = sent[person.end : org.end].lstrip(", ")
    else:
        between = sent[: org.end]
        m = re.search(rf"(?i:{ROLE_WORDS})\b", between)
        between = between[m.start() :] if m else between
    m = re.search(rf"(?i:{ROLE_WORDS})\b.*", between)
    title = m.group(0) if m else between
    return title.strip()


def _nearest(mentions: list[Mention], position: int, prefer: tuple[str, ...]) -> Mention | None:
    """The mention a figure or date belongs to: the closest one before it of a preferred family, else any."""
    for family in prefer:
        before = [m for m in mentions if m.family == family and m.end <= position]
        if before:
            return before[-1]
    after = [m for m in mentions if m.family in prefer]
    return after[0] if after else None


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter changed, added or removed."""
    if a == b or abs(len(a) - len(b)) > 1:
        return a == b
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _sentence_at(starts: list[int], position: int) -> int:
    return max(1, bisect.bisect_right(starts, position))
