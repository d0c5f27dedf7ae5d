"""All of one account's recipes at once, for when the account is deleted: moved to another
account, or deleted. Part of the caller's transaction (no commit here)."""

from __future__ import annotations

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import HOUSEHOLD, PRIVATE, Recipe, Tag, User, recipe_tag
from ..search.index import remove


def count_recipes(owner_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Recipe).where(Recipe.owner_id == owner_id)) or 0


def move_recipes(from_owner_id: int, to_owner_id: int) -> int:
    """Give every recipe of one account to another, with its tags, picture and share links;
    returns how many. Each stays as it was (private stays private, now to its new owner;
    "last changed" is not touched), except that one shared with a household other than the
    new owner's becomes private: it is never shown to people who could not see it before.
    Tags belong to their owner, one per name: a moved recipe's tag becomes the new owner's
    tag of that name, made if they had none."""
    homes = dict(
        db.session.execute(select(User.id, User.household_id).where(User.id.in_([from_owner_id, to_owner_id]))).all()
    )
    if homes.get(from_owner_id) != homes.get(to_owner_id):
        db.session.execute(
            update(Recipe)
            .where(Recipe.owner_id == from_owner_id, Recipe.visibility == HOUSEHOLD)
            .values(visibility=PRIVATE, updated_at=Recipe.updated_at)
            .execution_options(synchronize_session="fetch")
        )
    theirs = dict(db.session.execute(select(Tag.name, Tag.id).where(Tag.owner_id == to_owner_id)).all())
    for tag_id, name in db.session.execute(select(Tag.id, Tag.name).where(Tag.owner_id == from_owner_id)).all():
        if name in theirs:
            # A recipe only has its own owner's tags, so it never had this one of theirs already.
            db.session.execute(update(recipe_tag).where(recipe_tag.c.tag_id == tag_id).values(tag_id=theirs[name]))
            db.session.execute(delete(Tag).where(Tag.id == tag_id))
    db.session.execute(update(Tag).where(Tag.owner_id == from_owner_id).values(owner_id=to_owner_id))
    moved = db.session.execute(
        update(Recipe)
        .where(Recipe.owner_id == from_owner_id)
        .values(owner_id=to_owner_id, updated_at=Recipe.updated_at)
        .execution_options(synchronize_session="fetch")
    )
    return int(moved.rowcount)  # type: ignore[attr-defined]


def delete_recipes(owner_id: int) -> int:
    """Delete every recipe of one account, with its pictures, share links and tags, and take
    them out of the search index; returns how many."""
    ids = list(db.session.scalars(select(Recipe.id).where(Recipe.owner_id == owner_id)))
    remove(db.session.connection(), ids)  # SQLite's index has no foreign key to follow
    db.session.execute(delete(Recipe).where(Recipe.owner_id == owner_id))
    db.session.execute(delete(Tag).where(Tag.owner_id == owner_id))
    return len(ids)
