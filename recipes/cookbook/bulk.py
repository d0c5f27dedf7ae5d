"""Adding many recipes at once (demo data, and imports of whole libraries).

Rows go in with multi-row INSERTs rather than one ORM object at a time, and the
search index is written for each batch; all of it is one transaction, so an
import either lands whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from sqlalchemy import insert, select

from ..extensions import db
from ..models import Recipe, Tag, User, recipe_tag, utcnow
from ..search.index import document_from_values, write
from .services import RecipeData, column_values, tag_names, validate

BATCH_SIZE = 1000


def batched(items: Iterable[RecipeData], size: int) -> Iterator[tuple[RecipeData, ...]]:
    # itertools.batched arrives in Python 3.12.
    iterator = iter(items)
    while batch := tuple(islice(iterator, size)):
        yield batch


def add_recipes(
    owner: User,
    items: Iterable[RecipeData],
    *,
    on_batch: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
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
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return added


def _add_batch(owner: User, batch: tuple[RecipeData, ...], tag_ids: dict[str, int]) -> list[int]:
    now = utcnow()
    rows, names_per_row = [], []
    for data in batch:
        validate(data)
        rows.append({**column_values(data), "owner_id": owner.id, "created_at": now, "updated_at": now})
        names_per_row.append(tag_names(data))
    ids = list(db.session.scalars(insert(Recipe).returning(Recipe.id, sort_by_parameter_order=True), rows).all())
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
