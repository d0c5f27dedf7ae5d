"""the kitchen's data generation: a second number, for the household's own things

`data_generation` gets a second row (id 2) whose `value` changes, in the same transaction, with
every write to the tables the planner, the shopping lists, cook mode's "Add what's missing" and
the household page show: the household, its invites, its plan and calendar feeds, its shopping
lists and their rows, recipes, shares, staples and aisle order, and the secrets waiting to be
shown once. Those pages are kept under both rows (recipes/kept_pages.py); the recipe list, under
row 1 alone, is no longer thrown away by a check-off on a shopping list.

Exactly as 0016 does it for row 1 (see there): on SQLite a trigger per table and kind of write,
per row; on PostgreSQL a constraint trigger per table deferred to the commit, which changes the
row once per transaction (with a setting of its own: a transaction that changes both rows changes
each once), and a trigger for TRUNCATE. A value is never used twice: the greater of one more and
the time in microseconds. The triggers are named kitchen_generation_*, so 0016's stay as they
were.

Revision ID: 0018
Revises: 0017
Create Date: 2027-01-20 10:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ROW = 2
# Frozen copy of recipes/data_generation.py's KITCHEN_BUMPED_BY when this was written.
TABLES = (
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
WRITES = ("insert", "update", "delete")

SQLITE_NOW_US = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) * 1000"
POSTGRES_NOW_US = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint"


def _sqlite_trigger(table, write):
    return (
        f'CREATE TRIGGER kitchen_generation_{table}_{write} AFTER {write.upper()} ON "{table}" BEGIN '
        f"INSERT INTO data_generation (id, value) VALUES ({ROW}, {SQLITE_NOW_US}) "
        "ON CONFLICT (id) DO UPDATE SET value = max(data_generation.value + 1, excluded.value); "
        "END"
    )


POSTGRES_FUNCTION = f"""
CREATE FUNCTION kitchen_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('recipes.kitchen_generation_bumped', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('recipes.kitchen_generation_bumped', 'on', true);
        INSERT INTO data_generation (id, value) VALUES ({ROW}, {POSTGRES_NOW_US})
        ON CONFLICT (id) DO UPDATE SET value = greatest(data_generation.value + 1, excluded.value);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO data_generation (id, value) VALUES ({ROW}, {SQLITE_NOW_US})")
        for table in TABLES:
            for write in WRITES:
                op.execute(_sqlite_trigger(table, write))
        return
    op.execute(f"INSERT INTO data_generation (id, value) VALUES ({ROW}, {POSTGRES_NOW_US})")
    op.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        op.execute(
            f'CREATE CONSTRAINT TRIGGER kitchen_generation_{table} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION kitchen_generation_bump()"
        )
        op.execute(
            f'CREATE TRIGGER kitchen_generation_{table}_truncate AFTER TRUNCATE ON "{table}" '
            "FOR EACH STATEMENT EXECUTE FUNCTION kitchen_generation_bump()"
        )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for write in WRITES:
                op.execute(f"DROP TRIGGER kitchen_generation_{table}_{write}")
    else:
        for table in TABLES:
            op.execute(f'DROP TRIGGER kitchen_generation_{table} ON "{table}"')
            op.execute(f'DROP TRIGGER kitchen_generation_{table}_truncate ON "{table}"')
        op.execute("DROP FUNCTION kitchen_generation_bump()")
    op.execute(f"DELETE FROM data_generation WHERE id = {ROW}")
