"""Reading the seed documents the way the data's provenance does: normalised text and numbered sentences.

Every fact node in data/ cites a quote and the 1-based number of the sentence that holds it
(ekg:sentenceIndex). The numbering is only meaningful if everyone splits the same way, so the rule lives
here, once, and the data tests use it.

The rule itself lives in kg/ingest/sentences.py (kg ingest and kg accept number sentences the same way);
this module re-exports it for the data tests and adds the seed-reading helpers.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.ingest.sentences import ABBREVIATIONS, normalise, sentence_index, sentences

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO_ROOT.parent / "shared" / "seeds"
SKIP_MESSAGE = "../shared/seeds not found: seed-reading tests need the shared folder beside the project"
__all__ = ["ABBREVIATIONS", "normalise", "sentence_index", "sentences"]  # the splitter lives in kg.ingest.sentences


def seed_files() -> list[Path]:
    """The seed documents, sorted by name (000_…, 001_…)."""
    return sorted(SEEDS_DIR.glob("*.txt"))


def read_seed(name: str) -> str:
    return (SEEDS_DIR / name).read_text(encoding="utf-8")


def require_seeds() -> None:
    """Skip the calling test when the shared seeds are absent - but fail in CI, where they must be present."""
    if SEEDS_DIR.is_dir() and seed_files():
        return
    if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
        pytest.fail(SKIP_MESSAGE)
    pytest.skip(SKIP_MESSAGE)


# --------------------------------------------------------------------------------------------------------
# The project's data, loaded once per test session (both data test modules share it).

DATA_DIR = REPO_ROOT / "data"
ONTOLOGY_FILE = REPO_ROOT / "ontology" / "ecosystem.ttl"


@functools.cache
def data_store() -> ox.Store:
    """data/*.ttl in a pyoxigraph store, one named graph per file (read-only by convention)."""
    store = ox.Store()
    for path in sorted(DATA_DIR.glob("*.ttl")):
        graph = ox.NamedNode(path.resolve().as_uri())
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    return store


@functools.cache
def ontology_store() -> ox.Store:
    """The ontology alone, for the labels of classes that attestations of rdf:type point at."""
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    return store
