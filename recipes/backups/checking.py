"""Checking a file before restoring it: what it is (by its content, never by its name), that
it is whole, and that this Recipes can restore it (format, schema revision). A refused file
(`RestoreRefused`) changes nothing."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..schema import head_revision, is_known_revision
from .backup_files import RestoreRefused
from .dump_format import DUMP_FORMAT, DUMP_VERSION, _dump_lines

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
