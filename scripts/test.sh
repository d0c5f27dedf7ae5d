#!/bin/sh
# The whole check behind `make test`: system packages, lint, types, and the suite on
# SQLite and on a throwaway PostgreSQL (plus the container tests when asked for).
set -eu
cd "$(dirname "$0")/.."
BIN=.venv/bin

sh scripts/ensure-test-packages.sh

echo "== lint and types"
$BIN/ruff check .
$BIN/ruff format --check .
$BIN/mypy recipes
$BIN/hadolint Dockerfile
if command -v shellcheck >/dev/null 2>&1 || [ "${CI:-}" = "true" ]; then
    shellcheck -s sh entrypoint.sh .ci/run scripts/*.sh tests/container/*.sh
else
    echo "shellcheck is not installed: skipped the shell lint (CI always runs it)" >&2
fi

echo "== dependency audit"
# Fails on a known vulnerability in any installed dependency; where no vulnerability
# service can be reached it checks what it can and names the rest (see the script).
$BIN/python scripts/audit_deps.py

echo "== tests on SQLite"
$BIN/pytest -n auto -m "not container" tests

echo "== tests on PostgreSQL"
if python3 scripts/with_postgres.py -- $BIN/pytest -n auto -m "not container" tests; then
    :
else
    status=$?
    if [ "$status" -eq 97 ] && [ "${CI:-}" != "true" ]; then
        echo "PostgreSQL is not installed here: skipped the PostgreSQL run (CI always does it)" >&2
    else
        exit "$status"
    fi
fi

if [ "${RECIPES_CONTAINER_TESTS:-}" = "1" ]; then
    echo "== container tests"
    $BIN/pytest -p no:xdist -m container tests/container
fi
