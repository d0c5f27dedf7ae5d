"""ratings, favourites and the cooking log

Each account's own marks on recipes it can see:
- `recipe_rating`: its stars (1 to 5) for a recipe, one per account and recipe.
- `recipe_favourite`: the recipes it marked as favourites.
- `cooking_log`: each time it cooked a recipe (a day, and a note if it wrote one).

All three go with their recipe and with their account (ON DELETE CASCADE). Their indexes
serve the list's filters and sorts (an account's ratings by stars; its log of a recipe by
day, so "not cooked in N days" is one index probe per recipe) and the household's average
of a recipe. Nothing existing changes: every table starts empty.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-28 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# Frozen copies of what the app had when this was written (recipes/models.py).
STARS_MIN, STARS_MAX = 1, 5
COOKED_NOTE_MAX = 500


def upgrade():
    op.create_table(
        "recipe_rating",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recipe_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"stars BETWEEN {STARS_MIN} AND {STARS_MAX}", name=op.f("ck_recipe_rating_stars_range")),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_rating_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_recipe_rating_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "recipe_id", name=op.f("pk_recipe_rating")),
    )
    with op.batch_alter_table("recipe_rating", schema=None) as batch_op:
        batch_op.create_index("ix_recipe_rating_user_stars", ["user_id", "stars", "recipe_id"], unique=False)
        batch_op.create_index("ix_recipe_rating_recipe_user", ["recipe_id", "user_id", "stars"], unique=False)

    op.create_table(
        "recipe_favourite",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recipe_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_favourite_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_recipe_favourite_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "recipe_id", name=op.f("pk_recipe_favourite")),
    )
    with op.batch_alter_table("recipe_favourite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipe_favourite_recipe_id"), ["recipe_id"], unique=False)

    op.create_table(
        "cooking_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recipe_id", sa.Integer(), nullable=False),
        sa.Column("cooked_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=COOKED_NOTE_MAX), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_cooking_log_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_cooking_log_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooking_log")),
    )
    with op.batch_alter_table("cooking_log", schema=None) as batch_op:
        batch_op.create_index("ix_cooking_log_user_recipe_day", ["user_id", "recipe_id", "cooked_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_cooking_log_recipe_id"), ["recipe_id"], unique=False)


def downgrade():
    with op.batch_alter_table("cooking_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cooking_log_recipe_id"))
        batch_op.drop_index("ix_cooking_log_user_recipe_day")
    op.drop_table("cooking_log")

    with op.batch_alter_table("recipe_favourite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipe_favourite_recipe_id"))
    op.drop_table("recipe_favourite")

    with op.batch_alter_table("recipe_rating", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_rating_recipe_user")
        batch_op.drop_index("ix_recipe_rating_user_stars")
    op.drop_table("recipe_rating")
