"""pending recipes: file imports land in short slices, hidden until the last one is in

- `pending_recipe`: the recipes of a file import still arriving, by import; deleting an
  import's rows publishes its recipes at once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 23:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_recipe",
        sa.Column("recipe_id", sa.Integer(), nullable=False),
        sa.Column("import_key", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipe_id"], ["recipe.id"], name=op.f("fk_pending_recipe_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("recipe_id", name=op.f("pk_pending_recipe")),
    )
    with op.batch_alter_table("pending_recipe", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_recipe_import_key"), ["import_key"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_recipe", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_recipe_import_key"))
    op.drop_table("pending_recipe")
