"""The schema comes only from the migrations, and the migrations match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from recipes.extensions import db
from recipes.schema import current_revision, head_revision, upgrade


def test_test_database_is_at_head(app):
    with app.app_context():
        assert current_revision() == head_revision() is not None


def test_no_drift_between_models_and_migrations(app):
    with app.app_context(), db.engine.connect() as connection:
        from recipes.search.index import include_in_autogenerate

        options = {"compare_type": True, "include_name": include_in_autogenerate}
        context = MigrationContext.configure(connection, opts=options)
        assert compare_metadata(context, db.metadata) == []


def test_upgrade_an_empty_database_to_head_and_back(app_config, tmp_path):
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


def test_database_backend_is_the_one_asked_for(app):
    from .database_fixtures import using_postgres

    with app.app_context():
        assert db.engine.dialect.name == ("postgresql" if using_postgres() else "sqlite")


def test_sqlite_connections_are_tuned(app):
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


def test_sqlite_table_rebuild_keeps_rows_that_point_at_it(app, app_config, tmp_path, make_user):
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


def test_0003_keeps_recipes_and_fills_their_source_keys(app, make_user):
    """Recipes saved before pictures and import keep everything, get an empty nutrition
    object, and are found as "already imported" by their source URL."""
    from flask_migrate import downgrade

    from recipes.importing.urls import source_key
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
