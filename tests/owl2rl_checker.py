"""An independent checker for proofs, written from the W3C OWL 2 RL/RDF rule tables (OWL 2 Profiles §4.3).

It shares no code with kg.engine.rules: each rule is transcribed here as a Python function over plain
(subject, predicate, object) strings, so a mistake in the engine's rule table cannot hide itself.

Terms are N-Triples strings (`<iri>`, `_:b`, `"lit"@fr`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import permutations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

TYPE = f"<{RDF}type>"
FIRST, REST, NIL = f"<{RDF}first>", f"<{RDF}rest>", f"<{RDF}nil>"
SCO, SPO = f"<{RDFS}subClassOf>", f"<{RDFS}subPropertyOf>"
DOM, RNG = f"<{RDFS}domain>", f"<{RDFS}range>"
EQC, EQP, INV = f"<{OWL}equivalentClass>", f"<{OWL}equivalentProperty>", f"<{OWL}inverseOf>"
TRANS, SYMM, CHAIN = f"<{OWL}TransitiveProperty>", f"<{OWL}SymmetricProperty>", f"<{OWL}propertyChainAxiom>"

Triple = tuple[str, str, str]


def _two(premises: list[Triple], head: Triple, match: Callable[[Triple, Triple], Triple | None]) -> bool:
    return any(match(a, b) == head for a, b in permutations(premises, 2)) if len(premises) == 2 else False


def scm_sco(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?c1, rdfs:subClassOf, ?c2) T(?c2, rdfs:subClassOf, ?c3) → T(?c1, rdfs:subClassOf, ?c3)
    return _two(p, h, lambda a, b: (a[0], SCO, b[2]) if a[1] == SCO == b[1] and a[2] == b[0] else None)


def scm_spo(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    return _two(p, h, lambda a, b: (a[0], SPO, b[2]) if a[1] == SPO == b[1] and a[2] == b[0] else None)


def scm_eqc1(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?c1, owl:equivalentClass, ?c2) → T(?c1, rdfs:subClassOf, ?c2) T(?c2, rdfs:subClassOf, ?c1)
    return len(p) == 1 and p[0][1] == EQC and h in ((p[0][0], SCO, p[0][2]), (p[0][2], SCO, p[0][0]))


def scm_eqp1(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    return len(p) == 1 and p[0][1] == EQP and h in ((p[0][0], SPO, p[0][2]), (p[0][2], SPO, p[0][0]))


def scm_dom1(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p, rdfs:domain, ?c1) T(?c1, rdfs:subClassOf, ?c2) → T(?p, rdfs:domain, ?c2)
    return _two(p, h, lambda a, b: (a[0], DOM, b[2]) if a[1] == DOM and b[1] == SCO and a[2] == b[0] else None)


def scm_dom2(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p2, rdfs:domain, ?c) T(?p1, rdfs:subPropertyOf, ?p2) → T(?p1, rdfs:domain, ?c)
    return _two(p, h, lambda a, b: (b[0], DOM, a[2]) if a[1] == DOM and b[1] == SPO and b[2] == a[0] else None)


def scm_rng1(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    return _two(p, h, lambda a, b: (a[0], RNG, b[2]) if a[1] == RNG and b[1] == SCO and a[2] == b[0] else None)


def scm_rng2(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    return _two(p, h, lambda a, b: (b[0], RNG, a[2]) if a[1] == RNG and b[1] == SPO and b[2] == a[0] else None)


def prp_dom(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p, rdfs:domain, ?c) T(?x, ?p, ?y) → T(?x, rdf:type, ?c)
    return _two(p, h, lambda a, b: (b[0], TYPE, a[2]) if a[1] == DOM and b[1] == a[0] else None)


def prp_rng(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p, rdfs:range, ?c) T(?x, ?p, ?y) → T(?y, rdf:type, ?c)
    return _two(p, h, lambda a, b: (b[2], TYPE, a[2]) if a[1] == RNG and b[1] == a[0] else None)


def prp_spo1(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p1, rdfs:subPropertyOf, ?p2) T(?x, ?p1, ?y) → T(?x, ?p2, ?y)
    return _two(p, h, lambda a, b: (b[0], a[2], b[2]) if a[1] == SPO and b[1] == a[0] else None)


def prp_inv1(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p1, owl:inverseOf, ?p2) T(?x, ?p1, ?y) → T(?y, ?p2, ?x)
    return _two(p, h, lambda a, b: (b[2], a[2], b[0]) if a[1] == INV and b[1] == a[0] else None)


def prp_inv2(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p1, owl:inverseOf, ?p2) T(?x, ?p2, ?y) → T(?y, ?p1, ?x)
    return _two(p, h, lambda a, b: (b[2], a[0], b[0]) if a[1] == INV and b[1] == a[2] else None)


def prp_symp(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p, rdf:type, owl:SymmetricProperty) T(?x, ?p, ?y) → T(?y, ?p, ?x)
    return _two(p, h, lambda a, b: (b[2], b[1], b[0]) if a[1] == TYPE and a[2] == SYMM and b[1] == a[0] else None)


def prp_trp(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p, rdf:type, owl:TransitiveProperty) T(?x, ?p, ?y) T(?y, ?p, ?z) → T(?x, ?p, ?z)
    if len(p) != 3:
        return False
    for a, b, c in permutations(p, 3):
        if a[1] == TYPE and a[2] == TRANS and b[1] == c[1] == a[0] and b[2] == c[0] and h == (b[0], a[0], c[2]):
            return True
    return False


def rdf_list(node: str, schema: set[Triple]) -> list[str] | None:
    items: list[str] = []
    seen: set[str] = set()
    while node != NIL:
        if node in seen:
            return None
        seen.add(node)
        firsts = [t[2] for t in schema if t[0] == node and t[1] == FIRST]
        rests = [t[2] for t in schema if t[0] == node and t[1] == REST]
        if len(firsts) != 1 or len(rests) != 1:
            return None
        items.append(firsts[0])
        node = rests[0]
    return items


def prp_spo2(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?p, owl:propertyChainAxiom, ?x) LIST[?x, ?p1, …, ?pn] T(?u1, ?p1, ?u2) … T(?un, ?pn, ?un+1)
    #   → T(?u1, ?p, ?un+1)
    axioms = [t for t in p if t[1] == CHAIN]
    if len(axioms) != 1 or axioms[0][0] != h[1]:
        return False
    chain = rdf_list(axioms[0][2], schema)
    links = [t for t in p if t is not axioms[0]]
    if chain is None or len(links) != len(chain):
        return False
    for order in permutations(links):
        if [t[1] for t in order] != chain:
            continue
        if all(order[i][2] == order[i + 1][0] for i in range(len(order) - 1)) \
                and h == (order[0][0], h[1], order[-1][2]):
            return True
    return False


def cax_sco(p: list[Triple], h: Triple, schema: set[Triple]) -> bool:
    # T(?c1, rdfs:subClassOf, ?c2) T(?x, rdf:type, ?c1) → T(?x, rdf:type, ?c2)
    return _two(p, h, lambda a, b: (b[0], TYPE, a[2]) if a[1] == SCO and b[1] == TYPE and b[2] == a[0] else None)


RULES: dict[str, Callable[[list[Triple], Triple, set[Triple]], bool]] = {
    "scm-sco": scm_sco, "scm-spo": scm_spo, "scm-eqc1": scm_eqc1, "scm-eqp1": scm_eqp1,
    "scm-dom1": scm_dom1, "scm-dom2": scm_dom2, "scm-rng1": scm_rng1, "scm-rng2": scm_rng2,
    "prp-dom": prp_dom, "prp-rng": prp_rng, "prp-spo1": prp_spo1, "prp-inv1": prp_inv1, "prp-inv2": prp_inv2,
    "prp-symp": prp_symp, "prp-trp": prp_trp, "prp-spo2": prp_spo2, "cax-sco": cax_sco,
}


def check_proof(proof: object, asserted: set[Triple], schema: set[Triple],
                ancestors: frozenset[Triple] = frozenset()) -> list[str]:
    """Problems found in a proof tree (empty when it is valid). `proof` is a kg.engine.explain.Proof."""
    t = _key(proof.triple)
    problems: list[str] = []
    if t in ancestors:
        return [f"cycle: {t} is used to prove itself"]
    if proof.rule is None:
        if t not in asserted:
            problems.append(f"leaf {t} is not asserted")
        return problems
    check = RULES.get(proof.rule)
    if check is None:
        return [f"unknown rule {proof.rule!r} for {t}"]
    premises = [_key(p.triple) for p in proof.premises]
    if not check(premises, t, schema):
        problems.append(f"{proof.rule} does not conclude {t} from {premises}")
    for sub in proof.premises:
        problems += check_proof(sub, asserted, schema, ancestors | {t})
    return problems


def _key(triple: object) -> Triple:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def one_step_consequences(closure: set[Triple], schema: set[Triple]) -> set[Triple]:
    """Everything one application of the rules above derives from `closure`, computed naively and
    independently of the engine (used to show the engine's closure is closed under the rules)."""
    by_pred: dict[str, list[Triple]] = {}
    for t in closure:
        by_pred.setdefault(t[1], []).append(t)
    by_subject_pred: dict[tuple[str, str], list[Triple]] = {}
    for t in closure:
        by_subject_pred.setdefault((t[0], t[1]), []).append(t)
    typed: dict[str, list[str]] = {}
    for x, _, c in by_pred.get(TYPE, []):
        typed.setdefault(c, []).append(x)
    out: set[Triple] = set()

    def pairs(pred1: str) -> Iterable[Triple]:
        return by_pred.get(pred1, [])

    for c1, _, c2 in pairs(SCO):
        for _, _, c3 in by_subject_pred.get((c2, SCO), []):
            if c1 != c3:
                out.add((c1, SCO, c3))
        if c1 != c2:
            out |= {(x, TYPE, c2) for x in typed.get(c1, [])}
    for p1, _, p2 in pairs(SPO):
        for _, _, p3 in by_subject_pred.get((p2, SPO), []):
            if p1 != p3:
                out.add((p1, SPO, p3))
        if p1 != p2:
            for x, _, y in by_pred.get(p1, []):
                out.add((x, p2, y))
    for c1, _, c2 in pairs(EQC):
        if c1 != c2:
            out |= {(c1, SCO, c2), (c2, SCO, c1)}
    for p1, _, p2 in pairs(EQP):
        if p1 != p2:
            out |= {(p1, SPO, p2), (p2, SPO, p1)}
    for prop, _, c in pairs(DOM):
        for _, _, c2 in by_subject_pred.get((c, SCO), []):
            if c != c2:
                out.add((prop, DOM, c2))
        for x, _, _y in by_pred.get(prop, []):
            if not x.startswith('"'):
                out.add((x, TYPE, c))
    for prop, _, c in pairs(RNG):
        for _, _, c2 in by_subject_pred.get((c, SCO), []):
            if c != c2:
                out.add((prop, RNG, c2))
        for _x, _, y in by_pred.get(prop, []):
            if not y.startswith('"'):
                out.add((y, TYPE, c))
    for p1, _, p2 in pairs(SPO):
        if p1 == p2:
            continue
        for _, _, c in by_subject_pred.get((p2, DOM), []):
            out.add((p1, DOM, c))
        for _, _, c in by_subject_pred.get((p2, RNG), []):
            out.add((p1, RNG, c))
    for p1, _, p2 in pairs(INV):
        for x, _, y in by_pred.get(p1, []):
            if not y.startswith('"'):
                out.add((y, p2, x))
        for x, _, y in by_pred.get(p2, []):
            if not y.startswith('"'):
                out.add((y, p1, x))
    for prop, _, kind in pairs(TYPE):
        if kind == SYMM:
            for x, _, y in by_pred.get(prop, []):
                if not y.startswith('"'):
                    out.add((y, prop, x))
        if kind == TRANS:
            for x, _, y in by_pred.get(prop, []):
                for _, _, z in by_subject_pred.get((y, prop), []):
                    out.add((x, prop, z))
    for q, _, lst in pairs(CHAIN):
        chain = rdf_list(lst, schema)
        if not chain:
            continue
        frontier = {(x, y) for x, _, y in by_pred.get(chain[0], [])}
        for prop in chain[1:]:
            frontier = {(x, z) for x, y in frontier for _, _, z in by_subject_pred.get((y, prop), [])}
        out |= {(x, q, z) for x, z in frontier if not z.startswith('"')}
    return out
