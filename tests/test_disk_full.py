"""A full disk is a clear page (507, nothing saved), not a generic 500 with a traceback."""

from __future__ import annotations

import errno
import logging
import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from recipes.errors import is_disk_full
from recipes.extensions import db
from recipes.models import Recipe

from .database_fixtures import using_postgres

BIG_RECIPE = {
    "title": "Stock",
    "description": "A long description. " * 900,
    "ingredients": "\n".join(f"{n} g of ingredient number {n}" for n in range(1, 1500)),
    "instructions": "Stir and wait a while. " * 4000,
    "tags": "soup, basics",
}


class PgError(Exception):
    """Stands in for psycopg's errors.DiskFull, which carries SQLSTATE 53100."""

    sqlstate = "53100"


def _wrapped(orig: BaseException) -> OperationalError:
    return OperationalError("INSERT INTO recipe ...", {}, orig)


@pytest.mark.parametrize(
    ("error", "full"),
    [
        (_wrapped(sqlite3.OperationalError("database or disk is full")), True),
        (OSError(errno.ENOSPC, "No space left on device"), True),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), True),
        (_wrapped(PgError("could not extend file")), True),
        (_wrapped(sqlite3.OperationalError("database is locked")), False),
        (_wrapped(sqlite3.OperationalError("no such table: recipe")), False),
        (OSError(errno.EACCES, "Permission denied"), False),
        (ValueError("database or disk is full"), False),  # only the database's or the system's word counts
    ],
    ids=["sqlite-full", "enospc", "edquot", "postgres-disk-full", "locked", "no-table", "eacces", "other"],
)
def test_is_disk_full(error: BaseException, full: bool) -> None:
    assert is_disk_full(error) is full


def test_is_disk_full_follows_the_exception_chain() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as exc:
            raise RuntimeError("backup failed") from exc
    except RuntimeError as outer:
        assert is_disk_full(outer)


def _cap_database_at_its_size(dbapi_connection: Any, _record: Any) -> None:
    # SQLite answers SQLITE_FULL ("database or disk is full") when the file would grow past
    # max_page_count: the same error, through the same code, as a disk with no room left.
    cursor = dbapi_connection.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count = {pages}")
    cursor.close()


def test_sqlite_full_gives_a_clear_page_and_reads_go_on(app: Any, alice: Any, caplog: Any) -> None:
    if using_postgres():
        pytest.skip("SQLite's own 'database or disk is full'")
    alice.post("/recipes/new", data={"title": "Saved before", "ingredients": "water"})
    with app.app_context():
        db.engine.dispose()
        event.listen(db.engine, "connect", _cap_database_at_its_size)
    with caplog.at_level(logging.ERROR):
        response = alice.post("/recipes/new", data=BIG_RECIPE)
    assert response.status_code == 507
    assert "disk is full" in response.text
    assert "nothing was saved" in response.text
    assert "Traceback" not in response.text
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "Disk full: POST /recipes/new saved nothing (OperationalError: database or disk is full)"
    ]
    assert not any(r.exc_info for r in caplog.records)
    # Reads still work, and what was saved before is all there.
    listing = alice.get("/recipes/")
    assert listing.status_code == 200
    assert "Saved before" in listing.text
    with app.app_context():
        assert db.session.scalars(select(Recipe.title)).all() == ["Saved before"]
        assert db.session.execute(db.text("PRAGMA integrity_check")).scalar() == "ok"
        db.session.remove()
        event.remove(db.engine, "connect", _cap_database_at_its_size)
        db.engine.dispose()
    # Room again: the same recipe saves.
    assert alice.post("/recipes/new", data=BIG_RECIPE).status_code == 302


def _no_space(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_no_space_writing_a_file_gives_the_same_page(app: Any, alice: Any, monkeypatch: Any) -> None:
    from recipes.cookbook import services

    monkeypatch.setattr(services, "create_recipe", _no_space)
    response = alice.post("/recipes/new", data={"title": "Soup"})
    assert response.status_code == 507
    assert "Disk full" in response.text
    assert "nothing was saved" in response.text


def test_json_clients_get_a_json_disk_full_error(app: Any, alice: Any, monkeypatch: Any) -> None:
    from recipes.cookbook import services

    monkeypatch.setattr(services, "create_recipe", _no_space)
    response = alice.post("/recipes/new", data={"title": "Soup"}, headers={"Accept": "application/json"})
    assert response.status_code == 507
    assert response.json is not None
    assert response.json["error"]["code"] == "disk_full"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Recipe)) == 0


def test_other_database_errors_are_not_called_disk_full(app: Any, alice: Any, monkeypatch: Any) -> None:
    from recipes.cookbook import services

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise _wrapped(sqlite3.OperationalError("no such table: recipe"))

    monkeypatch.setattr(services, "create_recipe", broken)
    # TESTING propagates unhandled errors: the disk-full handler passed it on untouched.
    with pytest.raises(OperationalError, match="no such table"):
        alice.post("/recipes/new", data={"title": "Soup"})
