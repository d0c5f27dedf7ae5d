"""Shopping lists: the rules, shared by the pages, the API and (later) the planner. No request objects.

A list belongs to a household (access.of_my_household): its members read and change it, anyone
else gets ListNotFound, exactly as for a list that does not exist.

Every change to a list is one transaction that begins by raising the list's `version` (on
PostgreSQL that locks the list's row, so two changes to one list queue; SQLite's write lock does
the same) and, when the client named the change with an `op_id`, looks that op_id up under the
lock: a change already made is not made again (Replayed), so an offline queue sent twice, or a
form posted twice, changes the list once. Each change sets only the fields it names: a check-off
and an edit of the same row's text, made at once on two phones, both stay.

Rows merge by food (merging.py): what a recipe adds goes into the unchecked row of that food, or a
new one. A checked row is what is in the basket already: more of that food goes on a row of its
own, and the checked one is never unchecked by someone else's change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, case, delete, func, select, update

from ..access import of_my_household, visible_to
from ..auth.services import live_login_household
from ..database import QuickRead
from ..extensions import db
from ..ingredients.detail import IngredientDetail
from ..ingredients.display import display_line
from ..ingredients.recipe_lines import loaded, read_line
from ..ingredients.scaling import ScaleError, check_factor, factor_for_servings, servings_count
from ..live_login import login_parameters
from ..models import (
    Recipe,
    ShoppingItem,
    ShoppingItemSource,
    ShoppingList,
    ShoppingListRecipe,
    ShoppingOp,
    User,
    utcnow,
)
from ..text_cleaning import clean_text
from . import aisles, limits, preferences
from .merging import Need, need_of, total
from .merging import item_text as merged_text
from .staples import is_staple

# How long a change's op_id is remembered: an offline phone's queue older than this is sent as new.
OP_KEPT = timedelta(days=30)


class ListNotFound(Exception):
    """No such list, or not one of the user's household (the two look the same on purpose)."""


class ItemNotFound(Exception):
    """No such row on this list."""


class RecipeNotOnList(Exception):
    """The recipe was not added to this list (or has been taken out)."""


class RecipeNotFound(Exception):
    """No such recipe, or not one the user may see."""


class ShoppingInvalid(Exception):
    """A change that cannot be made, in words for the person who asked; `field` is at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Replayed(Exception):
    """This op_id's change was made already; `item_id` is the row it made or changed."""

    def __init__(self, item_id: int | None) -> None:
        super().__init__(item_id)
        self.item_id = item_id


def check_op_id(value: object) -> str | None:
    """A client's op_id, normalised (a UUID in lower case), or None when none was sent."""
    if value is None or value == "":
        return None
    try:
        return str(uuid.UUID(str(value)[:64]))
    except ValueError:
        raise ShoppingInvalid(limits.OP_ID_FORMAT, "op_id") from None


def _clean_name(name: str) -> str:
    cleaned = " ".join(clean_text(name or "").split())
    if not cleaned:
        raise ShoppingInvalid(limits.LIST_NAME_MISSING, "name")
    if len(cleaned) > limits.LIST_NAME_MAX:
        raise ShoppingInvalid(limits.LIST_NAME_TOO_LONG, "name")
    return cleaned


def _clean_item_text(text: str) -> str:
    cleaned = " ".join(clean_text(text or "").split())
    if not cleaned:
        raise ShoppingInvalid(limits.ITEM_TEXT_MISSING, "text")
    if len(cleaned) > limits.ITEM_TEXT_MAX:
        raise ShoppingInvalid(limits.ITEM_TEXT_TOO_LONG, "text")
    return cleaned


# --- lists ----------------------------------------------------------------------------------------


def lists_of(user: User) -> list[ShoppingList]:
    """The household's lists, by name."""
    return list(
        db.session.scalars(
            select(ShoppingList)
            .where(of_my_household(user, ShoppingList.household_id))
            .order_by(func.lower(ShoppingList.name), ShoppingList.id)
        )
    )


def get_list(user: User, list_id: int) -> ShoppingList:
    found: ShoppingList | None = db.session.scalar(
        select(ShoppingList).where(ShoppingList.id == list_id, of_my_household(user, ShoppingList.household_id))
    )
    if found is None:
        raise ListNotFound(list_id)
    return found


# The poll's question, built once: the list's version, if the login asking is live and of the list's
# household (the same rule as get_list's, for a login whose user is not loaded).
_VERSION_FOR_LOGIN = select(ShoppingList.version).where(
    ShoppingList.id == bindparam("list_id"), ShoppingList.household_id == live_login_household()
)


_VERSION_READ = QuickRead(_VERSION_FOR_LOGIN)


def version_for_login(login_token: str, list_id: int, idle_days: int) -> int | None:
    """The list's version for this login, in one indexed read; None when the login does not work
    (ended, idle, a disabled account) or the list is not its household's (or there is none)."""
    version: int | None = _VERSION_READ.scalar({"list_id": list_id, **login_parameters(login_token, idle_days)})
    return version


def list_version(user: User, list_id: int) -> int:
    """The list's version, read alone: what a phone polls every few seconds."""
    found = db.session.scalar(
        select(ShoppingList.version).where(ShoppingList.id == list_id, of_my_household(user, ShoppingList.household_id))
    )
    if found is None:
        raise ListNotFound(list_id)
    return found


def create_list(user: User, name: str, *, commit: bool = True) -> ShoppingList:
    """A new list of the user's household. With `commit=False`, part of the caller's transaction
    (a list made and filled in one go)."""
    cleaned = _clean_name(name)
    count = db.session.scalar(
        select(func.count()).select_from(ShoppingList).where(of_my_household(user, ShoppingList.household_id))
    )
    if (count or 0) >= limits.LISTS_MAX:
        raise ShoppingInvalid(limits.TOO_MANY_LISTS, "name")
    now = utcnow()
    shopping_list = ShoppingList(household_id=user.household_id, name=cleaned, created_at=now, updated_at=now)
    db.session.add(shopping_list)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return shopping_list


def rename_list(user: User, list_id: int, name: str) -> ShoppingList:
    cleaned = _clean_name(name)
    with _changing(user, list_id, None) as change:
        change.shopping_list.name = cleaned
    return change.shopping_list


def delete_list(user: User, list_id: int) -> str:
    """Delete the list, its rows and its links; its name, for the message. Commits."""
    shopping_list = get_list(user, list_id)
    name = shopping_list.name
    db.session.execute(delete(ShoppingList).where(ShoppingList.id == shopping_list.id))
    db.session.commit()
    return name


# --- a change -------------------------------------------------------------------------------------


@dataclass
class Change:
    user: User
    shopping_list: ShoppingList
    op_id: str | None
    item_id: int | None = None  # the row this change made or changed, kept with its op_id


@contextmanager
def _changing(user: User, list_id: int, op_id: str | None) -> Iterator[Change]:
    """One change to a list, in one transaction: the list locked and its version raised first,
    the op_id looked up under that lock (Replayed: made before; nothing is changed), then the
    caller's work; the op_id is kept with it and the transaction committed."""
    now = utcnow()
    version = db.session.execute(
        update(ShoppingList)
        .where(ShoppingList.id == list_id, of_my_household(user, ShoppingList.household_id))
        .values(version=ShoppingList.version + 1, updated_at=now)
        .returning(ShoppingList.version),
        execution_options={"synchronize_session": False},
    ).scalar()
    if version is None:
        db.session.rollback()
        raise ListNotFound(list_id)
    if op_id is not None:
        done = db.session.execute(
            select(ShoppingOp.id, ShoppingOp.item_id).where(ShoppingOp.list_id == list_id, ShoppingOp.op_id == op_id)
        ).first()
        if done is not None:
            db.session.rollback()  # the version too: nothing changed
            raise Replayed(done.item_id)
    shopping_list = db.session.get(ShoppingList, list_id, populate_existing=True)
    assert shopping_list is not None
    change = Change(user, shopping_list, op_id)
    try:
        yield change
        if op_id is not None:
            db.session.execute(
                delete(ShoppingOp).where(ShoppingOp.list_id == list_id, ShoppingOp.created_at < now - OP_KEPT),
                execution_options={"synchronize_session": False},
            )
            db.session.add(ShoppingOp(list_id=list_id, op_id=op_id, item_id=change.item_id, created_at=now))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


# --- rows -----------------------------------------------------------------------------------------


def _sources_of(item_ids: Sequence[int]) -> dict[int, list[ShoppingItemSource]]:
    found: dict[int, list[ShoppingItemSource]] = {item_id: [] for item_id in item_ids}
    if item_ids:
        rows = db.session.scalars(
            select(ShoppingItemSource).where(ShoppingItemSource.item_id.in_(item_ids)).order_by(ShoppingItemSource.id)
        )
        for source in rows:
            found[source.item_id].append(source)
    return found


def _refresh(item: ShoppingItem, sources: list[ShoppingItemSource]) -> None:
    """What the row shows, worked out again from what its sources ask."""
    needs = [Need.from_json(data) for source in sources for data in source.needs]
    summed = total(needs, item.food)
    single = summed.single
    by_hand = [source for source in sources if source.entry_id is None]
    item.by_hand = len(by_hand) == len(sources)
    if len(sources) == 1 and by_hand and by_hand[0].text:
        item.text = by_hand[0].text  # one row written by hand shows what was written
    elif item.food:
        item.text = merged_text(summed, item.food)[: limits.ITEM_TEXT_MAX]
    elif by_hand and by_hand[0].text:
        item.text = by_hand[0].text
    item.quantity = None if single is None else single.quantity
    item.quantity_max = None if single is None else single.quantity_max
    item.unit = None if single is None else single.unit
    item.approximate = bool(single and single.approximate)
    item.updated_at = utcnow()


@dataclass
class _Rows:
    """The rows of a list a change adds to, found once per change."""

    shopping_list: ShoppingList
    open_by_key: dict[str, ShoppingItem]
    count: int
    next_position: int
    choices: dict[str, str]
    created: list[ShoppingItem] = field(default_factory=list)

    @classmethod
    def of(cls, shopping_list: ShoppingList, keys: set[str]) -> _Rows:
        """The list's size and last place, and its unchecked rows of the foods `keys` (read by the
        index on list and food: a change to a list of hundreds of rows reads the few it needs)."""
        count, last = db.session.execute(
            select(func.count(), func.max(ShoppingItem.position)).where(ShoppingItem.list_id == shopping_list.id)
        ).one()
        open_by_key: dict[str, ShoppingItem] = {}
        if keys:
            rows = db.session.scalars(
                select(ShoppingItem)
                .where(
                    ShoppingItem.list_id == shopping_list.id,
                    ShoppingItem.food_key.in_(keys),
                    ShoppingItem.checked.is_(False),
                )
                .order_by(ShoppingItem.position, ShoppingItem.id)
            )
            for item in rows:
                if item.food_key is not None:
                    open_by_key.setdefault(item.food_key, item)
        choices = preferences.aisle_choices(shopping_list.household_id)
        return cls(shopping_list, open_by_key, count or 0, (last or 0) + 1, choices)

    @property
    def household_id(self) -> int:
        return self.shopping_list.household_id

    def row_for(self, key: str | None, food: str | None, first: Need | None, text: str) -> tuple[ShoppingItem, bool]:
        """The unchecked row of this food, or a new one (its aisle from the household's choices
        and the table); and whether it is new. ShoppingInvalid when the list is full."""
        if key is not None and key in self.open_by_key:
            return self.open_by_key[key], False
        if self.count >= limits.ITEMS_MAX:
            raise ShoppingInvalid(limits.LIST_FULL, "items")
        packaged = first is not None and first.unit in aisles.PACKAGED_UNITS
        now = utcnow()
        item = ShoppingItem(
            list_id=self.shopping_list.id,
            food=food[: limits.ITEM_TEXT_MAX] if food else None,
            food_key=key,
            text=text[: limits.ITEM_TEXT_MAX],
            aisle=aisles.aisle_for(key, self.choices, packaged=packaged),
            checked=False,
            approximate=False,
            by_hand=False,
            position=self.next_position,
            created_at=now,
            updated_at=now,
        )
        db.session.add(item)
        self.next_position += 1
        self.count += 1
        self.created.append(item)
        if key is not None:
            self.open_by_key[key] = item
        return item, True


# --- adding recipes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """A recipe to add, at `servings` (None: as the recipe makes it) or by `scale` (a factor, for a
    recipe shown scaled; not with `servings`); only its ingredient `lines` (their places in its
    ingredients, from 0), when given: cook mode's "what's missing"."""

    recipe: Recipe
    servings: float | None = None
    lines: frozenset[int] | None = None
    scale: float | None = None


@dataclass
class Added:
    """What adding recipes did, for the page's message."""

    entries: list[ShoppingListRecipe] = field(default_factory=list)
    new_rows: int = 0
    merged_rows: int = 0
    staples_left_out: list[str] = field(default_factory=list)
    as_written: list[str] = field(default_factory=list)  # titles added as written (no servings to scale by)


def factor_for(pick: Pick) -> tuple[float, float | None]:
    """The scale a pick is added at, and the servings it stands for (None: not known).
    ShoppingInvalid for servings or a scale that cannot be used."""
    base = servings_count(pick.recipe.servings)
    try:
        if pick.scale is not None:
            factor = check_factor(pick.scale)
            return factor, None if base is None else base * factor
        servings = pick.servings
        if servings is None or base is None:
            return 1.0, base
        if not 0 < servings <= limits.SERVINGS_MAX:
            raise ShoppingInvalid(limits.SERVINGS_RANGE, "servings")
        return factor_for_servings(servings, base), servings
    except ScaleError as exc:
        raise ShoppingInvalid(str(exc), "scale" if pick.scale is not None else "servings") from None


def _visible(user: User, picks: Sequence[Pick]) -> None:
    """RecipeNotFound unless the user may see every recipe picked (in one query)."""
    ids = {pick.recipe.id for pick in picks}
    seen = set(db.session.scalars(select(Recipe.id).where(Recipe.id.in_(ids), visible_to(user))))
    for pick in picks:
        if pick.recipe.id not in seen:
            raise RecipeNotFound(pick.recipe.id)


def _lines(pick: Pick) -> list[IngredientDetail]:
    """The ingredient lines a pick adds: all of the recipe's (but its section headers), or those
    it names; ShoppingInvalid for a place that is not an ingredient line of the recipe."""
    recipe = pick.recipe
    lines = [
        (index, detail)
        for index, detail in enumerate(loaded(recipe.ingredients, recipe.ingredient_details))
        if not detail.section and detail.text.strip()
    ]
    if pick.lines is None:
        return [detail for _, detail in lines]
    if not pick.lines:
        raise ShoppingInvalid(limits.LINES_MISSING, "lines")
    if not pick.lines <= {index for index, _ in lines}:
        raise ShoppingInvalid(limits.LINES_UNKNOWN, "lines")
    return [detail for index, detail in lines if index in pick.lines]


def add_recipes(
    user: User,
    list_id: int,
    picks: Sequence[Pick | tuple[Recipe, float | None]],
    *,
    include_staples: bool = False,
    op_id: str | None = None,
) -> Added:
    """Add recipes to the list, each at its servings, in one transaction: every ingredient line
    (but the household's pantry staples, unless `include_staples`) merged into the list's rows.
    RecipeNotFound when the user may not see one of them (nothing is added); ShoppingInvalid for
    servings that cannot be used or a list that would grow past its limit."""
    chosen = [pick if isinstance(pick, Pick) else Pick(*pick) for pick in picks]
    if not chosen:
        raise ShoppingInvalid("Choose a recipe to add.", "recipe_id")
    if len(chosen) > limits.RECIPES_PER_ADD_MAX:
        raise ShoppingInvalid(limits.TOO_MANY_RECIPES, "recipe_id")
    factors = [factor_for(pick) for pick in chosen]  # refused before anything is locked
    _visible(user, chosen)
    lines = [_lines(pick) for pick in chosen]
    keys = {detail.food_key for found in lines for detail in found if detail.food_key}
    added = Added()
    try:
        with _changing(user, list_id, op_id) as change:
            rows = _Rows.of(change.shopping_list, keys)
            staples = frozenset() if include_staples else preferences.preferences_of(rows.household_id).staple_keys
            shares: list[_Share] = []
            for pick, (factor, servings), pick_lines in zip(chosen, factors, lines, strict=True):
                entry = ShoppingListRecipe(
                    list_id=list_id, recipe_id=pick.recipe.id, title=pick.recipe.title, servings=servings
                )
                db.session.add(entry)
                added.entries.append(entry)
                if pick.servings is not None and servings is None:
                    added.as_written.append(pick.recipe.title)
                shares += _shares_of(pick_lines, entry, factor, staples, rows, added)
            _keep(shares)
    except Replayed:
        return Added()  # made before: nothing more
    added.staples_left_out = list(dict.fromkeys(added.staples_left_out))
    return added


@dataclass(frozen=True)
class _Share:
    """What one recipe on the list asks of one row."""

    item: ShoppingItem
    entry: ShoppingListRecipe
    needs: list[Need]


def _shares_of(
    lines: list[IngredientDetail],
    entry: ShoppingListRecipe,
    factor: float,
    staples: frozenset[str],
    rows: _Rows,
    added: Added,
) -> list[_Share]:
    """The rows a recipe's lines go to (its lines of one food together), each with their needs."""
    shares: list[_Share] = []
    by_food: dict[str, tuple[IngredientDetail, list[Need]]] = {}
    for detail in lines:
        if is_staple(detail.food_key, staples):
            added.staples_left_out.append(detail.food or detail.text)
            continue
        need = need_of(detail, factor)
        if detail.food_key is None:  # no food to merge on: a row of its own, as the line reads
            item, _ = rows.row_for(None, None, need, display_line(detail, factor, "original"))
            shares.append(_Share(item, entry, [need]))
            added.new_rows += 1
            continue
        by_food.setdefault(detail.food_key, (detail, []))[1].append(need)
    for key, (detail, needs) in by_food.items():
        item, new = rows.row_for(key, detail.food, needs[0], detail.food or detail.text)
        shares.append(_Share(item, entry, needs))
        added.new_rows += new
        added.merged_rows += not new
    return shares


def _keep(shares: list[_Share]) -> None:
    """Store each share as a source of its row, and work out again what those rows show."""
    db.session.flush()  # ids for the new rows and entries
    touched: dict[int, ShoppingItem] = {}
    for share in shares:
        needs = [need.to_json() for need in share.needs]
        db.session.add(ShoppingItemSource(item_id=share.item.id, entry_id=share.entry.id, needs=needs))
        touched[share.item.id] = share.item
    db.session.flush()
    sources = _sources_of(list(touched))
    for item_id, item in touched.items():
        _refresh(item, sources[item_id])


def remove_recipe(user: User, list_id: int, recipe_id: int, op_id: str | None = None) -> int:
    """Take a recipe back out of the list: exactly what it added (every time it was added), from
    every row, checked or not; a row nothing else asks for goes. RecipeNotOnList when it is not
    on the list. The number of times it had been added."""
    try:
        with _changing(user, list_id, op_id) as change:
            entries = list(
                db.session.scalars(
                    select(ShoppingListRecipe.id).where(
                        ShoppingListRecipe.list_id == list_id, ShoppingListRecipe.recipe_id == recipe_id
                    )
                )
            )
            if not entries:
                raise RecipeNotOnList(recipe_id)
            _drop_entries(change.shopping_list, entries)
    except Replayed:
        return 0
    return len(entries)


def _drop_entries(shopping_list: ShoppingList, entries: list[int]) -> None:
    affected = list(
        db.session.scalars(
            select(ShoppingItemSource.item_id).where(ShoppingItemSource.entry_id.in_(entries)).distinct()
        )
    )
    plain = {"synchronize_session": False}
    db.session.execute(
        delete(ShoppingItemSource).where(ShoppingItemSource.entry_id.in_(entries)), execution_options=plain
    )
    db.session.execute(delete(ShoppingListRecipe).where(ShoppingListRecipe.id.in_(entries)), execution_options=plain)
    sources = _sources_of(affected)
    empty = [item_id for item_id, found in sources.items() if not found]
    if empty:
        db.session.execute(delete(ShoppingItem).where(ShoppingItem.id.in_(empty)), execution_options=plain)
    for item in db.session.scalars(select(ShoppingItem).where(ShoppingItem.id.in_(set(affected) - set(empty)))):
        _refresh(item, sources[item.id])


def _drop_unused_entries(list_id: int) -> None:
    """Recipes of the list none of whose rows are left (all bought and cleared, or deleted)."""
    used = select(ShoppingItemSource.entry_id).where(ShoppingItemSource.entry_id.is_not(None))
    db.session.execute(
        delete(ShoppingListRecipe).where(ShoppingListRecipe.list_id == list_id, ShoppingListRecipe.id.not_in(used)),
        execution_options={"synchronize_session": False},
    )


# --- rows by hand ---------------------------------------------------------------------------------


def _item(list_id: int, item_id: int) -> ShoppingItem:
    item: ShoppingItem | None = db.session.scalar(
        select(ShoppingItem).where(ShoppingItem.id == item_id, ShoppingItem.list_id == list_id)
    )
    if item is None:
        raise ItemNotFound(item_id)
    return item


def _replayed_item(user: User, list_id: int, item_id: int | None) -> ShoppingItem:
    get_list(user, list_id)
    if item_id is None:
        raise ItemNotFound(item_id)
    return _item(list_id, item_id)


def add_item(user: User, list_id: int, text: str, op_id: str | None = None) -> ShoppingItem:
    """A row written by hand, read like an ingredient line ("2 kg potatoes"): it joins the
    unchecked row of that food if there is one (a replayed op_id: the row it made)."""
    written = _clean_item_text(text)
    detail = read_line(written)
    need = need_of(detail)
    try:
        with _changing(user, list_id, op_id) as change:
            key = None if detail.section else detail.food_key
            rows = _Rows.of(change.shopping_list, {key} if key else set())
            item, _ = rows.row_for(key, detail.food, need, written)
            db.session.flush()
            db.session.add(ShoppingItemSource(item_id=item.id, entry_id=None, needs=[need.to_json()], text=written))
            db.session.flush()
            _refresh(item, _sources_of([item.id])[item.id])
            change.item_id = item.id
    except Replayed as replay:
        return _replayed_item(user, list_id, replay.item_id)
    return item


def update_item(
    user: User,
    list_id: int,
    item_id: int,
    *,
    checked: bool | None = None,
    text: str | None = None,
    aisle: str | None = None,
    op_id: str | None = None,
) -> ShoppingItem:
    """Change the fields given, and only those: checked or not; its text (the row is then yours:
    what you wrote, read again, no longer any recipe's share); its aisle (the household learns
    where that food is). A replayed op_id changes nothing."""
    written = _clean_item_text(text) if text is not None else None
    if aisle is not None:
        try:
            aisle = aisles.check_aisle(aisle)
        except aisles.AisleError as exc:
            raise ShoppingInvalid(str(exc), "aisle") from None
    try:
        with _changing(user, list_id, op_id) as change:
            item = _item(list_id, item_id)
            change.item_id = item.id
            now = utcnow()
            if checked is not None and checked != item.checked:
                item.checked = checked
                item.checked_at = now if checked else None
            if written is not None:
                _rewrite(item, written, keep_aisle=aisle is not None)
            if aisle is not None:
                item.aisle = aisle
                if item.food_key:
                    preferences.teach(change.shopping_list.household_id, item.food_key, aisle)
            item.updated_at = now
    except Replayed as replay:
        return _replayed_item(user, list_id, replay.item_id)
    return item


def _rewrite(item: ShoppingItem, written: str, *, keep_aisle: bool) -> None:
    detail = read_line(written)
    db.session.execute(
        delete(ShoppingItemSource).where(ShoppingItemSource.item_id == item.id),
        execution_options={"synchronize_session": False},
    )
    source = ShoppingItemSource(item_id=item.id, entry_id=None, needs=[need_of(detail).to_json()], text=written)
    db.session.add(source)
    key = None if detail.section else detail.food_key
    if key != item.food_key and not keep_aisle:
        household = db.session.get(ShoppingList, item.list_id)
        choices = preferences.aisle_choices(household.household_id) if household else {}
        item.aisle = aisles.aisle_for(key, choices, packaged=detail.unit in aisles.PACKAGED_UNITS)
    item.food = detail.food[: limits.ITEM_TEXT_MAX] if detail.food else None
    item.food_key = key
    db.session.flush()
    _refresh(item, [source])
    _drop_unused_entries(item.list_id)


def delete_item(user: User, list_id: int, item_id: int, op_id: str | None = None) -> None:
    """Take a row off the list (and with it every recipe's share of it). A replay changes nothing."""
    try:
        with _changing(user, list_id, op_id) as change:
            item = _item(list_id, item_id)
            change.item_id = item.id
            db.session.execute(delete(ShoppingItem).where(ShoppingItem.id == item.id))
            _drop_unused_entries(list_id)
    except Replayed:
        return


def clear_checked(user: User, list_id: int, op_id: str | None = None) -> int:
    """Take every checked row off the list; how many went."""
    try:
        with _changing(user, list_id, op_id):
            gone = db.session.execute(
                delete(ShoppingItem)
                .where(ShoppingItem.list_id == list_id, ShoppingItem.checked.is_(True))
                .returning(ShoppingItem.id),
                execution_options={"synchronize_session": False},
            ).all()
            _drop_unused_entries(list_id)
    except Replayed:
        return 0
    return len(gone)


# --- reading a list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    recipe_id: int | None
    title: str
    servings: float | None


class ItemRow(NamedTuple):
    """A row of a list as it is shown: read as plain tuples, not as models (a list page shows
    hundreds of rows, and a model costs many times a tuple to load and to read)."""

    id: int
    text: str
    quantity: float | None
    quantity_max: float | None
    unit: str | None
    approximate: bool
    food: str | None
    aisle: str
    checked: bool
    by_hand: bool


_ITEM_COLUMNS = tuple(getattr(ShoppingItem, name) for name in ItemRow._fields)


class RecipeOnList(NamedTuple):
    recipe_id: int | None  # None once the recipe is deleted
    title: str
    servings: float | None


_RECIPES_OF_LIST = (
    select(ShoppingListRecipe.recipe_id, ShoppingListRecipe.title, ShoppingListRecipe.servings)
    .where(ShoppingListRecipe.list_id == bindparam("list_id"))
    .order_by(ShoppingListRecipe.created_at, ShoppingListRecipe.id)
)


@lru_cache(maxsize=64)
def _rows_statement(aisle_order: tuple[str, ...]) -> Select[Any]:
    """The statement that reads a list's rows in the order a household shows them (one per order)."""
    rank = case({aisle: n for n, aisle in enumerate(aisle_order)}, value=ShoppingItem.aisle, else_=len(aisle_order))
    return (
        select(*_ITEM_COLUMNS)
        .where(ShoppingItem.list_id == bindparam("list_id"))
        .order_by(
            ShoppingItem.checked,
            case((ShoppingItem.checked.is_(True), 0), else_=rank),
            ShoppingItem.checked_at.desc(),
            ShoppingItem.position,
            ShoppingItem.id,
        )
    )


def _rows_in_order(list_id: int, aisle_order: list[str]) -> list[ItemRow]:
    """The list's rows in the order it shows them, sorted by the database: unchecked ones by the
    household's aisle order, then by their place; then the checked ones, last checked first.
    Read through the session's connection: plain rows need none of the ORM's work."""
    found = db.session.connection().execute(_rows_statement(tuple(aisle_order)), {"list_id": list_id})
    make = ItemRow._make
    return [make(row) for row in found]


@dataclass
class ListContents:
    """A list as its pages and the API show it: rows in the household's aisle order (unchecked by
    their place, checked ones after, last checked first), the recipes on it, the aisle order."""

    shopping_list: ShoppingList
    aisle_order: list[str]
    unchecked: list[ItemRow]
    checked: list[ItemRow]
    recipes: list[RecipeOnList]

    @property
    def items(self) -> list[ItemRow]:
        return self.unchecked + self.checked

    def by_aisle(self) -> list[tuple[str, list[ItemRow]]]:
        groups: dict[str, list[ItemRow]] = {aisle: [] for aisle in self.aisle_order}
        for item in self.unchecked:
            groups.setdefault(item.aisle, []).append(item)
        return [(aisle, items) for aisle, items in groups.items() if items]


def contents(shopping_list: ShoppingList) -> ListContents:
    """The list's rows, recipes and aisle order (found with get_list, or a share link's)."""
    order = preferences.preferences_of(shopping_list.household_id).aisle_order
    rows = _rows_in_order(shopping_list.id, order)
    unchecked = [row for row in rows if not row.checked]
    checked = rows[len(unchecked) :]
    found = db.session.connection().execute(_RECIPES_OF_LIST, {"list_id": shopping_list.id})
    recipes = [RecipeOnList._make(row) for row in found]
    return ListContents(shopping_list, order, unchecked, checked, recipes)


def sources_by_item(list_id: int, item_id: int | None = None) -> dict[int, list[Source]]:
    """Which recipes (at which servings) each row of the list is for (rows by hand: none); with
    `item_id`, for that row only."""
    statement = (
        select(
            ShoppingItemSource.item_id,
            ShoppingListRecipe.recipe_id,
            ShoppingListRecipe.title,
            ShoppingListRecipe.servings,
        )
        .join(ShoppingListRecipe, ShoppingListRecipe.id == ShoppingItemSource.entry_id)
        .where(ShoppingListRecipe.list_id == list_id)
        .order_by(ShoppingItemSource.id)
    )
    if item_id is not None:
        statement = statement.where(ShoppingItemSource.item_id == item_id)
    found: dict[int, list[Source]] = {}
    for source_item, recipe_id, title, servings in db.session.execute(statement):
        found.setdefault(source_item, []).append(Source(recipe_id, title, servings))
    return found


def find_item(user: User, list_id: int, item_id: int) -> ShoppingItem:
    get_list(user, list_id)
    return _item(list_id, item_id)
