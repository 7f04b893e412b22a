"""TEMPORARY test shim (issue 15, pages half): until the endpoint's /id/{name} route is merged, tests mount a
route that does what it does for text/html (call `state.render_entity_html`). The lead removes this at merge:
the app then serves /id/ itself."""

from __future__ import annotations

from starlette.routing import Route

from kg.shared.namespaces import EKD


def create_site_app(config):  # type: ignore[no-untyped-def]
    from kg.serve.app import create_app

    app = create_app(config)
    state = app.state.kg
    if not any(getattr(r, "path", "") == "/id/{name:path}" for r in app.router.routes):
        async def entity(request):  # type: ignore[no-untyped-def]
            return await state.render_entity_html(request, EKD + request.path_params["name"])

        app.router.routes.append(Route("/id/{name:path}", entity))
    return app
