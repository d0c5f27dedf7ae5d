"""pictures, nutrition, source key and rate limits

- `recipe_image`: one picture per recipe, as re-encoded renditions (full and card
  thumbnail), in the database so a backup or a shared PostgreSQL holds everything.
- `recipe.image_digest` (what cards and pages link to), `recipe.nutrition`,
  `recipe.source_key` (the normalised source URL, hashed: "already imported?").
- `rate_limit_hit`: counted actions (URL imports), shared by every worker.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 18:42:15.756670

"""

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.create_table(
        "rate_limit_hit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hit")),
    )
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.create_index("ix_rate_limit_hit_key_at", ["key", "at"], unique=False)

    op.create_table(
        "recipe_image",
        sa.Column("recipe_id", sa.Integer(), nullable=False),
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
            ["recipe_id"], ["recipe.id"], name=op.f("fk_recipe_image_recipe_id_recipe"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("recipe_id", name=op.f("pk_recipe_image")),
    )
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_key", sa.String(length=64), nullable=True))
        # Existing recipes have no nutrition: an empty object, not NULL (kept as the default,
        # so SQLite need not rebuild the table a second time to drop it).
        batch_op.add_column(sa.Column("nutrition", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column("image_digest", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_recipe_owner_source", ["owner_id", "source_key"], unique=False)

    _fill_source_keys(op.get_bind())


# A frozen copy of the source-URL normaliser as it was at this revision
# (recipes/cookbook/sources.py), so recipes saved before it are found as "already imported".
# A migration never imports application code, which may change after it was written.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs")
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "ref", "ref_src", "_ga"})


def _is_tracking(name):
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def _normalize(url):
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", netloc, path, query, ""))


def source_key(url):
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        normal = _normalize(url)
    except ValueError:
        normal = url
    return hashlib.sha256(normal.encode()).hexdigest()


def _fill_source_keys(bind):
    recipe = sa.table("recipe", sa.column("id", sa.Integer), sa.column("source_url"), sa.column("source_key"))
    last_id = 0
    while True:
        rows = bind.execute(
            sa.select(recipe.c.id, recipe.c.source_url)
            .where(recipe.c.id > last_id, recipe.c.source_url != "")
            .order_by(recipe.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for recipe_id, url in rows:
            bind.execute(recipe.update().where(recipe.c.id == recipe_id).values(source_key=source_key(url)))
        last_id = rows[-1][0]


def downgrade():
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_owner_source")
        batch_op.drop_column("image_digest")
        batch_op.drop_column("nutrition")
        batch_op.drop_column("source_key")

    op.drop_table("recipe_image")
    with op.batch_alter_table("rate_limit_hit", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hit_key_at")
    op.drop_table("rate_limit_hit")
