#!/usr/bin/env bash
# Install what the @browser tests need, when it is missing: Debian's chromium and its version-matched
# chromium-driver (Playwright cannot download its own browser here; tests point it at /usr/bin/chromium).
#
# Idempotent and non-interactive. Prints one line and always exits 0: a package that cannot be installed makes
# its tests skip with a one-line reason (or fail when CI=true), it never stops the run here.
set -u
say() { printf '%-9s %s\n' "$1:" "$2"; }
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    say chromium "present ($(chromium --version 2>/dev/null | head -1))"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    say chromium "unavailable: not a Debian system (install chromium and chromium-driver by hand)"; exit 0
fi
if [ "$(id -u)" != 0 ]; then
    say chromium "unavailable: needs root for apt-get install chromium chromium-driver"; exit 0
fi
apt-get update -qq >/dev/null 2>&1 || true
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver \
        >/dev/null 2>&1; then
    say chromium "installed ($(chromium --version 2>/dev/null | head -1))"
else
    say chromium "unavailable: apt-get install chromium chromium-driver failed"
fi
exit 0
