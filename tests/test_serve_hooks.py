"""The endpoint's contract with the HTML site, in process (Starlette's TestClient runs the app and its query
threads): /id/NAME, /ontology, /queries/NAME and /sparql hand a browser's request to the renderer the site set
on the state, and answer 406 to an HTML-only client when there is none; --base-url names the endpoint."""

from __future__ import annotations

import pytest
from starlette.responses import HTMLResponse
from starlette.testclient import TestClient

from kg.serve.app import create_app
from kg.serve.config import ServeConfig
from kg.shared.namespaces import EKD, ONTOLOGY_IRI

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def app():
    return create_app(ServeConfig(base_url="https://kg.example.org/base", threads=1))


def test_without_a_site_html_only_clients_get_406(app, monkeypatch) -> None:
    state = app.state.kg
    for hook in ("render_entity_html", "render_ontology_html", "render_query_html", "render_queries_html",
                 "render_sparql_html"):
        monkeypatch.setattr(state, hook, None, raising=False)  # a server whose site sets no page
    with TestClient(app) as client:
        assert client.get("/id/linagora", headers={"Accept": "text/html"}).status_code == 406
        assert client.get("/ontology", headers={"Accept": "text/html"}).status_code == 406
        assert client.get("/id/linagora.html").status_code == 406
        browser = client.get("/id/linagora", headers={"Accept": BROWSER})  # */* lets Turtle through
        assert browser.status_code == 200 and browser.headers["content-type"].startswith("text/turtle")


def test_browsers_get_the_site_pages(app) -> None:
    state = app.state.kg
    calls: list[tuple[str, object]] = []

    def entity(request, iri: str):
        calls.append(("entity", iri))
        return HTMLResponse(f"<p>{iri}</p>")

    async def ontology(request, iri: str):  # a coroutine works too
        calls.append(("ontology", iri))
        return HTMLResponse("<p>ontology</p>")

    def query(request, named):
        calls.append(("query", named.name))
        return HTMLResponse(f"<p>{named.name}</p>")

    state.render_entity_html, state.render_ontology_html, state.render_query_html = entity, ontology, query
    try:
        with TestClient(app) as client:
            page = client.get("/id/linagora", headers={"Accept": BROWSER})
            assert page.status_code == 200 and page.text == f"<p>{EKD}linagora</p>"
            assert client.get("/id/linagora.html").text == f"<p>{EKD}linagora</p>"
            assert client.get("/ontology", headers={"Accept": BROWSER}).text == "<p>ontology</p>"
            assert client.get("/queries/founders", headers={"Accept": BROWSER}).text == "<p>founders</p>"
            # machines still get data on the same paths
            assert client.get("/id/linagora", headers={"Accept": "text/turtle"}).text.startswith("@prefix")
            api = client.get("/queries/founders", headers={"Accept": "application/sparql-results+json"})
            assert api.json()["head"]["vars"][:2] == ["person", "org"]
            assert client.get("/id/no-such-node", headers={"Accept": BROWSER}).status_code == 404
    finally:
        del state.render_entity_html, state.render_ontology_html, state.render_query_html
    assert calls == [("entity", EKD + "linagora"), ("entity", EKD + "linagora"), ("ontology", ONTOLOGY_IRI),
                     ("query", "founders")]


def test_base_url_names_the_endpoint(app) -> None:
    with TestClient(app) as client:
        sd = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert sd.status_code == 200
    assert "<https://kg.example.org/base/sparql> <http://www.w3.org/ns/sparql-service-description#endpoint> " \
           "<https://kg.example.org/base/sparql> ." in sd.text
