"""Bring a materialised closure up to date with a change of its asserted triples: DRed, on the store itself.

Why: a rebuild costs the whole graph (10–18 s of reasoning at 1M triples); a change of a few hundred triples
touches a few thousand. The algorithm is DRed (Gupta, Mumick and Subrahmanian 1993; Motik et al. 2015 for
the RDF form): over-delete everything with a derivation that uses a removed triple, re-derive what still
has a derivation from what is left, then insert the additions semi-naively. See docs/reasoning.md for why
DRed rather than Backward/Forward.

The rules are the same table the full build runs (kg.engine.rules, instance rules only: the schema is
unchanged, or the caller rebuilds). They are evaluated here tuple at a time from the changed triples,
each remaining premise found by an index lookup in the store's default graph: a delta of 200 triples costs
a few thousand lookups, whatever the size of the graph.

Rounds. The full build puts each inferred triple in round graph N with a rule instance whose premises lie
in rounds < N, which is all `kg explain` relies on (kg.engine.explain). A triple derived here goes to round
1 + max(rounds of its premises), the smallest round that keeps that invariant for the instance that derived
it; triples that survive deletion keep their round, and every one of their derivations survives with them
(DRed deletes any triple with a derivation through a removed one). So explanations stay valid proofs and a
triple's round still bounds its proof's depth; the round is not always the one a rebuild would give (see
docs/reasoning.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain, islice

import pyoxigraph as ox

from kg.engine.loading import FILE_GRAPH_BASE
from kg.engine.reasoners import round_graph, round_of_graph
from kg.engine.rules import CHAIN, SCHEMA_PREDICATES, SCHEMA_TYPES, TYPE, Rule
from kg.shared.namespaces import OWL

DEFAULT = ox.DefaultGraph()
_RDF_TYPE = ox.NamedNode(TYPE[1:-1])
_SCHEMA_PREDICATES = {ox.NamedNode(p[1:-1]) for p in SCHEMA_PREDICATES | {CHAIN}}
_SCHEMA_TYPES = {ox.NamedNode(t[1:-1]) for t in SCHEMA_TYPES}
_DISJOINT = ox.NamedNode(OWL + "disjointWith")
_NOT_LITERAL = re.compile(r"^!isLiteral\((\?\w+)\)$")
_DIFFERENT = re.compile(r"^(\?\w+) != (\?\w+)$")
_PROBE = 32  # answers read from each of two equally bound atoms to pick the one to start from


class NeedsRebuild(Exception):
    """The change is one incremental maintenance does not handle (an ontology axiom among the changed or
    derived triples, an inconsistency to report): the caller rebuilds the closure from scratch."""


def is_schema_triple(t: ox.Triple) -> bool:
    """An ontology axiom: its predicate is schema vocabulary, or it declares a transitive/symmetric property.
    Instance rules are compiled against these, so a change to one changes the rules themselves."""
    return t.predicate in _SCHEMA_PREDICATES or (t.predicate == _RDF_TYPE and t.object in _SCHEMA_TYPES)


def _term(text: str) -> ox.NamedNode | str:
    """A rule term: a variable stays a string ('?x'), an IRI becomes a NamedNode."""
    return text if text.startswith("?") else ox.NamedNode(text[1:-1])


class _CompiledRule:
    """One instance rule in the form tuple-at-a-time evaluation needs: terms parsed, filters as predicates,
    and the schema-variable checks kg.engine.compile applies (axioms about blank nodes or literals bind no
    data pattern), so both evaluations conclude exactly the same triples."""

    __slots__ = ("body", "different", "head", "key_vars", "name", "not_literal", "rule", "value_vars")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.name = rule.name
        self.body = [tuple(_term(x) for x in atom) for atom in rule.body]
        self.head = tuple(_term(x) for x in rule.head)
        self.not_literal: list[str] = []
        self.different: list[tuple[str, str]] = []
        for f in rule.filters:
            if m := _NOT_LITERAL.match(f):
                self.not_literal.append(m.group(1))
            elif m := _DIFFERENT.match(f):
                self.different.append((m.group(1), m.group(2)))
            else:  # a new kind of filter in the rule table: evaluate it here before using the rule
                raise ValueError(f"rule {rule.name}: filter {f!r} is not understood by incremental maintenance")
        schema_idx = rule.schema_atoms()
        schema_vars = {x for i in schema_idx for x in self.body[i] if isinstance(x, str)}
        data_vars = {x for i, a in enumerate(self.body) if i not in schema_idx for x in a if isinstance(x, str)}
        self.key_vars = tuple(v for v in schema_vars if v in data_vars)
        self.value_vars = tuple(v for v in schema_vars if v not in data_vars)

    def accepts(self, b: dict) -> bool:
        for v in self.not_literal:
            if isinstance(b[v], ox.Literal):
                return False
        for a, c in self.different:
            if b[a] == b[c]:
                return False
        for v in self.key_vars:
            if isinstance(b[v], (ox.BlankNode, ox.Literal)):
                return False
        return all(not isinstance(b[v], ox.Literal) for v in self.value_vars)

    def head_of(self, b: dict) -> ox.Triple | None:
        s, p, o = (b[x] if isinstance(x, str) else x for x in self.head)
        if isinstance(s, ox.Literal) or not isinstance(p, ox.NamedNode):
            return None
        return ox.Triple(s, p, o)


def _unify(atom: tuple, t: ox.Triple, binding: dict) -> dict | None:
    out = dict(binding)
    for pattern, term in zip(atom, (t.subject, t.predicate, t.object), strict=True):
        if isinstance(pattern, str):
            bound = out.get(pattern)
            if bound is None:
                out[pattern] = term
            elif bound != term:
                return None
        elif pattern != term:
            return None
    return out


class Closure:
    """Tuple-at-a-time access to a closure held in a store's default graph, under one rule table."""

    def __init__(self, store: ox.Store, rules: list[Rule]) -> None:
        self.store = store
        self.rules = [_CompiledRule(r) for r in rules if not r.is_schema_rule]
        # Body atoms a changed triple can match, by its predicate: changed triples are never axioms (those
        # rebuild), so schema atoms are left out; atoms with a variable predicate match any triple.
        self._atoms_by_predicate: dict[ox.NamedNode, list[tuple[_CompiledRule, int]]] = {}
        self._atoms_any_predicate: list[tuple[_CompiledRule, int]] = []
        self._heads_by_predicate: dict[ox.NamedNode, list[_CompiledRule]] = {}
        self._heads_any_predicate: list[_CompiledRule] = []
        for rule in self.rules:
            schema = set(rule.rule.schema_atoms())
            for i, atom in enumerate(rule.body):
                if i in schema:
                    continue
                if isinstance(atom[1], str):
                    self._atoms_any_predicate.append((rule, i))
                else:
                    self._atoms_by_predicate.setdefault(atom[1], []).append((rule, i))
            if isinstance(rule.head[1], str):
                self._heads_any_predicate.append(rule)
            else:
                self._heads_by_predicate.setdefault(rule.head[1], []).append(rule)
        self._schema_memo: dict[tuple, list[ox.Triple]] = {}
        self._round: dict[ox.Triple, int] = {}
        # Derivations found by over-deletion, in the closure as it was, enumerated lazily (a triple kept stops at
        # its first good one; a deleted one has them all): re-derivation reads a deleted triple's here instead of
        # the store (which then holds exactly the old closure's triples that were not deleted).
        self._derivations: dict[ox.Triple, tuple[Iterator[list[ox.Triple]], list[list[ox.Triple]]]] = {}

    # -- the store -------------------------------------------------------------------------------------
    def holds(self, t: ox.Triple) -> bool:
        return next(iter(self.store.quads_for_pattern(t.subject, t.predicate, t.object, DEFAULT)), None) is not None

    def asserted(self, t: ox.Triple) -> bool:
        """Stated by a source file (ontology or data): its file graph holds it."""
        return any(isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value.startswith(FILE_GRAPH_BASE)
                   for q in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None))

    def round_of(self, t: ox.Triple) -> int:
        """0 when asserted, else the round graph holding it (the smallest, should there be two)."""
        if t in self._round:
            return self._round[t]
        rounds = [r for q in self.store.quads_for_pattern(t.subject, t.predicate, t.object, None)
                  if (r := round_of_graph(q.graph_name)) is not None]
        n = min(rounds) if rounds else 0
        self._round[t] = n
        return n

    def _lookup(self, atom: tuple, binding: dict) -> Iterator[dict]:
        s, p, o = (binding.get(x) if isinstance(x, str) else x for x in atom)
        if isinstance(s, ox.Literal) or (p is not None and not isinstance(p, ox.NamedNode)):
            return  # no triple has a literal subject or a predicate that is not an IRI
        if (p is not None and p in _SCHEMA_PREDICATES) or (p == _RDF_TYPE and o in _SCHEMA_TYPES):
            key = (s, p, o)  # axioms do not change during maintenance: remember their lookups
            found = self._schema_memo.get(key)
            if found is None:
                found = [ox.Triple(q.subject, q.predicate, q.object)
                         for q in self.store.quads_for_pattern(s, p, o, DEFAULT)]
                self._schema_memo[key] = found
        else:
            found = (q.triple for q in self.store.quads_for_pattern(s, p, o, DEFAULT))
        for t in found:
            b = _unify(atom, t, binding)
            if b is not None:
                yield b

    def _join(self, atoms: list[tuple], binding: dict) -> Iterator[dict]:
        """Every extension of `binding` matching all atoms, cheapest atom first: a data atom whose subject or
        object is bound (one index lookup, few answers), then axioms (remembered), then the rest."""
        if not atoms:
            yield binding
            return
        costs = [_cost(a, binding) for a in atoms]
        low = min(costs)
        tied = [i for i, c in enumerate(costs) if c == low]
        best, found = tied[0], None
        if len(tied) > 1 and 0 < low < 4:
            # Data atoms alike by their bound terms: the store keeps no counts, so read a few answers of each
            # and start from one that ends early (x hasSubOrganisation ?y below the root of a hierarchy has
            # thousands; ?y hasSubOrganisation z above a leaf, a handful).
            for i in tied:
                it = self._lookup(atoms[i], binding)
                head = list(islice(it, _PROBE))
                if len(head) < _PROBE:
                    best, found = i, iter(head)
                    break
                if found is None:
                    best, found = i, chain(head, it)
        rest = atoms[:best] + atoms[best + 1:]
        for b in found if found is not None else self._lookup(atoms[best], binding):
            yield from self._join(rest, b)

    # -- rule instances -----------------------------------------------------------------------------------
    def using(self, t: ox.Triple) -> Iterator[tuple[ox.Triple, list[ox.Triple]]]:
        """(conclusion, premises) of every rule instance with `t` among its premises, the others in the store."""
        for rule, i in self._atoms_by_predicate.get(t.predicate, []) + self._atoms_any_predicate:
            b = _unify(rule.body[i], t, {})
            if b is None:
                continue
            for full in self._join(rule.body[:i] + rule.body[i + 1:], b):
                if not rule.accepts(full):
                    continue
                head = rule.head_of(full)
                if head is not None:
                    yield head, [_ground(a, full) for a in rule.body]

    def derivations_of(self, h: ox.Triple) -> Iterator[list[ox.Triple]]:
        """deriving(h), remembered: what was enumerated once is not looked up again."""
        entry = self._derivations.get(h)
        if entry is None:
            entry = self._derivations[h] = (self.deriving(h), [])
        source, seen = entry
        i = 0
        while True:
            if i < len(seen):
                yield seen[i]
            else:
                premises = next(source, None)
                if premises is None:
                    return
                seen.append(premises)
                yield premises
            i += 1

    def all_derivations(self, h: ox.Triple) -> list[list[ox.Triple]] | None:
        """Every derivation of h enumerated so far, when the enumeration is complete; else None."""
        entry = self._derivations.get(h)
        if entry is None or next(entry[0], None) is not None:
            return None
        return entry[1]

    def deriving(self, h: ox.Triple) -> Iterator[list[ox.Triple]]:
        """Premises of every rule instance concluding `h` from triples in the store."""
        for rule in self._heads_by_predicate.get(h.predicate, []) + self._heads_any_predicate:
            b = _unify(rule.head, h, {})
            if b is None:
                continue
            for full in self._join(list(rule.body), b):
                if rule.accepts(full) and rule.head_of(full) == h:
                    yield [_ground(a, full) for a in rule.body]


def _cost(atom: tuple, binding: dict) -> int:
    s_, p_, o_ = atom
    s = s_ in binding if s_.__class__ is str else True
    pred = binding.get(p_) if p_.__class__ is str else p_
    obj = binding.get(o_) if o_.__class__ is str else o_
    o = obj is not None
    unbound = 3 - s - (pred is not None) - o
    if unbound == 0:
        return 0
    if pred is not None and (pred in _SCHEMA_PREDICATES or (pred == _RDF_TYPE and obj in _SCHEMA_TYPES)):
        return 4 + unbound  # an axiom: remembered after its first lookup
    if s or o:
        return unbound
    return 8 + unbound


def _ground(atom: tuple, b: dict) -> ox.Triple:
    s, p, o = (b[x] if isinstance(x, str) else x for x in atom)
    return ox.Triple(s, p, o)


class Outcome:
    """What maintenance did, in triples: asserted added and removed, inferred added and removed (for the
    caller's messages and the benchmark)."""

    __slots__ = ("added", "inferred_added", "inferred_removed", "rederived", "removed", "rounds")

    def __init__(self) -> None:
        self.added = self.removed = self.inferred_added = self.inferred_removed = self.rederived = 0
        self.rounds: list[int] = []


def maintain(store: ox.Store, rules: list[Rule], file_changes: Iterable[tuple[ox.NamedNode, set, set]],
             inferred_rounds: Iterable[int]) -> Outcome:
    """Apply file changes [(file graph, triples added, triples removed)] to a store holding a closure (file
    graphs, round graphs, default graph = their union) and bring the closure up to date. Returns the rounds
    now holding triples (sorted) in Outcome.rounds. Raises NeedsRebuild for what only a rebuild handles."""
    closure = Closure(store, rules)
    out = Outcome()
    changes = [(g, set(a), set(r)) for g, a, r in file_changes]
    touched = {t for _, a, r in changes for t in a | r}
    if any(is_schema_triple(t) for t in touched):
        raise NeedsRebuild("the change adds or removes an ontology axiom (subclass, domain, inverse…)")
    was_asserted = {t: closure.asserted(t) for t in touched}
    for graph, added, removed in changes:
        for t in removed:
            store.remove(ox.Quad(t.subject, t.predicate, t.object, graph))
        for t in added:
            store.add(ox.Quad(t.subject, t.predicate, t.object, graph))
    now_asserted = {t: closure.asserted(t) for t in touched}
    removed = {t for t in touched if was_asserted[t] and not now_asserted[t]}
    added = {t for t in touched if now_asserted[t] and not was_asserted[t]}
    out.added, out.removed = len(added), len(removed)

    # 1. Over-delete: everything with a derivation through a deleted triple, on the closure as it was, unless
    #    it has another derivation from earlier rounds that nothing deleted touches (see _over_delete).
    deleted = _over_delete(closure, removed)
    if any(is_schema_triple(t) for t in deleted):
        raise NeedsRebuild("the change removes an ontology axiom the data implied")
    for t in deleted:
        store.remove(ox.Quad(t.subject, t.predicate, t.object, DEFAULT))
        _remove_from_rounds(store, t)
    closure._round.clear()

    # 2. Additions: a triple already inferred becomes asserted (round 0); a new one joins the default graph.
    fresh = []
    for t in added:
        if closure.holds(t):
            _remove_from_rounds(store, t)
        else:
            store.add(ox.Quad(t.subject, t.predicate, t.object, DEFAULT))
            fresh.append(t)
        closure._round[t] = 0

    # 3. Re-derive in one step what still follows from what is left, then insert semi-naively.
    wave: dict[ox.Triple, int] = {}
    for t in deleted:  # a triple no longer asserted may still follow from others
        known = closure.all_derivations(t)
        candidates = closure.deriving(t) if known is None else \
            (ps for ps in known if not any(p in deleted for p in ps))
        for premises in candidates:
            level = 1 + max(closure.round_of(p) for p in premises)
            if level < wave.get(t, level + 1):
                wave[t] = level
    out.rederived = len(wave)
    delta = fresh
    inserted = 0
    present: set[ox.Triple] = set()  # heads known to be in the store already (they stay)
    while True:
        for t in delta:
            for head, premises in closure.using(t):
                if head in present:
                    continue
                if head not in wave and closure.holds(head):
                    present.add(head)
                    continue
                level = 1 + max(closure.round_of(p) for p in premises)
                if level < wave.get(head, level + 1):
                    wave[head] = level
        if not wave:
            break
        for head, level in wave.items():
            if is_schema_triple(head):
                raise NeedsRebuild("a rule derives an ontology axiom from the new data")
            store.add(ox.Quad(head.subject, head.predicate, head.object, DEFAULT))
            store.add(ox.Quad(head.subject, head.predicate, head.object, round_graph(level)))
            closure._round[head] = level
        inserted += len(wave)
        present.update(wave)
        delta, wave = list(wave), {}
    out.inferred_removed = len(deleted - removed) - sum(1 for t in deleted - removed if closure.holds(t))
    out.inferred_added = inserted
    _check_consistency(closure, fresh + [t for t in closure._round if closure._round[t] > 0])
    rounds = set(inferred_rounds) | {r for r in closure._round.values() if r > 0}
    out.rounds = sorted(r for r in rounds
                        if next(iter(store.quads_for_pattern(None, None, None, round_graph(r))), None) is not None)
    return out


def _over_delete(closure: Closure, removed: set[ox.Triple]) -> set[ox.Triple]:
    """DRed's over-deletion, with the rounds as a guard against its cascades.

    Plain DRed deletes every triple with a derivation through a deleted one, even when it has others: at 100k
    triples, retracting a document of 200 over-deleted 11,000 (a transitive hierarchy's whole closure goes,
    then comes back). Here a triple of round N that has a derivation whose premises all lie in rounds < N and
    are not deleted is kept, and remembered under those premises: should one of them be deleted later, the
    triple is looked at again. What survives is then well founded: by induction on the round, each kept
    triple has a derivation from kept triples of earlier rounds (an untouched one, its original derivation; a
    saved one, the derivation that saved it), so nothing is kept on circular support, and the rounds still
    bound proofs for `kg explain`. Re-derivation and insertion then complete the closure as in DRed.
    """
    deleted: set[ox.Triple] = set(removed)
    saved_by: dict[ox.Triple, list[ox.Triple]] = {}
    frontier = list(removed)

    def saving_premises(h: ox.Triple) -> list[ox.Triple] | None:
        n = closure.round_of(h)
        for premises in closure.derivations_of(h):
            if all(p not in deleted and closure.round_of(p) < n for p in premises):
                return premises
        return None

    saved: set[ox.Triple] = set()  # kept, with premises none of which is deleted yet (watched in saved_by)
    settled: set[ox.Triple] = set()  # asserted, or not in the closure: never deleted here

    def consider(h: ox.Triple, nxt: list[ox.Triple]) -> None:
        premises = saving_premises(h)
        if premises is None:
            deleted.add(h)
            nxt.append(h)
        else:
            saved.add(h)
            for p in premises:
                saved_by.setdefault(p, []).append(h)

    while frontier:
        nxt: list[ox.Triple] = []
        for t in frontier:
            for h in saved_by.pop(t, ()):
                if h in saved and h not in deleted:
                    saved.discard(h)  # one of its premises is gone: look again
                    consider(h, nxt)
            for head, _premises in closure.using(t):
                if head in deleted or head in saved or head in settled:
                    continue
                if closure.asserted(head) or not closure.holds(head):
                    settled.add(head)
                    continue
                consider(head, nxt)
        frontier = nxt
    return deleted


def _remove_from_rounds(store: ox.Store, t: ox.Triple) -> None:
    for q in list(store.quads_for_pattern(t.subject, t.predicate, t.object, None)):
        if round_of_graph(q.graph_name) not in (None, 0):
            store.remove(q)


def _check_consistency(closure: Closure, new: list[ox.Triple]) -> None:
    """cax-dw on what changed: the previous closure was consistent, so only a new type can clash. A clash is
    reported by the rebuild (NeedsRebuild), with the same message a cold run gives."""
    store = closure.store
    disjoint: dict[object, list] = {}
    for t in new:
        if t.predicate != _RDF_TYPE:
            continue
        others = disjoint.get(t.object)
        if others is None:
            others = [q.object for q in store.quads_for_pattern(t.object, _DISJOINT, None, DEFAULT)]
            others += [q.subject for q in store.quads_for_pattern(None, _DISJOINT, t.object, DEFAULT)]
            disjoint[t.object] = others
        for c in others:
            if closure.holds(ox.Triple(t.subject, _RDF_TYPE, c)):
                raise NeedsRebuild("the change makes the graph inconsistent")
