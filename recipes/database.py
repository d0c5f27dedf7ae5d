"""Per-connection database setup.

SQLite is tuned on every connection: WAL (readers never block the writer), foreign
keys on, a busy timeout, and transactions that take the write lock up front when the
request is going to write. A deferred transaction that reads and then writes cannot
wait for the lock (SQLite returns "database is locked" at once rather than risk a
deadlock), so requests that change state begin with `BEGIN IMMEDIATE` and queue
behind each other for up to the busy timeout instead.

The write-ahead log grows as large as the largest write since it was last emptied and
stays that size on disk: `checkpoint_wal` empties it after large writes (a restore, bulk
imports, demo data), and every connection caps what a reset log keeps (journal_size_limit).
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
# What a write-ahead log keeps on disk once it is reset after a checkpoint (SQLite truncates
# it to this); it still grows as a large write needs, until the next reset.
WAL_SIZE_LIMIT = 16 * 1024 * 1024
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
    cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


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


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    if not event.contains(engine, "connect", _on_sqlite_connect):
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)


def init_app(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
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
