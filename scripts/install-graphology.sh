#!/usr/bin/env bash
# Install graphology's GEXF reader (npm: graphology 0.26.0, graphology-gexf 0.13.2, pinned) for the test that reads
# `kg export --format gexf` back with a second, independent reader (tests/test_export_network.py). Into
# ${KG_GRAPHOLOGY_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecosystem-kg-tests/graphology}, never into the project.
# Idempotent and non-interactive; prints one line and always exits 0 (a missing reader makes its test skip with a
# one-line reason, or fail when CI=true).
set -u
say() { printf '%-9s %s\n' "$1:" "$2"; }
DIR=${KG_GRAPHOLOGY_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecosystem-kg-tests/graphology}
if [ -f "$DIR/node_modules/graphology-gexf/package.json" ] && command -v node >/dev/null 2>&1; then
    say graphology "present ($DIR)"; exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 || true
    fi
fi
if ! command -v npm >/dev/null 2>&1; then
    say graphology "unavailable: needs Node.js and npm (apt-get install nodejs npm)"; exit 0
fi
mkdir -p "$DIR"
if (cd "$DIR" && npm install --silent --no-audit --no-fund --no-save graphology@0.26.0 graphology-gexf@0.13.2 \
        >/dev/null 2>&1); then
    say graphology "installed ($DIR)"
else
    say graphology "unavailable: npm install graphology-gexf failed"
fi
exit 0
