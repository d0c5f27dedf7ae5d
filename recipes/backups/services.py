"""Backups of the whole database, and restoring one. No request objects in here.

The names the command line, start-up, the admin's page and the tests use, from the modules that
hold them:

- `backup_files`: what backups are called, listing them, pruning them (`RECIPES_BACKUP_KEEP` per kind),
  writing them so that none appears half-written, and the errors `BackupError` and `RestoreRefused`
- `create`: `create_backup`, a SQLite copy (`copy_sqlite`) or a PostgreSQL dump (in `dump_format`)
- `restore`: `restore_backup`: checking the file, restoring it on SQLite or PostgreSQL (the migrations
  run through `recipes.schema`), and the `RestoreReport`
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
from .dump_format import _decoder, _encode, read_dump
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
    "_decoder",  # the tests check that every column type survives a dump
    "_encode",
    "copy_sqlite",
    "create_backup",
    "describe",
    "find_backup",
    "list_backups",
    "prune",
    "read_dump",
    "restore_backup",
    "size_label",
]
