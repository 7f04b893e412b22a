#!/usr/bin/env bash
# Install what the @server tests (and the Jena checker) need, when it is missing.
#
# Idempotent and non-interactive. Prints one line per thing and always exits 0: a package that cannot be
# installed makes its tests skip with a one-line reason (or fail when CI=true), it never stops the run here.
#
#   oxigraph   PyPI `oxigraph` (a standalone server binary) into the current venv ($VIRTUAL_ENV, else ./.venv)
#   virtuoso   Debian `virtuoso-opensource-7-bin` (virtuoso-t + isql-vt only, no system instance), as root
#   jena       Debian `libapache-jena-java` (+ a headless JRE when java is missing), as root
set -u

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VIRTUAL_ENV:-$REPO/.venv}
APT_UPDATED=0

say() { printf '%-9s %s\n' "$1:" "$2"; }

install_oxigraph() {
    if [ -x "$VENV/bin/oxigraph" ]; then
        say oxigraph "present ($("$VENV/bin/oxigraph" --version 2>/dev/null || echo "$VENV/bin/oxigraph"))"
    elif [ ! -x "$VENV/bin/python" ]; then
        say oxigraph "skipped: no venv at $VENV (create it or set VIRTUAL_ENV)"
    elif "$VENV/bin/python" -m pip install -q "oxigraph>=0.5.13,<0.6" >/dev/null 2>&1 && [ -x "$VENV/bin/oxigraph" ]; then
        say oxigraph "installed ($("$VENV/bin/oxigraph" --version 2>/dev/null))"
    else
        say oxigraph "unavailable: pip install oxigraph failed"
    fi
}

# apt_candidate PKG: true when apt knows an installable version; runs `apt-get update` once if it does not.
apt_candidate() {
    local cand
    cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if { [ -z "$cand" ] || [ "$cand" = "(none)" ]; } && [ "$APT_UPDATED" = 0 ]; then
        APT_UPDATED=1
        apt-get update -qq >/dev/null 2>&1 || true
        cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
    fi
    [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

# apt_install NAME PKG...: install Debian packages as root, noninteractively; one line of outcome.
apt_install() {
    local name=$1; shift
    if ! command -v apt-get >/dev/null 2>&1; then
        say "$name" "unavailable: not a Debian system (install $* by hand)"; return
    fi
    if [ "$(id -u)" != 0 ]; then
        say "$name" "unavailable: needs root for apt-get install $*"; return
    fi
    local pkg
    for pkg in "$@"; do
        if ! apt_candidate "$pkg"; then
            say "$name" "unavailable: apt has no package $pkg"; return
        fi
    done
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
        say "$name" "installed ($*)"
    else
        say "$name" "unavailable: apt-get install $* failed"
    fi
}

install_virtuoso() {
    if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
        say virtuoso "present ($(command -v virtuoso-t))"
    else
        apt_install virtuoso virtuoso-opensource-7-bin
    fi
}

install_jena() {
    local pkgs=()
    [ -f /usr/share/java/jena-core.jar ] || pkgs+=(libapache-jena-java)
    command -v java >/dev/null 2>&1 || pkgs+=(openjdk-17-jre-headless)
    if [ ${#pkgs[@]} = 0 ]; then
        say jena "present (/usr/share/java/jena-core.jar)"
    else
        apt_install jena "${pkgs[@]}"
    fi
}

install_oxigraph
install_virtuoso
install_jena
exit 0
