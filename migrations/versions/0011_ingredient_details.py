"""ingredient details and unit systems

- `recipe.ingredient_details`: one reading per ingredient line (amount, unit, food, ...), as
  JSON beside the verbatim lines, which stay as they were. Existing recipes start with NULL
  ("not read yet"): reading needs the ingredient parser, which is live application code a
  migration must not import, so the start-up right after the migrations (and
  `recipes ingredients backfill`) fills them, with progress in the log. Pages read a recipe
  that is not filled yet on the fly, without writing.
- `recipe.ingredients_read_by`: the reader version of those readings (NULL: not read).
- `user.unit_system`: how amounts are shown to the account; everyone gets "original" (as
  written), which is how they were shown before.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ingredient_details", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("ingredients_read_by", sa.Integer(), nullable=True))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unit_system", sa.String(length=10), server_default="original", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("unit_system")
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.drop_column("ingredients_read_by")
        batch_op.drop_column("ingredient_details")
