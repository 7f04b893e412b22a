"""`kg serve`'s endpoint half over HTTP, against real `kg serve` processes on 127.0.0.1: the SPARQL 1.1
Protocol (GET, POST both encodings, dataset parameters, content negotiation, service description, 400, 406,
403 on updates, 503 past the time limit with the CPU freed, the row limit), named queries as an API compared
with `kg query`, dereferenceable IRIs, real clients (Apache Jena's rsparql, rdflib's SPARQLStore) and hostile
input. The pure parts (content negotiation, the worker's job) are tested without a server at the top."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from servers import ServerHandle, free_port
from test_params import INJECTIONS
from test_queries_golden import golden_cases

from kg.cli.main import cli
from kg.query.catalog import load_catalog, prepare
from kg.serve import conneg
from kg.serve.worker import run_job
from kg.shared.namespaces import EKD, GRAPH_DATA, GRAPH_ONTOLOGY

REPO = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(REPO / "queries")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ENV = {"KG_QUERIES_DIR": None, "KG_DATA_DIR": None, "KG_ENDPOINT": None, "KG_ENDPOINT_AUTH": None}


# -- without a server ---------------------------------------------------------------------------------
@pytest.mark.parametrize("accept, offered, expected", [
    (None, ("json", "xml"), "json"),
    ("", ("turtle", "jsonld"), "turtle"),
    ("application/sparql-results+xml", ("json", "xml", "csv", "tsv"), "xml"),
    ("text/csv;q=0.5, text/tab-separated-values", ("json", "xml", "csv", "tsv"), "tsv"),
    ("application/json", ("json", "xml"), "json"),
    ("text/*", ("json", "xml", "csv", "tsv"), "csv"),
    ("image/png", ("json", "xml", "csv", "tsv"), None),
    ("text/turtle;q=0, */*;q=0.1", ("turtle", "jsonld"), "jsonld"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ("html", "turtle"), "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", ("turtle", "jsonld", "nt"), "turtle"),
    ("text/html", ("turtle", "jsonld", "nt"), None),
    ("application/ld+json;q=0.9, application/n-triples", ("turtle", "jsonld", "nt"), "nt"),
    ("text/turtle;q=bogus", ("turtle",), "turtle"),
])
def test_content_negotiation_rules(accept: str | None, offered: tuple[str, ...], expected: str | None) -> None:
    assert conneg.choose(accept, offered) == expected


def test_suffixes() -> None:
    assert conneg.split_suffix("linagora.ttl", ("turtle", "nt")) == ("linagora", "turtle")
    assert conneg.split_suffix("linagora.csv", ("turtle", "nt")) == ("linagora.csv", None)
    assert conneg.split_suffix(".ttl", ("turtle",)) == (".ttl", None)


def _store() -> ox.Store:
    store = ox.Store()
    for i in range(5):
        store.add(ox.Quad(ox.NamedNode(f"http://x/s{i}"), ox.NamedNode("http://x/p"), ox.Literal(str(i))))
    return store


def test_worker_job_cuts_rows_and_says_so() -> None:
    header, body = run_job(_store(), {"query": "SELECT ?s WHERE { ?s ?p ?o }", "select_format": "json",
                                      "max_rows": 3})
    assert header["status"] == 200 and header["truncated"] == 3 and header["rows"] == 3
    assert len(json.loads(body)["results"]["bindings"]) == 3
    header, body = run_job(_store(), {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "graph_format": "nt",
                                      "max_rows": 2})
    assert header["truncated"] == 2 and body.decode().count(" .\n") == 2
    header, _ = run_job(_store(), {"query": "SELECT ?s WHERE { ?s ?p ?o }", "select_format": "csv",
                                   "max_rows": 5})
    assert header["truncated"] is None


def test_worker_job_errors() -> None:
    header, _ = run_job(_store(), {"query": "SELEC ?s", "select_format": "json"})
    assert header["status"] == 400 and header["message"].startswith("query does not parse: ")
    header, _ = run_job(_store(), {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "select_format": "json",
                                   "graph_format": None})
    assert header["status"] == 406


# -- servers --------------------------------------------------------------------------------------------
def _kg_binary() -> str:
    return str(Path(sys.executable).parent / "kg")


def _serve(tmp: Path, name: str, *options: str) -> ServerHandle:
    port = free_port()
    argv = [_kg_binary(), "serve", "--port", str(port), *options]
    return ServerHandle(name, f"http://127.0.0.1:{port}", argv, "/sparql", tmp, startup_timeout=240)


@pytest.fixture(scope="session")
def kg_server(tmp_path_factory: pytest.TempPathFactory):
    """`kg serve` on the project graph (OWL 2 RL), for the whole session."""
    handle = _serve(tmp_path_factory.mktemp("kg-serve"), "kg-serve", "--timeout", "20")
    handle.start()
    yield handle
    handle.stop(signal.SIGINT)


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory):
    """A server with a short time limit and a tiny row limit."""
    handle = _serve(tmp_path_factory.mktemp("kg-serve-limited"), "kg-serve-limited",
                    "--timeout", "1.5", "--max-rows", "5", "--processes", "2")
    handle.start()
    yield handle
    handle.stop(signal.SIGINT)


def kg_query(name: str, params: dict[str, str], *extra: str, fmt: str = "json") -> tuple[int, str, str]:
    args = ["query", name, "--format", fmt, *extra]
    for key, value in params.items():
        args += ["-p", f"{key}={value}"]
    result = CliRunner().invoke(cli, args, env=ENV)
    return result.exit_code, result.stdout, result.stderr


def post_form(url: str, fields: list[tuple[str, str]]) -> httpx.Response:
    """POST form fields, repeated names kept in order (httpx's `data=` takes a dict)."""
    return httpx.post(url, content=urllib.parse.urlencode(fields).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=60)


# -- the protocol ----------------------------------------------------------------------------------------
QUERY = "SELECT ?org WHERE { ?org a ekg:Organisation } ORDER BY ?org LIMIT 5"


@pytest.mark.server
def test_get_and_both_posts_give_the_same_answer(kg_server: ServerHandle) -> None:
    url = kg_server.base_url + "/sparql"
    got = httpx.get(url, params={"query": QUERY})
    form = httpx.post(url, data={"query": QUERY})
    direct = httpx.post(url, content=QUERY.encode(), headers={"Content-Type": "application/sparql-query"})
    for response in (got, form, direct):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/sparql-results+json"
    assert got.content == form.content == direct.content
    rows = json.loads(got.content)["results"]["bindings"]
    assert len(rows) == 5 and all(r["org"]["value"].startswith(EKD) for r in rows)


@pytest.mark.server
@pytest.mark.parametrize("accept, ctype, check", [
    ("application/sparql-results+json", "application/sparql-results+json", lambda t: json.loads(t)["head"]),
    ("application/sparql-results+xml", "application/sparql-results+xml",
     lambda t: "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">" in t),
    ("text/csv", "text/csv", lambda t: t.startswith("org\r\n")),
    ("text/tab-separated-values", "text/tab-separated-values", lambda t: t.startswith("?org\n<")),
    ("application/json", "application/sparql-results+json", lambda t: json.loads(t)["results"]),
])
def test_select_content_negotiation(kg_server: ServerHandle, accept: str, ctype: str, check) -> None:
    response = httpx.get(kg_server.base_url + "/sparql", params={"query": QUERY}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == ctype
    assert "Accept" in response.headers["vary"].split(", ")
    assert check(response.text)


@pytest.mark.server
@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE),
                                         ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                         ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_construct_content_negotiation(kg_server: ServerHandle, accept: str, fmt: ox.RdfFormat) -> None:
    query = "CONSTRUCT { ekd:linagora ?p ?o } WHERE { ekd:linagora ?p ?o }"
    response = httpx.get(kg_server.base_url + "/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    triples = {q.triple for q in ox.parse(response.content, format=fmt)}
    code, out, _ = kg_query_construct(query)  # the reference: `kg sparql` on the same closure
    assert code == 0
    assert triples == {q.triple for q in ox.parse(out.encode(), format=ox.RdfFormat.N_TRIPLES)}
    assert len(triples) > 20
    if fmt == ox.RdfFormat.JSON_LD:
        assert json.loads(response.text)["@context"]["ekd"] == EKD  # the shipped context


def kg_query_construct(query: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["sparql", query, "--reasoning", "owlrl", "--format", "nt"], env=ENV)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.server
def test_ask_and_format_parameter(kg_server: ServerHandle) -> None:
    url = kg_server.base_url + "/sparql"
    assert httpx.get(url, params={"query": "ASK { ekd:linagora ?p ?o }"}).json() == {"head": {}, "boolean": True}
    response = httpx.get(url, params={"query": QUERY, "format": "csv"}, headers={"Accept": "application/json"})
    assert response.headers["content-type"].startswith("text/csv")
    assert httpx.get(url, params={"query": QUERY, "format": "pdf"}).status_code == 400


@pytest.mark.server
def test_not_acceptable(kg_server: ServerHandle) -> None:
    url = kg_server.base_url + "/sparql"
    response = httpx.get(url, params={"query": QUERY}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.text.startswith("Error: cannot answer in any format the Accept header allows")
    construct = "CONSTRUCT WHERE { ekd:linagora ?p ?o }"
    response = httpx.get(url, params={"query": construct}, headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert "graph results are written as Turtle, JSON-LD or N-Triples" in response.text


@pytest.mark.server
def test_malformed_query_is_400_with_the_parser_message(kg_server: ServerHandle) -> None:
    response = httpx.get(kg_server.base_url + "/sparql", params={"query": "SELECT ?x WHERE { ?x ekg:name }"})
    assert response.status_code == 400
    assert response.text.startswith("Error: query does not parse: error at 1:")
    assert response.text.count("\n") == 1


@pytest.mark.server
@pytest.mark.parametrize("how", ["update-form", "update-body", "update-in-query", "update-get"])
def test_updates_are_refused(kg_server: ServerHandle, how: str) -> None:
    url = kg_server.base_url + "/sparql"
    update = "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }"
    if how == "update-form":
        response = httpx.post(url, data={"update": update})
    elif how == "update-body":
        response = httpx.post(url, content=update, headers={"Content-Type": "application/sparql-update"})
    elif how == "update-in-query":
        response = httpx.post(url, data={"query": update})
    else:
        response = httpx.get(url, params={"update": update})
    assert response.status_code == 403
    assert response.text == "Error: SPARQL Update is refused: this endpoint is read-only\n"
    check = httpx.get(url, params={"query": "ASK { <http://example.org/a> ?p ?o }"}).json()
    assert check["boolean"] is False


@pytest.mark.server
def test_unsupported_body_type(kg_server: ServerHandle) -> None:
    response = httpx.post(kg_server.base_url + "/sparql", content=b"{}", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


@pytest.mark.server
def test_service_description(kg_server: ServerHandle) -> None:
    url = kg_server.base_url + "/sparql"
    sd = "http://www.w3.org/ns/sparql-service-description#"
    response = httpx.get(url, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(response.content, format=ox.RdfFormat.TURTLE)
    rows = list(store.query(f"""PREFIX sd: <{sd}> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?lang ?desc ?n WHERE {{ <{url}> a sd:Service ; sd:endpoint <{url}> ; sd:supportedLanguage ?lang ;
        sd:feature sd:UnionDefaultGraph ; sd:defaultDataset/sd:defaultGraph ?g .
        ?g dcterms:description ?desc ; <http://rdfs.org/ns/void#triples> ?n }}"""))
    assert len(rows) == 1
    assert rows[0]["lang"] == ox.NamedNode(sd + "SPARQL11Query")
    assert "ontology, the data and their OWL 2 RL closure" in rows[0]["desc"].value
    assert int(rows[0]["n"].value) > 10_000
    names = {r["n"].value for r in store.query(f"PREFIX sd: <{sd}> SELECT ?n WHERE {{ ?x sd:name ?n }}")}
    assert any(n.endswith("/data/organisations.ttl") for n in names)
    assert any("/graph/inferred/" in n for n in names)
    formats = {r["f"].value for r in store.query(f"PREFIX sd: <{sd}> SELECT ?f WHERE {{ ?s sd:resultFormat ?f }}")}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_TSV" in formats
    jsonld = httpx.get(url, headers={"Accept": "application/ld+json"})
    assert jsonld.status_code == 200
    assert len(list(ox.parse(jsonld.content, format=ox.RdfFormat.JSON_LD))) == len(store)


@pytest.mark.server
def test_dataset_parameters(kg_server: ServerHandle) -> None:
    url = kg_server.base_url + "/sparql"
    ask = "ASK { ekd:alexandre-zapolsky ekg:affiliatedWith ekd:linagora }"  # inferred, never asserted
    assert httpx.get(url, params={"query": ask}).json()["boolean"] is True
    asserted = [("query", ask), ("default-graph-uri", GRAPH_ONTOLOGY), ("default-graph-uri", GRAPH_DATA)]
    assert httpx.get(url, params=asserted).json()["boolean"] is False
    graph = "https://w3id.org/ecosystem-kg/graph/file/data/organisations.ttl"
    named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = post_form(url, [("query", named), ("named-graph-uri", graph)])
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0
    only_default = post_form(url, [("query", named), ("default-graph-uri", graph)])
    assert only_default.json()["results"]["bindings"][0]["n"]["value"] == "0"
    assert httpx.get(url, params={"query": ask, "default-graph-uri": "not an iri"}).status_code == 400


# -- every named query: /sparql and /queries/NAME give what `kg query` gives ------------------------------
CASES = [c for c in golden_cases(REPO / "queries") if c.reasoning == CATALOG[c.name].reasoning]


def _bindings(text: str) -> object:
    doc = json.loads(text)
    return doc.get("boolean", doc.get("results", {}).get("bindings"))


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_named_queries_match_kg_query(kg_server: ServerHandle, case) -> None:
    graph = CATALOG[case.name].form in ("construct", "describe")
    fmt, accept = ("nt", "application/n-triples") if graph else ("json", "application/sparql-results+json")

    def same(body: str, reference: str) -> bool:  # canonical N-Triples compare as text, results as bindings
        return body == reference if graph else _bindings(body) == _bindings(reference)

    code, expected, err = kg_query(case.name, case.params, fmt=fmt)
    assert code in (0, 1), err
    api = httpx.get(f"{kg_server.base_url}/queries/{case.name}", params=case.params, headers={"Accept": accept},
                    timeout=60)
    assert api.status_code == 200, api.text
    assert api.headers["x-kg-reasoning"] == case.reasoning
    assert same(api.text, expected)
    # The same bound text through the protocol: the asserted graphs for `none`, the served OWL 2 RL closure
    # for the others (an RDFS query is compared with `kg query --reasoning owlrl`, what /sparql serves).
    sparql = prepare(CATALOG[case.name], case.params)
    fields = [("query", sparql)]
    if case.reasoning == "none":
        fields += [("default-graph-uri", GRAPH_ONTOLOGY), ("default-graph-uri", GRAPH_DATA)]
    elif case.reasoning == "rdfs":
        code, expected, err = kg_query(case.name, case.params, "--reasoning", "owlrl", fmt=fmt)
        assert code in (0, 1), err
    protocol = httpx.post(kg_server.base_url + "/sparql", content=urllib.parse.urlencode(fields).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
                          timeout=60)
    assert protocol.status_code == 200, protocol.text
    assert same(protocol.text, expected)


@pytest.mark.server
def test_named_query_errors_are_the_cli_lines(kg_server: ServerHandle) -> None:
    base = kg_server.base_url + "/queries/"
    for name, params in [("founders", {"org": "linagora"}), ("founders", {"nope": "1"}),
                         ("figures-at-least", {"min": "lots"}), ("figures-at-least", {"min": "1e3"}),
                         ("timeline", {"since": "2024-02-30"})]:
        code, _, err = kg_query(name, params)
        response = httpx.get(base + name, params=params)
        assert code == 2 and response.status_code == 400, (name, params, response.text)
        assert response.text == err
    response = httpx.get(base + "founders?org=ekd:linagora&org=ekd:cnrs")
    assert response.status_code == 400 and response.text == "Error: parameter org is given twice\n"
    response = httpx.get(base + "foundrs")
    assert response.status_code == 404 and "did you mean founders" in response.text


@pytest.mark.server
def test_named_query_suffixes_and_listing(kg_server: ServerHandle) -> None:
    response = httpx.get(kg_server.base_url + "/queries/founders.csv", params={"org": "ekd:linagora"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.startswith("person,org,")
    listing = httpx.get(kg_server.base_url + "/queries").json()
    assert {q["name"] for q in listing} == set(CATALOG)
    founders = next(q for q in listing if q["name"] == "founders")
    assert founders["params"][0]["type"] == "iri"


# -- limits: time and rows -------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        out += [int(p) for p in text]
    return sorted(out)


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _server_processes(pid: int) -> list[int]:
    return [p for p in _children(pid) if "kg.serve.prefork" in _cmdline(p)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _until(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _settled(pids: list[int], seconds: float = 60) -> None:
    """Wait until these processes stop using CPU (a replacement process has finished starting): two readings
    0.5 s apart within 0.05 s. A process that keeps burning a core (a runaway query) never settles."""
    def still() -> bool:
        before = _cpu_seconds(pids)
        time.sleep(0.5)
        return _cpu_seconds(pids) - before < 0.05
    assert _until(still, seconds), "the server processes never settled"


@pytest.mark.server
def test_runaway_query_is_stopped_and_its_cpu_freed(limited_server: ServerHandle) -> None:
    server_pid = limited_server.pid
    assert server_pid is not None
    url = limited_server.base_url + "/sparql"
    processes_before = _server_processes(server_pid)
    assert len(processes_before) == 2
    # Meanwhile, the server keeps answering.
    answers: list[int] = []

    def quick() -> None:
        time.sleep(0.3)
        answers.append(httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}, timeout=5).status_code)

    thread = threading.Thread(target=quick)
    thread.start()
    started = time.monotonic()
    response = httpx.get(url, params={"query": RUNAWAY}, timeout=30)
    elapsed = time.monotonic() - started
    thread.join()
    assert response.status_code == 503
    assert response.text == "Error: the query ran past the time limit of 1.5 s and was stopped\n"
    assert elapsed < 5
    assert answers == [200]
    # The process that ran it ends (after a short grace for its other requests) and is reaped.
    assert _until(lambda: any(p not in _children(server_pid) for p in processes_before), 10)
    gone = [p for p in processes_before if p not in _children(server_pid)]
    assert len(gone) == 1 and not Path(f"/proc/{gone[0]}").exists()  # ended and reaped
    # A replacement is started; once it has started, nothing keeps burning a core: the supervisor and its
    # processes use (almost) no CPU when idle.
    assert _until(lambda: len(_server_processes(server_pid)) == 2, 10)
    processes = [server_pid, *_children(server_pid)]
    _settled(processes)
    before = _cpu_seconds(processes)
    time.sleep(2.0)
    assert _cpu_seconds(processes) - before < 0.3
    # And it still serves, with two processes again.
    assert httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    assert len(_server_processes(server_pid)) == 2


@pytest.mark.server
def test_rows_above_the_limit_are_cut_and_the_response_says_so(limited_server: ServerHandle) -> None:
    url = limited_server.base_url + "/sparql"
    response = httpx.get(url, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["x-kg-truncated"] == "5"
    assert len(response.json()["results"]["bindings"]) == 5
    response = httpx.get(url, params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "text/turtle"})
    assert response.headers["x-kg-truncated"] == "5"
    assert len(list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))) == 5
    small = httpx.get(url, params={"query": "SELECT ?x WHERE { VALUES ?x { 1 2 } }"})
    assert "x-kg-truncated" not in small.headers


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


@pytest.mark.server
def test_ctrl_c_stops_the_server_and_all_its_processes(tmp_path: Path) -> None:
    handle = _serve(tmp_path, "kg-serve-stop", "--processes", "2")
    handle.start()
    assert handle.process is not None
    processes = _descendants(handle.process.pid)
    assert len(_server_processes(handle.process.pid)) == 2
    handle.process.send_signal(signal.SIGINT)
    assert handle.process.wait(timeout=15) == 0
    assert not any(Path(f"/proc/{p}").exists() for p in processes)  # no child survives, none is left unreaped
    log = handle.log.read_text()
    assert "Traceback" not in log and "127.0.0.1" in log


@pytest.mark.server
def test_ctrl_c_during_a_runaway_query_leaves_no_process(tmp_path: Path) -> None:
    handle = _serve(tmp_path, "kg-serve-stop-busy", "--processes", "2", "--timeout", "30")
    handle.start()
    assert handle.process is not None
    url = handle.base_url + "/sparql"
    outcome: list[object] = []

    def runaway() -> None:
        try:
            outcome.append(httpx.get(url, params={"query": RUNAWAY}, timeout=60).status_code)
        except httpx.HTTPError as exc:
            outcome.append(type(exc).__name__)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(1.0)  # the query is running in one of the processes
    processes = _descendants(handle.process.pid)
    handle.process.send_signal(signal.SIGINT)
    assert handle.process.wait(timeout=60) == 0
    thread.join(timeout=60)
    assert outcome == [503]  # answered, not dropped: the time limit still applies while stopping
    assert not any(Path(f"/proc/{p}").exists() for p in processes)


@pytest.mark.server
def test_server_processes_die_with_a_killed_supervisor(tmp_path: Path) -> None:
    handle = _serve(tmp_path, "kg-serve-killed", "--processes", "2")
    handle.start()
    assert handle.process is not None
    processes = _descendants(handle.process.pid)
    assert processes
    handle.process.kill()  # no chance to stop its children: the kernel does (PR_SET_PDEATHSIG)
    handle.process.wait(timeout=15)
    assert _until(lambda: not any(Path(f"/proc/{p}").exists() and "zombie" not in _state(p) for p in processes),
                  15)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "zombie"


# -- dereferenceable IRIs --------------------------------------------------------------------------------
@pytest.mark.server
@pytest.mark.parametrize("path, accept, fmt", [
    ("/id/linagora", "text/turtle", ox.RdfFormat.TURTLE),
    ("/id/linagora", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("/id/linagora", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("/id/linagora.ttl", None, ox.RdfFormat.TURTLE),
    ("/id/linagora.jsonld", "text/html", ox.RdfFormat.JSON_LD),
    ("/id/linagora.nt", None, ox.RdfFormat.N_TRIPLES),
])
def test_entity_rdf(kg_server: ServerHandle, path: str, accept: str | None, fmt: ox.RdfFormat) -> None:
    headers = {"Accept": accept} if accept else {}
    response = httpx.get(kg_server.base_url + path, headers=headers)
    assert response.status_code == 200, response.text
    triples = {q.triple for q in ox.parse(response.content, format=fmt)}
    linagora = ox.NamedNode(EKD + "linagora")
    assert any(t.subject == linagora and t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label"
               for t in triples)
    assert any(t.object == linagora for t in triples)  # the statements pointing to it too
    assert all(linagora in (t.subject, t.object) for t in triples)


@pytest.mark.server
def test_entity_negotiation_failures(kg_server: ServerHandle) -> None:
    base = kg_server.base_url
    assert httpx.get(base + "/id/linagora", headers={"Accept": "image/png"}).status_code == 406
    assert httpx.get(base + "/id/no-such-node").status_code == 404
    assert httpx.get(base + "/id/no-such-node.ttl").status_code == 404


@pytest.mark.server
def test_ontology_rdf(kg_server: ServerHandle) -> None:
    for path, headers, fmt in [("/ontology", {"Accept": "text/turtle"}, ox.RdfFormat.TURTLE),
                               ("/ontology.jsonld", {}, ox.RdfFormat.JSON_LD),
                               ("/ontology.nt", {}, ox.RdfFormat.N_TRIPLES)]:
        response = httpx.get(kg_server.base_url + path, headers=headers)
        assert response.status_code == 200
        triples = list(ox.parse(response.content, format=fmt))
        assert any(q.subject == ox.NamedNode("https://w3id.org/ecosystem-kg/ontology#Organisation")
                   for q in triples)
    assert httpx.get(kg_server.base_url + "/ontology.exe").status_code == 404


# -- real clients ----------------------------------------------------------------------------------------
def _plain_rows(bindings: list[dict]) -> list[dict]:
    out = []
    for row in bindings:
        out.append({k: (v["type"].replace("typed-literal", "literal"), v["value"], v.get("datatype"),
                        v.get("xml:lang")) for k, v in row.items()})
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


OWLRL_QUERIES = sorted(n for n, q in CATALOG.items() if q.form == "select")


@pytest.mark.server
def test_rdflib_sparqlstore_gets_the_rows_of_kg_query(kg_server: ServerHandle) -> None:
    from rdflib import BNode, Literal, URIRef
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(query_endpoint=kg_server.base_url + "/sparql", returnFormat="json")
    for name in OWLRL_QUERIES:
        sparql = prepare(CATALOG[name], {})
        code, expected, err = kg_query(name, {}, "--reasoning", "owlrl")
        assert code in (0, 1), err
        result = store.query(sparql)
        rows = []
        for row in result:
            converted = {}
            for var in result.vars:
                term = row[var]
                if term is None:
                    continue
                if isinstance(term, URIRef):
                    converted[str(var)] = {"type": "uri", "value": str(term)}
                elif isinstance(term, BNode):
                    converted[str(var)] = {"type": "bnode", "value": str(term)}
                else:
                    assert isinstance(term, Literal)
                    entry = {"type": "literal", "value": str(term)}
                    if term.language:
                        entry["xml:lang"] = term.language
                    elif term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
                        entry["datatype"] = str(term.datatype)
                    converted[str(var)] = entry
            rows.append(converted)
        assert _plain_rows(rows) == _plain_rows(json.loads(expected)["results"]["bindings"]), name


JENA_QUERIES = ["founders", "affiliations", "figures", "timeline", "people-roles"]


@pytest.mark.server
@pytest.mark.jena
def test_jena_rsparql_gets_the_rows_of_kg_query(kg_server: ServerHandle, tmp_path: Path) -> None:
    from jena import classpath, require_jena

    require_jena()
    cp = classpath()
    for name in JENA_QUERIES:
        query_file = tmp_path / f"{name}.rq"
        # rsparql parses the query itself: declare every project prefix in the text.
        from kg.shared.namespaces import sparql_prefix_block

        query_file.write_text(sparql_prefix_block() + prepare(CATALOG[name], {}), encoding="utf-8")
        run = subprocess.run(["java", "-cp", cp, "arq.rsparql", "--service", kg_server.base_url + "/sparql",
                              "--query", str(query_file), "--results", "json"],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        code, expected, err = kg_query(name, {}, "--reasoning", "owlrl")
        assert code in (0, 1), err
        got = json.loads(run.stdout)["results"]["bindings"]
        assert got, name
        assert _plain_rows(got) == _plain_rows(json.loads(expected)["results"]["bindings"]), name


# -- hostile input ---------------------------------------------------------------------------------------
@pytest.mark.server
@pytest.mark.parametrize("payload", [*INJECTIONS, "ekd:linagora> } DROP ALL {", "<https://x.org/> } #"])
def test_parameter_injection_cannot_change_the_query(kg_server: ServerHandle, payload: str) -> None:
    for name, param in (("people-roles", "lang"), ("founders", "org")):
        code, expected, err = kg_query(name, {param: payload})
        response = httpx.get(f"{kg_server.base_url}/queries/{name}", params={param: payload})
        if code == 2:
            assert response.status_code == 400 and response.text == err, (name, payload)
        else:
            assert response.status_code == 200, response.text
            assert _bindings(response.text) == _bindings(expected), (name, payload)


@pytest.mark.server
def test_oversized_requests_are_refused(kg_server: ServerHandle) -> None:
    url = kg_server.base_url + "/sparql"
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (2 << 20)
    response = httpx.post(url, content=huge, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    response = httpx.post(url, data={"query": huge})
    assert response.status_code == 413
    import http.client

    def get(length: int) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(urllib.parse.urlsplit(url).netloc, timeout=30)
        connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": "ASK {} #" + "x" * length}))
        return connection.getresponse()

    response = get(40_000)
    assert response.status == 414
    assert response.read() == b"Error: the request's query string is over 32768 bytes; POST the query\n"
    assert 400 <= get(70_000).status < 500  # past uvicorn's own limit on a request line: refused before us
    assert httpx.get(url, params={"query": "ASK {}"}).status_code == 200  # still serving


@pytest.mark.server
@pytest.mark.parametrize("path", ["/id/../../etc/passwd", "/id/..%2F..%2Fetc%2Fpasswd", "/queries/..%2Fpyproject",
                                  "/queries/../pyproject.toml", "/ontology.%2e%2e", "/id/%00"])
def test_path_traversal_is_404(kg_server: ServerHandle, path: str) -> None:
    response = httpx.get(kg_server.base_url + path)
    assert response.status_code == 404, (path, response.status_code)
    assert "root:" not in response.text and "[project]" not in response.text



@pytest.mark.server
def test_a_post_offering_http2_keeps_its_body(kg_server: ServerHandle) -> None:
    """Java's HTTP client (Jena) offers `Upgrade: h2c` on every POST; the server answers in HTTP/1.1 with the
    query it was sent (uvicorn's fast parser used to drop the body)."""
    import socket

    host, port = urllib.parse.urlsplit(kg_server.base_url).netloc.split(":")
    body = urllib.parse.urlencode({"query": "ASK { ekd:linagora ?p ?o }"}).encode()
    request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
               b"HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(b'{"head": {}, "boolean": true}\n')


@pytest.mark.server
def test_browser_clients_may_call_the_endpoint(kg_server: ServerHandle) -> None:
    """CORS: a query page on another origin (YASGUI…) can send a preflighted POST and read the limit header."""
    url = kg_server.base_url + "/sparql"
    preflight = httpx.options(url, headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST",
                                            "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://yasgui.example")
    response = httpx.get(url, params={"query": "ASK {}"}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "x-kg-truncated" in response.headers["access-control-expose-headers"].lower()


@pytest.mark.server
def test_a_busy_port_is_one_error_line() -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run([_kg_binary(), "serve", "--port", str(port)], capture_output=True, text=True,
                             timeout=120)
    assert run.returncode == 2
    assert run.stderr == (f"Error: --host 127.0.0.1 --port {port}: cannot listen there (Address already in use)\n")


@pytest.mark.server
def test_port_zero_says_which_port(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([_kg_binary(), "serve", "--port", "0"], stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while "Serving the graph on" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        line = log.read_text().splitlines()[0]
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert port > 0
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}).status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
