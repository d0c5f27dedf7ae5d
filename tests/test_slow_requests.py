"""Slow clients: no transaction is open while a request body arrives, on any route, and a few
slow sockets do not take the server down.

The in-process walk reads `app.url_map`, so a state-changing route added later is checked the
day it is added. The live tests run the real Gunicorn from the shipped config on loopback.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from werkzeug.test import EnvironBuilder

from recipes.extensions import db
from recipes.request_body import SPOOL_IN_MEMORY

from . import database_fixtures as dbf
from .corpus import load_script
from .live_server import BIN, Browser, GunicornServer
from .test_security_access import FORMS, IGNORED_METHODS, SAFE_METHODS, Things, _owned_things

slow_clients = load_script("slow_clients")


class TrackedBody(io.RawIOBase):
    """A request body that knows whether its last byte has been read yet."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.size = len(data)
        self.done = self.size == 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._data.readinto(buffer)
        if self._data.tell() >= self.size:
            self.done = True
        return count


def state_changing_attempts(app: Flask, values: dict[str, str]) -> Iterator[tuple[str, str]]:
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        fill = {arg: values[arg] if arg in values else FORMS[arg][0] for arg in rule.arguments}
        url = rule.build(fill, append_unknown=False)[1]  # type: ignore[index]
        for method in sorted((rule.methods or set()) - IGNORED_METHODS - SAFE_METHODS):
            yield method, url


def body_for(method: str, url: str, csrf: str) -> dict[str, Any]:
    if url.startswith("/api/") and method in ("POST", "PATCH"):
        return {"data": json.dumps({"title": "Slow stew"}), "content_type": "application/json"}
    form = {"title": "Slow stew", "csrf_token": csrf, "expiry": "1w", "visibility": "private"}
    return {"data": form}


@pytest.fixture
def alice_things(app: Flask, alice: Any) -> Things:
    return _owned_things(app, alice, "alice", backup=True)


def test_no_transaction_begins_before_the_whole_body_is_in(app: Flask, alice_things: Things) -> None:
    """Every POST/PUT/PATCH/DELETE route, signed in (cookie and CSRF token, or an API token):
    the database sees no BEGIN until the client's last byte has arrived."""
    client = alice_things.client
    csrf = client.csrf_token()
    cookie = client.get_cookie("recipes_session")
    assert cookie is not None
    early: list[str] = []
    current: dict[str, Any] = {}

    def on_begin(_connection: Any) -> None:
        if not current["body"].done:
            early.append(f"{current['method']} {current['url']}")

    with app.app_context():
        engine = db.engine
    event.listen(engine, "begin", on_begin)
    checked = 0
    try:
        for method, url in state_changing_attempts(app, alice_things.values):
            for credentials in ("cookie", "token") if url.startswith("/api/") else ("cookie",):
                headers = {"X-CSRFToken": csrf, "Cookie": f"recipes_session={cookie.value}"}
                if credentials == "token":
                    headers = {"Authorization": f"Bearer {alice_things.api_token}"}
                builder = EnvironBuilder(path=url, method=method, headers=headers, **body_for(method, url, csrf))
                environ = builder.get_environ()
                body = TrackedBody(environ["wsgi.input"].read())
                environ["wsgi.input"] = io.BufferedReader(body, buffer_size=16)
                current.update(method=method, url=url, body=body)
                response = app.wsgi_app(environ, lambda status, headers, exc_info=None: None)
                b"".join(response)
                getattr(response, "close", lambda: None)()
                checked += 1
    finally:
        event.remove(engine, "begin", on_begin)
    assert checked >= 25, "the walk found too few routes to mean anything"
    assert not early, f"a transaction began before the body was in: {early}"


def call(app: Flask, path: str, body: bytes, headers: dict[str, str], *, chunked: bool) -> tuple[str, bytes]:
    """One request through the whole WSGI stack; a chunked one as Gunicorn hands it over
    (the body already de-chunked, no Content-Length, the stream ending at its end)."""
    if chunked:
        headers = {**headers, "Transfer-Encoding": "chunked"}
        builder = EnvironBuilder(path=path, method="POST", headers=headers, input_stream=io.BytesIO(body))
    else:
        builder = EnvironBuilder(path=path, method="POST", headers=headers, data=body)
    environ = builder.get_environ()
    if chunked:
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input_terminated"] = True
    statuses: list[str] = []
    response = app.wsgi_app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    return statuses[0], b"".join(response)


def test_a_chunked_body_is_read_in_full_too(app: Flask, alice_things: Things) -> None:
    headers = {"Authorization": f"Bearer {alice_things.api_token}", "Content-Type": "application/json"}
    status, answer = call(app, "/api/v1/recipes", b'{"title": "Chunked stew"}', headers, chunked=True)
    assert status.startswith("201"), answer
    assert json.loads(answer)["title"] == "Chunked stew"


def test_a_body_past_the_routes_cap_is_refused_unread(app: Flask, alice_things: Things) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    headers = {"Authorization": f"Bearer {alice_things.api_token}", "Content-Type": "application/json"}
    big = b'{"title": "' + b"x" * 5000 + b'"}'
    for chunked in (False, True):
        status, answer = call(app, "/api/v1/recipes", big, headers, chunked=chunked)
        assert status.startswith("413"), (chunked, answer)
        assert json.loads(answer)["error"]["code"] == "request_entity_too_large"


def test_a_large_body_goes_to_a_temporary_file_and_still_arrives(app: Flask, alice_things: Things) -> None:
    headers = {"Authorization": f"Bearer {alice_things.api_token}", "Content-Type": "application/json"}
    description = "y" * 15_000
    padding = " " * (SPOOL_IN_MEMORY + 1)
    body = json.dumps({"title": "Big stew", "description": description}).encode()[:-1] + padding.encode() + b"}"
    response = app.test_client().post("/api/v1/recipes", data=body, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json["description"] == description


def test_a_body_cut_short_is_a_400_not_a_hang(app: Flask) -> None:
    environ = EnvironBuilder(path="/auth/login", method="POST", data=b"username=a").get_environ()
    environ["CONTENT_LENGTH"] = "100"
    statuses: list[str] = []
    response = app.wsgi_app(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert statuses == ["400 Bad Request"]
    assert b"cut off" in b"".join(response)


# -- the real server ----------------------------------------------------------------------------


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run([str(BIN / "recipes"), *args], env=env, input=stdin, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[GunicornServer, dict[str, str]]]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE")}
    env.update({"RECIPES_CONFIG_DIR": str(tmp_path), "WEB_CONCURRENCY": "2"})
    if dbf.using_postgres():
        env["DATABASE_URL"] = dbf.create_postgres_database(f"recipes_slow_{os.getpid()}")
    server = GunicornServer(tmp_path, env)
    server.start()
    try:
        yield server, env
    finally:
        server.stop()
        if dbf.using_postgres():
            dbf.drop_postgres_database(f"recipes_slow_{os.getpid()}")


def _api(base: str, token: str, method: str, path: str, payload: dict[str, Any] | None = None) -> int:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(f"{base}/api/v1{path}", data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        # Generous: the answer takes milliseconds; a write stuck behind the slow client waited
        # 30 s (SQLite's busy timeout) and then failed.
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_slow_post_holds_nothing_others_need(live: tuple[GunicornServer, dict[str, str]]) -> None:
    """The probe's repro: Bob, signed in, sends a form-encoded POST's headers and a few bytes
    of its body and waits. Alice's token writes and reads go through meanwhile (they waited
    30 s and failed while Bob's request held SQLite's write lock), and Bob's request is
    answered once its body is in."""
    server, env = live
    base = server.base_url
    _cli(env, "create-user", "alice", "--password-stdin", stdin="correct horse\n")
    _cli(env, "create-user", "bob", "--password-stdin", stdin="correct horse\n")
    token = _cli(env, "create-token", "alice")
    bob = Browser()
    assert bob.submit(f"{base}/auth/login", {"username": "bob", "password": "correct horse"}) == 302
    _, page = bob.get(f"{base}/recipes/new")
    csrf = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    cookie = next(c for c in bob.jar if c.name == "recipes_session")
    body = b"title=Slow+stew&" + b"x" * 99_984
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    try:
        slow.sendall(
            b"POST /api/v1/recipes HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + f"Cookie: recipes_session={cookie.value}\r\nX-CSRFToken: {csrf}\r\n".encode()
            + b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body[:5]
        )
        for n in range(3):
            assert _api(base, token, "POST", "/recipes", {"title": f"Alice's stew {n}"}) == 201
            assert _api(base, token, "GET", "/me") == 200
        slow.sendall(body[5:])
        answer = b""
        while chunk := slow.recv(65536):
            answer += chunk
    finally:
        slow.close()
    # The API takes JSON: a clear refusal, not a failure of the server.
    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:300]


def test_fifty_slow_sockets_leave_the_server_answering(live: tuple[GunicornServer, dict[str, str]]) -> None:
    """50 sockets that never finish their headers, then 50 that never finish their bodies:
    other clients are still answered (a sync worker per socket would answer nobody)."""
    server, _ = live
    for opening in (slow_clients.SLOW_HEADERS, slow_clients.SLOW_BODY):
        with slow_clients.hanging_sockets(server.port, 50, opening):
            answered = slow_clients.probe(server.port, 5, within=10.0)
        assert None not in answered, f"/healthz went unanswered behind {opening[:20]!r}"


def test_a_body_that_stops_arriving_is_given_up_on(tmp_path: Path) -> None:
    """Under the gevent workers a stalled body is a 408 after BODY_IDLE_SECONDS (shortened to 1 s
    here), not a greenlet and a socket held for good."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env["RECIPES_CONFIG_DIR"] = str(tmp_path)
    subprocess.run([str(BIN / "recipes"), "bootstrap"], env=env, check=True, capture_output=True)
    port = slow_clients.free_port()
    root = Path(__file__).resolve().parent.parent
    command = [str(BIN / "gunicorn"), "-c", str(tmp_path / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*command, "--workers", "1", "--chdir", str(root), "tests.wsgi_idle_body:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(150):
            if slow_clients.healthz_seconds(port, 1.0) is not None:
                break
            time.sleep(0.1)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=a"
            )
            answer = sock.recv(1000)
        assert answer.startswith(b"HTTP/1.1 408"), answer
    finally:
        server.terminate()
        server.wait(timeout=15)
