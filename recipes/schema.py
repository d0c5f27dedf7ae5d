"""The database schema comes only from the Alembic migrations shipped with the package."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade as flask_migrate_upgrade

from .extensions import db


def migrations_directory() -> str:
    """The shipped migrations (RECIPES_MIGRATIONS_DIR points elsewhere, for tests of failed upgrades)."""
    return str(Path(str(resources.files("recipes._migrations"))))


def _directory() -> str:
    return str(current_app.config.get("RECIPES_MIGRATIONS_DIR") or migrations_directory())


def head_revision() -> str | None:
    config = current_app.extensions["migrate"].migrate.get_config(_directory())
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(revision: str = "head") -> None:
    flask_migrate_upgrade(directory=_directory(), revision=revision)
