"""The data generation (recipes/data_generation.py, migration 0016): every write to a table a
recipe list is made of changes it, in the write's own transaction, whoever writes; nothing else
does; a value never comes back; and on PostgreSQL writers do not wait for each other on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from recipes import data_generation
from recipes.extensions import db
from recipes.models import CookingLogEntry, Favourite, PendingRecipe, Rating, Recipe, Tag, recipe_tag

from .database_fixtures import using_postgres


def generation(app: Flask) -> int | None:
    with app.app_context():
        return data_generation.read()


@pytest.fixture
def rows(app: Flask, make_user: Any) -> dict[str, int]:
    """A row in each table: alice's recipe, her tag on it, her marks on it, and bob."""
    alice, bob = make_user("alice"), make_user("bob")
    with app.app_context():
        recipe = Recipe(owner_id=alice, title="Soup", ingredients=["1 onion"], instructions=[])
        other = Recipe(owner_id=alice, title="Stew", ingredients=[], instructions=[])
        tag = Tag(owner_id=alice, name="soup", label="Soup")
        db.session.add_all([recipe, other, tag])
        db.session.flush()
        db.session.execute(recipe_tag.insert().values(recipe_id=recipe.id, tag_id=tag.id))
        db.session.add_all(
            [
                Rating(user_id=alice, recipe_id=recipe.id, stars=4),
                Favourite(user_id=alice, recipe_id=recipe.id),
                CookingLogEntry(user_id=alice, recipe_id=recipe.id, cooked_on=date(2026, 3, 14)),
                PendingRecipe(recipe_id=other.id, import_key="k" * 32),
            ]
        )
        db.session.commit()
        return {"alice": alice, "bob": bob, "recipe": recipe.id, "other": other.id, "tag": tag.id}


# For each table: a row put in, changed, taken out (`:name` are the ids of `rows`).
WRITES: dict[str, tuple[str, str, str]] = {
    "recipe": (
        "INSERT INTO recipe (owner_id, title, description, ingredients, instructions, servings, source_url, notes,"
        " visibility, created_at, updated_at, source_key, nutrition)"
        " VALUES (:bob, 'Bread', '', '[]', '[]', '', '', '', 'private', :now, :now, '', '{}')",
        "UPDATE recipe SET title = 'Soup of the day' WHERE id = :recipe",
        "DELETE FROM recipe WHERE owner_id = :bob",
    ),
    "recipe_tag": (
        "INSERT INTO recipe_tag (recipe_id, tag_id) VALUES (:other, :tag)",
        "UPDATE recipe_tag SET tag_id = :tag WHERE recipe_id = :other",
        "DELETE FROM recipe_tag WHERE recipe_id = :other",
    ),
    "tag": (
        "INSERT INTO tag (owner_id, name, label) VALUES (:bob, 'quick', 'Quick')",
        "UPDATE tag SET label = 'SOUP' WHERE id = :tag",
        "DELETE FROM tag WHERE owner_id = :bob",
    ),
    "user": (
        'INSERT INTO "user" (username, password_hash, is_admin, created_at, recipe_layout, unit_system,'
        " household_id, household_role)"
        " SELECT 'carol', 'x', false, :now, 'grid', 'original', household_id, 'member' FROM \"user\""
        " WHERE id = :bob",
        "UPDATE \"user\" SET recipe_layout = 'list' WHERE id = :alice",
        "DELETE FROM \"user\" WHERE username = 'carol'",
    ),
    "pending_recipe": (
        "INSERT INTO pending_recipe (recipe_id, import_key, created_at) VALUES (:recipe, 'another', :now)",
        "UPDATE pending_recipe SET import_key = 'again' WHERE recipe_id = :recipe",
        "DELETE FROM pending_recipe WHERE recipe_id = :recipe",
    ),
    "recipe_rating": (
        "INSERT INTO recipe_rating (user_id, recipe_id, stars, updated_at) VALUES (:alice, :other, 2, :now)",
        "UPDATE recipe_rating SET stars = 5 WHERE user_id = :alice AND recipe_id = :recipe",
        "DELETE FROM recipe_rating WHERE recipe_id = :other",
    ),
    "recipe_favourite": (
        "INSERT INTO recipe_favourite (user_id, recipe_id, created_at) VALUES (:alice, :other, :now)",
        "UPDATE recipe_favourite SET created_at = :now WHERE recipe_id = :recipe",
        "DELETE FROM recipe_favourite WHERE recipe_id = :other",
    ),
    "cooking_log": (
        "INSERT INTO cooking_log (user_id, recipe_id, cooked_on, note, created_at)"
        " VALUES (:alice, :other, '2026-03-15', '', :now)",
        "UPDATE cooking_log SET note = 'Good' WHERE recipe_id = :recipe",
        "DELETE FROM cooking_log WHERE recipe_id = :other",
    ),
}


def test_the_writes_cover_every_table_that_changes_it() -> None:
    assert set(WRITES) == set(data_generation.BUMPED_BY)


def _run(app: Flask, sql: str, rows: dict[str, int]) -> int:
    from recipes.models import utcnow

    with app.app_context():
        done = db.session.execute(text(sql), {**rows, "now": utcnow()})
        db.session.commit()
        return int(done.rowcount)


@pytest.mark.parametrize("table", data_generation.BUMPED_BY)
def test_each_write_to_a_table_a_list_is_made_of_changes_it(app: Flask, rows: dict[str, int], table: str) -> None:
    values = [generation(app)]
    for sql in WRITES[table]:
        assert _run(app, sql, rows) >= 1, sql
        values.append(generation(app))
    assert None not in values
    assert values == sorted(set(values)), values  # a new, greater value after each


def test_a_write_elsewhere_leaves_it(app: Flask, rows: dict[str, int]) -> None:
    before = generation(app)
    _run(app, "INSERT INTO rate_limit_hit (key, at) VALUES ('test', :now)", rows)
    _run(app, "UPDATE login_session SET user_agent = 'x'", rows)
    assert generation(app) == before


def test_a_write_rolled_back_leaves_it(app: Flask, rows: dict[str, int]) -> None:
    before = generation(app)
    with app.app_context():
        db.session.execute(text("UPDATE recipe SET title = 'Gone' WHERE id = :recipe"), rows)
        db.session.rollback()
    assert generation(app) == before


def test_rows_gone_with_their_account_change_it(app: Flask, rows: dict[str, int]) -> None:
    from recipes.models import User

    before = generation(app)
    with app.app_context():
        db.session.delete(db.session.get(User, rows["alice"]))
        db.session.commit()
    after = generation(app)
    assert after is not None and before is not None and after > before


def test_a_value_never_comes_back_after_the_row_is_lost(app: Flask, rows: dict[str, int]) -> None:
    """A restored database has no row (no backup keeps it): no generation until the next write,
    which starts from the clock, past every value before."""
    before = generation(app)
    with app.app_context():
        db.session.execute(text("DELETE FROM data_generation"))
        db.session.commit()
    assert generation(app) is None
    _run(app, WRITES["recipe"][1], rows)
    after = generation(app)
    assert after is not None and before is not None and after > before


def test_the_writers_of_the_app_change_it(app: Flask, alice: Any) -> None:
    """Through the pages: a recipe saved, rated, deleted."""
    from .conftest import create_recipe

    values = [generation(app)]
    recipe_id = create_recipe(alice)
    values.append(generation(app))
    assert alice.post(f"/recipes/{recipe_id}/rating", data={"stars": "3"}).status_code == 303
    values.append(generation(app))
    assert alice.post(f"/recipes/{recipe_id}/delete").status_code == 302
    values.append(generation(app))
    assert values == sorted(set(values)), values


def test_the_triggers_are_on_every_table_and_nowhere_else(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        if using_postgres():
            found = connection.execute(
                text(
                    "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    " WHERE t.tgname LIKE 'data_generation%'"
                )
            ).all()
            expected = {(table, f"data_generation_{table}") for table in data_generation.BUMPED_BY}
            expected |= {(table, f"data_generation_{table}_truncate") for table in data_generation.BUMPED_BY}
        else:
            found = connection.execute(
                text("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'data_generation%'")
            ).all()
            expected = {
                (table, f"data_generation_{table}_{write}")
                for table in data_generation.BUMPED_BY
                for write in ("insert", "update", "delete")
            }
    assert set(map(tuple, found)) == expected


@pytest.fixture
def second_connection(app: Flask) -> Iterator[Any]:
    with app.app_context():
        url = db.engine.url
    engine = create_engine(url, poolclass=NullPool)
    yield engine
    engine.dispose()


def test_postgresql_writers_do_not_wait_for_each_other_on_it(
    app: Flask, rows: dict[str, int], second_connection: Any
) -> None:
    """Two transactions writing recipes at once: the second commits while the first is still
    open (the row is changed at commit, not at the first write), and each commit changes it."""
    if not using_postgres():
        pytest.skip("PostgreSQL only: SQLite has one writer at a time")
    before = generation(app)
    with app.app_context(), db.engine.connect() as first:
        first.execute(text("UPDATE recipe SET title = 'First' WHERE id = :recipe"), rows)
        with second_connection.connect() as second:
            # Were the row locked by the first, this would fail after the timeout, not wait forever.
            second.execute(text("SET lock_timeout = '5s'"))
            second.execute(text("UPDATE recipe SET title = 'Second' WHERE id = :other"), rows)
            second.commit()
        middle = generation(app)
        first.commit()
    after = generation(app)
    assert before is not None and middle is not None and after is not None
    assert before < middle < after


def test_postgresql_migrations_may_alter_a_table_after_writing_to_it(app: Flask, rows: dict[str, int]) -> None:
    """The triggers wait for the commit, and PostgreSQL does not alter a table with trigger
    events waiting: migrations (and a restore) have them fire at once instead."""
    if not using_postgres():
        pytest.skip("PostgreSQL only")
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("UPDATE recipe SET title = 'Changed' WHERE id = :recipe"), rows)
        with pytest.raises(Exception, match="pending trigger events"), connection.begin_nested():
            connection.execute(text("ALTER TABLE recipe ADD COLUMN scratch integer"))
        data_generation.fire_at_each_statement(connection)
        connection.execute(text("ALTER TABLE recipe ADD COLUMN scratch integer"))
        connection.rollback()


def test_the_kitchens_triggers_are_on_every_table_of_its_realm_and_nowhere_else(app: Flask) -> None:
    """Migration 0018: the second row (the kitchen: the household's plan, lists and invites) has
    triggers of its own, on its own tables."""
    with app.app_context(), db.engine.connect() as connection:
        if using_postgres():
            found = connection.execute(
                text(
                    "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                    " WHERE t.tgname LIKE 'kitchen_generation%'"
                )
            ).all()
            expected = {(table, f"kitchen_generation_{table}") for table in data_generation.KITCHEN_BUMPED_BY}
            expected |= {(table, f"kitchen_generation_{table}_truncate") for table in data_generation.KITCHEN_BUMPED_BY}
        else:
            found = connection.execute(
                text(
                    "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
                    " AND name LIKE 'kitchen_generation%'"
                )
            ).all()
            expected = {
                (table, f"kitchen_generation_{table}_{write}")
                for table in data_generation.KITCHEN_BUMPED_BY
                for write in ("insert", "update", "delete")
            }
    assert set(map(tuple, found)) == expected
    assert not set(data_generation.KITCHEN_BUMPED_BY) & set(data_generation.BUMPED_BY)


def test_a_write_to_the_kitchen_changes_its_generation_alone(app: Flask, rows: dict[str, int]) -> None:
    """A household renamed, a list made, a row added, checked and taken off, a plan entry: each
    write changes the kitchen's generation, in its own transaction, and leaves the recipes'."""
    from recipes.models import Household, PlanEntry, ShoppingItem, ShoppingList, User

    recipes = generation(app)
    values: list[int | None] = []
    with app.app_context():
        alice = db.session.get(User, rows["alice"])
        assert alice is not None
        household = db.session.get(Household, alice.household_id)
        assert household is not None

        def committed() -> None:
            db.session.commit()
            values.append(data_generation.read(data_generation.KITCHEN))

        household.name = "The Kitchen"
        committed()
        groceries = ShoppingList(household_id=household.id, name="Groceries")
        db.session.add(groceries)
        committed()
        milk = ShoppingItem(list_id=groceries.id, text="Milk", aisle="dairy")
        db.session.add(milk)
        committed()
        milk.checked = True
        committed()
        db.session.delete(milk)
        committed()
        db.session.add(PlanEntry(household_id=household.id, day=date(2026, 3, 14), meal="dinner", title="Leftovers"))
        committed()
    assert None not in values and values == sorted(set(values)), values
    assert generation(app) == recipes
