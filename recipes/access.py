"""Who may see a recipe: the one rule every query applies; and whose a household's things are.

A recipe is seen by its owner; by the members of the owner's household when its visibility
is HOUSEHOLD; by every account of the instance when it is PUBLIC. Only its owner changes it.
Everyone else gets a "not found", never a "forbidden" (which would say it exists).

What belongs to a household (its meal plan and calendar feeds, its shopping lists and their
rows) is its members' alike to see and change, and nobody else's: `of_my_household` is that
rule, for any household_id column (`in_plan_of` and `feeds_of` are it for the plan).

The rule runs on every page, so the parts of it that are the same for everyone are built
once, here, and only the viewer's own values are new each time (building SQL expressions is
most of what the rule costs in Python: the list page got 0.3 ms slower without this).
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from .models import HOUSEHOLD, PUBLIC, PendingRecipe, PlanEntry, PlanFeed, Recipe, User

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


# A viewer's id or household's id: a number, or a bound parameter standing for it in a statement
# built once and run for many viewers (see planner/services.py).
Id = int | BindParameter[int]


def household_members(user: User) -> Select[int]:
    """The ids of the accounts in `user`'s household (`user` too): a small list, read from the
    index on user.household_id once per query (not per recipe)."""
    return members_of(user.household_id)


def members_of(household_id: Id) -> Select[int]:
    return select(User.id).where(User.household_id == household_id)


def visible_to(user: User) -> ColumnElement[bool]:
    """Recipes `user` may see: their own, their household's marked HOUSEHOLD, every PUBLIC one."""
    return visible_to_viewer(user.id, user.household_id)


def visible_to_viewer(viewer_id: Id, household_id: Id) -> ColumnElement[bool]:
    """`visible_to` for the account `viewer_id` of household `household_id`."""
    shared_at_home = and_(_IS_HOUSEHOLD, Recipe.owner_id.in_(members_of(household_id)))
    return and_(or_(Recipe.owner_id == viewer_id, _IS_PUBLIC, shared_at_home), _PUBLISHED)


def owned_by(user: User) -> ColumnElement[bool]:
    """Recipes that are `user`'s to change, export or compare with (all of them, once published)."""
    return owned_by_viewer(user.id)


def owned_by_viewer(viewer_id: Id) -> ColumnElement[bool]:
    """`owned_by` for the account `viewer_id`."""
    return and_(Recipe.owner_id == viewer_id, _PUBLISHED)


def of_household(user: User) -> ColumnElement[bool]:
    """Recipes whose owner is in `user`'s household (theirs included): a filter to use
    together with `visible_to`, never instead of it."""
    return of_household_id(user.household_id)


def of_household_id(household_id: Id) -> ColumnElement[bool]:
    """`of_household` for a viewer of household `household_id`."""
    return Recipe.owner_id.in_(members_of(household_id))


def visible_to_household(household_id: int) -> ColumnElement[bool]:
    """Recipes every member of household `household_id` may see: the PUBLIC ones and those its
    members share with it. (What a plan may keep of a recipe for all of them to read.)"""
    return and_(or_(_IS_PUBLIC, and_(_IS_HOUSEHOLD, Recipe.owner_id.in_(members_of(household_id)))), _PUBLISHED)


def of_my_household(user: User, household_id: InstrumentedAttribute[int]) -> ColumnElement[bool]:
    """Rows of a household's things (a `household_id` column: `ShoppingList.household_id`,
    `PlanEntry.household_id`) that `user` may see and change: their own household's. Anyone
    else's are "not found"."""
    return household_id == user.household_id


def in_plan_of(user: User) -> ColumnElement[bool]:
    """Plan entries `user` may read and change: those of their household, every member alike."""
    return of_my_household(user, PlanEntry.household_id)


def in_plan_of_household(household_id: Id) -> ColumnElement[bool]:
    """Plan entries of household `household_id` (for its calendar feed, read without a login)."""
    return PlanEntry.household_id == household_id


def feeds_of(user: User) -> ColumnElement[bool]:
    """Calendar feeds of the plan `user` may list and revoke: their household's."""
    return of_my_household(user, PlanFeed.household_id)
