"""kg.stores without a real triplestore: chunking, profiles, credentials, retries, messages, remote parsing.

HTTP behaviour is checked against a scripted HTTP server on 127.0.0.1 (a thread in this process), so each
retry, status code and header is exercised for real through requests.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli.load import load
from kg.shared.errors import ParameterError, StoreError
from kg.shared.namespaces import GRAPH_DATA, GRAPH_INFERRED, GRAPH_ONTOLOGY
from kg.stores.http import HttpClient, NoAuth, find_credentials, make_auth, server_message
from kg.stores.load import check_graph_iris, chunk_triples, insert_request
from kg.stores.profiles import profile_from_server_header, redact, resolve_endpoints
from kg.stores.remote import query_form, run_query, with_prefixes

EX = "http://example.org/"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


# -- a scripted HTTP server ---------------------------------------------------------------------------

@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Script:
    replies: list[Reply]
    seen: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)


@pytest.fixture
def scripted() -> Iterator[tuple[str, Script]]:
    """A local HTTP server answering each request with the next scripted reply (the last one repeats)."""
    script = Script([])

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            script.seen.append((self.command, self.path, dict(self.headers), body))
            reply = script.replies.pop(0) if len(script.replies) > 1 else script.replies[0]
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", script
    finally:
        server.shutdown()
        server.server_close()


def client(**kw: object) -> tuple[HttpClient, list[float]]:
    sleeps: list[float] = []
    return HttpClient(timeout=5, backoff=0.01, sleep=sleeps.append, **kw), sleeps  # type: ignore[arg-type]


# -- chunking -----------------------------------------------------------------------------------------

def _t(s: object, o: object) -> ox.Triple:
    return ox.Triple(s, ox.NamedNode(EX + "p"), o)  # type: ignore[arg-type]


def test_chunks_keep_blank_node_components_together() -> None:
    a, b, c = ox.BlankNode("a"), ox.BlankNode("b"), ox.BlankNode("c")
    ground = [_t(ox.NamedNode(EX + f"s{i}"), ox.Literal(str(i))) for i in range(7)]
    linked = [_t(ox.NamedNode(EX + "x"), a), _t(a, b), _t(b, ox.Literal("end")), _t(c, ox.Literal("alone"))]
    triples = ground[:3] + linked[:1] + ground[3:5] + linked[1:] + ground[5:]
    chunks = chunk_triples(triples, 3)
    assert sorted(str(t) for chunk in chunks for t in chunk) == sorted(map(str, triples))
    holder = [i for i, chunk in enumerate(chunks) if any(a in (t.subject, t.object) for t in chunk)]
    assert len(holder) == 1  # the whole a-b component sits in one chunk, although it exceeds the size
    in_component = [t for t in chunks[holder[0]] if {a, b} & {t.subject, t.object}]
    assert len(in_component) == 3
    assert all(len(chunk) <= 3 for i, chunk in enumerate(chunks) if i != holder[0])


def test_chunk_size_must_be_positive() -> None:
    with pytest.raises(ParameterError):
        chunk_triples([], 0)


def test_insert_request_uses_a_template_for_blank_nodes() -> None:
    ground = [_t(ox.NamedNode(EX + "s"), ox.Literal('quote " and é'))]
    body = ox.serialize(ground, format=ox.RdfFormat.N_TRIPLES)
    assert insert_request(EX + "g", ground, body).startswith(f"INSERT DATA {{ GRAPH <{EX}g>")
    with_bnode = [_t(ox.BlankNode("x"), ox.Literal("v"))]
    text = insert_request(EX + "g", with_bnode, ox.serialize(with_bnode, format=ox.RdfFormat.N_TRIPLES))
    assert text.startswith("INSERT {") and text.endswith("WHERE {}")
    store = ox.Store()
    store.update(text)  # the text is valid SPARQL Update and inserts one fresh blank node
    assert len(store) == 1


# -- profiles, URLs, graph IRIs -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "profile"),
    [("Oxigraph/0.5.13", "oxigraph"), ("Virtuoso/07.20.3229 (Linux) x86_64", "virtuoso"),
     ("Apache-Jena-Fuseki (4.9)", "generic"), (None, "generic")],
)
def test_profile_from_server_header(header: str | None, profile: str) -> None:
    assert profile_from_server_header(header) == profile


def test_endpoints_of_each_profile_and_overrides() -> None:
    ox_ = resolve_endpoints("http://h:7878/", "oxigraph")
    assert (ox_.query_url, ox_.update_url, ox_.gsp_url) == ("http://h:7878/query", "http://h:7878/update",
                                                           "http://h:7878/store")
    virt = resolve_endpoints("http://h:8890", "virtuoso")
    assert (virt.query_url, virt.update_url, virt.gsp_url) == (
        "http://h:8890/sparql", "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth")
    assert virt.profile.auth == "digest" and not virt.profile.atomic_update_request
    gen = resolve_endpoints("http://h/ds", "generic")
    assert (gen.query_url, gen.update_url, gen.gsp_url) == ("http://h/ds/sparql", "http://h/ds/sparql", None)
    fuseki = resolve_endpoints("http://h:3030", "generic", query_url="http://h:3030/kg/query",
                               update_url="http://h:3030/kg/update", gsp_url="http://h:3030/kg/data")
    assert fuseki.gsp_url == "http://h:3030/kg/data" and fuseki.update_url.endswith("/kg/update")
    assert resolve_endpoints("http://h", "oxigraph", use_gsp=False).gsp_url is None


@pytest.mark.parametrize("url", ["ftp://h/x", "localhost:7878", "http://"])
def test_bad_base_url(url: str) -> None:
    with pytest.raises(ParameterError, match="http:// or https://"):
        resolve_endpoints(url, "generic")


def test_credentials_in_urls_are_refused_and_never_echoed() -> None:
    with pytest.raises(ParameterError) as err:
        resolve_endpoints("http://dba:s3cret@h:8890", "virtuoso")
    assert "do not put credentials in the URL" in err.value.message and "s3cret" not in err.value.message


def test_redact_drops_user_info() -> None:
    assert redact("http://dba:secret@h:8890/sparql?x=1") == "http://h:8890/sparql?x=1"
    assert redact("https://h/x") == "https://h/x"


def test_graph_iris_checked() -> None:
    defaults = {"ontology": GRAPH_ONTOLOGY, "data": GRAPH_DATA, "inferred": GRAPH_INFERRED}
    assert check_graph_iris({}) == defaults
    with pytest.raises(ParameterError, match="--graph-data: not an IRI"):
        check_graph_iris({"data": "not an iri"})
    with pytest.raises(ParameterError, match="three different IRIs"):
        check_graph_iris({"data": GRAPH_ONTOLOGY})


# -- credentials --------------------------------------------------------------------------------------

def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_STORE_USER", "alice")
    monkeypatch.setenv("KG_STORE_PASSWORD", "pw")
    assert find_credentials("http://h/") == ("alice", "pw")
    assert type(make_auth("digest", "http://h/")).__name__ == "HTTPDigestAuth"
    assert type(make_auth("basic", "http://h/")).__name__ == "HTTPBasicAuth"
    assert isinstance(make_auth("none", "http://h/"), NoAuth)
    monkeypatch.delenv("KG_STORE_PASSWORD")
    with pytest.raises(ParameterError, match="set both KG_STORE_USER and KG_STORE_PASSWORD"):
        find_credentials("http://h/")


def test_credentials_from_netrc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KG_STORE_USER", raising=False)
    monkeypatch.delenv("KG_STORE_PASSWORD", raising=False)
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine store.example login bob password from-netrc\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert find_credentials("https://store.example/sparql") == ("bob", "from-netrc")
    assert find_credentials("https://other.example/sparql") is None
    assert isinstance(make_auth("digest", "https://other.example/"), NoAuth)


# -- retries and messages -----------------------------------------------------------------------------

def test_retries_gateway_errors_then_succeeds(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.replies = [Reply(503), Reply(502), Reply(200, b"ok")]
    http, sleeps = client()
    assert http.send("GET", url, what="probe").text == "ok"
    assert len(script.seen) == 3 and sleeps == [0.01, 0.02]


def test_retries_are_bounded(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    page = b"<html><body><h1>504 Gateway Timeout</h1><p>upstream slow</p></body></html>"
    script.replies = [Reply(504, page)]
    http, sleeps = client()
    with pytest.raises(StoreError, match=r"answered 504 Gateway Timeout: upstream slow$"):
        http.send("GET", url, what="probe")
    assert len(script.seen) == 4 and sleeps == [0.01, 0.02, 0.04]


def test_no_retry_on_4xx(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.replies = [Reply(400, b"Parser error at line 3 column 1: unexpected end\nmore detail")]
    http, sleeps = client()
    with pytest.raises(StoreError) as err:
        http.send("POST", url, what="upload of the data graph", data=b"x")
    assert err.value.message == (f"upload of the data graph: {url} answered 400 Bad Request: "
                                 "Parser error at line 3 column 1: unexpected end")
    assert err.value.exit_code == 2 and len(script.seen) == 1 and sleeps == []


def test_non_idempotent_requests_are_not_retried_on_502(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.replies = [Reply(502), Reply(200)]
    http, _ = client()
    with pytest.raises(StoreError, match="answered 502"):
        http.send("POST", url, what="swap", idempotent=False)
    assert len(script.seen) == 1


def test_unreachable_is_retried_even_when_not_idempotent() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    http, sleeps = client()
    with pytest.raises(StoreError) as err:
        http.send("POST", f"http://127.0.0.1:{port}/update", what="swap", idempotent=False)
    assert err.value.message == f"swap: cannot reach http://127.0.0.1:{port}/update: connection refused " \
        "(after 4 tries)"
    assert sleeps == [0.01, 0.02, 0.04]  # nothing was sent, so even a swap may be retried


def test_refused_credentials_never_show_the_password(scripted: tuple[str, Script],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url, script = scripted
    script.replies = [Reply(401, b"", {"WWW-Authenticate": 'Basic realm="x"'})]
    monkeypatch.setenv("KG_STORE_USER", "dba")
    monkeypatch.setenv("KG_STORE_PASSWORD", "hunter2-secret")
    http, _ = client(auth=make_auth("basic", url))
    with pytest.raises(StoreError) as err:
        http.send("PUT", url, what="upload", data=b"x")
    assert "refused the credentials: 401 Unauthorized" in err.value.message
    assert "hunter2-secret" not in err.value.message and "dba:" not in err.value.message
    assert script.seen[0][2]["Authorization"].startswith("Basic ")


def test_server_message_strips_virtuoso_html() -> None:
    body = """<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head><title>SPARQL Graph Protocol request failed</title></head>
<body><h1>HTTP/1.1 500 Request Failed</h1><h3>Error 22007</h3>
<xmp>XM003: XML parser detected an error:
\tFATAL  : End of source text reached but no closing tag has been found for tag 'a'
</xmp></body></html>"""
    assert server_message(body) == ("XM003: XML parser detected an error: FATAL : End of source text reached "
                                    "but no closing tag has been found for tag 'a'")
    assert server_message("") == "(no message)"
    assert server_message("x" * 1000).endswith("…") and len(server_message("x" * 1000)) == 300


# -- remote queries -----------------------------------------------------------------------------------

def test_query_form_and_prefixes() -> None:
    assert query_form("PREFIX x: <http://e/SELECT#> # ASK\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == \
        "CONSTRUCT"
    assert query_form("ask { }") == "ASK"
    text = with_prefixes("PREFIX ekg: <http://other/>\nSELECT * WHERE { ?s a ekg:X ; rdfs:label 'owl:no' }")
    assert "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>" in text
    assert "PREFIX ekg: <https://" not in text and "PREFIX owl:" not in text
    ox.Store().query(text)  # still parses


def _json_results(bindings: list[dict[str, object]], names: list[str]) -> bytes:
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}).encode()


def test_run_query_select_with_virtuoso_blank_nodes(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    body = _json_results([
        {"s": {"type": "bnode", "value": "nodeID://b10002"},
         "n": {"type": "typed-literal", "datatype": XSD_INTEGER, "value": "4"}},
        {"s": {"type": "bnode", "value": "nodeID://b10002"}, "n": {"type": "literal", "value": "x",
                                                                    "xml:lang": "fr"}},
    ], ["s", "n"])
    script.replies = [Reply(200, body, {"Content-Type": "application/sparql-results+json"})]
    result = run_query(url + "/sparql", "SELECT ?s ?n WHERE { ?s ekg:n ?n } ORDER BY ?n",
                       default_graphs=[GRAPH_ONTOLOGY, GRAPH_DATA])
    assert result.kind == "select" and result.variables == ["s", "n"] and result.ordered
    assert isinstance(result.rows[0][0], ox.BlankNode) and result.rows[0][0] == result.rows[1][0]
    assert result.rows[0][1] == ox.Literal("4", datatype=ox.NamedNode(XSD_INTEGER))
    method, _, headers, sent = script.seen[0]
    from urllib.parse import parse_qs

    form = parse_qs(sent.decode())
    assert method == "POST" and headers["Accept"] == "application/sparql-results+json"
    assert form["default-graph-uri"] == [GRAPH_ONTOLOGY, GRAPH_DATA]
    assert form["query"][0].startswith("PREFIX ekg:")


def test_run_query_refuses_truncated_results(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.replies = [Reply(200, _json_results([], ["s"]), {"Content-Type": "application/sparql-results+json",
                                                           "X-SPARQL-MaxRows": "10000"})]
    with pytest.raises(StoreError, match="cut the result at 10000 rows"):
        run_query(url, "SELECT ?s WHERE { ?s ?p ?o }", default_graphs=[])


def test_run_query_construct_and_errors(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.replies = [
        Reply(200, b"<http://e/a>\t<http://e/p>\t\"x\"@en-gb .\n", {"Content-Type": "text/plain"}),
        Reply(400, b"Virtuoso 37000 Error SP030: SPARQL compiler: syntax error\n\nSPARQL query:\n..."),
    ]
    result = run_query(url, "CONSTRUCT WHERE { ?s ?p ?o }", default_graphs=[])
    assert result.kind == "graph" and result.triples[0].object == ox.Literal("x", language="en-gb")
    with pytest.raises(StoreError, match=r"answered 400 Bad Request: Virtuoso 37000 Error SP030: .* error$"):
        run_query(url, "SELECT WHERE", default_graphs=[])


# -- the CLI's refusals before any network --------------------------------------------------------------

@pytest.mark.parametrize(
    ("args", "message"),
    [(["ftp://h"], "Error: BASE_URL: expected an http:// or https:// URL, got 'ftp://h'"),
     (["http://h", "--graph-data", "a b"], "Error: --graph-data: not an IRI"),
     (["http://h", "--graph-data", GRAPH_ONTOLOGY], "Error: --graph-ontology, --graph-data and --graph-")],
)
def test_cli_rejects_bad_options(args: list[str], message: str) -> None:
    result = CliRunner().invoke(load, [*args, "--no-cache"])
    assert result.exit_code == 2
    assert result.output.startswith(message) and result.output.count("\n") == 1
