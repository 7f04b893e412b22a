"""`kg export --format gexf|graphml` and /graph/NAME.gexf: the entity network, read back by networkx and by a
second, independent reader (igraph for GraphML; graphology-gexf, the reader of Sigma.js and Gephi Lite, for GEXF,
installed by scripts/install-graphology.sh)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from kg.cli.main import cli

GRAPHOLOGY = Path(os.environ.get("KG_GRAPHOLOGY_DIR") or Path(os.environ.get("XDG_CACHE_HOME")
                                                                 or Path.home() / ".cache")
                  / "ecosystem-kg-tests" / "graphology")
READ_GEXF_JS = """
const fs = require('fs');
const gexf = require('graphology-gexf');
const {MultiDirectedGraph} = require('graphology');
const graph = gexf.parse(MultiDirectedGraph, fs.readFileSync(process.argv[2], 'utf-8'));
const edges = [];
graph.forEachEdge((key, attrs, source, target) => edges.push({source, target, ...attrs}));
const nodes = {};
graph.forEachNode((key, attrs) => { nodes[key] = attrs; });
process.stdout.write(JSON.stringify({order: graph.order, size: graph.size, nodes, edges}));
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("net")
    runner = CliRunner()
    made = {}
    for name, args in {"gexf": ["-o", str(out / "g.gexf")],
                       "graphml": ["--format", "graphml", "-o", str(out / "g.graphml")],
                       "gexf-inferred": ["--inferred", "-o", str(out / "gi.gexf")]}.items():
        result = runner.invoke(cli, ["export", *args])
        assert result.exit_code == 0, result.output
        made[name] = Path(args[-1])
    return made


def test_networkx_reads_both_back(files: dict[str, Path]) -> None:
    gexf = nx.read_gexf(files["gexf"])
    graphml = nx.read_graphml(files["graphml"])
    assert gexf.number_of_nodes() == graphml.number_of_nodes() > 50
    assert gexf.number_of_edges() == graphml.number_of_edges() > 100
    linagora = gexf.nodes["linagora"]
    assert linagora["label"] == "LINAGORA" and linagora["class"] == "SmallOrMediumEnterprise"
    assert linagora["documents"] >= 3 and linagora["iri"] == "https://w3id.org/ecosystem-kg/id/linagora"
    assert graphml.nodes["linagora"]["label_fr"] == "LINAGORA"
    # no concepts, documents or fact nodes among the nodes
    assert not any(re.fullmatch(r"doc-\d+", n) or n.startswith(("role-", "fig-", "att-", "unit-", "measure-"))
                   for n in gexf.nodes)  # (doc-003-author is a person: the text's unnamed author)
    founded = [d for _, o, d in gexf.out_edges("linagora", data=True) if d["relation"] == "ekg:foundedBy"]
    assert {"alexandre-zapolsky", "michel-marie-maudet"} <= {o for _, o, d in gexf.out_edges("linagora", data=True)
                                                              if d["relation"] == "ekg:foundedBy"}
    assert all(d["documents"] >= 1 and d["inferred"] is False for d in founded)
    # a role, folded into an edge person → organisation with its title
    role = [d for d in gexf.get_edge_data("antoine-petit", "cnrs").values() if d["relation"] == "ekg:Role"]
    assert role and role[0]["title"] == "PDG of CNRS" and role[0]["via"] == "role-antoine-petit-cnrs-000"
    funding = [d for d in gexf.get_edge_data("anr", "llm4all").values() if d["relation"] == "ekg:Funding"]
    assert funding and funding[0]["documents"] == 1
    assert not any(d["inferred"] for _, _, d in gexf.edges(data=True))


def test_inferred_edges_are_marked(files: dict[str, Path]) -> None:
    plain, inferred = nx.read_gexf(files["gexf"]), nx.read_gexf(files["gexf-inferred"])
    added = [(s, o, d) for s, o, d in inferred.edges(data=True) if d["inferred"]]
    assert added and inferred.number_of_edges() == plain.number_of_edges() + len(added)
    assert all(d["documents"] == 0 for _, _, d in added)
    relations = {d["relation"] for _, _, d in added}
    assert "ekg:affiliatedWith" in relations or "ekg:subOrganisationOf" in relations
    # an inverse adds nothing its pair does not say: never both directions of one inferred pair
    pairs = {(s, d["relation"], o) for s, o, d in inferred.edges(data=True)}
    assert ("lix", "ekg:subOrganisationOf", "cnrs") in pairs or ("cnrs", "ekg:hasSubOrganisation", "lix") in pairs
    assert not (("lix", "ekg:subOrganisationOf", "cnrs") in pairs and ("cnrs", "ekg:hasSubOrganisation", "lix")
                in pairs)


def test_igraph_reads_the_graphml(files: dict[str, Path]) -> None:
    igraph = pytest.importorskip("igraph")
    graph = igraph.Graph.Read_GraphML(str(files["graphml"]))
    reference = nx.read_graphml(files["graphml"])
    assert graph.vcount() == reference.number_of_nodes() and graph.ecount() == reference.number_of_edges()
    assert graph.is_directed()
    names = graph.vs["id"]
    linagora = graph.vs[names.index("linagora")]
    assert linagora["label"] == "LINAGORA" and linagora["class"] == "SmallOrMediumEnterprise"
    relations = set(graph.es["relation"])
    assert {"ekg:foundedBy", "ekg:Role", "ekg:Funding"} <= relations


def test_graphology_reads_the_gexf(files: dict[str, Path]) -> None:
    node = shutil.which("node")
    if node is None or not (GRAPHOLOGY / "node_modules" / "graphology-gexf").is_dir():
        reason = "graphology-gexf not installed: bash scripts/install-graphology.sh (needs Node.js and npm)"
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)
    script = GRAPHOLOGY / "read-gexf.js"
    script.write_text(READ_GEXF_JS, encoding="utf-8")
    proc = subprocess.run([node, str(script), str(files["gexf"])], capture_output=True, text=True, timeout=120,
                          cwd=GRAPHOLOGY)
    assert proc.returncode == 0, proc.stderr[-2000:]
    read = json.loads(proc.stdout)
    reference = nx.read_gexf(files["gexf"])
    assert read["order"] == reference.number_of_nodes() and read["size"] == reference.number_of_edges()
    assert read["nodes"]["linagora"]["label"] == "LINAGORA"
    assert read["nodes"]["linagora"]["class"] == "SmallOrMediumEnterprise"
    role = [e for e in read["edges"] if e["source"] == "antoine-petit" and e["target"] == "cnrs"
            and e.get("relation") == "ekg:Role"]
    assert role and role[0]["title"] == "PDG of CNRS"


def test_same_graph_same_bytes(files: dict[str, Path], tmp_path: Path) -> None:
    again = tmp_path / "again.gexf"
    assert CliRunner().invoke(cli, ["export", "-o", str(again)]).exit_code == 0
    assert again.read_bytes() == files["gexf"].read_bytes()


def test_neighbourhood_on_the_server() -> None:
    from kg.serve.app import create_app
    from kg.serve.config import ServeConfig

    with TestClient(create_app(ServeConfig(threads=1))) as client:
        response = client.get("/graph/linagora.gexf")
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/gexf+xml")
        assert 'filename="linagora.gexf"' in response.headers["content-disposition"]
        path = Path(os.environ.get("TMPDIR", "/tmp")) / f"kg-test-{os.getpid()}.gexf"
        try:
            path.write_bytes(response.content)
            graph = nx.read_gexf(path)
        finally:
            path.unlink(missing_ok=True)
        assert "linagora" in graph and "alexandre-zapolsky" in graph
        assert all("linagora" in (s, o) or (s in graph and o in graph) for s, o in graph.edges())
        assert set(graph.nodes) <= {"linagora"} | set(graph.successors("linagora")) | \
            set(graph.predecessors("linagora"))
        assert client.get("/graph/linagora.graphml?inferred=1").status_code == 200
        assert client.get("/graph/no-such-thing.gexf").status_code == 404
        assert client.get("/graph/linagora").headers["content-type"].startswith("text/html")  # the page stays
