"""The recipe object: one recipe as JSON, in the shape DESIGN.md gives the API. Our export
file is a list of these, so what the API returns, the export writes and the importer reads
are the same thing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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


def recipe_object(
    recipe: Recipe, image_url: str | None, view: ShownRecipe | None = None, marks: Marks = NO_MARKS
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
