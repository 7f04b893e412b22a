"""Real triplestore servers for the @pytest.mark.server tests, started on 127.0.0.1 and stopped by PID.

Fixtures:
  oxigraph_server       session-scoped, in memory (`oxigraph serve --bind 127.0.0.1:PORT`)
  oxigraph_disk_server  function-scoped, on disk (`--location DIR`), so a restart keeps the data
  virtuoso_server       session-scoped private Virtuoso (own ini and database in a temp dir, dba/dba)

Each yields a ServerHandle (base_url, pid, stop(), start(), user, password). A missing binary skips the
test with one line (scripts/install-servers.sh installs them), but fails it when CI=true.
Import them in a conftest or test module: `from servers import oxigraph_server, virtuoso_server`.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

READY_QUERY = "ASK {}"


def missing(why: str) -> None:
    """Skip (one line why), or fail in CI where every server test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(why + " (CI=true: server tests must run; see scripts/install-servers.sh)")
    pytest.skip(why + " (run scripts/install-servers.sh)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerHandle:
    """A server process we started; stop() and start() let tests interrupt it and bring it back."""

    name: str
    base_url: str
    argv: list[str]
    ready_path: str  # query endpoint used to wait for readiness
    workdir: Path
    startup_timeout: float = 30.0
    user: str | None = None
    password: str | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def log(self) -> Path:
        return self.workdir / f"{self.name}.log"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the process and wait until it answers a query (fails with the log's tail if it dies)."""
        if self.running():
            return
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
        url = self.base_url + self.ready_path + "?" + urllib.parse.urlencode({"query": READY_QUERY})
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if not self.running():
                break
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        tail = self.log.read_text(errors="replace")[-800:] if self.log.exists() else ""
        self.stop()
        pytest.fail(f"{self.name} did not become ready on {self.base_url}: {tail}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
        """Stop our process by its PID (SIGTERM, then SIGKILL if it lingers)."""
        if not self.running():
            return
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def oxigraph_binary() -> str | None:
    here = Path(sys.executable).parent / "oxigraph"
    return str(here) if here.exists() else shutil.which("oxigraph")


def _oxigraph(tmp: Path, *, location: Path | None) -> Iterator[ServerHandle]:
    binary = oxigraph_binary()
    if binary is None:
        missing("oxigraph server binary not found (PyPI package `oxigraph`)")
    assert binary is not None
    port = free_port()
    argv = [binary, "serve", "--bind", f"127.0.0.1:{port}"]
    if location is not None:
        argv += ["--location", str(location)]
    handle = ServerHandle("oxigraph", f"http://127.0.0.1:{port}", argv, "/query", tmp, startup_timeout=30)
    try:
        handle.start()
        yield handle
    finally:
        handle.stop()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """An in-memory Oxigraph server for the whole session (a restart loses its data)."""
    yield from _oxigraph(tmp_path_factory.mktemp("oxigraph"), location=None)


@pytest.fixture
def oxigraph_disk_server(tmp_path: Path) -> Iterator[ServerHandle]:
    """An Oxigraph server on a fresh on-disk store, for tests that stop and restart it."""
    yield from _oxigraph(tmp_path, location=tmp_path / "store")


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage        = TempDatabase
[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql_port}
DisableUnixSocket  = 1
DirsAllowed        = ., {dir}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
CaseMode           = 2
[HTTPServer]
ServerPort         = 127.0.0.1:{http_port}
ServerRoot         = {dir}/vsp
ServerThreads      = 10
Charset            = UTF-8
[SPARQL]
ResultSetMaxRows   = 1000000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerHandle]:
    """A private Virtuoso instance (database on disk, kept across stop/start), credentials dba/dba."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        missing("virtuoso-t not found (Debian package virtuoso-opensource-7-bin)")
    assert binary is not None
    workdir = tmp_path_factory.mktemp("virtuoso")
    (workdir / "vsp").mkdir()
    http_port, sql_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=workdir, sql_port=sql_port, http_port=http_port))
    handle = ServerHandle(
        "virtuoso", f"http://127.0.0.1:{http_port}", [binary, "+configfile", str(ini), "+foreground"],
        "/sparql", workdir, startup_timeout=90, user="dba", password="dba",
    )
    try:
        handle.start()
        yield handle
    finally:
        handle.stop()
