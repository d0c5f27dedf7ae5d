"""Restoring a backup: `restore_backup` checks the file, then hands it to the SQLite or the
PostgreSQL restore, and reports the schema revisions, the rows per table now in the database,
and where the safety copy of the previous database is. `inspect_backup` makes the same checks
and says what the file holds, without restoring it (the admin's page asks before restoring).

Checking: what the file is (by its content, never by its name), that it is whole, that this
Recipes can restore it (format, schema revision), and that its schema is exactly the one the
migrations make at its revision (`schema_check`: no table, column, index, trigger or view
missing or added). A refused file (`RestoreRefused`) changes nothing.

SQLite: a private copy of the backup is checked and migrated, then copied into the live
database with the backup API.

PostgreSQL: all in one transaction, the tables emptied, the schema migrated down and up to the
dump's revision, the rows loaded, then migrated up to head.

The migrations run through `recipes.schema`, on the restore's own connection.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..database import checkpoint_wal
from ..extensions import db
from ..schema import head_revision, is_known_revision, migration_lock, run_migrations
from ..search.index import is_search_table, reindex
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
from .create import LOCK_WAIT_SECONDS, connect, copy_sqlite, live_sqlite_path, safety_copy
from .dump_format import DUMP_FORMAT, DUMP_VERSION, column_decoder, dump_lines, read_dump
from .schema_check import (
    VERSION_TABLE,
    describe_sqlite,
    dump_problems,
    dump_tables_optional,
    expected_schema,
    sqlite_problems,
    summary,
)


def restore_backup(path: Path) -> RestoreReport:
    """Replace everything in the database with the backup at `path`, then migrate it to head.

    The file is checked first (refused files change nothing), then a safety copy of the
    database is made (kind "before-restore"). Login sessions come back with the rest: a browser
    signed in when the backup was made is signed in again (with the same secret key), any
    other login is gone. SQLite backups restore into SQLite, PostgreSQL dumps into PostgreSQL.
    """
    source = Path(path)
    engine = db.engine
    kind = _restorable_kind(source, engine.dialect.name)
    db.session.remove()  # hold no transaction of our own while the data is replaced
    with _file_errors(source):
        if kind == "sqlite":
            return _restore_sqlite(source, engine)
        return _restore_postgres(source, engine)


def inspect_backup(path: Path) -> BackupContents:
    """What the backup at `path` holds, after the very checks `restore_backup` makes first
    (RestoreRefused if it would refuse it); the database is not touched."""
    source = Path(path)
    kind = _restorable_kind(source, db.engine.dialect.name)
    with _file_errors(source):
        if kind == "sqlite":
            with _staged_sqlite(source) as staging:
                revision = _check_sqlite_file(staging, source)
                return BackupContents("sqlite", revision, _sqlite_rows(staging))
        contents = check_dump(source)
        _check_dump_schema(source, contents)
        rows = {name: count for name, (_, count) in contents.tables.items()}
        return BackupContents("postgresql", contents.revision, rows)


def live_rows() -> dict[str, int]:
    """Rows per table in the database now (what a restore would replace)."""
    with db.engine.connect() as connection:
        return _count_rows(connection)


def _restorable_kind(source: Path, dialect: str) -> str:
    """ "sqlite" or "dump": what the file is, if this Recipes' database can take it."""
    kind = _sniff(source)
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
    return kind


@contextlib.contextmanager
def _file_errors(source: Path) -> Iterator[None]:
    """A file or SQLite error while reading or restoring `source`, as a BackupError."""
    try:
        yield
    except OSError as exc:
        raise BackupError(f"cannot restore {source}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise BackupError(f"cannot restore {source}: {exc}") from None


# --- what a restore reports ----------------------------------------------------------------------


# How the tables are named in a restore's summary: (one, many).
SUMMARY_NAMES = {
    "user": ("account", "accounts"),
    "recipe": ("recipe", "recipes"),
    "tag": ("tag", "tags"),
    "recipe_image": ("picture", "pictures"),
    "login_session": ("login session", "login sessions"),
}


def describe_rows(rows: dict[str, int]) -> str:
    """ "2 accounts, 1 recipe, 3 tags, 0 pictures, 1 login session": what a database holds."""
    return ", ".join(
        f"{rows[table]} {one if rows[table] == 1 else many}"
        for table, (one, many) in SUMMARY_NAMES.items()
        if table in rows
    )


@dataclass(frozen=True)
class BackupContents:
    """What a backup holds (`inspect_backup`): its engine, schema revision and rows per table."""

    engine: str  # "sqlite" or "postgresql"
    revision: str
    rows: dict[str, int]

    def summary(self) -> str:
        return describe_rows(self.rows)


@dataclass(frozen=True)
class RestoreReport:
    source: Path
    engine: str
    backup_revision: str  # the schema revision the backup held
    revision: str  # the database's schema revision now (head)
    safety_copy: Path
    rows: dict[str, int]  # rows per table in the restored database

    def summary(self) -> str:
        counts = describe_rows(self.rows)
        if self.backup_revision != self.revision:
            schema = f"schema {self.backup_revision}, migrated to {self.revision}"
        else:
            schema = f"schema {self.revision}"
        return f"Restored {self.source.name} ({schema}): {counts}. The previous database is in {self.safety_copy}"


def _report(source: Path, engine: str, backup_revision: str, safety: Path) -> RestoreReport:
    with db.engine.connect() as connection:
        from alembic.runtime.migration import MigrationContext  # (not loaded by the server until needed)

        revision = MigrationContext.configure(connection).get_current_revision() or ""
        rows = _count_rows(connection)
    return RestoreReport(source, engine, backup_revision, revision, safety, rows)


def _count_rows(connection: Connection) -> dict[str, int]:
    present = set(inspect(connection).get_table_names())
    return {
        t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
        for t in db.metadata.sorted_tables
        if t.name in present
    }


def _sqlite_rows(path: Path) -> dict[str, int]:
    """Rows per table of ours in the (checked) SQLite file at `path`."""
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _count_rows(connection)
    finally:
        engine.dispose()


# --- checking the file ---------------------------------------------------------------------------


SQLITE_MAGIC = b"SQLite format 3\x00"
GZIP_MAGIC = b"\x1f\x8b"


def _check_revision(revision: str, source: Path) -> None:
    if not is_known_revision(revision):
        head = head_revision()
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


_DAMAGED = (OSError, EOFError, ValueError)  # bad gzip data, cut short, bad JSON or UTF-8


def _dump_header(source: Path) -> dict[str, Any]:
    """The header of a dump of ours, or RestoreRefused."""
    lines = dump_lines(source)
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
    with contextlib.closing(dump_lines(source)) as lines:
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


def _check_sqlite_file(path: Path, source: Path) -> str:
    """The schema revision of the SQLite copy at `path`, after checking it is a whole Recipes
    database with exactly the schema the migrations make at that revision."""
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
    _check_sqlite_schema(path, source, revisions[0])
    return revisions[0]


def _check_sqlite_schema(path: Path, source: Path, revision: str) -> None:
    """The SQLite copy at `path` has exactly the schema the migrations make at `revision`."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            schema = describe_sqlite(connection)
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(f"{source} is a damaged SQLite file ({exc})") from None
    _refuse_unless_ours(source, revision, sqlite_problems(schema, expected_schema(revision)))


def _check_dump_schema(source: Path, contents: DumpContents) -> None:
    """The dump's tables and columns are exactly those of its schema revision."""
    expected = expected_schema(contents.revision).dump_tables()
    found = {name: columns for name, (columns, _) in contents.tables.items()}
    _refuse_unless_ours(source, contents.revision, dump_problems(found, expected, dump_tables_optional(expected)))


def _refuse_unless_ours(source: Path, revision: str, problems: list[str]) -> None:
    if problems:
        raise RestoreRefused(
            f"{source} is refused: its schema is not the one Recipes makes at revision {revision} ({summary(problems)})"
        )


# --- SQLite --------------------------------------------------------------------------------------


def _restore_sqlite(source: Path, engine: Engine) -> RestoreReport:
    """Check and migrate a private copy of the backup, then copy it INTO the live database
    with the backup API: one write transaction, so workers serving meanwhile see the old data
    or the new, never a mix, and keep their connections. Moving a file over the database
    instead would leave running workers on the old file (and its WAL): writes lost."""
    live = live_sqlite_path(engine)
    with _staged_sqlite(source) as staging:
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
    engine.dispose()  # pooled connections would work on; new ones are cheap and surely fresh
    checkpoint_wal()  # the copy went through the write-ahead log: the whole database
    prune(kinds=[BEFORE_RESTORE], protect=[source])
    return _report(source, "sqlite", revision, safety)


@contextlib.contextmanager
def _staged_sqlite(source: Path) -> Iterator[Path]:
    """A private copy of the SQLite backup at `source` in the backups folder, removed after
    (RestoreRefused if SQLite says it is no database or a damaged one)."""
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
        yield staging
    finally:
        remove_with_journal(staging)


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


# --- PostgreSQL ----------------------------------------------------------------------------------


# How much of a dump the PostgreSQL restore sends to the database at once.
LOAD_BATCH_ROWS = 500
LOAD_BATCH_BYTES = 8 * 1024 * 1024


def _restore_postgres(source: Path, engine: Engine) -> RestoreReport:
    """In one transaction: empty the tables, migrate down to nothing and up to the dump's
    revision, load the rows, reset the id sequences, migrate up to head, rebuild the search
    index. Any failure rolls all of it back."""
    contents = check_dump(source)
    with connect(engine) as connection:
        from alembic.runtime.migration import MigrationContext  # (not loaded by the server until needed)

        current = MigrationContext.configure(connection).get_current_revision()
    if current is not None and not is_known_revision(current):
        raise BackupError(
            f"the database is at schema revision {current}, which this Recipes does not know: "
            "restore with the Recipes that made it"
        )
    _check_dump_schema(source, contents)
    safety = safety_copy()
    try:
        with migration_lock(engine), connect(engine) as connection, connection.begin():
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
        reason = str(exc) if isinstance(exc, BackupError) else f"{exc.__class__.__name__}: {first_line(exc)}"
        raise BackupError(
            f"restoring {source} failed ({reason}); the database is as it was, a copy is in {safety}"
        ) from None
    prune(kinds=[BEFORE_RESTORE], protect=[source])
    return _report(source, "postgresql", contents.revision, safety)


def _empty_tables(connection: Connection) -> None:
    """Empty our tables first, so downgrading them is quick and never trips over their data."""
    present = set(inspect(connection).get_table_names())
    names = [t.name for t in db.metadata.sorted_tables if t.name in present]
    names += sorted(n for n in present if is_search_table(n))
    if names:
        quote = connection.dialect.identifier_preparer.quote
        connection.execute(text(f"TRUNCATE {', '.join(quote(n) for n in names)} RESTART IDENTITY CASCADE"))


def _load_dump(connection: Connection, source: Path, contents: DumpContents) -> list[Table]:
    """Load the rows into the tables just migrated to the dump's revision: the dump's tables
    and columns are checked once more against them, PostgreSQL's own."""
    tables = MetaData()
    ours = db.metadata.tables.keys() | contents.tables.keys()  # a table of someone else's is none of ours
    present = inspect(connection).get_table_names()
    names = [n for n in present if n in ours and n != VERSION_TABLE and not is_search_table(n)]
    tables.reflect(bind=connection, only=names)
    expected = {name: [c.name for c in tables.tables[name].columns] for name in names}
    found = {name: columns for name, (columns, _) in contents.tables.items()}
    problems = dump_problems(found, expected, dump_tables_optional(expected))
    if problems:
        raise BackupError(f"its tables are not those of schema {contents.revision} here: {summary(problems)}")
    loaded = []
    for name, columns, rows in read_dump(source):
        table = tables.tables[name]
        decoders = [(column, column_decoder(table, column)) for column in columns]
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
