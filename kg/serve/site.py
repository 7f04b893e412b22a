"""The HTML site: home, entity pages, document pages, query pages, search. TO BE WRITTEN (issue 15)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes(state: object) -> list[BaseRoute]:
    return []
