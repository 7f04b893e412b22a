"""`kg explain S P O`: why a triple holds, down to the documents and quotes of its asserted premises."""

from __future__ import annotations

import json
import sys

import click

from kg import ENGINES
from kg.cli.common import data_option, handle_errors, lang_option


@click.command("explain")
@click.argument("subject")
@click.argument("predicate")
@click.argument("object_", metavar="OBJECT")
@click.option("--reasoning", type=click.Choice(("rdfs", "owlrl")), default="owlrl", show_default=True,
              help="Reasoning regime whose closure is explained.")
@click.option("--engine", type=click.Choice(ENGINES), default="rules",
              show_default=True, help="Only the default engine (rules) records derivations.")
@click.option("--all", "show_all", is_flag=True, help="List every rule instance that concludes the triple.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--no-cache", is_flag=True, help="Do not read or write the cached closure.")
@lang_option
@data_option
@handle_errors
def explain_command(subject: str, predicate: str, object_: str, reasoning: str, engine: str, show_all: bool,
                    fmt: str, no_cache: bool, lang: str, data_dir: str | None) -> None:
    """Explain why SUBJECT PREDICATE OBJECT holds.

    Prints the shortest proof as a tree: each inferred step names its OWL 2 RL rule (prp-spo2, prp-trp,
    cax-sco, …) and the premises it used; each leaf is an asserted triple with its data file, the source
    document and the supporting quote. Terms are IRIs, prefixed names or labels naming one entity; objects
    may be literals in Turtle syntax ("2024-02-26"^^xsd:date, 126.0, "texte"@fr).

    Exit 0 when the triple holds, 1 when it neither holds nor follows, 2 on bad input.

    \b
    Examples:
      kg explain ekd:adeline-nazarenko ekg:affiliatedWith ekd:cnrs
      kg explain "LIX" ekg:subOrganisationOf "CNRS" --lang fr
      kg explain ekd:lix rdf:type ekg:Organisation --all
      kg explain ekd:linto ekg:developedBy ekd:linagora --format json
    """
    import pyoxigraph as ox

    from kg import proofs
    from kg.engine.explain import Explainer, supporting_documents
    from kg.engine.graph import open_graph
    from kg.labels import Labeller
    from kg.paths import layout

    if engine != "rules":
        from kg.errors import KgError

        raise KgError(f"explain needs the default engine (rules); --engine {engine} records no derivations")
    kgraph = open_graph(layout(data_dir), reasoning=reasoning, engine=engine, use_cache=not no_cache)
    s = proofs.parse_term(kgraph, subject, "subject")
    p = proofs.parse_term(kgraph, predicate, "predicate")
    o = proofs.parse_term(kgraph, object_, "object")
    if isinstance(s, ox.Literal) or isinstance(p, ox.Literal):
        from kg.errors import InputError

        raise InputError("subject and predicate must be IRIs, prefixed names or labels")
    triple = ox.Triple(s, p, o)
    explainer = Explainer(kgraph)
    found = explainer.explain_all(triple) if show_all else [explainer.explain(triple)]
    found = [f for f in found if f is not None]
    if not found:
        label = Labeller.for_terms(kgraph.query, [s, p, o], lang)
        click.echo(f"{label(s)} {label(p)} {label(o) if not isinstance(o, ox.Literal) else o}: "
                   f"neither asserted nor inferred under --reasoning {reasoning}")
        sys.exit(1)
    terms = [t for proof in found for t in proofs.terms_of(proof)]
    label = Labeller.for_terms(kgraph.query, terms, lang)
    if fmt == "json":
        payload = [proofs.as_dict(f, label) for f in found]
        click.echo(json.dumps(payload if show_all else payload[0], indent=2, ensure_ascii=False))
        return
    for i, proof in enumerate(found):
        if show_all:
            click.echo(f"Proof {i + 1} of {len(found)}:")
        click.echo(proofs.render_text(proof, label), nl=False)
        if not proof.asserted:
            docs = sorted({(src.identifier or src.document, src.title) for src in supporting_documents(proof)})
            if docs:
                click.echo("Documents behind this proof: " + "; ".join(
                    f"{ident}" + (f" ({title})" if title else "") for ident, title in docs))
