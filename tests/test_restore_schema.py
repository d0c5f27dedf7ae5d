"""A restore takes only a database schema Recipes makes itself.

The backup's schema (SQLite: tables, columns, keys, indexes, triggers, views; a PostgreSQL
dump: tables and columns) must be exactly what the shipped migrations make at the backup's
revision; anything else is refused by name, before anything changes. The expected schema is
made by the migrations themselves, so a later migration needs no edits here.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import text

from recipes import create_app
from recipes.backups import services
from recipes.extensions import db
from recipes.models import User
from recipes.schema import current_revision, head_revision, migrations_directory, run_migrations

from . import database_fixtures as dbf
from .test_backup import _downgrade, _upgrade, add_everything, backup_of, backups_in, recipe_count, restore_into

POSTGRES = dbf.using_postgres()
sqlite_only = pytest.mark.skipif(POSTGRES, reason="a SQLite backup (the dump's own cases are below)")
postgres_only = pytest.mark.skipif(not POSTGRES, reason="a PostgreSQL dump")

REVISIONS = [script.revision for script in ScriptDirectory(migrations_directory()).walk_revisions()][::-1]


def usernames(app: Flask) -> list[str]:
    with app.app_context():
        names = list(db.session.scalars(db.select(User.username).order_by(User.id)))
        dbf.release_database()
    return names


def assert_refused(app: Flask, bad: Path, pattern: str) -> str:
    """Restoring `bad` is refused with a one-line message matching `pattern`, and nothing changed."""
    before = usernames(app), recipe_count(app), backups_in(app)
    with app.app_context(), pytest.raises(services.RestoreRefused) as refused:
        try:
            services.restore_backup(bad)
        finally:
            dbf.release_database()
    message = str(refused.value)
    assert message.startswith(f"{bad} is refused: its schema is not the one Recipes makes at revision "), message
    assert re.search(pattern, message), message
    assert "\n" not in message
    assert (usernames(app), recipe_count(app), backups_in(app)) == before  # not even a safety copy was made
    return message


# --- SQLite backups ----------------------------------------------------------------------------


def tampered(good: Path, target: Path, *statements: str) -> Path:
    """A copy of the backup `good`, changed by `statements` (foreign keys off, as a person might)."""
    shutil.copyfile(good, target)
    connection = sqlite3.connect(target)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.executescript(";\n".join([*statements, ""]))
    finally:
        connection.close()
    return target


def rebuilt(table: str, definition: str) -> list[str]:
    """Statements that rebuild `table` as `definition` (its columns in the same order), keeping its rows."""
    return [
        f'CREATE TABLE "{table}_new" ({definition})',
        f'INSERT INTO "{table}_new" SELECT * FROM "{table}"',  # noqa: S608 (a test's own names)
        f'DROP TABLE "{table}"',
        f'ALTER TABLE "{table}_new" RENAME TO "{table}"',
    ]


USER_COLUMNS = (
    "id INTEGER NOT NULL, username VARCHAR(40) NOT NULL, password_hash VARCHAR(255) NOT NULL, "
    "is_admin BOOLEAN NOT NULL, created_at DATETIME NOT NULL, disabled_at DATETIME, "
    "recipe_layout VARCHAR(10) DEFAULT 'grid' NOT NULL, unit_system VARCHAR(10) DEFAULT 'original' NOT NULL, "
    "household_id INTEGER NOT NULL, "
    "household_role VARCHAR(10) DEFAULT 'member' NOT NULL, CONSTRAINT pk_user PRIMARY KEY (id), "
    "CONSTRAINT fk_user_household_id_household FOREIGN KEY(household_id) REFERENCES household (id)"
)


def generation_triggers(table: str) -> list[str]:
    """The data generation's triggers of `table`, as migration 0016 makes them (dropping a table
    drops its triggers: a rebuild that changes one thing makes them again)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "migration_0016", Path(migrations_directory()) / "versions" / "0016_data_generation.py"
    )
    assert spec and spec.loader
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    return [migration._sqlite_trigger(table, write) for write in migration.WRITES]


def rebuilt_user(definition: str) -> list[str]:
    """`rebuilt` for the user table, with its index (dropping a table drops its indexes)."""
    return [*rebuilt("user", definition), 'CREATE INDEX ix_user_household_id ON "user" (household_id)']


SQLITE_TAMPERING: dict[str, tuple[list[str], str]] = {
    "dropped table": (["DROP TABLE share_link"], r"\(no table share_link\)$"),
    "recipe cut to three columns": (
        [
            "CREATE TABLE recipe_cut AS SELECT id, owner_id, title FROM recipe",
            "DROP TABLE recipe",
            "ALTER TABLE recipe_cut RENAME TO recipe",
        ],
        r"table recipe lacks columns description, ingredients, instructions, servings, prep_time, ",
    ),
    "trigger making admins": (
        [
            'CREATE TRIGGER make_admins AFTER INSERT ON "user" '
            'BEGIN UPDATE "user" SET is_admin = 1 WHERE id = new.id; END'
        ],
        r"an extra trigger make_admins on user[;)]",
    ),
    "view": (["CREATE VIEW everything AS SELECT username, password_hash FROM user"], r"an extra view everything[;)]"),
    "extra table": (["CREATE TABLE notes (body TEXT)"], r"\(an extra table notes[;)]"),
    "missing index": (["DROP INDEX ix_recipe_title"], r"\(no index ix_recipe_title on recipe[;)]"),
    "changed index": (
        ["DROP INDEX ix_recipe_title", "CREATE INDEX ix_recipe_title ON recipe (title)"],
        r"\(index ix_recipe_title on recipe is \(title\), not \(title, id\)\)$",
    ),
    "extra index": (
        ["CREATE UNIQUE INDEX ix_recipe_one_title ON recipe (title)"],
        r"\(an extra index ix_recipe_one_title on recipe[;)]",
    ),
    "extra column": (["ALTER TABLE user ADD COLUMN nickname TEXT"], r"\(table user has an extra column nickname[;)]"),
    "changed column": (
        rebuilt_user(
            USER_COLUMNS.replace("is_admin BOOLEAN NOT NULL", "is_admin BOOLEAN NOT NULL DEFAULT 1")
            + ", CONSTRAINT uq_user_username UNIQUE (username)",
        ),
        r"\(column user\.is_admin is BOOLEAN NOT NULL DEFAULT 1, not BOOLEAN NOT NULL[;)]",
    ),
    "lost unique constraint": (
        rebuilt_user(USER_COLUMNS),
        r"\(table user lacks the unique constraint on \(username\)[;)]",
    ),
    "check constraint": (
        rebuilt_user(f"{USER_COLUMNS}, CONSTRAINT uq_user_username UNIQUE (username), CHECK (length(username) > 2)"),
        r"\(table user has a clause Recipes does not make: CHECK \(length\(username\) > 2\)[;)]",
    ),
    "lost foreign key action": (
        [
            *rebuilt(
                "tag",
                "id INTEGER NOT NULL, owner_id INTEGER NOT NULL, name VARCHAR(64) NOT NULL, label VARCHAR(64), "
                "CONSTRAINT pk_tag PRIMARY KEY (id), CONSTRAINT fk_tag_owner_id_user FOREIGN KEY(owner_id) "
                "REFERENCES user (id), CONSTRAINT uq_tag_owner_id_name UNIQUE (owner_id, name)",
            ),
            "CREATE INDEX ix_tag_name ON tag (name)",
            *generation_triggers("tag"),
        ],
        r"\(table tag lacks the foreign key \(owner_id\) to user \(id\) ON DELETE CASCADE; "
        r"table tag has an extra foreign key \(owner_id\) to user \(id\)\)",
    ),
    "search index dropped": (["DROP TABLE recipe_fts"], r"\(no table recipe_fts; no table recipe_fts_config; "),
}


@sqlite_only
@pytest.mark.parametrize("case", list(SQLITE_TAMPERING))
def test_a_sqlite_backup_with_a_schema_not_ours_is_refused_by_name(app, tmp_path, case):
    statements, pattern = SQLITE_TAMPERING[case]
    add_everything(app)
    good = backup_of(app)
    bad = tampered(good, tmp_path / "bad.db", *statements)
    with app.app_context():
        head = head_revision()
    message = assert_refused(app, bad, pattern)
    assert f"at revision {head} (" in message
    assert not [p for p in good.parent.iterdir() if p.name.startswith(".")]  # no temporary copy left


@sqlite_only
def test_sqlites_own_statistics_are_no_difference(app, tmp_path):
    """ANALYZE (or PRAGMA optimize) adds SQLite's own sqlite_stat1 table: still our schema."""
    add_everything(app)
    analysed = tampered(backup_of(app), tmp_path / "analysed.db", "ANALYZE")
    with sqlite3.connect(analysed) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (1,)
    connection.close()
    restore_into(app, analysed)
    assert usernames(app) == ["alice", "bob"]


@sqlite_only
def test_the_admin_making_trigger_is_refused_on_the_command_line(app, runner, tmp_path):
    """The finding's own repro: restored, the trigger made every new account an admin."""
    add_everything(app)
    good = backup_of(app)
    statements, _ = SQLITE_TAMPERING["trigger making admins"]
    bad = tampered(good, tmp_path / "bad.db", *statements)
    result = runner.invoke(args=["restore", "--yes", str(bad)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {bad} is refused: its schema is not the one Recipes makes at revision "
        f"{REVISIONS[-1]} (an extra trigger make_admins on user)\n"
    )
    result = runner.invoke(args=["create-user", "carol", "--password-stdin"], input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert result.output == "Created user 'carol'.\n"


@sqlite_only
def test_many_differences_are_summed_up_on_one_line(app, tmp_path):
    good = backup_of(app)
    statements = [f"CREATE TABLE extra_{i} (x)" for i in range(12)]
    message = assert_refused(app, tampered(good, tmp_path / "bad.db", *statements), r"and 4 more\)$")
    assert message.count("an extra table extra_") == 8


@sqlite_only
def test_names_a_file_chose_cannot_break_the_line(app, tmp_path):
    good = backup_of(app)
    bad = tampered(good, tmp_path / "bad.db", 'CREATE TABLE "two\nlines" (x)', f'CREATE TABLE "{"x" * 5000}" (x)')
    message = assert_refused(app, bad, r"\(an extra table two\\x0alines; an extra table xxxx")
    assert len(message) < 2200 and message.endswith("…)")


# --- PostgreSQL dumps --------------------------------------------------------------------------

Tables = dict[str, tuple[list[str], list[list[Any]]]]


def edited_dump(good: Path, target: Path, edit: Callable[[Tables], None]) -> Path:
    """A copy of the dump `good` with its tables changed by `edit`, header and end made to fit."""
    lines = [json.loads(line) for line in gzip.decompress(good.read_bytes()).decode().splitlines()]
    header, tables, current = lines[0], {}, ""
    for record in lines[1:-1]:
        if isinstance(record, dict):
            current = record["table"]
            tables[current] = (record["columns"], [])
        else:
            tables[current][1].append(record)
    edit(tables)
    header["tables"] = list(tables)
    out = [header]
    for name, (columns, rows) in tables.items():
        out += [{"table": name, "columns": columns}, *rows]
    out.append({"end": {name: len(rows) for name, (_, rows) in tables.items()}})
    target.write_bytes(gzip.compress("".join(json.dumps(line) + "\n" for line in out).encode()))
    return target


def _drop_share_link(tables: Tables) -> None:
    del tables["share_link"]


def _cut_recipe(tables: Tables) -> None:
    columns, rows = tables["recipe"]
    keep = [columns.index(c) for c in ("id", "owner_id", "title")]
    tables["recipe"] = ([columns[i] for i in keep], [[row[i] for i in keep] for row in rows])


def _add_notes(tables: Tables) -> None:
    tables["notes"] = (["body"], [["hello"]])


def _add_column(tables: Tables) -> None:
    columns, rows = tables["user"]
    tables["user"] = ([*columns, "is_superuser"], [[*row, True] for row in rows])


def _repeat_column(tables: Tables) -> None:
    columns, rows = tables["tag"]
    tables["tag"] = ([*columns, "name"], [[*row, row[columns.index("name")]] for row in rows])


DUMP_TAMPERING: dict[str, tuple[Callable[[Tables], None], str]] = {
    "dropped table": (_drop_share_link, r"\(no table share_link\)$"),
    "recipe cut to three columns": (_cut_recipe, r"\(table recipe lacks columns description, ingredients, "),
    "extra table": (_add_notes, r"\(an extra table notes\)$"),
    "extra column": (_add_column, r"\(table user has an extra column is_superuser\)$"),
    "repeated column": (_repeat_column, r"\(table tag has the column name twice\)$"),
}


@postgres_only
@pytest.mark.parametrize("case", list(DUMP_TAMPERING))
def test_a_dump_with_tables_not_ours_is_refused_by_name(app, tmp_path, case):
    edit, pattern = DUMP_TAMPERING[case]
    add_everything(app)
    good = backup_of(app)
    assert_refused(app, edited_dump(good, tmp_path / "bad.pgdump.json.gz", edit), pattern)


@postgres_only
def test_loading_checks_the_dump_against_postgresqls_own_tables_too(app, tmp_path, monkeypatch):
    """Inside the restore's transaction, after migrating to the dump's revision: all rolled back."""
    from recipes.backups import restore

    add_everything(app)
    good = backup_of(app)
    bad = edited_dump(good, tmp_path / "bad.pgdump.json.gz", _cut_recipe)
    monkeypatch.setattr(restore, "_check_dump_schema", lambda source, contents: None)
    with app.app_context(), pytest.raises(services.BackupError) as failed:
        try:
            services.restore_backup(bad)
        finally:
            dbf.release_database()
    assert re.search(
        r"its tables are not those of schema \w+ here: table recipe lacks columns description, ", str(failed.value)
    )
    assert "the database is as it was" in str(failed.value)
    assert usernames(app) == ["alice", "bob"] and recipe_count(app) == 2


@postgres_only
def test_an_unedited_dump_read_back_and_rewritten_restores(app, tmp_path):
    """The test's own dump editing keeps a good dump good."""
    add_everything(app)
    good = backup_of(app)
    copy = edited_dump(good, tmp_path / "copy.pgdump.json.gz", lambda tables: None)
    restore_into(app, copy)
    assert usernames(app) == ["alice", "bob"]


# --- every revision the migrations know --------------------------------------------------------


@pytest.mark.parametrize("revision", REVISIONS)
def test_a_good_backup_of_every_revision_restores(app, revision):
    try:
        if revision != REVISIONS[-1]:
            _downgrade(app, revision)
        with app.app_context():
            assert current_revision() == revision
            with db.engine.begin() as connection:
                if revision >= "0012":  # every account in a household
                    connection.execute(
                        text("INSERT INTO household (id, name, created_at) VALUES (7, 'olga', '2025-03-01 10:00:00')")
                    )
                    connection.execute(
                        text(
                            'INSERT INTO "user" (id, username, password_hash, is_admin, created_at, household_id) '
                            "VALUES (7, 'olga', 'not-a-hash', true, '2025-03-01 10:00:00', 7)"
                        )
                    )
                else:
                    connection.execute(
                        text(
                            'INSERT INTO "user" (id, username, password_hash, is_admin, created_at) '
                            "VALUES (7, 'olga', 'not-a-hash', true, '2025-03-01 10:00:00')"
                        )
                    )
            dbf.release_database()
        old = backup_of(app)
        assert f"-{revision}." in old.name
    finally:
        _upgrade(app)
    add_everything(app)  # what is there now goes
    report = restore_into(app, old)
    assert (report.backup_revision, report.revision) == (revision, REVISIONS[-1])
    assert usernames(app) == ["olga"]


def test_the_expected_schema_is_made_once_per_revision(app, monkeypatch):
    from recipes.backups import schema_check

    with app.app_context():
        first = schema_check.expected_schema(REVISIONS[0])
        monkeypatch.setattr(schema_check, "sqlite_database_at", None)  # would fail if called again
        assert schema_check.expected_schema(REVISIONS[0]) is first


# --- a migration added later -------------------------------------------------------------------

LATER_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "9997"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meal_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_index("ix_meal_plan_owner_day", "meal_plan", ["owner_id", "day"])
    with op.batch_alter_table("recipe") as batch_op:
        batch_op.add_column(sa.Column("rating", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER meal_plan_touch AFTER UPDATE ON recipe BEGIN "
            "UPDATE meal_plan SET day = day WHERE owner_id = new.owner_id; END"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER meal_plan_touch")
    with op.batch_alter_table("recipe") as batch_op:
        batch_op.drop_column("rating")
    op.drop_index("ix_meal_plan_owner_day", table_name="meal_plan")
    op.drop_table("meal_plan")
"""


def test_a_migration_added_later_is_checked_without_edits(app_config, tmp_path):
    """Its tables, columns, indexes and triggers are ours at its revision, and checked like the rest."""
    migrations = tmp_path / "migrations"
    shutil.copytree(migrations_directory(), migrations)
    (migrations / "versions" / "9997_meal_plans.py").write_text(LATER_MIGRATION.format(head=REVISIONS[-1]))
    app = create_app({**app_config, "RECIPES_MIGRATIONS_DIR": str(migrations)})
    try:
        _upgrade(app)
        add_everything(app)
        with app.app_context():
            assert current_revision() == "9997"
            db.session.execute(text("UPDATE recipe SET rating = 5"))
            db.session.commit()
            dbf.release_database()
        good = backup_of(app)
        report = restore_into(app, good)
        assert report.backup_revision == "9997" and report.rows["recipe"] == 2
        if POSTGRES:
            bad = edited_dump(good, tmp_path / "bad.pgdump.json.gz", _cut_recipe)
            assert_refused(app, bad, r"at revision 9997 \(table recipe lacks columns description, .*, rating\)$")
        else:
            bad = tampered(
                good, tmp_path / "bad.db", "DROP TRIGGER meal_plan_touch", "DROP INDEX ix_meal_plan_owner_day"
            )
            assert_refused(
                app,
                bad,
                r"at revision 9997 \(no index ix_meal_plan_owner_day on meal_plan; "
                r"no trigger meal_plan_touch on recipe\)$",
            )
            changed = tampered(
                good,
                tmp_path / "changed.db",
                "DROP TRIGGER meal_plan_touch",
                "CREATE TRIGGER meal_plan_touch AFTER UPDATE ON recipe BEGIN DELETE FROM meal_plan; END",
            )
            assert_refused(app, changed, r"\(trigger meal_plan_touch on recipe is not the one Recipes makes\)$")
    finally:
        if POSTGRES:  # the worker's database goes back to the shipped head, empty
            with app.app_context():
                with db.engine.connect() as connection:
                    run_migrations(connection, REVISIONS[-1], downgrade=True)
                    connection.commit()
                dbf.empty_postgres_tables()
                dbf.release_database()
