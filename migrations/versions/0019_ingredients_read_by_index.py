"""an index on which version of the parser read a recipe's ingredients

`ix_recipe_ingredients_read_by`: every start-up asks whether any recipe's ingredient lines are
left to read (recipes/ingredients/backfill.py, from `recipes bootstrap`). Without an index the
answer, nearly always "none", reads every recipe's row: 0.4 s at 50,000 recipes when the file is
not in the cache, a fifth of a restart. With it, a few pages of the index.

Revision ID: 0019
Revises: 0018
Create Date: 2027-01-07 10:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.create_index("ix_recipe_ingredients_read_by", ["ingredients_read_by"], unique=False)


def downgrade():
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_ingredients_read_by")
