"""Backing up a PostgreSQL database as a dump (its format is in `dump_format`).

PostgreSQL: a logical dump written here in Python, not by `pg_dump` (which need not be
installed, and must match the server's version): gzip-compressed JSON Lines, read inside one
REPEATABLE READ READ ONLY transaction, so every table comes from the same snapshot while the
app keeps writing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from alembic.runtime.migration import MigrationContext
from flask import current_app
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..search.index import is_search_table
from .backup_files import (
    DUMP_SUFFIX,
    BackupError,
    candidate_paths,
    first_line,
    fsync_path,
    private_temporary,
    prune,
    publish,
)
from .dump_format import DUMP_FORMAT, DUMP_VERSION, _gzip_text_writer, _write_line


def write_postgres_dump(
    engine: Engine, directory: Path, *, kind: str, keep: int | None, explicit: Path | None = None
) -> Path:
    """Dump the PostgreSQL database into `directory` (or as `explicit`); prune that kind to `keep`."""
    when = datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = private_temporary(directory, DUMP_SUFFIX)
    try:
        with _connect(engine) as connection:
            # One snapshot for every table, like pg_dump: REPEATABLE READ, READ ONLY.
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin(), _gzip_text_writer(temporary) as out:
                revision = dump_postgres(connection, out, when)
        fsync_path(temporary)
        path = publish(temporary, candidate_paths(directory, explicit, when, revision, kind, DUMP_SUFFIX))
    finally:
        temporary.unlink(missing_ok=True)
    if keep is not None:
        prune(keep, [kind], directory=directory, protect=[path])
    return path


def dump_postgres(connection: Connection, out: IO[str], when: datetime) -> str | None:
    """Write the dump of everything `connection` sees; return the schema revision."""
    revision = MigrationContext.configure(connection).get_current_revision()
    present = set(inspect(connection).get_table_names())
    # The models' tables, parents first. Columns are the database's own (an older schema
    # revision has fewer), read in this transaction. A table a later migration drops would
    # have to stay named here for older databases' dumps to keep it.
    names = [t.name for t in db.metadata.sorted_tables if t.name in present and not is_search_table(t.name)]
    tables = MetaData()
    tables.reflect(bind=connection, only=names)
    _write_line(
        out,
        {
            "format": DUMP_FORMAT,
            "version": DUMP_VERSION,
            "engine": "postgresql",
            "revision": revision,
            "created_at": when.isoformat(),
            "app_version": current_app.config.get("RECIPES_VERSION"),
            "tables": names,
        },
    )
    counts: dict[str, int] = {}
    for name in names:
        table = tables.tables[name]
        _write_line(out, {"table": name, "columns": [c.name for c in table.columns]})
        query = select(table).order_by(*table.primary_key.columns)
        count = 0
        for row in connection.execute(query, execution_options={"yield_per": 500}):
            _write_line(out, list(row))
            count += 1
        counts[name] = count
    _write_line(out, {"end": counts})
    return revision


@contextlib.contextmanager
def _connect(engine: Engine) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot reach the database: {first_line(exc)}") from None
    with connection:
        yield connection
