"""The data generations: numbers that change with every write to what a kept page shows.

Two realms, each a row of `data_generation` and its own triggers: RECIPES (id 1, migration 0016:
what a recipe list is made of) and KITCHEN (id 2, migration 0018: the household, its plan, its
shopping lists, its invites and calendar feeds). A page is kept under the generations of the
realms it reads (recipes/kept_pages.py): a check-off on a shopping list changes KITCHEN only, and
leaves every worker's kept recipe lists as they are.

A worker may keep a page it made (kept_pages.py) for as long as these numbers are what they
were when the page was made: each changes, in the same transaction, with every write to a table
of its realm (BUMPED_BY, KITCHEN_BUMPED_BY). Triggers keep them (migrations 0016, 0018), not the
app's code, so no writer can forget it: a page, the API, the CLI, an import, a restore. It lives
in the database, so every worker and every app container sharing the database sees the same
number, and reading it is one primary-key read that can share a statement with a read the
request makes anyway (the signed-in user's).

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

# The household's own things, which the planner, cook mode's "Add what's missing", the shopping
# lists and the household page show: the household (its name, meals, week), its invites, its
# plan and calendar feeds, its shopping lists with their rows, recipes, shares, staples and aisle
# order, and the secrets waiting to be shown once on those pages (migration 0018's triggers; a
# test checks that each table a kept page reads is in the realms it is kept under).
KITCHEN_BUMPED_BY = (
    "household",
    "household_invite",
    "plan_entry",
    "plan_feed",
    "shopping_list",
    "shopping_list_recipe",
    "shopping_item",
    "shopping_item_source",
    "shopping_preferences",
    "aisle_choice",
    "shopping_list_share",
    "pending_secret",
)

# The realms: the id of each one's row, and the tables whose writes change it.
RECIPES = 1
KITCHEN = 2
REALMS: dict[int, tuple[str, ...]] = {RECIPES: BUMPED_BY, KITCHEN: KITCHEN_BUMPED_BY}

_CURRENT = {realm: select(DataGeneration.value).where(DataGeneration.id == realm).scalar_subquery() for realm in REALMS}


def current(realm: int = RECIPES) -> ScalarSelect[Any]:
    """A realm's generation as a column of another statement (NULL when there is none)."""
    return _CURRENT[realm]


def read(realm: int = RECIPES) -> int | None:
    """A realm's generation now (in the session's transaction), or None when there is none."""
    value = db.session.scalar(select(_CURRENT[realm]))
    return None if value is None else int(value)


def fire_at_each_statement(connection: Connection) -> None:
    """In a transaction that writes rows and then alters tables (the migrations, a restore):
    PostgreSQL's triggers of the generation wait for the commit (see migration 0016), and
    PostgreSQL will not alter a table with trigger events waiting. From here to the end of the
    transaction they fire at the end of each statement instead. Nothing to do on SQLite."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
