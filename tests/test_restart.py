"""Data and logins survive a restart of the real server (same config directory)."""

from __future__ import annotations

import os
import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from . import database_fixtures as dbf
from .live_server import GunicornServer


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect)

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, url: str, fields: dict[str, str]) -> int:
        _, page = self.get(url)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, page[:500]
        data = urllib.parse.urlencode({**fields, "csrf_token": token.group(1)}).encode()
        status, _ = self.get_with_data(url, data)
        return status

    def get_with_data(self, url: str, data: bytes) -> tuple[int, str]:
        try:
            with self.opener.open(url, data=data, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.mark.skipif(dbf.using_postgres(), reason="the embedded SQLite default is what lives in the config dir")
def test_restart_keeps_data_key_and_sessions(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(tmp_path), "WEB_CONCURRENCY": "2"})
    server = GunicornServer(tmp_path, env)
    base = server.start()
    browser = Browser()
    try:
        assert (
            browser.submit(
                f"{base}/auth/register", {"username": "alice", "password": "correct horse", "confirm": "correct horse"}
            )
            == 302
        )
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
