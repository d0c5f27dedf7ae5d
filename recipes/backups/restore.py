"""Restoring a backup: `restore_backup` checks the file, then hands it to the SQLite or the
PostgreSQL restore."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..extensions import db
from .backup_files import BackupError, RestoreRefused
from .checking import _dump_header, _sniff
from .postgres_restore import _restore_postgres
from .restore_report import RestoreReport
from .sqlite_restore import _restore_sqlite


def restore_backup(path: Path) -> RestoreReport:
    """Replace everything in the database with the backup at `path`, then migrate it to head.

    The file is checked first (refused files change nothing), then a safety copy of the
    database is made (kind "before-restore"). Login sessions come back with the rest: a browser
    signed in when the backup was made is signed in again (with the same secret key), any
    other login is gone. SQLite backups restore into SQLite, PostgreSQL dumps into PostgreSQL.
    """
    source = Path(path)
    kind = _sniff(source)
    engine = db.engine
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL databases, not {dialect}")
    if kind == "sqlite" and dialect != "sqlite":
        raise RestoreRefused(
            f"{source} is a SQLite backup, but this Recipes keeps its data in PostgreSQL: "
            "restoring across database engines is not supported"
        )
    if kind == "dump":
        _dump_header(source)
    if kind == "dump" and dialect != "postgresql":
        raise RestoreRefused(
            f"{source} is a PostgreSQL dump, but this Recipes keeps its data in SQLite: "
            "restoring across database engines is not supported"
        )
    db.session.remove()  # hold no transaction of our own while the data is replaced
    try:
        if kind == "sqlite":
            return _restore_sqlite(source, engine)
        return _restore_postgres(source, engine)
    except OSError as exc:
        raise BackupError(f"cannot restore {source}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {source}: {exc}") from None
