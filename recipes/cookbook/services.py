"""Recipe logic shared by the pages, the API and the CLI. No request objects in here.

`access.visible_to(user)` is the one rule for who may see a recipe: its owner, the owner's
household when it is marked so, or every signed-in user when it is public. Changing a recipe
is for its owner only; others who may see it can save a copy of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import owned_by, visible_to
from ..extensions import db
from ..images import store
from ..images.processing import ProcessedImage
from ..ingredients import recipe_lines
from ..models import PRIVATE, PUBLIC, VISIBILITIES, Recipe, Tag, User, effective_total_minutes, recipe_tag, utcnow
from ..text_cleaning import clean_text
from . import limits
from .recipe_text import normalize_tag, unique_tag_labels
from .sources import source_key


class RecipeNotFound(Exception):
    """No such recipe, or not one this user may see (the two look the same on purpose)."""


class RecipeIsYours(Exception):
    """A copy was asked of the user's own recipe: there is nothing to copy it to."""

    def __init__(self, recipe_id: int) -> None:
        super().__init__(recipe_id)
        self.recipe_id = recipe_id


class RecipeInvalid(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class RecipeData:
    """Everything a person can set on a recipe; the owner is never part of it."""

    title: str
    description: str = ""
    ingredients: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    servings: str = ""
    prep_time: int | None = None
    cook_time: int | None = None
    total_time: int | None = None
    source_url: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    # models.PRIVATE, HOUSEHOLD or PUBLIC: who besides the owner may see it.
    visibility: str = PRIVATE
    # Per serving, as the source gave it: {"calories": "82 kcal", "fatContent": "4 g", ...}
    nutrition: dict[str, str] = field(default_factory=dict)
    # Readings of ingredient lines known already (the recipe's own, an export file's): a line a
    # person corrected keeps its correction while its text stays (ingredients/recipe_lines.py).
    # None on an update: the recipe's stored readings.
    ingredient_readings: list[dict[str, Any]] | None = None

    @property
    def is_public(self) -> bool:
        return self.visibility == PUBLIC


def validate(data: RecipeData) -> None:
    """Refuse a recipe past any limit in `limits`: the one check behind every path that
    saves a recipe (form, API, URL import, file import, share-link copies, demo data)."""
    title = data.title.strip()
    if not title:
        raise RecipeInvalid(limits.TITLE_MISSING, "title")
    if data.visibility not in VISIBILITIES:
        raise RecipeInvalid(limits.VISIBILITY_UNKNOWN, "visibility")
    for name, limit in (
        ("title", limits.TITLE_MAX),
        ("description", limits.DESCRIPTION_MAX),
        ("servings", limits.SERVINGS_MAX),
        ("source_url", limits.SOURCE_URL_MAX),
        ("notes", limits.NOTES_MAX),
    ):
        if len(getattr(data, name).strip()) > limit:
            raise RecipeInvalid(limits.too_long(limit), name)
    for name in ("prep_time", "cook_time", "total_time"):
        minutes = getattr(data, name)
        if minutes is not None and not 0 <= minutes <= limits.MINUTES_MAX:
            raise RecipeInvalid(limits.MINUTES_RANGE, name)
    url = data.source_url.strip()
    if url and not url.lower().startswith(("http://", "https://")):
        raise RecipeInvalid(limits.SOURCE_NOT_HTTP, "source_url")
    _check_list(data.ingredients, "ingredients", limits.INGREDIENTS_MAX, limits.TOO_MANY_INGREDIENTS)
    _check_items(data.ingredients, "ingredients", "Ingredient line", limits.INGREDIENT_MAX)
    _check_total(data.ingredients, "ingredients", "The ingredients", limits.INGREDIENTS_TEXT_MAX)
    _check_list(data.instructions, "instructions", limits.STEPS_MAX, limits.TOO_MANY_STEPS)
    _check_total(data.instructions, "instructions", "The instructions", limits.INSTRUCTIONS_TEXT_MAX)
    _check_list(data.tags, "tags", limits.TAGS_MAX, limits.TOO_MANY_TAGS)
    _check_items([" ".join(tag.split()) for tag in data.tags], "tags", "Tag", limits.TAG_MAX)
    _check_list(list(data.nutrition), "nutrition", limits.NUTRIENTS_MAX, limits.TOO_MANY_NUTRIENTS)
    for key, value in data.nutrition.items():
        if len(str(key).strip()) > limits.NUTRIENT_NAME_MAX:
            raise RecipeInvalid(limits.too_long(limits.NUTRIENT_NAME_MAX), "nutrition")
        if len(str(value).strip()) > limits.NUTRIENT_VALUE_MAX:
            raise RecipeInvalid(limits.too_long(limits.NUTRIENT_VALUE_MAX), "nutrition")


def _check_list(items: list[str], name: str, most: int, message: str) -> None:
    if len(items) > most:
        raise RecipeInvalid(message, name)


def _check_items(items: list[str], name: str, what: str, limit: int) -> None:
    for number, item in enumerate(items, start=1):
        if len(item.strip()) > limit:
            raise RecipeInvalid(limits.line_too_long(what, number, limit), name)


def _check_total(items: list[str], name: str, what: str, limit: int) -> None:
    if sum(len(item.strip()) for item in items) > limit:
        raise RecipeInvalid(limits.too_long_in_all(what, limit), name)


def fit(data: RecipeData) -> RecipeData:
    """`data` from another app or a web page made to fit what we keep, where that loses
    nothing a cook needs: the title and the short texts cut to their limits, impossible
    times and over-long addresses dropped, nutrition facts cut. Lists are not cut (a recipe
    missing ingredients would be wrong): past their limits, `validate` refuses the recipe."""

    def minutes(value: int | None) -> int | None:
        return value if value is None or 0 <= value <= limits.MINUTES_MAX else None

    source_url = clean_text(data.source_url).strip()
    facts = list(clean_nutrition(data.nutrition).items())[: limits.NUTRIENTS_MAX]
    return replace(
        data,
        title=clean_text(data.title).strip()[: limits.TITLE_MAX].strip(),
        description=clean_text(data.description).strip()[: limits.DESCRIPTION_MAX],
        servings=clean_text(data.servings).strip()[: limits.SERVINGS_MAX].strip(),
        notes=clean_text(data.notes).strip()[: limits.NOTES_MAX],
        source_url=source_url if len(source_url) <= limits.SOURCE_URL_MAX else "",
        prep_time=minutes(data.prep_time),
        cook_time=minutes(data.cook_time),
        total_time=minutes(data.total_time),
        tags=unique_tag_labels(clean_text(raw) for raw in data.tags)[: limits.TAGS_MAX],
        nutrition=dict(facts),
    )


def _tags_for(owner: User, labels: list[str]) -> list[Tag]:
    """The owner's tags with these labels (matched in any case), creating the missing ones.
    A tag typed in another case than before shows as typed now, on every recipe with it."""
    if not labels:
        return []
    wanted = {normalize_tag(label): label for label in labels}
    existing = {
        t.name: t for t in db.session.scalars(select(Tag).where(Tag.owner_id == owner.id, Tag.name.in_(wanted)))
    }
    tags = []
    for name, label in wanted.items():
        tag = existing.get(name)
        if tag is None:
            tag = Tag(owner_id=owner.id, name=name, label=label)
            db.session.add(tag)
            existing[name] = tag
        elif tag.display_name != label:
            tag.label = label
        tags.append(tag)
    return tags


TAG_SUGGESTIONS_MAX = 1000
_TAG_SUGGESTIONS = (
    select(Tag.display_name)
    .where(Tag.owner_id == bindparam("owner"))
    .order_by(Tag.name)
    .limit(bindparam("limit", type_=Integer))
)


def tag_suggestions(user: User, limit: int = TAG_SUGGESTIONS_MAX) -> list[str]:
    """The labels of the user's own tags, by name: what tag fields suggest. Read on the session's
    connection, without the ORM's per-statement work: the recipe list shows them on every visit
    (0.06 ms rather than 0.19). Any tags still pending in the session are written first, as the
    ORM's own query would (its autoflush)."""
    db.session.flush()
    return list(db.session.connection().execute(_TAG_SUGGESTIONS, {"owner": user.id, "limit": limit}).scalars())


def column_values(data: RecipeData) -> dict[str, Any]:
    """The recipe's column values for `data`, cleaned (no owner, no tags)."""
    source_url = clean_text(data.source_url).strip()
    ingredients = [clean_text(line) for line in data.ingredients]
    return {
        "title": clean_text(data.title).strip(),
        "description": clean_text(data.description).strip(),
        "ingredients": ingredients,
        "ingredient_details": recipe_lines.stored(recipe_lines.read_lines(ingredients, data.ingredient_readings)),
        "ingredients_read_by": recipe_lines.READER_VERSION,
        "instructions": [clean_text(step) for step in data.instructions],
        "servings": clean_text(data.servings).strip(),
        "prep_time": data.prep_time,
        "cook_time": data.cook_time,
        "total_time": data.total_time,
        "total_minutes": effective_total_minutes(data.total_time, data.prep_time, data.cook_time),
        "source_url": source_url,
        "source_key": source_key(source_url),
        "nutrition": clean_nutrition(data.nutrition),
        "notes": clean_text(data.notes).strip(),
        "visibility": data.visibility,
    }


def clean_nutrition(values: dict[str, str]) -> dict[str, str]:
    """Nutrition facts as short texts; empty ones dropped."""
    cleaned = {
        clean_text(str(k)).strip()[: limits.NUTRIENT_NAME_MAX]: clean_text(str(v)).strip()[: limits.NUTRIENT_VALUE_MAX]
        for k, v in values.items()
    }
    return {k: v for k, v in cleaned.items() if k and v}


def tag_labels(data: RecipeData) -> list[str]:
    """The recipe's tags as typed, cleaned, one per key."""
    return unique_tag_labels(clean_text(raw) for raw in data.tags)


def _apply(recipe: Recipe, data: RecipeData, owner: User) -> None:
    if data.ingredient_readings is None and recipe.ingredient_details:
        data = replace(data, ingredient_readings=recipe.ingredient_details)
    for name, value in column_values(data).items():
        setattr(recipe, name, value)
    recipe.tags = _tags_for(owner, tag_labels(data))
    recipe.updated_at = utcnow()  # also when only the tags changed


def _commit_retrying_once(work: Callable[[], Recipe]) -> Recipe:
    """Run `work` and commit; if a concurrent request created the same new tag first
    (the unique (owner, name) constraint fires), roll back and run it once more, when
    the tag exists and is simply reused."""
    for attempt in (1, 2):
        try:
            recipe = work()
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
            continue
        return recipe
    raise AssertionError("unreachable")


def create_recipe(owner: User, data: RecipeData, picture: ProcessedImage | None = None) -> Recipe:
    validate(data)

    def work() -> Recipe:
        recipe = Recipe(owner_id=owner.id)
        _apply(recipe, data, owner)
        recipe.created_at = recipe.updated_at  # one moment, not two a few microseconds apart
        if picture is not None:
            store.attach(recipe, picture)
        db.session.add(recipe)
        db.session.flush()
        return recipe

    return _commit_retrying_once(work)


def get_visible_recipe(user: User, recipe_id: int) -> Recipe:
    recipe: Recipe | None = db.session.scalar(
        select(Recipe).options(selectinload(Recipe.tags)).where(Recipe.id == recipe_id, visible_to(user))
    )
    if recipe is None:
        raise RecipeNotFound(recipe_id)
    return recipe


def may_see(user: User, recipe_id: int) -> bool:
    """Whether `user` may see the recipe in the app (not through a share link)."""
    found = db.session.scalar(select(Recipe.id).where(Recipe.id == recipe_id, visible_to(user)))
    return found is not None


def get_own_recipe(user: User, recipe_id: int) -> Recipe:
    recipe: Recipe | None = db.session.scalar(select(Recipe).where(Recipe.id == recipe_id, owned_by(user)))
    if recipe is None:
        raise RecipeNotFound(recipe_id)
    return recipe


def update_recipe(
    user: User,
    recipe_id: int,
    data: RecipeData,
    picture: ProcessedImage | None = None,
    remove_picture: bool = False,
) -> Recipe:
    """Save every field as given (whatever changed, title or not), and a new picture or
    none if asked. Owner only."""
    get_own_recipe(user, recipe_id)
    validate(data)

    def work() -> Recipe:
        recipe = get_own_recipe(user, recipe_id)
        _apply(recipe, data, user)
        if picture is not None:
            store.attach(recipe, picture)
        elif remove_picture:
            store.detach(recipe)
        db.session.flush()
        _drop_unused_tags(user)
        return recipe

    return _commit_retrying_once(work)


def set_picture(user: User, recipe_id: int, picture: ProcessedImage | None) -> Recipe:
    """Give one of `user`'s recipes this picture, or none. Owner only."""
    recipe = get_own_recipe(user, recipe_id)
    if picture is None:
        store.detach(recipe)
    else:
        store.attach(recipe, picture)
    recipe.updated_at = utcnow()
    db.session.commit()
    return recipe


def data_of(recipe: Recipe) -> RecipeData:
    """What a person set on `recipe`, to change some of it and save it again."""
    return RecipeData(
        title=recipe.title,
        description=recipe.description,
        ingredients=list(recipe.ingredients),
        instructions=list(recipe.instructions),
        servings=recipe.servings,
        prep_time=recipe.prep_time,
        cook_time=recipe.cook_time,
        total_time=recipe.total_time,
        source_url=recipe.source_url,
        notes=recipe.notes,
        tags=[tag.display_name for tag in recipe.tags],
        visibility=recipe.visibility,
        nutrition=dict(recipe.nutrition or {}),
        ingredient_readings=list(recipe.ingredient_details or []),
    )


def copy_recipe(user: User, recipe: Recipe) -> Recipe:
    """A copy of `recipe` (fields, tags, picture) as `user`'s own, made in one transaction by
    the same service that saves any new recipe: private to its new owner, whatever the
    original's visibility. The caller has decided `user` may see the original (the access
    rule, or a share link)."""
    copy = replace(data_of(recipe), visibility=PRIVATE)
    return create_recipe(user, copy, store.stored_image(recipe))


def copy_visible_recipe(user: User, recipe_id: int) -> Recipe:
    """A copy of a recipe `user` may see but does not own (a household's or a public one).
    RecipeNotFound when they may not see it; RecipeIsYours when it is theirs already."""
    recipe = get_visible_recipe(user, recipe_id)
    if recipe.owner_id == user.id:
        raise RecipeIsYours(recipe.id)
    return copy_recipe(user, recipe)


def delete_recipe(user: User, recipe_id: int) -> None:
    recipe = get_own_recipe(user, recipe_id)
    db.session.delete(recipe)
    db.session.flush()
    _drop_unused_tags(user)
    db.session.commit()


def _drop_unused_tags(user: User) -> None:
    """Tags exist while some recipe uses them (part of the caller's transaction)."""
    used = select(recipe_tag.c.tag_id)
    for tag in db.session.scalars(select(Tag).where(Tag.owner_id == user.id, Tag.id.not_in(used))):
        db.session.delete(tag)
