"""Taking recipes out: the whole library as our export file, one recipe as schema.org
JSON-LD, Markdown or plain text. No request objects in here."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import owned_by
from ..cookbook.objects import iso_time, recipe_object
from ..cookbook.recipe_text import is_section_header, minutes_text
from ..extensions import db
from ..images.store import extension
from ..models import Recipe, RecipeImage, User
from ..ratings.marks import NO_MARKS, marks_for
from ..ratings.transfer import cooking_logs

RECIPES_FILE = "recipes.json"
BATCH = 500


def picture_path(recipe: Recipe, mime: str = "image/webp") -> str:
    """Where a recipe's picture goes in an export file."""
    return f"images/{recipe.id}.{extension(mime)}"


def _own_recipes(user: User) -> Iterator[list[Recipe]]:
    """The user's recipes in id order, a batch at a time (a big library never sits in memory)."""
    last_id = 0
    while True:
        batch = db.session.scalars(
            select(Recipe)
            .options(selectinload(Recipe.tags), selectinload(Recipe.image))
            .where(owned_by(user), Recipe.id > last_id)
            .order_by(Recipe.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        yield list(batch)
        last_id = batch[-1].id


def _picture_bytes(recipe_id: int) -> bytes | None:
    return db.session.scalar(select(RecipeImage.full).where(RecipeImage.recipe_id == recipe_id))


def export_library(user: User, out: IO[bytes]) -> int:
    """Write `user`'s recipes to `out` as our export file: a zip with recipes.json (a list
    of recipe objects, as the API gives them, each with the user's cooking log: see
    ratings/transfer.py) and images/. Returns how many recipes."""
    count = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with_pictures: list[tuple[int, str]] = []
        with archive.open(RECIPES_FILE, "w") as listing:
            listing.write(b"[")
            for batch in _own_recipes(user):
                ids = [recipe.id for recipe in batch]
                marks, logs = marks_for(user, ids), cooking_logs(user.id, ids)
                for recipe in batch:
                    path = picture_path(recipe, recipe.image.mime) if recipe.image else None
                    if path:
                        with_pictures.append((recipe.id, path))
                    obj = recipe_object(recipe, path, marks=marks.get(recipe.id, NO_MARKS))
                    obj["cooking_log"] = logs.get(recipe.id, [])
                    text = json.dumps(obj, ensure_ascii=False, indent=1)
                    listing.write((",\n" if count else "\n").encode() + text.encode())
                    count += 1
            listing.write(b"\n]\n")
        for recipe_id, path in with_pictures:
            data = _picture_bytes(recipe_id)
            if data:
                # Already compressed: stored as they are.
                archive.writestr(path, data, compress_type=zipfile.ZIP_STORED)
    return count


def _duration(minutes: int | None) -> str | None:
    if minutes is None:
        return None
    hours, rest = divmod(minutes, 60)
    return f"PT{hours}H{rest}M" if hours else f"PT{rest}M"


def recipe_jsonld(recipe: Recipe, page_url: str, image_url: str | None) -> dict[str, Any]:
    """The recipe as schema.org Recipe JSON-LD (what other apps and search engines read)."""
    steps = [{"@type": "HowToStep", "text": step} for step in recipe.instructions]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": recipe.title,
        "description": recipe.description or None,
        "url": page_url,
        "recipeIngredient": [line for line in recipe.ingredients if not is_section_header(line)],
        "recipeInstructions": steps,
        "recipeYield": recipe.servings or None,
        "prepTime": _duration(recipe.prep_time),
        "cookTime": _duration(recipe.cook_time),
        "totalTime": _duration(recipe.total_minutes),
        "keywords": ", ".join(tag.display_name for tag in recipe.tags) or None,
        "image": image_url,
        "isBasedOn": recipe.source_url or None,
        "dateCreated": iso_time(recipe.created_at),
        "dateModified": iso_time(recipe.updated_at),
    }
    if recipe.nutrition:
        data["nutrition"] = {"@type": "NutritionInformation", **recipe.nutrition}
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def _times(recipe: Recipe) -> list[str]:
    return [
        f"{label}: {minutes_text(value)}"
        for label, value in (("Prep", recipe.prep_time), ("Cook", recipe.cook_time), ("Total", recipe.total_minutes))
        if value is not None
    ]


def recipe_markdown(recipe: Recipe) -> str:
    """The recipe as Markdown: title, facts, ingredients (sections as subheadings), steps, notes."""
    lines = [f"# {recipe.title}", ""]
    if recipe.description:
        lines += [recipe.description, ""]
    facts = ([f"Serves: {recipe.servings}"] if recipe.servings else []) + _times(recipe)
    if recipe.tags:
        facts.append("Tags: " + ", ".join(tag.display_name for tag in recipe.tags))
    if recipe.source_url:
        facts.append(f"Source: <{recipe.source_url}>")
    lines += [f"- {fact}" for fact in facts] + ([""] if facts else [])
    lines += ["## Ingredients", ""]
    for line in recipe.ingredients:
        lines += ["", f"### {line[:-1].strip()}", ""] if is_section_header(line) else [f"- {line}"]
    lines += ["", "## Instructions", ""]
    lines += [f"{number}. {step}" for number, step in enumerate(recipe.instructions, start=1)]
    if recipe.nutrition:
        lines += ["", "## Nutrition", ""] + [f"- {name}: {value}" for name, value in recipe.nutrition.items()]
    if recipe.notes:
        lines += ["", "## Notes", "", recipe.notes]
    return "\n".join(lines).strip() + "\n"


def recipe_text(recipe: Recipe) -> str:
    """The recipe as plain text, for pasting into a message or a notes app."""
    lines = [recipe.title, "=" * min(len(recipe.title), 72), ""]
    if recipe.description:
        lines += [recipe.description, ""]
    facts = ([f"Serves: {recipe.servings}"] if recipe.servings else []) + _times(recipe)
    lines += facts + ([""] if facts else [])
    lines += ["INGREDIENTS", ""]
    for line in recipe.ingredients:
        lines += ["", line.upper()] if is_section_header(line) else [f"  * {line}"]
    lines += ["", "INSTRUCTIONS", ""]
    lines += [f"  {number}. {step}" for number, step in enumerate(recipe.instructions, start=1)]
    if recipe.notes:
        lines += ["", "NOTES", "", recipe.notes]
    if recipe.source_url:
        lines += ["", f"Source: {recipe.source_url}"]
    return "\n".join(lines).strip() + "\n"
