"""Whether a backup's schema is exactly the one Recipes makes at the backup's schema revision.

What a revision should have is made for real, never kept by hand: an empty SQLite database
migrated to that revision by the migrations this app runs (`recipes.schema.sqlite_database_at`),
then described; once per revision per process. So whatever a migration makes is ours (the FTS5
search index and its shadow tables, a trigger or a view a later migration adds), and anything
else is not.

A SQLite backup is described the same way and the two compared: tables; their columns (declared
type, NOT NULL, default, primary key, generated), foreign keys and unique constraints; the
clauses SQLite keeps only in a table's SQL (CHECK, COLLATE, ON CONFLICT, AUTOINCREMENT,
generated columns, WITHOUT ROWID); indexes; triggers; views. Through SQLite's own PRAGMAs
rather than by comparing CREATE statements, whose spelling differs between Alembic versions;
triggers, views, virtual tables and partial indexes by their statement, spacing, case and
identifier quotes aside. Reading a schema runs none of it (no trigger fires, no view is read).

A PostgreSQL dump holds rows of tables: its tables and columns are compared with the same
description (the migrations make the same tables and columns on both engines, the search index
apart, which a dump leaves out; tests/test_migrations.py holds the models to the migrations on
both). A table the models no longer have may be missing: a newer Recipes dumps only the models'
tables (see `create.dump_postgres`).

Each difference is one phrase naming the object ("no table share_link", "an extra trigger
make_admins on user"); `summary` puts them on one line.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Collection, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field

from ..extensions import db
from ..schema import migrations_in_use, sqlite_database_at
from ..search.index import is_search_table
from .backup_files import BackupError, first_line
from .create import left_out_tables

# Alembic's own table: in every database the migrations made, never in a dump.
VERSION_TABLE = "alembic_version"
# Tables SQLite makes itself: for AUTOINCREMENT (which a table's clauses show) and ANALYZE's statistics.
SQLITE_OWN_TABLES = frozenset({"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})
# How many differences a message names before it counts the rest, and its longest line.
SHOWN_PROBLEMS = 8
SUMMARY_LIMIT = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# --- describing a SQLite schema ------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    type: str
    not_null: bool
    default: str | None
    primary_key: int  # position in the primary key, 0 if not in it
    generated: bool

    def __str__(self) -> str:
        words = [self.type or "untyped"]
        if self.not_null:
            words.append("NOT NULL")
        if self.default is not None:
            words.append(f"DEFAULT {self.default}")
        if self.primary_key:
            words.append("PRIMARY KEY")
        if self.generated:
            words.append("GENERATED")
        return " ".join(words)


@dataclass(frozen=True)
class Table:
    columns: dict[str, Column] = field(default_factory=dict)  # in the table's order
    foreign_keys: frozenset[str] = frozenset()  # each as a phrase: "(owner_id) to user (id) ON DELETE CASCADE"
    unique: frozenset[tuple[str, ...]] = frozenset()  # the columns of each UNIQUE constraint
    clauses: dict[str, str] = field(default_factory=dict)  # normalised -> as written (see `_special_clauses`)
    virtual: str | None = None  # a virtual table's statement, normalised (it has nothing else here)


@dataclass(frozen=True)
class Index:
    table: str
    unique: bool
    columns: tuple[str, ...]
    statement: str | None  # normalised, for a partial index or one on expressions

    def __str__(self) -> str:
        shape = f"{'UNIQUE ' if self.unique else ''}({', '.join(self.columns)})"
        return f"{shape} {self.statement}" if self.statement else shape


@dataclass(frozen=True)
class Schema:
    tables: dict[str, Table]
    indexes: dict[str, Index]  # those made by CREATE INDEX (UNIQUE constraints are the tables')
    triggers: dict[str, tuple[str, str]]  # name -> (table, normalised statement)
    views: dict[str, str]  # name -> normalised statement

    def dump_tables(self) -> dict[str, list[str]]:
        """The tables a PostgreSQL dump at this revision holds, with their columns."""
        return {
            name: list(table.columns)
            for name, table in self.tables.items()
            if table.virtual is None and name != VERSION_TABLE and not is_search_table(name)
        }


def describe_sqlite(connection: sqlite3.Connection) -> Schema:
    """The schema of the SQLite database on `connection`, as `Schema` compares it."""
    tables: dict[str, Table] = {}
    indexes: dict[str, Index] = {}
    triggers: dict[str, tuple[str, str]] = {}
    views: dict[str, str] = {}
    rows = connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    for kind, name, table, sql in rows:
        if kind == "table" and name not in SQLITE_OWN_TABLES:
            tables[name] = _describe_table(connection, name, sql or "")
        elif kind == "trigger":
            triggers[name] = (table, normal_sql(sql or ""))
        elif kind == "view":
            views[name] = normal_sql(sql or "")
    statements = {name: sql for kind, name, _, sql in rows if kind == "index"}
    for table_name, table in tables.items():
        if table.virtual is None:
            indexes.update(_describe_indexes(connection, table_name, statements))
    return Schema(tables, indexes, triggers, views)


def _pragma(connection: sqlite3.Connection, pragma: str, name: str) -> list[tuple[object, ...]]:
    return connection.execute(f"SELECT * FROM pragma_{pragma}(?)", (name,)).fetchall()  # noqa: S608 (our names)


def _describe_table(connection: sqlite3.Connection, name: str, sql: str) -> Table:
    if normal_sql(sql).startswith("create virtual table"):
        return Table(virtual=normal_sql(sql))
    columns = {
        str(column): Column(
            type=_normal_type(str(kind or "")),
            not_null=bool(not_null),
            default=None if default is None else normal_sql(str(default)),
            primary_key=int(str(primary_key)),
            generated=int(str(hidden)) in (2, 3),
        )
        for _, column, kind, not_null, default, primary_key, hidden in _pragma(connection, "table_xinfo", name)
    }
    keys: dict[object, list[tuple[object, ...]]] = {}
    for row in _pragma(connection, "foreign_key_list", name):
        keys.setdefault(row[0], []).append(row)
    unique = frozenset(
        _index_columns(connection, str(index))
        for _, index, _, origin, _ in _pragma(connection, "index_list", name)
        if origin == "u"
    )
    return Table(columns, frozenset(_foreign_key(parts) for parts in keys.values()), unique, _special_clauses(sql))


def _foreign_key(parts: list[tuple[object, ...]]) -> str:
    """One foreign key (the PRAGMA's rows for it, one per column), as a phrase."""
    parts = sorted(parts, key=lambda row: int(str(row[1])))
    _, _, parent, _, _, on_update, on_delete, match = parts[0]
    own = ", ".join(str(row[3]) for row in parts)
    theirs = ", ".join(str(row[4]) if row[4] is not None else "its primary key" for row in parts)
    phrase = f"({own}) to {parent} ({theirs})"
    if on_delete != "NO ACTION":
        phrase += f" ON DELETE {on_delete}"
    if on_update != "NO ACTION":
        phrase += f" ON UPDATE {on_update}"
    if match != "NONE":
        phrase += f" MATCH {match}"
    return phrase


def _index_columns(connection: sqlite3.Connection, index: str) -> tuple[str, ...]:
    columns = []
    for _, _, column, descending, collation, key in _pragma(connection, "index_xinfo", index):
        if not key:
            continue
        words = [str(column) if column is not None else "<expression>"]
        if descending:
            words.append("DESC")
        if collation and str(collation).upper() != "BINARY":
            words.append(f"COLLATE {collation}")
        columns.append(" ".join(words))
    return tuple(columns)


def _describe_indexes(
    connection: sqlite3.Connection, table: str, statements: Mapping[str, str | None]
) -> Iterator[tuple[str, Index]]:
    for _, index, unique, origin, partial in _pragma(connection, "index_list", table):
        if origin != "c":  # a UNIQUE constraint's or a primary key's own index: the table has those
            continue
        columns = _index_columns(connection, str(index))
        special = partial or any(c.startswith("<expression>") for c in columns)
        statement = normal_sql(statements.get(str(index)) or "") if special else None
        yield str(index), Index(table, bool(unique), columns, statement)


# --- SQL text, normalised --------------------------------------------------------------------

# A string, a quoted identifier ("x", `x`, [x]), a word or a number, or one other character.
_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|\w+|[^\s\w]""")
# The words that make a table's clause one the PRAGMAs do not show.
_SPECIAL_WORDS = frozenset({"check", "collate", "conflict", "autoincrement", "generated", "as", "without", "strict"})


def _token_key(token: str) -> str:
    if token.startswith("'"):
        return token  # a string, as written
    if token[0] in '"`[':
        return token[1:-1].casefold()  # a quoted identifier: SQLite ignores case, so do we
    return token.casefold()


def normal_sql(sql: str) -> str:
    """`sql` with spacing, case and identifier quotes evened out (strings kept as written)."""
    return " ".join(_token_key(match.group()) for match in _TOKEN.finditer(sql))


def _normal_type(kind: str) -> str:
    return re.sub(r"\s*([(),])\s*", r"\1", " ".join(kind.upper().split()))


def _special_clauses(sql: str) -> dict[str, str]:
    """The clauses of a CREATE TABLE (each column, each table constraint, the options after
    it) that say what no PRAGMA shows: CHECK, COLLATE, ON CONFLICT, ..., normalised -> as written."""
    clauses: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    depth, closed = 0, False
    for match in _TOKEN.finditer(sql):
        symbol = match.group()
        if closed:
            current.append(match)  # WITHOUT ROWID, STRICT
            continue
        if symbol == "(":
            depth += 1
            if depth == 1:
                continue
        elif symbol == ")":
            depth -= 1
            if depth == 0:
                clauses.append(current)
                current, closed = [], True
                continue
        elif symbol == "," and depth == 1:
            clauses.append(current)
            current = []
            continue
        if depth >= 1:
            current.append(match)
    clauses.append(current)
    found = {}
    for clause in clauses:
        if any(m.group().casefold() in _SPECIAL_WORDS for m in clause):
            written = " ".join(sql[clause[0].start() : clause[-1].end()].split())
            found[" ".join(_token_key(m.group()) for m in clause)] = written
    return found


# --- what a revision should have -----------------------------------------------------------------


def expected_schema(revision: str) -> Schema:
    """The schema the migrations make at `revision` (a known one), on SQLite."""
    try:
        return _expected_schema(migrations_in_use(), revision)
    except BackupError:
        raise
    except Exception as exc:  # a migration's own code may raise anything
        raise BackupError(
            f"cannot make schema revision {revision} to compare the backup with "
            f"({exc.__class__.__name__}: {first_line(exc)})"
        ) from None


@functools.cache
def _expected_schema(migrations: str, revision: str) -> Schema:
    """Per set of migrations and revision, once per process (`migrations` is the cache's key)."""
    with sqlite_database_at(revision) as connection:
        return describe_sqlite(connection)


# --- comparing -----------------------------------------------------------------------------------


def sqlite_problems(found: Schema, expected: Schema) -> list[str]:
    """How `found` differs from `expected`, one phrase per difference (none: the same)."""
    if found == expected:
        return []
    problems: list[str] = []
    for name in _union(expected.tables, found.tables):
        if name not in found.tables:
            problems.append(f"no table {name}")
        elif name not in expected.tables:
            problems.append(f"an extra table {name}")
        else:
            problems += _table_problems(name, found.tables[name], expected.tables[name])
    problems += _index_problems(found, expected)
    for name in _union(expected.triggers, found.triggers):
        if name not in found.triggers:
            problems.append(f"no trigger {name} on {expected.triggers[name][0]}")
        elif name not in expected.triggers:
            problems.append(f"an extra trigger {name} on {found.triggers[name][0]}")
        elif found.triggers[name] != expected.triggers[name]:
            problems.append(f"trigger {name} on {found.triggers[name][0]} is not the one Recipes makes")
    for name in _union(expected.views, found.views):
        if name not in found.views:
            problems.append(f"no view {name}")
        elif name not in expected.views:
            problems.append(f"an extra view {name}")
        elif found.views[name] != expected.views[name]:
            problems.append(f"view {name} is not the one Recipes makes")
    return problems


def _union(expected: Mapping[str, object], found: Mapping[str, object]) -> list[str]:
    return sorted(expected.keys() | found.keys())


def _index_problems(found: Schema, expected: Schema) -> list[str]:
    """Indexes missing, extra or different, by table (none for a table missing or extra: that says it all)."""
    shared = found.tables.keys() & expected.tables.keys()
    either = {**found.indexes, **expected.indexes}
    problems = []
    for name in sorted(either, key=lambda n: (either[n].table, n)):
        mine, ours = found.indexes.get(name), expected.indexes.get(name)
        if either[name].table not in shared or mine == ours:
            continue
        if mine is None:
            problems.append(f"no index {name} on {either[name].table}")
        elif ours is None:
            problems.append(f"an extra index {name} on {mine.table}")
        elif mine.table != ours.table:
            problems.append(f"index {name} is on {mine.table}, not on {ours.table}")
        else:
            problems.append(f"index {name} on {ours.table} is {mine}, not {ours}")
    return problems


def _table_problems(name: str, found: Table, expected: Table) -> list[str]:
    if found == expected:
        return []
    if found.virtual != expected.virtual:
        return [f"table {name} is not the one Recipes makes"]
    problems = column_problems(name, list(found.columns), list(expected.columns))
    for column, ours in expected.columns.items():
        mine = found.columns.get(column)
        if mine is not None and mine != ours:
            problems.append(f"column {name}.{column} is {mine}, not {ours}")
    for key in sorted(expected.foreign_keys - found.foreign_keys):
        problems.append(f"table {name} lacks the foreign key {key}")
    for key in sorted(found.foreign_keys - expected.foreign_keys):
        problems.append(f"table {name} has an extra foreign key {key}")
    for columns in sorted(expected.unique - found.unique):
        problems.append(f"table {name} lacks the unique constraint on ({', '.join(columns)})")
    for columns in sorted(found.unique - expected.unique):
        problems.append(f"table {name} has an extra unique constraint on ({', '.join(columns)})")
    for key in sorted(expected.clauses.keys() - found.clauses.keys()):
        problems.append(f"table {name} lacks the clause: {_shortened(expected.clauses[key])}")
    for key in sorted(found.clauses.keys() - expected.clauses.keys()):
        problems.append(f"table {name} has a clause Recipes does not make: {_shortened(found.clauses[key])}")
    return problems


def column_problems(table: str, found: Sequence[str], expected: Sequence[str]) -> list[str]:
    """Columns missing, extra or named twice, in the expected order."""
    problems = []
    twice = sorted({c for c in found if found.count(c) > 1})
    if twice:
        problems.append(f"table {table} has the column{_s(twice)} {', '.join(twice)} twice")
    missing = [c for c in expected if c not in found]
    if missing:
        problems.append(f"table {table} lacks column{_s(missing)} {', '.join(missing)}")
    extra = [c for c in dict.fromkeys(found) if c not in expected]
    if extra:
        problems.append(
            f"table {table} has {'an extra column' if len(extra) == 1 else 'extra columns'} {', '.join(extra)}"
        )
    return problems


def dump_problems(
    found: Mapping[str, Sequence[str]], expected: Mapping[str, Sequence[str]], optional: Collection[str] = ()
) -> list[str]:
    """How a dump's tables and their columns differ from those `expected` (tables in
    `optional` may be missing), one phrase per difference."""
    problems: list[str] = []
    for name in _union(expected, found):
        if name not in found:
            if name not in optional:
                problems.append(f"no table {name}")
        elif name not in expected:
            problems.append(f"an extra table {name}")
        else:
            problems += column_problems(name, found[name], expected[name])
    return problems


def dump_tables_optional(tables: Collection[str]) -> set[str]:
    """Which of a revision's `tables` a dump may lack: those the models no longer have, and those
    no backup keeps (`info={"backed_up": False}`: secrets waiting a moment to be shown once)."""
    left_out = left_out_tables()
    return {name for name in tables if name not in db.metadata.tables or name in left_out}


def summary(problems: Sequence[str]) -> str:
    """The differences on one line, the first few by name (a name a file chose may hold anything:
    control characters are escaped, and the line is cut short if it is very long)."""
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    rest = len(problems) - SHOWN_PROBLEMS
    line = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", f"{shown}; and {rest} more" if rest > 0 else shown)
    return _shortened(line, SUMMARY_LIMIT)


def _s(items: Sized) -> str:
    return "s" if len(items) != 1 else ""


def _shortened(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
