"""Making a backup of the live database, SQLite or PostgreSQL: `create_backup`, used by the
command, the admin's button, start-up on PostgreSQL, and the safety copy made before a restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from .backup_files import (
    BEFORE_RESTORE,
    KINDS,
    MANUAL,
    BackupError,
    backups_directory,
    first_line,
    keep_setting,
    remove_stale_temporaries,
)
from .postgres_dump import write_postgres_dump
from .sqlite_backup import _live_sqlite_path, write_sqlite_backup


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
            return write_sqlite_backup(_live_sqlite_path(engine), directory, kind=kind, keep=keep, explicit=explicit)
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


def _safety_copy() -> Path:
    try:
        return create_backup(BEFORE_RESTORE, prune_old=False)
    except BackupError as exc:
        raise BackupError(f"no safety copy of the database could be made, so nothing was restored: {exc}") from None
