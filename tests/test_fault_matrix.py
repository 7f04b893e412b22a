"""The fault matrix of issue 13: hostile input meets `kg`, and `kg` answers with one line `Error: …` and exit
2 (or does the right thing), never a traceback, a hang, or lost data.

Sections: parameters (injection payloads bound as plain literals, bad types, invalid UTF-8, empty queries),
command lines (usage errors as one line, help and completion), tables, SERVICE clauses, load (a server that
never answers, refused connections, abandoned staging graphs), and one test that runs every `kg` command with
hostile arguments. Cache, data and export cases live in test_fault_matrix_cache.py.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from servers import oxigraph_server  # noqa: F401

from kg.cli.commands import COMMAND_MODULES, load_command
from kg.cli.main import cli

MINI = Path(__file__).parent / "fixtures" / "mini"
KG = Path(sys.executable).parent / "kg"  # the installed console script (fast path included)
BAD_BYTES = "\udcff\udcfe"  # b'\xff\xfe' on a command line, as Python's surrogateescape hands it over


@pytest.fixture()
def mini_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every command on the tiny fixture graph with its own queries; nothing remote."""
    monkeypatch.setenv("KG_DATA_DIR", str(MINI))
    monkeypatch.setenv("KG_QUERIES_DIR", str(MINI / "queries"))
    for name in ("KG_ENDPOINT", "KG_ENDPOINT_AUTH", "KG_STORE_USER", "KG_STORE_PASSWORD", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    return {k: v for k, v in os.environ.items()}


def run(*args: str, input: bytes | str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, prog_name="kg")


def assert_one_line_error(result: Result, *contains: str, code: int = 2) -> str:
    """Exit `code`, stderr is one line `Error: …` (holding each of `contains`), and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for text in contains:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def script(*args: str | bytes, input: bytes | None = None, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """The installed `kg` as a user runs it: arguments as raw bytes (os.fsencode keeps invalid UTF-8)."""
    argv = [os.fsencode(a) if isinstance(a, str) else a for a in args]
    return subprocess.run([str(KG), *argv], input=input, capture_output=True, env=env, timeout=timeout)


def assert_script_one_line_error(done: subprocess.CompletedProcess[bytes], *contains: str) -> str:
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, (done.returncode, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    for text in contains:
        assert text in lines[0], (text, lines[0])
    return lines[0]


# == parameters ===============================================================================================

INJECTIONS = [
    '"} ; DROP ALL ; SELECT * WHERE {"',
    "'} UNION { ?s ?p ?o } #",
    "x> . ?s ?p ?o . <y",
    "\" ) } } INSERT DATA { <a:b> <c:d> <e:f> } #",
    "\\\" }",
    "${text} ?text $text",
    "line one\nline two\r\nthree",
    "<script>alert(1)</script>",
    "🙂 ∀ é \u200b",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_payloads_are_bound_as_plain_literals(mini_env: dict[str, str], payload: str) -> None:
    result = run("query", "echo", "-p", f"text={payload}", "--format", "json")
    assert result.exit_code == 0, result.output
    bindings = json.loads(result.stdout)["results"]["bindings"]
    assert len(bindings) == 1  # one row: the payload changed nothing in the query's shape
    assert bindings[0]["text"] == {"type": "literal", "value": payload}


def test_injection_payloads_in_ad_hoc_queries_are_literals_too(mini_env: dict[str, str]) -> None:
    """Without a header, `<…>` means an IRI: one that is not valid is an error naming the parameter."""
    for payload in INJECTIONS:
        result = run("sparql", "SELECT ?v WHERE { }", "-p", f"v={payload}", "--format", "json")
        if payload.startswith("<"):
            assert_one_line_error(result, "parameter v: not a valid IRI")
            continue
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["results"]["bindings"] == [{"v": {"type": "literal", "value": payload}}]


@pytest.mark.parametrize(("assignment", "message"), [
    ("n=abc", "parameter n: 'abc' is not an integer"),
    ("n=1.5", "parameter n: '1.5' is not an integer"),
    ("x=1e9999x", "parameter x: '1e9999x' is not a decimal number"),
    ("when=2024-02-30", "parameter when: '2024-02-30' is not a valid calendar date"),
    ("flag=maybe", "parameter flag: 'maybe' is not a boolean"),
    ("thing=not an iri", "parameter thing: not an IRI or prefixed name"),
    ("thing=<javascript:alert(1) >", "parameter thing:"),
    ("name=Paris", "parameter name: a language-tagged string is expected"),
    ("nosuch=1", "unknown parameter nosuch"),
    ("=1", "-p '=1': write -p NAME=VALUE"),
    ("no-equals-sign", "write -p NAME=VALUE"),
    ("n=1", None),
])
def test_ill_typed_values_name_the_parameter(mini_env: dict[str, str], assignment: str, message: str | None) -> None:
    result = run("query", "echo", "-p", assignment)
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert_one_line_error(result, message)


def test_a_parameter_given_twice_is_an_error(mini_env: dict[str, str]) -> None:
    assert_one_line_error(run("query", "echo", "-p", "n=1", "-p", "n=2"), "parameter n is given twice")


def test_invalid_utf8_in_a_parameter_value_is_one_line(mini_env: dict[str, str]) -> None:
    line = assert_one_line_error(run("query", "echo", "-p", f"text=ab{BAD_BYTES}"),
                                 "parameter text: the value is not valid UTF-8")
    assert r"b'\xff\xfe'" in line
    assert_one_line_error(run("sparql", "SELECT ?v {}", "-p", f"v={BAD_BYTES}"), "parameter v:", "UTF-8")
    assert_one_line_error(run("query", "echo", "-p", f"te{BAD_BYTES}xt=1"), "parameter name is not valid UTF-8")


def test_invalid_utf8_in_a_parameter_value_through_the_console_script(mini_env: dict[str, str]) -> None:
    """`kg query` takes the launcher's fast path (no click): the same one line."""
    done = script("query", "echo", "-p", b"text=\xff\xfe")
    assert_script_one_line_error(done, "parameter text: the value is not valid UTF-8", r"b'\xff\xfe'")
    done = script("sparql", "SELECT ?v {}", "-p", b"v=\xff")  # through click
    assert_script_one_line_error(done, "parameter v: the value is not valid UTF-8")


def test_invalid_utf8_in_a_query_name_or_text(mini_env: dict[str, str]) -> None:
    assert_one_line_error(run("query", f"echo{BAD_BYTES}"), "the query name is not valid UTF-8")
    assert_one_line_error(run("sparql", f'SELECT * {{ ?s ?p "{BAD_BYTES}" }}'), "the query is not valid UTF-8")
    assert_script_one_line_error(script("query", b"\xff"), "the query name is not valid UTF-8")


def test_invalid_utf8_on_stdin(mini_env: dict[str, str]) -> None:
    line = assert_one_line_error(run("sparql", "-", input=b"SELECT * WHERE {\n ?s ?p \"\xff\xfe\" }"),
                                 "<stdin>:2: not valid UTF-8")
    assert "0xff" in line
    done = script("sparql", "-", input=b"ASK { \xc3\x28 }")
    assert_script_one_line_error(done, "<stdin>:1: not valid UTF-8 (byte 0xc3 at offset 6)")


def test_invalid_utf8_in_a_query_file_is_named(mini_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_bytes(b"SELECT * WHERE { ?s ?p \"\xff\" }")
    assert_one_line_error(run("sparql", str(path)), "bad.rq: cannot read")


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_says_so(mini_env: dict[str, str], query: str) -> None:
    assert_one_line_error(run("sparql", query), "empty query: give SPARQL text, a query file (.rq) or - to read stdin")


def test_an_empty_query_on_stdin_says_so(mini_env: dict[str, str]) -> None:
    assert_one_line_error(run("sparql", "-", input=b""), "<stdin>: empty query")
    assert_one_line_error(run("query", ""), "empty query name")


def test_a_missing_query_file_is_named(mini_env: dict[str, str]) -> None:
    assert_one_line_error(run("sparql", "no/such/file.rq"), "no/such/file.rq: no such query file")


# == command lines ============================================================================================

@pytest.mark.parametrize(("args", "message"), [
    (["query", "lab-parents", "--lang", "de"],
     "Error: Invalid value for '--lang': 'de' is not one of 'fr', 'en'. (see 'kg query --help')"),
    (["query", "lab-parents", "--format", "pdf"], "Invalid value for '--format': 'pdf' is not one of"),
    (["query"], "Error: Missing argument 'NAME'. (see 'kg query --help')"),
    (["query", "lab-parents", "--bogus"], "Error: No such option '--bogus'."),
    (["query", "lab-parents", "--lang"], "Option '--lang' requires an argument."),
    (["nosuch"], "Error: No such command 'nosuch'. (see 'kg --help')"),
    (["export", "--format", "doc"], "Invalid value for '--format'"),
    (["load", "http://127.0.0.1:1", "--deadline", "0"], "Invalid value for '--deadline'"),
    (["load", "http://127.0.0.1:1", "--timeout", "soon"], "Invalid value for '--timeout'"),
    (["cache", "nosuch"], "No such command 'nosuch'. (see 'kg cache --help')"),
    (["validate", "extra"], "Got unexpected extra argument (extra)"),
    (["explain", "a", "b"], "Missing argument 'OBJECT'."),
])
def test_usage_errors_are_one_line(mini_env: dict[str, str], args: list[str], message: str) -> None:
    line = assert_one_line_error(run(*args), message)
    assert "Usage:" not in line


def test_usage_errors_are_one_line_through_the_console_script(mini_env: dict[str, str]) -> None:
    done = script("query", "lab-parents", "--lang", "de")  # the fast path declines, click answers
    assert_script_one_line_error(done, "Invalid value for '--lang': 'de' is not one of 'fr', 'en'.")
    assert_script_one_line_error(script("stats", "--format", "xml"), "Invalid value for '--format'")


def test_kg_alone_prints_its_help(mini_env: dict[str, str]) -> None:
    result = run()
    assert result.exit_code == 0 and result.stdout.startswith("Usage: kg [OPTIONS] COMMAND")
    result = run("cache")
    assert result.exit_code == 0 and "info" in result.stdout and "clear" in result.stdout


def test_query_help_describes_that_query(mini_env: dict[str, str]) -> None:
    result = run("query", "echo", "--help")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Usage: kg query echo [-p NAME=VALUE]... [OPTIONS]")
    assert "Returns its parameters, one row (for testing parameter binding)" in out
    assert "  n      integer, default=2" in out and "e.g. -p n=42" in out  # type and a placeholder example
    assert "e.g. Paris@fr" in out  # the example its description gives is kept, not repeated
    assert "label  string@fr, optional" in out
    assert "kg query echo --format csv" in out
    lab = run("query", "--lang", "fr", "lab-parents", "-h").stdout
    assert "Lists every research unit with the institutions that supervise it" in lab
    assert "kg query lab-parents -p lab=ekd:lix" in lab  # the example from the description
    generic = run("query", "--help").stdout
    assert generic.startswith("Usage: kg query [OPTIONS] NAME") and "--format" in generic
    done = script("query", "echo", "--help")  # the console script leaves --help to click
    assert done.returncode == 0 and done.stdout.decode() == out


def test_query_help_of_an_unknown_query_is_one_line(mini_env: dict[str, str]) -> None:
    assert_one_line_error(run("query", "lab-parent", "--help"), "unknown query 'lab-parent'", "lab-parents")


def _complete(words: str, env: dict[str, str], shell: str = "bash") -> list[str]:
    parts = words.split(" ")
    done = subprocess.run([str(KG)], capture_output=True, text=True, timeout=60, env={
        **env, "_KG_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_through_the_console_script(mini_env: dict[str, str]) -> None:
    assert _complete("kg qu", mini_env) == ["plain,queries", "plain,query"]
    assert _complete("kg query lab", mini_env) == ["plain,lab-parents", "plain,labels"]
    assert _complete("kg query echo -p ", mini_env) == [
        f"plain,{name}=" for name in ("text", "label", "name", "n", "x", "when", "flag", "thing")]
    assert _complete("kg query echo --lang fr -p fl", mini_env) == ["plain,flag="]
    assert _complete("kg query nosuch -p ", mini_env) == []
    source = subprocess.run([str(KG)], capture_output=True, text=True, timeout=60,
                            env={**mini_env, "_KG_COMPLETE": "bash_source"})
    assert source.returncode == 0 and "_kg_completion()" in source.stdout


def test_zsh_completion_shows_summaries(mini_env: dict[str, str]) -> None:
    out = subprocess.run([str(KG)], capture_output=True, text=True, timeout=60, env={
        **mini_env, "_KG_COMPLETE": "zsh_complete", "COMP_WORDS": "kg query is", "COMP_CWORD": "2"}).stdout
    assert out.splitlines() == ["plain", "is-supervised", "Is a unit supervised by an institution?"]


# == tables ===================================================================================================

def _long_label_data(tmp_path: Path) -> Path:
    root = tmp_path / "graph"
    (root / "data").mkdir(parents=True)
    (root / "ontology").mkdir()
    (root / "ontology" / "mini.ttl").write_bytes((MINI / "ontology" / "mini.ttl").read_bytes())
    long = "A very long label " * 20
    (root / "data" / "long.ttl").write_text(
        "@prefix ekd: <https://w3id.org/ecosystem-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'ekd:thing rdfs:label "{long.strip()}"@en .\n', encoding="utf-8")
    return root


def test_tables_fit_the_terminal_and_keep_full_values_when_piped(mini_env: dict[str, str], tmp_path: Path) -> None:
    from kg.answers.query import answer_ad_hoc

    data = str(_long_label_data(tmp_path))
    query = "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label }"
    fitted = answer_ad_hoc(query, data_dir=data, use_cache=False, width=60).text
    assert max(len(line) for line in fitted.splitlines()) <= 60
    assert "…" in fitted
    whole = answer_ad_hoc(query, data_dir=data, use_cache=False).text
    assert ("A very long label " * 20).strip() in whole and "…" not in whole
    for fmt in ("csv", "tsv", "json", "xml", "jsonl", "md"):
        text = answer_ad_hoc(query, data_dir=data, use_cache=False, fmt=fmt, width=60).text
        assert "…" not in text and "A very long label A very long label" in text, fmt


def test_the_catalogue_fits_the_terminal_on_a_tty(mini_env: dict[str, str]) -> None:
    """On a pseudo-terminal of 60 columns `kg queries` fits; piped it prints every summary whole."""
    import pty

    piped = script("queries", env={**mini_env, "COLUMNS": "60"}).stdout.decode()
    assert "Returns its parameters, one row (for testing parameter binding)" in piped
    assert max(len(line) for line in piped.splitlines()) > 60
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([str(KG), "queries"], stdout=follower, stderr=subprocess.PIPE, timeout=60,
                              env={**mini_env, "COLUMNS": "60"})
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    shown = b"".join(chunks).decode().replace("\r\n", "\n")
    assert done.returncode == 0, done.stderr
    assert shown.startswith("NAME") and max(len(line) for line in shown.splitlines()) <= 60
    assert "…" in shown


def test_messages_are_one_line_and_cut_huge_arguments() -> None:
    from kg.shared.errors import KEPT, one_line

    assert one_line("a\nb\r\nc") == "a b c"
    cut = one_line("no entity is labelled '" + "x" * 5000 + "' (kg describe)")
    assert cut == "no entity is labelled '" + "x" * (KEPT - 1) + "…' (kg describe)"
    iri = "<https://w3id.org/ecosystem-kg/graph/" + "a" * 200 + ".staging-0123456789ab-until-1796318171>"
    assert one_line(f"nothing about {iri}") == f"nothing about {iri}"  # ordinary IRIs stay whole


def test_fit_widths_shrinks_the_widest_columns_first() -> None:
    from kg.output.columns import clip, fit_widths

    assert fit_widths([10, 50, 30], None) == [10, 50, 30]
    assert fit_widths([10, 50, 30], 200) == [10, 50, 30]
    assert fit_widths([10, 50, 30], 54) == [10, 20, 20]  # 54 - 4 separator columns = 50
    assert fit_widths([10, 50, 30], 10) == [6, 6, 6]  # never below the minimum, even if it overflows
    assert clip("abcdef", 4) == "abc…" and clip("abc", 4) == "abc"


# == SERVICE clauses ==========================================================================================

def _refused_port() -> int:
    """A local port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_service_at_a_refused_port_is_one_line(mini_env: dict[str, str]) -> None:
    port = _refused_port()
    url = f"http://127.0.0.1:{port}/sparql"
    result = run("sparql", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert_one_line_error(result, f"SERVICE <{url}>: cannot query it: connection refused")
    done = script("sparql", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert_script_one_line_error(done, f"SERVICE <{url}>: cannot query it: connection refused")


def test_a_service_on_a_reserved_port_or_an_unknown_scheme_is_one_line(mini_env: dict[str, str]) -> None:
    assert_one_line_error(run("sparql", "SELECT * { SERVICE <http://127.0.0.1:1/q> { ?s ?p ?o } }"),
                          "SERVICE <http://127.0.0.1:1/q>: cannot query it")
    assert_one_line_error(run("sparql", "ASK { SERVICE <ftp://127.0.0.1/q> { ?s ?p ?o } }"),
                          "SERVICE <ftp://127.0.0.1/q>: cannot query it")
    assert_one_line_error(run("sparql", "SELECT * { SERVICE ?where { ?s ?p ?o } }"), "query failed:")


def test_several_services_are_all_named(mini_env: dict[str, str]) -> None:
    a, b = (f"http://127.0.0.1:{_refused_port()}/{n}" for n in "ab")
    result = run("sparql", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{a}> {{ ?s ?p ?o }} "
                           f"SERVICE SILENT <{b}> {{ ?s ?p ?o }} }}")
    assert_one_line_error(result, f"one of the SERVICE clauses (<{a}>, <{b}>)", "connection refused")


@pytest.mark.parametrize("form", ["SELECT *", "ASK", "CONSTRUCT { ?s ?p ?o }"])
def test_a_service_that_never_answers_is_bounded_by_timeout(mini_env: dict[str, str], silent_server: SilentServer,
                                                          form: str) -> None:
    url = f"http://127.0.0.1:{silent_server.port}/sparql"
    started = time.monotonic()
    result = run("sparql", f"{form} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", "--timeout", "1")
    assert time.monotonic() - started < 1 + 1 + 3  # the wait, the syntax check's, and slack
    assert_one_line_error(result, f"SERVICE <{url}>: no answer within 1 s (--timeout sets how long to wait)")


def _interruptible() -> None:
    """In the child: Ctrl-C as at a terminal. A suite started in the background (`./scripts/test.sh &`, or by a
    runner that does so) passes SIGINT down ignored, and Python then never turns it into KeyboardInterrupt."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("how", ["fast path", "click"])
def test_ctrl_c_while_waiting_is_not_a_traceback(mini_env: dict[str, str], silent_server: SilentServer,
                                                 tmp_path: Path, how: str) -> None:
    import signal

    queries = tmp_path / "queries"
    queries.mkdir()
    url = f"http://127.0.0.1:{silent_server.port}/sparql"
    (queries / "remote.rq").write_text(
        f"#+ summary: Waits forever\nSELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}\n")
    args = ["query", "remote"] if how == "fast path" else ["query", "remote", "--timeout", "60"]
    process = subprocess.Popen([str(KG), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**mini_env, "KG_QUERIES_DIR": str(queries)}, preexec_fn=_interruptible)
    deadline = time.monotonic() + 30
    while not silent_server.accepted and time.monotonic() < deadline:  # wait until it is stuck on the service
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "Traceback" not in err.decode() and err.decode().strip() == "Aborted!"


def test_service_silent_still_answers(mini_env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{_refused_port()}/sparql"
    result = run("sparql", f"ASK {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}")
    assert result.exit_code == 0 and result.stdout == "true\n", result.output


# == load =====================================================================================================

class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection and never answers a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)  # held open, never read from nor written to

    def close(self) -> None:
        self.sock.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture()
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.mark.parametrize("store", [[], ["--store", "oxigraph"]])
def test_load_to_a_server_that_never_answers_gives_up_at_the_deadline(
        mini_env: dict[str, str], silent_server: SilentServer, store: list[str]) -> None:
    base = f"http://127.0.0.1:{silent_server.port}"
    started = time.monotonic()
    result = run("load", base, *store, "--no-cache", "--deadline", "3")
    elapsed = time.monotonic() - started
    assert elapsed < 3 + 2.5, elapsed  # the deadline bounds the whole command (plus interpreter slack)
    assert silent_server.accepted  # it did connect: this is the server that never answers
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"Waiting for {base}") and "(--deadline)" not in lines[0]  # what it waits for
    assert "--deadline" in lines[0]
    error = lines[-1]
    assert result.exit_code == 2 and error.startswith("Error: ")
    assert "the deadline of 3 s passed (--deadline); live graphs unchanged" in error
    if not store:  # stuck on the probe: nothing was sent, and it says so
        assert error.startswith(f"Error: probe of the server: gave up waiting for {base}")
        assert error.endswith("; nothing was written")
    else:  # stuck on the first upload: the staging graph may exist, and it says that much, no more
        assert error.startswith(f"Error: upload of the ontology graph: gave up waiting for {base}/store")
        assert "could not drop the staging graphs, which may remain" in error
        assert ".staging-" in error and "-until-" in error
    assert "Traceback" not in result.output


def test_load_deadline_through_the_console_script(mini_env: dict[str, str], silent_server: SilentServer) -> None:
    started = time.monotonic()
    done = script("load", f"http://127.0.0.1:{silent_server.port}", "--no-cache", "--deadline", "2")
    assert time.monotonic() - started < 2 + 4
    err = done.stderr.decode()
    assert done.returncode == 2 and err.splitlines()[-1].startswith("Error: probe of the server: gave up")


def test_a_refused_connection_never_claims_a_staging_graph(mini_env: dict[str, str]) -> None:
    result = run("load", f"http://127.0.0.1:{_refused_port()}", "--store", "oxigraph", "--no-cache")
    line = assert_one_line_error(result, "upload of the ontology graph: cannot reach", "connection refused")
    assert line.endswith("; live graphs unchanged; nothing was written")
    assert "staging" not in line


def test_a_remote_query_to_a_server_that_never_answers_is_bounded(mini_env: dict[str, str],
                                                                   silent_server: SilentServer) -> None:
    url = f"http://127.0.0.1:{silent_server.port}/query"
    started = time.monotonic()
    result = run("query", "lab-parents", "--endpoint", url, "--timeout", "1.5")
    assert time.monotonic() - started < 1.5 + 3  # not four tries of 1.5 s each, plus backoff
    assert_one_line_error(result, f"query: gave up waiting for {url}: no answer within 1.5 s (--timeout)")


def test_the_deadline_cuts_retries_short() -> None:
    from kg.shared.errors import StoreError
    from kg.stores.http import DeadlineExceeded, HttpClient

    port = _refused_port()
    client = HttpClient(timeout=30, backoff=10)  # unbounded, four tries would sleep 10 + 20 + 40 s
    client.set_deadline(1.0)
    started = time.monotonic()
    with pytest.raises(StoreError) as err:
        client.send("GET", f"http://127.0.0.1:{port}/", what="probe")
    assert time.monotonic() - started < 3
    assert isinstance(err.value, DeadlineExceeded) and not err.value.reached  # nothing was ever sent


def test_stale_staging_graphs_are_recognised_only_by_kg_form() -> None:
    from kg.stores.load import STALE_AFTER, staging_iri, staging_token, stale_staging

    live, now = "http://example.org/g/data", time.time()
    past = staging_iri(live, staging_token(now - STALE_AFTER - 10))
    recent = staging_iri(live, staging_token(now - 10))
    legacy = staging_iri(live, "0123456789ab")
    assert stale_staging(live, past, now) is True
    assert stale_staging(live, recent, now) is False  # its load may still be running (or its clock skewed)
    assert stale_staging(live, legacy, now) is None  # no deadline in its name: nothing proves it abandoned
    for other in (live, live + ".staging-mine", live + "x.staging-0123456789ab-until-1000000000",
                  past.replace("/data", "/ontology"), past + "-x"):
        assert stale_staging(live, other, now) is None


@pytest.mark.server
def test_a_successful_load_drops_abandoned_staging_graphs(
        mini_env: dict[str, str], oxigraph_server, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    import secrets

    from kg.stores.http import HttpClient
    from kg.stores.load import STALE_AFTER, staging_iri, staging_token

    monkeypatch.delenv("KG_DATA_DIR")
    base = f"http://example.org/kg-fault/{secrets.token_hex(4)}/"
    live = {part: base + part for part in ("ontology", "data", "inferred")}
    now = time.time()
    abandoned = [staging_iri(live["data"], staging_token(now - STALE_AFTER - 60)),
                 staging_iri(live["ontology"], staging_token(now - 86400))]
    running = staging_iri(live["data"], staging_token(now + 600))  # another load, still within its deadline
    legacy = staging_iri(live["data"], "0123456789ab")  # an older kg's: no deadline in the name
    unrelated = base + "data-archive"
    graphs = [*abandoned, running, legacy, unrelated]
    client = HttpClient(timeout=30)
    update = "INSERT DATA { " + " ".join(f"GRAPH <{g}> {{ <urn:x> <urn:y> <urn:z> }}" for g in graphs) + " }"
    client.send("POST", oxigraph_server.base_url + "/update", what="setup", data=update.encode(),
                headers={"Content-Type": "application/sparql-update"})

    args = [oxigraph_server.base_url, "--store", "oxigraph", "--no-cache", "--data", str(MINI)]
    for part, iri in live.items():
        args += [f"--graph-{part}", iri]
    result = run("load", *args)
    assert result.exit_code == 0, result.output
    for graph in abandoned:
        assert f"staging   <{graph}>  abandoned by an earlier load, dropped" in result.stdout
    for graph in (legacy, running):  # nothing proves these abandoned: left alone, and said so
        assert f"Note: <{graph}> looks like a staging graph, but nothing shows its load is over" in result.stderr
    assert unrelated not in result.output

    found = client.send("POST", oxigraph_server.base_url + "/query", what="check", headers={
        "Accept": "application/sparql-results+json"}, data={
        "query": f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{base}")) }}'})
    left = {row["g"]["value"] for row in found.json()["results"]["bindings"]}
    assert left == {live["ontology"], live["data"], running, legacy, unrelated}


# == every command, hostile arguments =========================================================================

# A path nothing can be created under, even by root (a regular file stands where a folder would be): a command
# given it as an output must fail cleanly, never write outside the test's folders.
NO_SUCH = "/proc/version/kg-fault"
HOSTILE_VALUES = ["", " ", "x" * 20_000, BAD_BYTES, f"a{BAD_BYTES}b", "-", "--", NO_SUCH + "/file.rq",
                  "'; DROP ALL; #", "<>", "ekd:", "\x00", "\n"]
# A plausible value for each positional argument, so that options are reached (and nothing remote is).
FILLERS = {"query": ["lab-parents"], "sparql": ["ASK {}"], "describe": ["ekd:lix"],
           "explain": ["ekd:lix", "ekg:supervisedBy", "ekd:cnrs"], "load": [""]}


def _leaf_commands() -> list[tuple[list[str], click.Command]]:
    """Every command a user can run, from kg.cli.commands (so a new command is covered without a change
    here), subcommands of groups included."""
    out: list[tuple[list[str], click.Command]] = []

    def walk(path: list[str], command: click.Command) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk([*path, name], sub)
        else:
            out.append((path, command))

    for name, _, _ in COMMAND_MODULES:
        command = load_command(name)
        assert command is not None, name
        walk([name], command)
    return out


def _hostile_command_lines(path: list[str], command: click.Command) -> list[list[str]]:
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    options = [p for p in command.params if isinstance(p, click.Option)]
    filler = FILLERS.get(path[0], ["x"] * len(arguments))[: len(arguments)]
    lines: list[list[str]] = [[], ["--no-such-option"], ["--help"], [*filler, "--no-such-option=1"]]
    for value in HOSTILE_VALUES:
        lines.append([value] * max(1, len(arguments)))
        if len(arguments) > 1:
            lines.append([*filler[:-1], value])
    for option in options:
        name = max(option.opts, key=len)
        if option.is_flag:
            lines.append([*filler, f"{name}=1"])
            continue
        lines.append([*filler, name])  # the value is missing
        if isinstance(option.type, click.Choice):
            lines.append([*filler, name, "bogus"])
        for value in ("", BAD_BYTES, NO_SUCH, "-1"):
            lines.append([*filler, name, value])
    return [[*path, *line] for line in lines]


def _assert_clean(result: Result, args: list[str]) -> None:
    shown = [a[:40] for a in args]
    assert result.exception is None or isinstance(result.exception, SystemExit), (shown, result.exception)
    assert result.exit_code in (0, 1, 2), (shown, result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output, (shown, result.output[-2000:])
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and result.stderr.splitlines()[-1] == errors[0], (shown, result.stderr[-1000:])
        assert len(errors[0]) < 400, (shown, errors[0][:500])  # a huge argument is not echoed whole


def test_every_command_with_hostile_arguments(mini_env: dict[str, str], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)  # anything a command writes by mistake lands here

    def serve_and_stop_at_once(config: object, sock: socket.socket) -> None:
        sock.close()  # `kg serve` got as far as serving: as if Ctrl-C came at once

    monkeypatch.setattr("kg.serve.prefork.supervise", serve_and_stop_at_once)
    commands = _leaf_commands()
    assert {"query", "sparql", "load", "export"} <= {path[0] for path, _ in commands}
    runner = CliRunner()
    seen = 0
    for path, command in commands:
        for args in _hostile_command_lines(path, command):
            if args == ["cache", "clear"]:
                continue  # a plain `kg cache clear` is a legitimate command: covered by the cache tests
            result = runner.invoke(cli, args, input=b"\xff\xfe not a query", prog_name="kg")
            _assert_clean(result, args)
            seen += 1
    assert seen > 300


SCRIPT_SAMPLE: list[list[str | bytes]] = [
    ["query", "lab-parents", "-p", b"lab=\xff\xfe"],  # fast path
    ["query", b"\xff"],  # fast path
    ["query", "lab-parents", "--lang", "de"],  # the fast path declines: click
    ["query", ""],
    ["sparql", ""],
    ["sparql", "x" * 20_000],
    ["describe", b"\xffLIX"],
    ["explain", "ekd:lix", b"ekg:\xff", "ekd:cnrs"],
    ["export", "--format", "bogus"],
    ["export", "-o", NO_SUCH + "/out.ttl"],
    ["stats", "--data", NO_SUCH],
    ["validate", "--data", b"/nonexistent/\xff"],
    ["load", ""],
    ["load", b"http://127.0.0.1:1/\xff"],
    ["cache", "--no-such-option"],
    ["--no-such-option"],
]


@pytest.mark.parametrize("args", SCRIPT_SAMPLE, ids=lambda a: " ".join(
    (x.decode("utf-8", "replace") if isinstance(x, bytes) else x)[:30] for x in a))
def test_hostile_arguments_through_the_console_script(mini_env: dict[str, str], args: list[str | bytes]) -> None:
    done = script(*args, input=b"\xff")
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode in (0, 1, 2), (done.returncode, err)
    assert "Traceback" not in err
    if done.returncode == 2:
        assert err.splitlines()[-1].startswith("Error: "), err
        assert sum(line.startswith("Error: ") for line in err.splitlines()) == 1, err


def test_ctrl_c_handed_to_the_query_thread_still_stops_the_wait(tmp_path: Path) -> None:
    """The kernel may hand a Ctrl-C to any thread: one given to the worker stuck on a silent SERVICE must still
    end the main thread's wait at once, not when the whole timeout has passed (CI saw a 60 s hang)."""
    script_file = tmp_path / "sig.py"
    script_file.write_text(
        "import socket, threading, time, signal\n"
        "import pyoxigraph as ox\n"
        "from kg.query.catalog import run_bounded\n"
        "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(5); conns = []\n"
        "threading.Thread(target=lambda: [conns.append(srv.accept()) for _ in range(5)], daemon=True).start()\n"
        "url = f'http://127.0.0.1:{srv.getsockname()[1]}/sparql'\n"
        "def later():\n"
        "    while not conns: time.sleep(0.01)\n"
        "    worker = next(t for t in threading.enumerate() if t.name == 'kg-query')\n"
        "    signal.pthread_kill(worker.ident, signal.SIGINT)\n"
        "threading.Thread(target=later, daemon=True).start()\n"
        "started = time.monotonic()\n"
        "try:\n"
        "    run_bounded(lambda: list(ox.Store().query(f'SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }}')), 30,\n"
        "                lambda: None)\n"
        "    print('returned', time.monotonic() - started)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', time.monotonic() - started)\n")
    done = subprocess.run([sys.executable, str(script_file)], capture_output=True, text=True, timeout=60,
                          preexec_fn=_interruptible)
    word, seconds = done.stdout.split()
    assert word == "interrupted" and float(seconds) < 5, done.stdout + done.stderr


# == issue 25: a full standard output, numbers, empty paths, search text ==========================================
FULL_STDOUT_COMMANDS = [
    ["queries"], ["query", "lab-parents"], ["sparql", "SELECT * WHERE { ?s ?p ?o }"], ["export"],
    ["describe", "ekd:lix"], ["search", "lab"], ["stats"], ["validate", "--data", str(MINI.parents[2])],
    ["explain", "ekd:lix", "rdf:type", "ekg:Laboratory"],
    ["report"], ["diff", str(MINI), str(MINI)], ["query", "lab-parents", "--format", "json"],
]


def _to_dev_full(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    with open("/dev/full", "wb") as full:
        return subprocess.run([str(KG), *args], stdout=full, stderr=subprocess.PIPE, env=env, timeout=300)


@pytest.mark.parametrize("args", FULL_STDOUT_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_full_standard_output_is_one_line_exit_2(mini_env: dict[str, str], args: list[str]) -> None:
    """`kg … > /dev/full`: one line `Error: … No space left on device`, exit 2, as `-o /dev/full` says it."""
    done = _to_dev_full(args, mini_env)
    assert_script_one_line_error(done, "No space left on device")


@pytest.mark.model
def test_a_full_standard_output_in_kg_ingest(mini_env: dict[str, str], tmp_path: Path) -> None:
    from kg.ingest import ner

    if not ner.available():
        why = "the French model is not installed (scripts/install-model.sh)"
        pytest.fail(why + " (CI=true: model tests must run)") if os.environ.get("CI") == "true" else pytest.skip(why)
    text = tmp_path / "article.txt"
    text.write_text("Le CNRS et LINAGORA ont signé un accord à Paris.\n", encoding="utf-8")
    assert_script_one_line_error(_to_dev_full(["ingest", str(text)], mini_env), "No space left on device")


@pytest.mark.parametrize(("args", "option"), [
    (["serve", "--timeout", "nan"], "--timeout"), (["serve", "--timeout", "inf"], "--timeout"),
    (["serve", "--timeout", "1e400"], "--timeout"), (["serve", "--timeout", "-1"], "--timeout"),
    (["serve", "--max-rows", "99999999999999999999"], "--max-rows"),
    (["serve", "--processes", "100000"], "--processes"),
    (["load", "http://127.0.0.1:9/", "--deadline", "inf"], "--deadline"),
    (["load", "http://127.0.0.1:9/", "--timeout", "nan"], "--timeout"),
    (["load", "http://127.0.0.1:9/", "--batch-size", "99999999999999999999"], "--batch-size"),
    (["sparql", "ASK {}", "--timeout", "nan"], "--timeout"),
    (["query", "lab-parents", "--timeout", "inf"], "--timeout"),
    (["sparql", "ASK {}", "--timeout", "1e12"], "--timeout"),
])
def test_numeric_options_are_finite_and_in_range(mini_env: dict[str, str], args: list[str], option: str) -> None:
    """`nan` and `inf` compare false with every bound: each numeric option refuses them in one usage line."""
    assert_one_line_error(run(*args), option)
    assert_script_one_line_error(script(*args, env=mini_env), option)


@pytest.mark.parametrize(("args", "what"), [
    (["report", "-o", ""], "-o"), (["diff", str(MINI), str(MINI), "-o", ""], "-o"), (["docs", ""], "OUTDIR"),
    (["report", "--sources", ""], "--sources"), (["report", "--checks", ""], "--checks"),
    (["diff", str(MINI), str(MINI), "--repo", ""], "--repo"), (["serve", "--sources", ""], "--sources"),
    (["ingest", "x.txt", "-o", ""], "-o"), (["accept", "x.tsv", "--sources", ""], "--sources"),
    (["release", ""], "OUTDIR"), (["diff", "", str(MINI)], "version"),
])
def test_empty_paths_are_refused_everywhere(mini_env: dict[str, str], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch, args: list[str], what: str) -> None:
    """`-o ''` once wrote to stdout (report, diff) and `kg docs ''` into the working directory."""
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert_one_line_error(result, what, "empty")
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_serve_sources_must_be_a_folder(mini_env: dict[str, str], tmp_path: Path) -> None:
    assert_one_line_error(run("serve", "--sources", str(tmp_path / "nonexistent")), "--sources", "no such folder")
    (tmp_path / "file.txt").write_text("x")
    assert_one_line_error(run("serve", "--sources", str(tmp_path / "file.txt")), "--sources")


@pytest.mark.parametrize(("text", "message"), [
    ("", "give some text"), ("   ", "give some text"), (BAD_BYTES, "not valid UTF-8"),
    ("«…»", "no letter or digit"),
])
def test_search_refuses_empty_or_undecodable_text(mini_env: dict[str, str], text: str, message: str) -> None:
    """As `kg describe` does: one line, exit 2, not "(no match)" and exit 1."""
    assert_one_line_error(run("search", "--", text), message)


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.slow
@pytest.mark.parametrize("how", ["console script", "click"])
def test_timeout_bounds_a_local_query(how: str) -> None:
    """`kg sparql --timeout 3` without --endpoint once ran a runaway past 60 s: it is the local bound too."""
    argv = [str(KG)] if how == "console script" else [sys.executable, "-m", "kg.cli.main"]
    env = {k: v for k, v in os.environ.items() if k not in ("KG_DATA_DIR", "KG_ENDPOINT")}
    started = time.monotonic()
    done = subprocess.run([*argv, "sparql", RUNAWAY, "--timeout", "2"], capture_output=True, env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert_script_one_line_error(done, "ran past the time limit of 2 s", "--timeout")
    assert elapsed < 30, elapsed  # the project graph opens from the cache, then 2 s


def test_one_latin1_line_among_utf8_leaves_the_others_alone() -> None:
    """A text with one Windows-1252 or Latin-1 line was read wholly as Latin-1: every accent of the UTF-8 lines
    became mojibake (and mojibake names were proposed as entities). Now each line is read as what it is."""
    from kg.ingest.reading import decode

    utf8 = "Le CNRS et l’Université Paris-Saclay ont signé à Orsay.\n".encode()
    for encoding, name, line in (("cp1252", "Windows-1252", "La société Élysée s’est installée là.\n"),
                                 ("latin-1", "Latin-1", "La société Élysée est là.\n")):
        text, how, note = decode(utf8 + line.encode(encoding) + utf8, "f.txt")
        assert text == utf8.decode() + line + utf8.decode()
        assert "Ã" not in text and how == f"utf-8+{encoding.replace('cp', 'windows-')}"
        assert note == f"f.txt: UTF-8 but for line 2, read as {name}"
    text, how, _ = decode("Le café est à Paris.\n".encode("latin-1"), "f.txt")  # wholly Latin-1: as before
    assert (text, how) == ("Le café est à Paris.\n", "latin-1")


@pytest.mark.model
def test_kg_ingest_of_a_mixed_text_proposes_no_mojibake(mini_env: dict[str, str], tmp_path: Path) -> None:
    from kg.ingest import ner

    if not ner.available():
        why = "the French model is not installed (scripts/install-model.sh)"
        pytest.fail(why + " (CI=true: model tests must run)") if os.environ.get("CI") == "true" else pytest.skip(why)
    source = tmp_path / "mixed.txt"
    source.write_bytes("Le Centre national de la recherche scientifique a signé un accord avec Élise Martin.\n"
                       .encode() + "La société Orbis Data s’installe à Bruxelles.\n".encode("cp1252"))
    done = script("ingest", str(source), env=mini_env)
    assert done.returncode == 0, done.stderr
    review = done.stdout.decode()
    assert "Ã" not in review and "Â" not in review and "Élise" in review
    assert "UTF-8 but for line 2, read as Windows-1252" in done.stderr.decode()
