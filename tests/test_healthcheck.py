"""healthcheck.py against a tiny HTTP server on a free loopback port: it passes only on a 200."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "healthcheck.py"


def _load() -> ModuleType:
    # Loaded from its path: it is a script copied into the image, not part of the package.
    spec = importlib.util.spec_from_file_location("healthcheck", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


healthcheck = _load()


class FakeApp(ThreadingHTTPServer):
    """Answers every GET with `status` and `body`, and remembers the paths asked for."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = 200
        self.body = b'{"status": "ok"}'
        self.headers: dict[str, str] = {}
        self.paths: list[str] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    server: FakeApp

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.send_response(self.server.status)
        for name, value in self.server.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        self.wfile.write(self.server.body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test output is for the assertions."""


@pytest.fixture
def fake_app() -> Iterator[FakeApp]:
    server = FakeApp()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_healthy_on_200(fake_app: FakeApp, capsys: pytest.CaptureFixture[str]) -> None:
    assert healthcheck.main([], {"PORT": str(fake_app.port)}) == 0
    out = capsys.readouterr().out
    assert out.startswith("healthy:")
    assert out.count("\n") == 1
    assert fake_app.paths == ["/healthz"]


@pytest.mark.parametrize("status", [503, 500, 404, 204])
def test_unhealthy_on_any_other_status(fake_app: FakeApp, capsys: pytest.CaptureFixture[str], status: int) -> None:
    fake_app.status = status
    fake_app.body = b'{"status": "error", "reason": "database unavailable"}' if status != 204 else b""
    assert healthcheck.main([], {"PORT": str(fake_app.port)}) == 1
    out = capsys.readouterr().out
    assert out.startswith("unhealthy:")
    assert f"HTTP {status}" in out
    assert out.count("\n") == 1


def test_a_redirect_is_not_followed(fake_app: FakeApp, capsys: pytest.CaptureFixture[str]) -> None:
    fake_app.status = 302
    fake_app.headers = {"Location": "/elsewhere"}
    assert healthcheck.main([], {"PORT": str(fake_app.port)}) == 1
    assert fake_app.paths == ["/healthz"]
    assert "HTTP 302" in capsys.readouterr().out


def test_unhealthy_when_nothing_listens(capsys: pytest.CaptureFixture[str]) -> None:
    assert healthcheck.main([], {"PORT": str(_unused_port())}) == 1
    out = capsys.readouterr().out
    assert out.startswith("unhealthy:")
    assert out.count("\n") == 1


def test_unhealthy_when_the_app_hangs() -> None:
    # A socket that accepts connections (the kernel's backlog) but never answers, like a frozen app.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        healthy, message = healthcheck.probe("127.0.0.1", sock.getsockname()[1], timeout=0.3)
    assert not healthy
    assert "timed out" in message


def test_proxy_variables_are_ignored(
    fake_app: FakeApp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{_unused_port()}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert healthcheck.main([], {"PORT": str(fake_app.port)}) == 0
    capsys.readouterr()


@pytest.mark.parametrize(("environ", "port"), [({}, 8288), ({"PORT": ""}, 8288), ({"PORT": " 9000 "}, 9000)])
def test_port_from_env(environ: dict[str, str], port: int) -> None:
    assert healthcheck.port_from_env(environ) == port


@pytest.mark.parametrize("value", ["http", "0", "70000", "-1"])
def test_a_bad_port_is_unhealthy(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert healthcheck.main([], {"PORT": value}) == 1
    assert capsys.readouterr().out.startswith("unhealthy: bad PORT")


def test_main_reads_the_process_environment(
    fake_app: FakeApp, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", str(fake_app.port))
    assert healthcheck.main() == 0
    capsys.readouterr()


@pytest.mark.parametrize(("status", "code"), [(200, 0), (503, 1)])
def test_exit_code_of_the_script(fake_app: FakeApp, status: int, code: int) -> None:
    """As the HEALTHCHECK runs it: a separate interpreter, the port from the environment."""
    fake_app.status = status
    result = subprocess.run(
        [sys.executable, str(SCRIPT)],
        env={"PORT": str(fake_app.port), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == code, result.stdout + result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == ""
