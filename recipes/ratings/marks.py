"""Reading an account's marks on recipes: for the recipe page, the cards of a list, the API's
recipe object and the export.

`rating_average` is the household's: the mean of the stars given to the recipe by the members
of the viewer's household as it is now (the viewer included), to one decimal, or None when none
of them rated it. An account that moves to another household takes its ratings along: they
count in its new household's averages, and no longer in the old one's.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select

from ..access import household_members
from ..extensions import db
from ..models import CookingLogEntry, Favourite, Rating, User


def today() -> date:
    """The day it is where the server is: what "cooked today" and "3 days ago" count from."""
    return date.today()


@dataclass(frozen=True)
class Marks:
    """One account's marks on one recipe (the defaults: none)."""

    rating: int | None = None  # the account's own stars
    rating_average: float | None = None  # its household's mean (see the module)
    ratings_counted: int = 0  # how many of the household rated it
    favourite: bool = False
    last_cooked: date | None = None
    times_cooked: int = 0

    def as_object(self) -> dict[str, Any]:
        """The five fields the API's recipe object (and the export) gains."""
        return {
            "rating": self.rating,
            "rating_average": self.rating_average,
            "favourite": self.favourite,
            "last_cooked": self.last_cooked.isoformat() if self.last_cooked else None,
            "times_cooked": self.times_cooked,
        }

    @property
    def days_since_cooked(self) -> int | None:
        return None if self.last_cooked is None else (today() - self.last_cooked).days


NO_MARKS = Marks()


def marks_for(user: User, recipe_ids: Collection[int]) -> dict[int, Marks]:
    """`user`'s marks on each of these recipes, in three queries whatever their number (a
    recipe without any is left out: read it as NO_MARKS)."""
    ids = list(recipe_ids)
    if not ids:
        return {}
    me = user.id
    ratings = db.session.execute(
        select(
            Rating.recipe_id,
            func.max(case((Rating.user_id == me, Rating.stars))),
            func.avg(Rating.stars),
            func.count(),
        )
        .where(Rating.recipe_id.in_(ids), Rating.user_id.in_(household_members(user)))
        .group_by(Rating.recipe_id)
    ).all()
    favourites = set(
        db.session.scalars(select(Favourite.recipe_id).where(Favourite.user_id == me, Favourite.recipe_id.in_(ids)))
    )
    cooked = db.session.execute(
        select(CookingLogEntry.recipe_id, func.max(CookingLogEntry.cooked_on), func.count())
        .where(CookingLogEntry.user_id == me, CookingLogEntry.recipe_id.in_(ids))
        .group_by(CookingLogEntry.recipe_id)
    ).all()
    fields: dict[int, dict[str, Any]] = {}
    for recipe_id, mine, average, counted in ratings:
        fields.setdefault(recipe_id, {}).update(
            rating=mine, rating_average=round(float(average), 1), ratings_counted=counted
        )
    for recipe_id in favourites:
        fields.setdefault(recipe_id, {})["favourite"] = True
    for recipe_id, last, times in cooked:
        fields.setdefault(recipe_id, {}).update(last_cooked=_as_date(last), times_cooked=times)
    return {recipe_id: Marks(**values) for recipe_id, values in fields.items()}


def marks_of(user: User, recipe_id: int) -> Marks:
    return marks_for(user, [recipe_id]).get(recipe_id, NO_MARKS)


def latest_cooking(user: User, recipe_id: int, limit: int) -> list[CookingLogEntry]:
    """`user`'s latest "cooked it" entries for the recipe, the latest day first."""
    return list(
        db.session.scalars(
            select(CookingLogEntry)
            .where(CookingLogEntry.user_id == user.id, CookingLogEntry.recipe_id == recipe_id)
            .order_by(CookingLogEntry.cooked_on.desc(), CookingLogEntry.id.desc())
            .limit(limit)
        )
    )


def _as_date(value: Any) -> date | None:
    # max() of a date column comes back as text from SQLite.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
