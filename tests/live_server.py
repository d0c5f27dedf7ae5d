"""Start the app for real: `recipes bootstrap`, then Gunicorn on a free loopback port."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

BIN = Path(sys.executable).parent


def signup_form(config_dir: Path, username: str = "alice", password: str = "correct horse") -> dict[str, str]:
    """The sign-up form's fields. The first account's include the setup code, read where the
    operator finds it: `recipes bootstrap` printed it and left it in the config directory."""
    fields = {"username": username, "password": password, "confirm": password}
    code_file = config_dir / "setup_code"
    if code_file.exists():
        fields["setup_code"] = code_file.read_text(encoding="ascii").strip()
    return fields


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GunicornServer:
    def __init__(self, config_dir: Path, env: dict[str, str]) -> None:
        self.config_dir = config_dir
        self.env = env
        self.log_path = config_dir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> str:
        subprocess.run([str(BIN / "recipes"), "bootstrap"], env=self.env, check=True, capture_output=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(self.config_dir / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self.base_url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s: {self.log()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        # Any traceback in the server's log is a failure even if every response looked fine.
        assert "Traceback" not in self.log(), self.log()[-4000:]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


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
        return self.post_form(url, fields)[0]

    def post_form(self, url: str, fields: dict[str, str]) -> tuple[int, str]:
        """Fill in the form at `url` (with its CSRF token) and post it: (status, page)."""
        _, page = self.get(url)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, page[:500]
        data = urllib.parse.urlencode({**fields, "csrf_token": token.group(1)}).encode()
        return self.get_with_data(url, data)

    def get_with_data(self, url: str, data: bytes) -> tuple[int, str]:
        try:
            with self.opener.open(url, data=data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
