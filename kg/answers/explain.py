"""Why a triple holds: what `kg explain` prints (text or JSON) and its exit status.

Shared by the click command and the console script's fast path (kg.cli.launcher), and callable from tests.
"""

from __future__ import annotations

from kg.answers.answer import Answer
from kg.shared.errors import EXIT_FALSE


def answer_explain(subject: str, predicate: str, object_: str, *, reasoning: str = "owlrl", engine: str = "rules",
                   show_all: bool = False, fmt: str = "text", use_cache: bool = True, lang: str = "en",
                   data_dir: str | None = None) -> Answer:
    """Why SUBJECT PREDICATE OBJECT holds: the shortest proof (or every rule instance, `show_all`) as text or
    JSON; exit status 1 when the triple neither holds nor follows. Raises KgError on bad input."""
    from kg.engine.graph import recovering

    return recovering(lambda: _answer_explain(subject, predicate, object_, reasoning=reasoning, engine=engine,
                                              show_all=show_all, fmt=fmt, use_cache=use_cache, lang=lang,
                                              data_dir=data_dir))


def _answer_explain(subject: str, predicate: str, object_: str, *, reasoning: str, engine: str, show_all: bool,
                    fmt: str, use_cache: bool, lang: str, data_dir: str | None) -> Answer:
    import json

    import pyoxigraph as ox

    from kg.engine.explain import Explainer, supporting_documents
    from kg.engine.graph import open_graph
    from kg.inspection import proofs
    from kg.output.labels import Labeller
    from kg.shared.errors import InputError, KgError
    from kg.shared.paths import layout

    if engine != "rules":
        raise KgError(f"explain needs the default engine (rules); --engine {engine} records no derivations")
    kgraph = open_graph(layout(data_dir), reasoning=reasoning, engine=engine, use_cache=use_cache)
    s = proofs.parse_term(kgraph, subject, "subject")
    p = proofs.parse_term(kgraph, predicate, "predicate")
    o = proofs.parse_term(kgraph, object_, "object")
    if isinstance(s, ox.Literal) or isinstance(p, ox.Literal):
        raise InputError("subject and predicate must be IRIs, prefixed names or labels")
    triple = ox.Triple(s, p, o)
    explainer = Explainer(kgraph)
    found = explainer.explain_all(triple) if show_all else [explainer.explain(triple)]
    found = [f for f in found if f is not None]
    if not found:
        label = Labeller.for_terms(kgraph.query, [s, p, o], lang)
        return Answer(f"{label(s)} {label(p)} {label(o) if not isinstance(o, ox.Literal) else o}: "
                      f"neither asserted nor inferred under --reasoning {reasoning}\n", EXIT_FALSE)
    terms = [t for proof in found for t in proofs.terms_of(proof)]
    label = Labeller.for_terms(kgraph.query, terms, lang)
    if fmt == "json":
        payload = [proofs.as_dict(f, label) for f in found]
        return Answer(json.dumps(payload if show_all else payload[0], indent=2, ensure_ascii=False) + "\n")
    out = []
    for i, proof in enumerate(found):
        if show_all:
            out.append(f"Proof {i + 1} of {len(found)}:\n")
        out.append(proofs.render_text(proof, label))
        if not proof.asserted:
            docs = sorted({(src.identifier or src.document, src.title) for src in supporting_documents(proof)})
            if docs:
                out.append("Documents behind this proof: " + "; ".join(
                    f"{ident}" + (f" ({title})" if title else "") for ident, title in docs) + "\n")
    return Answer("".join(out))
