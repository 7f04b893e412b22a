"""/reconcile: the W3C Reconciliation Service API v0.2 for OpenRefine and other clients. Thin: reads the request
(GET or form POST, `queries=` or `extend=` as JSON, JSONP `callback=` as older clients use), calls
kg.answers.reconcile, writes JSON. The service reads the graph once, on the first request.

Routes: /reconcile (manifest, batches, data extension), /reconcile/suggest/{entity,type,property},
/reconcile/preview?id=, /reconcile/extend/propose?type=.
"""

from __future__ import annotations

import html
import json
import re
import threading
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from kg.shared.errors import InputError, KgError

MAX_BODY = 32 * 1024 * 1024  # bytes: 10,000 queries with constraints fit several times over
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


class _Lazy:
    """The service, built on first use by one thread while the others wait."""

    def __init__(self, state: object) -> None:
        self.state = state
        self.lock = threading.Lock()
        self.service = None

    def get(self):  # type: ignore[no-untyped-def]
        if self.service is None:
            with self.lock:
                if self.service is None:
                    from kg.answers.reconcile import ReconciliationService

                    site = getattr(self.state, "site", None)
                    self.service = ReconciliationService(self.state.kgraph.query,  # type: ignore[attr-defined]
                                                         getattr(site, "index", None))
        return self.service


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang", "")
    if lang in ("en", "fr"):
        return lang
    return "fr" if request.headers.get("accept-language", "").lower().startswith("fr") else "en"


def _root(request: Request, state: object) -> str:
    base = getattr(state.config, "base_url", None)  # type: ignore[attr-defined]
    return (base or str(request.base_url)).rstrip("/")


def _json(request: Request, data: object, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    callback = request.query_params.get("callback", "")
    if callback and _CALLBACK.match(callback):
        return Response(f"/**/{callback}({body});", status_code=status,
                        media_type="application/javascript; charset=utf-8")
    return Response(body, status_code=status, media_type="application/json; charset=utf-8")


def _error(request: Request, status: int, message: str) -> Response:
    return _json(request, {"status": "error", "message": f"Error: {message}"}, status)


async def _params(request: Request) -> dict[str, str]:
    """The query string's parameters, then a form-encoded body's (what OpenRefine posts), or a JSON body taken
    as the `queries` batch. Read without python-multipart: the body is one urlencoded line."""
    params = dict(request.query_params)
    if request.method == "POST":
        body = await request.body()
        if len(body) > MAX_BODY:
            raise InputError(f"request body of {len(body)} bytes; at most {MAX_BODY}")
        content_type = request.headers.get("content-type", "")
        text = body.decode("utf-8", "replace")
        if content_type.startswith("application/json"):
            params["queries"] = text
        elif text:
            params.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return params


def routes(state: object) -> list[BaseRoute]:
    lazy = _Lazy(state)

    async def reconcile(request: Request) -> Response:
        from kg.answers.reconcile import parse_json_param

        lang = _lang(request)
        try:
            params = await _params(request)
            service = await run_in_threadpool(lazy.get)
            if "queries" in params:
                batch = parse_json_param("queries", params["queries"])
                return _json(request, await run_in_threadpool(service.reconcile_batch, batch, lang))
            if "extend" in params:
                query = parse_json_param("extend", params["extend"])
                return _json(request, await run_in_threadpool(service.extend, query, lang))
            return _json(request, service.manifest(_root(request, state), lang))
        except KgError as exc:
            return _error(request, 400, exc.message)

    async def suggest(request: Request) -> Response:
        kind = request.path_params["kind"]
        lang = _lang(request)
        prefix = request.query_params.get("prefix", "")[:200]
        try:
            cursor = max(int(request.query_params.get("cursor", "0") or 0), 0)
        except ValueError:
            return _error(request, 400, "cursor: expected a whole number")
        service = await run_in_threadpool(lazy.get)
        try:
            if kind == "entity":
                answer = await run_in_threadpool(lambda: service.suggest_entity(
                    prefix, type_id=request.query_params.get("type") or None, cursor=cursor, lang=lang))
            elif kind == "type":
                answer = service.suggest_type(prefix, cursor=cursor, lang=lang)
            elif kind == "property":
                answer = service.suggest_property(prefix, cursor=cursor, lang=lang)
            else:
                return _error(request, 404, f"no suggest service {kind!r} (entity, type, property)")
        except KgError as exc:
            return _error(request, 400, exc.message)
        return _json(request, answer)

    async def preview(request: Request) -> Response:
        ident = request.query_params.get("id", "")
        if not ident:
            return _error(request, 400, "id: missing (/reconcile/preview?id=NAME)")
        service = await run_in_threadpool(lazy.get)
        page = await run_in_threadpool(service.preview, ident, _lang(request))
        if page is None:
            return HTMLResponse(f"<p>Nothing in the graph is called {html.escape(ident)!r}.</p>", status_code=404)
        return HTMLResponse(f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>{page}</body></html>",
                            headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                                "frame-ancestors *"})

    async def propose(request: Request) -> Response:
        limit_text = request.query_params.get("limit", "")
        try:
            limit = int(limit_text) if limit_text else None
        except ValueError:
            return _error(request, 400, "limit: expected a whole number")
        service = await run_in_threadpool(lazy.get)
        return _json(request, service.propose_properties(request.query_params.get("type") or None, limit,
                                                         _lang(request)))

    return [
        Route("/reconcile", reconcile, methods=["GET", "POST"]),
        Route("/reconcile/suggest/{kind}", suggest),
        Route("/reconcile/preview", preview),
        Route("/reconcile/extend/propose", propose),
    ]
