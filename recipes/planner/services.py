"""The household's meal plan: reading it as one member may, adding, changing, moving and
removing entries, copying a week, suggesting a recipe for an empty meal. Shared by the
planner's pages, the API and the shopping lists; no request objects in here.

Every member of a household reads and changes its plan alike (access.in_plan_of); to anyone
else an entry does not exist. A recipe in the plan is shown by its title only to those who
may see the recipe (access.visible_to); the others read "A recipe of alice's". Each change is
one transaction: the functions that change something commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Integer, Select, and_, bindparam, func, select, union
from sqlalchemy.orm import aliased

from ..access import in_plan_of, in_plan_of_household, visible_to, visible_to_household, visible_to_viewer
from ..cookbook.recipe_text import normalize_tag
from ..extensions import db
from ..ingredients.scaling import servings_count
from ..models import (
    DEFAULT_MEAL_NAMES,
    PLAN_NOTE,
    PLAN_RECIPE,
    WEEK_DAYS,
    Household,
    PlanEntry,
    Recipe,
    Tag,
    User,
    recipe_tag,
    utcnow,
)
from ..text_cleaning import clean_text
from . import limits
from .meals import find_meal


class PlanInvalid(Exception):
    """A change the plan cannot take, in words for the person who asked; `field` is the field at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EntryNotFound(Exception):
    """No such entry in the user's household's plan (another household's looks the same)."""


@dataclass(frozen=True)
class PlannedRecipe:
    """A recipe planned for a meal: what a shopping list is made from."""

    recipe_id: int
    servings: int | None  # None: as many as the recipe makes
    date: date
    meal: str


@dataclass(slots=True)
class ShownEntry:
    """A plan entry as one member may read it. (Not frozen: a week makes many, and a frozen
    dataclass is slow to make.)"""

    id: int
    day: date
    meal: str
    position: int
    kind: str  # PLAN_RECIPE or PLAN_NOTE
    title: str  # the recipe's title, "A recipe of alice's", or the note
    recipe_id: int | None  # only for a recipe the reader may see
    recipe_state: str | None  # VISIBLE, HIDDEN or DELETED for a recipe; None for a note
    servings: int | None
    recipe_servings: str  # what the recipe says it makes ("4 bowls"), for one the reader may see
    note: str
    created_at: datetime
    updated_at: datetime
    # (Worked out once, as the entry is made: the week's page asks for them often.)
    is_recipe: bool = False
    names_a_deleted_recipe: bool = False  # a deleted recipe's entry that still says which recipe it was


VISIBLE, HIDDEN, DELETED = "visible", "hidden", "deleted"
# What a deleted recipe's entry says when the plan kept nothing of its title.
DELETED_TITLE = "A deleted recipe"
UNSET: Any = object()  # a change not asked for (PATCH leaves the field as it is)


def today() -> date:
    """The server's date: the plan's "today" (the page's script marks the reader's own)."""
    return date.today()


def plan_day(day: date) -> str:
    """A day as the planner names it: "Tue 13 May" (the year only when it is not this year's)."""
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today().year else f"{text} {day.year}"


# --- weeks -------------------------------------------------------------------------------------


def week_start_of(day: date, week_start: str) -> date:
    """The first day of the week `day` is in, for a household whose weeks start on `week_start`."""
    first = WEEK_DAYS.index(week_start) if week_start in WEEK_DAYS else 0
    return day - timedelta(days=(day.weekday() - first) % 7)


def household_of(user: User) -> Household:
    household: Household | None = db.session.get(Household, user.household_id)
    if household is None:  # the foreign key makes this impossible
        raise EntryNotFound(user.household_id)
    return household


def find_meal_or_first(household: Household, given: str) -> str:
    """The household's meal `given` names, or else its first (what a form starts with)."""
    meals = household.meal_names or list(DEFAULT_MEAL_NAMES)
    return find_meal(meals, given) or meals[0]


def check_span(start: date, days: int, now: date) -> None:
    """PlanInvalid unless `days` days from `start` are a span the plan may be read for."""
    if not 1 <= days <= limits.DAYS_MAX:
        raise PlanInvalid(limits.DAYS_RANGE, "days")
    problem = limits.day_problem(start, now)
    if problem:
        raise PlanInvalid(problem, "start")


# --- reading -----------------------------------------------------------------------------------

_Owner = aliased(User)


def entries_between(user: User, start: date, end: date) -> list[ShownEntry]:
    """The household's entries from `start` up to (not including) `end`, by day, meal (in the
    household's order of its meals; meals it no longer has last) and place, as `user` may read them."""
    rows = _rows(user, _BETWEEN, start=start, end=end)
    order = _meal_order(household_of(user))
    rows.sort(key=lambda row: (row.day, order.get(row.meal, len(order))))  # places stay in order
    return [_shown(row) for row in rows]


# The columns a shown entry is made of (columns, not entities: the week reads many, and loading
# them as objects cost as much again).
_COLUMNS = (
    PlanEntry.id,
    PlanEntry.day,
    PlanEntry.meal,
    PlanEntry.position,
    PlanEntry.kind,
    PlanEntry.recipe_id,
    PlanEntry.title,
    PlanEntry.servings,
    PlanEntry.note,
    PlanEntry.created_at,
    PlanEntry.updated_at,
    Recipe.title.label("recipe_title"),
    Recipe.servings.label("recipe_servings"),
    _Owner.username.label("owner"),
)


def _shown_rows(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """Entries of a household's plan (bound parameter `household_id`) with what the viewer
    (`viewer_id`) may read of their recipes: each recipe's title, servings and owner, and whether
    the viewer may see it (the access rule, in the same query). Built once per worker, with bound
    parameters: building and keying a statement anew cost as much as running it."""
    return (
        select(*_COLUMNS, visible_to_viewer(_VIEWER, _HOUSEHOLD).label("visible"))
        .outerjoin(Recipe, Recipe.id == PlanEntry.recipe_id)
        .outerjoin(_Owner, _Owner.id == Recipe.owner_id)
        .where(in_plan_of_household(_HOUSEHOLD), where)
        .order_by(PlanEntry.day, PlanEntry.meal, PlanEntry.position, PlanEntry.id)
    )


_VIEWER: BindParameter[int] = bindparam("viewer_id", type_=Integer)
_HOUSEHOLD: BindParameter[int] = bindparam("household_id", type_=Integer)
_BETWEEN = _shown_rows(and_(PlanEntry.day >= bindparam("start"), PlanEntry.day < bindparam("end")))
_ONE = _shown_rows(PlanEntry.id == bindparam("entry_id"))


def _rows(user: User, query: Select[*tuple[Any, ...]], **values: Any) -> list[Any]:
    """The rows of `query` (_BETWEEN or _ONE) for `user`, run on the connection: plain rows need
    none of the ORM's work."""
    viewer = {"viewer_id": user.id, "household_id": user.household_id}
    return list(db.session.connection().execute(query, viewer | values).all())


def _meal_order(household: Household) -> dict[str, int]:
    return {name: number for number, name in enumerate(household.meal_names)}


def _shown(row: Any) -> ShownEntry:
    state: str | None = None
    title = row.title
    if row.kind == PLAN_RECIPE:
        if row.recipe_id is None:
            state, title = DELETED, row.title or DELETED_TITLE
        elif row.visible:
            state, title = VISIBLE, row.recipe_title or row.title
        else:
            state, title = HIDDEN, f"A recipe of {row.owner}'s" if row.owner else "A recipe you cannot see"
    return ShownEntry(
        id=row.id,
        day=row.day,
        meal=row.meal,
        position=row.position,
        kind=row.kind,
        title=title,
        recipe_id=row.recipe_id if state == VISIBLE else None,
        recipe_state=state,
        servings=row.servings,
        recipe_servings=(row.recipe_servings or "") if state == VISIBLE else "",
        note=row.note,
        created_at=row.created_at,
        updated_at=row.updated_at,
        is_recipe=row.kind == PLAN_RECIPE,
        names_a_deleted_recipe=state == DELETED and title != DELETED_TITLE,
    )


def shown_entry(user: User, entry_id: int) -> ShownEntry:
    """One entry of `user`'s household's plan, as `user` may read it; EntryNotFound otherwise."""
    rows = _rows(user, _ONE, entry_id=entry_id)
    if not rows:
        raise EntryNotFound(entry_id)
    return _shown(rows[0])


def find_entry(user: User, entry_id: int) -> PlanEntry:
    entry: PlanEntry | None = db.session.scalar(select(PlanEntry).where(PlanEntry.id == entry_id, in_plan_of(user)))
    if entry is None:
        raise EntryNotFound(entry_id)
    return entry


def planned_recipes(household_id: int, start: date, days: int, *, viewer: User | None = None) -> list[PlannedRecipe]:
    """The recipes household `household_id` planned from `start` for `days` days, in the plan's
    order (day, meal as the household orders its meals, place). Every one of them; with
    `viewer`, only those that account may see (a shopping list must not take in the
    ingredients of a recipe its reader may not read)."""
    query = (
        select(PlanEntry.recipe_id, PlanEntry.servings, PlanEntry.day, PlanEntry.meal)
        .where(
            PlanEntry.household_id == household_id,
            PlanEntry.recipe_id.is_not(None),
            PlanEntry.day >= start,
            PlanEntry.day < start + timedelta(days=days),
        )
        .order_by(PlanEntry.day, PlanEntry.position, PlanEntry.id)
    )
    if viewer is not None:
        query = query.join(Recipe, Recipe.id == PlanEntry.recipe_id).where(visible_to(viewer))
    household = db.session.get(Household, household_id)
    order = _meal_order(household) if household else {}
    rows = sorted(
        db.session.execute(query).all(),
        key=lambda row: (row.day, order.get(row.meal, len(order))),  # sorted() keeps the rest in order
    )
    return [PlannedRecipe(row.recipe_id, row.servings, row.day, row.meal) for row in rows]


# --- changing ----------------------------------------------------------------------------------


@dataclass
class EntryData:
    """What a person sets on a new entry: a recipe (`recipe_id`, `servings`) or a note (`title`)."""

    day: date
    meal: str
    recipe_id: int | None = None
    title: str = ""
    servings: int | None = None
    note: str = ""


def _day(day: date, now: date, field: str = "date") -> date:
    problem = limits.day_problem(day, now)
    if problem:
        raise PlanInvalid(problem, field)
    return day


def _meal(household: Household, given: str) -> str:
    meal = find_meal(household.meal_names, given)
    if meal is None:
        choices = ", ".join(household.meal_names)
        raise PlanInvalid(f"Choose one of the household's meals: {choices}.", "meal")
    return meal


def _title(text: str) -> str:
    cleaned = " ".join(clean_text(text).split())
    if not cleaned:
        raise PlanInvalid(limits.TITLE_MISSING, "title")
    if len(cleaned) > limits.PLAN_TITLE_MAX:
        raise PlanInvalid(limits.TITLE_TOO_LONG, "title")
    return cleaned


def _note(text: str) -> str:
    cleaned = clean_text(text).strip()
    if len(cleaned) > limits.PLAN_NOTE_MAX:
        raise PlanInvalid(limits.NOTE_TOO_LONG, "note")
    return cleaned


def _servings(servings: int | None) -> int | None:
    if servings is not None and limits.servings_problem(servings):
        raise PlanInvalid(limits.SERVINGS_RANGE, "servings")
    return servings


def _recipe(user: User, recipe_id: int) -> Recipe:
    recipe: Recipe | None = db.session.scalar(select(Recipe).where(Recipe.id == recipe_id, visible_to(user)))
    if recipe is None:
        raise PlanInvalid("No such recipe among those you can see.", "recipe_id")
    return recipe


def _kept_title(household_id: int, recipe: Recipe) -> str:
    """What the plan keeps of a recipe's title for when the recipe is gone: the title, if every
    member of the household may read it; else nothing."""
    shared = db.session.scalar(select(Recipe.id).where(Recipe.id == recipe.id, visible_to_household(household_id)))
    return recipe.title if shared is not None else ""


def own_servings(recipe: Recipe) -> int | None:
    """The servings a recipe says it makes, as a number the plan takes (None: it does not say)."""
    count = servings_count(recipe.servings)
    if count is None:
        return None
    return min(max(round(count), limits.SERVINGS_MIN), limits.SERVINGS_MAX)


def _slot(household_id: int, day: date, meal: str) -> list[PlanEntry]:
    """The entries of one meal of one day, in order."""
    query = select(PlanEntry).where(
        PlanEntry.household_id == household_id, PlanEntry.day == day, PlanEntry.meal == meal
    )
    return list(db.session.scalars(query.order_by(PlanEntry.position, PlanEntry.id)))


def _place(entry: PlanEntry, position: int | None) -> None:
    """Put `entry` at `position` among the entries of its day and meal (None: last), numbering
    them anew. Refused when that meal is full."""
    # (The query flushes `entry` first, a new one too: it is left out here by identity.)
    others = [each for each in _slot(entry.household_id, entry.day, entry.meal) if each is not entry]
    if len(others) >= limits.ENTRIES_PER_MEAL_MAX:
        raise PlanInvalid(limits.MEAL_FULL, "meal")
    at = len(others) if position is None else min(max(position, 0), len(others))
    others.insert(at, entry)
    for number, each in enumerate(others):
        if each.position != number:
            each.position = number


def add_entry(user: User, data: EntryData, *, now: date | None = None) -> PlanEntry:
    """A new entry in `user`'s household's plan, last in its meal. Commits."""
    now = now or today()
    household = household_of(user)
    entry = PlanEntry(
        household_id=household.id,
        day=_day(data.day, now),
        meal=_meal(household, data.meal),
        note=_note(data.note),
        created_by_id=user.id,
    )
    if data.recipe_id is not None:
        if data.title.strip():
            raise PlanInvalid(limits.BOTH_GIVEN, "title")
        recipe = _recipe(user, data.recipe_id)
        entry.kind, entry.recipe_id = PLAN_RECIPE, recipe.id
        entry.title = _kept_title(household.id, recipe)
        given = _servings(data.servings)
        entry.servings = given if given is not None else own_servings(recipe)
    else:
        if data.servings is not None:
            raise PlanInvalid(limits.SERVINGS_FOR_RECIPES, "servings")
        entry.kind, entry.title = PLAN_NOTE, _title(data.title)
    db.session.add(entry)
    _place(entry, None)
    db.session.commit()
    return entry


def change_entry(
    user: User,
    entry_id: int,
    *,
    day: date = UNSET,
    meal: str = UNSET,
    position: int | None = UNSET,
    recipe_id: int | None = UNSET,
    title: str = UNSET,
    servings: int | None = UNSET,
    note: str = UNSET,
    now: date | None = None,
) -> PlanEntry:
    """Change some of an entry (what is not given stays): move it (`day`, `meal`, `position`;
    a move to another meal puts it last there unless `position` says where), make it another
    recipe or a note, change its servings or its remark. Commits."""
    now = now or today()
    entry = find_entry(user, entry_id)
    household = household_of(user)
    if recipe_id is not UNSET:
        if recipe_id is None:
            if title is UNSET:
                raise PlanInvalid(limits.TITLE_MISSING, "title")
            entry.kind, entry.recipe_id, entry.servings = PLAN_NOTE, None, None
        else:
            if title is not UNSET:
                raise PlanInvalid(limits.BOTH_GIVEN, "title")
            recipe = _recipe(user, recipe_id)
            if entry.recipe_id != recipe.id:
                entry.servings = own_servings(recipe)
            entry.kind, entry.recipe_id = PLAN_RECIPE, recipe.id
            entry.title = _kept_title(household.id, recipe)
    if title is not UNSET:
        if entry.kind == PLAN_RECIPE:
            raise PlanInvalid(limits.TITLE_OF_RECIPE, "title")
        entry.title = _title(title)
    if servings is not UNSET:
        if entry.kind != PLAN_RECIPE:
            raise PlanInvalid(limits.SERVINGS_FOR_RECIPES, "servings")
        entry.servings = _servings(servings)
    if note is not UNSET:
        entry.note = _note(note)
    moved = False
    if day is not UNSET and day != entry.day:
        entry.day, moved = _day(day, now), True
    if meal is not UNSET:
        new_meal = _meal(household, meal)
        moved = moved or new_meal != entry.meal
        entry.meal = new_meal
    if moved or position is not UNSET:
        _place(entry, None if position is UNSET else position)
    entry.updated_at = utcnow()
    db.session.commit()
    return entry


def remove_entry(user: User, entry_id: int) -> PlanEntry:
    """Take an entry out of the plan. Commits."""
    entry = find_entry(user, entry_id)
    db.session.delete(entry)
    db.session.commit()
    return entry


def copy_week(user: User, start: date, *, now: date | None = None) -> int:
    """Copy the seven days before `start` onto the seven from `start` (each entry to the same
    weekday and meal, last there), leaving out what is there already (copying twice adds
    nothing) and what a full meal cannot take. How many entries were copied. Commits."""
    now = now or today()
    target_end = start + timedelta(days=7)
    for edge in (start, target_end - timedelta(days=1)):
        _day(edge, now, "start")
    household = household_of(user)
    source = db.session.scalars(
        select(PlanEntry)
        .where(in_plan_of(user), PlanEntry.day >= start - timedelta(days=7), PlanEntry.day < start)
        .order_by(PlanEntry.day, PlanEntry.meal, PlanEntry.position, PlanEntry.id)
    ).all()
    there = db.session.scalars(
        select(PlanEntry).where(in_plan_of(user), PlanEntry.day >= start, PlanEntry.day < target_end)
    ).all()
    slots: dict[tuple[date, str], list[tuple[str, int | None, str]]] = {}
    for entry in there:
        slots.setdefault((entry.day, entry.meal), []).append(_sameness(entry))
    copied = 0
    for entry in source:
        day = entry.day + timedelta(days=7)
        slot = slots.setdefault((day, entry.meal), [])
        if _sameness(entry) in slot or len(slot) >= limits.ENTRIES_PER_MEAL_MAX:
            continue
        db.session.add(
            PlanEntry(
                household_id=household.id,
                day=day,
                meal=entry.meal,
                position=len(slot),
                kind=entry.kind,
                recipe_id=entry.recipe_id,
                title=entry.title,
                servings=entry.servings,
                note=entry.note,
                created_by_id=user.id,
            )
        )
        slot.append(_sameness(entry))
        copied += 1
    db.session.commit()
    return copied


def _sameness(entry: PlanEntry) -> tuple[str, int | None, str]:
    """What makes two entries of one meal the same: the recipe, or the note's words."""
    return (entry.kind, entry.recipe_id, "" if entry.recipe_id else entry.title)


# --- suggesting --------------------------------------------------------------------------------


def recently_used(household_id: int, since: date, until: date) -> Select[Any]:
    """The ids of the recipes household `household_id` had from `since` to `until`: planned, for
    now. (The cooking log, when it comes, adds "cooked" here as a second SELECT of the union,
    and every suggestion follows.)"""
    planned = select(PlanEntry.recipe_id.label("recipe_id")).where(
        PlanEntry.household_id == household_id,
        PlanEntry.recipe_id.is_not(None),
        PlanEntry.day >= since,
        PlanEntry.day <= until,
    )
    return select(union(planned).subquery().c.recipe_id)


def suggest(user: User, tag: str, day: date, skip: Sequence[int] = ()) -> Recipe | None:
    """A recipe `user` may see with the tag `tag` ("dinner"), not planned by the household in the
    RECENT_DAYS either side of `day`, nor among `skip` (the ones already turned down): those
    the household has never planned first, then the longest unplanned; None when none is left."""
    name = normalize_tag(clean_text(tag))
    if not name:
        return None
    recent = recently_used(
        user.household_id, day - timedelta(days=limits.RECENT_DAYS), day + timedelta(days=limits.RECENT_DAYS)
    )
    last_planned = (
        select(func.max(PlanEntry.day))
        .where(PlanEntry.household_id == user.household_id, PlanEntry.recipe_id == Recipe.id)
        .scalar_subquery()
    )
    tagged = select(recipe_tag.c.recipe_id).join(Tag, Tag.id == recipe_tag.c.tag_id).where(Tag.name == name)
    query = (
        select(Recipe)
        .where(Recipe.id.in_(tagged), visible_to(user), Recipe.id.not_in(recent))
        .order_by(last_planned.is_not(None), last_planned, Recipe.title, Recipe.id)
        .limit(1)
    )
    if skip:
        query = query.where(Recipe.id.not_in(list(skip)))
    recipe: Recipe | None = db.session.scalar(query)
    return recipe
