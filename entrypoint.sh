#!/bin/sh
# Container start-up: tini (PID 1) -> this script -> Gunicorn.
# Kept thin on purpose: the real work (config layout, secret key, Gunicorn config,
# database backup and migrations) is `recipes bootstrap`, shared with `make run`
# and unit-tested there. It prints one clear line and exits non-zero when /config is unusable.
set -eu

: "${RECIPES_CONFIG_DIR:=/config}"
export RECIPES_CONFIG_DIR

recipes bootstrap

# `docker run IMAGE some-command ...` runs that command (after the bootstrap, so the
# database is migrated), e.g. `recipes create-user alice --admin`. Anything else,
# including no arguments or Gunicorn options, starts the web server.
if [ "$#" -gt 0 ] && [ "${1#-}" = "$1" ]; then
    exec "$@"
fi

# exec: Gunicorn replaces this shell, so it is tini's child and gets its signals.
exec gunicorn -c "$RECIPES_CONFIG_DIR/gunicorn.conf.py" "$@"
