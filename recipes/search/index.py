"""The search index, kept in step with the recipes inside the same transaction.

SQLite: an FTS5 table `recipe_fts` (rowid = recipe id). PostgreSQL: `recipe_search`
with weighted `tsvector`s and GIN indexes. Both are made by migration 0002 and hold
folded text (see text.fold), so accents and case never matter. After every flush the
recipes that were added, changed or deleted are written to the index by the same
connection, so a search never sees a recipe half-saved; `recipes search reindex`
rebuilds it from scratch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session, selectinload

from ..models import Recipe
from .query_text import fold
from .terms import mark_index_written

# Tables the search owns; they are not in the models' metadata (their types are per database).
SEARCH_TABLE_PREFIXES = ("recipe_fts", "recipe_search")
REINDEX_BATCH = 1000


def is_search_table(name: str | None) -> bool:
    return bool(name) and str(name).startswith(SEARCH_TABLE_PREFIXES)


def include_in_autogenerate(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's `include_name` hook: leave the search tables alone (they are per
    database, FTS5 or tsvector, and made by hand in migration 0002)."""
    if type_ == "table":
        return not is_search_table(name)
    if type_ == "index":
        return not is_search_table(parent_names.get("table_name"))
    return True


@dataclass(frozen=True)
class Document:
    id: int
    title: str
    tags: str
    ingredients: str
    body: str


def document_from_values(
    recipe_id: int,
    title: str,
    tags: Sequence[str],
    ingredients: Sequence[str],
    description: str,
    instructions: Sequence[str],
    notes: str,
) -> Document:
    return Document(
        id=recipe_id,
        title=fold(title),
        tags=fold(", ".join(tags)),
        ingredients=fold("\n".join(ingredients)),
        body=fold("\n".join([description, *instructions, notes])),
    )


def document_for(recipe: Recipe) -> Document:
    return document_from_values(
        recipe.id,
        recipe.title,
        [tag.name for tag in recipe.tags],
        recipe.ingredients or [],
        recipe.description or "",
        recipe.instructions or [],
        recipe.notes or "",
    )


_SQLITE_DELETE = text("DELETE FROM recipe_fts WHERE rowid = :id")
_SQLITE_INSERT = text(
    "INSERT INTO recipe_fts (rowid, title, tags, ingredients, body) VALUES (:id, :title, :tags, :ingredients, :body)"
)
_POSTGRES_DELETE = text("DELETE FROM recipe_search WHERE recipe_id = :id")
_POSTGRES_UPSERT = text(
    "INSERT INTO recipe_search (recipe_id, document, ingredients) VALUES (:id, "
    "setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :tags), 'B') || "
    "setweight(to_tsvector('simple', :ingredients), 'C') || setweight(to_tsvector('simple', :body), 'D'), "
    "to_tsvector('simple', :ingredients)) "
    "ON CONFLICT (recipe_id) DO UPDATE SET document = excluded.document, ingredients = excluded.ingredients"
)


def write(connection: Connection, documents: Sequence[Document]) -> None:
    if not documents:
        return
    mark_index_written(connection)
    rows = [asdict(d) for d in documents]
    if connection.dialect.name == "sqlite":
        connection.execute(_SQLITE_DELETE, [{"id": d.id} for d in documents])
        connection.execute(_SQLITE_INSERT, rows)
    else:
        connection.execute(_POSTGRES_UPSERT, rows)


def remove(connection: Connection, recipe_ids: Iterable[int]) -> None:
    ids = [{"id": recipe_id} for recipe_id in recipe_ids]
    if ids:
        mark_index_written(connection)
        connection.execute(_SQLITE_DELETE if connection.dialect.name == "sqlite" else _POSTGRES_DELETE, ids)


def _sync_after_flush(session: Session, _context: Any) -> None:
    changed = [o for o in (*session.new, *session.dirty) if isinstance(o, Recipe) and o not in session.deleted]
    deleted = [o.id for o in session.deleted if isinstance(o, Recipe)]
    if not changed and not deleted:
        return
    connection = session.connection()
    remove(connection, deleted)
    write(connection, [document_for(recipe) for recipe in changed])


def reindex(session: Session | scoped_session[Any]) -> int:
    """Rebuild the whole index from the recipes (in the caller's transaction); returns the count."""
    connection = session.connection()
    mark_index_written(connection)
    if connection.dialect.name == "sqlite":
        connection.execute(text("DELETE FROM recipe_fts"))  # its vocabulary (recipe_fts_vocab) follows
    else:
        # The words "Did you mean" picks from are only ever added to (by a trigger on
        # recipe_search, migration 0008): start them afresh too.
        connection.execute(text("DELETE FROM recipe_search"))
        connection.execute(text("DELETE FROM recipe_search_word"))
    count, last_id = 0, 0
    while True:
        batch = session.scalars(
            select(Recipe)
            .options(selectinload(Recipe.tags))
            .where(Recipe.id > last_id)
            .order_by(Recipe.id)
            .limit(REINDEX_BATCH)
        ).all()
        if not batch:
            return count
        write(connection, [document_for(recipe) for recipe in batch])
        count += len(batch)
        last_id = batch[-1].id
        session.expunge_all()


def init_app(app: Flask) -> None:
    if not event.contains(Session, "after_flush", _sync_after_flush):
        event.listen(Session, "after_flush", _sync_after_flush)
