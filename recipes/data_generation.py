"""The data generation: one number that changes with every write to what a recipe list shows.

A worker may keep a page it made (cookbook/list_pages.py) for as long as this number is what it
was when the page was made: it changes, in the same transaction, with every write to a table in
BUMPED_BY. Triggers keep it (migration 0016), not the app's code, so no writer can forget it: a
page, the API, the CLI, an import, a restore. It lives in the database, so every worker and every
app container sharing the database sees the same number, and reading it is one primary-key read
that can share a statement with a read the request makes anyway (the signed-in user's).

Why a page made after reading the number is safe to keep under it: the number is read before the
page's data (in an earlier statement, or the same one), and a write changes both in one
transaction, so the data is as new as the number or newer, never older. A request that reads the
number after a write commits reads the new number, and no longer finds pages kept under the old.

A value is never used twice: each change makes it the greater of one more and the time in
microseconds, so even a database restored with an older value goes on with new ones. No backup
keeps the row (a restored database has none until its next write); with no row there is no
number (None), and nothing may be kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, ScalarSelect, select, text

from .extensions import db
from .models import DataGeneration

# The tables a recipe list is made of: the recipes, their tags, the accounts (whose household
# decides what one sees, whose name a card shows, whose preferences shape the page), imports
# still arriving (hidden until done), and each account's marks (the stars on a card, the filters
# and orders by them). A write to any of them changes the generation (migration 0016's triggers;
# a test checks that each table has them).
BUMPED_BY = (
    "recipe",
    "recipe_tag",
    "tag",
    "user",
    "pending_recipe",
    "recipe_rating",
    "recipe_favourite",
    "cooking_log",
)

_CURRENT = select(DataGeneration.value).where(DataGeneration.id == 1).scalar_subquery()


def current() -> ScalarSelect[Any]:
    """The generation as a column of another statement (NULL when there is none)."""
    return _CURRENT


def read() -> int | None:
    """The generation now (in the session's transaction), or None when there is none."""
    value = db.session.scalar(select(_CURRENT))
    return None if value is None else int(value)


def fire_at_each_statement(connection: Connection) -> None:
    """In a transaction that writes rows and then alters tables (the migrations, a restore):
    PostgreSQL's triggers of the generation wait for the commit (see migration 0016), and
    PostgreSQL will not alter a table with trigger events waiting. From here to the end of the
    transaction they fire at the end of each statement instead. Nothing to do on SQLite."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
