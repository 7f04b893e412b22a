"""`kg serve`'s /reconcile: the W3C Reconciliation Service API v0.2. Every answer is validated against the JSON
Schemas the specification publishes (vendored in tests/fixtures/reconciliation-api-0.2, see its README), and
a client posts exactly what OpenRefine posts (form-encoded `queries=` / `extend=`, GET suggest with `prefix`,
the manifest's preview and view templates filled in), over a real server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from servers import free_port
from starlette.testclient import TestClient

from kg.query.reconcile import one_off
from kg.serve.app import create_app
from kg.serve.config import ServeConfig

SCHEMAS = Path(__file__).parent / "fixtures" / "reconciliation-api-0.2" / "schemas"


def _registry() -> tuple[Registry, dict[str, dict]]:
    by_name, resources = {}, []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        by_name[path.stem] = schema
        if "$id" in schema:
            resources.append((schema["$id"], Resource.from_contents(schema, default_specification=_draft7())))
    return Registry().with_resources(resources), by_name


def _draft7():
    from referencing.jsonschema import DRAFT7

    return DRAFT7


REGISTRY, BY_NAME = _registry()


def validate(name: str, document: object) -> None:
    """Fail with every schema error of `document` against the specification's schema `name`."""
    validator = Draft7Validator(BY_NAME[name], registry=REGISTRY)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def invalid(name: str, document: object) -> bool:
    return any(True for _ in Draft7Validator(BY_NAME[name], registry=REGISTRY).iter_errors(document))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(ServeConfig(threads=2))) as test_client:
        yield test_client


def post_queries(client, queries: dict, **params: str) -> dict:
    """What OpenRefine sends: a form-encoded body with one field, `queries`, holding the JSON batch."""
    validate("reconciliation-query-batch", queries)
    response = client.post("/reconcile", data={"queries": json.dumps(queries)}, params=params)
    assert response.status_code == 200, response.text
    answer = response.json()
    validate("reconciliation-result-batch", answer)
    assert set(answer) == set(queries)
    return answer


# -- the schemas themselves catch what they should (so a passing validation means something) ------------
def test_vendored_schemas_reject_broken_answers() -> None:
    assert invalid("reconciliation-result-batch", {"q0": {"result": [{"id": "x", "name": "X"}]}})  # no score
    assert invalid("manifest", {"versions": ["0.1"], "name": "x", "identifierSpace": "a", "schemaSpace": "b"})
    assert invalid("data-extension-response", {"meta": [], "rows": {"x": {"p": [{"str": 3}]}}})
    assert invalid("suggest-entities-response", {"result": [{"name": "no id"}]})


# -- manifest -----------------------------------------------------------------------------------------
def test_manifest(client) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    manifest = response.json()
    validate("manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "https://w3id.org/ecosystem-kg/id/"
    assert manifest["schemaSpace"] == "https://w3id.org/ecosystem-kg/ontology#"
    types = {t["id"]: t["name"] for t in manifest["defaultTypes"]}
    assert types["Organisation"] == "organisation" and types["Person"] == "person"
    assert manifest["view"]["url"] == "http://testserver/id/{{id}}"
    assert "{{id}}" in manifest["preview"]["url"]
    assert set(manifest["suggest"]) == {"entity", "type", "property"}
    french = client.get("/reconcile", params={"lang": "fr"}).json()
    validate("manifest", french)
    assert {t["id"]: t["name"] for t in french["defaultTypes"]}["Person"] == "personne"


def test_manifest_jsonp(client) -> None:
    response = client.get("/reconcile", params={"callback": "jQuery123_456"})
    assert response.headers["content-type"].startswith("application/javascript")
    body = response.text
    assert body.startswith("/**/jQuery123_456(") and body.endswith(");")
    validate("manifest", json.loads(body[len("/**/jQuery123_456("):-2]))
    # a callback that is not a plain name is ignored, never echoed into a script
    assert client.get("/reconcile", params={"callback": "alert(1)//"}).headers["content-type"].startswith(
        "application/json")


# -- reconciliation -----------------------------------------------------------------------------------
def test_batch_scores_and_certain_matches(client) -> None:
    answer = post_queries(client, {
        "q0": {"query": "linagora", "type": "Organisation", "type_strict": "should", "limit": 3},
        "q1": {"query": "CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE"},
        "q2": {"query": "Linagorra"},  # one letter off: the right candidate, never certain
        "q3": {"query": "Société Générale des Eaux"},  # not in the graph
        "q4": {"query": "jean zay", "type": "Person"},  # the supercomputer is not a person
    })
    top = {key: value["result"][0] if value["result"] else None for key, value in answer.items()}
    assert top["q0"]["id"] == "linagora" and top["q0"]["match"] is True and top["q0"]["score"] == 100
    assert {"id": "SmallOrMediumEnterprise", "name": "small or medium-sized enterprise"} in top["q0"]["type"]
    assert len(answer["q0"]["result"]) <= 3
    assert top["q1"]["id"] == "cnrs" and top["q1"]["match"] is True
    assert top["q2"]["id"] == "linagora" and top["q2"]["match"] is False
    assert all(c["match"] is False for c in answer["q3"]["result"])
    assert all(c["id"] != "jean-zay" for c in answer["q4"]["result"])
    scores = [c["score"] for c in answer["q0"]["result"]]
    assert scores == sorted(scores, reverse=True)
    assert sum(c["match"] for v in answer.values() for c in v["result"]) == 2  # `match` on one candidate at most


def test_property_constraints(client) -> None:
    answer = post_queries(client, {
        "q0": {"query": "Antoine Petit", "type": "Person", "properties": [{"pid": "organisation", "v": "CNRS"}]},
        "q1": {"query": "Antoine Petit", "properties": [{"pid": "organisation", "v": "LINAGORA"}]},
        "q2": {"query": "LINAGORA", "properties": [{"pid": "city", "v": "issy les moulineaux"}]},
        "q3": {"query": "LINAGORA", "properties": [{"pid": "foundedBy", "v": {"id": "alexandre-zapolsky"}}]},
    })
    q0, q1 = answer["q0"]["result"][0], answer["q1"]["result"][0]
    assert q0["id"] == "antoine-petit" and q0["match"] is True
    assert {"id": "property:organisation", "value": True} in q0["features"]
    # the name is his, the organisation is not: still the candidate, lower, and not certain
    assert q1["id"] == "antoine-petit" and q1["match"] is False and q1["score"] < q0["score"]
    assert {"id": "property:organisation", "value": False} in q1["features"]
    assert answer["q2"]["result"][0]["match"] is True
    assert answer["q3"]["result"][0]["match"] is True


def test_acronyms_spaces_and_partial_names(client) -> None:
    answer = post_queries(client, {"q0": {"query": "JeanZay"}, "q1": {"query": "Zapolsky"},
                                   "q2": {"query": "Le CNRS"}, "q3": {"query": "L'École polytechnique"},
                                   "q4": {"query": "LINAGORA SA", "type": "Organisation"}})
    assert answer["q0"]["result"][0]["id"] == "jean-zay" and answer["q0"]["result"][0]["match"] is False
    assert answer["q1"]["result"][0]["id"] == "alexandre-zapolsky"
    # a leading article is not part of the name; a suffix the graph does not write leaves a candidate, uncertain
    assert answer["q2"]["result"][0]["id"] == "cnrs" and answer["q2"]["result"][0]["match"] is True
    assert answer["q3"]["result"][0]["id"] == "ecole-polytechnique" and answer["q3"]["result"][0]["match"] is True
    assert answer["q4"]["result"][0]["id"] == "linagora" and answer["q4"]["result"][0]["match"] is False


def test_bad_batches_get_one_clear_error(client) -> None:
    cases = [({"queries": "{not json"}, "queries: not JSON"),
             ({"queries": "[1, 2]"}, "expected a JSON object"),
             ({"queries": json.dumps({"q0": {"query": 3}})}, "q0: expected an object"),
             ({"queries": json.dumps({"q0": {"query": "x", "properties": [{"pid": "nope", "v": "y"}]}})},
              "unknown property 'nope'"),
             ({"queries": json.dumps({"q0": {"query": "x", "type_strict": "maybe"}})}, "type_strict"),
             ({"extend": json.dumps({"ids": ["linagora"]})}, "extend: expected")]
    for data, expected in cases:
        response = client.post("/reconcile", data=data)
        assert response.status_code == 400, data
        message = response.json()["message"]
        assert message.startswith("Error: ") and expected in message and "\n" not in message


def test_get_with_queries_in_the_url(client) -> None:
    response = client.get("/reconcile", params={"queries": json.dumps({"q0": {"query": "LinTO"}})})
    validate("reconciliation-result-batch", response.json())
    assert response.json()["q0"]["result"][0]["id"] == "linto"


def test_fact_nodes_are_never_candidates(client) -> None:
    answer = post_queries(client, {"q0": {"query": "role", "limit": 50}, "q1": {"query": "attestation", "limit": 50}})
    ids = [c["id"] for v in answer.values() for c in v["result"]]
    assert not any(i.startswith(("role-", "att-", "fig-", "quote-")) for i in ids)


# -- suggest, preview, extension -----------------------------------------------------------------------
def test_suggest(client) -> None:
    entities = client.get("/reconcile/suggest/entity", params={"prefix": "zapol"}).json()
    validate("suggest-entities-response", entities)
    assert entities["result"][0]["id"] == "alexandre-zapolsky"
    people = client.get("/reconcile/suggest/entity", params={"prefix": "lin", "type": "Person"}).json()
    validate("suggest-entities-response", people)
    assert all(any(t["id"] == "Person" for t in r["notable"]) for r in people["result"])
    types = client.get("/reconcile/suggest/type", params={"prefix": "labo"}).json()
    validate("suggest-types-response", types)
    assert types["result"][0]["id"] == "Laboratory"
    props = client.get("/reconcile/suggest/property", params={"prefix": "fond", "lang": "fr"}).json()
    validate("suggest-properties-response", props)
    assert props["result"] == [{"id": "foundedBy", "name": "fondé par"}]
    page = client.get("/reconcile/suggest/entity", params={"prefix": "c", "cursor": "10"}).json()
    validate("suggest-entities-response", page)
    assert client.get("/reconcile/suggest/entity", params={"prefix": "c", "cursor": "x"}).status_code == 400


def test_preview(client) -> None:
    response = client.get("/reconcile/preview", params={"id": "linagora"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "LINAGORA" in page and "Alexandre Zapolsky" in page and "small or medium-sized enterprise" in page
    assert "<blockquote" in page and ".txt" in page  # a source quote with its document
    assert client.get("/reconcile/preview", params={"id": "no-such-thing"}).status_code == 404
    hostile = client.get("/reconcile/preview", params={"id": "<script>x</script>"})
    assert "<script>" not in hostile.text


def test_data_extension(client) -> None:
    query = {"ids": ["linagora", "aissai", "unknown-id"],
             "properties": [{"id": "type"}, {"id": "foundedBy"}, {"id": "parentOrganisation"},
                            {"id": "headquarters"}, {"id": "website", "settings": {"limit": "1"}}]}
    validate("data-extension-query", query)
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 200, response.text
    answer = response.json()
    validate("data-extension-response", answer)
    assert [m["id"] for m in answer["meta"]] == ["type", "foundedBy", "parentOrganisation", "headquarters", "website"]
    linagora, aissai = answer["rows"]["linagora"], answer["rows"]["aissai"]
    assert {"id": "alexandre-zapolsky", "name": "Alexandre Zapolsky"} in linagora["foundedBy"]
    assert linagora["type"] == [{"id": "SmallOrMediumEnterprise", "name": "small or medium-sized enterprise"}]
    assert linagora["website"] == []  # the texts print no address for it: none is guessed
    assert aissai["website"] == [{"str": "https://aissai.cnrs.fr"}]
    assert {"id": "cnrs", "name": "CNRS"} in aissai["parentOrganisation"]
    assert all(v == [] for v in answer["rows"]["unknown-id"].values())
    proposal = client.get("/reconcile/extend/propose", params={"type": "Organisation", "limit": "20"}).json()
    validate("data-extension-property-proposal", proposal)
    assert {"id": "foundedBy", "name": "founded by"} in proposal["properties"]


def test_one_off() -> None:
    assert one_off("linagora", "linagorra") and one_off("linagora", "linagra") and one_off("linagora", "linagoru")
    assert one_off("linagora", "lniagora")  # two neighbours swapped
    assert not one_off("linagora", "linagora") and not one_off("linagora", "lingaroa")


# -- a real server and the requests OpenRefine makes ------------------------------------------------------
@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    import uvicorn

    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(create_app(ServeConfig(threads=2)), host="127.0.0.1", port=port,
                                             log_level="warning", lifespan="on"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/reconcile"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


class OpenRefineLike:
    """The HTTP requests OpenRefine 3.x makes of a standard reconciliation service, as the specification's
    examples and OpenRefine's StandardReconConfig/ReconciledDataExtensionJob write them: the manifest by GET on
    the URL the user typed; batches of `limit`/`type`/`type_strict`/`properties` queries, ten at a time,
    form-encoded under `queries`; `extend` the same way; suggest by GET with `prefix`; the preview and view by
    filling the manifest's `{{id}}` templates."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=60, headers={"User-Agent": "OpenRefine/3.8 (test)"})
        self.manifest = self.http.get(url, headers={"Accept": "application/json"}).json()

    def reconcile(self, names: list[str], type_id: str, properties: list[dict] | None = None) -> dict:
        out = {}
        for start in range(0, len(names), 10):
            batch = {f"q{i}": {"query": name, "type": type_id, "type_strict": "should", "limit": 3,
                               **({"properties": properties} if properties else {})}
                     for i, name in enumerate(names[start:start + 10])}
            response = self.http.post(self.url, data={"queries": json.dumps(batch)},
                                      headers={"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})
            assert response.status_code == 200, response.text
            validate("reconciliation-result-batch", response.json())
            for key, value in response.json().items():
                out[names[start + int(key[1:])]] = value["result"]
        return out

    def suggest(self, kind: str, prefix: str) -> dict:
        service = self.manifest["suggest"][kind]
        return self.http.get(service["service_url"] + service["service_path"], params={"prefix": prefix}).json()

    def extend(self, ids: list[str], pids: list[str]) -> dict:
        body = {"ids": ids, "properties": [{"id": p} for p in pids]}
        return self.http.post(self.url, data={"extend": json.dumps(body)}).json()


@pytest.mark.server
def test_openrefine_session(server: str) -> None:
    refine = OpenRefineLike(server)
    validate("manifest", refine.manifest)
    results = refine.reconcile(["LINAGORA", "Cnrs", "Ecole Polytechnique", "Nobody Atall"], "Organisation")
    assert [r[0]["id"] if r else None for r in results.values()][:3] == ["linagora", "cnrs", "ecole-polytechnique"]
    assert results["LINAGORA"][0]["match"] is True
    assert all(not c["match"] for c in results["Nobody Atall"])
    people = refine.reconcile(["Antoine Petit"], "Person", [{"pid": "organisation", "v": "CNRS"}])
    assert people["Antoine Petit"][0]["match"] is True
    suggested = refine.suggest("entity", "linag")
    validate("suggest-entities-response", suggested)
    assert suggested["result"][0]["id"] == "linagora"
    preview = refine.http.get(refine.manifest["preview"]["url"].replace("{{id}}", "linagora"))
    assert preview.status_code == 200 and "LINAGORA" in preview.text
    view = refine.http.get(refine.manifest["view"]["url"].replace("{{id}}", "linagora"),
                           headers={"Accept": "text/html"})
    assert view.status_code == 200 and "LINAGORA" in view.text
    extended = refine.extend(["linagora"], ["foundedBy", "headquarters"])
    validate("data-extension-response", extended)
    assert extended["rows"]["linagora"]["headquarters"] == [{"id": "villa-good-tech", "name": "Villa Good Tech"}]
