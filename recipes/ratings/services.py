"""Changing an account's marks on a recipe: its stars, the favourite flag, "cooked it".

Only someone who may see a recipe (access.visible_to: their own, their household's, a public
one) rates it, marks it or logs it; for anyone else it does not exist (RecipeNotFound). Each
function is one user action and commits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from ..access import visible_to
from ..extensions import db
from ..models import CookingLogEntry, Favourite, Rating, Recipe, User, utcnow
from ..text_cleaning import clean_text
from . import limits
from .marks import today


class RecipeNotFound(Exception):
    """No such recipe, or not one the account may see: the same answer for both."""


@dataclass
class MarkInvalid(Exception):
    """A value a mark cannot take; `field` names it ("stars", "date", "note")."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def check_visible(user: User, recipe_id: int) -> None:
    """RecipeNotFound unless `user` may see the recipe."""
    if db.session.scalar(select(Recipe.id).where(Recipe.id == recipe_id, visible_to(user))) is None:
        raise RecipeNotFound(recipe_id)


def checked_stars(value: Any) -> int:
    """A number of stars, or MarkInvalid: a whole number from 1 to 5 (not True, not "4")."""
    if isinstance(value, bool) or not isinstance(value, int) or not limits.STARS_MIN <= value <= limits.STARS_MAX:
        raise MarkInvalid("stars", limits.STARS_RANGE)
    return value


def checked_day(value: date | None) -> date:
    """The day of a "cooked it" (None: today), or MarkInvalid when it is too early or to come."""
    day = today() if value is None else value
    if day < limits.EARLIEST_DAY:
        raise MarkInvalid("date", limits.DAY_TOO_EARLY)
    if day > today() + timedelta(days=limits.DAYS_AHEAD):
        raise MarkInvalid("date", limits.DAY_AHEAD)
    return day


def checked_note(value: str | None) -> str:
    note = clean_text(value or "").strip()
    if len(note) > limits.COOKED_NOTE_MAX:
        raise MarkInvalid("note", limits.NOTE_TOO_LONG)
    return note


def _upsert(table: Any, values: dict[str, Any], keys: list[str], update: dict[str, Any] | None) -> Any:
    """INSERT ... ON CONFLICT: one statement, so two requests at once cannot both insert."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values)
    if update:
        return statement.on_conflict_do_update(index_elements=keys, set_=update)
    return statement.on_conflict_do_nothing(index_elements=keys)


def rate(user: User, recipe_id: int, stars: Any) -> None:
    """Give the recipe `stars` (1 to 5) as `user`'s rating, replacing any earlier one."""
    stars = checked_stars(stars)
    check_visible(user, recipe_id)
    now = utcnow()
    values = {"user_id": user.id, "recipe_id": recipe_id, "stars": stars, "updated_at": now}
    db.session.execute(_upsert(Rating, values, ["user_id", "recipe_id"], {"stars": stars, "updated_at": now}))
    db.session.commit()


def unrate(user: User, recipe_id: int) -> None:
    """Take `user`'s rating of the recipe back (nothing happens if there was none)."""
    check_visible(user, recipe_id)
    db.session.execute(delete(Rating).where(Rating.user_id == user.id, Rating.recipe_id == recipe_id))
    db.session.commit()


def set_favourite(user: User, recipe_id: int, favourite: bool) -> None:
    """Mark the recipe as one of `user`'s favourites, or no longer (the same twice changes nothing)."""
    check_visible(user, recipe_id)
    if favourite:
        values = {"user_id": user.id, "recipe_id": recipe_id, "created_at": utcnow()}
        db.session.execute(_upsert(Favourite, values, ["user_id", "recipe_id"], None))
    else:
        db.session.execute(delete(Favourite).where(Favourite.user_id == user.id, Favourite.recipe_id == recipe_id))
    db.session.commit()


def log_cooked(user: User, recipe_id: int, day: date | None = None, note: str | None = None) -> date:
    """Log that `user` cooked the recipe on `day` (None: today), with a note if given; the day."""
    day = checked_day(day)
    text = checked_note(note)
    check_visible(user, recipe_id)
    db.session.execute(
        insert(CookingLogEntry).values(
            user_id=user.id, recipe_id=recipe_id, cooked_on=day, note=text, created_at=utcnow()
        )
    )
    db.session.commit()
    return day


def remove_cooked(user: User, recipe_id: int, entry_id: int) -> None:
    """Take one of `user`'s own "cooked it" entries of the recipe back out (logged by mistake)."""
    check_visible(user, recipe_id)
    removed = db.session.execute(
        delete(CookingLogEntry).where(
            CookingLogEntry.id == entry_id,
            CookingLogEntry.user_id == user.id,
            CookingLogEntry.recipe_id == recipe_id,
        )
    )
    if not getattr(removed, "rowcount", 0):
        db.session.rollback()
        raise RecipeNotFound(recipe_id)  # not theirs, or not this recipe's: nothing to name
    db.session.commit()
