"""Proofs for people and machines: an indented tree (labels in a language) or the same tree as JSON.

The proof itself comes from kg.engine.explain; this module only reads the terms of a `kg explain` call and
renders what the engine found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph as ox

from kg.engine.explain import Proof, Source, supporting_documents
from kg.engine.knowledge import KnowledgeGraph
from kg.shared.errors import InputError
from kg.shared.namespaces import PREFIXES
from kg.shared.terms import prefixed

_LITERAL_START = re.compile(r'^("|\'|[+-]?\d|true$|false$)')


def parse_term(kgraph: KnowledgeGraph, text: str, position: str) -> ox.NamedNode | ox.Literal:
    """S, P or O of `kg explain`: a literal in Turtle syntax, an IRI, a prefixed name, or a label."""
    from kg.inspection.describe import resolve

    text = text.strip()
    if position == "object" and _LITERAL_START.match(text):
        prefixes = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in PREFIXES.items())
        try:
            quads = list(ox.parse(f"{prefixes}<urn:kg:s> <urn:kg:p> {text} .", format=ox.RdfFormat.TURTLE))
        except SyntaxError as exc:
            raise InputError(f"{position}: not a Turtle literal: {text!r} ({exc})") from None
        if len(quads) != 1 or not isinstance(quads[0].object, ox.Literal):
            raise InputError(f"{position}: not a single Turtle literal: {text!r}")
        return quads[0].object
    try:
        return resolve(kgraph, text)
    except InputError as exc:
        raise InputError(f"{position}: {exc}") from None


Labeller = Callable[[object], str]


def _term(term: object, label: Labeller) -> str:
    if isinstance(term, ox.Literal):
        return str(term)
    return label(term)


def chain_path(chain: list[str], show: Callable[[ox.NamedNode], str]) -> str:
    """A property chain as the property path it stands for, `( p1 / p2 )`: the list node of an
    owl:propertyChainAxiom is a blank node whose label changes with every parse, so it is never shown."""
    return "( " + " / ".join(show(ox.NamedNode(c)) for c in chain) + " )"


def _object(proof: Proof, label: Labeller) -> str:
    if proof.chain and isinstance(proof.triple.object, ox.BlankNode):
        return chain_path(proof.chain, label)
    if isinstance(proof.triple.object, ox.BlankNode):
        return "[]"  # no other list node reaches a proof; never print a run-dependent label
    return _term(proof.triple.object, label)


def _triple_text(proof: Proof, label: Labeller) -> str:
    t = proof.triple
    return f"{_term(t.subject, label)}  {_term(t.predicate, label)}  {_object(proof, label)}"


def render_text(proof: Proof, label: Labeller, *, show_iris: bool = True) -> str:
    lines: list[str] = []

    def walk(p: Proof, prefix: str, last: bool, top: bool) -> None:
        branch = "" if top else ("└─ " if last else "├─ ")
        if p.asserted:
            status = "asserted" + (f" in {', '.join(p.files)}" if p.files else "")
        else:
            status = f"{p.rule}, round {p.round}"
        lines.append(f"{prefix}{branch}{_triple_text(p, label)}   [{status}]")
        child_prefix = prefix + ("" if top else ("   " if last else "│  "))
        if show_iris and top:
            lines.append(f"{child_prefix}   = {p.triple}")
        for src in p.sources:
            lines.append(f"{child_prefix}     source: {_source_text(src)}")
            for quote in src.quotes:
                lines.append(f"{child_prefix}       « {quote} »")
        for i, sub in enumerate(p.premises):
            walk(sub, child_prefix, i == len(p.premises) - 1, False)

    walk(proof, "", True, True)
    return "\n".join(lines) + "\n"


def _source_text(src: Source) -> str:
    title = f"{src.title} " if src.title else ""
    return f"{title}({src.identifier or src.document}) via {prefixed(ox.NamedNode(src.via))}"


def as_dict(proof: Proof, label: Labeller) -> dict:
    t = proof.triple
    obj = chain_path(proof.chain, str) if proof.chain and isinstance(t.object, ox.BlankNode) else str(t.object)
    out: dict = {
        "triple": {"subject": str(t.subject), "predicate": str(t.predicate), "object": obj},
        "labels": {"subject": _term(t.subject, label), "predicate": _term(t.predicate, label),
                   "object": _object(proof, label)},
        "asserted": proof.asserted,
    }
    if proof.asserted:
        out["files"] = proof.files
        out["sources"] = [_source_dict(s) for s in proof.sources]
        if proof.chain:
            out["chain"] = proof.chain
    else:
        out["rule"] = proof.rule
        out["round"] = proof.round
        out["premises"] = [as_dict(p, label) for p in proof.premises]
        out["documents"] = [_source_dict(s) for s in supporting_documents(proof)]
    return out


def _source_dict(src: Source) -> dict:
    return {"document": src.document, "identifier": src.identifier, "title": src.title, "via": src.via,
            "quotes": src.quotes}


def terms_of(proof: Proof) -> list[object]:
    out: list[object] = []
    stack = [proof]
    while stack:
        p = stack.pop()
        out += [p.triple.subject, p.triple.predicate, p.triple.object]
        out += [ox.NamedNode(c) for c in p.chain]
        stack.extend(p.premises)
    return out
