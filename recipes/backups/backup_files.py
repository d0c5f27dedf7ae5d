"""The backup files: what they are called, listing them, pruning old ones, writing one so
that it is never seen half-written, and the errors a backup or a restore raises.

A backup is one file in `$RECIPES_CONFIG_DIR/backups/` (or wherever `recipes backup PATH` says),
named for when it was made, the schema revision it holds and why it was made:

    recipes-20261121-193000-0003.db                      made by hand (`recipes backup`, the button)
    recipes-20261121-193000-0002-pre-migration.db        made by start-up before migrating
    recipes-20261121-193000-0003-before-restore.db       the safety copy made before a restore
    recipes-20261121-193000-0003-uploaded.db             uploaded by the admin to restore (checked first)
    recipes-20261121-193000-0003.pgdump.json.gz          the same, for PostgreSQL

Times are UTC. Two backups in the same second get `.1`, `.2`... after the time.

Retention: each kind of backup is pruned on its own to the newest `RECIPES_BACKUP_KEEP`
(default 10). Many backups made by hand (or by a cron job) never push out the backup taken
before the last upgrade, which is the one wanted when an upgrade went wrong; and restoring
a few times never deletes the backups made by hand.

Writing: a backup is written as a private, hidden temporary file, then given its final name
(the first free one) once it is whole; temporaries left by a process killed mid-way are
cleared away.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from ..config import BACKUP_DIR_NAME, DEFAULT_BACKUP_KEEP

MANUAL = "manual"
PRE_MIGRATION = "pre-migration"
BEFORE_RESTORE = "before-restore"
UPLOADED = "uploaded"
KINDS = (MANUAL, PRE_MIGRATION, BEFORE_RESTORE, UPLOADED)


SQLITE_SUFFIX = ".db"
DUMP_SUFFIX = ".pgdump.json.gz"

# --- errors --------------------------------------------------------------------------------------


class BackupError(Exception):
    """A backup or restore could not be made; the message is one line a person can act on."""


class RestoreRefused(BackupError):
    """The file given to restore is not one this Recipes can restore; nothing was changed."""


def first_line(exc: BaseException) -> str:
    """The one line of a (database) error that a message quotes."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [orig.__class__.__name__])[0]


# --- names, listing, pruning ---------------------------------------------------------------------


_NAME = re.compile(
    r"recipes-(?P<stamp>\d{8}-\d{6})(?:\.(?P<seq>\d{1,4}))?-(?P<revision>[A-Za-z0-9_]+)"
    r"(?:-(?P<kind>pre-migration|before-restore|uploaded))?(?P<suffix>\.db|\.pgdump\.json\.gz)"
)
# Start-up backups made before this module existed: recipes-20261121T193000123456Z-0002.db
_LEGACY_NAME = re.compile(r"recipes-(?P<stamp>\d{8}T\d{6})\d*Z-(?P<revision>[^/\\]+)\.db")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    revision: str
    engine: str  # "sqlite" or "postgresql"
    created: datetime
    size: int
    sort_key: tuple[str, int, str]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def size_label(self) -> str:
        return size_label(self.size)


def size_label(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def backups_directory() -> Path:
    return Path(current_app.config["RECIPES_CONFIG_DIR"]) / BACKUP_DIR_NAME


def keep_setting() -> int:
    return int(current_app.config.get("RECIPES_BACKUP_KEEP", DEFAULT_BACKUP_KEEP))


def backup_name(when: datetime, revision: str | None, kind: str, suffix: str, seq: int = 0) -> str:
    stamp = when.astimezone(UTC).strftime("%Y%m%d-%H%M%S") + (f".{seq}" if seq else "")
    label = re.sub(r"[^A-Za-z0-9_]", "_", revision or "none")
    return f"recipes-{stamp}-{label}{'' if kind == MANUAL else '-' + kind}{suffix}"


def describe(path: Path) -> BackupInfo | None:
    """What a file's name says about it, or None when it is not named like a backup."""
    match = _NAME.fullmatch(path.name)
    if match:
        stamp, seq = match["stamp"].replace("-", ""), int(match["seq"] or 0)
        kind, revision = match["kind"] or MANUAL, match["revision"]
        engine = "sqlite" if match["suffix"] == SQLITE_SUFFIX else "postgresql"
    else:
        match = _LEGACY_NAME.fullmatch(path.name)
        if not match:
            return None
        stamp, seq = match["stamp"].replace("T", ""), 0
        kind, revision, engine = PRE_MIGRATION, match["revision"], "sqlite"
    try:
        size = path.stat().st_size
        created = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except FileNotFoundError:
        return None
    except ValueError:  # a name with an impossible date: trust the file's time instead
        created = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return BackupInfo(path, kind, revision, engine, created, size, (stamp, seq, path.name))


def list_backups(directory: Path | None = None) -> list[BackupInfo]:
    """The backups in the backups folder, newest first."""
    folder = directory or backups_directory()
    try:
        paths = [p for p in folder.iterdir() if p.is_file()]
    except FileNotFoundError:
        return []
    found = [info for info in map(describe, paths) if info is not None]
    return sorted(found, key=lambda info: info.sort_key, reverse=True)


def find_backup(name: str) -> BackupInfo | None:
    """The listed backup called `name` (nothing else: not a path, not another file)."""
    return next((info for info in list_backups() if info.name == name), None)


def prune(
    keep: int | None = None,
    kinds: Iterable[str] = KINDS,
    *,
    directory: Path | None = None,
    protect: Iterable[Path] = (),
) -> list[Path]:
    """Delete all but the newest `keep` backups of each kind (each kind counted on its
    own, see the module's docstring); return what was deleted. Other files stay."""
    keep = keep_setting() if keep is None else keep
    protected = {p.resolve() for p in protect}
    backups = list_backups(directory)
    doomed: list[Path] = []
    for kind in kinds:
        doomed += [i.path for i in [b for b in backups if b.kind == kind][keep:] if i.path.resolve() not in protected]
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


# --- writing a backup file -----------------------------------------------------------------------

STALE_TEMPORARY_SECONDS = 6 * 3600


def remove_stale_temporaries(directory: Path) -> None:
    """Half-written backups of a process that was killed mid-way (none is listed or restored,
    but they take space): gone once they are clearly abandoned."""
    cutoff = time.time() - STALE_TEMPORARY_SECONDS
    for path in directory.glob(".recipes-*.tmp*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def private_temporary(directory: Path, suffix: str) -> Path:
    """A new empty file only we may read (backups hold password hashes), hidden from listings."""
    path = directory / f".recipes-{secrets.token_hex(6)}.tmp{suffix}"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def candidate_paths(
    directory: Path, explicit: Path | None, when: datetime, revision: str | None, kind: str, suffix: str
) -> Iterator[Path]:
    """The names to try for a new backup, in order (for `publish`): `explicit` alone if given."""
    if explicit is not None:
        yield explicit
        return
    # After every backup of that second, even one pruned meanwhile, so names sort as made.
    stamp = when.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    used = [info.sort_key[1] for info in list_backups(directory) if info.sort_key[0] == stamp]
    first = max(used) + 1 if used else 0
    for seq in range(first, first + 1000):
        yield directory / backup_name(when, revision, kind, suffix, seq)


def publish(temporary: Path, names: Iterable[Path]) -> Path:
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
        fsync_path(target.parent)
        return target
    raise BackupError(f"{taken[-1]} already exists: give a new file name (a backup never overwrites a file)")


def fsync_path(path: Path) -> None:
    """Make a file's content (or a folder's entries) durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_with_journal(path: Path) -> None:
    """Remove a temporary SQLite file and the rollback journal SQLite may have left beside it."""
    for leftover in (path, path.with_name(path.name + "-journal")):
        leftover.unlink(missing_ok=True)
