"""/search?q=…&in=text: the full-text search of kg.answers.fulltext as a page (or JSON), the index opened once
per server on first use (built and cached if this graph state has none). Thin: the site's /search hands over
when `in=text`."""

from __future__ import annotations

import threading

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kg.shared.errors import KgError
from kg.shared.namespaces import EKD

LIMIT = 30
_lock = threading.Lock()


def _index(site):
    index = getattr(site, "fulltext_index", None)
    if index is None:
        with _lock:
            index = getattr(site, "fulltext_index", None)
            if index is None:
                from kg.answers.fulltext import open_index

                index = open_index(site.state.layout, site.config.sources_path(), graph=site.kgraph)
                site.fulltext_index = index
    return index


def text_search(site, request: Request, lang: str, words: dict[str, str], as_json: bool) -> Response:
    """The page (or JSON) for `request`; lang, the page's words and the format as the site chose them."""
    text = request.query_params.get("q", "")[:200]
    try:
        hits = _index(site).search(text, limit=LIMIT, mark=("\x00", "\x01")) if text.strip() else []
    except KgError as exc:
        return site.render(request, "error.html", 500, title="Error", message=exc.message)
    if as_json:
        return JSONResponse({"query": text, "in": "text", "hits": [
            dict(h.as_dict(lang), marked=h.marked.replace("\x00", "**").replace("\x01", "**"),
                 page=f"/id/{h.document[len(EKD):]}" if h.document.startswith(EKD) else None) for h in hits]})
    rows = []
    for hit in hits:
        pieces = []  # (text, marked?) for the template to escape
        for i, chunk in enumerate(hit.marked.replace("\x01", "\x00").split("\x00")):
            if chunk:
                pieces.append((chunk, i % 2 == 1))
        facts = [(iri[len(EKD):], (fr if lang == "fr" else en) or en or fr or iri) for iri, en, fr in hit.facts]
        rows.append((hit, pieces, hit.document[len(EKD):] if hit.document.startswith(EKD) else None, facts))
    return site.render(request, "textsearch.html", title=f"{words['search']}: {text}", text=text, hits=rows,
                       sources=site.config.sources_path() is not None)
