"""search vocabulary: the words "Did you mean ...?" picks its corrections from

- SQLite: `recipe_fts_vocab`, an fts5vocab table over the FTS5 index: its terms (stemmed, as
  the index keeps them) and how many recipes hold each. FTS5 keeps it; nothing to fill.
- PostgreSQL: `recipe_search_word`, every word of the index as written, filled here from the
  existing index and then kept by triggers on `recipe_search` (so every writer of the index,
  a reindex or a restore too, keeps it). Words are only ever added; `recipes search reindex`
  starts it afresh. With the pg_trgm extension (trusted since PostgreSQL 13: a database owner
  may create it) a trigram index lets a correction differ in its first letter too; when the
  extension cannot be created, the upgrade goes on without it and corrections are looked up
  by first letter only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Words worth correcting towards: letters only (no quantities), 3 to 40 characters.
_WANTED = "length(w) BETWEEN 3 AND 40 AND w !~ '[[:digit:]_]'"


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE recipe_fts_vocab USING fts5vocab(recipe_fts, row)")
        return
    op.execute('CREATE TABLE recipe_search_word (word text COLLATE "C" PRIMARY KEY)')
    # New words in sorted order, so two saves adding the same new words cannot deadlock.
    op.execute(
        f"""
        CREATE FUNCTION recipe_search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO recipe_search_word (word)
            SELECT DISTINCT w FROM unnest(tsvector_to_array(NEW.document)) AS w
            WHERE {_WANTED}
            ORDER BY w
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER recipe_search_word_add AFTER INSERT OR UPDATE OF document ON recipe_search "
        "FOR EACH ROW EXECUTE FUNCTION recipe_search_word_add()"
    )
    op.execute(
        "INSERT INTO recipe_search_word (word) "
        f"SELECT DISTINCT w FROM recipe_search, unnest(tsvector_to_array(document)) AS w WHERE {_WANTED} "
        "ORDER BY w ON CONFLICT DO NOTHING"
    )
    if _trigram_extension(bind):
        op.execute("CREATE INDEX ix_recipe_search_word_trgm ON recipe_search_word USING gin (word gin_trgm_ops)")


def _trigram_extension(bind):
    """pg_trgm, created if it is not there yet and this account may; False when it is missing."""
    if bind.execute(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first():
        return True
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first():
        return False  # not installed on the server (the postgresql-contrib package)
    try:
        with bind.begin_nested():  # a savepoint: a refusal leaves the upgrade's transaction usable
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False  # no right to create it here
    return True


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE recipe_fts_vocab")
        return
    # The pg_trgm extension stays: something else in the database may use it.
    op.execute("DROP TRIGGER recipe_search_word_add ON recipe_search")
    op.execute("DROP FUNCTION recipe_search_word_add()")
    op.execute("DROP TABLE recipe_search_word")
