"""/graph/NAME.gexf and /graph/NAME.graphml: one entity's neighbourhood as a network file for Gephi and friends
(kg.publish.network), `?inferred=1` adding the closure's relations. The whole network is built once per server
(and language) on first use; each request cuts the neighbourhood out of it. Mounted before the site's
/graph/NAME page, which the suffix distinguishes."""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

MEDIA_TYPES = {"gexf": "application/gexf+xml", "graphml": "application/graphml+xml"}


def routes(state: object) -> list[BaseRoute]:
    lock = threading.Lock()
    built: dict[tuple[bool, str], object] = {}

    def network(inferred: bool, lang: str):
        key = (inferred and state.kgraph.reasoning != "none", lang)  # type: ignore[attr-defined]
        if key not in built:
            with lock:
                if key not in built:
                    from kg.publish.network import build_network

                    built[key] = build_network(state.kgraph, inferred=key[0], lang=lang)  # type: ignore[attr-defined]
        return built[key]

    def answer(name: str, fmt: str, inferred: bool, lang: str) -> Response:
        from kg.publish.network import neighbourhood, serialise

        whole = network(inferred, lang)
        if name not in whole:  # type: ignore[operator]
            return PlainTextResponse(f"Error: no entity ekd:{name} in the network (entities only: not concepts, "
                                     "documents or facts)\n", status_code=404)
        body = serialise(neighbourhood(whole, name), fmt)  # type: ignore[arg-type]
        return Response(body, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})

    def handler(fmt: str):
        async def run(request: Request) -> Response:
            inferred = request.query_params.get("inferred", "") in ("1", "true", "yes")
            lang = "fr" if request.query_params.get("lang") == "fr" else "en"
            return await run_in_threadpool(answer, request.path_params["name"], fmt, inferred, lang)

        return run

    return [Route(f"/graph/{{name}}.{fmt}", handler(fmt)) for fmt in MEDIA_TYPES]
