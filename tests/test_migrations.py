"""The schema comes only from the migrations, and the migrations match the models."""

import hashlib
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from recipes import data_generation
from recipes.access import visible_to
from recipes.extensions import db
from recipes.models import Recipe, User, token_digest
from recipes.schema import (
    current_revision,
    head_revision,
    is_at_head,
    migrations_directory,
    shipped_head,
    stored_revision,
    upgrade,
)


def test_test_database_is_at_head(app: Flask) -> None:
    with app.app_context():
        assert current_revision() == head_revision() is not None


def test_the_head_read_without_alembic_is_alembic_s(app: Flask) -> None:
    """What a restart asks instead of Alembic (schema.is_at_head): the same answers."""
    with app.app_context():
        assert shipped_head() == head_revision() is not None
        assert stored_revision() == current_revision() == shipped_head()
        assert is_at_head()


@pytest.mark.parametrize(
    "change",
    [
        lambda versions: (versions / "9999_branch.py").write_text('revision = "9999"\ndown_revision = "0001"\n'),
        lambda versions: (versions / "9999_odd.py").write_text("revision = make_revision()\ndown_revision = None\n"),
        lambda versions: (versions / "9999_tuple.py").write_text(
            'revision = "9999"\ndown_revision = ("0018", "0019")\n'
        ),
    ],
    ids=["two heads", "a revision not written plainly", "a merge"],
)
def test_migrations_not_read_plainly_leave_the_head_to_alembic(
    app: Flask, app_config: dict[str, Any], tmp_path: Path, change: Any
) -> None:
    from recipes import create_app

    from .database_fixtures import release_database

    migrations = tmp_path / "migrations"
    shutil.copytree(migrations_directory(), migrations)
    change(migrations / "versions")
    other = create_app({**app_config, "RECIPES_MIGRATIONS_DIR": str(migrations)})
    with other.app_context():
        assert shipped_head() is None
        assert not is_at_head()
        release_database()


def test_a_new_migration_is_the_head_read_without_alembic(
    app: Flask, app_config: dict[str, Any], tmp_path: Path
) -> None:
    from recipes import create_app

    from .database_fixtures import release_database

    with app.app_context():
        head = head_revision()
    migrations = tmp_path / "migrations"
    shutil.copytree(migrations_directory(), migrations)
    (migrations / "versions" / "9999_next.py").write_text(f'revision = "9999"\ndown_revision = "{head}"\n')
    other = create_app({**app_config, "RECIPES_MIGRATIONS_DIR": str(migrations)})
    with other.app_context():
        assert shipped_head() == "9999" != stored_revision()
        assert not is_at_head()
        release_database()


def test_a_new_database_records_no_revision(app_config: dict[str, Any], tmp_path: Path) -> None:
    from recipes import create_app

    from .database_fixtures import release_database, using_postgres

    if using_postgres():
        pytest.skip("a new SQLite file: PostgreSQL's test database is already at head")
    empty = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    with empty.app_context():
        assert stored_revision() is None
        assert not is_at_head()
        release_database()


def test_no_drift_between_models_and_migrations(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        from recipes.search.index import include_in_autogenerate

        options = {"compare_type": True, "include_name": include_in_autogenerate}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, db.metadata) == []


def test_upgrade_an_empty_database_to_head_and_back(app_config: dict[str, Any], tmp_path: Path) -> None:
    from flask_migrate import downgrade

    from recipes import create_app

    from .database_fixtures import release_database, using_postgres

    if using_postgres():
        # The worker's database is already at head: go down to nothing and up again.
        app = create_app(app_config)
    else:
        app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    with app.app_context():
        if using_postgres():
            downgrade(directory=app.extensions["migrate"].directory, revision="base")
        assert "recipe" not in inspect(db.engine).get_table_names()
        upgrade()
        assert current_revision() == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "recipe", "tag", "recipe_tag", "login_session"} <= tables
        assert {"recipe_fts", "recipe_search"} & tables
        release_database()


def test_database_backend_is_the_one_asked_for(app: Flask) -> None:
    from .database_fixtures import using_postgres

    with app.app_context():
        assert db.engine.dialect.name == ("postgresql" if using_postgres() else "sqlite")


def test_sqlite_connections_are_tuned(app: Flask) -> None:
    from .database_fixtures import using_postgres

    if using_postgres():
        pytest.skip("SQLite only")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


REBUILD_USER_TABLE = """
from alembic import op

revision = "9998"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    # What a later migration altering `user` on SQLite does: copy, drop, rename.
    with op.batch_alter_table("user", recreate="always"):
        pass


def downgrade():
    pass
"""


def test_sqlite_table_rebuild_keeps_rows_that_point_at_it(
    app: Flask, app_config: dict[str, Any], tmp_path: Path, make_user: Any
) -> None:
    """Foreign keys are off while migrating, or dropping the old table cascades."""
    import shutil

    from recipes import create_app
    from recipes.models import Recipe
    from recipes.schema import migrations_directory

    from .database_fixtures import release_database, using_postgres

    if using_postgres():
        pytest.skip("SQLite rebuilds tables to alter them; PostgreSQL alters in place")
    user_id = make_user("alice")
    with app.app_context():
        db.session.add(Recipe(owner_id=user_id, title="Keep me", ingredients=[], instructions=[]))
        db.session.commit()
        head = head_revision()
        release_database()
    migrations = tmp_path / "migrations"
    shutil.copytree(migrations_directory(), migrations)
    (migrations / "versions" / "9998_rebuild_user.py").write_text(REBUILD_USER_TABLE.format(head=head))
    app = create_app({**app_config, "RECIPES_MIGRATIONS_DIR": str(migrations)})
    with app.app_context():
        upgrade()
        assert current_revision() == "9998"
        assert db.session.scalars(db.select(Recipe.title)).all() == ["Keep me"]
        assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
        release_database()


def test_0003_keeps_recipes_and_fills_their_source_keys(app: Flask, make_user: Any) -> None:
    """Recipes saved before pictures and import keep everything, get an empty nutrition
    object, and are found as "already imported" by their source URL."""
    from flask_migrate import downgrade

    from recipes.cookbook.sources import source_key
    from recipes.models import Recipe

    user_id = make_user("alice")
    with app.app_context():
        downgrade(directory=app.extensions["migrate"].directory, revision="0002")
        db.session.execute(
            db.text(
                "INSERT INTO recipe (owner_id, title, description, ingredients, instructions, servings, "
                "source_url, notes, is_public, created_at, updated_at) VALUES "
                "(:owner, 'Old soup', '', '[\"water\"]', '[]', '', :url, '', false, :now, :now), "
                "(:owner, 'No source', '', '[]', '[]', '', '', '', false, :now, :now)"
            ),
            {"owner": user_id, "url": "https://www.example.org/soup/?utm_source=x", "now": "2026-01-01 00:00:00"},
        )
        db.session.commit()
        upgrade()
        recipes = db.session.scalars(db.select(Recipe).order_by(Recipe.title)).all()
        assert [(r.title, r.nutrition, r.image_digest) for r in recipes] == [
            ("No source", {}, None),
            ("Old soup", {}, None),
        ]
        assert recipes[0].source_key is None
        assert recipes[1].source_key == source_key("https://example.org/soup")
        assert recipes[1].ingredients == ["water"]


# --- Upgrading a database made at each earlier revision, with data in it ---------------------------

EARLIER_REVISIONS = [
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
]
WHEN = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
PASSWORD = "correct horse"
OLD_LOGIN = "a-login-from-before-the-upgrade"  # what alice's browser cookie holds
OLD_API_TOKEN = "rcp_an-api-token-from-before-the-upgrade"
BULK = 1200  # more than the migrations' batch size (1000), so the batching is exercised too


@pytest.fixture
def empty_database_url(tmp_path: Path, worker_id: str) -> Iterator[str]:
    """An empty database of the backend under test: a new SQLite file, or a new PostgreSQL database."""
    from .database_fixtures import create_postgres_database, drop_postgres_database, using_postgres

    if using_postgres():
        name = f"recipes_upgrade_{worker_id}"
        yield create_postgres_database(name)
        drop_postgres_database(name)
    else:
        yield f"sqlite:///{tmp_path / 'old.db'}"


def _tables(revision: str) -> dict[str, sa.TableClause]:
    """The tables as they were at `revision` (what that revision's app wrote), as plain table clauses."""
    stamp = sa.DateTime(timezone=True)
    recipe: list[sa.ColumnClause[Any]] = [
        sa.column("id", sa.Integer),
        sa.column("owner_id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("description", sa.Text),
        sa.column("ingredients", sa.JSON),
        sa.column("instructions", sa.JSON),
        sa.column("servings", sa.String),
        sa.column("prep_time", sa.Integer),
        sa.column("cook_time", sa.Integer),
        sa.column("total_time", sa.Integer),
        sa.column("source_url", sa.String),
        sa.column("notes", sa.Text),
        # 0012: who may see it, in three ways rather than two.
        sa.column("visibility", sa.String) if revision >= "0012" else sa.column("is_public", sa.Boolean),
        sa.column("created_at", stamp),
        sa.column("updated_at", stamp),
    ]
    if revision >= "0002":
        recipe.append(sa.column("total_minutes", sa.Integer))
    if revision >= "0003":
        recipe += [
            sa.column("source_key", sa.String),
            sa.column("nutrition", sa.JSON),
            sa.column("image_digest", sa.String),
        ]
    user = [
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("password_hash", sa.String),
        sa.column("is_admin", sa.Boolean),
        sa.column("created_at", stamp),
    ]
    login_session = [
        sa.column("id", sa.Integer),
        sa.column("token_hash", sa.String),
        sa.column("user_id", sa.Integer),
        sa.column("created_at", stamp),
        sa.column("user_agent", sa.String),
    ]
    if revision >= "0005":
        user.append(sa.column("disabled_at", stamp))
        login_session.append(sa.column("last_seen_at", stamp))
    tag = [sa.column("id", sa.Integer), sa.column("owner_id", sa.Integer), sa.column("name")]
    if revision >= "0010":
        user.append(sa.column("recipe_layout", sa.String))
        tag.append(sa.column("label", sa.String))
    if revision >= "0011":
        user.append(sa.column("unit_system", sa.String))
        recipe += [sa.column("ingredient_details", sa.JSON), sa.column("ingredients_read_by", sa.Integer)]
    if revision >= "0012":
        user += [sa.column("household_id", sa.Integer), sa.column("household_role", sa.String)]
    tables = {
        "user": sa.table("user", *user),
        "login_session": sa.table("login_session", *login_session),
        "recipe": sa.table("recipe", *recipe),
        "tag": sa.table("tag", *tag),
        "recipe_tag": sa.table("recipe_tag", sa.column("recipe_id", sa.Integer), sa.column("tag_id", sa.Integer)),
    }
    if revision >= "0003":
        hits = [sa.column("id", sa.Integer), sa.column("key", sa.String), sa.column("at", stamp)]
        if revision >= "0017":  # a row may count a block of hits
            hits.append(sa.column("hits", sa.Integer))
        tables["rate_limit_hit"] = sa.table("rate_limit_hit", *hits)
        tables["recipe_image"] = sa.table(
            "recipe_image",
            sa.column("recipe_id", sa.Integer),
            sa.column("digest", sa.String),
            sa.column("mime", sa.String),
            sa.column("width", sa.Integer),
            sa.column("height", sa.Integer),
            sa.column("thumb_width", sa.Integer),
            sa.column("thumb_height", sa.Integer),
            sa.column("full", sa.LargeBinary),
            sa.column("thumb", sa.LargeBinary),
            sa.column("created_at", stamp),
        )
    if revision >= "0012":
        household = [
            sa.column("id", sa.Integer),
            sa.column("name", sa.String),
            sa.column("meal_names", sa.JSON),
            sa.column("week_start", sa.String),
            sa.column("created_at", stamp),
        ]
        if revision >= "0013":  # meals may have a time of day, for the plan's calendar feed
            household.append(sa.column("meal_times", sa.JSON))
        tables["household"] = sa.table("household", *household)
    if revision >= "0004":
        tables["api_token"] = sa.table(
            "api_token",
            sa.column("id", sa.Integer),
            sa.column("user_id", sa.Integer),
            sa.column("name", sa.String),
            sa.column("token_hash", sa.String),
            sa.column("hint", sa.String),
            sa.column("created_at", stamp),
            sa.column("expires_at", stamp),
            sa.column("last_used_at", stamp),
        )
        tables["share_link"] = sa.table(
            "share_link",
            sa.column("id", sa.Integer),
            sa.column("recipe_id", sa.Integer),
            sa.column("token_hash", sa.String),
            sa.column("hint", sa.String),
            sa.column("created_at", stamp),
            sa.column("expires_at", stamp),
            sa.column("revoked_at", stamp),
            sa.column("views", sa.Integer),
            sa.column("last_viewed_at", stamp),
        )
    return tables


def _webp(width: int, height: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.linear_gradient("L").convert("RGB").resize((width, height)).save(out, "WEBP", quality=80)
    return out.getvalue()


def _old_data(revision: str) -> dict[str, list[dict[str, Any]]]:
    """Data as the app at `revision` would have saved it: two users, sessions, recipes with tags
    (accents, an empty one, times given in different ways), and from 0003 a picture and rate-limit hits."""
    from argon2 import PasswordHasher

    from recipes.cookbook.sources import source_key

    from .database_fixtures import FAST_TEST_CONFIG

    # The same cheap settings as the test app, so logging in does not rehash (and rewrite) the password.
    cost: dict[str, Any] = FAST_TEST_CONFIG
    hasher = PasswordHasher(
        time_cost=cost["ARGON2_TIME_COST"],
        memory_cost=cost["ARGON2_MEMORY_COST"],
        parallelism=cost["ARGON2_PARALLELISM"],
    )
    users = [
        {"id": 1, "username": "alice", "password_hash": hasher.hash(PASSWORD), "is_admin": True, "created_at": WHEN},
        {
            "id": 2,
            "username": "bob",
            "password_hash": hasher.hash(PASSWORD),
            "is_admin": False,
            "created_at": WHEN + timedelta(days=1),
        },
    ]
    sessions = [
        {
            "id": 1,
            "token_hash": token_digest(OLD_LOGIN),
            "user_id": 1,
            "created_at": WHEN,
            "user_agent": "Mozilla/5.0 Firefox/128",
        },
        {"id": 2, "token_hash": "b" * 64, "user_id": 2, "created_at": WHEN + timedelta(days=1), "user_agent": ""},
    ]
    recipes: list[dict[str, Any]] = [
        {
            "id": 1,
            "owner_id": 1,
            "title": "Crème brûlée",
            "description": "Rich, with a burnt-sugar crust — «classique».",
            "ingredients": ["Custard:", "500 ml cream", "5 egg yolks", "80 g sugar"],
            "instructions": ["Heat the cream.", "Whisk the yolks with the sugar.", "Bake at 150 °C for 35 minutes."],
            "servings": "6 ramekins",
            "prep_time": 15,
            "cook_time": 35,
            "total_time": None,
            "source_url": "https://www.example.org/creme-brulee/?utm_source=feed",
            "notes": "Torch it just before serving.",
            "is_public": True,
            "created_at": WHEN,
            "updated_at": WHEN + timedelta(hours=2),
        },
        {
            "id": 2,
            "owner_id": 1,
            "title": "Winter lentil soup",
            "description": "",
            "ingredients": ["250 g red lentils", "1 onion", "1 l stock"],
            "instructions": ["Soften the onion.\n\nAdd the lentils and the stock; simmer until soft."],
            "servings": "4",
            "prep_time": None,
            "cook_time": None,
            "total_time": 50,
            "source_url": "",
            "notes": "",
            "is_public": False,
            "created_at": WHEN + timedelta(minutes=5),
            "updated_at": WHEN + timedelta(minutes=5),
        },
        {
            "id": 3,
            "owner_id": 2,
            "title": "Bob's quince jelly",
            "description": "Nothing written down yet.",
            "ingredients": [],
            "instructions": [],
            "servings": "",
            "prep_time": None,
            "cook_time": None,
            "total_time": None,
            "source_url": "http://Example.COM:80/jelly#top",
            "notes": "",
            "is_public": False,
            "created_at": WHEN + timedelta(days=1),
            "updated_at": WHEN + timedelta(days=1),
        },
    ]
    recipes += [
        {
            "id": 100 + n,
            "owner_id": 2,
            "title": f"Weeknight pasta {n}",
            "description": "Quick.",
            "ingredients": [f"{n} g pasta", "1 tin tomatoes"],
            "instructions": ["Boil the pasta.", "Stir in the sauce."],
            "servings": "2",
            "prep_time": 5,
            "cook_time": n % 30 or None,
            "total_time": None,
            "source_url": f"https://pasta.example.net/{n}" if n % 2 else "",
            "notes": "",
            "is_public": n % 3 == 0,
            "created_at": WHEN + timedelta(days=2, seconds=n),
            "updated_at": WHEN + timedelta(days=2, seconds=n),
        }
        for n in range(BULK)
    ]
    tags = [
        {"id": 1, "owner_id": 1, "name": "dessert"},
        {"id": 2, "owner_id": 1, "name": "soup"},
        {"id": 3, "owner_id": 1, "name": "winter"},
        {"id": 4, "owner_id": 2, "name": "soup"},  # the same name, another owner
        {"id": 5, "owner_id": 2, "name": "preserves"},
        {"id": 6, "owner_id": 2, "name": "pasta"},
    ]
    links = [(1, 1), (2, 2), (2, 3), (3, 5)] + [(100 + n, 6) for n in range(BULK)]
    data: dict[str, list[dict[str, Any]]] = {
        "user": users,
        "login_session": sessions,
        "recipe": recipes,
        "tag": tags,
        "recipe_tag": [{"recipe_id": r, "tag_id": t} for r, t in links],
    }
    if revision >= "0002":
        for recipe in recipes:
            times = (recipe["prep_time"], recipe["cook_time"])
            recipe["total_minutes"] = _summed(times) if recipe["total_time"] is None else recipe["total_time"]
    if revision >= "0003":
        full, thumb = _webp(64, 48), _webp(32, 24)
        digest = hashlib.sha256(full).hexdigest()
        for recipe in recipes:
            recipe["source_key"] = source_key(recipe["source_url"])
            recipe["nutrition"] = {"calories": "320 kcal", "proteinContent": "6 g"} if recipe["id"] == 1 else {}
            recipe["image_digest"] = digest if recipe["id"] == 1 else None
        data["recipe_image"] = [
            {
                "recipe_id": 1,
                "digest": digest,
                "mime": "image/webp",
                "width": 64,
                "height": 48,
                "thumb_width": 32,
                "thumb_height": 24,
                "full": full,
                "thumb": thumb,
                "created_at": WHEN + timedelta(hours=2),
            }
        ]
        data["rate_limit_hit"] = [
            {"id": 1, "key": "import:user:1", "at": WHEN},
            {"id": 2, "key": "import:user:1", "at": WHEN + timedelta(seconds=30)},
            {"id": 3, "key": "import:user:2", "at": WHEN + timedelta(days=1)},
        ]
    if revision >= "0004":
        data["api_token"] = [
            {
                "id": 1,
                "user_id": 2,
                "name": "Home Assistant",
                "token_hash": token_digest(OLD_API_TOKEN),
                "hint": OLD_API_TOKEN[:8],
                "created_at": WHEN,
                "expires_at": None,
                "last_used_at": WHEN + timedelta(hours=1),
            },
            {
                "id": 2,
                "user_id": 1,
                "name": "expired",
                "token_hash": "c" * 64,
                "hint": "rcp_cccc",
                "created_at": WHEN,
                "expires_at": WHEN + timedelta(days=30),
                "last_used_at": None,
            },
        ]
        data["share_link"] = [
            {
                "id": 1,
                "recipe_id": 1,
                "token_hash": "d" * 64,
                "hint": "dddd",
                "created_at": WHEN,
                "expires_at": None,
                "revoked_at": None,
                "views": 3,
                "last_viewed_at": WHEN + timedelta(hours=5),
            }
        ]
    if revision >= "0005":  # accounts had an enabled state, logins a last use
        for user in data["user"]:
            user["disabled_at"] = None
        recently = datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)  # not idle yet
        for session in data["login_session"]:
            session["last_seen_at"] = recently
    if revision >= "0010":  # accounts chose the list's layout; tags kept how they were typed
        for user in data["user"]:
            user["recipe_layout"] = "list" if user["username"] == "bob" else "grid"
        for tag in data["tag"]:
            tag["label"] = "Preserves" if tag["name"] == "preserves" else tag["name"]
    if revision >= "0011":  # accounts chose a unit system; the backfill had not read the recipes yet
        for user in data["user"]:
            user["unit_system"] = "us" if user["username"] == "bob" else "original"
        for recipe in data["recipe"]:
            recipe.update(ingredient_details=None, ingredients_read_by=None)
    if revision >= "0012":  # every account in a household of its own (ids not the accounts'), its admin
        data["household"] = [
            {
                "id": 10 + user["id"],
                "name": f"{user['username']}'s household",
                "meal_names": ["breakfast", "lunch", "dinner", "snack"] if user["id"] == 1 else ["lunch", "supper"],
                "week_start": "monday" if user["id"] == 1 else "sunday",
                "created_at": user["created_at"],
            }
            for user in data["user"]
        ]
        for user in data["user"]:
            user.update(household_id=10 + user["id"], household_role="admin")
        for recipe in data["recipe"]:
            recipe["visibility"] = "public" if recipe.pop("is_public") else "private"
    if revision >= "0013":  # meals may have a time of day (alice's dinner is at half past six)
        for household in data["household"]:
            household["meal_times"] = {"dinner": "18:30"} if household["id"] == 11 else {}
    return data


def _insert(connection: sa.Connection, revision: str, data: dict[str, list[dict[str, Any]]]) -> None:
    tables = _tables(revision)
    for name in (
        "household",
        "user",
        "login_session",
        "recipe",
        "tag",
        "recipe_tag",
        "recipe_image",
        "rate_limit_hit",
        "api_token",
        "share_link",
    ):
        if data.get(name):
            connection.execute(sa.insert(tables[name]), data[name])
    if revision >= "0002":
        # The app of that time kept its search index up to date as it saved (0002 built it for older rows).
        from recipes.search.index import document_from_values, write

        names = {t["id"]: t["name"] for t in data["tag"]}
        tags_of: dict[int, list[str]] = {}
        for link in data["recipe_tag"]:
            tags_of.setdefault(link["recipe_id"], []).append(names[link["tag_id"]])
        write(
            connection,
            [
                document_from_values(
                    r["id"],
                    r["title"],
                    sorted(tags_of.get(r["id"], [])),
                    r["ingredients"],
                    r["description"],
                    r["instructions"],
                    r["notes"],
                )
                for r in data["recipe"]
            ],
        )
    if connection.dialect.name == "postgresql":
        # Rows written with their ids leave the sequences behind; the app's own inserts advanced them.
        for name in (
            "household",
            "user",
            "login_session",
            "recipe",
            "tag",
            "rate_limit_hit",
            "api_token",
            "share_link",
        ):
            if data.get(name):
                newest = sa.select(sa.func.max(tables[name].c.id)).scalar_subquery()
                connection.execute(sa.select(sa.func.setval(sa.func.pg_get_serial_sequence(f'"{name}"', "id"), newest)))


def _summed(times: tuple[int | None, int | None]) -> int | None:
    """Prep plus cook, as 0002 computes total_minutes when no total was given."""
    return None if times == (None, None) else sum(t or 0 for t in times)


def _normal(value: Any) -> Any:
    """Values compared across backends: aware datetimes as naive UTC (SQLite keeps them naive)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _read(connection: sa.Connection, table: sa.TableClause) -> list[dict[str, Any]]:
    order = [table.c.recipe_id, table.c.tag_id] if table.name == "recipe_tag" else [next(iter(table.c))]
    rows = connection.execute(sa.select(table).order_by(*order)).mappings()
    return [{k: _normal(v) for k, v in row.items()} for row in rows]


def _expected_at_head(revision: str, data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The same rows, with what the later migrations add: total_minutes from the times (0002), and
    (0003) the source key from the source URL, an empty nutrition object and no picture."""
    from recipes.cookbook.sources import source_key

    head = {name: [dict(row) for row in rows] for name, rows in data.items()}
    for recipe in head["recipe"]:
        if revision < "0002":
            times = (recipe["prep_time"], recipe["cook_time"])
            recipe["total_minutes"] = _summed(times) if recipe["total_time"] is None else recipe["total_time"]
        if revision < "0003":
            recipe.update(source_key=source_key(recipe["source_url"]), nutrition={}, image_digest=None)
    head.setdefault("recipe_image", [])
    head.setdefault("rate_limit_hit", [])
    head.setdefault("api_token", [])
    head.setdefault("share_link", [])
    if revision < "0005":
        for user in head["user"]:
            user["disabled_at"] = None  # every account stays enabled
    if revision < "0010":
        for user in head["user"]:
            user["recipe_layout"] = "grid"  # every account sees the list as before
        for tag in head["tag"]:
            tag["label"] = tag["name"]  # a tag shows as it was kept
    if revision < "0011":
        for user in head["user"]:
            user.setdefault("recipe_layout", "grid")  # the rows written at 0010 leave it to its default
            user["unit_system"] = "original"
        for tag in head["tag"]:
            tag.setdefault("label", None)  # (NULL shows the name)  # amounts show as written, as before
        for recipe in head["recipe"]:
            recipe.update(ingredient_details=None, ingredients_read_by=None)  # read by the backfill, next
    if revision < "0012":
        # Each account in a household of its own (named after it, made when it was), its admin;
        # public recipes stay public, every other one private.
        head["household"] = [
            {
                "id": user["id"],
                "name": f"{user['username']}'s household",
                "meal_names": ["breakfast", "lunch", "dinner", "snack"],
                "week_start": "monday",
                "created_at": user["created_at"],
            }
            for user in head["user"]
        ]
        for user in head["user"]:
            user.update(household_id=user["id"], household_role="admin")
        for recipe in head["recipe"]:
            recipe["visibility"] = "public" if recipe.pop("is_public") else "private"
    if revision < "0013":
        for household in head["household"]:
            household["meal_times"] = {}  # every meal all day, until a household gives one a time
    for hit in head["rate_limit_hit"]:
        hit.setdefault("hits", 1)  # each row counted one action, and still does (from 0017: its default)
    return {name: [{k: _normal(v) for k, v in row.items()} for row in rows] for name, rows in head.items()}


@pytest.mark.parametrize("revision", EARLIER_REVISIONS)
def test_a_database_from_an_earlier_revision_upgrades_with_nothing_lost(
    revision: str, empty_database_url: str, app_config: dict[str, Any]
) -> None:
    from recipes import create_app

    from .database_fixtures import release_database

    config = {**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url, "WTF_CSRF_ENABLED": False}
    app = create_app(config)
    data = _old_data(revision)
    with app.app_context():
        upgrade(revision)
        assert current_revision() == revision
        with db.engine.begin() as connection:
            _insert(connection, revision, data)

        before = datetime.now(UTC).replace(tzinfo=None)
        upgrade()
        after = datetime.now(UTC).replace(tzinfo=None)

        assert current_revision() == head_revision()
        expected = _expected_at_head(revision, data)
        tables = _tables(head_revision() or "")
        with db.engine.connect() as connection:
            for name, rows in expected.items():
                found = _read(connection, tables[name])
                if name == "login_session" and revision < "0005":
                    # Existing logins count as seen at the upgrade: none is idle, nobody is logged out.
                    seen = [row.pop("last_seen_at") for row in found]
                    assert all(before <= moment <= after for moment in seen), seen
                assert found == rows, f"table {name} changed"
            # New in 0005 and later, and empty.
            for name in (
                "password_reset",
                "pending_secret",
                "pending_recipe",
                "pending_picture",
                "import_result",
                "household_invite",
                "plan_entry",
                "plan_feed",
                "shopping_list",
                "shopping_item",
                "shopping_preferences",
                "aisle_choice",
                "recipe_rating",
                "recipe_favourite",
                "cooking_log",
            ):
                assert connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar() == 0
            # 0016: the data generation, one row, a time in microseconds (changed by the writes below).
            (generation,) = (
                connection.execute(sa.text("SELECT value FROM data_generation WHERE id = 1")).scalars().all()
            )
            if revision < "0016":  # made by this upgrade (from 0016 on, the rows inserted above changed it)
                assert generation >= int(before.replace(tzinfo=UTC).timestamp() * 1_000_000) - 1000
            # 0018: the kitchen's generation, the second row, made by this upgrade (or before it).
            (kitchen,) = connection.execute(sa.text("SELECT value FROM data_generation WHERE id = 2")).scalars().all()
            if revision < "0018":
                assert kitchen >= int(before.replace(tzinfo=UTC).timestamp() * 1_000_000) - 1000
        # Start-up's next step reads every recipe's ingredient lines (live code, not the migration's);
        # the lines stay exactly as they were, and each has its reading.
        from recipes.ingredients.backfill import backfill

        assert backfill(db.session) == len(data["recipe"])
        with db.engine.connect() as connection:
            read = sa.select(sa.column("ingredients", sa.JSON), sa.column("ingredient_details", sa.JSON)).select_from(
                sa.table("recipe")
            )
            for lines, details in connection.execute(read):
                assert [detail["text"] for detail in details] == lines
            assert [row["ingredients"] for row in _read(connection, tables["recipe"])] == [
                row["ingredients"] for row in expected["recipe"]
            ]
        # Every visibility promise kept: each account sees exactly what it saw before (its own
        # recipes and the public ones), whoever else is on the instance.
        for user in db.session.scalars(sa.select(User)):
            seen = set(db.session.scalars(sa.select(Recipe.id).where(visible_to(user))))
            public = {r["id"] for r in data["recipe"] if r.get("is_public") or r.get("visibility") == "public"}
            before = {r["id"] for r in data["recipe"] if r["owner_id"] == user.id} | public
            assert seen == before, user.username
        release_database()

    # And the app works with it: the old password logs in, search and tags find the old recipes,
    # someone else's private recipe stays hidden, the picture is served, and new recipes save.
    # A browser logged in before the upgrade still is.
    kept: Any = app.test_client()
    with kept.session_transaction() as session:
        session["_user_id"] = OLD_LOGIN
    assert kept.get("/auth/account").status_code == 200
    if revision >= "0004":  # and an API token made then still works
        me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {OLD_API_TOKEN}"})
        assert me.status_code == 200 and me.json["username"] == "bob"
    client = app.test_client()
    assert client.post("/auth/login", data={"username": "alice", "password": PASSWORD}).status_code == 302
    assert "Winter lentil soup" in client.get("/recipes/?q=lentils").text
    assert "Crème brûlée" in client.get("/recipes/?q=brulee").text
    # 0008: the old recipes' words are there to correct a misspelling towards.
    assert "Did you mean <a" in client.get("/recipes/?q=wintr+lentil").text
    found = client.get("/recipes/?tag=soup").text
    assert "Winter lentil soup" in found
    assert "quince" not in found
    assert client.get("/recipes/3").status_code == 404
    assert "Weeknight pasta 3" in client.get("/recipes/103").text  # bob's public ones are visible
    assert client.get("/recipes/101").status_code == 404
    # Past the first batch of 1000 that 0002 indexed: the index holds every row.
    assert "Weeknight pasta 1197" in client.get("/recipes/?q=weeknight+1197").text
    if revision >= "0003":
        digest = data["recipe"][0]["image_digest"]
        picture = client.get(f"/recipes/1/picture/{digest}/full.webp")
        assert picture.status_code == 200
        assert picture.data == data["recipe_image"][0]["full"]
    created = client.post("/recipes/new", data={"title": "After the upgrade", "tags": "soup"})
    assert created.status_code == 302, created.text
    # The old tags show as they were kept; the list's layout can be chosen.
    assert '<a href="/recipes/?tag=soup">soup</a>' in client.get("/recipes/?tag=soup").text
    assert client.post("/recipes/layout", data={"layout": "list"}).status_code == 303
    assert 'class="recipe-grid layout-list"' in client.get("/recipes/").text
    # 0012: each in a household of their own; a recipe shared with alice's household stays hers alone.
    household = client.get("/household")
    assert household.status_code == 200 and "alice&#39;s household" in household.text and "bob" not in household.text
    edit = client.get("/recipes/2/edit").text
    assert 'value="household"' in edit
    shared = client.post("/recipes/2/edit", data={"title": "Winter lentil soup", "visibility": "household"})
    assert shared.status_code == 302, shared.text
    bob = app.test_client()
    assert bob.post("/auth/login", data={"username": "bob", "password": PASSWORD}).status_code == 302
    assert bob.get("/recipes/2").status_code == 404
    assert bob.get("/recipes/1").status_code == 200  # alice's public crème brûlée
    # 0013: each household plans its own meals, on its own week (its meals kept as they were).
    day = datetime.now(UTC).date().isoformat()
    planned = client.post("/plan/entries", data={"date": day, "meal": "dinner", "recipe_id": "2"})
    assert planned.status_code == 303, planned.text
    assert "Winter lentil soup" in client.get("/plan").text
    bobs_week = bob.get("/plan").text
    assert "Winter lentil soup" not in bobs_week
    bobs_meals = ["lunch", "supper"] if revision >= "0012" else ["breakfast", "lunch", "dinner", "snack"]
    assert re.findall(r'<h3 class="plan-meal">([^<]+)</h3>', bobs_week)[: len(bobs_meals)] == bobs_meals
    # 0014: shopping lists start empty, and work with the old recipes.
    made = client.post("/lists", data={"name": "Groceries"})
    assert made.status_code == 303, made.text
    list_path = made.headers["Location"]
    assert client.post(f"{list_path}/recipes", data={"recipe_id": "1", "servings": "12"}).status_code == 303
    shown = client.get(list_path).text
    assert "1 l cream" in shown and "10 egg yolks" in shown, shown[shown.find("<main") :][:3000]
    assert bob.get(list_path).status_code == 404
    # 0015: the old recipes are rated, favourites and cooked by each account of its own.
    assert client.post("/recipes/2/rating", data={"stars": "4"}).status_code == 303
    assert client.post("/recipes/2/cooked", data={"note": "After the upgrade"}).status_code == 303
    assert bob.post("/recipes/1/favourite", data={"favourite": "1"}).status_code == 303
    assert bob.post("/recipes/2/rating", data={"stars": "1"}).status_code == 404  # alice's household's
    assert "Your rating: 4 of 5" in client.get("/recipes/2").text
    assert "Weeknight" not in client.get("/recipes/?favourite=1").text
    assert "Crème brûlée" in bob.get("/recipes/?favourite=1").text
    with app.app_context():
        assert (data_generation.read() or 0) > generation
        assert (data_generation.read(data_generation.KITCHEN) or 0) > kitchen  # the plan and the list above
        release_database()


def test_0008_goes_on_without_pg_trgm_when_it_may_not_be_created(app: Flask) -> None:
    """An account that may not create extensions: the trigram index is skipped, the upgrade's
    transaction stays usable, and nothing is left half-made."""
    import importlib.util

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from recipes.schema import migrations_directory

    from .database_fixtures import POSTGRES_URL, create_postgres_database, drop_postgres_database, using_postgres

    if not using_postgres():
        pytest.skip("PostgreSQL only: SQLite's vocabulary needs no extension")
    spec = importlib.util.spec_from_file_location(
        "migration_0008", Path(migrations_directory()) / "versions" / "0008_search_vocabulary.py"
    )
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    url = create_postgres_database("recipes_no_trgm")
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(sa.text("DROP ROLE IF EXISTS recipes_plain"))
        connection.execute(sa.text("CREATE ROLE recipes_plain LOGIN"))
    plain = create_engine(make_url(url).set(username="recipes_plain", password=None), poolclass=NullPool)
    try:
        with plain.connect() as connection, connection.begin():
            assert migration._trigram_extension(connection) is False
            assert connection.execute(sa.text("SELECT 1")).scalar() == 1  # the transaction goes on
            extensions = sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
            assert connection.execute(extensions).scalar() == 0
    finally:
        plain.dispose()
        drop_postgres_database("recipes_no_trgm")
        with admin.connect() as connection:
            connection.execute(sa.text("DROP ROLE IF EXISTS recipes_plain"))
        admin.dispose()


def test_0012_down_keeps_public_recipes_public_and_makes_household_ones_private(app: Flask, make_user: Any) -> None:
    """Downgrading narrows: nothing shared with a household is shown to anyone else."""
    from flask_migrate import downgrade

    user_id = make_user("alice")
    with app.app_context():
        for title, visibility in (("Shared", "household"), ("Open", "public"), ("Mine", "private")):
            db.session.add(
                Recipe(owner_id=user_id, title=title, ingredients=[], instructions=[], visibility=visibility)
            )
        db.session.commit()
        downgrade(directory=app.extensions["migrate"].directory, revision="0011")
        rows = db.session.execute(sa.text("SELECT title, is_public FROM recipe ORDER BY title")).all()
        assert [(title, bool(public)) for title, public in rows] == [("Mine", False), ("Open", True), ("Shared", False)]
        db.session.rollback()  # the read's transaction: PostgreSQL's upgrade would wait for it
        assert "household" not in inspect(db.engine).get_table_names()
        upgrade()
        assert current_revision() == head_revision()
        from .database_fixtures import release_database

        release_database()


def test_0013_down_and_up_again_drops_and_makes_the_plan(app: Flask, make_user: Any) -> None:
    """The plan goes with a downgrade (nothing else changes), and comes back empty."""
    from flask_migrate import downgrade

    from recipes.models import Household, PlanEntry

    from .database_fixtures import release_database

    user_id = make_user("alice")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        db.session.add(PlanEntry(household_id=user.household_id, day=WHEN.date(), meal="dinner", title="Soup"))
        household = db.session.get(Household, user.household_id)
        assert household is not None
        household.meal_times = {"dinner": "18:30"}
        db.session.commit()
        downgrade(directory=app.extensions["migrate"].directory, revision="0012")
        tables = set(inspect(db.engine).get_table_names())
        assert not {"plan_entry", "plan_feed"} & tables
        assert "meal_times" not in {c["name"] for c in inspect(db.engine).get_columns("household")}
        db.session.rollback()
        upgrade()
        assert current_revision() == head_revision()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanEntry)) == 0
        assert db.session.scalar(sa.select(Household.meal_times).where(Household.id == user.household_id)) == {}
        release_database()


def test_0014_down_drops_the_shopping_lists_and_nothing_else(app: Flask, make_user: Any) -> None:
    from flask_migrate import downgrade

    from recipes.shopping import services

    from .database_fixtures import release_database

    user_id = make_user("alice")
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        db.session.add(Recipe(owner_id=user_id, title="Soup", ingredients=["1 onion"], instructions=[]))
        db.session.commit()
        list_id = services.create_list(user, "Groceries").id
        services.add_item(user, list_id, "3 lemons")
        downgrade(directory=app.extensions["migrate"].directory, revision="0013")
        db.session.rollback()
        tables = set(inspect(db.engine).get_table_names())
        assert not {name for name in tables if name.startswith("shopping") or name == "aisle_choice"}
        assert {"plan_entry", "plan_feed"} <= tables
        assert db.session.scalars(sa.select(Recipe.title)).all() == ["Soup"]
        db.session.rollback()
        upgrade()
        assert current_revision() == head_revision()
        release_database()


def test_0015_down_and_up_again_drops_and_makes_the_marks(app: Flask, make_user: Any) -> None:
    """Ratings, favourites and the cooking log go with a downgrade (nothing else changes), and
    come back empty."""
    from datetime import date

    from flask_migrate import downgrade

    from recipes.models import CookingLogEntry, Favourite, Rating

    from .database_fixtures import release_database

    user_id = make_user("alice")
    with app.app_context():
        recipe = Recipe(owner_id=user_id, title="Soup", ingredients=["1 onion"], instructions=[])
        db.session.add(recipe)
        db.session.flush()
        db.session.add_all(
            [
                Rating(user_id=user_id, recipe_id=recipe.id, stars=4),
                Favourite(user_id=user_id, recipe_id=recipe.id),
                CookingLogEntry(user_id=user_id, recipe_id=recipe.id, cooked_on=date(2026, 3, 14), note="Good"),
            ]
        )
        db.session.commit()
        downgrade(directory=app.extensions["migrate"].directory, revision="0014")
        db.session.rollback()
        tables = set(inspect(db.engine).get_table_names())
        assert not {"recipe_rating", "recipe_favourite", "cooking_log"} & tables
        assert {"shopping_list", "plan_entry"} <= tables
        assert db.session.scalars(sa.select(Recipe.title)).all() == ["Soup"]
        db.session.rollback()
        upgrade()
        assert current_revision() == head_revision()
        for model in (Rating, Favourite, CookingLogEntry):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
        release_database()


def test_0016_down_and_up_again_drops_and_makes_the_data_generation(app: Flask, make_user: Any) -> None:
    """The generation and its triggers go with a downgrade (writes go on without them), and come
    back with a new value."""
    from flask_migrate import downgrade

    from .database_fixtures import release_database

    user_id = make_user("alice")
    with app.app_context():
        before = data_generation.read()
        db.session.rollback()  # no transaction of ours holds the table the downgrade drops
        downgrade(directory=app.extensions["migrate"].directory, revision="0015")
        db.session.rollback()
        assert "data_generation" not in set(inspect(db.engine).get_table_names())
        db.session.add(Recipe(owner_id=user_id, title="Soup", ingredients=[], instructions=[]))
        db.session.commit()
        upgrade()
        assert current_revision() == head_revision()
        db.session.rollback()
        after = data_generation.read()
        assert before is not None and after is not None and after > before
        db.session.add(Recipe(owner_id=user_id, title="Stew", ingredients=[], instructions=[]))
        db.session.commit()
        assert (data_generation.read() or 0) > after
        release_database()


def test_0017_down_and_up_again_keeps_the_hits_counting_one_each(app: Flask) -> None:
    """A block of hits is one row again below 0017 (counting one: limits free up early, never
    late); back at 0017 every row counts one."""
    from flask_migrate import downgrade

    from recipes.models import RateLimitHit, utcnow

    from .database_fixtures import release_database

    with app.app_context():
        db.session.add_all([RateLimitHit(key="api:user:1", at=utcnow(), hits=6), RateLimitHit(key="import:user:1")])
        db.session.commit()
        downgrade(directory=app.extensions["migrate"].directory, revision="0016")
        db.session.rollback()
        columns = {column["name"] for column in inspect(db.engine).get_columns("rate_limit_hit")}
        assert columns == {"id", "key", "at"}
        db.session.rollback()
        upgrade()
        assert current_revision() == head_revision()
        rows = db.session.execute(sa.select(RateLimitHit.key, RateLimitHit.hits).order_by(RateLimitHit.id)).all()
        assert [tuple(row) for row in rows] == [("api:user:1", 1), ("import:user:1", 1)]
        release_database()


def test_0018_down_and_up_again_drops_and_makes_the_kitchens_generation(app: Flask, make_user: Any) -> None:
    """The kitchen's row and its triggers go with a downgrade (the recipes' row stays, and writes
    to the kitchen go on without changing anything), and come back with a new value."""
    from flask_migrate import downgrade

    from recipes.models import Household, ShoppingList

    from .database_fixtures import release_database

    user_id = make_user("alice")
    with app.app_context():
        before = data_generation.read(data_generation.KITCHEN)
        recipes = data_generation.read()
        db.session.rollback()
        downgrade(directory=app.extensions["migrate"].directory, revision="0017")
        db.session.rollback()
        assert current_revision() == "0017"
        assert data_generation.read(data_generation.KITCHEN) is None
        assert data_generation.read() == recipes
        db.session.rollback()
        household_id = db.session.scalar(sa.select(User.household_id).where(User.id == user_id))
        db.session.add(ShoppingList(household_id=household_id, name="Groceries"))
        db.session.commit()
        assert data_generation.read(data_generation.KITCHEN) is None  # no trigger left to make it
        db.session.rollback()
        upgrade()
        assert current_revision() == head_revision()
        db.session.rollback()
        after = data_generation.read(data_generation.KITCHEN)
        assert before is not None and after is not None and after > before
        household = db.session.get(Household, household_id)
        assert household is not None
        household.name = "The Kitchen"
        db.session.commit()
        assert (data_generation.read(data_generation.KITCHEN) or 0) > after
        assert data_generation.read() == recipes
        release_database()


def test_0019_start_up_asks_the_index_whether_any_ingredients_are_left_to_read(app: Flask) -> None:
    """Every start asks whether a recipe's ingredients are left to read: the answer comes from
    ix_recipe_ingredients_read_by, not from every recipe's row; a downgrade drops the index."""
    from flask_migrate import downgrade

    from recipes.ingredients.backfill import unread_count

    from .database_fixtures import release_database

    with app.app_context():
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("recipe")}
        assert "ix_recipe_ingredients_read_by" in indexes
        if db.engine.dialect.name == "sqlite":
            asked: list[tuple[str, Any]] = []

            def keep(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
                asked.append((statement, parameters))

            sa.event.listen(db.engine, "before_cursor_execute", keep)
            try:
                assert unread_count(db.session) == 0
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", keep)
            statement, parameters = next((s, p) for s, p in asked if "ingredients_read_by" in s)
            with db.engine.connect() as connection:
                plan = " ".join(
                    str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                )
            assert "COVERING INDEX ix_recipe_ingredients_read_by" in plan and "SCAN recipe" not in plan, plan
        db.session.rollback()
        downgrade(directory=app.extensions["migrate"].directory, revision="0018")
        db.session.rollback()
        assert "ix_recipe_ingredients_read_by" not in {i["name"] for i in inspect(db.engine).get_indexes("recipe")}
        upgrade()
        assert current_revision() == head_revision()
        assert "ix_recipe_ingredients_read_by" in {i["name"] for i in inspect(db.engine).get_indexes("recipe")}
        release_database()
