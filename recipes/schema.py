"""The database schema comes only from the Alembic migrations shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from .extensions import db


def migrations_directory() -> str:
    """The shipped migrations (RECIPES_MIGRATIONS_DIR points elsewhere, for tests of failed upgrades)."""
    return str(Path(str(resources.files("recipes._migrations"))))


def _directory() -> str:
    return str(current_app.config.get("RECIPES_MIGRATIONS_DIR") or migrations_directory())


def _alembic_config() -> Config:
    return current_app.extensions["migrate"].migrate.get_config(_directory())  # type: ignore[no-any-return]


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(revision: str = "head") -> None:
    """Apply migrations up to `revision`; errors propagate (Flask-Migrate's own
    `upgrade` would turn them into SystemExit, hiding them from the caller)."""
    command.upgrade(_alembic_config(), revision)
