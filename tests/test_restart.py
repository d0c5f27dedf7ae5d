"""Data and logins survive a restart of the real server (same config directory)."""

from __future__ import annotations

import os

import pytest

from . import database_fixtures as dbf
from .live_server import Browser, GunicornServer, signup_form


@pytest.mark.skipif(dbf.using_postgres(), reason="the embedded SQLite default is what lives in the config dir")
def test_restart_keeps_data_key_and_sessions(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(tmp_path), "WEB_CONCURRENCY": "2"})
    server = GunicornServer(tmp_path, env)
    base = server.start()
    browser = Browser()
    try:
        assert browser.submit(f"{base}/auth/register", signup_form(tmp_path)) == 302
        assert browser.submit(f"{base}/recipes/new", {"title": "Survivor stew", "visibility": "private"}) == 302
        key = (tmp_path / "secret_key").read_bytes()
    finally:
        server.stop()

    server = GunicornServer(tmp_path, env)  # a new process, as after a reboot
    base = server.start()
    try:
        status, page = browser.get(f"{base}/recipes/")
        assert status == 200, "the session cookie from before the restart no longer works"
        assert "Survivor stew" in page
        assert (tmp_path / "secret_key").read_bytes() == key
    finally:
        server.stop()
