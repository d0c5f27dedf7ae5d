#!/usr/bin/env python3
"""Container health check: exit 0 only if the app answers ``GET /healthz`` with 200.

Run by the image's HEALTHCHECK. Standard library only, so it works whatever the
app's dependencies are. ``/healthz`` makes a database round trip, so a 200 means
the app can really serve. Anything else (an error status, a refused or hung
connection) exits 1. It prints one short line, which Docker keeps in the
container's health log.
"""

from __future__ import annotations

import http.client
import os
import sys
from collections.abc import Mapping, Sequence

DEFAULT_PORT = 8288
TIMEOUT_SECONDS = 3.0
HOST = "127.0.0.1"
PATH = "/healthz"


def port_from_env(environ: Mapping[str, str]) -> int:
    """The port Gunicorn listens on: ``$PORT`` as the Gunicorn config reads it."""
    raw = environ.get("PORT", "").strip()
    if not raw:
        return DEFAULT_PORT
    port = int(raw)  # ValueError for garbage: reported by main()
    if not 0 < port < 65536:
        raise ValueError(f"PORT out of range: {raw}")
    return port


def probe(host: str, port: int, path: str = PATH, timeout: float = TIMEOUT_SECONDS) -> tuple[bool, str]:
    """GET ``path``; return (healthy, one-line description).

    http.client is used rather than urllib so that no proxy environment
    variable and no redirect can turn another answer into a pass.
    """
    url = f"http://{host}:{port}{path}"
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "recipes-healthcheck", "Accept": "application/json"})
        response = conn.getresponse()
        body = response.read(200).decode("utf-8", "replace").strip()
    except (OSError, http.client.HTTPException) as exc:
        reason = str(exc) or type(exc).__name__
        return False, f"unhealthy: {url}: {reason}"
    finally:
        conn.close()
    summary = " ".join(body.split())[:120]
    if response.status == 200:
        return True, f"healthy: {url}: 200 {summary}".rstrip()
    return False, f"unhealthy: {url}: HTTP {response.status} {summary}".rstrip()


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Check the app once; 0 if healthy, 1 otherwise."""
    del argv  # no options; accepted so tests and callers have the usual signature
    env = os.environ if environ is None else environ
    try:
        port = port_from_env(env)
    except ValueError as exc:
        print(f"unhealthy: bad PORT: {exc}", flush=True)
        return 1
    healthy, message = probe(HOST, port)
    print(message, flush=True)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
