"""ecosystem-kg: a knowledge graph of the French open-source and sovereign AI ecosystem.

Kept import-free on purpose: `kg --help` must not pay for rdflib, owlrl or pyshacl.
"""

__version__ = "0.1.0"
