"""rate-limit hits counted in blocks; an index to check who may see a recipe

- `rate_limit_hit.hits`: how many actions one row counts. A worker that counts API requests
  reserves a block of them with one row (recipes/ratelimit.py) instead of writing a row per
  request. Every existing row counted one action, and keeps counting one.
- `ix_recipe_visible_to (id, visibility, owner_id, total_minutes)`: what a search's count reads
  of each recipe the text index finds (may this viewer see it, is it quick enough), without
  reading the recipe's row, whose `visibility` comes after its long text (on SQLite, often in
  overflow pages). search/backends.py tells SQLite to use it (INDEXED BY) for those counts.

Revision ID: 0017
Revises: 0016
Create Date: 2027-01-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hits", sa.Integer(), server_default=sa.text("1"), nullable=False))
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.create_index("ix_recipe_visible_to", ["id", "visibility", "owner_id", "total_minutes"], unique=False)


def downgrade():
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_visible_to")
    # A block of N becomes one row again: the limits it counted towards free up early, never late.
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.drop_column("hits")
