#!/usr/bin/env bash
# The whole test suite, from a fresh clone: a venv with kg and its test extras, then every heavy part the
# integration tests need (each scripts/install-*.sh: triplestores and Jena, the browser, Graphviz, the language
# model), then pytest. Extra arguments go to pytest.
#
#   ./scripts/test.sh            everything (what CI runs)
#   ./scripts/test.sh --light    no heavy install and none of the tests that need one (markers: server, jena,
#                                browser, graphviz, model); also KG_TEST_LIGHT=1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
LIGHT=${KG_TEST_LIGHT:-0}
if [ "${1:-}" = "--light" ]; then LIGHT=1; shift; fi
HEAVY_MARKERS="server or jena or browser or graphviz or model"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
if [ "$LIGHT" = 1 ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "test.sh: --light is for developers; CI runs everything" >&2
        exit 2
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
    exec .venv/bin/python -m pytest -m "not ($HEAVY_MARKERS)" "$@"
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
for installer in scripts/install-*.sh; do
    bash "$installer"
done
exec .venv/bin/python -m pytest "$@"
