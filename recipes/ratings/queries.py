"""What one's own marks add to a search (search/service.py): filters, and orders by them.

Each is cheap where the list page is cheap: "my favourites" and "at least N stars" list the
account's few marked recipes from their index (a short IN list, not a check of every recipe);
"not cooked in N days" is one index probe per recipe while the page walks its sort's index and
stops. An order by a mark reads the marked recipes first (few, from the mark's own table), then
the rest newest first by walking the recipe index, as an unsorted page does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, and_, exists, func, select

from ..access import Id
from ..models import CookingLogEntry, Favourite, Rating, Recipe
from .marks import today

RATING, LAST_COOKED = "rating", "last_cooked"
MARK_SORTS = (RATING, LAST_COOKED)

AnySelect = Select[Any]


# Each takes the account's id (and its values) or bound parameters standing for them, for a
# statement built once and run for many (search/service.py).


def own_stars_column(user_id: Id) -> Any:
    """The account's own stars for each recipe of a list (a column of the card's row): one
    primary-key probe per row shown, and no query of its own."""
    return (
        select(Rating.stars)
        .where(Rating.user_id == user_id, Rating.recipe_id == Recipe.id)
        .correlate(Recipe)  # only to the recipe: an order by stars joins the ratings too
        .scalar_subquery()
        .label("rating")
    )


def favourites_of(user_id: Id) -> ColumnElement[bool]:
    return Recipe.id.in_(select(Favourite.recipe_id).where(Favourite.user_id == user_id))


def rated_at_least(user_id: Id, stars: Id) -> ColumnElement[bool]:
    return Recipe.id.in_(select(Rating.recipe_id).where(Rating.user_id == user_id, Rating.stars >= stars))


def not_cooked_in(user_id: Id, days: int) -> ColumnElement[bool]:
    """Not logged as cooked by the account in the last `days` days, today included (or never)."""
    return not_cooked_since(user_id, cooked_since(days))


def cooked_since(days: int) -> date:
    """The day before the first of the last `days` days (today included)."""
    return today() - timedelta(days=days)


def not_cooked_since(user_id: Id, since: date | BindParameter[date]) -> ColumnElement[bool]:
    """Not logged as cooked by the account after the day `since` (or never)."""
    return ~exists().where(
        CookingLogEntry.user_id == user_id,
        CookingLogEntry.recipe_id == Recipe.id,
        CookingLogEntry.cooked_on > since,
    ).correlate(Recipe)


_NEWEST = (Recipe.created_at.desc(), Recipe.id.desc())


@dataclass(frozen=True)
class MarkOrder:
    """An order by one of the account's marks, in two parts: `marked(query)` is the recipes of
    `query` it marked, in the mark's order (best or latest first, then newest first); `unmarked`
    the condition of the others, which come after them, newest first."""

    marked: Callable[[AnySelect], AnySelect]
    unmarked: ColumnElement[bool]
    newest: tuple[Any, ...] = _NEWEST


def mark_order(sort: str, user_id: Id) -> MarkOrder:
    if sort == RATING:
        mine = and_(Rating.recipe_id == Recipe.id, Rating.user_id == user_id)
        return MarkOrder(
            marked=lambda query: query.join(Rating, mine).order_by(Rating.stars.desc(), *_NEWEST),
            unmarked=~exists().where(Rating.user_id == user_id, Rating.recipe_id == Recipe.id).correlate(Recipe),
        )
    if sort == LAST_COOKED:
        last = (
            select(CookingLogEntry.recipe_id, func.max(CookingLogEntry.cooked_on).label("day"))
            .where(CookingLogEntry.user_id == user_id)
            .group_by(CookingLogEntry.recipe_id)
            .subquery("last_cooked")
        )
        return MarkOrder(
            marked=lambda query: query.join(last, last.c.recipe_id == Recipe.id).order_by(last.c.day.desc(), *_NEWEST),
            unmarked=~exists()
            .where(CookingLogEntry.user_id == user_id, CookingLogEntry.recipe_id == Recipe.id)
            .correlate(Recipe),
        )
    raise ValueError(f"not an order by a mark: {sort!r}")
