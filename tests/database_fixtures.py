"""Test databases: SQLite files, or a real PostgreSQL when TEST_DATABASE_URL is set.

The schema always comes from the migrations: each test session (each xdist worker)
migrates one database once; SQLite tests then get a copy of that file, PostgreSQL
tests share the worker's database and have it emptied after each test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from recipes import create_app
from recipes.extensions import db
from recipes.schema import upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "").strip()

# Cheap hashing keeps the suite fast; production uses the RFC 9106 profile.
FAST_TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "RECIPES_ALLOW_SIGNUP": False,
}


def using_postgres() -> bool:
    return bool(POSTGRES_URL)


def migrate_database(url: str, config_dir: Path) -> None:
    app = create_app({**FAST_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "RECIPES_CONFIG_DIR": str(config_dir)})
    with app.app_context():
        upgrade()
        release_database()


def create_postgres_database(name: str) -> str:
    """(Re)create database `name` on the test server and return its URL."""
    admin_url = make_url(POSTGRES_URL)
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(name: str) -> None:
    engine = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def empty_postgres_tables() -> None:
    """Empty every table of the current app's database (inside an app context), the search's
    own too (its word list has no foreign key that would cascade)."""
    from sqlalchemy import inspect

    from recipes.search.index import is_search_table

    search_tables = [name for name in inspect(db.engine).get_table_names() if is_search_table(name)]
    tables = ", ".join(f'"{name}"' for name in [*(t.name for t in db.metadata.sorted_tables), *search_tables])
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def copy_sqlite(template: Path, target: Path) -> None:
    shutil.copyfile(template, target)


def release_database() -> None:
    """Give back every connection of the current app (inside its app context): the
    session's first, then the pool's, so none is left to the garbage collector."""
    db.session.remove()
    db.engine.dispose()


def reset_database(app: Flask, template: str) -> None:
    """Put `app`'s database back as the `app` fixture made it: migrated and empty.

    For tests that need a clean database more often than once per test (each Hypothesis
    example). PostgreSQL: the rows are deleted (a few rows go faster so than by TRUNCATE, which
    makes new files for every table) and the ids restart. SQLite: every
    connection is given back, then the worker's migrated template is copied over the file
    (a write-ahead log left beside it would be replayed onto the copy, so it goes first).
    """
    with app.app_context():
        if using_postgres():
            db.session.remove()
            _delete_postgres_rows()
        release_database()
    if not using_postgres():
        path = Path(str(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database))
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        copy_sqlite(Path(template), path)


def _delete_postgres_rows() -> None:
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):  # the search table goes with `recipe`
            conn.execute(table.delete())
        conn.execute(
            text(
                "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
            )
        )
