"""pending pictures and import results: kept a short while for one login

- `pending_picture`: a picture chosen on a recipe form that came back with an error, already
  processed, waiting for that form's next submit (so it need not be chosen again).
- `import_result`: what an import did, for the results page it redirects to (a reload shows
  it again).

Both are new and start empty; rows live for a day at most and go with their login session.
Backups leave them out.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-12 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_picture",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login_session_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("full", sa.LargeBinary(), nullable=False),
        sa.Column("thumb", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["login_session_id"],
            ["login_session.id"],
            name=op.f("fk_pending_picture_login_session_id_login_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_picture")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_pending_picture_key_hash")),
    )
    with op.batch_alter_table("pending_picture", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_picture_login_session_id"), ["login_session_id"], unique=False)

    op.create_table(
        "import_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login_session_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["login_session_id"],
            ["login_session.id"],
            name=op.f("fk_import_result_login_session_id_login_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_result")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_import_result_key_hash")),
    )
    with op.batch_alter_table("import_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_result_login_session_id"), ["login_session_id"], unique=False)


def downgrade():
    with op.batch_alter_table("import_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_result_login_session_id"))
    op.drop_table("import_result")

    with op.batch_alter_table("pending_picture", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_picture_login_session_id"))
    op.drop_table("pending_picture")
