"""households, invites, and three-way recipe visibility

- `household`: the people who share recipes, a meal plan and shopping lists (its name, its
  meal names in order, the first day of its week).
- `user.household_id` (not null) and `user.household_role` ("admin" or "member"): every
  account belongs to one household. Each existing account gets a household of its own, of
  which it is the admin (named after it, made when it was): nobody is put together with
  anyone, so no account's name, recipes or (later) plans are shown to anyone new. Accounts
  that belong together join with an invite, or the instance admin moves them.
- `household_invite`: links that bring an account into a household (only a SHA-256 of each
  token is kept), expiring, single-use or not, counted and revocable.
- `recipe.visibility` ("private", "household" or "public") replaces `recipe.is_public`:
  public recipes stay public, every other one stays private. Nothing becomes "household"
  until its owner chooses it.

The downgrade keeps public recipes public and makes "household" ones private again (the
narrower choice), and drops the households.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-20 10:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Frozen copies of what the app had when this was written (recipes/models.py).
DEFAULT_MEAL_NAMES = ["breakfast", "lunch", "dinner", "snack"]
HOUSEHOLD_NAME_SUFFIX = "'s household"


def upgrade():
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column(
            "meal_names", sa.JSON(), server_default=sa.text(f"'{json.dumps(DEFAULT_MEAL_NAMES)}'"), nullable=False
        ),
        sa.Column("week_start", sa.String(length=9), server_default="monday", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
    )
    # One household per existing account, with the account's id (so the two are matched
    # without a lookup) and the account's creation time.
    user = sa.table(
        "user",
        sa.column("id", sa.Integer),
        sa.column("username", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("household_id", sa.Integer),
        sa.column("household_role", sa.String),
    )
    household = sa.table(
        "household",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        household.insert().from_select(
            ["id", "name", "created_at"],
            sa.select(user.c.id, user.c.username + HOUSEHOLD_NAME_SUFFIX, user.c.created_at),
        )
    )
    if op.get_bind().dialect.name == "postgresql":
        # Rows written with their ids leave the sequence behind: the next household follows them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('household', 'id'), "
            "COALESCE((SELECT MAX(id) FROM household), 0) + 1, false)"
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("household_role", sa.String(length=10), server_default="member", nullable=False))
    op.execute(user.update().values(household_id=user.c.id, household_role="admin"))
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column("household_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_user_household_id"), ["household_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_user_household_id_household"), "household", ["household_id"], ["id"])

    op.create_table(
        "household_invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("single_use", sa.Boolean(), nullable=False),
        sa.Column("uses", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_household_invite_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_invite_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_household_invite_token_hash")),
    )
    with op.batch_alter_table("household_invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_invite_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_invite_household_id"), ["household_id"], unique=False)

    recipe = sa.table("recipe", sa.column("is_public", sa.Boolean), sa.column("visibility", sa.String))
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visibility", sa.String(length=10), server_default="private", nullable=False))
    op.execute(recipe.update().where(recipe.c.is_public.is_(sa.true())).values(visibility="public"))
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.drop_column("is_public")


def downgrade():
    recipe = sa.table("recipe", sa.column("is_public", sa.Boolean), sa.column("visibility", sa.String))
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_public", sa.Boolean(), nullable=True))
    # "household" becomes private: the narrower of the two choices left.
    op.execute(recipe.update().values(is_public=recipe.c.visibility == "public"))
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.alter_column("is_public", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("visibility")

    with op.batch_alter_table("household_invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_invite_household_id"))
        batch_op.drop_index(batch_op.f("ix_household_invite_created_by_id"))
    op.drop_table("household_invite")

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_user_household_id_household"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_user_household_id"))
        batch_op.drop_column("household_role")
        batch_op.drop_column("household_id")
    op.drop_table("household")
