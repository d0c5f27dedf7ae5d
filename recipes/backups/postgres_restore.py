"""Restoring a PostgreSQL dump, all in one transaction: the tables emptied, the schema
migrated down and up to the dump's revision, the rows loaded, then migrated up to head."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from ..extensions import db
from ..schema import is_known_revision, migration_lock, run_migrations
from ..search.index import is_search_table, reindex
from .backup_files import BEFORE_RESTORE, BackupError, first_line, prune
from .checking import DumpContents, check_dump
from .create import LOCK_WAIT_SECONDS, connect, safety_copy
from .dump_format import _decoder, read_dump
from .restore_limits import LOAD_BATCH_BYTES, LOAD_BATCH_ROWS
from .restore_report import RestoreReport, _report


def _restore_postgres(source: Path, engine: Engine) -> RestoreReport:
    """In one transaction: empty the tables, migrate down to nothing and up to the dump's
    revision, load the rows, reset the id sequences, migrate up to head, rebuild the search
    index. Any failure rolls all of it back."""
    contents = check_dump(source)
    with connect(engine) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and not is_known_revision(current):
        raise BackupError(
            f"the database is at schema revision {current}, which this Recipes does not know: "
            "restore with the Recipes that made it"
        )
    safety = safety_copy()
    try:
        with migration_lock(engine), connect(engine) as connection, connection.begin():
            # Requests using these tables meanwhile wait for us; we wait for them at most this long.
            connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'"))
            _empty_tables(connection)
            run_migrations(connection, "base", downgrade=True)
            run_migrations(connection, contents.revision)
            loaded = _load_dump(connection, source, contents)
            _reset_sequences(connection, loaded)
            run_migrations(connection, "head")
            with Session(bind=connection) as session:
                reindex(session)
    except Exception as exc:  # whatever failed (a migration's own code too), all was rolled back
        reason = str(exc) if isinstance(exc, BackupError) else f"{exc.__class__.__name__}: {first_line(exc)}"
        raise BackupError(
            f"restoring {source} failed ({reason}); the database is as it was, a copy is in {safety}"
        ) from None
    prune(kinds=[BEFORE_RESTORE], protect=[source])
    return _report(source, "postgresql", contents.revision, safety)


def _empty_tables(connection: Connection) -> None:
    """Empty our tables first, so downgrading them is quick and never trips over their data."""
    present = set(inspect(connection).get_table_names())
    names = [t.name for t in db.metadata.sorted_tables if t.name in present]
    names += sorted(n for n in present if is_search_table(n))
    if names:
        quote = connection.dialect.identifier_preparer.quote
        connection.execute(text(f"TRUNCATE {', '.join(quote(n) for n in names)} RESTART IDENTITY CASCADE"))


def _load_dump(connection: Connection, source: Path, contents: DumpContents) -> list[Table]:
    tables = MetaData()
    missing = [n for n in contents.tables if n not in set(inspect(connection).get_table_names())]
    if missing:
        raise BackupError(f"the backup has tables its schema revision does not: {', '.join(missing)}")
    tables.reflect(bind=connection, only=list(contents.tables))
    loaded = []
    for name, columns, rows in read_dump(source):
        table = tables.tables[name]
        decoders = [(column, _decoder(table, column)) for column in columns]
        batch: list[dict[str, Any]] = []
        size = 0
        for line_size, row in rows:
            batch.append({c: decode(v) if decode else v for (c, decode), v in zip(decoders, row, strict=True)})
            size += line_size
            if len(batch) >= LOAD_BATCH_ROWS or size >= LOAD_BATCH_BYTES:
                connection.execute(table.insert(), batch)
                batch, size = [], 0
        if batch:
            connection.execute(table.insert(), batch)
        loaded.append(table)
    return loaded


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Point each id sequence past the restored ids (rows were loaded with their ids)."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(table.name), "column": column.name},
            ).scalar()
            if sequence:
                # Identifiers from the schema, quoted by the dialect; no value is spliced in.
                highest = f"(SELECT max({quote(column.name)}) FROM {quote(table.name)})"  # noqa: S608
                connection.execute(
                    text(f"SELECT setval(:sequence, COALESCE({highest}, 1), {highest} IS NOT NULL)"),
                    {"sequence": sequence},
                )
