#!/bin/sh
# Debian packages the test suite drives for real: Chromium (browser tests),
# PostgreSQL (the second database) and shellcheck (lint of the shell scripts). Installed when missing and we are root.
set -eu
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
[ -n "$missing" ] || exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "missing:$missing (install them to run every test)" >&2
    [ "${CI:-}" = "true" ] && exit 1
fi
exit 0
