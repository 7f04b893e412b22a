r"""Where a sentence names a known label as a whole name, read as the ingestion linker reads names.

The linker (kg.ingest.extract) reads a sentence word by word (a word is `[\w][\w&-]*`, so "accord-cadre" is one
word and "l'IA" two), compares normalised runs of words with the known labels and their spelling variants
(kg.ingest.known.label_key: plurals, "intelligence artificielle" / "IA", articles inside a name), and at each
word takes the longest known name. This module holds that reading once, for the label attestations
(scripts/label_attestations.py) and the test that checks them: « sommet » is not in « sommets », « accord » not
in « accord-cadre », and « France » is not named inside « France 24 » or « France 2030 », longer proper names of
other entities. A name inside a longer descriptive label (« Toulouse » in « centre basé à Toulouse ») still names
itself. The linker's own choices about what a matched name may refer to (lower-case words, stop words) stay in
the extractor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from kg.ingest.known import label_key, label_variants
from kg.query.search import normalise

WORD = re.compile(r"[\w][\w&-]*|#\w+", re.UNICODE)  # the linker's word ("l'IA" is two words: l, IA)
MAX_LABEL_WORDS = 10


class NameSpan(NamedTuple):
    """A run of a sentence that names known entities: offsets in the sentence, the text, the entities."""

    start: int
    end: int
    text: str
    iris: frozenset[str]


class NameIndex:
    """Known labels, by normalised form and by spelling-variant key, with the longest label starting at each
    first word (so a sentence is read in one pass)."""

    def __init__(self, labels: Iterable[tuple[str, str]], max_words: int = MAX_LABEL_WORDS) -> None:
        """`labels`: (entity IRI, label) pairs; every label of every entity the linker knows. `max_words`: the
        longest name looked for (the linker's bound, for speed; the attestations read every label whole)."""
        self.by_label: dict[str, set[str]] = defaultdict(set)
        self.by_key: dict[str, set[str]] = defaultdict(set)
        variant_keys: set[str] = set()
        for iri, label in labels:
            self.by_label[normalise(label)].add(iri)
            self.by_key[label_key(normalise(label))].add(iri)
            for variant in label_variants(label):
                key = label_key(normalise(variant))
                self.by_key[key].add(iri)
                variant_keys.add(key)
        self.lengths: dict[str, int] = {}
        for keys, extra in ((self.by_label, 0), (self.by_key, 0), (variant_keys, 2)):  # + 2: articles a key drops
            for key in keys:
                words = key.split()
                if words:
                    longest = max(self.lengths.get(words[0], 0), len(words) + extra)
                    self.lengths[words[0]] = min(max_words, longest)
        if "ia" in self.lengths:  # "intelligence artificielle …" is one word longer than "IA …"
            self.lengths["intelligence"] = max(self.lengths.get("intelligence", 0),
                                               min(max_words, self.lengths["ia"] + 1))

    def lookup(self, words: str) -> set[str]:
        """The entities a normalised run of words names: exactly, or as a spelling variant."""
        return self.by_label.get(words) or self.by_key.get(label_key(words)) or set()

    def spans(self, sentence: str) -> list[NameSpan]:
        """The whole names of a sentence, left to right, each the longest known name starting at its word."""
        words = list(WORD.finditer(sentence))
        norms = [normalise(w.group()) for w in words]
        found: list[NameSpan] = []
        i = 0
        while i < len(words):
            first = norms[i].split(" ", 1)[0]
            longest = max(self.lengths.get(first, 0), self.lengths.get(label_key(first), 0))
            for j in range(min(len(words), i + longest), i, -1):
                iris = self.lookup(" ".join(n for n in norms[i:j] if n))
                if iris:
                    start, end = words[i].start(), words[j - 1].end()
                    found.append(NameSpan(start, end, sentence[start:end], frozenset(iris)))
                    i = j
                    break
            else:
                i += 1
        return found

    def candidates(self, sentence: str) -> list[NameSpan]:
        """Every run of whole words of the sentence that is a known name, nested and overlapping ones included."""
        words = list(WORD.finditer(sentence))
        norms = [normalise(w.group()) for w in words]
        found: list[NameSpan] = []
        for i in range(len(words)):
            first = norms[i].split(" ", 1)[0]
            longest = max(self.lengths.get(first, 0), self.lengths.get(label_key(first), 0))
            for j in range(min(len(words), i + longest), i, -1):
                iris = self.lookup(" ".join(n for n in norms[i:j] if n))
                if iris:
                    start, end = words[i].start(), words[j - 1].end()
                    found.append(NameSpan(start, end, sentence[start:end], frozenset(iris)))
        return found

    def occurrences(self, spelling: str, iri: str, sentence: str) -> list[NameSpan]:
        """Where the sentence prints `spelling` verbatim (case and accents as written) as a whole name of `iri`:
        its words are whole words read as a name of `iri` (the punctuation a label may start or end with,
        « … » or "(LLM)", is compared as written), and it is not inside a longer proper name (first letter a
        capital) of other entities only, where the linker would read the longer name."""
        if spelling not in sentence:
            return []
        core = re.search(r"#?\w.*\w|#?\w", spelling)
        if core is None:
            return []
        spans = self.candidates(sentence)
        found = []
        for m in re.finditer(re.escape(spelling), sentence):
            start, end = m.start() + core.start(), m.start() + core.end()
            named = [s for s in spans if (s.start, s.end) == (start, end) and iri in s.iris]
            if named and not any(_compound(named[0], other, sentence) and iri not in other.iris for other in spans):
                found.append(NameSpan(m.start(), m.end(), spelling, named[0].iris))
        return found


def _compound(span: NameSpan, other: NameSpan, sentence: str) -> bool:
    """True when `span` is a part of the longer proper name `other` (one that starts with a capital): inside it,
    with a capitalised word or a number just before or after it within that name (« France 24 », « OpenLLM
    France », « France 2030 » in « plan France 2030 »); not a name standing in a title or a description
    (« … revient pour France 24 sur la stratégie IA … », « projet ANR LLM4ALL », « centre basé à Toulouse »)."""
    if not (other.start <= span.start and span.end <= other.end) or (other.start, other.end) == (span.start,
                                                                                                   span.end):
        return False
    before = WORD.findall(sentence[other.start : span.start])
    after = WORD.findall(sentence[span.end : other.end])
    return _capital(other.text) and any(_capital(word) for word in before[-1:] + after[:1])


def _capital(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()
