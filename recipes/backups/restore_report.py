"""What a restore reports: the schema revisions, the rows per table now in the database,
and where the safety copy of the previous database is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from ..extensions import db

# How the tables are named in a restore's summary.
SUMMARY_NAMES = {
    "user": "accounts",
    "recipe": "recipes",
    "tag": "tags",
    "recipe_image": "pictures",
    "login_session": "login sessions",
}


@dataclass(frozen=True)
class RestoreReport:
    source: Path
    engine: str
    backup_revision: str  # the schema revision the backup held
    revision: str  # the database's schema revision now (head)
    safety_copy: Path
    rows: dict[str, int]  # rows per table in the restored database

    def summary(self) -> str:
        counts = ", ".join(f"{self.rows[t]} {label}" for t, label in SUMMARY_NAMES.items() if t in self.rows)
        if self.backup_revision != self.revision:
            schema = f"schema {self.backup_revision}, migrated to {self.revision}"
        else:
            schema = f"schema {self.revision}"
        return f"Restored {self.source.name} ({schema}): {counts}. The previous database is in {self.safety_copy}"


def _report(source: Path, engine: str, backup_revision: str, safety: Path) -> RestoreReport:
    with db.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision() or ""
        present = set(inspect(connection).get_table_names())
        rows = {
            t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in db.metadata.sorted_tables
            if t.name in present
        }
    return RestoreReport(source, engine, backup_revision, revision, safety, rows)
