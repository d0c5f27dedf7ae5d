"""Writing a backup file so that a half-written one is never listed nor restored.

It is written as a private, hidden temporary file, then given its final name (the first
free one) once it is whole; temporaries left by a process killed mid-way are cleared away.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from .backup_files import backup_name, list_backups
from .errors import BackupError

STALE_TEMPORARY_SECONDS = 6 * 3600


def _remove_stale_temporaries(directory: Path) -> None:
    """Half-written backups of a process that was killed mid-way (none is listed or restored,
    but they take space): gone once they are clearly abandoned."""
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    for path in directory.glob(".recipes-*.tmp*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _private_temporary(directory: Path, suffix: str) -> Path:
    """A new empty file only we may read (backups hold password hashes), hidden from listings."""
    path = directory / f".recipes-{secrets.token_hex(6)}.tmp{suffix}"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _candidates(
    directory: Path, explicit: Path | None, when: datetime, revision: str | None, kind: str, suffix: str
) -> Iterator[Path]:
    if explicit is not None:
        yield explicit
        return
    # After every backup of that second, even one pruned meanwhile, so names sort as made.
    stamp = when.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    used = [info.sort_key[1] for info in list_backups(directory) if info.sort_key[0] == stamp]
    first = max(used) + 1 if used else 0
    for seq in range(first, first + 1000):
        yield directory / backup_name(when, revision, kind, suffix, seq)


def _publish(temporary: Path, names: Iterable[Path]) -> Path:
    """Give the finished file the first free name: it appears whole, and never replaces a file."""
    taken: list[Path] = []
    for target in names:
        try:
            os.link(temporary, target)
        except FileExistsError:
            taken.append(target)
            continue
        except OSError:
            # Some network and FUSE file systems have no hard links: rename instead.
            if target.exists():
                taken.append(target)
                continue
            os.replace(temporary, target)
        _fsync(target.parent)
        return target
    raise BackupError(f"{taken[-1]} already exists: give a new file name (a backup never overwrites a file)")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_with_journal(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + "-journal")):
        leftover.unlink(missing_ok=True)
