"""The database schema comes only from the Alembic migrations shipped with the package.

The one place for Alembic: its configuration, the migration lock, the revisions, upgrading.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import Engine

from .extensions import db


def migrations_directory() -> str:
    """The shipped migrations (RECIPES_MIGRATIONS_DIR points elsewhere, for tests of failed upgrades)."""
    return str(Path(str(resources.files("recipes._migrations"))))


def _directory() -> str:
    return str(current_app.config.get("RECIPES_MIGRATIONS_DIR") or migrations_directory())


def alembic_config() -> Config:
    """Our Alembic configuration (the one place it is made), for the current app."""
    return current_app.extensions["migrate"].migrate.get_config(_directory())  # type: ignore[no-any-return]


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(revision: str = "head") -> None:
    """Apply migrations up to `revision`; errors propagate (Flask-Migrate's own
    `upgrade` would turn them into SystemExit, hiding them from the caller)."""
    command.upgrade(alembic_config(), revision)


# Any fixed number: the PostgreSQL advisory lock that serialises migrations.
MIGRATION_LOCK_KEY = 0x5EC1FE5


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
