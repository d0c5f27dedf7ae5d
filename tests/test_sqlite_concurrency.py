"""Several processes (like Gunicorn workers) writing to one SQLite file at once.

A deferred SQLite transaction that reads and then writes fails at once with
"database is locked" when another process holds the write lock; requests that
change state must instead queue for the lock. Each worker here signs in and then
creates recipes as fast as it can, through the real pages.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from .database_fixtures import using_postgres

WORKERS = 4
RECIPES_EACH = 15

pytestmark = pytest.mark.skipif(using_postgres(), reason="SQLite locking")


def _worker(config: dict, username: str, start: multiprocessing.synchronize.Event) -> list[int]:  # type: ignore[name-defined]
    from recipes import create_app

    from .conftest import RECIPE_FORM, AuthActions, Client

    app = create_app(config)
    app.test_client_class = Client
    client = app.test_client()
    start.wait(30)
    statuses = [AuthActions(client).login(username).status_code]
    for n in range(RECIPES_EACH):
        response = client.post("/recipes/new", data={**RECIPE_FORM, "title": f"{username} {n}", "tags": f"t{n}"})
        statuses.append(response.status_code)
    return statuses


def test_parallel_writers_never_see_database_is_locked(app_config, make_user):
    names = [f"cook{n}" for n in range(WORKERS)]
    for name in names:
        make_user(name)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Event()
        with context.Pool(WORKERS) as pool:
            results = [pool.apply_async(_worker, (app_config, name, start)) for name in names]
            start.set()
            statuses = [r.get(timeout=120) for r in results]
    for per_worker in statuses:
        assert per_worker == [302] * (RECIPES_EACH + 1)

    import sqlite3

    with sqlite3.connect(Path(app_config["RECIPES_CONFIG_DIR"]) / "recipes.db") as connection:
        assert connection.execute("SELECT count(*) FROM recipe").fetchone() == (WORKERS * RECIPES_EACH,)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
