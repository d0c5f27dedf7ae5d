"""Per-connection database setup.

SQLite is tuned on every connection: WAL (readers never block the writer), foreign
keys on, a busy timeout, and transactions that take the write lock up front when the
request is going to write. A deferred transaction that reads and then writes cannot
wait for the lock (SQLite returns "database is locked" at once rather than risk a
deadlock), so requests that change state begin with `BEGIN IMMEDIATE` and queue
behind each other for up to the busy timeout instead.

Inside one process the writers also queue on a lock of the process's own (the write gate)
before they ask SQLite. Under Gunicorn's cooperative (gevent) workers many requests share
one thread: one that held SQLite's write lock and paused (for a socket, a child process)
would otherwise never be resumed while another sat in SQLite's busy wait, which blocks the
thread. Waiting on the gate lets it finish. The request body is always in before any of
this starts (see request_body.py), so no transaction ever waits on a client.

The write-ahead log grows as large as the largest write since it was last emptied and
stays that size on disk: `checkpoint_wal` empties it after large writes (a restore, bulk
imports, demo data), and every connection caps what a reset log keeps (journal_size_limit).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from .extensions import db
from .json_codec import column_loads

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# What a write-ahead log keeps on disk once it is reset after a checkpoint (SQLite truncates
# it to this); it still grows as a large write needs, until the next reset.
WAL_SIZE_LIMIT = 16 * 1024 * 1024
# Each connection's page cache, at most (SQLite's default is 2 MiB). At 50,000 recipes a search
# reads more than that (the text index's lists, the cards' rows and the indexes it walks), and
# with the default the served searches cost 10 to 15% more CPU (docs/performance.md, issue 20).
# Filled only as pages are read: a small library never reaches it.
PAGE_CACHE_KIB = 8 * 1024
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_force_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("force_immediate", default=False)


@contextlib.contextmanager
def write_intent() -> Iterator[None]:
    """Mark work outside a request (CLI, bootstrap) as writing, so SQLite locks up front."""
    token = _force_immediate.set(True)
    try:
        yield
    finally:
        _force_immediate.reset(token)


_reads_only: contextvars.ContextVar[bool] = contextvars.ContextVar("reads_only", default=False)


@contextlib.contextmanager
def reads_only() -> Iterator[None]:
    """Work that only reads, inside a state-changing request (an error page after a failed
    write): its transaction does not ask for the write lock."""
    token = _reads_only.set(True)
    try:
        yield
    finally:
        _reads_only.reset(token)


def release_transaction() -> None:
    """End the session's transaction, read-only so far, before slow work (hashing a
    password, decoding a picture, waiting on another web site).

    State-changing requests take SQLite's write lock up front; holding it through slow
    work would make every other writer wait. The next query begins a new transaction.
    """
    db.session.rollback()


def _wants_write_lock() -> bool:
    if _force_immediate.get():
        return True
    if _reads_only.get():
        return False
    return has_request_context() and request.method not in SAFE_METHODS


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}")
    cursor.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
    cursor.close()


GATE_KEY = "recipes_write_gate"


class _WriteGates:
    """One write gate per engine, made when the engine is configured, after gevent (if used) has
    patched `threading` (in the master that loads the app for its workers, recipes/preload.py
    patches first), so waiting on it lets other requests run; made again in each forked worker."""

    def __init__(self) -> None:
        self._gates: dict[int, threading.Lock] = {}

    def make(self, engine: Engine) -> None:
        self._gates.setdefault(id(engine), threading.Lock())

    def remake(self, engine: Engine) -> None:
        """A new gate (in a forked process: the parent's may have been held when it forked)."""
        self._gates[id(engine)] = threading.Lock()

    def of(self, engine: Engine) -> threading.Lock | None:
        return self._gates.get(id(engine))


write_gates = _WriteGates()


def _busy() -> OperationalError:
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def _on_sqlite_begin(connection: Any) -> None:
    if not _wants_write_lock():
        connection.exec_driver_sql("BEGIN")
        return
    gate = write_gates.of(connection.engine)
    if gate is not None:
        if not gate.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise _busy()
        connection.info[GATE_KEY] = gate
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _open_gate(connection.info)
        raise


def _open_gate(info: dict[Any, Any]) -> None:
    gate = info.pop(GATE_KEY, None)
    if gate is not None:
        gate.release()


def _on_transaction_end(connection: Any) -> None:
    _open_gate(connection.info)


def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
    # A connection handed back mid-transaction is rolled back by the pool: the gate opens too.
    _open_gate(record.info)


def checkpoint_wal() -> None:
    """After a large write on SQLite (a restore, a bulk import, demo data): copy the
    write-ahead log into the database and truncate it, so the log does not keep the size of
    that write on disk. Waits (up to the busy timeout) for readers of older data to finish.
    Nothing to do on other databases; a checkpoint that cannot finish is only logged: the
    write it follows has been committed, and SQLite checkpoints on its own later."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    try:
        # A connection of its own, outside any transaction (a checkpoint cannot run in one).
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            busy, pages, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.close()
        finally:
            connection.close()
    except (sqlite3.Error, SQLAlchemyError) as exc:
        log.warning("the write-ahead log was not checkpointed: %s", exc)
        return
    if busy:
        log.info("the write-ahead log (%s pages) is still in use; SQLite will checkpoint it later", pages)


# Every engine the app made (configure_engine), so a forked process can let go of the parent's
# connections (fresh_after_fork).
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def configure_engine(engine: Engine) -> None:
    _engines.add(engine)
    if engine.dialect.name != "sqlite":
        return
    write_gates.make(engine)
    sqlite_readers.make(engine)
    if not event.contains(engine, "connect", _on_sqlite_connect):
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
        event.listen(engine, "commit", _on_transaction_end)
        event.listen(engine, "rollback", _on_transaction_end)
        event.listen(engine, "checkin", _on_checkin)


def fresh_after_fork() -> None:
    """In a process forked from one that had the app (Gunicorn's workers, forked from the master
    that loaded the app once: preload_app): the pooled connections are the parent's, so each
    engine forgets them without closing them (closing would end the parent's too; SQLAlchemy's
    `dispose(close=False)` is made for this), and each SQLite engine gets a write gate of its own."""
    for engine in list(_engines):
        engine.dispose(close=False)
        if engine.dialect.name == "sqlite":
            write_gates.remake(engine)


os.register_at_fork(after_in_child=fresh_after_fork)


def init_app(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    options.setdefault("json_deserializer", column_loads)
    if url.startswith("sqlite"):
        connect_args = dict(options.get("connect_args", {}))
        connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
        options["connect_args"] = connect_args
    else:
        # A server may have dropped an idle connection (restart, failover): test it
        # before use. A local SQLite file needs no such round trip on every request.
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    with app.app_context():
        # Creating the engine opens no connection; it only attaches the listeners.
        configure_engine(db.engine)


class QuickRead:
    """One row read with the database driver itself, for a request answered in well under a
    millisecond (the list page's poll, every few seconds per open page; the list page kept
    ready): the statement compiled once per database, its values converted by their types' own
    bind and result processors, run on a pooled connection without a session or a transaction of
    SQLAlchemy's (SQLite: one statement, in the autocommit our connections use outside a
    transaction; PostgreSQL: the pool rolls the read back when the connection returns). For reads
    only. About 0.1 ms, against 0.3 ms through a session."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._prepared: dict[str, _Prepared] = {}

    def _prepare(self, engine: Engine) -> _Prepared:
        prepared = self._prepared.get(engine.dialect.name)
        if prepared is None:
            dialect = engine.dialect
            compiled = self.statement.compile(dialect=dialect)
            assert isinstance(compiled, SQLCompiler)
            binds: dict[str, Callable[[Any], Any]] = {}
            for name, bind in compiled.binds.items():
                processor = bind.type.bind_processor(dialect)
                if processor is not None:
                    binds[name] = processor
            columns = getattr(self.statement, "selected_columns", ())
            results = [column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns]
            prepared = _Prepared(compiled, str(compiled), binds, results if any(results) else [])
            self._prepared[dialect.name] = prepared
        return prepared

    def scalar(self, values: dict[str, Any]) -> Any:
        """The first column of the first row (None when there is none)."""
        row = self.first(values)
        return None if row is None else row[0]

    def first(self, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row (None when there is none)."""
        engine = db.engine
        prepared = self._prepare(engine)
        compiled = prepared.compiled
        params = dict(compiled.construct_params(values) or {})
        for name, processor in prepared.binds.items():
            if name in params:
                params[name] = processor(params[name])
        positions = compiled.positiontup
        args: Any = [params[name] for name in positions] if compiled.positional and positions else params
        reader = sqlite_readers.of(engine)
        row = reader.first(prepared.sql, args) if reader is not None else _pooled_first(engine, prepared.sql, args)
        if row is None:
            return None
        if not prepared.results:
            return tuple(row)
        pairs = zip(prepared.results, row, strict=True)
        return tuple(value if convert is None else convert(value) for convert, value in pairs)


@dataclass(frozen=True)
class _Prepared:
    compiled: SQLCompiler
    sql: str
    binds: dict[str, Callable[[Any], Any]]  # bound parameter name -> the driver value's maker
    results: list[Callable[[Any], Any] | None]  # per column, what makes a value of the driver's (or none)


def _pooled_first(engine: Engine, sql: str, args: Any) -> Any:
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, args)
            return cursor.fetchone()
        finally:
            cursor.close()
    finally:
        connection.close()


class _SqliteReader:
    """A SQLite connection of the worker's own for QuickRead, outside the pool: taking one from
    the pool and giving it back (a rollback, the pool's events) costs more than the read. Made
    when first asked for, in the worker (never shared with a forked child: it is made again
    there), set up as every connection (the pool's own `connect` listeners), used by one read at
    a time (a read is one statement, in autocommit: it sees the last commit), and closed with the
    engine's pool (`dispose`). A connection that fails is dropped; the next read makes another."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._held: tuple[int, Any] | None = None  # (the process that made it, the pool's proxy)

    def first(self, sql: str, args: Any) -> Any:
        with self._lock:
            held = self._held
            if held is None or held[0] != os.getpid():
                proxy = self.engine.raw_connection()
                proxy.detach()  # the connection is ours now: closing it closes it
                held = self._held = (os.getpid(), proxy)
            connection = cast(sqlite3.Connection, held[1].dbapi_connection)
            try:
                cursor = connection.execute(sql, args)
                try:
                    return cursor.fetchone()
                finally:
                    cursor.close()
            except sqlite3.Error:
                self._drop()
                raise

    def _drop(self) -> None:
        held, self._held = self._held, None
        if held is not None and held[0] == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                held[1].close()

    def close(self) -> None:
        with self._lock:
            self._drop()


class _SqliteReaders:
    """One reader per SQLite engine, made when the engine is configured (in the worker, after
    gevent has patched `threading`, as the write gates are)."""

    def __init__(self) -> None:
        self._readers: dict[int, _SqliteReader] = {}

    def make(self, engine: Engine) -> None:
        if id(engine) not in self._readers:
            reader = self._readers[id(engine)] = _SqliteReader(engine)
            event.listen(engine, "engine_disposed", lambda _engine: reader.close())

    def of(self, engine: Engine) -> _SqliteReader | None:
        return self._readers.get(id(engine))


sqlite_readers = _SqliteReaders()
