"""OWL 2 RL rules as data: one table drives forward materialisation and backward proof search.

Each rule is named as in the W3C OWL 2 RL/RDF rule tables (OWL 2 Profiles, section 4.3). The reasoner
evaluates them inside the store as SPARQL updates (semi-naive, one named graph per round); explanations
rebuild proofs from the same rules, so what `kg explain` shows is what the engine did.

Only the rules that the constructs below can trigger are implemented. `constructs_used` lists what an
ontology uses; `unsupported_constructs` is non-empty when it uses something outside this table, and the
test suite fails on it.
"""

from __future__ import annotations

from collections import namedtuple

from kg.shared.namespaces import OWL, RDF, RDFS

Atom = tuple[str, str, str]  # terms are SPARQL: ?var or <iri>

TYPE = f"<{RDF}type>"
SCO = f"<{RDFS}subClassOf>"
SPO = f"<{RDFS}subPropertyOf>"
DOM = f"<{RDFS}domain>"
RNG = f"<{RDFS}range>"
EQC = f"<{OWL}equivalentClass>"
EQP = f"<{OWL}equivalentProperty>"
INV = f"<{OWL}inverseOf>"
TRANS = f"<{OWL}TransitiveProperty>"
SYMM = f"<{OWL}SymmetricProperty>"
CHAIN = f"<{OWL}propertyChainAxiom>"
DISJ = f"<{OWL}disjointWith>"


SCHEMA_PREDICATES = {SCO, SPO, DOM, RNG, EQC, EQP, INV, CHAIN, DISJ}
SCHEMA_TYPES = {TRANS, SYMM}


class Rule(namedtuple("Rule", "name body head filters regimes chain chain_axiom",
                       defaults=((), frozenset({"owlrl"}), (), None))):
    """head ← body (Atoms); filters (SPARQL, on the rule's variables); regimes it belongs to; chain (prp-spo2:
    the chain's properties, IRIs, compiled per axiom); chain_axiom (prp-spo2: the schema premise, q
    propertyChainAxiom list). A named tuple, not a dataclass: `kg explain` reads the rules and `dataclasses`
    costs more to import than explaining a triple."""

    __slots__ = ()

    @property
    def is_schema_rule(self) -> bool:
        """scm-* rules: premises and conclusion are all ontology axioms."""
        return self.name.startswith("scm-")

    def schema_atoms(self) -> tuple[int, ...]:
        """Indexes of body atoms that are ontology axioms (their predicate is schema vocabulary)."""
        return tuple(i for i, (_s, p, o) in enumerate(self.body)
                     if p in SCHEMA_PREDICATES or (p == TYPE and o in SCHEMA_TYPES))

    def variables(self) -> list[str]:
        seen: list[str] = []
        for atom in (*self.body, self.head):
            for term in atom:
                if term.startswith("?") and term not in seen:
                    seen.append(term)
        return seen


BOTH = frozenset({"rdfs", "owlrl"})
NOT_LITERAL = "!isLiteral({})"

# The fixed rules. Schema rules (scm-*) close the ontology; instance rules (prp-*, cax-*) use the closed schema,
# which keeps proofs short: x a C and C ⊑* D give x a D in one cax-sco step whose premise is itself proved.
BASE_RULES: tuple[Rule, ...] = (
    # --- schema ---
    Rule("scm-sco", ((("?c1", SCO, "?c2")), ("?c2", SCO, "?c3")), ("?c1", SCO, "?c3"),
         ("?c1 != ?c3",), BOTH),
    Rule("scm-spo", (("?p1", SPO, "?p2"), ("?p2", SPO, "?p3")), ("?p1", SPO, "?p3"),
         ("?p1 != ?p3",), BOTH),
    Rule("scm-eqc1", (("?c1", EQC, "?c2"),), ("?c1", SCO, "?c2"), ("?c1 != ?c2",)),
    Rule("scm-eqc1", (("?c1", EQC, "?c2"),), ("?c2", SCO, "?c1"), ("?c1 != ?c2",)),
    Rule("scm-eqp1", (("?p1", EQP, "?p2"),), ("?p1", SPO, "?p2"), ("?p1 != ?p2",)),
    Rule("scm-eqp1", (("?p1", EQP, "?p2"),), ("?p2", SPO, "?p1"), ("?p1 != ?p2",)),
    Rule("scm-dom1", (("?p", DOM, "?c1"), ("?c1", SCO, "?c2")), ("?p", DOM, "?c2"), ("?c1 != ?c2",)),
    Rule("scm-dom2", (("?p2", DOM, "?c"), ("?p1", SPO, "?p2")), ("?p1", DOM, "?c"), ("?p1 != ?p2",)),
    Rule("scm-rng1", (("?p", RNG, "?c1"), ("?c1", SCO, "?c2")), ("?p", RNG, "?c2"), ("?c1 != ?c2",)),
    Rule("scm-rng2", (("?p2", RNG, "?c"), ("?p1", SPO, "?p2")), ("?p1", RNG, "?c"), ("?p1 != ?p2",)),
    # --- instances ---
    Rule("prp-dom", (("?p", DOM, "?c"), ("?x", "?p", "?y")), ("?x", TYPE, "?c"),
         (NOT_LITERAL.format("?x"),), BOTH),
    Rule("prp-rng", (("?p", RNG, "?c"), ("?x", "?p", "?y")), ("?y", TYPE, "?c"),
         (NOT_LITERAL.format("?y"),), BOTH),
    Rule("prp-spo1", (("?p1", SPO, "?p2"), ("?x", "?p1", "?y")), ("?x", "?p2", "?y"),
         ("?p1 != ?p2",), BOTH),
    Rule("prp-inv1", (("?p1", INV, "?p2"), ("?x", "?p1", "?y")), ("?y", "?p2", "?x"),
         (NOT_LITERAL.format("?y"),)),
    Rule("prp-inv2", (("?p1", INV, "?p2"), ("?x", "?p2", "?y")), ("?y", "?p1", "?x"),
         (NOT_LITERAL.format("?y"),)),
    Rule("prp-symp", (("?p", TYPE, SYMM), ("?x", "?p", "?y")), ("?y", "?p", "?x"),
         (NOT_LITERAL.format("?y"),)),
    Rule("prp-trp", (("?p", TYPE, TRANS), ("?x", "?p", "?y"), ("?y", "?p", "?z")), ("?x", "?p", "?z")),
    Rule("cax-sco", (("?c1", SCO, "?c2"), ("?x", TYPE, "?c1")), ("?x", TYPE, "?c2"), ("?c1 != ?c2",), BOTH),
)

# Rules that only check consistency (they derive owl:Nothing / false): evaluated as queries after the closure.
CONSISTENCY_RULES = ("cax-dw",)

# Every OWL/RDFS schema construct this engine understands. Using anything else in the ontology is a test failure.
SUPPORTED_CONSTRUCTS: dict[str, str] = {
    f"{RDFS}subClassOf": "scm-sco, cax-sco",
    f"{RDFS}subPropertyOf": "scm-spo, prp-spo1",
    f"{RDFS}domain": "prp-dom, scm-dom1, scm-dom2",
    f"{RDFS}range": "prp-rng, scm-rng1, scm-rng2",
    f"{OWL}equivalentClass": "scm-eqc1 (then cax-sco)",
    f"{OWL}equivalentProperty": "scm-eqp1 (then prp-spo1)",
    f"{OWL}inverseOf": "prp-inv1, prp-inv2",
    f"{OWL}TransitiveProperty": "prp-trp",
    f"{OWL}SymmetricProperty": "prp-symp",
    f"{OWL}propertyChainAxiom": "prp-spo2",
    f"{OWL}disjointWith": "cax-dw (consistency check)",
}

# Declarations and annotations that trigger no rule.
NEUTRAL_VOCABULARY = {
    f"{OWL}Class", f"{OWL}ObjectProperty", f"{OWL}DatatypeProperty", f"{OWL}AnnotationProperty",
    f"{OWL}Ontology", f"{OWL}versionIRI", f"{OWL}versionInfo", f"{OWL}imports", f"{OWL}Thing",
    f"{RDFS}label", f"{RDFS}comment", f"{RDFS}isDefinedBy", f"{RDFS}seeAlso", f"{RDFS}Literal",
    f"{RDF}type", f"{RDF}first", f"{RDF}rest", f"{RDF}nil", f"{RDF}langString", f"{RDF}Property",
    f"{RDF}Statement", f"{RDFS}Class",
}


def constructs_used(ontology_triples: list[tuple[str, str, str]]) -> set[str]:
    """OWL/RDFS vocabulary IRIs used as predicates or as rdf:type objects in the ontology."""
    used: set[str] = set()
    for _s, p, o in ontology_triples:
        for term in (p, o if p == f"{RDF}type" else None):
            if term and (term.startswith(OWL) or term.startswith(RDFS) or term.startswith(RDF)):
                used.add(term)
    return used


def unsupported_constructs(ontology_triples: list[tuple[str, str, str]]) -> set[str]:
    return {c for c in constructs_used(ontology_triples)
            if c not in SUPPORTED_CONSTRUCTS and c not in NEUTRAL_VOCABULARY}


def chain_rules(chains: dict[str, tuple[str, list[str]]]) -> list[Rule]:
    """prp-spo2, compiled once per property chain axiom: {q: (list node term, [p1, …, pn])}."""
    rules = []
    for q, (list_term, props) in sorted(chains.items()):
        body = tuple((f"?x{i}", f"<{p}>", f"?x{i + 1}") for i, p in enumerate(props))
        head = ("?x0", f"<{q}>", f"?x{len(props)}")
        rules.append(Rule("prp-spo2", body, head, (NOT_LITERAL.format(f"?x{len(props)}"),),
                          chain=tuple(props), chain_axiom=(f"<{q}>", CHAIN, list_term)))
    return rules


def rules_for(regime: str, chains: dict[str, tuple[str, list[str]]]) -> list[Rule]:
    """The rules of a regime: rdfs (RDFS entailment as OWL 2 RL rules) or owlrl (all of the table)."""
    if regime == "none":
        return []
    rules = [r for r in BASE_RULES if regime in r.regimes]
    if regime == "owlrl":
        rules += chain_rules(chains)
    return rules
