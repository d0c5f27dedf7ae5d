"""search index and total minutes

Adds `recipe.total_minutes` (what "quickest" sorts by and "at most N minutes" filters on)
and the full-text index: an FTS5 table on SQLite, weighted tsvectors with GIN indexes on
PostgreSQL. Existing recipes are indexed here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 17:25:06.119565

"""

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.add_column(sa.Column("total_minutes", sa.Integer(), nullable=True))
        # Sort orders as index walks; see the comment in models.Recipe.
        batch_op.drop_index("ix_recipe_public_created")
        batch_op.create_index("ix_recipe_created", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_recipe_title", ["title", "id"], unique=False)
        batch_op.create_index("ix_recipe_total_minutes", ["total_minutes", "id"], unique=False)
    with op.batch_alter_table("recipe_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_tag_tag_id")
        batch_op.create_index("ix_recipe_tag_tag_recipe", ["tag_id", "recipe_id"], unique=False)
    op.execute(
        "UPDATE recipe SET total_minutes = COALESCE(total_time, CASE WHEN prep_time IS NULL AND cook_time IS NULL "
        "THEN NULL ELSE COALESCE(prep_time, 0) + COALESCE(cook_time, 0) END)"
    )

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE recipe_fts USING fts5(title, tags, ingredients, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')"
        )
    else:
        op.create_table(
            "recipe_search",
            sa.Column("recipe_id", sa.Integer(), sa.ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("document", postgresql.TSVECTOR(), nullable=False),
            sa.Column("ingredients", postgresql.TSVECTOR(), nullable=False),
        )
        op.create_index("ix_recipe_search_document", "recipe_search", ["document"], postgresql_using="gin")
        op.create_index("ix_recipe_search_ingredients", "recipe_search", ["ingredients"], postgresql_using="gin")
    _index_existing_recipes(bind)


# A frozen copy of the index's document format as it was at this revision
# (recipes/search/index.py and the folding in recipes/search/query_text.py). A migration
# never imports application code, which may change after it was written; should the
# format change later, its own migration (or `recipes search reindex`) rebuilds the index.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SQLITE_DELETE = sa.text("DELETE FROM recipe_fts WHERE rowid = :id")
_SQLITE_INSERT = sa.text(
    "INSERT INTO recipe_fts (rowid, title, tags, ingredients, body) VALUES (:id, :title, :tags, :ingredients, :body)"
)
_POSTGRES_UPSERT = sa.text(
    "INSERT INTO recipe_search (recipe_id, document, ingredients) VALUES (:id, "
    "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :tags), 'B') || "
    "setweight(to_tsvector('simple', :ingredients), 'C') || setweight(to_tsvector('simple', :body), 'D'), "
    "to_tsvector('simple', :ingredients)) "
    "ON CONFLICT (recipe_id) DO UPDATE SET document = excluded.document, ingredients = excluded.ingredients"
)


def _fold(text):
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def document_from_values(recipe_id, title, tags, ingredients, description, instructions, notes):
    return {
        "id": recipe_id,
        "title": _fold(title),
        "tags": _fold(", ".join(tags)),
        "ingredients": _fold("\n".join(ingredients)),
        "body": _fold("\n".join([description, *instructions, notes])),
    }


def write(connection, documents):
    if not documents:
        return
    if connection.dialect.name == "sqlite":
        connection.execute(_SQLITE_DELETE, [{"id": d["id"]} for d in documents])
        connection.execute(_SQLITE_INSERT, documents)
    else:
        connection.execute(_POSTGRES_UPSERT, documents)


def _index_existing_recipes(bind):
    tags_of = {}
    for recipe_id, name in bind.execute(
        sa.text("SELECT rt.recipe_id, t.name FROM recipe_tag rt JOIN tag t ON t.id = rt.tag_id ORDER BY t.name")
    ):
        tags_of.setdefault(recipe_id, []).append(name)
    rows = bind.execute(
        sa.text("SELECT id, title, description, ingredients, instructions, notes FROM recipe ORDER BY id")
    ).mappings()
    batch = []
    for row in rows:
        ingredients = _json_list(row["ingredients"])
        instructions = _json_list(row["instructions"])
        batch.append(
            document_from_values(
                row["id"],
                row["title"],
                tags_of.get(row["id"], []),
                ingredients,
                row["description"] or "",
                instructions,
                row["notes"] or "",
            )
        )
        if len(batch) >= BATCH:
            write(bind, batch)
            batch = []
    write(bind, batch)


def _json_list(value):
    # SQLite hands JSON columns back as text to a plain SELECT; psycopg parses them.
    return json.loads(value) if isinstance(value, str) else (value or [])


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE recipe_fts")
    else:
        op.drop_table("recipe_search")
    with op.batch_alter_table("recipe", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_total_minutes")
        batch_op.drop_index("ix_recipe_title")
        batch_op.drop_index("ix_recipe_created")
        batch_op.create_index("ix_recipe_public_created", ["is_public", "created_at"], unique=False)
        batch_op.drop_column("total_minutes")
    with op.batch_alter_table("recipe_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_recipe_tag_tag_recipe")
        batch_op.create_index("ix_recipe_tag_tag_id", ["tag_id"], unique=False)
