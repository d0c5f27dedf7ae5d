"""Backups of the whole database, and restoring one: the names the command line, start-up,
the admin's page and the tests use. No request objects in here.

They come from the modules that hold them:

- `backup_files`: what backups are called, listing them, pruning them (`RECIPES_BACKUP_KEEP` per kind),
  writing them so that none appears half-written, and the errors `BackupError` and `RestoreRefused`
- `create`: `create_backup`, a SQLite copy (`copy_sqlite`, also how a SQLite backup is put back)
  or a PostgreSQL dump
- `restore`: `restore_backup`: checking the file, restoring it on SQLite or PostgreSQL (the migrations
  run through `recipes.schema`), and the `RestoreReport`; `inspect_backup`: the same checks, and
  what the file holds (`BackupContents`), without restoring it; `live_rows`: what the database holds now
- `uploads`: `keep_upload`, a backup uploaded from the admin's browser, checked and kept (kind "uploaded")
- `schema_check`: whether a backup's schema is exactly the one the migrations make at its revision

The PostgreSQL dump's file format (`read_dump` to read one) is `dump_format`'s own.
"""

from __future__ import annotations

from .backup_files import (
    BEFORE_RESTORE,
    DUMP_SUFFIX,
    MANUAL,
    PRE_MIGRATION,
    SQLITE_SUFFIX,
    UPLOADED,
    BackupError,
    BackupInfo,
    RestoreRefused,
    backups_directory,
    describe,
    find_backup,
    list_backups,
    prune,
    size_label,
)
from .create import copy_sqlite, create_backup
from .restore import BackupContents, RestoreReport, describe_rows, inspect_backup, live_rows, restore_backup
from .uploads import keep_upload

__all__ = [
    "BEFORE_RESTORE",
    "DUMP_SUFFIX",
    "MANUAL",
    "PRE_MIGRATION",
    "SQLITE_SUFFIX",
    "UPLOADED",
    "BackupContents",
    "BackupError",
    "BackupInfo",
    "RestoreRefused",
    "RestoreReport",
    "backups_directory",
    "copy_sqlite",
    "create_backup",
    "describe",
    "describe_rows",
    "find_backup",
    "inspect_backup",
    "keep_upload",
    "list_backups",
    "live_rows",
    "prune",
    "restore_backup",
    "size_label",
]
