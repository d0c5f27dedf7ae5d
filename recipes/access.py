"""Who may see a recipe: the one rule every query applies; and whose a household's things are.

A recipe is seen by its owner; by the members of the owner's household when its visibility
is HOUSEHOLD; by every account of the instance when it is PUBLIC. Only its owner changes it.
Everyone else gets a "not found", never a "forbidden" (which would say it exists).

What belongs to a household (its shopping lists and their rows) is its members' to see and
change, and nobody else's: `of_my_household` is that rule, for any household_id column.

The rule runs on every page, so the parts of it that are the same for everyone are built
once, here, and only the viewer's own values are new each time (building SQL expressions is
most of what the rule costs in Python: the list page got 0.3 ms slower without this).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from .models import HOUSEHOLD, PUBLIC, PendingRecipe, Recipe, User

# Not part of a file import that is still arriving (see cookbook/bulk.py): such a recipe is
# nobody's yet, so an import shows whole or not at all. A correlated NOT EXISTS (a primary-key
# probe per row, nothing when no import is in flight): `id NOT IN (SELECT ...)` made SQLite's
# common-word search twice as slow (8 ms against 4).
_PUBLISHED = ~exists().where(PendingRecipe.recipe_id == Recipe.id)
_IS_PUBLIC = Recipe.visibility == PUBLIC
_IS_HOUSEHOLD = Recipe.visibility == HOUSEHOLD


def published() -> ColumnElement[bool]:
    """Not part of a file import that is still arriving."""
    return _PUBLISHED


def household_members(user: User) -> Select[int]:
    """The ids of the accounts in `user`'s household (`user` too): a small list, read from the
    index on user.household_id once per query (not per recipe)."""
    return select(User.id).where(User.household_id == user.household_id)


def visible_to(user: User) -> ColumnElement[bool]:
    """Recipes `user` may see: their own, their household's marked HOUSEHOLD, every PUBLIC one."""
    shared_at_home = and_(_IS_HOUSEHOLD, Recipe.owner_id.in_(household_members(user)))
    return and_(or_(Recipe.owner_id == user.id, _IS_PUBLIC, shared_at_home), _PUBLISHED)


def owned_by(user: User) -> ColumnElement[bool]:
    """Recipes that are `user`'s to change, export or compare with (all of them, once published)."""
    return and_(Recipe.owner_id == user.id, _PUBLISHED)


def of_household(user: User) -> ColumnElement[bool]:
    """Recipes whose owner is in `user`'s household (theirs included): a filter to use
    together with `visible_to`, never instead of it."""
    return Recipe.owner_id.in_(household_members(user))


def of_my_household(user: User, household_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Rows of a household's things (a `household_id` column: `ShoppingList.household_id`) that
    `user` may see and change: their own household's. Anyone else's are "not found"."""
    return household_id == user.household_id
