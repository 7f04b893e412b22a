"""Apache Jena's command-line tools (Debian `libapache-jena-java`) as an independent checker.

Debian's Jena 4.5 fails out of the box (its shaded Xerces looks for message bundles under a package the
packaging moved); the fix from ../shared/notes/triplestores.md is to put a relocated copy of those
.properties files on the classpath. Done once per session in a temp directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

JAVA_DIR = Path("/usr/share/java")
DEPENDENCIES = (
    "commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 dexx.collection gson guava "
    "httpclient httpclient-cache httpcore jackson-core jackson-databind jackson-annotations jsonld-java "
    "jakarta.json-api protobuf slf4j-api slf4j-simple thrift titanium-json-ld"
).split()


def missing_reason() -> str | None:
    if shutil.which("java") is None:
        return "java not found: install a JRE (scripts/install-servers.sh does on Debian)"
    if not (JAVA_DIR / "jena-core.jar").is_file():
        return "Apache Jena not found: apt-get install libapache-jena-java (scripts/install-servers.sh does)"
    return None


def require_jena() -> None:
    """Skip with one line when Jena is missing; fail instead in CI, which must have it."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the Jena checks: {reason}")
    pytest.skip(reason)


def classpath() -> str:
    fix = Path(tempfile.mkdtemp(prefix="kg-jena-fix-"))
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and not name.endswith("/"):
                target = fix / "xerces" / name[len("org/apache/jena/ext/xerces/"):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    jars = [str(p) for p in sorted(JAVA_DIR.glob("jena-*.jar")) if not any(c.isdigit() for c in p.stem[-5:])]
    jars += [str(JAVA_DIR / f"{d}.jar") for d in DEPENDENCIES if (JAVA_DIR / f"{d}.jar").is_file()]
    return ":".join([*jars, str(fix)])


def riot(cp: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["java", "-cp", cp, "riotcmd.riot", *args], capture_output=True, text=True, timeout=300)
