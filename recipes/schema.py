"""The database schema comes only from the Alembic migrations shipped with the package.

The one place that sets Alembic up: which migrations, the head and current revisions (and,
without Alembic, whether a database is at the head: a restart's usual answer), upgrading
(start-up, `db upgrade`, tests), running the migrations on a connection of one's own (a
restore, inside its transaction), an empty SQLite database migrated to a revision (what a
restore compares a backup's schema with), which revisions this Recipes knows, and the lock
that lets one process at a time migrate.
"""

from __future__ import annotations

import ast
import contextlib
import re
import sqlite3
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool

from .data_generation import fire_at_each_statement
from .extensions import db

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

# Alembic (and Flask-Migrate, which imports it) is imported only where it is used: the server
# never migrates (`recipes bootstrap` does, before it starts), and not loading it saves every
# server about 10 MiB (docs/performance.md, memory).

# Any fixed number: the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 0x5EC1FE5


def migrations_directory() -> str:
    """The shipped migrations (RECIPES_MIGRATIONS_DIR points elsewhere, for tests of failed upgrades)."""
    return str(Path(str(resources.files("recipes._migrations"))))


def migrations_in_use() -> str:
    """The migrations this app runs: the shipped ones, or RECIPES_MIGRATIONS_DIR's."""
    return str(current_app.config.get("RECIPES_MIGRATIONS_DIR") or migrations_directory())


def register_migrations(app: Flask) -> None:
    """Flask-Migrate on `app` (`flask db ...`, and what migrations/env.py reads), once."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(app, db, directory=migrations_directory(), render_as_batch=True)


def _alembic_config() -> Config:
    register_migrations(current_app)
    return current_app.extensions["migrate"].migrate.get_config(migrations_in_use())  # type: ignore[no-any-return]


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def head_revision() -> str | None:
    return _scripts().get_current_head()


# `revision = "0019"` and `down_revision = "0018"` (or None), as every migration file states them.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)


def shipped_head() -> str | None:
    """The head of the migrations in use, read from their files' `revision` and `down_revision`
    lines without Alembic (importing it is a tenth of a restart); None when the files do not say
    it plainly (no single head, a line written otherwise): then only Alembic is asked."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in Path(migrations_in_use(), "versions").glob("*.py"):
        stated: dict[str, object] = {}
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            try:
                stated[name] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return None
        revision, parent = stated.get("revision"), stated.get("down_revision")
        if not isinstance(revision, str) or not (parent is None or isinstance(parent, str)):
            return None
        revisions.add(revision)
        if parent is not None:
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision() -> str | None:
    """The revision the database records (`alembic_version`), read without Alembic; None when it
    records none, or more than one."""
    try:
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError:  # no such table: a new database
        return None
    return str(rows[0]) if len(rows) == 1 else None


def is_at_head() -> str | None:
    """The shipped head when the database is at it, asked without Alembic; None when it is not,
    or when either answer is unclear (then Alembic decides)."""
    head = shipped_head()
    return head if head is not None and stored_revision() == head else None


def current_revision() -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
    """Whether `revision` is one of our migrations (a newer Recipes' revision is not)."""
    from alembic.util.exc import CommandError

    try:
        script = _scripts().get_revision(revision)
    except CommandError:
        return False
    return script is not None and script.revision == revision


def upgrade(revision: str = "head") -> None:
    """Apply migrations up to `revision`; errors propagate (Flask-Migrate's own
    `upgrade` would turn them into SystemExit, hiding them from the caller)."""
    from alembic import command

    command.upgrade(_alembic_config(), revision)


def run_migrations(connection: Connection, destination: str, *, downgrade: bool = False) -> None:
    """Run our migrations on `connection` (inside its transaction if it has one), the way
    `alembic upgrade/downgrade` does, but without env.py, which opens its own connection."""
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = _alembic_config()
    scripts = ScriptDirectory.from_config(config)

    def steps(revision: Any, _context: Any) -> Any:
        if downgrade:
            return scripts._downgrade_revs(destination, revision)
        return scripts._upgrade_revs(destination, revision)

    with EnvironmentContext(config, scripts, fn=steps, destination_rev=destination) as environment:
        environment.configure(connection=connection, target_metadata=db.metadata, transactional_ddl=True)
        with environment.begin_transaction():
            fire_at_each_statement(connection)
            environment.run_migrations()


@contextlib.contextmanager
def sqlite_database_at(revision: str) -> Iterator[sqlite3.Connection]:
    """A new, empty in-memory SQLite database migrated to `revision`: its schema is exactly
    what the migrations make there (foreign keys off while migrating, as env.py does)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            run_migrations(connection, revision)
            connection.commit()
            database = connection.connection.driver_connection
            if not isinstance(database, sqlite3.Connection):
                raise TypeError(f"expected a sqlite3 connection, got {type(database).__name__}")
            yield database
    finally:
        engine.dispose()


@contextlib.contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Let one process at a time migrate (several app containers may start together).

    PostgreSQL: a session advisory lock, held on its own connection. SQLite needs none:
    start-up transactions take the write lock up front, and Alembic re-reads the
    version inside its transaction.
    """
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            connection.commit()
