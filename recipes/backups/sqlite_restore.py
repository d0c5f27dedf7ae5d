"""Restoring a SQLite backup: a private copy of it is checked and migrated, then copied into
the live database with the backup API."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from ..schema import run_migrations
from .backup_files import (
    BEFORE_RESTORE,
    SQLITE_SUFFIX,
    BackupError,
    RestoreRefused,
    backups_directory,
    first_line,
    private_temporary,
    prune,
    remove_with_journal,
)
from .checking import _check_sqlite_file
from .create import copy_sqlite, live_sqlite_path, safety_copy
from .restore_report import RestoreReport, _report


def _restore_sqlite(source: Path, engine: Engine) -> RestoreReport:
    """Check and migrate a private copy of the backup, then copy it INTO the live database
    with the backup API: one write transaction, so workers serving meanwhile see the old data
    or the new, never a mix, and keep their connections. Moving a file over the database
    instead would leave running workers on the old file (and its WAL): writes lost."""
    live = live_sqlite_path(engine)
    directory = backups_directory()
    directory.mkdir(parents=True, exist_ok=True)
    staging = private_temporary(directory, SQLITE_SUFFIX)
    sidecars = [source.with_name(source.name + end) for end in ("-wal", "-shm")]
    existed = [p.exists() for p in sidecars]
    try:
        try:
            copy_sqlite(source, staging)
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise RestoreRefused(f"{source} is a damaged SQLite file ({exc})") from None
            raise
        finally:
            # Opening a backup still in WAL mode read-only leaves empty -wal/-shm files: tidy them.
            for sidecar, was_there in zip(sidecars, existed, strict=True):
                if not was_there:
                    with contextlib.suppress(OSError):
                        sidecar.unlink(missing_ok=True)
        revision = _check_sqlite_file(staging, source)
        _match_page_size(staging, live)
        _migrate_sqlite_file(staging, revision)
        safety = safety_copy()
        try:
            copy_sqlite(staging, live)
        except sqlite3.Error as exc:
            raise BackupError(
                f"cannot write into {live} ({exc}); the database is as it was, a copy is in {safety}"
            ) from None
    finally:
        remove_with_journal(staging)
    engine.dispose()  # pooled connections would work on; new ones are cheap and surely fresh
    prune(kinds=[BEFORE_RESTORE], protect=[source])
    return _report(source, "sqlite", revision, safety)


def _match_page_size(staging: Path, live: Path) -> None:
    """The backup API cannot change a WAL database's page size: give the copy the live one's."""
    with contextlib.closing(sqlite3.connect(live.resolve().as_uri() + "?mode=ro", uri=True)) as connection:
        wanted = int(connection.execute("PRAGMA page_size").fetchone()[0])
    with contextlib.closing(sqlite3.connect(staging)) as connection:
        if int(connection.execute("PRAGMA page_size").fetchone()[0]) != wanted:
            connection.execute(f"PRAGMA page_size = {wanted}")
            connection.execute("VACUUM")


def _migrate_sqlite_file(path: Path, revision: str) -> None:
    """Bring the copy at `path` up to the newest schema (foreign keys off, as env.py does)."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            run_migrations(connection, "head")
            connection.commit()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise BackupError(f"the backup has rows whose owner is missing ({broken[:3]}); nothing was changed")
    except BackupError:
        raise
    except Exception as exc:  # a migration's own code may raise anything
        raise BackupError(
            f"the backup (schema {revision}) could not be migrated to this Recipes' schema "
            f"({exc.__class__.__name__}: {first_line(exc)}); nothing was changed"
        ) from None
    finally:
        engine.dispose()


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is not a database or is corrupt (rather than, say, a full disk)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or code is None
