#!/usr/bin/env bash
# Install Graphviz (Debian's package: the `dot` renderer) for the release diagrams and their @graphviz tests.
# Idempotent and non-interactive; prints one line and always exits 0 (a missing renderer makes its tests skip
# with a one-line reason, or fail when CI=true).
set -u
say() { printf '%-9s %s\n' "$1:" "$2"; }
if command -v dot >/dev/null 2>&1; then
    say graphviz "present ($(dot -V 2>&1 | head -1))"; exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
    say graphviz "unavailable: needs root on Debian for apt-get install graphviz"; exit 0
fi
apt-get update -qq >/dev/null 2>&1 || true
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz >/dev/null 2>&1; then
    say graphviz "installed ($(dot -V 2>&1 | head -1))"
else
    say graphviz "unavailable: apt-get install graphviz failed"
fi
exit 0
