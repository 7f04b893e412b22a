"""A request in, the text to print and the exit status out: what `kg query`, `kg sparql` and `kg explain` do.

Kept apart from click so that both the click commands and the console script's fast path
(kg.cli.launcher) run exactly this code, and so that tests can call it directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from kg.errors import EXIT_FALSE, EXIT_OK

TYPE_CHECKING = False  # typing itself is not imported on this path: it costs milliseconds
if TYPE_CHECKING:
    from kg.catalog import NamedQuery


class Answer:
    """What to print on stdout, and the exit status (1 when an ASK query answers false)."""

    __slots__ = ("exit_code", "text")

    def __init__(self, text: str, exit_code: int = EXIT_OK) -> None:
        self.text = text
        self.exit_code = exit_code


def answer_named(name: str, params: Sequence[str] = (), *, data_dir: str | None = None,
                 **options: object) -> Answer:
    """Run the named query NAME with `-p NAME=VALUE` assignments. Options as for `answer`."""
    from kg.catalog import find
    from kg.paths import layout

    named = find(layout(data_dir).queries_dir, name)
    return answer(named, params, data_dir=data_dir, **options)  # type: ignore[arg-type]


def answer_ad_hoc(query: str, params: Sequence[str] = (), stdin_text: str | None = None,
                  **options: object) -> Answer:
    """Run an ad-hoc query: its text, a file, or `-` for `stdin_text`."""
    from kg.catalog import load_ad_hoc

    return answer(load_ad_hoc(query, stdin_text), params, **options)  # type: ignore[arg-type]


def answer(named: NamedQuery, params: Sequence[str] = (), *, reasoning: str | None = None, engine: str = "rules",
           use_cache: bool = True, data_dir: str | None = None, fmt: str | None = None, lang: str = "en",
           endpoint: str | None = None, auth: str | None = None, timeout: float = 60.0) -> Answer:
    """Bind the parameters, run the query (embedded graph or endpoint) and render the result.

    `reasoning=None` means what the query's header asks for. Raises KgError on bad input."""
    from kg.catalog import execute, prepare
    from kg.formatting import render
    from kg.params import parse_assignments
    from kg.results import AskResult

    sparql = prepare(named, parse_assignments(params))
    done = execute(sparql, reasoning=reasoning or named.reasoning, engine=engine,
                   use_cache=use_cache, data_dir=data_dir, endpoint=endpoint, auth=auth, timeout=timeout)
    text = render(done.result, fmt, run=done.run, lang=lang)  # type: ignore[arg-type]
    false_ask = isinstance(done.result, AskResult) and not done.result.value
    return Answer(text, EXIT_FALSE if false_ask else EXIT_OK)


def answer_explain(subject: str, predicate: str, object_: str, *, reasoning: str = "owlrl", engine: str = "rules",
                   show_all: bool = False, fmt: str = "text", use_cache: bool = True, lang: str = "en",
                   data_dir: str | None = None) -> Answer:
    """Why SUBJECT PREDICATE OBJECT holds: the shortest proof (or every rule instance, `show_all`) as text or
    JSON; exit status 1 when the triple neither holds nor follows. Raises KgError on bad input."""
    import json

    import pyoxigraph as ox

    from kg import proofs
    from kg.engine.explain import Explainer, supporting_documents
    from kg.engine.graph import open_graph
    from kg.errors import InputError, KgError
    from kg.labels import Labeller
    from kg.paths import layout

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
