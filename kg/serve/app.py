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


def create_app(config: ServeConfig) -> Starlette:
    """The application for one graph and one set of settings (tests build it directly)."""
    from kg.serve import endpoint, site

    state = ServerState(config)
    resources = [endpoint.Resources(state)]

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
    app = Starlette(routes=endpoint.routes(state, resources[0]) + site.routes(state), lifespan=lifespan,
                    middleware=[cors])
    app.state.kg = state
    return app
