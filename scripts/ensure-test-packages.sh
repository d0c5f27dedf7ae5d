#!/bin/sh
# What the test suite drives for real: Debian's Chromium (browser tests), PostgreSQL (the
# second database), shellcheck (lint of the shell scripts), Node.js and npm (for Lighthouse);
# installed when missing and we are root. Then Lighthouse itself, at the version pinned in
# tests/lighthouse/package-lock.json, into tests/lighthouse/node_modules (`npm ci`).
set -eu
cd "$(dirname "$0")/.."
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "== installing:$missing"
        apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
        echo "missing:$missing (install them to run every test)" >&2
        [ "${CI:-}" = "true" ] && exit 1
    fi
fi
lighthouse=tests/lighthouse
installed="$lighthouse/node_modules/.package-lock.json"  # npm ci writes it last
if [ ! -e "$lighthouse/node_modules/lighthouse/cli/index.js" ] || [ ! -e "$installed" ] \
    || [ -n "$(find "$lighthouse/package-lock.json" -newer "$installed")" ]; then
    if command -v npm >/dev/null 2>&1; then
        echo "== installing Lighthouse (npm ci in $lighthouse)"
        (cd "$lighthouse" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    else
        echo "npm is missing: the Lighthouse test is skipped (CI always runs it)" >&2
        [ "${CI:-}" = "true" ] && exit 1
    fi
fi
exit 0
