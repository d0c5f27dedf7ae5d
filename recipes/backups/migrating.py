"""Our Alembic migrations, run on a restore's own connection, and which schema revisions
this Recipes knows."""

from __future__ import annotations

from typing import Any

from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection

from ..extensions import db
from ..schema import alembic_config as _alembic_config


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config())


def _is_known_revision(revision: str) -> bool:
    try:
        script = _scripts().get_revision(revision)
    except CommandError:
        return False
    return script is not None and script.revision == revision


def run_migrations(connection: Connection, destination: str, *, downgrade: bool = False) -> None:
    """Run our migrations on `connection` (inside its transaction if it has one), the way
    `alembic upgrade/downgrade` does, but without env.py, which opens its own connection."""
    config = _alembic_config()
    scripts = ScriptDirectory.from_config(config)

    def steps(revision: Any, _context: Any) -> Any:
        if downgrade:
            return scripts._downgrade_revs(destination, revision)
        return scripts._upgrade_revs(destination, revision)

    with EnvironmentContext(config, scripts, fn=steps, destination_rev=destination) as environment:
        environment.configure(connection=connection, target_metadata=db.metadata, transactional_ddl=True)
        with environment.begin_transaction():
            environment.run_migrations()
