"""A backup uploaded from the admin's browser, to restore: written into the backups folder,
checked as a restore checks it (`inspect_backup`), and kept only if it passes, named like
any backup (kind "uploaded", pruned to `RECIPES_BACKUP_KEEP` like the others). From there it
is restored like any listed backup, after the admin confirms.

A refused file is deleted at once; its message names the file as the admin called it, never
the path it had on the server.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from .backup_files import (
    DUMP_SUFFIX,
    SQLITE_SUFFIX,
    UPLOADED,
    BackupError,
    BackupInfo,
    backups_directory,
    candidate_paths,
    describe,
    private_temporary,
    prune,
    publish,
    remove_stale_temporaries,
)
from .restore import inspect_backup


def keep_upload(stream: IO[bytes], label: str) -> BackupInfo:
    """Keep the backup read from `stream` (called `label` by whoever sent it) in the backups
    folder if a restore would take it; BackupError (RestoreRefused when the file is the
    problem) if not, and then nothing is kept."""
    directory = backups_directory()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(directory)
        temporary = private_temporary(directory, ".upload")
    except OSError as exc:
        raise BackupError(f"cannot keep the uploaded file in {directory.name}: {exc.strerror or exc}") from None
    try:
        try:
            with temporary.open("wb") as out:
                shutil.copyfileobj(stream, out, 1024 * 1024)
        except OSError as exc:
            raise BackupError(f"cannot keep the uploaded file: {exc.strerror or exc}") from None
        try:
            contents = inspect_backup(temporary)
        except BackupError as exc:
            raise _named(exc, temporary, label) from None
        suffix = SQLITE_SUFFIX if contents.engine == "sqlite" else DUMP_SUFFIX
        names = candidate_paths(directory, None, datetime.now(UTC), contents.revision, UPLOADED, suffix)
        path = publish(temporary, names)
    finally:
        temporary.unlink(missing_ok=True)  # published under its name by now, or refused
    prune(kinds=[UPLOADED], protect=[path])
    info = describe(path)
    if info is None:  # pragma: no cover - publish gave it a backup's name
        raise BackupError(f"{path.name} is not named like a backup")
    return info


def _named(error: BackupError, temporary: Path, label: str) -> BackupError:
    """The same error, naming the file as its sender did rather than by its path here."""
    return type(error)(str(error).replace(str(temporary), label))
