"""The app as Gunicorn serves it: loaded once in the master (recipes/preload.py) and shared by the
workers it forks. What that must not break: a worker that dies is replaced (the master still
hears SIGCHLD), each worker uses database connections of its own, the app's locks are gevent's,
and the server never loads the migrations' tools."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from recipes.database import write_gates
from recipes.extensions import db

from . import database_fixtures as dbf
from .live_server import Browser, GunicornServer, signup_form

BIN = Path(sys.executable).parent


def _workers(master: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == master and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _wait_for(condition: Any, what: str, seconds: float = 60) -> Any:
    """Poll until `condition()` is truthy (a liveness deadline, not a speed check)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.mark.skipif(dbf.using_postgres(), reason="the shipped config on its embedded SQLite default")
def test_a_worker_that_dies_is_replaced_and_the_app_works_in_every_worker(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(tmp_path), "WEB_CONCURRENCY": "2"})
    server = GunicornServer(tmp_path, env)
    base = server.start()
    try:
        assert server.process is not None
        master = server.process.pid
        first = _wait_for(lambda: len(_workers(master)) == 2, "two workers") and _workers(master)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        # The master hears the worker's end (gevent's patches leave its SIGCHLD alone) and forks
        # another one from itself.
        _wait_for(lambda: len(w := _workers(master)) == 2 and victim not in w, "a new worker")
        browser = Browser()
        assert browser.submit(f"{base}/auth/register", signup_form(tmp_path)) == 302
        for n in range(12):  # with keep-alive off, the requests go to both workers
            assert browser.submit(f"{base}/recipes/new", {"title": f"Stew {n}", "visibility": "private"}) == 302
        status, page = browser.get(f"{base}/recipes/")
        assert status == 200 and "Stew 11" in page and "Stew 0" in page
    finally:
        server.stop()
    log = server.log()
    assert f"Worker (pid:{victim}) was sent SIGKILL" in log
    assert "MonkeyPatchWarning" not in log


def test_a_forked_process_uses_database_connections_of_its_own(app: Flask) -> None:
    """What a worker inherits from the master: the pool forgets the parent's connections (without
    closing them: they are the parent's), and SQLite's write gate is new."""
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()
        engine = db.engine
        assert engine.pool.checkedin() >= 1  # type: ignore[attr-defined]
        gate = write_gates.of(engine)
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover (the child reports through the pipe)
            try:
                fresh = engine.pool.checkedin() == 0  # type: ignore[attr-defined]
                new_gate = engine.dialect.name != "sqlite" or write_gates.of(engine) is not gate
                with engine.connect() as connection:
                    works = connection.execute(text("SELECT 2")).scalar() == 2
                os.write(write, f"{fresh} {new_gate} {works}".encode())
            finally:
                os._exit(0)
        os.close(write)
        answer = os.read(read, 100).decode()
        os.close(read)
        os.waitpid(child, 0)
        assert answer == "True True True"
        # The parent's own connection still works.
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 3")).scalar() == 3


def test_the_master_patches_for_gevent_first_and_never_loads_alembic(tmp_path: Path) -> None:
    """Loaded as Gunicorn's master loads it for gevent workers: sockets and select are gevent's
    before the app's libraries load (not threading, os and signal: each worker patches those),
    the migrations' tools are not loaded, and the app answers. Once a worker has patched the
    rest, its SQLite write gate is made anew, a gevent lock."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env["RECIPES_CONFIG_DIR"] = str(tmp_path)
    subprocess.run([str(BIN / "recipes"), "bootstrap"], env=env, check=True, capture_output=True)
    script = textwrap.dedent(
        """
        import sys
        import gunicorn.workers.ggevent  # what Gunicorn's master has loaded when it loads the app
        from recipes.preload import app
        from gevent import monkey
        patched = {name: monkey.is_module_patched(name) for name in ("threading", "socket", "os", "signal")}
        print(patched["threading"], patched["socket"], patched["os"], patched["signal"])
        print("alembic" in sys.modules, "flask_migrate" in sys.modules)
        print(app.test_client().get("/healthz").status_code)
        from recipes.database import write_gates
        from recipes.extensions import db
        with app.app_context():
            before = type(write_gates.of(db.engine)).__module__
            monkey.patch_all()  # what the worker does as it starts
            after = type(write_gates.of(db.engine)).__module__
        print(before.startswith("gevent"), after.startswith("gevent"))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:4] == ["False True False False", "False False", "200", "False True"]


def test_without_gevent_workers_nothing_is_patched(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env["RECIPES_CONFIG_DIR"] = str(tmp_path)
    subprocess.run([str(BIN / "recipes"), "bootstrap"], env=env, check=True, capture_output=True)
    script = "import sys; from recipes.preload import app; print('gevent.monkey' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
