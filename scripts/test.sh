#!/usr/bin/env bash
# The whole test suite, from a fresh clone: a venv with kg and its test extras, the servers and tools the
# integration tests need (Oxigraph, Virtuoso, Apache Jena), then pytest. Extra arguments go to pytest,
# e.g. `scripts/test.sh -m "not server"` to leave the slow server tests out.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
bash scripts/install-servers.sh
exec .venv/bin/python -m pytest "$@"
