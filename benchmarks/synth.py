"""Synthetic graphs shaped like the project graph, for the benchmark.

Why replicate rather than invent: a benchmark on a made-up schema measures a made-up workload. Replicating the
project's own data files k times keeps every class, property and literal datatype in the project's own
proportions, so the reasoner, the SHACL shapes and the named queries meet the graph they will meet in use.

How:
- The seed is whatever `data/**/*.ttl` holds at run time (the fixture `tests/fixtures/engine/data/sample.ttl`
  while `data/` is empty). It is parsed with pyoxigraph and written once as canonical N-Triples lines.
- Replica r renames every `ekd:` IRI `x` to `x-rR` and every blank node `_:b` to `_:brR`; literals are kept,
  except labels (rdfs:label, skos:prefLabel), which get " (rR)" so that every entity stays nameable.
  Lines that hold no `ekd:` IRI and no blank node describe something outside the data (e.g. an external IRI):
  they are written once, not k times.
- Replicas are grouped in clusters of 13 forming a tree of depth 2 (1 root, 3 children, 9 grandchildren).
  Every part-of root of a child replica (an organisation with sub-organisations but no parent) becomes
  `ekg:unitOf` the anchor root of its parent replica, and the two anchors `ekg:collaboratesWith` each other.
  The part-of hierarchy is thus the seed's depth + 3 with the kit below (≥ 3 even for one replica), while
  the closure grows linearly with k (a single deep tree would make the transitive closure grow as k·log k
  or worse).
- Each cluster gets a small kit (about 60 triples) that makes sure every OWL construct of the ontology fires
  whatever the seed holds: a team, unit of the deepest organisation of a grandchild replica (so even a single
  replica has a hierarchy one deeper than the seed's), and a person with a role in that team (property
  chain memberOf = holdsRole ∘ roleOrganisation, then affiliatedWith ∘ subOrganisationOf up two replicas), a
  funding (fundedBy = receivesFunding ∘ funder), a participation in an event (attended = inParticipation ∘
  participationIn), places and initiatives nested three deep (transitive locatedIn, partOfInitiative), and a
  collaboration (symmetric collaboratesWith). Inverses, sub-properties, domains and ranges fire throughout.

The output is `DIR/data/synthetic.ttl` (N-Triples, which is Turtle) and `DIR/benchmark.json` (sizes, probe
triple for `kg explain`, proportions). `kg --data DIR` reads it with the project ontology and shapes.

    python benchmarks/synth.py --size 10k --out /tmp/synth-10k [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SEED = REPO / "tests" / "fixtures" / "engine" / "data" / "sample.ttl"

EKD = "https://w3id.org/ecosystem-kg/id/"
EKG = "https://w3id.org/ecosystem-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = RDF + "type"
PART_OF = (EKG + "unitOf", EKG + "supervisedBy", EKG + "subOrganisationOf")
LABELS = (RDFS + "label", SKOS + "prefLabel")
CLUSTER = 13  # 1 root + 3 children + 9 grandchildren
GENERATOR_VERSION = 1

_EKD_IRI = re.compile(r"<" + re.escape(EKD) + r"([^>]*)>")
_BNODE = re.compile(r"_:([A-Za-z0-9]+)")


# -- sizes ---------------------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    """'10k' → 10_000, '1m' → 1_000_000, '2500' → 2500."""
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1_000, t[:-1]
    elif t.endswith("m"):
        mult, t = 1_000_000, t[:-1]
    try:
        value = float(t) * mult
    except ValueError:
        raise ValueError(f"not a size: {text!r} (e.g. 10k, 100k, 1m)") from None
    if value < 1:
        raise ValueError(f"size must be positive: {text!r}")
    return int(value)


# -- the seed ------------------------------------------------------------------------------------------


def seed_files(data_dir: Path | None = None) -> list[Path]:
    """The project's data files now, or the engine test fixture while `data/` is still empty."""
    folder = data_dir or REPO / "data"
    files = sorted(folder.glob("**/*.ttl"))
    return files or [FIXTURE_SEED]


def canonical_lines(files: Iterable[Path]) -> list[str]:
    """The files' distinct triples as N-Triples lines (without ' .'), blank nodes renamed b0, b1… in order
    of first appearance, so that the same files always give the same lines."""
    bnodes: dict[str, str] = {}
    seen: dict[str, None] = {}

    def term(t: object) -> object:
        if isinstance(t, ox.BlankNode):
            return ox.BlankNode(bnodes.setdefault(t.value, f"b{len(bnodes)}"))
        return t

    for path in files:
        triples = [ox.Triple(term(q.subject), q.predicate, term(q.object))
                   for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
        for line in ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").split("\n"):
            if line:
                seen.setdefault(line[:-2], None)
    return list(seen)


def split_line(line: str) -> tuple[str, str, str]:
    s, p, o = line.split(" ", 2)
    return s, p, o


def _iri(nt: str) -> str | None:
    return nt[1:-1] if nt.startswith("<") else None


@dataclass
class Seed:
    """The seed lines and what the generator needs to know about their organisations."""

    lines: list[str]
    files: list[Path]
    replicable: list[str] = field(default_factory=list)  # lines with an ekd: IRI or a blank node
    fixed: list[str] = field(default_factory=list)  # written once
    roots: list[str] = field(default_factory=list)  # local names of part-of roots (have children, no parent)
    anchor: str = ""  # the root that children replicas attach to
    deepest: str = ""  # the organisation furthest below the anchor
    depth: int = 0  # longest part-of path in the seed (edges)
    document: str | None = None  # local name of an ekg:SourceDocument to cite in the kit
    digest: str = ""


def read_seed(files: list[Path] | None = None) -> Seed:
    files = files if files is not None else seed_files()
    lines = canonical_lines(files)
    seed = Seed(lines=lines, files=files)
    for line in lines:
        (seed.replicable if _EKD_IRI.search(line) or _has_bnode(line) else seed.fixed).append(line)
    edges: dict[str, set[str]] = {}
    for line in lines:
        s, p, o = split_line(line)
        if _iri(p) in PART_OF and s.startswith("<" + EKD) and o.startswith("<" + EKD):
            edges.setdefault(s[1 + len(EKD):-1], set()).add(o[1 + len(EKD):-1])
        if _iri(p) == RDF_TYPE and o == f"<{EKG}SourceDocument>" and s.startswith("<" + EKD) \
                and seed.document is None:
            seed.document = s[1 + len(EKD):-1]
    if not edges:
        raise ValueError("the seed has no part-of hierarchy (ekg:unitOf / ekg:supervisedBy / "
                         f"ekg:subOrganisationOf between ekd: IRIs): {', '.join(map(str, files))}")
    parents = {c for ps in edges.values() for c in ps}
    seed.roots = sorted(o for o in parents if o not in edges)
    heights = {node: _height(node, edges, ()) for node in edges}
    seed.depth = max(heights.values())
    seed.deepest = sorted(heights, key=lambda n: (-heights[n], n))[0]
    seed.anchor = sorted(_ancestors_at_top(seed.deepest, edges))[0]
    seed.digest = hashlib.blake2b("\n".join(lines).encode(), digest_size=12).hexdigest()
    return seed


def _has_bnode(line: str) -> bool:
    s, _p, o = split_line(line)
    return s.startswith("_:") or o.startswith("_:")


def _height(node: str, edges: dict[str, set[str]], path: tuple[str, ...]) -> int:
    """Longest upward part-of path from node (cycles cut)."""
    best = 0
    for parent in edges.get(node, ()):
        if parent not in path:
            best = max(best, 1 + _height(parent, edges, (*path, node)))
    return best


def _ancestors_at_top(node: str, edges: dict[str, set[str]]) -> set[str]:
    tops, todo, seen = set(), [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        ups = edges.get(n, set())
        if not ups:
            tops.add(n)
        todo.extend(ups)
    return tops


# -- templates -------------------------------------------------------------------------------------------


def replica_template(seed: Seed) -> str:
    """The replicable lines as one str.format template with {r} where the replica number goes."""
    out = []
    for line in seed.replicable:
        s, p, o = split_line(line)
        if _iri(p) in LABELS and o.startswith('"'):
            close = o.rindex('"')
            o = o[:close] + " (r\x00)" + o[close:]
        text = f"{s} {p} {o}".replace("{", "{{").replace("}", "}}").replace("\x00", "{r}")
        text = _EKD_IRI.sub(lambda m: "<" + EKD + m.group(1) + "-r{r}>", text)
        text = _BNODE.sub(lambda m: "_:" + m.group(1) + "r{r}", text)
        out.append(text + " .\n")
    return "".join(out)


def position(r: int) -> tuple[int, int]:
    """(cluster, position in cluster) of replica r."""
    return divmod(r, CLUSTER)


def parent_of(r: int) -> int | None:
    """The replica r's roots attach to: position 1-3 → 0, 4-12 → 1-3; cluster roots have none."""
    c, j = position(r)
    if j == 0:
        return None
    return c * CLUSTER + (0 if j <= 3 else (j - 4) // 3 + 1)


def _n(local: str, r: int | str) -> str:
    return f"<{EKD}{local}-r{r}>"


def link_lines(seed: Seed, r: int) -> str:
    """Triples that hang replica r under its parent replica (none for a cluster root)."""
    q = parent_of(r)
    if q is None:
        return ""
    unit_of, collab = f"<{EKG}unitOf>", f"<{EKG}collaboratesWith>"
    lines = [f"{_n(root, r)} {unit_of} {_n(seed.anchor, q)} .\n" for root in seed.roots]
    lines.append(f"{_n(seed.anchor, r)} {collab} {_n(seed.anchor, q)} .\n")
    return "".join(lines)


def kit_lines(seed: Seed, c: int, replicas: int) -> str:
    """A few triples per cluster that make every OWL construct of the ontology fire (see the module doc)."""
    r0 = c * CLUSTER
    deep = min(r0 + 4, replicas - 1)  # the first grandchild, else the last replica of a short cluster

    def k(name: str) -> str:
        return f"<{EKD}synth-{name}-c{c}>"

    def e(name: str) -> str:
        return f"<{EKG}{name}>"

    doc = _n(seed.document, r0) if seed.document else k("doc")
    a = f"<{RDF_TYPE}>"
    label = f"<{RDFS}label>"
    derived, quote = f"<{PROV}wasDerivedFrom>", e("quote")
    lines: list[tuple[str, str, str]] = []

    def node(name: str, cls: str, fr: str, en: str) -> str:
        n = k(name)
        lines.extend([(n, a, e(cls)), (n, label, f'"{fr} c{c}"@fr'), (n, label, f'"{en} c{c}"@en')])
        return n

    def fact(name: str, cls: str, text: str) -> str:
        n = k(name)
        lines.extend([(n, a, e(cls)), (n, derived, doc), (n, quote, f'"{text}"@fr')])
        return n

    if not seed.document:
        lines.extend([(doc, a, e("SourceDocument")), (doc, label, f'"document synthétique c{c}"@fr'),
                      (doc, label, f'"synthetic document c{c}"@en'),
                      (doc, f"<{DCT}identifier>", '"000_0000000000000000.txt"'),
                      (doc, f"<{DCT}language>", '"fr"')])
    team = node("team", "ResearchUnit", "Équipe", "Team")
    lines.append((team, e("unitOf"), _n(seed.deepest, deep)))
    person = node("person", "Person", "Chercheuse", "Researcher")
    role = fact("role", "Role", "chercheuse dans l'équipe")
    lines.extend([(role, e("roleHolder"), person), (role, e("roleOrganisation"), team),
                  (role, e("roleTitle"), '"chercheuse"@fr')])
    funding = fact("funding", "Funding", "l'institution finance la chercheuse")
    lines.extend([(funding, e("funder"), _n(seed.anchor, r0)), (funding, e("fundingRecipient"), person)])
    country = node("country", "Country", "Pays", "Country")
    city = node("city", "City", "Ville", "City")
    venue = node("venue", "Venue", "Salle", "Hall")
    lines.extend([(venue, e("locatedIn"), city), (city, e("locatedIn"), country)])
    event = node("event", "Meeting", "Journée", "Workshop")
    lines.extend([(event, e("startDate"), f'"2024-02-26"^^<{XSD}date>'), (event, e("eventPlace"), venue)])
    participation = fact("participation", "Participation", "la chercheuse participe à la journée")
    lines.extend([(participation, e("participant"), person), (participation, e("participationIn"), event)])
    plan = node("plan", "InvestmentPlan", "Plan", "Plan")
    programme = node("programme", "ResearchProgramme", "Programme", "Programme")
    project = node("project", "ResearchProject", "Projet", "Project")
    lines.extend([(project, e("partOfInitiative"), programme), (programme, e("partOfInitiative"), plan),
                  (person, e("collaboratesWith"), _n(seed.anchor, r0))])
    return "".join(f"{s} {p} {o} .\n" for s, p, o in lines)


# -- generation ------------------------------------------------------------------------------------------


@dataclass
class Plan:
    replicas: int
    data_triples: int  # expected (exact: every generated line is distinct)


def per_cluster(seed: Seed) -> tuple[int, int, int]:
    """(seed lines per replica, link lines per non-root replica, kit lines per cluster)."""
    return (len(seed.replicable), len(link_lines(seed, 1).splitlines()),
            len(kit_lines(seed, 0, CLUSTER).splitlines()))


def plan_for(seed: Seed, target: int, ontology_triples: int = 0) -> Plan:
    """How many replicas give about `target` asserted triples (ontology included)."""
    rep, link, kit = per_cluster(seed)
    per_replica = rep + (link * (CLUSTER - 1) + kit) / CLUSTER
    want = max(target - ontology_triples, per_replica)
    guess = max(1, round(want / per_replica))
    replicas = min(range(max(1, guess - 3), guess + 4), key=lambda k: (abs(count_lines(seed, k) - want), k))
    return Plan(replicas, count_lines(seed, replicas))


def count_lines(seed: Seed, replicas: int) -> int:
    rep, link, kit = per_cluster(seed)
    clusters = -(-replicas // CLUSTER)
    return len(seed.fixed) + rep * replicas + link * (replicas - clusters) + kit * clusters


def generate(seed: Seed, replicas: int) -> Iterator[str]:
    """The synthetic data as chunks of N-Triples text, deterministic for a seed and a replica count."""
    if seed.fixed:
        yield "".join(line + " .\n" for line in seed.fixed)
    template = replica_template(seed)
    for r in range(replicas):
        c, j = position(r)
        parts = [template.format(r=r), link_lines(seed, r)]
        if j == 0:
            parts.append(kit_lines(seed, c, replicas))
        yield "".join(parts)


def ontology_triples() -> int:
    from kg.shared.paths import layout

    return sum(len(list(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE))) for p in layout().ontology_files())


def write(out: Path, target: int, seed: Seed | None = None) -> dict:
    """Write DIR/data/synthetic.ttl for about `target` asserted triples; return the metadata."""
    seed = seed or read_seed()
    onto = ontology_triples()
    plan = plan_for(seed, target, onto)
    data_dir = out / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "synthetic.ttl"
    tmp = path.with_suffix(".tmp")
    h = hashlib.blake2b(digest_size=12)
    with tmp.open("w", encoding="utf-8") as fh:
        for chunk in generate(seed, plan.replicas):
            fh.write(chunk)
            h.update(chunk.encode())
    tmp.replace(path)
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed_files": [_rel(p) for p in seed.files],
        "seed_digest": seed.digest,
        "seed_triples": len(seed.lines),
        "target": target,
        "replicas": plan.replicas,
        "clusters": -(-plan.replicas // CLUSTER),
        "data_triples": plan.data_triples,
        "ontology_triples": onto,
        "asserted_triples": plan.data_triples + onto,
        "output_digest": h.hexdigest(),
        "seed_depth": seed.depth,
        "probe": probe(seed, plan.replicas),
    }
    (out / "benchmark.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def probe(seed: Seed, replicas: int) -> list[str]:
    """An inferred triple with a deep proof, for `kg explain`: the kit person of cluster 0 is affiliated with
    the anchor of the cluster root (role in a grandchild replica → memberOf → affiliatedWith up the tree)."""
    return [f"{EKD}synth-person-c0", EKG + "affiliatedWith", f"{EKD}{seed.anchor}-r0"]


def _rel(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return str(path)


# -- checks ----------------------------------------------------------------------------------------------


def proportions(lines: Iterable[str]) -> tuple[Counter, Counter]:
    """(instances per class from rdf:type, triples per predicate) of N-Triples lines."""
    classes: Counter = Counter()
    predicates: Counter = Counter()
    type_nt = f"<{RDF_TYPE}>"
    for line in lines:
        _s, p, o = split_line(line)
        predicates[p] += 1
        if p == type_nt:
            classes[o] += 1
    return classes, predicates


def file_lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield line[:-3] if line.endswith(" .\n") else line.rstrip("\n")


def part_of_depth(lines: Iterable[str]) -> int:
    """Longest chain of asserted part-of edges (unitOf / supervisedBy / subOrganisationOf), in edges."""
    preds = {f"<{p}>" for p in PART_OF}
    edges: dict[str, set[str]] = {}
    for line in lines:
        s, p, o = split_line(line)
        if p in preds:
            edges.setdefault(s, set()).add(o)
    memo: dict[str, int] = {}

    def height(node: str, stack: frozenset) -> int:
        if node in memo:
            return memo[node]
        best = 0
        for parent in edges.get(node, ()):
            if parent not in stack:
                best = max(best, 1 + height(parent, stack | {node}))
        memo[node] = best
        return best

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    return max((height(n, frozenset()) for n in edges), default=0)


def compare_table(seed_lines: list[str], synth_lines: Iterable[str], top: int = 25) -> str:
    """Class and property proportions, project vs synthetic, side by side (markdown)."""
    pc, pp = proportions(seed_lines)
    sc, sp = proportions(synth_lines)
    out = []
    for title, a, b in (("class (share of rdf:type triples)", pc, sc), ("property (share of triples)", pp, sp)):
        ta, tb = sum(a.values()) or 1, sum(b.values()) or 1
        out += [f"| {title} | project | synthetic |", "|---|---:|---:|"]
        keys = sorted(set(a) | set(b), key=lambda key: (-a.get(key, 0), -b.get(key, 0), key))
        for key in keys[:top]:
            out.append(f"| {_short(key)} | {100 * a.get(key, 0) / ta:.2f}% | {100 * b.get(key, 0) / tb:.2f}% |")
        if len(keys) > top:
            rest_a = sum(a[x] for x in keys[top:]) / ta
            rest_b = sum(b[x] for x in keys[top:]) / tb
            out.append(f"| ({len(keys) - top} more) | {100 * rest_a:.2f}% | {100 * rest_b:.2f}% |")
        out.append("")
    return "\n".join(out)


def _short(nt: str) -> str:
    for prefix, ns in (("ekg:", EKG), ("rdf:", RDF), ("rdfs:", RDFS), ("prov:", PROV), ("dcterms:", DCT),
                       ("skos:", SKOS), ("owl:", OWL)):
        if nt.startswith("<" + ns):
            return prefix + nt[1 + len(ns):-1]
    return nt


_FILE_GRAPH = "https://w3id.org/ecosystem-kg/graph/file/"
_ASSERTED = "FILTER NOT EXISTS {{ GRAPH ?g {{ {s} {p} {o} }} FILTER(STRSTARTS(STR(?g), \"" + _FILE_GRAPH + "\")) }}"


def _not_asserted(s: str, p: str, o: str) -> str:
    return _ASSERTED.format(s=s, p=p, o=o)


def construct_checks(store: ox.Store) -> dict[str, int]:
    """For each OWL construct of the ontology, how many closure triples it justifies and that were not
    asserted. Asks the closure (the store's default graph), not the reasoner's records: an independent check
    that the synthetic graph exercises every construct. disjointWith can only fire as an inconsistency: its
    entry counts the individuals that violate it (0 expected)."""
    def count(where: str) -> int:
        rows = store.query(f"PREFIX ekg: <{EKG}> PREFIX owl: <{OWL}> PREFIX rdfs: <{RDFS}> "
                           f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(rows))["n"].value)

    checks: dict[str, int] = {}
    chains = {row["q"].value: row["l"] for row in store.query(
        f"SELECT ?q ?l WHERE {{ ?q <{OWL}propertyChainAxiom> ?l }}")}
    for q in sorted(chains):
        props = _chain_order(store, chains[q])
        if not props:
            raise ValueError(f"malformed property chain on <{q}>")
        body = " . ".join(f"?x{i} <{p}> ?x{i + 1}" for i, p in enumerate(props))
        last = f"?x{len(props)}"
        checks[f"chain {_short('<' + q + '>')} = " + " ∘ ".join(_short(f"<{p}>") for p in props)] = count(
            f"{body} . ?x0 <{q}> {last} {_not_asserted('?x0', f'<{q}>', last)}")
    for (p,) in [(r["p"].value,) for r in store.query(f"SELECT ?p WHERE {{ ?p a <{OWL}TransitiveProperty> }}")]:
        checks[f"transitive {_short('<' + p + '>')}"] = count(
            f"?a <{p}> ?b . ?b <{p}> ?c . ?a <{p}> ?c FILTER(?a != ?c) {_not_asserted('?a', f'<{p}>', '?c')}")
    for (p,) in [(r["p"].value,) for r in store.query(f"SELECT ?p WHERE {{ ?p a <{OWL}SymmetricProperty> }}")]:
        checks[f"symmetric {_short('<' + p + '>')}"] = count(
            f"?a <{p}> ?b . ?b <{p}> ?a {_not_asserted('?a', f'<{p}>', '?b')}")
    checks["inverseOf (prp-inv1/2)"] = count(
        f"{{ ?p owl:inverseOf ?q }} UNION {{ ?q owl:inverseOf ?p }} ?x ?p ?y . ?y ?q ?x "
        f"{_not_asserted('?y', '?q', '?x')}")
    checks["subPropertyOf (prp-spo1)"] = count(
        f"?p rdfs:subPropertyOf ?q FILTER(?p != ?q) ?x ?p ?y . ?x ?q ?y {_not_asserted('?x', '?q', '?y')}")
    checks["domain (prp-dom)"] = count(
        f"SELECT DISTINCT ?x ?c WHERE {{ ?p rdfs:domain ?c . ?x ?p ?y . ?x a ?c "
        f"{_not_asserted('?x', '<' + RDF_TYPE + '>', '?c')} }}")
    checks["range (prp-rng)"] = count(
        f"SELECT DISTINCT ?y ?c WHERE {{ ?p rdfs:range ?c . ?x ?p ?y . ?y a ?c "
        f"{_not_asserted('?y', '<' + RDF_TYPE + '>', '?c')} }}")
    checks["subClassOf (cax-sco)"] = count(
        f"SELECT DISTINCT ?x ?d WHERE {{ ?c rdfs:subClassOf ?d FILTER(?c != ?d) ?x a ?c . ?x a ?d "
        f"{_not_asserted('?x', '<' + RDF_TYPE + '>', '?d')} }}")
    checks["disjointWith violations (cax-dw, 0 expected)"] = count(
        "?c1 owl:disjointWith ?c2 . ?x a ?c1 , ?c2")
    return checks


def _chain_order(store: ox.Store, head: object) -> list[str]:
    out, node, nil = [], head, ox.NamedNode(RDF + "nil")
    for _ in range(100):
        if node == nil:
            return out
        first = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "first"), None, ox.DefaultGraph())]
        rest = [q.object for q in store.quads_for_pattern(node, ox.NamedNode(RDF + "rest"), None, ox.DefaultGraph())]
        if len(first) != 1 or len(rest) != 1:
            return []
        out.append(first[0].value)
        node = rest[0]
    return []


def check(out: Path) -> dict[str, int]:
    """Reason on DIR with kg's default engine (no cache) and count what each construct derived."""
    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    kgraph = open_graph(layout(out), reasoning="owlrl", use_cache=False)
    return construct_checks(kgraph.store)


# -- command line ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="10k", help="asserted triples wanted (ontology included): 10k, 100k, 1m…")
    ap.add_argument("--out", type=Path, required=True, help="graph root to write (DIR/data/synthetic.ttl)")
    ap.add_argument("--check", action="store_true",
                    help="reason on the result and show how many triples each OWL construct derived")
    ap.add_argument("--no-compare", action="store_true", help="do not print the proportions table")
    args = ap.parse_args(argv)
    try:
        target = parse_size(args.size)
        seed = read_seed()
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    meta = write(args.out, target, seed)
    print(f"{args.out}/data/synthetic.ttl: {meta['data_triples']:,} data triples "
          f"({meta['replicas']:,} replicas of {meta['seed_triples']:,} seed triples from "
          f"{', '.join(meta['seed_files'])}) + {meta['ontology_triples']:,} ontology triples")
    depth = part_of_depth(file_lines(args.out / "data" / "synthetic.ttl"))
    print(f"part-of depth: seed {seed.depth}, synthetic {depth}")
    if not args.no_compare:
        print()
        print(compare_table(seed.lines, file_lines(args.out / "data" / "synthetic.ttl")))
    if args.check:
        for name, n in check(args.out).items():
            print(f"{n:>10,}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
