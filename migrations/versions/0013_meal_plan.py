"""meal plan, its calendar feeds, and meal times

- `plan_entry`: a household's meal plan, one row per thing planned for a meal of a day (`kind`
  "recipe", at some servings, or "note", such as "Leftovers"), in order within its meal. Its
  recipe may be deleted later: the entry stays (ON DELETE SET NULL), with the title it kept
  when the whole household could read it.
- `plan_feed`: secret calendar addresses of a household's plan (only a SHA-256 of each token
  is kept), each made by a member (and gone with that account), revocable.
- `household.meal_times`: the time of day of some meals ({"dinner": "18:30"}), for the
  calendar feed; every existing household starts with none (its meals are all-day events).

Nothing existing changes: the new tables start empty. The downgrade drops them (and the meal
times) again.

Revision ID: 0013
Revises: 0012
Create Date: 2027-01-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meal_times", sa.JSON(), server_default=sa.text("'{}'"), nullable=False))

    op.create_table(
        "plan_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("meal", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("kind", sa.String(length=10), server_default="note", nullable=False),
        sa.Column("recipe_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), server_default="", nullable=False),
        sa.Column("servings", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_plan_entry_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_plan_entry_household_id_household"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_plan_entry_recipe_id_recipe"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_entry")),
    )
    with op.batch_alter_table("plan_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_entry_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index("ix_plan_entry_household_day", ["household_id", "day", "meal", "position"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_entry_recipe_id"), ["recipe_id"], unique=False)

    op.create_table(
        "plan_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["household.id"], name=op.f("fk_plan_feed_household_id_household"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_plan_feed_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_plan_feed_token_hash")),
    )
    with op.batch_alter_table("plan_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_feed_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_feed_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("plan_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_feed_user_id"))
        batch_op.drop_index(batch_op.f("ix_plan_feed_household_id"))
    op.drop_table("plan_feed")

    with op.batch_alter_table("plan_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_entry_recipe_id"))
        batch_op.drop_index("ix_plan_entry_household_day")
        batch_op.drop_index(batch_op.f("ix_plan_entry_created_by_id"))
    op.drop_table("plan_entry")

    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("meal_times")
