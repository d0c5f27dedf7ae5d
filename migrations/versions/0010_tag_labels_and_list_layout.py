"""tag labels and the list's layout

- `tag.label`: the tag as its owner typed it ("BBQ"), what pages show; `tag.name` stays
  the lower-case key every match compares. Existing tags were kept in lower case, so
  each gets its name as its label. (NULL, for a row written without one, shows the name.)
- `user.recipe_layout`: how the recipe list shows recipes to the account, "grid" or
  "list". Every existing account gets "grid", the list as it was.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TAG_MAX = 64  # a frozen copy of recipes.cookbook.limits.TAG_MAX (tag.name's length)


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recipe_layout", sa.String(length=10), server_default="grid", nullable=False)
        )

    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label", sa.String(length=TAG_MAX), nullable=True))
    tag = sa.table("tag", sa.column("name", sa.String), sa.column("label", sa.String))
    op.execute(tag.update().values(label=tag.c.name))


def downgrade():
    with op.batch_alter_table("tag", schema=None) as batch_op:
        batch_op.drop_column("label")

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("recipe_layout")
