"""`kg search TEXT`: entities whose labels match what was typed, best first (kg.query.search ranks them)."""

from __future__ import annotations

import json

from kg.answers.answer import Answer
from kg.shared.errors import EXIT_FALSE


def render_hits(hits: list, fmt: str = "text") -> str:
    """Hits as aligned text (prefixed name, label, how it matched) or JSON."""
    from kg.shared.terms import prefixed

    if fmt == "json":
        return json.dumps([h.as_dict() for h in hits], indent=2, ensure_ascii=False) + "\n"
    if not hits:
        return "(no match)\n"
    import pyoxigraph as ox

    names = [prefixed(ox.NamedNode(h.iri)) for h in hits]
    width = max(len(n) for n in names)
    lines = []
    for name, hit in zip(names, hits, strict=True):
        matched = f"  (matched {hit.matched!r})" if hit.matched != hit.label else ""
        lines.append(f"{name:<{width}}  {hit.label}  [{hit.match}]{matched}")
    return "\n".join(lines) + "\n"


def answer_search(text: str, *, lang: str = "en", fmt: str = "text", limit: int = 20,
                  data_dir: str | None = None, use_cache: bool = True) -> Answer:
    """Search the project graph's labels; exit status 1 when nothing matches (like grep)."""
    from kg.engine.graph import open_graph
    from kg.query.search import SearchIndex, normalise
    from kg.shared.errors import InputError
    from kg.shared.paths import layout
    from kg.shared.utf8 import check_utf8

    if not text.strip():  # checked before the graph is opened, as `kg describe` does
        raise InputError("give some text to search for")
    check_utf8(text, "the search text")
    if not normalise(text):
        raise InputError(f"{text!r}: no letter or digit to search for (case, accents and punctuation are ignored)")
    kgraph = open_graph(layout(data_dir), reasoning="none", use_cache=use_cache, provenance=False)
    hits = SearchIndex.from_runner(kgraph.query).search(text, limit=limit, lang=lang)
    return Answer(render_hits(hits, fmt), 0 if hits else EXIT_FALSE)
