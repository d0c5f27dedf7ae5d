"""The recipe object: one recipe as JSON, in the shape DESIGN.md gives the API. Our export
file is a list of these, so what the API returns, the export writes and the importer reads
are the same thing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from ..ingredients.presenting import ShownRecipe, detail_object, written_objects
from ..ingredients.scaling import servings_count
from ..models import Recipe, as_utc
from ..ratings.marks import NO_MARKS, Marks


def iso_time(moment: datetime) -> str:
    """ISO 8601 in UTC; SQLite hands back naive datetimes, which were stored in UTC."""
    return as_utc(moment).astimezone(UTC).isoformat()


def parse_iso_time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Tagged(Protocol):
    @property
    def display_name(self) -> str: ...


class RecipeFields(Protocol):
    """What a recipe object is made of: a Recipe, or a RecipeRow read without the ORM."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def ingredients(self) -> Sequence[str]: ...
    @property
    def ingredient_details(self) -> Sequence[Mapping[str, Any]] | None: ...
    @property
    def instructions(self) -> Sequence[str]: ...
    @property
    def servings(self) -> str: ...
    @property
    def prep_time(self) -> int | None: ...
    @property
    def cook_time(self) -> int | None: ...
    @property
    def total_time(self) -> int | None: ...
    @property
    def source_url(self) -> str: ...
    @property
    def notes(self) -> str: ...
    @property
    def nutrition(self) -> Mapping[str, str] | None: ...
    @property
    def image_digest(self) -> str | None: ...
    @property
    def visibility(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def tags(self) -> Sequence[Tagged]: ...


@dataclass(frozen=True)
class TagName:
    display_name: str


# The columns of a RecipeRow, in its fields' order.
RECIPE_ROW_COLUMNS = (
    Recipe.id,
    Recipe.title,
    Recipe.description,
    Recipe.ingredients,
    Recipe.ingredient_details,
    Recipe.instructions,
    Recipe.servings,
    Recipe.prep_time,
    Recipe.cook_time,
    Recipe.total_time,
    Recipe.source_url,
    Recipe.notes,
    Recipe.nutrition,
    Recipe.image_digest,
    Recipe.visibility,
    Recipe.created_at,
    Recipe.updated_at,
)


@dataclass(frozen=True)
class RecipeRow:
    """A recipe's tags' names and its fields as one row of a column query (RECIPE_ROW_COLUMNS, in
    that order): a list of recipe objects without loading ORM objects (the API's list)."""

    tags: Sequence[TagName]
    id: int
    title: str
    description: str
    ingredients: Sequence[str]
    ingredient_details: Sequence[Mapping[str, Any]] | None
    instructions: Sequence[str]
    servings: str
    prep_time: int | None
    cook_time: int | None
    total_time: int | None
    source_url: str
    notes: str
    nutrition: Mapping[str, str] | None
    image_digest: str | None
    visibility: str
    created_at: datetime
    updated_at: datetime


def recipe_object(
    recipe: RecipeFields, image_url: str | None, view: ShownRecipe | None = None, marks: Marks = NO_MARKS
) -> dict[str, Any]:
    """`recipe` as a JSON-ready dict; `image_url` is where its picture is (a URL, a path in
    an export file, or None). Its `ingredient_details` are shown as `view` shows them (as written
    when None); `ingredients` and `instructions` stay verbatim either way. `marks` are the
    viewer's own (ratings/marks.py): its rating, its household's average, favourite, cooking."""
    scaled: dict[str, Any] = {}
    if view is None or view.scaling.changes_nothing:
        details = written_objects(recipe.ingredients, recipe.ingredient_details)
    else:
        scaling = view.scaling
        details = [detail_object(item) for item in view.ingredients]
        scaled = {
            "scale": {"factor": scaling.factor, "units": scaling.system, "servings": scaling.servings},
            "scaled_instructions": view.steps,
        }
    return {
        "id": recipe.id,
        "title": recipe.title,
        "description": recipe.description,
        "ingredients": list(recipe.ingredients),
        "ingredient_details": details,
        "instructions": list(recipe.instructions),
        "servings": recipe.servings,
        "prep_time": recipe.prep_time,
        "cook_time": recipe.cook_time,
        "total_time": recipe.total_time,
        "source_url": recipe.source_url,
        "tags": [tag.display_name for tag in recipe.tags],
        "notes": recipe.notes,
        "nutrition": dict(recipe.nutrition or {}),
        "image_url": image_url,
        "visibility": recipe.visibility,
        "created_at": iso_time(recipe.created_at),
        "updated_at": iso_time(recipe.updated_at),
        "servings_count": servings_count(recipe.servings),
        **marks.as_object(),
        **scaled,
    }
