"""SQLite's write-ahead log does not stay the size of the last large write: after a restore,
a bulk import and demo data, the log is checkpointed and truncated."""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from recipes.backups import services
from recipes.database import PAGE_CACHE_KIB, WAL_SIZE_LIMIT, checkpoint_wal
from recipes.extensions import db

from . import database_fixtures as dbf
from .conftest import Client

# Demo recipes enough to grow the log well past SMALL (a few MB).
MANY = 3000
SMALL = 256 * 1024


@pytest.fixture(autouse=True)
def sqlite_only() -> None:
    if dbf.using_postgres():
        pytest.skip("SQLite's write-ahead log")


def database_file(app: Flask) -> Path:
    with app.app_context():
        return Path(db.engine.url.database or "")


def wal_size(app: Flask) -> int:
    wal = database_file(app).with_name(database_file(app).name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


@contextlib.contextmanager
def another_worker(app: Flask) -> Iterator[None]:
    """A connection of another process's, open meanwhile: the last connection to close would
    checkpoint and remove the log by itself, which hides what a server (several workers) sees."""
    connection = sqlite3.connect(database_file(app))
    try:
        connection.execute("SELECT count(*) FROM recipe").fetchone()
        yield
    finally:
        connection.close()


def add_demo_recipes(runner: FlaskCliRunner, count: int = MANY) -> None:
    result = runner.invoke(args=["demo-data", "--user", "alice", "--recipes", str(count)])
    assert result.exit_code == 0, result.output


def test_demo_data_leaves_a_small_log(app: Flask, runner: FlaskCliRunner, make_user: Any) -> None:
    make_user("alice")
    with another_worker(app):
        add_demo_recipes(runner)
        assert wal_size(app) < SMALL


def test_a_restore_leaves_a_small_log(app: Flask, runner: FlaskCliRunner, make_user: Any) -> None:
    make_user("alice")
    add_demo_recipes(runner)
    with app.app_context():
        backup = services.create_backup()
    with another_worker(app):
        result = runner.invoke(args=["restore", "--yes", str(backup)])
        assert result.exit_code == 0, result.output
        assert wal_size(app) < SMALL


def test_a_bulk_import_leaves_a_small_log(app: Flask, alice: Client) -> None:
    from .test_file_import import native_zip, recipe_object, upload_file

    # Notes that do not compress (a file compressed too far is refused as a zip bomb); the
    # file under the test client's 500 KB, above which it leaves its request body open.
    library = native_zip([recipe_object(title=f"Soup {n}", notes=secrets.token_hex(1000)) for n in range(350)])
    assert len(library) < 500 * 1024
    with another_worker(app):
        response = upload_file(alice, library)
        assert response.status_code == 200, response.text[:2000]
        assert "350" in response.text
        assert wal_size(app) < SMALL


def test_checkpoint_is_harmless_when_there_is_nothing_to_do(app: Flask) -> None:
    with app.app_context():
        checkpoint_wal()
        checkpoint_wal()
    assert wal_size(app) < SMALL


def test_a_checkpoint_that_fails_is_logged_not_raised(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """It follows a write already committed: that write must not be reported as failed."""
    with app.app_context():

        def locked() -> None:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(db.engine, "raw_connection", locked)
        checkpoint_wal()
    assert "write-ahead log was not checkpointed: database is locked" in caplog.text


def test_every_connection_caps_what_a_reset_log_keeps(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_size_limit").scalar() == WAL_SIZE_LIMIT


def test_every_connection_keeps_a_page_cache_larger_than_sqlite_default(app: Flask) -> None:
    """PAGE_CACHE_KIB (SQLite's default, -2000, is 2 MiB): a negative cache_size is KiB."""
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -PAGE_CACHE_KIB
    assert PAGE_CACHE_KIB > 2000
