"""pending secrets

- `pending_secret`: a secret just made (a new API token, a new share link), waiting for the
  page that shows it to the login session that made it. It used to wait in the session
  cookie, which is signed but not encrypted. Rows live for seconds (minutes at most) and go
  with their login session.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_secret",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login_session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["login_session_id"],
            ["login_session.id"],
            name=op.f("fk_pending_secret_login_session_id_login_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_secret")),
    )
    with op.batch_alter_table("pending_secret", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_secret_login_session_id"), ["login_session_id"], unique=False)


def downgrade():
    with op.batch_alter_table("pending_secret", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_secret_login_session_id"))

    op.drop_table("pending_secret")
