"""QuickRead (recipes/database.py): one row read with the driver itself. On SQLite through a
connection of the worker's own (outside the pool), which sees each commit at once, is closed
with the engine's pool and made again after."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from recipes.database import QuickRead, sqlite_readers
from recipes.extensions import db
from recipes.models import User

from .database_fixtures import using_postgres

NAME_OF = QuickRead(select(User.username, User.created_at).where(User.id == 1))


def test_a_quick_read_converts_its_values_and_sees_each_commit(app: Flask, make_user: Any) -> None:
    make_user("alice")
    with app.app_context():
        name, created = NAME_OF.first({}) or (None, None)
        assert name == "alice" and created is not None and created.year >= 2026  # a datetime, not text
        db.session.execute(User.__table__.update().values(username="alicia"))
        db.session.commit()
        assert NAME_OF.scalar({}) == "alicia"


def test_sqlite_reads_use_a_connection_of_their_own_closed_with_the_pool(app: Flask, make_user: Any) -> None:
    if using_postgres():
        pytest.skip("SQLite only: PostgreSQL reads through the pool")
    make_user("alice")
    with app.app_context():
        reader = sqlite_readers.of(db.engine)
        assert reader is not None
        checked_out = db.engine.pool.checkedout()
        assert NAME_OF.scalar({}) == "alice"
        assert db.engine.pool.checkedout() == checked_out
        assert reader._held is not None
        db.engine.dispose()
        assert reader._held is None
        assert NAME_OF.scalar({}) == "alice"
