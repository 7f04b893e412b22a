"""Assemble the web application: open the graph once (the cached closure; no reasoning per request), then mount
the routes of the endpoint and of the site."""

from __future__ import annotations

import inspect
from contextlib import asynccontextmanager

from starlette.applications import Starlette

from kg.serve.config import ServeConfig


class ServerState:
    """What every request reads: the settings and the opened graph (read-only)."""

    def __init__(self, config: ServeConfig) -> None:
        from kg.engine.graph import open_graph
        from kg.shared.paths import layout

        self.config = config
        self.layout = layout(config.data_dir)
        self.kgraph = open_graph(self.layout, reasoning=config.reasoning)
        self.kgraph.ensure_provenance()


async def _maybe_await(value: object) -> None:
    if inspect.isawaitable(value):
        await value


_CORS_HEADERS = {"access-control-allow-origin": "*", "access-control-expose-headers": "X-KG-Truncated, X-KG-Rows"}


class KgApp(Starlette):
    """Starlette, with a short path for the SPARQL endpoint: a GET or POST on /sparql goes straight to its
    handler, past the middleware stack and the router (a third of the CPU of a small query's request), and
    gets the same CORS headers the middleware would add. Everything else takes the usual way."""

    sparql_handler: object = None

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def,override]
        if (self.sparql_handler is not None and scope["type"] == "http" and scope["path"] == "/sparql"
                and scope["method"] in ("GET", "POST")):
            scope["app"] = self
            from starlette.requests import Request

            request = Request(scope, receive)
            try:
                response = await self.sparql_handler(request)  # type: ignore[operator]
            except Exception as exc:  # what Starlette's error middleware would answer, as one line
                from kg.serve.endpoint import error

                response = error(500, f"internal error: {type(exc).__name__}")
            if "origin" in request.headers:
                response.headers.update(_CORS_HEADERS)
            await response(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(config: ServeConfig) -> Starlette:
    """The application for one graph and one set of settings (tests build it directly). Queries run in threads
    with a deadline (kg.serve.runner): past it the request gets its 503 and `app.state.kg.runner.on_runaway`
    is called (kg.serve.prefork sets it to end the process)."""
    from kg.serve import endpoint, networks, reconcile, site

    state = ServerState(config)
    resources = [endpoint.Resources(state)]
    state.resources = resources[0]  # type: ignore[attr-defined]
    state.runner = resources[0].runner  # type: ignore[attr-defined]

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        started = []
        try:
            for resource in resources:
                await _maybe_await(resource.start())
                started.append(resource)
            yield
        finally:
            for resource in reversed(started):
                await _maybe_await(resource.stop())

    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    # Read-only public data: any web page may query the endpoint (YASGUI and other browser clients need it).
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "HEAD"],
                      allow_headers=["Accept", "Content-Type"], expose_headers=["X-KG-Truncated", "X-KG-Rows"])
    from starlette.middleware.gzip import GZipMiddleware

    from kg.serve.errorpages import ErrorPages

    routes = endpoint.routes(state, resources[0]) + networks.routes(state) + site.routes(state)
    # Pages and results compressed when the client accepts it; a browser's 400/404 in the site's layout.
    app = KgApp(routes=routes + reconcile.routes(state), lifespan=lifespan, middleware=[
        cors, Middleware(GZipMiddleware, minimum_size=1000),
        Middleware(ErrorPages, render=lambda *args: state.site.error_page(*args))])
    app.sparql_handler = state.sparql_handler  # type: ignore[attr-defined]
    app.state.kg = state
    return app
