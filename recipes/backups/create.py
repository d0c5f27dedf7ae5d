"""Making a backup of the live database, SQLite or PostgreSQL: `create_backup`, used by the
command, the admin's button, start-up before migrating, and the safety copy made before a restore.

SQLite: a copy made with SQLite's online backup API, in one step, so it is one consistent
snapshot even while the app is serving (in WAL mode readers never block the writer, and the
copy is a reader). Never a file copy: that could catch a write half done, or miss the WAL.
The same copy, into the live database, is how a restore puts a SQLite backup in place.

PostgreSQL: a logical dump written here in Python, not by `pg_dump` (which need not be
installed, and must match the server's version): gzip-compressed JSON Lines (the format is in
`dump_format`), read inside one REPEATABLE READ READ ONLY transaction, so every table comes
from the same snapshot while the app keeps writing.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..search.index import is_search_table
from .backup_files import (
    BEFORE_RESTORE,
    DUMP_SUFFIX,
    KINDS,
    MANUAL,
    SQLITE_SUFFIX,
    BackupError,
    backups_directory,
    candidate_paths,
    first_line,
    fsync_path,
    keep_setting,
    private_temporary,
    prune,
    publish,
    remove_stale_temporaries,
    remove_with_journal,
)
from .dump_format import DUMP_FORMAT, DUMP_VERSION, gzip_text_writer, write_line

# How long a restore waits for SQLite's write lock (a request writing) or a PostgreSQL
# table lock before giving up, leaving the database as it was. (Here because the restore
# writes into a live SQLite database with `copy_sqlite`.)
LOCK_WAIT_SECONDS = 60


def create_backup(kind: str = MANUAL, *, target: Path | None = None, prune_old: bool = True) -> Path:
    """Back the whole database up, consistently, while the app may be serving; return the file.

    Into the backups folder (then older backups of the same kind are pruned), or with
    `target` into that folder or as that new file (never over an existing one).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of backup: {kind!r}")
    explicit, directory = _destination(target)
    remove_stale_temporaries(directory)
    keep = keep_setting() if prune_old and explicit is None and _same(directory, backups_directory()) else None
    engine = db.engine
    try:
        if engine.dialect.name == "sqlite":
            return write_sqlite_backup(live_sqlite_path(engine), directory, kind=kind, keep=keep, explicit=explicit)
        if engine.dialect.name == "postgresql":
            return write_postgres_dump(engine, directory, kind=kind, keep=keep, explicit=explicit)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot back up the database into {directory} ({exc})") from None
    except OSError as exc:
        raise BackupError(f"cannot write the backup into {directory}: {exc.strerror or exc}") from None
    except SQLAlchemyError as exc:
        raise BackupError(f"the database could not be read for the backup: {first_line(exc)}") from None
    raise BackupError(f"backups support SQLite and PostgreSQL databases, not {engine.dialect.name}")


def _destination(target: Path | None) -> tuple[Path | None, Path]:
    """(the exact file to create or None, the folder it goes in)."""
    if target is None:
        return None, backups_directory()
    target = Path(target)
    if target.is_dir():
        return None, target
    if target.exists():
        raise BackupError(f"{target} already exists: give a new file name (a backup never overwrites a file)")
    if not target.parent.is_dir():
        raise BackupError(f"cannot write the backup to {target}: folder {target.parent} does not exist")
    return target, target.parent


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def safety_copy() -> Path:
    """The copy of the database a restore makes before replacing it (kind "before-restore")."""
    try:
        return create_backup(BEFORE_RESTORE, prune_old=False)
    except BackupError as exc:
        raise BackupError(f"no safety copy of the database could be made, so nothing was restored: {exc}") from None


def left_out_tables() -> set[str]:
    """Tables whose rows no backup keeps (their models say `info={"backed_up": False}`):
    secrets waiting a moment to be shown once, which a backup must not hold; the data
    generation, which a restored database starts anew (see data_generation.py)."""
    return {t.name for t in db.metadata.sorted_tables if not t.info.get("backed_up", True)}


# --- SQLite --------------------------------------------------------------------------------------


def live_sqlite_path(engine: Engine) -> Path:
    """The file of the live SQLite database (none for an in-memory or URI database)."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("this database is not a file; only a SQLite file can be backed up")
    return Path(database)


def copy_sqlite(source: Path, target: Path, *, lock_wait: float = LOCK_WAIT_SECONDS) -> None:
    """Copy a SQLite database page by page with SQLite's online backup API, in one step
    (so the copy is one snapshot). The source is opened read-only. Writing into a live
    database in WAL mode is safe too: it is one write transaction, which readers see
    whole or not at all; it waits up to `lock_wait` seconds for a writer to finish."""
    source_db = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        target_db = sqlite3.connect(target, timeout=min(lock_wait, 5))
        try:
            deadline = time.monotonic() + lock_wait

            def give_up_when_locked_too_long(status: int, remaining: int, total: int) -> None:
                # Python retries a busy step for ever: stop at the deadline.
                if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
                    raise sqlite3.OperationalError("database is locked")

            source_db.backup(target_db, progress=give_up_when_locked_too_long)
        finally:
            target_db.close()
    finally:
        source_db.close()


def write_sqlite_backup(
    database: Path,
    directory: Path,
    *,
    kind: str,
    keep: int | None,
    explicit: Path | None = None,
) -> Path:
    """Back the SQLite `database` up into `directory` (or as `explicit`); prune that kind to `keep`.

    The copy is made under a hidden temporary name, made private (0600) and self-contained
    (rollback journal, not WAL), then given its final name, so a half-written backup is never
    listed. Errors (sqlite3.Error, OSError) propagate; nothing is left behind.
    """
    when = datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = private_temporary(directory, SQLITE_SUFFIX)
    try:
        copy_sqlite(database, temporary)
        revision = _finish_sqlite_file(temporary)
        path = publish(temporary, candidate_paths(directory, explicit, when, revision, kind, SQLITE_SUFFIX))
    finally:
        remove_with_journal(temporary)
    if keep is not None:
        prune(keep, [kind], directory=directory, protect=[path])
    return path


def _finish_sqlite_file(path: Path) -> str | None:
    """Make a fresh copy self-contained and durable, without what no backup keeps; return
    its schema revision."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        present = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        connection.execute("PRAGMA secure_delete = ON")  # the rows' bytes go too, not only the rows
        for name in left_out_tables() & present:
            connection.execute(f'DELETE FROM "{name}"')  # noqa: S608 (a table name of the models)
        connection.commit()
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no schema yet
            row = None
    finally:
        connection.close()
    fsync_path(path)
    return str(row[0]) if row else None


# --- PostgreSQL ----------------------------------------------------------------------------------


def write_postgres_dump(
    engine: Engine, directory: Path, *, kind: str, keep: int | None, explicit: Path | None = None
) -> Path:
    """Dump the PostgreSQL database into `directory` (or as `explicit`); prune that kind to `keep`."""
    when = datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = private_temporary(directory, DUMP_SUFFIX)
    try:
        with connect(engine) as connection:
            # One snapshot for every table, like pg_dump: REPEATABLE READ, READ ONLY.
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin(), gzip_text_writer(temporary) as out:
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
    from alembic.runtime.migration import MigrationContext  # (not loaded by the server until needed)

    revision = MigrationContext.configure(connection).get_current_revision()
    present = set(inspect(connection).get_table_names())
    # The models' tables, parents first. Columns are the database's own (an older schema
    # revision has fewer), read in this transaction. A table a later migration drops would
    # have to stay named here for older databases' dumps to keep it.
    names = [
        t.name
        for t in db.metadata.sorted_tables
        if t.name in present and not is_search_table(t.name) and t.name not in left_out_tables()
    ]
    tables = MetaData()
    tables.reflect(bind=connection, only=names)
    write_line(
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
        write_line(out, {"table": name, "columns": [c.name for c in table.columns]})
        query = select(table).order_by(*table.primary_key.columns)
        count = 0
        for row in connection.execute(query, execution_options={"yield_per": 500}):
            write_line(out, list(row))
            count += 1
        counts[name] = count
    write_line(out, {"end": counts})
    return revision


@contextlib.contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection of one's own, or a BackupError saying the database cannot be reached."""
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot reach the database: {first_line(exc)}") from None
    with connection:
        yield connection
