"""How well `kg ingest` reads a document: leave one seed document out, ingest it, compare with the curated facts.

For each seed document D: a copy of the graph without what only D states (its fact nodes, the triples only D
attests, the entities only D mentions, the spellings only D prints — data/label-attestations.ttl), then the
extractor over D's text against that copy, every proposed candidate taken as accepted, and the result compared
with D's curated facts:

  (a) mentions linked to the right existing entity      (b) new entities found with the right type family
  (c) figures (value, unit, qualifier)                  (d) dates (value and datatype; relative dates as written)
  (e) relations (subject, predicate, object): roles as person–holdsRole–organisation, participations as
      participatesIn, fundings as fundedBy, inverses folded; a relation whose predicate is a super- or
      sub-property of the curated one is counted apart ("related"), not as correct.

New entities are matched to curated ones by their labels (any French spelling, case/accents/punctuation ignored).
The same metrics on the three fictional fixtures (tests/fixtures/ingest/*.txt vs *.expected.json, against the
whole graph). And the time of `kg ingest` on a 5 MB text. Candidates are compared as `kg accept` would write them
(the comparison reads the rows, so a row `kg accept` would refuse for a missing column still counts as proposed).

    .venv/bin/python benchmarks/ingest_loo.py                 # everything (a few minutes)
    .venv/bin/python benchmarks/ingest_loo.py --skip-big      # no 5 MB timing
    .venv/bin/python benchmarks/ingest_loo.py --skip-big --errors   # and, on stderr, the relations missed and wrong
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.engine.graph import open_graph  # noqa: E402
from kg.ingest.extract import Extractor  # noqa: E402
from kg.ingest.known import Known  # noqa: E402
from kg.ingest.pipeline import parse  # noqa: E402
from kg.query.search import normalise  # noqa: E402
from kg.shared.paths import layout  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"
FIXTURES = REPO / "tests" / "fixtures" / "ingest"
EKD = "https://w3id.org/ecosystem-kg/id/"
EKG = "https://w3id.org/ecosystem-kg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
LABEL_PROPS = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel")
NOT_RELATIONS = {RDF + "type", EKG + "mentions", EKG + "mentionedIn", *LABEL_PROPS}
DATE_PROPS = (EKG + "date", EKG + "startDate", EKG + "endDate")
KINDS = ("a", "b", "c", "d", "e")
NAMES = {
    "a": "(a) linked mentions",
    "b": "(b) new entities + family",
    "c": "(c) figures",
    "d": "(d) dates",
    "e": "(e) relations",
}


def expand(curie: str) -> str:
    for prefix, ns in (("ekd:", EKD), ("ekg:", EKG), ("xsd:", XSD)):
        if curie.startswith(prefix):
            return ns + curie[len(prefix) :]
    return curie


# -- the graph without one document ---------------------------------------------------------------------


def full_store() -> ox.Store:
    store = ox.Store()
    for path in sorted((REPO / "data").glob("*.ttl")):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def leave_out(store: ox.Store, doc: str) -> list[ox.Quad]:
    """The triples of the graph without what only `doc` states."""
    d = ox.NamedNode(doc)
    quads = list(store)
    by_subject = defaultdict(list)
    for q in quads:
        by_subject[q.subject].append(q)
    facts = {q.subject for q in quads if q.predicate == DERIVED}
    from_doc = {q.subject for q in quads if q.predicate == DERIVED and q.object == d}
    # which documents attest each triple
    attesting = defaultdict(set)
    for f in facts:
        props = {q.predicate.value: q.object for q in by_subject[f]}
        if RDF + "subject" in props:
            attesting[(props[RDF + "subject"], props[RDF + "predicate"], props[RDF + "object"])].add(
                props[PROV + "wasDerivedFrom"]
            )
    mentioned = defaultdict(set)
    for q in quads:
        if q.predicate.value == EKG + "mentionedIn":
            mentioned[q.subject].add(q.object)
    gone = {e for e, docs in mentioned.items() if docs == {d}} | from_doc
    kept = []
    for q in quads:
        if q.subject in gone or q.object in gone:
            continue
        if q.predicate.value in (EKG + "mentionedIn",) and q.object == d:
            continue
        if q.subject == d and q.predicate.value == EKG + "mentions":
            continue
        docs = attesting.get((q.subject, q.predicate, q.object))
        if docs == {d}:
            continue  # a triple (or a spelling) only this document attests
        kept.append(q)
    return kept


def graph_without(store: ox.Store, doc: str, root: Path) -> Known:
    (root / "data").mkdir(parents=True)
    out = ox.Store()
    out.extend(ox.Quad(q.subject, q.predicate, q.object) for q in leave_out(store, doc))
    out.dump(output=str(root / "data" / "graph.ttl"), format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph())
    return Known(open_graph(layout(str(root)), reasoning="none", use_cache=False))


# -- what the curators wrote for one document ---------------------------------------------------------------


class Ontology:
    def __init__(self) -> None:
        onto = ox.Store()
        onto.load(path=str(REPO / "ontology" / "ecosystem.ttl"), format=ox.RdfFormat.TURTLE)
        self.inverse = {}
        for q in onto.quads_for_pattern(None, ox.NamedNode(OWL + "inverseOf"), None):
            self.inverse[q.subject.value] = q.object.value
            self.inverse[q.object.value] = q.subject.value
        self.symmetric = {
            q.subject.value
            for q in onto.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "SymmetricProperty"))
        }
        self.supers = defaultdict(set)
        for row in onto.query(f"SELECT ?p ?s WHERE {{ ?p <{RDFS}subPropertyOf>+ ?s }}"):
            self.supers[row["p"].value].add(row["s"].value)

    def canon(self, s: str, p: str, o: str) -> tuple[str, str, str]:
        if p in self.symmetric:
            return (min(s, o), p, max(s, o))
        q = self.inverse.get(p)
        return (o, q, s) if q and q < p else (s, p, o)

    def related(self, p: str, q: str) -> bool:
        return q in self.supers.get(p, ()) or p in self.supers.get(q, ())


def gold(store: ox.Store, doc: str, known: Known, onto: Ontology) -> dict:
    """D's curated facts in the comparison's terms; entities as IRIs (new ones also by their labels)."""
    rows = lambda q: [tuple(None if t is None else t.value for t in r) for r in store.query(q)]  # noqa: E731
    mentioned = {e for (e,) in rows(f"SELECT ?e WHERE {{ ?e <{EKG}mentionedIn> <{doc}> }}")}
    linked = {e for e in mentioned if e in known.entities}
    # An entity the curators marked as having no name in the text (`ekg:notStated foaf:name`: "auteur du texte
    # 003 (non nommé)") is not a name an extractor can find or match by label: counted apart, not in (b).
    unnamed = {e for (e,) in rows(f"SELECT ?e WHERE {{ ?e <{EKG}notStated> <{FOAF}name> }}")}
    new = {e for e in mentioned if e not in known.entities and e not in unnamed}
    full_types = defaultdict(set)
    for s, t in rows("SELECT ?s ?t WHERE { ?s a ?t }"):
        full_types[s].add(t)
    new_entities = {}
    for e in new:
        classes = set()
        for t in full_types[e]:
            classes |= known.superclasses.get(t, {t})
        fam = _family(classes)
        if fam in ("person", "organisation", "product", "programme", "place", "event"):
            labels = {
                normalise(label)
                for (label,) in rows(
                    f"SELECT ?l WHERE {{ VALUES ?p {{ <{RDFS}label> <{SKOS}prefLabel> "
                    f"<{SKOS}altLabel> }} <{e}> ?p ?l }}"
                )
            }
            new_entities[e] = (fam, labels)
    figures = Counter(
        (_dec(v), u, q)
        for v, u, q in rows(
            f"SELECT ?v ?u ?q WHERE {{ ?f a <{EKG}Figure> ; <{PROV}wasDerivedFrom> "
            f"<{doc}> ; <{EKG}value> ?v ; <{EKG}unit> ?u ; <{EKG}qualifier> ?q }}"
        )
    )
    dates = set()
    for v, dt in rows(
        f"SELECT ?v (DATATYPE(?v) AS ?dt) WHERE {{ {{ ?a <{PROV}wasDerivedFrom> <{doc}> ; "
        f"<{RDF}predicate> ?p ; <{RDF}object> ?v VALUES ?p {{ {' '.join(f'<{p}>' for p in DATE_PROPS)} }} }}"
        f" UNION {{ ?f <{PROV}wasDerivedFrom> <{doc}> ; ?dp ?v VALUES ?dp {{ <{EKG}date> <{EKG}startDate> }} }} }}"
    ):
        dates.add((v, dt))
    for (w,) in rows(
        f"SELECT ?w WHERE {{ ?f <{PROV}wasDerivedFrom> <{doc}> ; <{RDF}object> ?w ; <{RDF}predicate> "
        f"<{EKG}dateAsWritten> }}"
    ):
        if (
            any(
                m in w.lower()
                for m in (
                    "janvier",
                    "février",
                    "mars",
                    "avril",
                    "mai",
                    "juin",
                    "juillet",
                    "août",
                    "septembre",
                    "octobre",
                    "novembre",
                    "décembre",
                )
            )
            and "dernier" in w.lower()
        ):
            dates.add((_relative(w), "notStated"))
    relations = set()
    for s, p, o in rows(
        f"SELECT ?s ?p ?o WHERE {{ ?a a <{EKG}Attestation> ; <{PROV}wasDerivedFrom> <{doc}> ; "
        f"<{RDF}subject> ?s ; <{RDF}predicate> ?p ; <{RDF}object> ?o FILTER(isIRI(?o) && "
        f'STRSTARTS(STR(?o), "{EKD}") && STRSTARTS(STR(?p), "{EKG}")) }}'
    ):
        if p not in NOT_RELATIONS and p not in DATE_PROPS:
            relations.add(onto.canon(s, p, o))
    for h, o in rows(
        f"SELECT ?h ?o WHERE {{ ?r a <{EKG}Role> ; <{PROV}wasDerivedFrom> <{doc}> ; <{EKG}roleHolder> ?h ; "
        f"<{EKG}roleOrganisation> ?o }}"
    ):
        relations.add(onto.canon(h, EKG + "holdsRole", o))
    for p, e in rows(
        f"SELECT ?p ?e WHERE {{ ?r a <{EKG}Participation> ; <{PROV}wasDerivedFrom> <{doc}> ; "
        f"<{EKG}participant> ?p ; <{EKG}participationIn> ?e }}"
    ):
        relations.add(onto.canon(p, EKG + "participatesIn", e))
    for r, f in rows(
        f"SELECT ?r ?f WHERE {{ ?x a <{EKG}Funding> ; <{PROV}wasDerivedFrom> <{doc}> ; "
        f"<{EKG}fundingRecipient> ?r ; <{EKG}funder> ?f }}"
    ):
        relations.add(onto.canon(r, EKG + "fundedBy", f))
    return {"a": linked, "b": new_entities, "c": figures, "d": dates, "e": relations}


def _family(classes: set[str]) -> str | None:
    from kg.ingest.known import FAMILY_ROOTS

    for family, roots in FAMILY_ROOTS:
        if classes & set(roots):
            return family
    return None


def _relative(written: str) -> str:
    return normalise(written).removeprefix("en ").removeprefix("depuis ")


def _dec(value: str) -> str:
    from decimal import Decimal

    return format(Decimal(value).normalize(), "f")


# -- comparing --------------------------------------------------------------------------------------------


def compare(cands, g: dict, onto: Ontology, known_labels: dict[str, str] | None = None) -> dict:
    """(correct, proposed, expected[, related]) per kind."""
    out = {}
    linked = {expand(c.subject) for c in cands if c.kind == "mention"}
    out["a"] = (len(linked & g["a"]), len(linked), len(g["a"]))
    # (b): proposed new entities matched by label to a curated new entity
    pred_map = {}
    correct_b, hit_gold = 0, set()
    entity_rows = [c for c in cands if c.kind == "entity"]
    for c in entity_rows:
        norm = normalise(c.label)
        for e, (fam, labels) in g["b"].items():
            if norm in labels:
                pred_map[expand(c.subject)] = e
                if fam == c.value:
                    correct_b += 1
                    hit_gold.add(e)
                break
    out["b"] = (correct_b, len(entity_rows), len(g["b"]), len(hit_gold))
    figs = Counter((_dec(c.value), expand(c.unit), expand(c.qualifier)) for c in cands if c.kind == "figure")
    out["c"] = (sum((figs & g["c"]).values()), sum(figs.values()), sum(g["c"].values()))
    dates = set()
    for c in cands:
        if c.kind == "date":
            dates.add(
                (_relative(c.as_written), "notStated")
                if c.datatype == "ekg:notStated"
                else (c.value, expand(c.datatype))
            )
    out["d"] = (len(dates & g["d"]), len(dates), len(g["d"]))
    rels = set()
    for c in cands:
        if c.kind in ("relation", "role", "participation", "funding"):
            s, o = expand(c.subject), expand(c.object)
            s, o = pred_map.get(s, s), pred_map.get(o, o)
            rels.add(onto.canon(s, expand(c.predicate), o))
        elif c.kind == "agreement":
            for party in c.object.split():
                rels.add(onto.canon(expand(c.subject), EKG + "party", pred_map.get(expand(party), expand(party))))
    exact = rels & g["e"]
    related = {
        r for r in rels - exact if any(r[0] == x[0] and r[2] == x[2] and onto.related(r[1], x[1]) for x in g["e"])
    }
    out["e"] = (len(exact), len(rels), len(g["e"]), len(related))
    out["e_missed"], out["e_wrong"] = g["e"] - rels, rels - exact
    out["found"] = linked | set(pred_map.values()) | {expand(c.subject) for c in cands if c.kind == "agreement"}
    return out


def pr(correct: int, proposed: int, expected: int) -> tuple[float, float]:
    return (100 * correct / proposed if proposed else 100.0, 100 * correct / expected if expected else 100.0)


def table(results: dict[str, dict]) -> str:
    lines = ["| document | " + " | ".join(NAMES[k] + " P / R" for k in KINDS) + " |", "|---|" + "---|" * len(KINDS)]
    total = {k: [0, 0, 0] for k in KINDS}
    for name, res in results.items():
        cells = []
        for k in KINDS:
            c, p, e = res[k][:3]
            if k == "b":
                c_prec, c_rec = res[k][0], res[k][3]
                prec, rec = (100 * c_prec / p if p else 100.0), (100 * c_rec / e if e else 100.0)
                total[k][0] += c_rec
            else:
                prec, rec = pr(c, p, e)
                total[k][0] += c
            total[k][1] += p
            total[k][2] += e
            extra = f" (+{res[k][3]} related)" if k == "e" and res[k][3] else ""
            cells.append(f"{prec:.0f} % / {rec:.0f} % ({c}/{p}/{e}){extra}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    cells = []
    for k in KINDS:
        prec, rec = pr(*total[k])
        cells.append(f"**{prec:.0f} % / {rec:.0f} %**")
    lines.append("| **total** | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_errors(file: str, res: dict, store: ox.Store) -> None:
    """The relations a document's curators wrote that were missed, and the proposed ones that are wrong, by
    property (labels from the whole graph)."""

    def name(iri: str) -> str:
        for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), None):
            return q.object.value
        return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    for title, triples in (("missed", res["e_missed"]), ("wrong", res["e_wrong"])):
        by_p = defaultdict(list)
        for s, p, o in triples:
            mark = "" if title == "wrong" or (s in res["found"] and o in res["found"]) else " [end not found]"
            by_p[p.rsplit("#", 1)[-1]].append(f"{name(s)} -> {name(o)}{mark}")
        print(f"--- {file} {title} ({len(triples)})", file=sys.stderr)
        for p, items in sorted(by_p.items(), key=lambda kv: -len(kv[1])):
            print(f"  {p} ({len(items)}): " + "; ".join(sorted(items)), file=sys.stderr)


# -- fixtures ------------------------------------------------------------------------------------------------


def fixture_gold(expected: dict, known: Known) -> dict:
    labels = lambda x: normalise(x)  # noqa: E731

    def end(x: str) -> str:  # an entity the graph knows is named by its CURIE, compared by its label
        return normalise(known.label(expand(x))) if x.startswith("ekd:") else normalise(x)

    return {
        "a": {expand(m["iri"]) for m in expected["mentions"]},
        "b": {e["label"]: (e["family"], {labels(e["label"])}) for e in expected["entities"]},
        "c": Counter((_dec(f["value"]), expand(f["unit"]), expand(f["qualifier"])) for f in expected["figures"]),
        "d": {
            (_relative(d["as_written"]), "notStated")
            if d["datatype"] == "ekg:notStated"
            else (d["value"], expand(d["datatype"]))
            for d in expected["dates"]
        },
        "e": {(end(r["subject"]), expand(r["predicate"]), end(r["object"])) for r in expected["relations"]},
    }


def fixture_compare(cands, g: dict, known: Known, onto: Ontology) -> dict:
    label_of = {}
    for c in cands:
        if c.kind in ("entity", "agreement"):
            label_of[expand(c.subject)] = normalise(c.label)

    def lab(iri: str) -> str:
        return label_of.get(iri) or normalise(known.label(iri))

    relabelled = []
    for c in cands:
        if c.kind in ("relation", "role", "participation", "funding", "agreement"):
            relabelled.append(c)
    res = compare(cands, {**g, "e": set()}, onto)
    rels = set()
    for c in relabelled:
        if c.kind == "agreement":
            for party in c.object.split():
                rels.add((normalise(c.label), EKG + "party", lab(expand(party))))
        else:
            rels.add((lab(expand(c.subject)), expand(c.predicate), lab(expand(c.object))))
    exact = rels & g["e"]
    res["e"] = (len(exact), len(rels), len(g["e"]), 0)
    return res


# -- the 5 MB text ---------------------------------------------------------------------------------------------


def big_text_timing(root: Path) -> str:
    parts = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(FIXTURES.glob("*.txt"))]
    unit = "\n".join(parts) + "\n"
    text = unit * (5 * 1024 * 1024 // len(unit.encode("utf-8")) + 1)
    path = root / "big.txt"
    path.write_text(text, encoding="utf-8")
    size = path.stat().st_size
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([str(REPO / ".venv" / "bin" / "kg"), "ingest", str(path), "-o", str(root / "big.tsv")],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rows = sum(1 for _ in (root / "big.tsv").open(encoding="utf-8")) if proc.returncode == 0 else 0
    return (
        f"`kg ingest` on a {size / 1e6:.1f} MB text ({text.count(chr(10))} lines, the fixtures repeated): "
        f"{elapsed:.1f} s wall, {cpu:.1f} s CPU (load average {load:.1f} on 2 cores when it started), "
        f"exit {proc.returncode}, {rows} review lines; stderr ends: {proc.stderr.strip().splitlines()[-1:]}"
    )


def main(argv: list[str]) -> int:
    if not SEEDS.is_dir():
        print(f"ingest_loo.py: {SEEDS} not found", file=sys.stderr)
        return 2
    onto = Ontology()
    store = full_store()
    docs = {
        row["f"].value: row["d"].value
        for row in store.query(
            "SELECT ?d ?f WHERE { ?d a <https://w3id.org/ecosystem-kg/ontology#SourceDocument> ; "
            "<http://purl.org/dc/terms/identifier> ?f }"
        )
    }
    results = {}
    for file in sorted(docs):
        doc = docs[file]
        with tempfile.TemporaryDirectory() as tmp:
            known = graph_without(store, doc, Path(tmp))
            g = gold(store, doc, known, onto)
            text = (SEEDS / file).read_text(encoding="utf-8")
            cands = Extractor(text, known, doc, parse=parse.parse).run()
            results[file[:3]] = compare(cands, g, onto)
            print(file, {k: v for k, v in results[file[:3]].items() if k in KINDS}, file=sys.stderr)
            if "--errors" in argv:
                print_errors(file, results[file[:3]], store)
    loo = table(results)
    known = Known(open_graph(layout(None), reasoning="none"))
    fixture_results = {}
    for path in sorted(FIXTURES.glob("*.txt")):
        expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
        cands = Extractor(path.read_text(encoding="utf-8"), known, EKD + "doc-999", parse=parse.parse).run()
        fixture_results[path.stem] = fixture_compare(cands, fixture_gold(expected, known), known, onto)
    fixtures = table(fixture_results)
    print("## Leave one document out\n\n" + loo + "\n\n## Fictional fixtures\n\n" + fixtures + "\n")
    if "--skip-big" not in argv:
        with tempfile.TemporaryDirectory() as tmp:
            print(big_text_timing(Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
