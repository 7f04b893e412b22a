"""`kg queries`, `kg query`, `kg sparql` through click's CliRunner: outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli.main import cli

MINI = Path(__file__).parent / "fixtures" / "mini"
REPO = Path(__file__).resolve().parent.parent
ENV = {"KG_QUERIES_DIR": str(MINI / "queries"), "KG_DATA_DIR": None, "KG_ENDPOINT": None,
       "KG_ENDPOINT_AUTH": None}
DATA = ["--data", str(MINI), "--no-cache"]


def kg(*args: str, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(cli, list(args), env={**ENV, **(env or {})}, input=input)


def assert_error(result, line: str, code: int = 2) -> None:
    assert result.exit_code == code, result.output
    assert result.stderr == f"Error: {line}\n"
    assert "Traceback" not in result.output


# -- kg queries ------------------------------------------------------------
def test_queries_table_and_json() -> None:
    result = kg("queries")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "SUMMARY", "PARAMETERS"]
    assert any(line.startswith("lab-parents") and "lab (iri, optional)" in line for line in lines)
    data = json.loads(kg("queries", "--format", "json").stdout)
    assert {d["name"] for d in data} >= {"lab-parents", "echo", "is-supervised"}
    assert [d["name"] for d in json.loads(kg("queries", "--tag", "labs", "--format", "json").stdout)] == \
        ["lab-parents"]


def test_queries_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from kg.cli.main import cli\n"
        "try:\n"
        "    cli(['queries'], standalone_mode=False)\n"
        "finally:\n"
        "    heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('rdflib', 'owlrl', 'pyshacl'))\n"
        "    print('HEAVY=' + ','.join(heavy))\n"
    )
    env = {**os.environ, "KG_QUERIES_DIR": str(MINI / "queries")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=REPO,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "lab-parents" in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "HEAVY="


def test_queries_malformed_file_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.rq").write_text("#+ summary: ok\n#+ param: x | number | optional | x\n"
                                        "SELECT ?x WHERE { }\n", encoding="utf-8")
    result = kg("queries", env={"KG_QUERIES_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "broken.rq:2: unknown parameter type 'number'" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# -- kg query ------------------------------------------------------------
def test_query_table_with_labels() -> None:
    result = kg("query", "lab-parents", *DATA, "--lang", "fr")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["lab", "parent"]
    assert lines[2].startswith("Laboratoire d'informatique de l'École polytechnique")
    assert lines[2].rstrip().endswith("CNRS")  # ORDER BY ?lab ?parent keeps cnrs before polytechnique
    assert lines[-1] == "(2 rows)"


def test_query_param_and_csv() -> None:
    result = kg("query", "lab-parents", *DATA, "-p", "lab=ekd:lix", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "lab,parent",
        "https://w3id.org/ecosystem-kg/id/lix,https://w3id.org/ecosystem-kg/id/cnrs",
        "https://w3id.org/ecosystem-kg/id/lix,https://w3id.org/ecosystem-kg/id/polytechnique",
    ]
    none = kg("query", "lab-parents", *DATA, "-p", "lab=ekd:cnrs", "--format", "csv")
    assert none.stdout.splitlines() == ["lab,parent"]


def test_query_default_and_typed_values() -> None:
    result = kg("query", "echo", *DATA, "--format", "json", "-p", "text=a \"quoted\" } text",
                "-p", "label=bonjour", "-p", "when=2024-02-29", "-p", "flag=1", "-p", "thing=ekd:lix")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["results"]["bindings"]
    assert row["text"] == {"type": "literal", "value": 'a "quoted" } text'}
    assert row["label"] == {"type": "literal", "value": "bonjour", "xml:lang": "fr"}
    assert row["n"]["value"] == "2"  # the declared default
    assert row["when"]["datatype"].endswith("#date")
    assert row["flag"]["value"] == "true"
    assert row["thing"] == {"type": "uri", "value": "https://w3id.org/ecosystem-kg/id/lix"}
    assert "x" not in row  # optional and not given: unbound


def test_query_ask_exit_codes() -> None:
    yes = kg("query", "is-supervised", *DATA, "-p", "lab=ekd:lix", "-p", "org=ekd:cnrs")
    assert (yes.exit_code, yes.stdout) == (0, "true\n")
    no = kg("query", "is-supervised", *DATA, "-p", "lab=ekd:lix", "-p", "org=ekd:linagora")
    assert (no.exit_code, no.stdout) == (1, "false\n")


def test_query_construct_formats() -> None:
    ttl = kg("query", "supervision-graph", *DATA)
    assert ttl.exit_code == 0
    assert "ekd:lix ekg:supervisedBy ekd:cnrs , ekd:polytechnique ." in ttl.stdout
    doc = json.loads(kg("query", "supervision-graph", *DATA, "--format", "jsonld").stdout)
    assert {n["@id"] for n in doc["@graph"]} == {"ekd:cnrs", "ekd:lix", "ekd:polytechnique"}
    assert_error(kg("query", "supervision-graph", *DATA, "--format", "csv"),
                 "--format csv: CONSTRUCT/DESCRIBE results print as turtle, jsonld, nt")


def test_query_reasoning_from_header_and_option(tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "units.rq").write_text("#+ summary: Research units\n#+ reasoning: rdfs\n"
                                      "SELECT ?u WHERE { ?u a ekg:ResearchUnit }\n", encoding="utf-8")
    env = {"KG_QUERIES_DIR": str(queries)}
    by_header = kg("query", "units", *DATA, "--format", "csv", env=env)
    assert by_header.exit_code == 0, by_header.output
    assert "https://w3id.org/ecosystem-kg/id/lix" in by_header.stdout  # a Laboratory, by subclass
    without = kg("query", "units", *DATA, "--format", "csv", "--reasoning", "none", env=env)
    assert "https://w3id.org/ecosystem-kg/id/lix" not in without.stdout


def test_unknown_query_suggests() -> None:
    assert_error(kg("query", "lab-parent", *DATA),
                 "unknown query 'lab-parent'; did you mean lab-parents or labels? (kg queries lists them)")


def test_parameter_errors() -> None:
    assert_error(kg("query", "is-supervised", *DATA, "-p", "lab=ekd:lix"),
                 "missing required parameter org (iri): add -p org=VALUE")
    assert_error(kg("query", "lab-parents", *DATA, "-p", "laboratory=ekd:lix"),
                 "unknown parameter laboratory (this query takes: lab)")
    assert_error(kg("query", "echo", *DATA, "-p", "n=many"),
                 "parameter n: 'many' is not an integer (e.g. 42)")
    assert_error(kg("query", "echo", *DATA, "-p", "when=2023-02-29"),
                 "parameter when: '2023-02-29' is not a valid calendar date YYYY-MM-DD")
    assert_error(kg("query", "lab-parents", *DATA, "-p", "lab=foo:bar"),
                 "parameter lab: unknown prefix 'foo' in 'foo:bar' (known prefixes: dcterms, doap, ekd, ekg, "
                 "foaf, org, owl, prov, rdf, rdfs, schema, sh, skos, time, xsd)")
    assert_error(kg("query", "lab-parents", *DATA, "-p", "lab"), "-p 'lab': write -p NAME=VALUE")


def test_query_with_syntax_error_names_file_and_position(tmp_path: Path) -> None:
    (tmp_path / "oops.rq").write_text("#+ summary: broken\nSELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    result = kg("query", "oops", *DATA, env={"KG_QUERIES_DIR": str(tmp_path)})
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert re.search(r"oops\.rq:\d+:\d+: query does not parse: ", result.stderr)
    assert len(result.stderr.splitlines()) == 1


def test_malformed_turtle_in_data_dir(tmp_path: Path) -> None:
    shutil.copytree(MINI / "ontology", tmp_path / "ontology")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "bad.ttl").write_text(
        "@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .\n\nekd:a ekd:b ekd:c\nekd:d ekd:e ekd:f .\n",
        encoding="utf-8")
    result = kg("query", "lab-parents", "--data", str(tmp_path), "--no-cache")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and "bad.ttl:4: " in line


# -- kg sparql ------------------------------------------------------------
def test_sparql_from_string_file_and_stdin(tmp_path: Path) -> None:
    text = "SELECT ?lab WHERE { ?lab a ekg:Laboratory }"
    expected = ["lab", "https://w3id.org/ecosystem-kg/id/lix"]
    assert kg("sparql", text, *DATA, "--format", "csv").stdout.splitlines() == expected
    path = tmp_path / "labs.rq"
    path.write_text(text, encoding="utf-8")
    assert kg("sparql", str(path), *DATA, "--format", "csv").stdout.splitlines() == expected
    assert kg("sparql", "-", *DATA, "--format", "csv", input=text).stdout.splitlines() == expected


def test_sparql_untyped_params_and_ask() -> None:
    result = kg("sparql", "SELECT ?l WHERE { ?s rdfs:label ?l }", *DATA, "-p", "s=ekd:polytechnique",
                "--format", "csv")
    assert result.stdout.splitlines() == ["l", "École polytechnique"]
    no = kg("sparql", "ASK { ekd:lix ekg:supervisedBy ekd:linagora }", *DATA)
    assert (no.exit_code, no.stdout) == (1, "false\n")


def test_sparql_parse_errors_name_origin(tmp_path: Path) -> None:
    result = kg("sparql", "SELECT ?s WHERE { ?s ?p }", *DATA)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: <query>:1:25: query does not parse: ")
    path = tmp_path / "bad.rq"
    path.write_text("SELECT ?s\nWHERE { ?s ?p }\n", encoding="utf-8")
    from_file = kg("sparql", str(path), *DATA)
    assert re.search(r"bad\.rq:\d+:\d+: query does not parse: ", from_file.stderr)
    stdin = kg("sparql", "-", *DATA, input="SELEC ?s")
    assert stdin.stderr.startswith("Error: <stdin>:1:")
    missing = tmp_path / "missing.rq"
    assert_error(kg("sparql", str(missing), *DATA), f"{missing}: no such query file")


def test_endpoint_unreachable_is_one_line() -> None:
    port = _free_port()
    result = kg("query", "lab-parents", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "2")
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output


def test_help_has_examples() -> None:
    for command in ("queries", "query", "sparql"):
        result = kg(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout and f"kg {command}" in result.stdout


# -- against a real server ------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(binary).exists():
        pytest.skip("the oxigraph server binary is not installed")
    port = _free_port()
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("ox")),
                             "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        from kg.shared.namespaces import GRAPH_DATA, GRAPH_ONTOLOGY

        for graph, folder in ((GRAPH_ONTOLOGY, "ontology"), (GRAPH_DATA, "data")):
            body = b"".join(p.read_bytes() + b"\n" for p in sorted((MINI / folder).glob("*.ttl")))
            # prefixes repeat across files, which Turtle allows
            request = urllib.request.Request(f"{base}/store?graph={graph}", data=body, method="POST",
                                             headers={"Content-Type": "text/turtle"})
            urllib.request.urlopen(request, timeout=10)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.server
def test_query_at_endpoint_matches_local(oxigraph_server: str) -> None:
    local = kg("query", "lab-parents", *DATA, "--lang", "fr")
    remote = kg("query", "lab-parents", "--endpoint", oxigraph_server + "/query", "--lang", "fr",
                "--auth", "none")
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout  # same rows, same labels (looked up at the endpoint)
    csv = kg("query", "lab-parents", "-p", "lab=ekd:lix", "--format", "csv",
             "--endpoint", oxigraph_server + "/query", "--auth", "none")
    assert csv.stdout == kg("query", "lab-parents", *DATA, "-p", "lab=ekd:lix", "--format", "csv").stdout


@pytest.mark.parametrize("command", [["query", "lab-parents"], ["validate"], ["export"], ["stats"],
                                     ["explain", "ekd:a", "ekg:b", "ekd:c"]])
def test_malformed_turtle_in_the_ontology_names_file_and_line(tmp_path: Path, command: list[str]) -> None:
    shutil.copytree(MINI / "data", tmp_path / "data")
    shutil.copytree(MINI / "ontology", tmp_path / "ontology")
    if not list((tmp_path / "ontology").glob("*shapes.ttl")):
        shutil.copy(Path(__file__).parent.parent / "ontology" / "shapes.ttl", tmp_path / "ontology")
    (tmp_path / "ontology" / "broken.ttl").write_text(
        "@prefix ekg: <https://w3id.org/ecosystem-kg/ontology#> .\nekg:A a ekg:B ;\n", encoding="utf-8")
    result = kg(*command, "--data", str(tmp_path), "--no-cache")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and "ontology/broken.ttl:" in line
    assert "Traceback" not in result.output
