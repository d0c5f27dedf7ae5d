"""Adding many recipes at once (demo data, and imports of whole libraries).

Rows go in with multi-row INSERTs rather than one ORM object at a time, and the search index
is written for each batch. Two ways to land whole or not at all:

- `add_recipes`: one transaction (demo data, the CLI's own work).
- `add_recipes_staged`: file imports, which may be large. Each slice of recipes is its own short
  transaction, so SQLite's write lock is never held for long and other people's saves go on
  meanwhile; the slices' recipes are listed in `pending_recipe`, which hides them from every
  query (`access.published`), until the last slice is in and one small DELETE publishes them
  all. An import that fails takes its slices back out; one whose process died is swept by the
  next import after STALE_AFTER.
After either, SQLite's write-ahead log, grown by all of it, is emptied (database.checkpoint_wal).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import delete, insert, select

from ..database import checkpoint_wal
from ..extensions import db
from ..images.processing import ProcessedImage
from ..images.store import picture_columns
from ..models import PendingRecipe, Recipe, RecipeImage, Tag, User, recipe_tag, utcnow
from ..ratings.transfer import CarriedMarks, add_carried
from ..search.index import document_from_values, remove, write
from .recipe_text import normalize_tag
from .services import RecipeData, column_values, tag_labels, validate

BATCH_SIZE = 1000
T = TypeVar("T")

# A staged import's slice: at most this many recipes, or about this much data (pictures count).
SLICE_RECIPES = 200
SLICE_BYTES = 2 * 1024 * 1024
# On SQLite, after each slice the write lock stays free this long at most (and no longer than
# the slice took), so writers of other processes, which poll for it, get their turn.
SLICE_PAUSE = 0.05
# An import still pending after this long died with its process: the next import sweeps it.
STALE_AFTER = timedelta(hours=6)


@dataclass
class NewRecipe:
    """A recipe to add with what only imports carry: its own dates, a picture, its old id
    (kept when restoring our own export into a library where that id is free)."""

    data: RecipeData
    created_at: datetime | None = None
    updated_at: datetime | None = None
    picture: ProcessedImage | None = None
    id: int | None = None
    marks: CarriedMarks | None = None  # our own export's rating, favourite and log, for the owner


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


def _size(item: RecipeData | NewRecipe) -> int:
    data = item.data if isinstance(item, NewRecipe) else item
    picture = item.picture if isinstance(item, NewRecipe) else None
    text = len(data.description) + len(data.notes) + sum(map(len, data.ingredients)) + sum(map(len, data.instructions))
    return text + (len(picture.full.data) + len(picture.thumb.data) if picture else 0)


def _slices(items: Iterable[T]) -> Iterator[list[T]]:
    current: list[T] = []
    size = 0
    for item in items:
        current.append(item)
        size += _size(item)  # type: ignore[arg-type]
        if len(current) >= SLICE_RECIPES or size >= SLICE_BYTES:
            yield current
            current, size = [], 0
    if current:
        yield current


def _own_tags(owner: User) -> dict[str, int]:
    return dict(db.session.execute(select(Tag.name, Tag.id).where(Tag.owner_id == owner.id)).all())


def add_recipes_staged(
    owner: User,
    items: Iterable[NewRecipe],
    *,
    on_batch: Callable[[int], None] | None = None,
    before_each_commit: Callable[[], None] | None = None,
) -> list[int]:
    """Add every recipe in `items` for `owner`, in short transactions, published at once at the
    end (see the module). Raises RecipeInvalid (and leaves nothing) if any recipe is invalid."""
    sweep_stale_imports()
    key = secrets.token_hex(16)
    added: list[int] = []
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    try:
        for piece in _slices(items):
            started = time.monotonic()
            ids = _add_batch(owner, tuple(piece), _own_tags(owner))
            now = utcnow()
            db.session.execute(
                insert(PendingRecipe), [{"recipe_id": rid, "import_key": key, "created_at": now} for rid in ids]
            )
            if before_each_commit is not None:
                before_each_commit()
            db.session.commit()
            added.extend(ids)
            if on_batch is not None:
                on_batch(len(piece))
            if sqlite:
                time.sleep(min(SLICE_PAUSE, time.monotonic() - started))
        db.session.execute(delete(PendingRecipe).where(PendingRecipe.import_key == key))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard_import(key)
        raise
    checkpoint_wal()
    return added


def discard_import(key: str) -> int:
    """Take a staged import's recipes back out (slice by slice); how many there were."""
    removed = 0
    while ids := list(
        db.session.scalars(select(PendingRecipe.recipe_id).where(PendingRecipe.import_key == key).limit(500))
    ):
        remove(db.session.connection(), ids)
        db.session.execute(delete(Recipe).where(Recipe.id.in_(ids)))
        db.session.execute(delete(PendingRecipe).where(PendingRecipe.recipe_id.in_(ids)))
        db.session.commit()
        removed += len(ids)
    return removed


def sweep_stale_imports() -> int:
    """Discard the imports that have been pending for longer than STALE_AFTER."""
    since = utcnow() - STALE_AFTER
    keys = list(db.session.scalars(select(PendingRecipe.import_key).where(PendingRecipe.created_at < since).distinct()))
    db.session.rollback()
    return sum(discard_import(key) for key in keys)


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
    labels: dict[str, str] = {}  # a new tag's label: its first spelling in the batch
    for item in items:
        validate(item.data)
        rows.append(_row(owner, item, now))
        row_labels = tag_labels(item.data)
        names_per_row.append([normalize_tag(label) for label in row_labels])
        for label in row_labels:
            labels.setdefault(normalize_tag(label), label)
    ids = list(db.session.scalars(insert(Recipe).returning(Recipe.id, sort_by_parameter_order=True), rows).all())
    pictures = [_picture_row(rid, item.picture) for rid, item in zip(ids, items, strict=True) if item.picture]
    if pictures:
        db.session.execute(insert(RecipeImage), pictures)
    new_names = sorted({name for names in names_per_row for name in names} - tag_ids.keys())
    if new_names:
        created = db.session.execute(
            insert(Tag).returning(Tag.name, Tag.id, sort_by_parameter_order=True),
            # An import never respells a tag the owner has; new ones keep the import's spelling.
            [{"owner_id": owner.id, "name": name, "label": labels[name]} for name in new_names],
        )
        tag_ids.update(dict(created.all()))
    links = [
        {"recipe_id": rid, "tag_id": tag_ids[name]}
        for rid, names in zip(ids, names_per_row, strict=True)
        for name in names
    ]
    if links:
        db.session.execute(insert(recipe_tag), links)
    carried = [(rid, item.marks) for rid, item in zip(ids, items, strict=True) if item.marks]
    if carried:
        add_carried(owner.id, carried)
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
