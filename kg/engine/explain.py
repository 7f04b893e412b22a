"""Proofs of inferred triples, rebuilt from the rounds the rules engine recorded.

The reasoner stores round N's conclusions in graph N and lets round N read only rounds < N. So a triple of
round N has at least one rule instance (from the same rule table the reasoner ran) whose premises all lie in
rounds < N. Explaining walks backwards: for each rule whose head matches, one bound SELECT finds premises in
earlier rounds; we keep the instance whose premises come from the earliest rounds (the shortest proof) and
recurse. Nothing is stored per derivation, so recording costs nothing beyond the round graphs.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.engine.knowledge import KnowledgeGraph
from kg.engine.reasoners import property_chains, round_of_graph
from kg.engine.rules import Atom, Rule, rules_for
from kg.shared.errors import KgError
from kg.shared.namespaces import EKG, RDF
from kg.shared.records import Record

PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
DCT = "http://purl.org/dc/terms/"


class Source(Record):
    """A document behind an asserted triple, with the words that state it: document (IRI of the
    ekg:SourceDocument), identifier (its file name), title, quotes, via (the fact node — attestation, role,
    figure… — that carries the citation)."""

    _fields = ("document", "identifier", "title", "quotes", "via")
    __slots__ = _fields


class Proof(Record):
    """triple; rule (None: asserted); round; premises (Proofs); files; sources; chain (prp-spo2: the chain's
    properties)."""

    _fields = ("triple", "rule", "round", "premises", "files", "sources", "chain")
    _defaults = {"rule": None, "round": 0, "premises": [], "files": [], "sources": [], "chain": []}  # noqa: RUF012
    __slots__ = _fields

    @property
    def asserted(self) -> bool:
        return self.rule is None

    def leaves(self) -> list[Proof]:
        if self.asserted or self.rule == "axiom":
            return [self]
        return [leaf for p in self.premises for leaf in p.leaves()]

    def depth(self) -> int:
        return 0 if not self.premises else 1 + max(p.depth() for p in self.premises)


class Explainer:
    """Explain triples of one graph. Needs the rules engine: other engines record no rounds."""

    def __init__(self, kgraph: KnowledgeGraph) -> None:
        if kgraph.engine != "rules":
            raise KgError(f"explain needs the default engine (rules); --engine {kgraph.engine} records no "
                          "derivations", exit_code=2)
        self.kg = kgraph
        self.store = kgraph.store
        chains = property_chains(self.store, kgraph.ontology_graphs) if kgraph.reasoning == "owlrl" else {}
        self.rules = rules_for(kgraph.reasoning, chains)
        self.file_graphs = kgraph.graphs("asserted")
        self._memo: dict[str, Proof] = {}

    # -- where a triple lives ----------------------------------------------------------------------
    def round_of(self, t: ox.Triple) -> int | None:
        """0 when asserted, N when inferred in round N, None when it does not hold."""
        rounds = [round_of_graph(q.graph_name)
                  for q in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None)]
        rounds = [r for r in rounds if r is not None]
        return min(rounds) if rounds else None

    def holds(self, t: ox.Triple) -> bool:
        return next(iter(self.store.quads_for_pattern(t.subject, t.predicate, t.object, ox.DefaultGraph())),
                    None) is not None

    # -- proofs --------------------------------------------------------------------------------------
    def explain(self, t: ox.Triple) -> Proof | None:
        """The shortest proof of t, or None when t neither holds nor follows."""
        key = str(t)
        if key in self._memo:
            return self._memo[key]
        n = self.round_of(t)
        if n is None:
            return None
        if n == 0:
            proof = self._leaf(t)
        else:
            candidates = self.instances(t, n)
            if not candidates:
                raise KgError(f"internal error: no rule instance explains {t} (round {n})", exit_code=2)
            rule, premises = candidates[0]
            proof = self._step(t, rule, n, premises)
        self._memo[key] = proof
        return proof

    def explain_all(self, t: ox.Triple) -> list[Proof]:
        """Every rule instance that concludes t from earlier rounds, each with the shortest sub-proofs."""
        n = self.round_of(t)
        if n is None:
            return []
        if n == 0:
            return [self._leaf(t)]
        return [self._step(t, rule, n, premises) for rule, premises in self.instances(t, n)]

    def _step(self, t: ox.Triple, rule: Rule, n: int, premises: list[ox.Triple]) -> Proof:
        subproofs = [self._premise(p) for p in premises]
        if rule.chain_axiom is not None:
            # prp-spo2's schema premise: q owl:propertyChainAxiom (p1 … pn), compiled into the rule.
            axiom = _triple(*rule.chain_axiom)
            subproofs.insert(0, Proof(axiom, None, 0, files=self.kg.files_asserting(axiom),
                                      chain=list(rule.chain)))
        return Proof(t, rule.name, n, subproofs, chain=list(rule.chain))

    def _premise(self, t: ox.Triple) -> Proof:
        proof = self.explain(t)
        assert proof is not None  # premises were found in the store
        return proof

    def instances(self, t: ox.Triple, n: int) -> list[tuple[Rule, list[ox.Triple]]]:
        """Rule instances with head t and all premises in rounds < n, earliest premises first."""
        named = self.file_graphs + [ox.NamedNode(g.value) for g in self.kg.inferred_graphs
                                    if (round_of_graph(g) or 0) < n]
        found: list[tuple[tuple[int, int, int, str], Rule, list[ox.Triple]]] = []
        for rule in self.rules:
            binding = _unify(rule.head, t)
            if binding is None:
                continue
            for premises in self._match_body(rule, binding, named):
                rounds = [self.round_of(p) or 0 for p in premises]
                key = (max(rounds, default=0), sum(rounds), len(premises), " ".join(map(str, premises)))
                found.append((key, rule, premises))
        found.sort(key=lambda x: x[0])
        seen: set[str] = set()
        out = []
        for _key, rule, premises in found:
            sig = rule.name + "|" + " ".join(map(str, premises))
            if sig not in seen:
                seen.add(sig)
                out.append((rule, premises))
        return out

    def _match_body(self, rule: Rule, binding: dict[str, str], named: list[ox.NamedNode]) -> list[list[ox.Triple]]:
        atoms = [tuple(binding.get(x, x) for x in atom) for atom in rule.body]
        variables = sorted({x for a in atoms for x in a if x.startswith("?")})
        patterns = " ".join(f"GRAPH ?_g{i} {{ {' '.join(a)} }}" for i, a in enumerate(atoms))
        filters = "".join(f" FILTER({_subst(f, binding)})" for f in rule.filters)
        projection = " ".join(variables) if variables else "*"
        query = f"SELECT DISTINCT {projection} WHERE {{ {patterns}{filters} }}"
        results = []
        for row in self.store.query(query, named_graphs=named):
            values = {v: str(row[v[1:]]) for v in variables}
            premises = []
            for a in atoms:
                s, p, o = (values.get(x, x) for x in a)
                premises.append(_triple(s, p, o))
            results.append(premises)
        return results

    # -- leaves ----------------------------------------------------------------------------------------
    def _leaf(self, t: ox.Triple) -> Proof:
        files = self.kg.files_asserting(t)
        return Proof(t, None, 0, files=files, sources=self.sources(t))

    def sources(self, t: ox.Triple) -> list[Source]:
        """Documents and quotes stating an asserted triple: its ekg:Attestation nodes, or the fact node it
        belongs to (a role, figure, funding… carries its own prov:wasDerivedFrom and ekg:quote)."""
        s, p, o = str(t.subject), str(t.predicate), str(t.object)
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            return []
        query = f"""
        SELECT ?via ?doc ?id ?title ?quote WHERE {{
          {{ ?via a <{EKG}Attestation> ; <{RDF}subject> {s} ; <{RDF}predicate> {p} ; <{RDF}object> {o} . }}
          UNION {{ BIND({s} AS ?via) FILTER EXISTS {{ {s} <{PROV_DERIVED}> ?any }}
                  FILTER NOT EXISTS {{ {s} a <{EKG}Attestation> }} }}
          ?via <{PROV_DERIVED}> ?doc .
          OPTIONAL {{ ?via <{EKG}quote> ?quote }}
          OPTIONAL {{ ?doc <{DCT}identifier> ?id }}
          OPTIONAL {{ ?doc <{DCT}title> ?title }}
        }}"""
        grouped: dict[tuple[str, str], Source] = {}
        for row in self.store.query(query):
            key = (row["via"].value, row["doc"].value)
            src = grouped.get(key)
            if src is None:
                src = Source(row["doc"].value, row["id"].value if row["id"] else "",
                             row["title"].value if row["title"] else "", [], row["via"].value)
                grouped[key] = src
            if row["quote"] is not None and row["quote"].value not in src.quotes:
                src.quotes.append(row["quote"].value)
        for src in grouped.values():
            src.quotes.sort()
        return sorted(grouped.values(), key=lambda x: (x.identifier, x.via))


def _unify(head: Atom, t: ox.Triple) -> dict[str, str] | None:
    binding: dict[str, str] = {}
    for pattern, term in zip(head, (t.subject, t.predicate, t.object), strict=True):
        value = str(term)
        if pattern.startswith("?"):
            if pattern in binding and binding[pattern] != value:
                return None
            binding[pattern] = value
        elif pattern != value:
            return None
    return binding


def _subst(text: str, binding: dict[str, str]) -> str:
    import re

    return re.sub(r"\?[A-Za-z0-9_]+", lambda m: binding.get(m.group(0), m.group(0)), text)


def _parse_term(text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    triple = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return triple.object


def _triple(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(_parse_term(s), _parse_term(p), _parse_term(o))


def supporting_documents(proof: Proof) -> list[Source]:
    """The union of the sources of a proof's leaves (what `kg describe` shows for an inferred statement)."""
    seen: dict[tuple[str, str], Source] = {}
    for leaf in proof.leaves():
        for src in leaf.sources:
            seen.setdefault((src.identifier, src.via), src)
    return sorted(seen.values(), key=lambda s: (s.identifier, s.via))
