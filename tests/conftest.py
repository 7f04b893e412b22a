"""Session-wide fixtures: an isolated cache directory, the project graph built once per regime."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Every test (and every `kg` run inside a test) uses a private cache, never the user's.
_CACHE = tempfile.mkdtemp(prefix="kg-test-cache-")
os.environ["KG_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def project_graphs():
    """The project graph under each regime, built once for the whole session (no cache)."""
    from kg.engine.graph import open_graph

    built: dict[str, object] = {}

    def get(regime: str = "owlrl", engine: str = "rules"):
        key = f"{regime}/{engine}"
        if key not in built:
            built[key] = open_graph(reasoning=regime, engine=engine, use_cache=False)
        return built[key]

    return get


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch) -> Path:
    """A fresh cache directory for tests that look at the cache itself."""
    path = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(path))
    return path

