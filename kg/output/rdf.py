"""Deterministic RDF text: byte-identical across runs, so diffs of exports and of CONSTRUCT results stay meaningful.

Everything goes through sorted canonical N-Triples lines: pyoxigraph serialises the triples (in Rust), blank
nodes are relabelled by RDFC-1.0 (only the lines holding them take part), lines are deduplicated and sorted, and
small writers turn them into Turtle/TriG (one fixed prefix block, subjects in order), a flattened JSON-LD `@graph`
compacted with the shipped `kg/context.jsonld` (nothing is fetched), N-Triples, N-Quads or RDF/XML. Working on
strings rather than term objects is what keeps a 1M-triple export in seconds.

Used by the query output (CONSTRUCT/DESCRIBE results) and by publishing (export, releases).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg.shared.errors import InputError
from kg.shared.namespaces import RDF
from kg.shared.terms import XSD_STRING, compact

GRAPH_FORMATS = ("turtle", "jsonld", "nt")  # what CONSTRUCT/DESCRIBE results print as
CONTEXT_FILE = Path(__file__).resolve().parent.parent / "context.jsonld"

_TYPE_NT = f"<{RDF}type>"
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)

_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


# A line is one triple in canonical N-Triples without the final " .": "<s> <p> <o>".
Line = str


# -- context and prefixes -------------------------------------------------------------------
@cache
def context() -> dict[str, str]:
    """The prefix map of the shipped JSON-LD context (also the fixed prefix block of Turtle and TriG)."""
    try:
        data = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{CONTEXT_FILE}: cannot read the JSON-LD context: {exc}") from None
    ctx = data.get("@context", {})
    return {k: v for k, v in sorted(ctx.items()) if isinstance(v, str) and not k.startswith("@")}

# -- lines --------------------------------------------------------------------------------------
def _split(line: Line) -> tuple[str, str, str]:
    """(subject, predicate, object) of a line; subjects and predicates never contain spaces."""
    s, p, o = line.split(" ", 2)
    return s, p, o

def _lines(data: bytes) -> list[Line]:
    # split on "\n" only: literals may hold U+2028 and friends, which str.splitlines() would cut at
    return [line[:-2] for line in data.decode("utf-8").split("\n") if line]

def triple_lines(triples: Iterable[ox.Triple]) -> list[Line]:
    """Canonical N-Triples lines of some triples (pyoxigraph escapes literals)."""
    return _lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))

# -- determinism --------------------------------------------------------------------------------
def canonical(parts: dict[str, set[Line]]) -> dict[str, list[Line]]:
    """Blank nodes relabelled by RDFC-1.0 over all graphs together, then each graph's lines sorted.

    Only lines holding `_:` take part (a literal containing `_:` is harmless: ground triples keep their
    form), so a graph with few blank nodes costs little more than a sort.
    """
    out: dict[str, list[Line]] = {}
    blank: list[str] = []
    for name, lines in parts.items():
        ground = []
        for line in lines:
            if "_:" in line:
                blank.append(f"{line} <{name}> .\n")
            else:
                ground.append(line)
        out[name] = ground
    if blank:
        dataset = ox.Dataset(ox.parse("".join(blank).encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        for quad in _lines(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS)):
            line, _, graph = quad.rpartition(" ")
            out[graph[1:-1]].append(line)
    for lines in out.values():
        lines.sort()
    return out

def canonical_lines(lines: Iterable[Line]) -> list[Line]:
    """Distinct, sorted lines of one graph with canonical blank-node labels."""
    return canonical({"urn:x-kg:default": set(lines)})["urn:x-kg:default"]

# -- Turtle / TriG ------------------------------------------------------------------------------
class _TurtleTerms:
    """Writes N-Triples terms as Turtle, with a cache: most IRIs repeat many times in a graph."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = prefixes
        self.cache: dict[str, str] = {}

    def iri(self, nt: str) -> str:
        out = self.cache.get(nt)
        if out is None:
            short = compact(nt[1:-1], self.prefixes)
            out = self.cache[nt] = short if short is not None else nt
        return out

    def term(self, nt: str) -> str:
        if nt.startswith("<"):
            return self.iri(nt)
        if nt.startswith('"') and nt.endswith(">"):  # "lexical"^^<datatype>
            cut = nt.rfind('"^^<')
            return nt[: cut + 3] + self.iri(nt[cut + 3:])
        return nt  # blank node, plain or language-tagged literal: N-Triples is valid Turtle

def _prefix_block(prefixes: dict[str, str]) -> Iterator[str]:
    for prefix, ns in prefixes.items():
        yield f"@prefix {prefix}: <{ns}> .\n"

def _subject_blocks(lines: list[Line], writer: _TurtleTerms, indent: str = "") -> Iterator[str]:
    """Sorted lines grouped by subject; rdf:type first (as `a`), then predicates in IRI order."""
    i, total = 0, len(lines)
    while i < total:
        subject = _split(lines[i])[0]
        by_predicate: dict[str, list[str]] = {}
        while i < total:
            s, p, o = _split(lines[i])
            if s != subject:
                break
            by_predicate.setdefault(p, []).append(writer.term(o))
            i += 1
        ordered = sorted(by_predicate, key=lambda p: (p != _TYPE_NT, p))
        verbs = [f"{'a' if p == _TYPE_NT else writer.iri(p)} {' , '.join(by_predicate[p])}" for p in ordered]
        body = f" ;\n{indent}    ".join(verbs)
        yield f"{indent}{writer.term(subject)} {body} .\n"

def turtle_chunks(lines: list[Line], prefixes: dict[str, str] | None = None) -> Iterator[str]:
    prefixes = context() if prefixes is None else prefixes
    writer = _TurtleTerms(prefixes)
    yield from _prefix_block(prefixes)
    for block in _subject_blocks(lines, writer):
        yield "\n" + block

def trig_chunks(graphs: dict[str, list[Line]], prefixes: dict[str, str] | None = None) -> Iterator[str]:
    prefixes = context() if prefixes is None else prefixes
    writer = _TurtleTerms(prefixes)
    yield from _prefix_block(prefixes)
    for name in sorted(graphs):
        if not graphs[name]:
            continue
        yield f"\nGRAPH <{name}> {{\n"
        first = True
        for block in _subject_blocks(graphs[name], writer, indent="    "):
            yield block if first else "\n" + block
            first = False
        yield "}\n"

# -- N-Triples / N-Quads / RDF/XML --------------------------------------------------------------
def ntriples_chunks(lines: list[Line]) -> Iterator[str]:
    for line in lines:
        yield f"{line} .\n"

def nquads_chunks(graphs: dict[str, list[Line]]) -> Iterator[str]:
    for name in sorted(graphs):
        suffix = f" <{name}> .\n"
        for line in graphs[name]:
            yield line + suffix

def rdfxml_chunks(lines: list[Line], prefixes: dict[str, str] | None = None) -> Iterator[str]:
    prefixes = context() if prefixes is None else prefixes
    data = "".join(f"{line} .\n" for line in lines).encode("utf-8")
    try:
        triples = (q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        out = ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    except (ValueError, SyntaxError) as exc:
        raise InputError(f"cannot write RDF/XML: {exc}") from None
    yield out.decode("utf-8")

# -- JSON-LD ------------------------------------------------------------------------------------
def _unescape(text: str) -> str:
    if "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else _ECHAR.get(m.group(3), m.group(3))

    return _ESCAPE.sub(one, text)

class _JsonLdTerms:
    def __init__(self, prefixes: dict[str, str]) -> None:
        # longest namespaces first, so that the most specific prefix wins
        self.namespaces = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.cache: dict[str, str] = {}

    def iri(self, nt: str) -> str:
        """`<iri>` or `_:b` → compact IRI, full IRI, or blank node id."""
        out = self.cache.get(nt)
        if out is None:
            if nt.startswith("_:"):
                return nt
            iri = out = nt[1:-1]
            for prefix, ns in self.namespaces:
                if iri.startswith(ns) and not iri[len(ns):].startswith("//"):
                    out = f"{prefix}:{iri[len(ns):]}"
                    break
            self.cache[nt] = out
        return out

    def value(self, nt: str) -> object:
        if not nt.startswith('"'):
            return {"@id": self.iri(nt)}
        end = nt.rfind('"')
        lexical, tail = _unescape(nt[1:end]), nt[end + 1:]
        if not tail:
            return lexical
        if tail.startswith("@"):
            return {"@language": tail[1:], "@value": lexical}
        datatype = tail[2:]
        if datatype == f"<{XSD_STRING}>":
            return lexical
        return {"@type": self.iri(datatype), "@value": lexical}

def jsonld_chunks(lines: list[Line], prefixes: dict[str, str] | None = None) -> Iterator[str]:
    """A flattened, compacted JSON-LD document: one node object per line, in subject IRI order."""
    prefixes = context() if prefixes is None else prefixes
    terms = _JsonLdTerms(prefixes)
    yield '{\n"@context": ' + json.dumps(prefixes, indent=2, ensure_ascii=False, sort_keys=True)
    yield ',\n"@graph": ['
    sep = "\n  "
    i, total = 0, len(lines)
    while i < total:
        subject = _split(lines[i])[0]
        node: dict[str, object] = {"@id": terms.iri(subject)}
        while i < total:
            s, p, o = _split(lines[i])
            if s != subject:
                break
            if p == _TYPE_NT and not o.startswith('"'):
                node.setdefault("@type", []).append(terms.iri(o))  # type: ignore[union-attr]
            else:
                node.setdefault(terms.iri(p), []).append(terms.value(o))  # type: ignore[union-attr]
            i += 1
        for key, values in node.items():
            if key != "@id" and isinstance(values, list) and len(values) == 1:
                node[key] = values[0]
        yield sep + json.dumps(node, ensure_ascii=False, sort_keys=True)
        sep = ",\n  "
    yield "\n]\n}\n"

# -- entry points -------------------------------------------------------------------------------
def triple_writer(fmt: str) -> Callable[[list[Line]], Iterator[str]]:
    writers = {"turtle": turtle_chunks, "jsonld": jsonld_chunks, "nt": ntriples_chunks, "xml": rdfxml_chunks}
    if fmt not in writers:
        raise InputError(f"--format {fmt}: not a format for triples (choose from {', '.join(writers)})")
    return writers[fmt]

def serialize_triples(triples: Iterable[ox.Triple], fmt: str) -> Iterator[str]:
    """Triples (e.g. a CONSTRUCT result) in turtle, jsonld, nt or xml, as text chunks."""
    writer = triple_writer(fmt)
    return writer(canonical_lines(triple_lines(triples)))
