"""The SPARQL 1.1 Protocol endpoint (/sparql), named queries as an API (/queries/NAME), and RDF content
negotiation for dereferenced IRIs. TO BE WRITTEN (issue 15)."""

from __future__ import annotations

from starlette.routing import BaseRoute


class Resources:
    """Long-lived resources of the endpoint (query worker processes), started and stopped with the app."""

    def __init__(self, state: object) -> None:
        self.state = state

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def routes(state: object, resources: Resources) -> list[BaseRoute]:
    return []
