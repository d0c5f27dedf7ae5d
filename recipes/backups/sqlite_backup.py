"""Backing up a SQLite database, and the copy with SQLite's online backup API that restores use too.

SQLite: a copy made with SQLite's online backup API, in one step, so it is one consistent
snapshot even while the app is serving (in WAL mode readers never block the writer, and the
copy is a reader). Never a file copy: that could catch a write half done, or miss the WAL.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from .backup_files import (
    SQLITE_SUFFIX,
    BackupError,
    candidate_paths,
    fsync_path,
    private_temporary,
    prune,
    publish,
    remove_with_journal,
)
from .restore_limits import LOCK_WAIT_SECONDS


def _live_sqlite_path(engine: Engine) -> Path:
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
    """Make a fresh copy self-contained and durable; return its schema revision."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no schema yet
            row = None
    finally:
        connection.close()
    fsync_path(path)
    return str(row[0]) if row else None
