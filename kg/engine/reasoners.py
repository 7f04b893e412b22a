"""Materialise the closure of a regime next to the asserted graph.

Store layout (shared by every engine): one named graph per source file (asserted, for provenance), one
named graph per reasoning round (inferred, for explanations), and the store's default graph holding the
whole answer set (asserted ∪ inferred, each triple once) that queries run on. Keeping the query view in
the default graph is what makes a query here cost what it costs on a plain Oxigraph store.

Engines:
- rules (default): the OWL 2 RL rule table of kg.engine.rules, evaluated as SPARQL updates inside
  pyoxigraph, semi-naive (each round joins one premise against what the previous round added), one graph
  per round. Explanations are rebuilt from those rounds.
- owlrl: the reference implementation (rdflib), on a copy, noise removed.
- reasonable: the Rust OWL 2 RL reasoner, on a copy, noise removed (fast up to ~100k triples; its memory
  grows far faster than the graph), completed by the rule table where it stops short (property chains).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from kg.engine.rules import Rule, rules_for
from kg.shared.errors import KgError
from kg.shared.namespaces import GRAPH_BASE, OWL, RDF, RDFS, XSD

ROUND_GRAPH_BASE = GRAPH_BASE + "inferred/round/"
ENGINE_GRAPH_BASE = GRAPH_BASE + "inferred/engine/"
BUILTIN_NAMESPACES = (RDF, RDFS, OWL, XSD)


def round_graph(n: int) -> ox.NamedNode:
    return ox.NamedNode(f"{ROUND_GRAPH_BASE}{n}")


def round_of_graph(graph: object) -> int | None:
    """Round number of an inferred graph; 0 for asserted (file) graphs; None for anything else."""
    if isinstance(graph, ox.NamedNode):
        if graph.value.startswith(ROUND_GRAPH_BASE):
            return int(graph.value[len(ROUND_GRAPH_BASE):])
        if graph.value.startswith(GRAPH_BASE + "file/"):
            return 0
    return None


def materialise(store: ox.Store, ontology_graphs: list[ox.NamedNode], *,
                regime: str, engine: str, record_rounds: bool = True) -> list[ox.NamedNode]:
    """Compute the closure of `regime` with `engine`; return the inferred graphs (rounds, in order).

    `record_rounds=False` merges the rounds into one graph as it goes: explanations then cannot be rebuilt.
    It exists to measure what recording derivations costs (benchmarks), not for normal use.
    """
    if regime == "none":
        return []
    from kg.shared import progress

    with progress.step(f"Reasoning ({regime}, engine {engine})") as shown:
        def on_round(n: int) -> None:
            shown.detail(f"round {n}")

        if engine == "rules":
            graphs = run_rules(store, rules_for(regime, property_chains(store, ontology_graphs)),
                               record_rounds=record_rounds, on_round=on_round)
        elif engine == "owlrl":
            graphs = _load_inferred(store, owlrl_inferred(store, regime), "owlrl")
        elif engine == "reasonable":
            graphs = _load_inferred(store, reasonable_inferred(store, ontology_graphs, regime), "reasonable")
            # reasonable 0.4 skips some rules our ontology needs (property chains among them, measured on the
            # test fixture): complete its closure with the rule table so every engine gives the same answers.
            graphs += run_rules(store, rules_for(regime, property_chains(store, ontology_graphs)),
                                on_round=on_round)
        else:
            raise KgError(f"unknown engine {engine!r}")
        check_consistency(store)
    return graphs


# --------------------------------------------------------------------------------------------------
# The rules engine
# --------------------------------------------------------------------------------------------------

def property_chains(store: ox.Store, ontology_graphs: list[ox.NamedNode]) -> dict[str, tuple[str, list[str]]]:
    """{q: (list node, [p1, …, pn])} for every owl:propertyChainAxiom in the ontology."""
    chains: dict[str, tuple[str, list[str]]] = {}
    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
    for graph in ontology_graphs:
        for quad in store.quads_for_pattern(None, ox.NamedNode(OWL + "propertyChainAxiom"), None, graph):
            props: list[str] = []
            node = quad.object
            while node != nil:
                heads = list(store.quads_for_pattern(node, first, None, graph))
                tails = list(store.quads_for_pattern(node, rest, None, graph))
                if len(heads) != 1 or len(tails) != 1 or not isinstance(heads[0].object, ox.NamedNode):
                    raise KgError(f"malformed owl:propertyChainAxiom on <{quad.subject.value}>")
                props.append(heads[0].object.value)
                node = tails[0].object
            chains[quad.subject.value] = (str(quad.object), props)
    return chains


def _atom(atom: tuple[str, str, str]) -> str:
    return " ".join(atom)


def forward_updates(rule: Rule, round_no: int, *, schema_changed: bool = True) -> list[str]:
    """SPARQL updates that apply `rule` in round `round_no`, writing only triples not already known.

    Round 1 reads everything once; later rounds are semi-naive: one variant per body atom, that atom read
    from the previous round's graph only. Variants whose delta atom is an ontology axiom are skipped when
    the previous round added no axiom (the usual case once the schema stratum is closed).
    """
    if round_no == 1:
        return _first_round_updates(rule, 1)
    head = _atom(rule.head)
    tail = "".join(f" FILTER({f})" for f in rule.filters) + f" FILTER NOT EXISTS {{ {head} }}"
    target = f"<{round_graph(round_no).value}>"
    delta = f"<{round_graph(round_no - 1).value}>"
    schema_atoms = rule.schema_atoms()
    updates = []
    for i, atom in enumerate(rule.body):
        if i in schema_atoms and not schema_changed:
            continue
        others = "".join(f" {_atom(a)} ." for j, a in enumerate(rule.body) if j != i)
        updates.append(
            f"INSERT {{ GRAPH {target} {{ {head} }} }} WHERE {{ GRAPH {delta} {{ {_atom(atom)} }}{others}{tail} }}"
        )
    return updates


TYPE_RULES = ("prp-dom", "prp-rng", "cax-sco")


def strata(rules: list[Rule]) -> list[list[Rule]]:
    """Schema rules, then property rules, then type rules.

    With the schema closed first (scm-dom1/scm-rng1 give every superclass of a domain or range, scm-sco
    every superclass of a class), one round of type rules derives all the types, and no property rule
    reads a type triple, so property rules can reach their fixpoint before any type is derived.
    """
    schema = [r for r in rules if r.is_schema_rule]
    types = [r for r in rules if r.name in TYPE_RULES]
    props = [r for r in rules if not r.is_schema_rule and r.name not in TYPE_RULES]
    return [s for s in (schema, props, types) if s]


def run_rules(store: ox.Store, rules: list[Rule], max_rounds: int = 1000,
              record_rounds: bool = True, on_round: Callable[[int], None] | None = None) -> list[ox.NamedNode]:
    """Apply rules stratum by stratum, round after round until a round adds nothing; return the round graphs.

    Round N's triples land in graph N and then in the default graph; rules of round N read only rounds < N,
    so a triple's round bounds the depth of its proof (explanations rely on it). Schema rules run as generic
    updates (the ontology is small); instance rules are compiled per axiom group once the schema is closed.
    """
    graphs: list[ox.NamedNode] = []
    closes_types = {"scm-dom1", "scm-rng1"} <= {r.name for r in rules}
    for stratum in strata(rules):
        first_round = len(graphs) + 1
        is_schema = stratum[0].is_schema_rule
        compiled = [] if is_schema else _compile(stratum, store)
        while True:
            n = len(graphs) + 1
            if n > max_rounds:
                raise KgError(f"reasoning did not finish within {max_rounds} rounds")
            if on_round is not None:
                on_round(n)
            graph = round_graph(n)
            target = f"<{graph.value}>"
            delta = None if n == first_round else f"<{round_graph(n - 1).value}>"
            if is_schema:
                for rule in stratum:
                    for update in (_first_round_updates(rule, n) if delta is None else forward_updates(rule, n)):
                        store.update(update)
            else:
                present = None if delta is None else _predicates_in(store, round_graph(n - 1))
                for c in compiled:
                    if delta is None:
                        store.update(c.update(target))
                    else:
                        for i, atom in enumerate(c.data_atoms):
                            if atom[1].startswith("<") and atom[1] not in present:
                                continue  # nothing in the delta can match this atom
                            store.update(c.update(target, delta, i))
            if not is_schema:
                # Keep only what is new: the compiled updates insert every conclusion (see compile.py).
                store.update(f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {target} {{ ?s ?p ?o }} "
                             "?s ?p ?o }")
            if _is_empty(store, graph):
                if store.contains_named_graph(graph):
                    store.remove_graph(graph)
                break
            store.update(f"ADD <{graph.value}> TO DEFAULT")
            graphs.append(graph)
            if not record_rounds and n > 1:
                # Fold the previous round (no longer needed as a delta) into one graph: no derivation record.
                merged = ENGINE_GRAPH_BASE + "merged"
                previous = round_graph(n - 1).value
                store.update(f"ADD <{previous}> TO <{merged}> ; DROP GRAPH <{previous}>")
            if not is_schema and _has_schema_triples(store, graph):
                # An instance rule produced an axiom: the compiled forms are stale. Recompile and go on.
                compiled = _compile(stratum, store)
                first_round = n + 1
            elif stratum[0].name in TYPE_RULES and closes_types and _types_are_inert(store):
                break  # one round of type rules is complete (see strata); nothing reads rdf:type triples
    if not record_rounds:
        merged = ENGINE_GRAPH_BASE + "merged"
        if graphs:
            store.update(f"ADD <{graphs[-1].value}> TO <{merged}> ; DROP GRAPH <{graphs[-1].value}>")
        return [ox.NamedNode(merged)] if graphs else []
    return graphs


def _compile(stratum: list[Rule], store: ox.Store) -> list:
    from kg.engine.compile import compile_rule

    return [c for rule in stratum for c in compile_rule(rule, store)]


def _types_are_inert(store: ox.Store) -> bool:
    """True when no axiom can turn an rdf:type triple into something new (rdf:type has no domain, range,
    super-property, inverse or chain): then the type stratum needs no second round."""
    rdf_type = f"<{RDF}type>"
    return not bool(store.query(
        f"ASK {{ {{ {rdf_type} ?axiom ?v FILTER(?axiom IN (<{RDFS}domain>, <{RDFS}range>, <{RDFS}subPropertyOf>,"
        f" <{OWL}inverseOf>, <{OWL}equivalentProperty>, <{OWL}propertyChainAxiom>)) }} UNION"
        f" {{ ?q ?axiom2 {rdf_type} FILTER(?axiom2 IN (<{OWL}inverseOf>, <{OWL}equivalentProperty>)) }} UNION"
        f" {{ ?q <{OWL}propertyChainAxiom> ?l . ?l <{RDF}rest>*/<{RDF}first> {rdf_type} }} }}"))


def _first_round_updates(rule: Rule, n: int) -> list[str]:
    """A stratum's first round reads everything once (no delta yet)."""
    head = _atom(rule.head)
    tail = "".join(f" FILTER({f})" for f in rule.filters) + f" FILTER NOT EXISTS {{ {head} }}"
    body = " . ".join(_atom(a) for a in rule.body)
    return [f"INSERT {{ GRAPH <{round_graph(n).value}> {{ {head} }} }} WHERE {{ {body} .{tail} }}"]


def _predicates_in(store: ox.Store, graph: ox.NamedNode) -> set[str]:
    """The predicates (as SPARQL terms) occurring in a graph: a delta variant whose atom has another
    constant predicate cannot match, and is skipped."""
    rows = store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return {str(r["p"]) for r in rows}


def _has_schema_triples(store: ox.Store, graph: ox.NamedNode) -> bool:
    from kg.engine.rules import SCHEMA_PREDICATES, SCHEMA_TYPES, TYPE

    for pred in SCHEMA_PREDICATES:
        if next(iter(store.quads_for_pattern(None, ox.NamedNode(pred[1:-1]), None, graph)), None) is not None:
            return True
    for typ in SCHEMA_TYPES:
        if next(iter(store.quads_for_pattern(None, ox.NamedNode(TYPE[1:-1]), ox.NamedNode(typ[1:-1]), graph)),
                None) is not None:
            return True
    return False


def _is_empty(store: ox.Store, graph: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, graph)), None) is None


# --------------------------------------------------------------------------------------------------
# Reference engines (owlrl, reasonable): run on a copy of the asserted graph, keep only the new triples
# --------------------------------------------------------------------------------------------------

def is_noise(s: object, p: object, o: object) -> bool:
    """Triples every engine drops: literal subjects, tautologies, and statements about built-in vocabulary.

    Works on pyoxigraph terms and on rdflib terms (both expose the IRI as str()/value)."""
    s_val, p_val, o_val = _value(s), _value(p), _value(o)
    if _is_literal(s):
        return True
    if s_val.startswith(BUILTIN_NAMESPACES):
        return True
    if p_val in _REFLEXIVE_TAUTOLOGIES and s_val == o_val and not _is_literal(o):
        return True
    if p_val in (RDF + "type", RDFS + "subClassOf", RDFS + "domain", RDFS + "range") \
            and o_val in (OWL + "Thing", RDFS + "Resource"):
        return True
    if p_val == RDF + "type" and o_val.startswith(BUILTIN_NAMESPACES) and o_val not in _KEPT_BUILTIN_TYPES:
        return True
    return False


_REFLEXIVE_TAUTOLOGIES = {OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty",
                          RDFS + "subClassOf", RDFS + "subPropertyOf"}
# rdf:type objects from the built-in namespaces that carry information in our graph (declarations, ranges).
_KEPT_BUILTIN_TYPES = {OWL + "Class", OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                       OWL + "TransitiveProperty", OWL + "SymmetricProperty", OWL + "Ontology", RDF + "Statement"}


def _value(term: object) -> str:
    return term.value if hasattr(term, "value") and not isinstance(term, str) else str(term)


def _is_literal(term: object) -> bool:
    if isinstance(term, ox.Literal):
        return True
    return type(term).__name__ == "Literal"


def _asserted_rdflib(store: ox.Store):  # -> rdflib.Graph
    import rdflib

    data = ox.serialize(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data, format="nt")
    return graph


def owlrl_inferred(store: ox.Store, regime: str) -> Iterable[tuple]:
    import owlrl

    graph = _asserted_rdflib(store)
    asserted = set(graph)
    semantics = owlrl.OWLRL_Semantics if regime == "owlrl" else owlrl.RDFS_Semantics
    # owlrl swaps rdflib's lexical-to-Python conversions for its own and restores only part of them, which
    # leaves e.g. xsd:gMonthDay broken for every later rdflib user in the process (pySHACL saw valid dates
    # as ill-typed). Put rdflib's table back exactly as it was.
    from rdflib import term

    saved = dict(term._toPythonMapping)
    try:
        owlrl.DeductiveClosure(semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    finally:
        term._toPythonMapping.clear()
        term._toPythonMapping.update(saved)
    return _without_copied_literals([t for t in graph if t not in asserted and not is_noise(*t)], asserted, graph)


def _without_copied_literals(inferred: list[tuple], asserted: set[tuple], closure) -> list[tuple]:
    """Drop owlrl's literal artefacts.

    owlrl stands literals in for equal-comparing ones (seen here: `skos:prefLabel "Jean Zay"@en` inferred from
    `rdfs:label "Jean Zay"@en` and `skos:prefLabel "Jean Zay"@fr`). Without owl:sameAs or hasValue, an OWL 2 RL
    rule can only conclude (s p "lit") from an asserted (s q "lit") where q is a sub-property of p (prp-spo1,
    prp-eqp), so anything else with a literal object is such an artefact.
    """
    import rdflib

    sub = rdflib.RDFS.subPropertyOf
    supers: dict[object, set[object]] = {}
    for q, _, p in closure.triples((None, sub, None)):
        supers.setdefault(q, set()).add(p)
    derivable = {(s, p, repr(o)) for s, q, o in asserted if isinstance(o, rdflib.Literal) for p in supers.get(q, ())}
    return [(s, p, o) for s, p, o in inferred
            if not isinstance(o, rdflib.Literal) or (s, p, repr(o)) in derivable]


def reasonable_inferred(store: ox.Store, ontology_graphs: list[ox.NamedNode], regime: str) -> Iterable[tuple]:
    try:
        import reasonable
    except ImportError:
        raise KgError("--engine reasonable needs the 'reasonable' package: pip install 'ecosystem-kg[reasonable]'") \
            from None
    graph = _asserted_rdflib(store)
    if regime == "rdfs":
        graph = _rdfs_only(graph)
    asserted = set(graph)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph(graph)
    return [t for t in reasoner.reason() if t not in asserted and not is_noise(*t)]


def _rdfs_only(graph):  # -> rdflib.Graph
    """The graph without OWL axioms, so an OWL 2 RL reasoner computes RDFS entailment only."""
    import rdflib

    out = rdflib.Graph()
    for s, p, o in graph:
        if str(p).startswith(OWL) or (str(p) == RDF + "type" and str(o).startswith(OWL)):
            continue
        out.add((s, p, o))
    return out


def _load_inferred(store: ox.Store, triples: Iterable[tuple], engine: str) -> list[ox.NamedNode]:
    import rdflib

    graph = ox.NamedNode(ENGINE_GRAPH_BASE + engine)
    nt = rdflib.Graph()
    for t in triples:
        nt.add(t)
    if len(nt):
        store.load(nt.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
        # Drop what is already asserted: engines differ in how they hand back literals ("x" vs "x"^^xsd:string),
        # and the inferred graph must hold only what reasoning added.
        store.update(f"DELETE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph.value}> "
                     "{ ?s ?p ?o } FILTER EXISTS { ?s ?p ?o } }")
        store.update(f"ADD <{graph.value}> TO DEFAULT")
    return [graph] if len(nt) else []


# --------------------------------------------------------------------------------------------------
# Consistency (cax-dw)
# --------------------------------------------------------------------------------------------------

def check_consistency(store: ox.Store) -> None:
    """Fail on an individual typed with two disjoint classes: an inconsistent closure answers anything."""
    rows = list(store.query(
        f"SELECT ?x ?c1 ?c2 WHERE {{ ?c1 <{OWL}disjointWith> ?c2 . ?x a ?c1 , ?c2 }} LIMIT 1"))
    if rows:
        r = rows[0]
        raise KgError(f"the graph is inconsistent (cax-dw): {r['x']} is both {r['c1']} and {r['c2']}, "
                      "which are disjoint")
