"""Compile instance rules against the closed schema: one small SPARQL update per axiom group.

A generic rule such as prp-dom (`?p rdfs:domain ?c . ?x ?p ?y → ?x a ?c`) joins the whole data against the
schema in one large transaction; measured on 100k triples that is 3× slower than one update per property
with its (closed) domains in a VALUES block and the subjects made DISTINCT first. Compilation keeps the rule
table as the single source: each compiled update is the rule with its schema atoms bound to axioms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kg.engine.rules import Atom, Rule

_VAR = re.compile(r"\?[A-Za-z0-9_]+")


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    data_atoms: tuple[Atom, ...]  # schema variables bound
    head: Atom
    values_vars: tuple[str, ...]  # schema variables still free (bound by VALUES)
    values_rows: tuple[tuple[str, ...], ...]
    inner_filters: tuple[str, ...]  # filters on data variables only
    outer_filters: tuple[str, ...]

    def update(self, target: str, delta: str | None = None, delta_index: int = 0) -> str:
        """INSERT the rule's conclusions into `target`; with `delta`, atom `delta_index` is read from it.

        Conclusions already known are inserted too; the caller removes them from `target` after the round."""
        head_vars = [v for v in _vars(self.head) if v not in self.values_vars]
        atoms = []
        for i, atom in enumerate(self.data_atoms):
            text = " ".join(atom)
            atoms.append(f"GRAPH {delta} {{ {text} }}" if delta is not None and i == delta_index else f"{text} .")
        inner = " ".join(atoms) + "".join(f" FILTER({f})" for f in self.inner_filters)
        projection = " ".join(head_vars) if head_vars else "*"
        body = f"{{ SELECT DISTINCT {projection} WHERE {{ {inner} }} }}"
        if self.values_vars:
            rows = " ".join("(" + " ".join(r) + ")" for r in self.values_rows)
            body += f" VALUES ({' '.join(self.values_vars)}) {{ {rows} }}"
        head = " ".join(self.head)
        # No FILTER NOT EXISTS here: oxigraph evaluates it per solution, which measured twice the cost of
        # inserting everything and then deleting, in one join, what the default graph already holds
        # (reasoners.run_rules does that after each round).
        body += "".join(f" FILTER({f})" for f in self.outer_filters)
        return f"INSERT {{ GRAPH {target} {{ {head} }} }} WHERE {{ {body} }}"


def _vars(atom_or_text: Atom | str) -> list[str]:
    text = " ".join(atom_or_text) if isinstance(atom_or_text, tuple) else atom_or_text
    out: list[str] = []
    for v in _VAR.findall(text):
        if v not in out:
            out.append(v)
    return out


def _subst(term: str, binding: dict[str, str]) -> str:
    return binding.get(term, term)


def _subst_text(text: str, binding: dict[str, str]) -> str:
    return _VAR.sub(lambda m: binding.get(m.group(0), m.group(0)), text)


def compile_rule(rule: Rule, store: ox.Store) -> list[CompiledRule]:
    """Bind the rule's schema atoms to the axioms in the store (its default graph, schema already closed)."""
    schema_idx = rule.schema_atoms()
    data_atoms = [a for i, a in enumerate(rule.body) if i not in schema_idx]
    if not schema_idx:
        return [_make(rule, data_atoms, {}, (), ())]
    schema_atoms = [rule.body[i] for i in schema_idx]
    schema_vars = _vars(" ".join(" ".join(a) for a in schema_atoms))
    data_vars = set(_vars(" ".join(" ".join(a) for a in data_atoms)))
    key_vars = [v for v in schema_vars if v in data_vars]
    value_vars = tuple(v for v in schema_vars if v not in data_vars)
    where = " . ".join(" ".join(a) for a in schema_atoms)
    # Schema-only filters (e.g. ?c1 != ?c2) prune the bindings here.
    schema_filters = [f for f in rule.filters if set(_vars(f)) <= set(schema_vars)]
    filt = "".join(f" FILTER({f})" for f in schema_filters)
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for row in store.query(f"SELECT DISTINCT {' '.join(schema_vars)} WHERE {{ {where} {filt} }}"):
        terms = {v: row[v[1:]] for v in schema_vars}
        if any(isinstance(t, (ox.BlankNode, ox.Literal)) for t in (terms[k] for k in key_vars)):
            continue  # axioms about blank nodes or literals bind no data pattern
        if any(isinstance(terms[v], ox.Literal) for v in value_vars):
            continue
        key = tuple(str(terms[k]) for k in key_vars)
        groups.setdefault(key, []).append(tuple(str(terms[v]) for v in value_vars))
    if rule.name in ("prp-dom", "prp-rng"):
        groups = _drop_inherited(rule, groups, store)
    compiled = []
    for key, rows in sorted(groups.items()):
        binding = dict(zip(key_vars, key, strict=True))
        remaining_filters = [f for f in rule.filters if f not in schema_filters]
        compiled.append(_make(rule, [tuple(_subst(t, binding) for t in a) for a in data_atoms], binding,
                              value_vars, tuple(sorted(set(rows))), remaining_filters))
    return compiled


def _drop_inherited(rule: Rule, groups: dict[tuple[str, ...], list[tuple[str, ...]]],
                    store: ox.Store) -> dict[tuple[str, ...], list[tuple[str, ...]]]:
    """Drop the classes a property inherits from a super-property's domain (or range).

    With the schema closed, `p ⊑ q` and `q rdfs:domain C` put C among p's domains (scm-dom2), but every
    `x p y` also gives `x q y` (prp-spo1), from which prp-dom on q concludes `x a C` in the same round. Asking
    it of p too only inserts the same triples again; the closure is unchanged.
    """
    axiom = "<http://www.w3.org/2000/01/rdf-schema#domain>" if rule.name == "prp-dom" \
        else "<http://www.w3.org/2000/01/rdf-schema#range>"
    inherited = {(str(row["p"]), str(row["c"])) for row in store.query(
        f"SELECT DISTINCT ?p ?c WHERE {{ ?p <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?q . "
        f"?q {axiom} ?c . FILTER(?p != ?q) }}")}
    out = {}
    for key, rows in groups.items():
        kept = [r for r in rows if (key[0], r[0]) not in inherited]
        if kept:
            out[key] = kept
    return out


def _make(rule: Rule, data_atoms: list[Atom], binding: dict[str, str], value_vars: tuple[str, ...],
          rows: tuple[tuple[str, ...], ...], filters: list[str] | tuple[str, ...] = ()) -> CompiledRule:
    filters = list(filters) if filters else list(rule.filters)
    data_vars = set(_vars(" ".join(" ".join(a) for a in data_atoms)))
    inner, outer = [], []
    for f in filters:
        f2 = _subst_text(f, binding)
        (inner if set(_vars(f2)) <= data_vars else outer).append(f2)
    head = tuple(_subst(t, binding) for t in rule.head)
    return CompiledRule(rule, tuple(data_atoms), head, value_vars, rows, tuple(inner), tuple(outer))

