"""account lifecycle

- `user.disabled_at`: when the admin disabled the account (NULL: enabled, as every
  existing account stays).
- `login_session.last_seen_at`: when the login was last used; an idle one ends after
  RECIPES_SESSION_DAYS. Existing logins count as seen now, so an upgrade logs nobody out.
- `password_reset`: one-time links to set a new password (only a SHA-256 of each is kept).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:00:00.000000

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
    login_session = sa.table("login_session", sa.column("last_seen_at", sa.DateTime(timezone=True)))
    op.execute(login_session.update().values(last_seen_at=datetime.now(UTC)))
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f("ix_login_session_last_seen_at"), ["last_seen_at"], unique=False)

    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_password_reset_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_reset_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_reset_user_id"))
    op.drop_table("password_reset")

    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_last_seen_at"))
        batch_op.drop_column("last_seen_at")

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
