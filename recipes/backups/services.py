"""Backups of the whole database, and restoring one. No request objects in here.

A backup is one file in `$RECIPES_CONFIG_DIR/backups/` (or wherever `recipes backup PATH` says),
named for when it was made, the schema revision it holds and why it was made:

    recipes-20261121-193000-0003.db                      made by hand (`recipes backup`, the button)
    recipes-20261121-193000-0002-pre-migration.db        made by start-up before migrating
    recipes-20261121-193000-0003-before-restore.db       the safety copy made before a restore
    recipes-20261121-193000-0003.pgdump.json.gz          the same, for PostgreSQL

Times are UTC. Two backups in the same second get `.1`, `.2`... after the time.

SQLite: a copy made with SQLite's online backup API, in one step, so it is one consistent
snapshot even while the app is serving (in WAL mode readers never block the writer, and the
copy is a reader). Never a file copy: that could catch a write half done, or miss the WAL.

PostgreSQL: a logical dump written here in Python, not by `pg_dump` (which need not be
installed, and must match the server's version): gzip-compressed JSON Lines, read inside one
REPEATABLE READ READ ONLY transaction, so every table comes from the same snapshot while the
app keeps writing. Line 1 is a header (format, version, schema revision); then, for each table
of the models' metadata (`db.metadata.sorted_tables`, parents before children) that the
database has, a line `{"table": name, "columns": [...]}` and one JSON array per row (bytes as
base64, times as ISO 8601); the last line, `{"end": {table: rows}}`, proves the file is whole.
The search index is not dumped: restoring rebuilds it.

Retention: each kind of backup is pruned on its own to the newest `RECIPES_BACKUP_KEEP`
(default 10). Many backups made by hand (or by a cron job) never push out the backup taken
before the last upgrade, which is the one wanted when an upgrade went wrong; and restoring
a few times never deletes the backups made by hand.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import current_app
from sqlalchemy import JSON, MetaData, Table, create_engine, func, inspect, null, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from .. import config as settings
from ..bootstrap import BACKUP_DIR_NAME, migration_lock
from ..extensions import db
from ..schema import migrations_directory
from ..search.index import is_search_table, reindex

MANUAL = "manual"
PRE_MIGRATION = "pre-migration"
BEFORE_RESTORE = "before-restore"
KINDS = (MANUAL, PRE_MIGRATION, BEFORE_RESTORE)
DEFAULT_KEEP = settings.DEFAULT_BACKUP_KEEP

SQLITE_SUFFIX = ".db"
DUMP_SUFFIX = ".pgdump.json.gz"
DUMP_FORMAT = "recipes-pgdump"
DUMP_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"

# How long a restore waits for SQLite's write lock (a request writing) or a PostgreSQL
# table lock before giving up, leaving the database as it was.
LOCK_WAIT_SECONDS = 60
LOAD_BATCH_ROWS = 500
LOAD_BATCH_BYTES = 8 * 1024 * 1024

# How the tables are named in a restore's summary.
SUMMARY_NAMES = {
    "user": "accounts",
    "recipe": "recipes",
    "tag": "tags",
    "recipe_image": "pictures",
    "login_session": "login sessions",
}

_NAME = re.compile(
    r"recipes-(?P<stamp>\d{8}-\d{6})(?:\.(?P<seq>\d{1,4}))?-(?P<revision>[A-Za-z0-9_]+)"
    r"(?:-(?P<kind>pre-migration|before-restore))?(?P<suffix>\.db|\.pgdump\.json\.gz)"
)
# Start-up backups made before this module existed: recipes-20261121T193000123456Z-0002.db
_LEGACY_NAME = re.compile(r"recipes-(?P<stamp>\d{8}T\d{6})\d*Z-(?P<revision>[^/\\]+)\.db")


class BackupError(Exception):
    """A backup or restore could not be made; the message is one line a person can act on."""


class RestoreRefused(BackupError):
    """The file given to restore is not one this Recipes can restore; nothing was changed."""


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


@dataclass(frozen=True)
class RestoreReport:
    source: Path
    engine: str
    backup_revision: str  # the schema revision the backup held
    revision: str  # the database's schema revision now (head)
    safety_copy: Path
    rows: dict[str, int]  # rows per table in the restored database

    def summary(self) -> str:
        counts = ", ".join(f"{self.rows[t]} {label}" for t, label in SUMMARY_NAMES.items() if t in self.rows)
        if self.backup_revision != self.revision:
            schema = f"schema {self.backup_revision}, migrated to {self.revision}"
        else:
            schema = f"schema {self.revision}"
        return f"Restored {self.source.name} ({schema}): {counts}. The previous database is in {self.safety_copy}"


def size_label(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


# --- names, listing, pruning ----------------------------------------------------------------


def backups_directory() -> Path:
    return Path(current_app.config["RECIPES_CONFIG_DIR"]) / BACKUP_DIR_NAME


def keep_setting() -> int:
    return int(current_app.config.get("RECIPES_BACKUP_KEEP", DEFAULT_KEEP))


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


# --- making a backup -------------------------------------------------------------------------


def create_backup(kind: str = MANUAL, *, target: Path | None = None, prune_old: bool = True) -> Path:
    """Back the whole database up, consistently, while the app may be serving; return the file.

    Into the backups folder (then older backups of the same kind are pruned), or with
    `target` into that folder or as that new file (never over an existing one).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of backup: {kind!r}")
    explicit, directory = _destination(target)
    _remove_stale_temporaries(directory)
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
        raise BackupError(f"the database could not be read for the backup: {_first_line(exc)}") from None
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
    copy: Callable[[Path, Path], None] = copy_sqlite,
) -> Path:
    """Back the SQLite `database` up into `directory` (or as `explicit`); prune that kind to `keep`.

    The copy is made under a hidden temporary name, made private (0600) and self-contained
    (rollback journal, not WAL), then given its final name, so a half-written backup is never
    listed. Errors (sqlite3.Error, OSError) propagate; nothing is left behind.
    """
    when = datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = _private_temporary(directory, SQLITE_SUFFIX)
    try:
        copy(database, temporary)
        revision = _finish_sqlite_file(temporary)
        path = _publish(temporary, _candidates(directory, explicit, when, revision, kind, SQLITE_SUFFIX))
    finally:
        _remove_with_journal(temporary)
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
    _fsync(path)
    return str(row[0]) if row else None


def write_postgres_dump(
    engine: Engine, directory: Path, *, kind: str, keep: int | None, explicit: Path | None = None
) -> Path:
    """Dump the PostgreSQL database into `directory` (or as `explicit`); prune that kind to `keep`."""
    when = datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    temporary = _private_temporary(directory, DUMP_SUFFIX)
    try:
        with _connect(engine) as connection:
            # One snapshot for every table, like pg_dump: REPEATABLE READ, READ ONLY.
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with connection.begin(), _gzip_text_writer(temporary) as out:
                revision = dump_postgres(connection, out, when)
        _fsync(temporary)
        path = _publish(temporary, _candidates(directory, explicit, when, revision, kind, DUMP_SUFFIX))
    finally:
        temporary.unlink(missing_ok=True)
    if keep is not None:
        prune(keep, [kind], directory=directory, protect=[path])
    return path


def dump_postgres(connection: Connection, out: IO[str], when: datetime) -> str | None:
    """Write the dump of everything `connection` sees; return the schema revision."""
    revision = MigrationContext.configure(connection).get_current_revision()
    present = set(inspect(connection).get_table_names())
    # The models' tables, parents first. Columns are the database's own (an older schema
    # revision has fewer), read in this transaction. A table a later migration drops would
    # have to stay named here for older databases' dumps to keep it.
    names = [t.name for t in db.metadata.sorted_tables if t.name in present and not is_search_table(t.name)]
    tables = MetaData()
    tables.reflect(bind=connection, only=names)
    _write_line(
        out,
        {
            "format": DUMP_FORMAT,
            "version": DUMP_VERSION,
            "engine": "postgresql",
            "revision": revision,
            "created_at": when.isoformat(),
            "app_version": current_app.config.get("RECIPES_VERSION"),
            "tables": names,
        },
    )
    counts: dict[str, int] = {}
    for name in names:
        table = tables.tables[name]
        _write_line(out, {"table": name, "columns": [c.name for c in table.columns]})
        query = select(table).order_by(*table.primary_key.columns)
        count = 0
        for row in connection.execute(query, execution_options={"yield_per": 500}):
            _write_line(out, list(row))
            count += 1
        counts[name] = count
    _write_line(out, {"end": counts})
    return revision


def _write_line(out: IO[str], value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_encode))
    out.write("\n")


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime | date | clock_time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot put a {type(value).__name__} value into a backup")


@contextlib.contextmanager
def _gzip_text_writer(path: Path) -> Iterator[IO[str]]:
    with (
        open(path, "wb") as raw,
        # Level 1: most of a dump is pictures (already compressed) in base64; higher levels
        # take several times longer for a few per cent.
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as out,
    ):
        yield out


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


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [orig.__class__.__name__])[0]


@contextlib.contextmanager
def _connect(engine: Engine) -> Iterator[Connection]:
    try:
        connection = engine.connect()
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot reach the database: {_first_line(exc)}") from None
    with connection:
        yield connection


# --- checking a file before restoring it ------------------------------------------------------


def _alembic_config() -> Any:
    directory = current_app.config.get("RECIPES_MIGRATIONS_DIR") or migrations_directory()
    return current_app.extensions["migrate"].migrate.get_config(str(directory))


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config())


def _is_known_revision(revision: str) -> bool:
    try:
        script = _scripts().get_revision(revision)
    except CommandError:
        return False
    return script is not None and script.revision == revision


def _check_revision(revision: str, source: Path) -> None:
    if not _is_known_revision(revision):
        head = _scripts().get_current_head()
        raise RestoreRefused(
            f"{source} is from a newer Recipes (schema revision {revision}; this Recipes knows up to {head}): "
            "upgrade Recipes, then restore it"
        )


def _sniff(source: Path) -> str:
    """ "sqlite" or "dump", by the file's first bytes (never by its name)."""
    try:
        with source.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise RestoreRefused(f"{source}: no such file") from None
    except IsADirectoryError:
        raise RestoreRefused(f"{source} is a folder, not a backup file") from None
    except OSError as exc:
        raise RestoreRefused(f"cannot read {source}: {exc.strerror or exc}") from None
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(GZIP_MAGIC):
        return "dump"
    raise RestoreRefused(
        f"{source} is not a Recipes backup (a backup is a SQLite .db file or a PostgreSQL .pgdump.json.gz dump)"
    )


@dataclass(frozen=True)
class DumpContents:
    revision: str
    tables: dict[str, tuple[list[str], int]]  # name -> (columns, rows)


def _dump_lines(path: Path) -> Generator[tuple[int, Any], None, None]:
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
        for line in lines:
            yield len(line), json.loads(line)


_DAMAGED = (OSError, EOFError, ValueError)  # bad gzip data, cut short, bad JSON or UTF-8


def _dump_header(source: Path) -> dict[str, Any]:
    """The header of a dump of ours, or RestoreRefused."""
    lines = _dump_lines(source)
    try:
        _, header = next(lines)
    except (StopIteration, *_DAMAGED):
        header = None
    finally:
        lines.close()
    if not isinstance(header, dict) or header.get("format") != DUMP_FORMAT:
        raise RestoreRefused(f"{source} is not a Recipes backup (not a dump this Recipes writes)")
    return header


def check_dump(source: Path) -> DumpContents:
    """Read the whole dump once, checking it is one of ours, whole and restorable here."""
    header = _dump_header(source)
    with contextlib.closing(_dump_lines(source)) as lines:
        next(lines)
        return _check_dump_body(source, header, lines)


def _check_dump_body(source: Path, header: dict[str, Any], lines: Iterator[tuple[int, Any]]) -> DumpContents:
    version = header.get("version")
    if not isinstance(version, int) or version > DUMP_VERSION:
        raise RestoreRefused(
            f"{source} is from a newer Recipes (dump format {version}): upgrade Recipes, then restore it"
        )
    revision = header.get("revision")
    if not isinstance(revision, str) or not revision:
        raise RestoreRefused(f"{source} holds an empty database (no schema revision): nothing to restore")
    _check_revision(revision, source)
    names = header.get("tables")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise RestoreRefused(f"{source} is damaged (its header has no list of tables)")
    tables: dict[str, tuple[list[str], int]] = {}
    current: tuple[str, list[str]] | None = None
    count = 0
    try:
        for _, record in lines:
            if isinstance(record, list):
                if current is None or len(record) != len(current[1]):
                    raise RestoreRefused(f"{source} is damaged (a row does not fit its table)")
                count += 1
                continue
            if current is not None:
                tables[current[0]] = (current[1], count)
            if isinstance(record, dict) and "end" in record:
                if record["end"] != {name: rows for name, (_, rows) in tables.items()} or list(tables) != names:
                    raise RestoreRefused(f"{source} is damaged (its row counts do not add up)")
                if next(lines, None) is not None:
                    raise RestoreRefused(f"{source} is damaged (something follows its end)")
                return DumpContents(revision, tables)
            if not (isinstance(record, dict) and isinstance(record.get("table"), str)) or not isinstance(
                record.get("columns"), list
            ):
                raise RestoreRefused(f"{source} is damaged (an unexpected line)")
            current, count = (record["table"], [str(c) for c in record["columns"]]), 0
    except _DAMAGED as exc:
        raise RestoreRefused(f"{source} is damaged ({exc.__class__.__name__}: {exc})") from None
    raise RestoreRefused(f"{source} is incomplete (it stops before its end: was the backup interrupted?)")


def read_dump(source: Path) -> Iterator[tuple[str, list[str], Iterator[tuple[int, list[Any]]]]]:
    """The tables of a dump checked by `check_dump`, in order: (name, columns, rows), each row
    with the length of its line. Values are as in the file (bytes in base64)."""
    with contextlib.closing(_dump_lines(source)) as lines:
        yield from _tables_of(lines)


def _tables_of(lines: Iterator[tuple[int, Any]]) -> Iterator[tuple[str, list[str], Iterator[tuple[int, list[Any]]]]]:
    next(lines)  # the header
    pending = next(lines)[1]
    while "end" not in pending:
        name, columns = pending["table"], pending["columns"]
        follows: list[Any] = []

        def rows(follows: list[Any] = follows) -> Iterator[tuple[int, list[Any]]]:
            for size, record in lines:
                if not isinstance(record, list):
                    follows.append(record)
                    return
                yield size, record

        table_rows = rows()
        yield name, columns, table_rows
        for _ in table_rows:  # whatever the caller did not read
            pass
        pending = follows[0]


def _check_sqlite_file(path: Path, source: Path) -> str:
    """The schema revision of the SQLite copy at `path`, after checking it is a whole Recipes database."""
    connection = sqlite3.connect(path)
    try:
        try:
            connection.execute("PRAGMA journal_mode = DELETE")
            problems = [str(row[0]) for row in connection.execute("PRAGMA integrity_check(5)")]
            if problems != ["ok"]:
                raise RestoreRefused(f"{source} is a damaged SQLite file (integrity check: {problems[0]})")
            has_version = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()[0]
            query = "SELECT version_num FROM alembic_version"
            revisions = [str(r[0]) for r in connection.execute(query)] if has_version else []
        except sqlite3.DatabaseError as exc:
            raise RestoreRefused(f"{source} is a damaged SQLite file ({exc})") from None
    finally:
        connection.close()
    if len(revisions) != 1:
        raise RestoreRefused(f"{source} is a SQLite database but not a Recipes backup (it has no schema revision)")
    _check_revision(revisions[0], source)
    return revisions[0]


# --- restoring --------------------------------------------------------------------------------


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


def _restore_sqlite(source: Path, engine: Engine) -> RestoreReport:
    """Check and migrate a private copy of the backup, then copy it INTO the live database
    with the backup API: one write transaction, so workers serving meanwhile see the old data
    or the new, never a mix, and keep their connections. Moving a file over the database
    instead would leave running workers on the old file (and its WAL): writes lost."""
    live = _live_sqlite_path(engine)
    directory = backups_directory()
    directory.mkdir(parents=True, exist_ok=True)
    staging = _private_temporary(directory, SQLITE_SUFFIX)
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
        safety = _safety_copy()
        try:
            copy_sqlite(staging, live)
        except sqlite3.Error as exc:
            raise BackupError(
                f"cannot write into {live} ({exc}); the database is as it was, a copy is in {safety}"
            ) from None
    finally:
        _remove_with_journal(staging)
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
            f"({exc.__class__.__name__}: {_first_line(exc)}); nothing was changed"
        ) from None
    finally:
        engine.dispose()


def run_migrations(connection: Connection, destination: str, *, downgrade: bool = False) -> None:
    """Run our migrations on `connection` (inside its transaction if it has one), the way
    `alembic upgrade/downgrade` does, but without env.py, which opens its own connection."""
    config = _alembic_config()
    scripts = ScriptDirectory.from_config(config)

    def steps(revision: Any, _context: Any) -> Any:
        if downgrade:
            return scripts._downgrade_revs(destination, revision)
        return scripts._upgrade_revs(destination, revision)

    with EnvironmentContext(config, scripts, fn=steps, destination_rev=destination) as environment:
        environment.configure(connection=connection, target_metadata=db.metadata, transactional_ddl=True)
        with environment.begin_transaction():
            environment.run_migrations()


def _restore_postgres(source: Path, engine: Engine) -> RestoreReport:
    """In one transaction: empty the tables, migrate down to nothing and up to the dump's
    revision, load the rows, reset the id sequences, migrate up to head, rebuild the search
    index. Any failure rolls all of it back."""
    contents = check_dump(source)
    with _connect(engine) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and not _is_known_revision(current):
        raise BackupError(
            f"the database is at schema revision {current}, which this Recipes does not know: "
            "restore with the Recipes that made it"
        )
    safety = _safety_copy()
    try:
        with migration_lock(engine), _connect(engine) as connection, connection.begin():
            # Requests using these tables meanwhile wait for us; we wait for them at most this long.
            connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'"))
            _empty_tables(connection)
            run_migrations(connection, "base", downgrade=True)
            run_migrations(connection, contents.revision)
            loaded = _load_dump(connection, source, contents)
            _reset_sequences(connection, loaded)
            run_migrations(connection, "head")
            with Session(bind=connection) as session:
                reindex(session)
    except Exception as exc:  # whatever failed (a migration's own code too), all was rolled back
        reason = str(exc) if isinstance(exc, BackupError) else f"{exc.__class__.__name__}: {_first_line(exc)}"
        raise BackupError(
            f"restoring {source} failed ({reason}); the database is as it was, a copy is in {safety}"
        ) from None
    prune(kinds=[BEFORE_RESTORE], protect=[source])
    return _report(source, "postgresql", contents.revision, safety)


def _safety_copy() -> Path:
    try:
        return create_backup(BEFORE_RESTORE, prune_old=False)
    except BackupError as exc:
        raise BackupError(f"no safety copy of the database could be made, so nothing was restored: {exc}") from None


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is not a database or is corrupt (rather than, say, a full disk)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT) or code is None


def _empty_tables(connection: Connection) -> None:
    """Empty our tables first, so downgrading them is quick and never trips over their data."""
    present = set(inspect(connection).get_table_names())
    names = [t.name for t in db.metadata.sorted_tables if t.name in present]
    names += sorted(n for n in present if is_search_table(n))
    if names:
        quote = connection.dialect.identifier_preparer.quote
        connection.execute(text(f"TRUNCATE {', '.join(quote(n) for n in names)} RESTART IDENTITY CASCADE"))


def _decoder(table: Table, column: str) -> Callable[[Any], Any] | None:
    """How to turn a column's value in the dump back into what the database takes."""
    if column not in table.c:
        raise BackupError(f"the backup's table {table.name} has a column {column} its schema revision does not")
    kind = table.c[column].type
    if isinstance(kind, JSON):
        return lambda value: null() if value is None else value  # SQL NULL, not JSON null
    try:
        python_type = kind.python_type
    except NotImplementedError:
        return None
    decoders: list[tuple[type, Callable[[Any], Any]]] = [
        (bytes, base64.b64decode),
        (datetime, datetime.fromisoformat),
        (date, date.fromisoformat),
        (clock_time, clock_time.fromisoformat),
        (timedelta, lambda seconds: timedelta(seconds=seconds)),
        (Decimal, lambda value: Decimal(str(value))),
        (UUID, UUID),
    ]
    decode = next((d for t, d in decoders if issubclass(python_type, t)), None)
    if decode is None:
        return None
    return lambda value: None if value is None else decode(value)


def _load_dump(connection: Connection, source: Path, contents: DumpContents) -> list[Table]:
    tables = MetaData()
    missing = [n for n in contents.tables if n not in set(inspect(connection).get_table_names())]
    if missing:
        raise BackupError(f"the backup has tables its schema revision does not: {', '.join(missing)}")
    tables.reflect(bind=connection, only=list(contents.tables))
    loaded = []
    for name, columns, rows in read_dump(source):
        table = tables.tables[name]
        decoders = [(column, _decoder(table, column)) for column in columns]
        batch: list[dict[str, Any]] = []
        size = 0
        for line_size, row in rows:
            batch.append({c: decode(v) if decode else v for (c, decode), v in zip(decoders, row, strict=True)})
            size += line_size
            if len(batch) >= LOAD_BATCH_ROWS or size >= LOAD_BATCH_BYTES:
                connection.execute(table.insert(), batch)
                batch, size = [], 0
        if batch:
            connection.execute(table.insert(), batch)
        loaded.append(table)
    return loaded


def _reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """Point each id sequence past the restored ids (rows were loaded with their ids)."""
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        for column in table.columns:
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": quote(table.name), "column": column.name},
            ).scalar()
            if sequence:
                # Identifiers from the schema, quoted by the dialect; no value is spliced in.
                highest = f"(SELECT max({quote(column.name)}) FROM {quote(table.name)})"  # noqa: S608
                connection.execute(
                    text(f"SELECT setval(:sequence, COALESCE({highest}, 1), {highest} IS NOT NULL)"),
                    {"sequence": sequence},
                )


def _report(source: Path, engine: str, backup_revision: str, safety: Path) -> RestoreReport:
    with db.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision() or ""
        present = set(inspect(connection).get_table_names())
        rows = {
            t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
            for t in db.metadata.sorted_tables
            if t.name in present
        }
    return RestoreReport(source, engine, backup_revision, revision, safety, rows)
