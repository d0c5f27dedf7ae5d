"""Backups of the whole database, and restoring one: the names the command line, start-up,
the admin's page and the tests use. No request objects in here.

They come from the modules that hold them:

- `backup_files`: what backups are called, listing them, pruning them (`RECIPES_BACKUP_KEEP` per kind),
  writing them so that none appears half-written, and the errors `BackupError` and `RestoreRefused`
- `create`: `create_backup`, a SQLite copy (`copy_sqlite`, also how a SQLite backup is put back)
  or a PostgreSQL dump
- `restore`: `restore_backup`: checking the file, restoring it on SQLite or PostgreSQL (the migrations
  run through `recipes.schema`), and the `RestoreReport`
- `schema_check`: whether a backup's schema is exactly the one the migrations make at its revision

The PostgreSQL dump's file format (`read_dump` to read one) is `dump_format`'s own.
"""

from __future__ import annotations

from .backup_files import (
    DUMP_SUFFIX,
    MANUAL,
    PRE_MIGRATION,
    SQLITE_SUFFIX,
    BackupError,
    BackupInfo,
    RestoreRefused,
    describe,
    find_backup,
    list_backups,
    prune,
    size_label,
)
from .create import copy_sqlite, create_backup
from .restore import RestoreReport, restore_backup

__all__ = [
    "DUMP_SUFFIX",
    "MANUAL",
    "PRE_MIGRATION",
    "SQLITE_SUFFIX",
    "BackupError",
    "BackupInfo",
    "RestoreRefused",
    "RestoreReport",
    "copy_sqlite",
    "create_backup",
    "describe",
    "find_backup",
    "list_backups",
    "prune",
    "restore_backup",
    "size_label",
]
