"""`kg load` and `run_query` against real servers: Oxigraph and Virtuoso, started on 127.0.0.1 by the suite.

Every test writes to its own named graphs (a random IRI base), so tests sharing a session server never see
each other's data. Expected contents come from the embedded engine on the same data dir, never from
hard-coded numbers.
"""

from __future__ import annotations

import functools
import re
import secrets
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from servers import ServerHandle, oxigraph_disk_server, oxigraph_server, virtuoso_server  # noqa: F401

from kg.cli.load import load
from kg.engine.graph import open_graph
from kg.shared.errors import StoreError
from kg.shared.paths import layout
from kg.stores.http import HttpClient
from kg.stores.load import load_into_store
from kg.stores.profiles import PROFILES
from kg.stores.remote import run_query

pytestmark = pytest.mark.server

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stores"
V1, V2, XML_LITERAL = FIXTURES / "v1", FIXTURES / "v2", FIXTURES / "xml-literal"
PARTS = ("ontology", "data", "inferred")
ONLY_OXIGRAPH = pytest.mark.parametrize("server", ["oxigraph"], indirect=True)
ONLY_VIRTUOSO = pytest.mark.parametrize("server", ["virtuoso"], indirect=True)


# -- fixtures and helpers -----------------------------------------------------------------------------

@pytest.fixture(params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ServerHandle:
    """Each server in turn; `@pytest.mark.parametrize("server", [name], indirect=True)` picks one."""
    handle: ServerHandle = request.getfixturevalue(f"{request.param}_server")
    _credentials(handle, monkeypatch)
    return handle


@pytest.fixture(params=["oxigraph_disk", "virtuoso"])
def restartable(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ServerHandle:
    """A server whose data survives stop() + start()."""
    handle: ServerHandle = request.getfixturevalue(f"{request.param}_server")
    _credentials(handle, monkeypatch)
    return handle


def _credentials(handle: ServerHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    if handle.user:
        monkeypatch.setenv("KG_STORE_USER", handle.user)
        monkeypatch.setenv("KG_STORE_PASSWORD", handle.password or "")
    else:
        monkeypatch.delenv("KG_STORE_USER", raising=False)
        monkeypatch.delenv("KG_STORE_PASSWORD", raising=False)


@pytest.fixture
def graphs() -> dict[str, str]:
    base = f"http://example.org/kg-test/{secrets.token_hex(4)}/"
    return {part: base + part for part in PARTS}


def cli_load(server: ServerHandle, data: Path | None, graphs: dict[str, str], *extra: str) -> Result:
    args = [server.base_url, "--no-cache"] + (["--data", str(data)] if data else [])
    for part in PARTS:
        args += [f"--graph-{part}", graphs[part]]
    return CliRunner().invoke(load, [*args, *extra])


def query_url(server: ServerHandle) -> str:
    return server.base_url + PROFILES["oxigraph" if server.name == "oxigraph" else "virtuoso"].query_path


def remote_count(server: ServerHandle, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    result = run_query(query_url(server), query, default_graphs=[])
    return int(result.rows[0][0].value)


def counts(server: ServerHandle, graphs: dict[str, str]) -> dict[str, int]:
    return {part: remote_count(server, graphs[part]) for part in PARTS}


def ground(triples: list[ox.Triple]) -> set[str]:
    """Triples without blank nodes, as text (blank node labels differ between stores by design)."""
    return {str(t) for t in triples if not isinstance(t.subject, ox.BlankNode)
            and not isinstance(t.object, ox.BlankNode)}


def remote_triples(server: ServerHandle, graph: str) -> list[ox.Triple]:
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    result = run_query(query_url(server), query, default_graphs=[])
    return result.triples


def staging_left(server: ServerHandle, graphs: dict[str, str]) -> list[str]:
    base = graphs["data"].rsplit("/", 1)[0] + "/"
    result = run_query(query_url(server), "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                       f'FILTER(STRSTARTS(STR(?g), "{base}") && CONTAINS(STR(?g), ".staging-")) }}',
                       default_graphs=[])
    return [row[0].value for row in result.rows]


@functools.lru_cache
def expected(data: Path | None, reasoning: str = "none") -> dict[str, list[ox.Triple]]:
    kgraph = open_graph(layout(data), reasoning=reasoning, use_cache=False)
    return {part: list(dict.fromkeys(kgraph.triples(part))) for part in PARTS}


def expected_counts(data: Path | None, reasoning: str = "none", *, inferred: bool = False) -> dict[str, int]:
    triples = expected(data, reasoning)
    return {part: len(triples[part]) if part != "inferred" or inferred else 0 for part in PARTS}


# -- loads ----------------------------------------------------------------------------------------------

def test_fresh_load_detects_the_store_and_verifies(server: ServerHandle, graphs: dict[str, str]) -> None:
    result = cli_load(server, V1, graphs)
    assert result.exit_code == 0, result.output
    assert f"into {server.name} at {server.base_url}" in result.output  # detected from the Server header
    assert counts(server, graphs) == expected_counts(V1)
    assert ground(remote_triples(server, graphs["data"])) == ground(expected(V1)["data"])
    assert ground(remote_triples(server, graphs["ontology"])) == ground(expected(V1)["ontology"])
    assert staging_left(server, graphs) == []


@ONLY_OXIGRAPH
def test_progress_bar_on_request(server: ServerHandle, graphs: dict[str, str]) -> None:
    shown = cli_load(server, V1, graphs, "--progress")
    total = sum(expected_counts(V1).values())
    assert shown.exit_code == 0 and shown.stderr.endswith(f"Uploaded {total}/{total} triples\n")
    quiet = cli_load(server, V1, graphs)  # stderr is not a terminal under CliRunner
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_reload_is_idempotent(server: ServerHandle, graphs: dict[str, str]) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    first = counts(server, graphs), ground(remote_triples(server, graphs["data"]))
    again = cli_load(server, V1, graphs)
    assert again.exit_code == 0, again.output
    assert (counts(server, graphs), ground(remote_triples(server, graphs["data"]))) == first
    assert staging_left(server, graphs) == []


def test_replace_leaves_only_the_new_data(server: ServerHandle, graphs: dict[str, str]) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    result = cli_load(server, V2, graphs, "--store", server.name)
    assert result.exit_code == 0, result.output
    assert counts(server, graphs) == expected_counts(V2)
    assert ground(remote_triples(server, graphs["data"])) == ground(expected(V2)["data"])
    assert ground(remote_triples(server, graphs["ontology"])) == ground(expected(V2)["ontology"])
    gone = run_query(query_url(server), "ASK { ekd:linagora ?p ?o }", default_graphs=[graphs["data"]])
    assert gone.value is False


def test_inferred_graph_loaded_then_emptied(server: ServerHandle, graphs: dict[str, str]) -> None:
    result = cli_load(server, V1, graphs, "--inferred")
    assert result.exit_code == 0, result.output
    want = expected_counts(V1, "owlrl", inferred=True)
    assert want["inferred"] > 0 and counts(server, graphs) == want
    assert ground(remote_triples(server, graphs["inferred"])) == ground(expected(V1, "owlrl")["inferred"])
    without = cli_load(server, V1, graphs)
    assert without.exit_code == 0, without.output
    assert f"inferred  <{graphs['inferred']}>  not loaded, emptied" in without.output
    assert counts(server, graphs) == expected_counts(V1)


@pytest.mark.parametrize("mode", [["--batch-size", "4"], ["--no-gsp", "--batch-size", "4"]],
                         ids=["gsp-chunks", "insert-data"])
def test_small_batches_keep_blank_node_structures(server: ServerHandle, graphs: dict[str, str],
                                                  mode: list[str]) -> None:
    result = cli_load(server, V1, graphs, *mode)
    assert result.exit_code == 0, result.output
    how = "INSERT DATA" if "--no-gsp" in mode else "Graph Store Protocol"
    assert how in result.output
    assert counts(server, graphs) == expected_counts(V1)
    chain = run_query(query_url(server), """ASK { ekg:underSupervisionOf owl:propertyChainAxiom ?l .
        ?l rdf:first ekg:partOf ; rdf:rest ?r . ?r rdf:first ekg:supervisedBy ; rdf:rest rdf:nil }""",
                      default_graphs=[graphs["ontology"]])
    address_query = 'ASK { ekd:synalp ekg:address [ ekg:city "Nancy" ; ekg:country [] ] }'
    address = run_query(query_url(server), address_query, default_graphs=[graphs["data"]])
    assert chain.value is True and address.value is True


@ONLY_OXIGRAPH
def test_real_project_graph(server: ServerHandle, graphs: dict[str, str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_DATA_DIR", raising=False)
    result = cli_load(server, None, graphs, "--inferred", "--store", "oxigraph")
    assert result.exit_code == 0, result.output
    want = expected_counts(None, "owlrl", inferred=True)
    assert want["ontology"] > 0 and counts(server, graphs) == want


# -- failures leave the live graphs alone ----------------------------------------------------------------

class CorruptingClient(HttpClient):
    """Test hook: breaks the body of the n-th upload request of one graph's staging, mid-file."""

    def __init__(self, target: str, nth: int, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.target, self.nth, self.seen = target, nth, 0

    def send(self, method: str, url: str, **kw: object):  # type: ignore[no-untyped-def, override]
        params = kw.get("params") or {}
        body = kw.get("data")
        staging = str(params.get("graph", "")) if isinstance(params, dict) else ""
        if isinstance(body, bytes) and staging.startswith(self.target + ".staging-"):
            self.seen += 1
            if self.seen == self.nth:
                lines = body.split(b"\n")
                lines.insert(len(lines) // 2, b"<http://example.org/broken> <http://example.org/p> .")
                kw["data"] = b"\n".join(lines)
        return super().send(method, url, **kw)  # type: ignore[arg-type]


def test_bad_data_mid_file_keeps_live_graphs(server: ServerHandle, graphs: dict[str, str]) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    before = counts(server, graphs)
    client = CorruptingClient(graphs["data"], nth=2, timeout=30, backoff=0.05)
    with pytest.raises(StoreError) as err:
        load_into_store(server.base_url, layout=layout(V2), graphs=graphs, batch_size=2, use_cache=False,
                        client=client, auth="digest" if server.user else "none")
    message = err.value.message
    assert err.value.exit_code == 2 and "\n" not in message
    assert message.startswith("upload of the data graph: ")
    assert message.endswith("; live graphs unchanged; staging graphs dropped")
    assert re.search(r"answered (400|500)", message)
    assert counts(server, graphs) == before
    assert staging_left(server, graphs) == []


@ONLY_VIRTUOSO
def test_virtuoso_refuses_an_ill_formed_xml_literal(server: ServerHandle, graphs: dict[str, str]) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    before = counts(server, graphs)
    result = cli_load(server, XML_LITERAL, graphs)
    assert result.exit_code == 2
    assert result.output.startswith("Error: upload of the data graph: ")
    assert "answered 500 Request Failed: XM003: XML parser detected an error: FATAL" in result.output
    assert result.output.rstrip("\n").endswith("; live graphs unchanged; staging graphs dropped")
    assert result.output.count("\n") == 1
    # Virtuoso's PUT is not atomic: it kept the triples before the bad line, but only in the staging graph.
    assert counts(server, graphs) == before
    assert staging_left(server, graphs) == []


def _big_data_dir(tmp_path: Path, n: int) -> Path:
    root = tmp_path / "big"
    (root / "data").mkdir(parents=True)
    (root / "ontology").mkdir()
    (root / "ontology" / "stores.ttl").write_text((V1 / "ontology" / "stores.ttl").read_text())
    lines = ["@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .",
             "@prefix ekg: <https://w3id.org/ecosystem-kg/ontology#> ."]
    lines += [f'ekd:item-{i} ekg:rank {i} ; ekg:name "élément n°{i}"@fr .' for i in range(n)]
    (root / "data" / "big.ttl").write_text("\n".join(lines) + "\n")
    return root


def test_server_stopped_mid_transfer(restartable: ServerHandle, graphs: dict[str, str],
                                     tmp_path: Path) -> None:
    assert cli_load(restartable, V1, graphs).exit_code == 0
    before = counts(restartable, graphs)
    big = _big_data_dir(tmp_path, 1500)
    ontology_size = len(expected(big)["ontology"])

    def stop_during_data(sent: int, total: int) -> None:
        if sent > ontology_size + 200 and restartable.running():
            restartable.stop()  # the data graph is half uploaded: the next chunk meets a dead server

    client = HttpClient(timeout=10, backoff=0.05)
    with pytest.raises(StoreError) as err:
        load_into_store(restartable.base_url, layout=layout(big), graphs=graphs, batch_size=100,
                        use_cache=False, client=client, auth="digest" if restartable.user else "none",
                        progress=stop_during_data)
    message = err.value.message
    assert message.startswith("upload of the data graph: cannot reach ")
    assert "(after 4 tries); live graphs unchanged; could not drop the staging graphs" in message
    assert graphs["data"] + ".staging-" in message
    restartable.start()
    assert counts(restartable, graphs) == before  # the old graphs survived the crash intact
    assert cli_load(restartable, V2, graphs).exit_code == 0  # and the next load goes through
    assert counts(restartable, graphs) == expected_counts(V2)


class CuttingProxy:
    """A TCP proxy to a server that drops any connection once it has carried `limit` request bytes,
    like a server dying in the middle of receiving an upload."""

    def __init__(self, port: int, limit: int) -> None:
        self.upstream, self.limit = port, limit
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        up = socket.create_connection(("127.0.0.1", self.upstream))
        threading.Thread(target=self._pump, args=(up, conn), daemon=True).start()
        carried = 0
        try:
            while chunk := conn.recv(65536):
                carried += len(chunk)
                if carried > self.limit:
                    self.cuts += 1
                    break
                up.sendall(chunk)
        except OSError:
            pass
        for sock in (conn, up):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def cutting_proxy(server: ServerHandle) -> Iterator[CuttingProxy]:
    proxy = CuttingProxy(int(server.base_url.rsplit(":", 1)[1]), limit=60_000)
    yield proxy
    proxy.close()


def test_connection_cut_mid_upload(server: ServerHandle, graphs: dict[str, str], tmp_path: Path,
                                   cutting_proxy: CuttingProxy) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    before = counts(server, graphs)
    big = _big_data_dir(tmp_path, 3000)  # one ~300 kB PUT, cut after 60 kB every time it is tried
    result = CliRunner().invoke(load, [
        f"http://127.0.0.1:{cutting_proxy.port}", "--store", server.name, "--data", str(big), "--no-cache",
        *[arg for part in PARTS for arg in (f"--graph-{part}", graphs[part])],
    ])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert re.match(r"Error: upload of the data graph: cannot reach http://127\.0\.0\.1:\d+/\S+: "
                    r"(the server closed the connection|connection reset) \(after 4 tries\); "
                    r"live graphs unchanged; staging graphs dropped$", result.output.strip())
    assert cutting_proxy.cuts == 4  # a PUT is idempotent, so it was retried, and never applied in part
    assert counts(server, graphs) == before
    assert staging_left(server, graphs) == []


@ONLY_VIRTUOSO
def test_refused_credentials(server: ServerHandle, graphs: dict[str, str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    before = counts(server, graphs)
    monkeypatch.setenv("KG_STORE_PASSWORD", "wrong-Pa55word")
    result = cli_load(server, V2, graphs)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith(f"Error: upload of the ontology graph: {server.base_url}"
                                    "/sparql-graph-crud-auth refused the credentials: 401 Unauthorized; ")
    assert result.output.strip().endswith("live graphs unchanged; nothing was written")
    assert "wrong-Pa55word" not in result.output
    assert counts(server, graphs) == before


# -- remote queries -------------------------------------------------------------------------------------

def _rows(result: object) -> list[tuple[str, ...]]:
    return [tuple(str(term) for term in row) for row in result.rows]  # type: ignore[attr-defined]


def test_run_query_matches_the_embedded_engine(server: ServerHandle, graphs: dict[str, str]) -> None:
    assert cli_load(server, V1, graphs).exit_code == 0
    local = open_graph(layout(V1), use_cache=False)
    default = [graphs["ontology"], graphs["data"]]
    select = """SELECT ?lab ?label WHERE { ?lab a ekg:Laboratory ; rdfs:label ?label } ORDER BY ?lab ?label"""
    remote = run_query(query_url(server), select, default_graphs=default)
    mine = local.query(select)
    assert remote.variables == mine.variables and remote.ordered
    assert _rows(remote) == _rows(mine) and len(remote.rows) == 2

    ask_true = "ASK { ekd:loria ekg:supervisedBy ekd:cnrs }"
    ask_false = "ASK { ekd:cnrs ekg:supervisedBy ekd:loria }"
    assert run_query(query_url(server), ask_true, default_graphs=default).value is True
    assert run_query(query_url(server), ask_false, default_graphs=default).value is False

    construct = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a ekg:Laboratory ; rdfs:label ?l }"
    got = run_query(query_url(server), construct, default_graphs=default)
    assert got.kind == "graph" and ground(got.triples) == ground(local.query(construct).triples)

    # default-graph-uri restricts the query to the loaded graphs (Virtuoso would otherwise see every graph)
    assert run_query(query_url(server), ask_true, default_graphs=[graphs["ontology"]]).value is False
