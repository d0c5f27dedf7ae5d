"""The file format of a PostgreSQL backup (a dump): writing its lines, and reading them back.

Gzip-compressed JSON Lines. Line 1 is a header (format, version, schema revision); then, for
each table of the models' metadata (`db.metadata.sorted_tables`, parents before children) that
the database has, a line `{"table": name, "columns": [...]}` and one JSON array per row (bytes
as base64, times as ISO 8601); the last line, `{"end": {table: rows}}`, proves the file is
whole. The search index is not dumped: restoring rebuilds it.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import io
import json
from collections.abc import Callable, Generator, Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from sqlalchemy import JSON, Table, null

from .backup_files import BackupError

DUMP_FORMAT = "recipes-pgdump"
DUMP_VERSION = 1


def write_line(out: IO[str], value: Any) -> None:
    """One line of a dump: `value` as compact JSON (see `encode_value` for what JSON lacks)."""
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=encode_value))
    out.write("\n")


def encode_value(value: Any) -> Any:
    """A database value JSON has no type for, as the dump holds it (`column_decoder` reads it back)."""
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
def gzip_text_writer(path: Path) -> Iterator[IO[str]]:
    """The new dump at `path`, to write lines of text into."""
    with (
        open(path, "wb") as raw,
        # Level 1: most of a dump is pictures (already compressed) in base64; higher levels
        # take several times longer for a few per cent.
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as packed,
        io.TextIOWrapper(packed, encoding="utf-8", newline="\n") as out,
    ):
        yield out


def dump_lines(path: Path) -> Generator[tuple[int, Any], None, None]:
    """Each line of a dump, parsed, with its length."""
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as lines:
        for line in lines:
            yield len(line), json.loads(line)


def read_dump(source: Path) -> Iterator[tuple[str, list[str], Iterator[tuple[int, list[Any]]]]]:
    """The tables of a dump checked by `check_dump`, in order: (name, columns, rows), each row
    with the length of its line. Values are as in the file (bytes in base64)."""
    with contextlib.closing(dump_lines(source)) as lines:
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


def column_decoder(table: Table, column: str) -> Callable[[Any], Any] | None:
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
