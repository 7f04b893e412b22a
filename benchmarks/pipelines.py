"""The pipelines the benchmark compares kg with, and in-process measurements of kg's engine.

Each subcommand runs in its own process (started by benchmarks/run.py, which measures its wall time and peak
memory from outside) and prints one last line `RESULT {json}` with its phase times and result sizes. Phases are
timed with perf_counter inside the process; the interpreter start is in the outer wall time only.

    python benchmarks/pipelines.py naive DIR QUERY.rq        rdflib parse + owlrl closure + rdflib SPARQL
    python benchmarks/pipelines.py reasonable DIR QUERY.rq   pyoxigraph load + reasonable + pyoxigraph SPARQL
    python benchmarks/pipelines.py validate-data DIR OUT.nt  the data graph `kg validate` gives pySHACL
    python benchmarks/pipelines.py pyshacl DATA.nt SHAPES.ttl pyshacl.validate(inference='none') called directly
    python benchmarks/pipelines.py recording DIR             materialise(record_rounds=True vs False)
    python benchmarks/pipelines.py probe DIR                 an inferred triple with a deep proof, for explain
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

T0 = time.perf_counter()


def _files(data_dir: str) -> tuple[list[Path], list[Path]]:
    from kg.shared.paths import layout

    lay = layout(data_dir)
    return lay.ontology_files(), lay.data_files()


def _emit(result: dict) -> None:
    result["total_s"] = time.perf_counter() - T0
    print("RESULT " + json.dumps(result), flush=True)


def naive(data_dir: str, query_file: str) -> None:
    """What a user of the Python RDF stack writes first: everything in rdflib, owlrl for OWL RL."""
    ontology, data = _files(data_dir)
    sparql = Path(query_file).read_text(encoding="utf-8")
    t = time.perf_counter()
    import owlrl
    import rdflib

    phases = {"import": time.perf_counter() - t}
    t = time.perf_counter()
    graph = rdflib.Graph()
    for path in ontology + data:
        graph.parse(str(path), format="turtle")
    phases["parse"] = time.perf_counter() - t
    asserted = len(graph)
    t = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    phases["reason"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = list(graph.query(sparql))
    phases["query"] = time.perf_counter() - t
    _emit({"phases": phases, "asserted": asserted, "closure": len(graph), "rows": len(rows)})


def reasonable_pipeline(data_dir: str, query_file: str) -> None:
    """The fast Rust reasoner: files loaded into pyoxigraph and into reasonable, its closure added to the
    store, the query run by pyoxigraph."""
    import pyoxigraph as ox

    ontology, data = _files(data_dir)
    sparql = Path(query_file).read_text(encoding="utf-8")
    t = time.perf_counter()
    import reasonable

    phases = {"import": time.perf_counter() - t}
    t = time.perf_counter()
    store = ox.Store()
    for path in ontology + data:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    phases["load"] = time.perf_counter() - t
    t = time.perf_counter()
    reasoner = reasonable.PyReasoner()
    for path in ontology + data:
        reasoner.load_file(str(path))
    triples = reasoner.reason()
    phases["reason"] = time.perf_counter() - t
    t = time.perf_counter()
    nt = "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples if not _literal_subject(s))
    del triples
    store.bulk_load(nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    phases["add_closure"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = list(store.query(sparql))
    phases["query"] = time.perf_counter() - t
    _emit({"phases": phases, "closure": len(store), "rows": len(rows)})


def _literal_subject(term: object) -> bool:
    return type(term).__name__ == "Literal"


def validate_data(data_dir: str, out: str) -> None:
    """Write the graph pySHACL sees under `kg validate` (asserted data + closure rdf:type triples), built by
    kg's own functions, as N-Triples, so that pySHACL can be called directly on the very same input."""
    from kg.engine.graph import open_graph
    from kg.inspection import validate as kv
    from kg.shared.paths import layout

    lay = layout(data_dir)
    kgraph = open_graph(lay, reasoning="none")
    if hasattr(kv, "shape_classes"):  # kg gives pySHACL only the types its shapes can read
        graph = kv.data_graph(kgraph, kv.shape_classes(kv.load_shapes(lay.shapes_files())))
    else:
        graph = kv.data_graph(kgraph)
    graph.serialize(out, format="nt", encoding="utf-8")
    _emit({"triples": len(graph)})


def pyshacl_direct(data_file: str, shapes_file: str) -> None:
    """pyshacl.validate called the way its documentation shows, with inference off."""
    t = time.perf_counter()
    import pyshacl
    import rdflib

    phases = {"import": time.perf_counter() - t}
    t = time.perf_counter()
    data = rdflib.Graph().parse(data_file, format="nt")
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    phases["parse"] = time.perf_counter() - t
    t = time.perf_counter()
    conforms, _report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    phases["validate"] = time.perf_counter() - t
    _emit({"phases": phases, "conforms": bool(conforms), "triples": len(data)})


def recording(data_dir: str, repeats: int = 2) -> None:
    """Reasoning time with and without the per-round graphs that explanations are rebuilt from, on stores
    loaded the same way (a fresh store per run, runs interleaved so neither mode gets a warmer machine)."""
    import pyoxigraph as ox

    from kg.engine.graph import build_graph
    from kg.engine.reasoners import materialise
    from kg.shared.paths import layout

    lay = layout(data_dir)
    samples: dict[str, list[float]] = {"record": [], "no_record": []}
    sizes: dict[str, int] = {}
    for _ in range(repeats):
        for mode in (True, False):
            store = ox.Store()
            kgraph = build_graph(lay, reasoning="none", engine="rules", store=store)
            t = time.perf_counter()
            graphs = materialise(store, kgraph.ontology_graphs, regime="owlrl",
                                 engine="rules", record_rounds=mode)
            samples["record" if mode else "no_record"].append(time.perf_counter() - t)
            sizes["rounds" if mode else "merged_graphs"] = len(graphs)
            del store, kgraph
    best = {k: min(v) for k, v in samples.items()}
    _emit({"samples": samples, "best": best, "ratio": best["record"] / best["no_record"], **sizes})


def probe(data_dir: str) -> None:
    """An inferred ekg:affiliatedWith triple of a person whose proof is deep: the organisation is a part-of
    root (nothing above it) and the person is not stated as affiliated with it."""
    import pyoxigraph as ox

    from kg.engine.graph import open_graph
    from kg.shared.paths import layout

    kgraph = open_graph(layout(data_dir), reasoning="owlrl")
    ekg = "https://w3id.org/ecosystem-kg/ontology#"
    rows = kgraph.query(
        f"SELECT ?p ?o WHERE {{ ?p a <{ekg}Person> ; <{ekg}affiliatedWith> ?o . ?x <{ekg}subOrganisationOf> ?o ."
        f" FILTER NOT EXISTS {{ ?o <{ekg}subOrganisationOf> ?up }} }} ORDER BY ?p ?o").rows
    for p, o in rows:
        triple = ox.Triple(p, ox.NamedNode(ekg + "affiliatedWith"), o)
        if not kgraph.files_asserting(triple):
            _emit({"probe": [p.value, triple.predicate.value, o.value]})
            return
    _emit({"probe": None})


def main(argv: list[str]) -> int:
    commands = {
        "naive": naive, "reasonable": reasonable_pipeline, "validate-data": validate_data,
        "pyshacl": pyshacl_direct, "recording": recording, "probe": probe,
    }
    if not argv or argv[0] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    commands[argv[0]](*argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
