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

from sqlalchemy import BindParameter, Integer, and_, bindparam, exists, func, select

from ..extensions import db
from ..models import CookingLogEntry, Favourite, Rating, Recipe, User


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


_ME: BindParameter[int] = bindparam("me", type_=Integer)
_MINE = and_(Rating.user_id == _ME, Rating.recipe_id == Recipe.id)
_HOUSEHOLD_MEMBERS = select(User.id).where(User.household_id == bindparam("home"))
_AT_HOME = and_(Rating.recipe_id == Recipe.id, Rating.user_id.in_(_HOUSEHOLD_MEMBERS))
_COOKED = and_(CookingLogEntry.user_id == _ME, CookingLogEntry.recipe_id == Recipe.id)
# Everything an account's marks on some recipes are, in one statement built once: per recipe, a
# handful of index probes (its rating by the account; its household's ratings; the favourite; the
# account's log of it). Run on the connection, like the list page's own statements.
_MARKS = select(
    Recipe.id,
    select(Rating.stars).where(_MINE).correlate(Recipe).scalar_subquery(),
    select(func.avg(Rating.stars)).where(_AT_HOME).correlate(Recipe).scalar_subquery(),
    select(func.count()).select_from(Rating).where(_AT_HOME).correlate(Recipe).scalar_subquery(),
    exists().where(Favourite.user_id == _ME, Favourite.recipe_id == Recipe.id).correlate(Recipe),
    select(func.max(CookingLogEntry.cooked_on)).where(_COOKED).correlate(Recipe).scalar_subquery(),
    select(func.count()).select_from(CookingLogEntry).where(_COOKED).correlate(Recipe).scalar_subquery(),
).where(Recipe.id.in_(bindparam("ids", expanding=True)))


def marks_for(user: User, recipe_ids: Collection[int]) -> dict[int, Marks]:
    """`user`'s marks on each of these recipes, in one query whatever their number (a recipe
    without any is left out: read it as NO_MARKS)."""
    ids = list(recipe_ids)
    if not ids:
        return {}
    rows = db.session.connection().execute(_MARKS, {"me": user.id, "home": user.household_id, "ids": ids})
    found = {}
    for recipe_id, mine, average, counted, favourite, last, times in rows:
        if mine is None and not counted and not favourite and not times:
            continue
        found[recipe_id] = Marks(
            rating=mine,
            rating_average=None if average is None else round(float(average), 1),
            ratings_counted=counted,
            favourite=bool(favourite),
            last_cooked=_as_date(last),
            times_cooked=times,
        )
    return found


def marks_of(user: User, recipe_id: int) -> Marks:
    return marks_for(user, [recipe_id]).get(recipe_id, NO_MARKS)


_LATEST = (
    select(CookingLogEntry.id, CookingLogEntry.cooked_on, CookingLogEntry.note)
    .where(CookingLogEntry.user_id == _ME, CookingLogEntry.recipe_id == bindparam("recipe"))
    .order_by(CookingLogEntry.cooked_on.desc(), CookingLogEntry.id.desc())
    .limit(bindparam("latest"))
)


def latest_cooking(user: User, recipe_id: int, limit: int) -> list[Any]:
    """`user`'s latest "cooked it" entries for the recipe (rows of id, cooked_on, note), the latest
    day first."""
    rows = db.session.connection().execute(_LATEST, {"me": user.id, "recipe": recipe_id, "latest": limit})
    return list(rows)


def _as_date(value: Any) -> date | None:
    # max() of a date column comes back as text from SQLite.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
