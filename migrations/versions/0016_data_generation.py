"""the data generation: a number every write to what a recipe list shows changes

`data_generation` holds one row (id 1) whose `value` changes, in the same transaction, with
every write to the tables a recipe list is made of: the recipes, their tags, the accounts (whose
household decides what one sees, whose name a card shows), imports still arriving, and each
account's ratings, favourites and cooking log. A page made from the data at one value stays true
while the value is the same, so a worker may keep it (recipes/data_generation.py).

The triggers, not the app's code, keep it: every writer (a page, the API, the CLI, an import, a
restore) changes it, whichever code path it takes.

- A value is never used twice, even after a restore brings an older one back: each change makes
  it the greater of one more and the time in microseconds.
- SQLite: a trigger per table and kind of write, per row (SQLite has no statement triggers).
  SQLite has one writer at a time anyway.
- PostgreSQL: a constraint trigger per table, deferred to the commit, which changes the row once
  per transaction. The row is locked only while a transaction commits, after all its other
  writes: writers do not queue behind one another's whole transactions, and no lock cycle
  (deadlock) can form through it. A TRUNCATE changes it too.

The row is upserted, so a table emptied by hand (TRUNCATE) starts again.

Revision ID: 0016
Revises: 0015
Create Date: 2027-01-05 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

# Frozen copy of recipes/data_generation.py's BUMPED_BY when this was written.
TABLES = (
    "recipe",
    "recipe_tag",
    "tag",
    "user",
    "pending_recipe",
    "recipe_rating",
    "recipe_favourite",
    "cooking_log",
)
WRITES = ("insert", "update", "delete")

SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1000"
POSTGRES_NOW_US = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"


def _sqlite_trigger(table, write):
    return (
        f'CREATE TRIGGER data_generation_{table}_{write} AFTER {write.upper()} ON "{table}" BEGIN '
        f"INSERT INTO data_generation (id, value) VALUES (1, {SQLITE_NOW_US}) "
        "ON CONFLICT (id) DO UPDATE SET value = max(data_generation.value + 1, excluded.value); "
        "END"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION data_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('recipes.data_generation_bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('recipes.data_generation_bumped', 'on', true);
        INSERT INTO data_generation (id, value) VALUES (1, {POSTGRES_NOW_US})
        ON CONFLICT (id) DO UPDATE SET value = greatest(data_generation.value + 1, excluded.value);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.create_table(
        "data_generation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_generation")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO data_generation (id, value) VALUES (1, {SQLITE_NOW_US})")
        for table in TABLES:
            for write in WRITES:
                op.execute(_sqlite_trigger(table, write))
        return
    op.execute(f"INSERT INTO data_generation (id, value) VALUES (1, {POSTGRES_NOW_US})")
    op.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        op.execute(
            f'CREATE CONSTRAINT TRIGGER data_generation_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_generation_bump()"
        )
        op.execute(
            f'CREATE TRIGGER data_generation_{table}_truncate AFTER TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION data_generation_bump()"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for write in WRITES:
                op.execute(f"DROP TRIGGER data_generation_{table}_{write}")
    else:
        for table in TABLES:
            op.execute(f'DROP TRIGGER data_generation_{table} ON "{table}"')
            op.execute(f'DROP TRIGGER data_generation_{table}_truncate ON "{table}"')
        op.execute("DROP FUNCTION data_generation_bump()")
    op.drop_table("data_generation")
