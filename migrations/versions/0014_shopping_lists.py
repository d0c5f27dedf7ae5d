"""shopping lists

- `shopping_list`: a household's lists (several: "Groceries", "Market"), each with a `version`
  that every change raises, so a phone asks "has it changed?" with one number.
- `shopping_list_recipe`: a recipe added to a list at some servings (its title kept, should the
  recipe be deleted); `shopping_item`: the list's rows, one per food, with what they show worked
  out; `shopping_item_source`: what each recipe (or a person, by hand) asks of a row, so taking a
  recipe out takes exactly its share.
- `shopping_op`: the changes a client named with an op_id, so a change sent twice (an offline
  queue replayed) is made once.
- `shopping_preferences` (a household's aisle order and pantry staples) and `aisle_choice` (a
  food a household moved to another aisle).
- `shopping_list_share`: read-only links to a list (only a SHA-256 of each token is kept).

Only new tables: nothing that exists changes, and the downgrade drops them (with the lists).

Revision ID: 0014
Revises: 0013
Create Date: 2027-01-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Frozen copies of the sizes the app had when this was written (recipes/models.py).
TITLE_MAX = 200
TEXT_MAX = 500
FOOD_KEY_MAX = 120


def _stamp(name, nullable=False):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "shopping_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_shopping_list_household_id_household"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopping_list")),
    )
    with op.batch_alter_table("shopping_list", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shopping_list_household_id"), ["household_id"], unique=False)

    op.create_table(
        "shopping_list_recipe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("recipe_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=TITLE_MAX), nullable=False),
        sa.Column("servings", sa.Float(), nullable=True),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(
            ["list_id"], ["shopping_list.id"], name=op.f("fk_shopping_list_recipe_list_id_shopping_list"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_shopping_list_recipe_recipe_id_recipe"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopping_list_recipe")),
    )
    with op.batch_alter_table("shopping_list_recipe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shopping_list_recipe_list_id"), ["list_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shopping_list_recipe_recipe_id"), ["recipe_id"], unique=False)

    op.create_table(
        "shopping_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("food", sa.String(length=TEXT_MAX), nullable=True),
        sa.Column("food_key", sa.String(length=FOOD_KEY_MAX), nullable=True),
        sa.Column("text", sa.String(length=TEXT_MAX), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("quantity_max", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=30), nullable=True),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("by_hand", sa.Boolean(), nullable=False),
        sa.Column("aisle", sa.String(length=20), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        _stamp("checked_at", nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _stamp("created_at"),
        _stamp("updated_at"),
        sa.ForeignKeyConstraint(
            ["list_id"], ["shopping_list.id"], name=op.f("fk_shopping_item_list_id_shopping_list"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopping_item")),
    )
    with op.batch_alter_table("shopping_item", schema=None) as batch_op:
        batch_op.create_index("ix_shopping_item_list_food", ["list_id", "food_key"], unique=False)

    op.create_table(
        "shopping_item_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("text", sa.String(length=TEXT_MAX), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["shopping_list_recipe.id"],
            name=op.f("fk_shopping_item_source_entry_id_shopping_list_recipe"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["shopping_item.id"], name=op.f("fk_shopping_item_source_item_id_shopping_item"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopping_item_source")),
    )
    with op.batch_alter_table("shopping_item_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shopping_item_source_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shopping_item_source_item_id"), ["item_id"], unique=False)

    op.create_table(
        "shopping_op",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        _stamp("created_at"),
        sa.ForeignKeyConstraint(
            ["list_id"], ["shopping_list.id"], name=op.f("fk_shopping_op_list_id_shopping_list"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopping_op")),
        sa.UniqueConstraint("list_id", "op_id", name="uq_shopping_op_list_id"),
    )

    op.create_table(
        "shopping_preferences",
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("aisle_order", sa.JSON(), nullable=True),
        sa.Column("staples", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_shopping_preferences_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_shopping_preferences")),
    )

    op.create_table(
        "aisle_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("food_key", sa.String(length=FOOD_KEY_MAX), nullable=False),
        sa.Column("aisle", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_aisle_choice_household_id_household"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aisle_choice")),
        sa.UniqueConstraint("household_id", "food_key", name="uq_aisle_choice_household_id"),
    )

    op.create_table(
        "shopping_list_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        _stamp("created_at"),
        _stamp("expires_at", nullable=True),
        _stamp("revoked_at", nullable=True),
        sa.Column("views", sa.Integer(), server_default=sa.text("0"), nullable=False),
        _stamp("last_viewed_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"], ["shopping_list.id"], name=op.f("fk_shopping_list_share_list_id_shopping_list"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shopping_list_share")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_shopping_list_share_token_hash")),
    )
    with op.batch_alter_table("shopping_list_share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shopping_list_share_list_id"), ["list_id"], unique=False)


def downgrade():
    with op.batch_alter_table("shopping_list_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopping_list_share_list_id"))
    op.drop_table("shopping_list_share")
    op.drop_table("aisle_choice")
    op.drop_table("shopping_preferences")
    op.drop_table("shopping_op")
    with op.batch_alter_table("shopping_item_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopping_item_source_item_id"))
        batch_op.drop_index(batch_op.f("ix_shopping_item_source_entry_id"))
    op.drop_table("shopping_item_source")
    with op.batch_alter_table("shopping_item", schema=None) as batch_op:
        batch_op.drop_index("ix_shopping_item_list_food")
    op.drop_table("shopping_item")
    with op.batch_alter_table("shopping_list_recipe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopping_list_recipe_recipe_id"))
        batch_op.drop_index(batch_op.f("ix_shopping_list_recipe_list_id"))
    op.drop_table("shopping_list_recipe")
    with op.batch_alter_table("shopping_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shopping_list_household_id"))
    op.drop_table("shopping_list")
