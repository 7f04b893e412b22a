"""ecosystem-kg: a knowledge graph of the French open-source and sovereign AI ecosystem.

Kept import-free on purpose: `kg --help` must not pay for rdflib, owlrl or pyshacl.
"""

__version__ = "0.1.0"

# The reasoning regimes and engines, named once for the engine, the catalogue and the CLI.
REGIMES = ("none", "rdfs", "owlrl")
ENGINES = ("rules", "owlrl", "reasonable")
DEFAULT_ENGINE = "rules"
LANGUAGES = ("fr", "en")  # of the labels the graph carries, for --lang

# Set by the `kg` console script: a cold run answers from memory while a forked child writes the closure cache.
# Library callers and tests keep the synchronous behaviour (see kg.engine.cache.save_in_background).
BACKGROUND_CACHE = False
