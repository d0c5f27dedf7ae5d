"""Forwarded headers are believed only from the proxies RECIPES_PROXY_COUNT says there are.

With no proxy (the default), Gunicorn must not take X-Forwarded-Proto or a SCRIPT_NAME
header from anyone, loopback included (its own default trusts 127.0.0.1 and ::1): a page
reaching the app through the browser, or a local process, could otherwise choose the
scheme and path prefix of every link the app builds."""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config

from .live_server import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
BIN = Path(sys.executable).parent
FORGED = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "SCRIPT_NAME": "/forged"}


def gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> Config:
    """The shipped config file read the way Gunicorn reads it, in `environ`."""
    for name in ("RECIPES_PROXY_COUNT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    cfg = Config()
    for name, value in runpy.run_path(str(GUNICORN_CONF)).items():
        if name in cfg.settings:
            cfg.set(name, value)
    return cfg


def test_without_a_proxy_no_client_is_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = gunicorn_settings(monkeypatch)
    assert cfg.forwarded_allow_ips == []
    assert cfg.forwarder_headers == []
    assert cfg.secure_scheme_headers == {}


def test_behind_proxies_their_headers_are_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = gunicorn_settings(monkeypatch, RECIPES_PROXY_COUNT="1")
    assert cfg.forwarded_allow_ips == ["*"]
    assert cfg.secure_scheme_headers["X-FORWARDED-PROTO"] == "https"
    cfg = gunicorn_settings(monkeypatch, RECIPES_PROXY_COUNT="2", FORWARDED_ALLOW_IPS="10.0.0.0/8")
    assert cfg.forwarded_allow_ips == ["10.0.0.0/8"]


@contextlib.contextmanager
def probe_server(proxy_count: str) -> Iterator[str]:
    """Gunicorn with the shipped config, serving tests/wsgi_probe.py on loopback."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("FORWARDED_ALLOW_IPS", "SCRIPT_NAME")}
    env.update(RECIPES_PROXY_COUNT=proxy_count, WEB_CONCURRENCY="1")
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{port}", "tests.wsgi_probe:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while not answers(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn did not start: {log.read().decode(errors='replace')}")
                time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=15)


def answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/", timeout=1):
            return True
    except OSError:
        return False


def seen(base: str) -> dict[str, Any]:
    request = urllib.request.Request(base + "/forged/page", headers=FORGED)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def test_gunicorn_believes_no_loopback_client_without_a_proxy() -> None:
    with probe_server("0") as base:
        assert seen(base) == {
            "wsgi.url_scheme": "http",
            "SCRIPT_NAME": "",
            "PATH_INFO": "/forged/page",
            "REMOTE_ADDR": "127.0.0.1",
        }


def test_gunicorn_believes_the_proxy_when_there_is_one() -> None:
    with probe_server("1") as base:
        assert seen(base) == {
            "wsgi.url_scheme": "https",
            "SCRIPT_NAME": "/forged",
            "PATH_INFO": "/page",
            "REMOTE_ADDR": "127.0.0.1",
        }
