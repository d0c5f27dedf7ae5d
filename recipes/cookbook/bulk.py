"""Adding many recipes at once (demo data, and imports of whole libraries).

Rows go in with multi-row INSERTs rather than one ORM object at a time, and the
search index is written for each batch; all of it is one transaction, so an
import either lands whole or not at all. Then SQLite's write-ahead log, grown by all of
it, is emptied (database.checkpoint_wal).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import insert, select

from ..database import checkpoint_wal
from ..extensions import db
from ..images.processing import ProcessedImage
from ..images.store import picture_columns
from ..models import Recipe, RecipeImage, Tag, User, recipe_tag, utcnow
from ..search.index import document_from_values, write
from .services import RecipeData, column_values, tag_names, validate

BATCH_SIZE = 1000
T = TypeVar("T")


@dataclass
class NewRecipe:
    """A recipe to add with what only imports carry: its own dates, a picture, its old id
    (kept when restoring our own export into a library where that id is free)."""

    data: RecipeData
    created_at: datetime | None = None
    updated_at: datetime | None = None
    picture: ProcessedImage | None = None
    id: int | None = None


def batched(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    # itertools.batched arrives in Python 3.12.
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def add_recipes(
    owner: User,
    items: Iterable[RecipeData | NewRecipe],
    *,
    on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    before_commit: Callable[[], None] | None = None,
) -> list[int]:
    """Add every recipe in `items` for `owner`, validated like single ones; commits once.

    Raises RecipeInvalid (and adds nothing) if any recipe is invalid.
    """
    tag_ids: dict[str, int] = dict(db.session.execute(select(Tag.name, Tag.id).where(Tag.owner_id == owner.id)).all())
    added: list[int] = []
    try:
        for batch in batched(items, batch_size):
            added.extend(_add_batch(owner, batch, tag_ids))
            if on_batch is not None:
                on_batch(len(batch))
        if before_commit is not None:
            before_commit()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    checkpoint_wal()
    return added


def _row(owner: User, item: NewRecipe, now: datetime) -> dict[str, Any]:
    created = item.created_at or now
    row = {
        **column_values(item.data),
        "owner_id": owner.id,
        "created_at": created,
        "updated_at": item.updated_at or created,
        "image_digest": item.picture.digest if item.picture else None,
    }
    if item.id is not None:
        row["id"] = item.id
    return row


def _add_batch(owner: User, batch: tuple[RecipeData | NewRecipe, ...], tag_ids: dict[str, int]) -> list[int]:
    now = utcnow()
    items = [item if isinstance(item, NewRecipe) else NewRecipe(item) for item in batch]
    rows, names_per_row = [], []
    for item in items:
        validate(item.data)
        rows.append(_row(owner, item, now))
        names_per_row.append(tag_names(item.data))
    ids = list(db.session.scalars(insert(Recipe).returning(Recipe.id, sort_by_parameter_order=True), rows).all())
    pictures = [_picture_row(rid, item.picture) for rid, item in zip(ids, items, strict=True) if item.picture]
    if pictures:
        db.session.execute(insert(RecipeImage), pictures)
    new_names = sorted({name for names in names_per_row for name in names} - tag_ids.keys())
    if new_names:
        created = db.session.execute(
            insert(Tag).returning(Tag.name, Tag.id, sort_by_parameter_order=True),
            [{"owner_id": owner.id, "name": name} for name in new_names],
        )
        tag_ids.update(dict(created.all()))
    links = [
        {"recipe_id": rid, "tag_id": tag_ids[name]}
        for rid, names in zip(ids, names_per_row, strict=True)
        for name in names
    ]
    if links:
        db.session.execute(insert(recipe_tag), links)
    write(
        db.session.connection(),
        [
            document_from_values(
                rid,
                row["title"],
                sorted(names),
                row["ingredients"],
                row["description"],
                row["instructions"],
                row["notes"],
            )
            for rid, row, names in zip(ids, rows, names_per_row, strict=True)
        ],
    )
    return ids


def _picture_row(recipe_id: int, picture: ProcessedImage) -> dict[str, Any]:
    return {"recipe_id": recipe_id, **picture_columns(picture), "created_at": utcnow()}
