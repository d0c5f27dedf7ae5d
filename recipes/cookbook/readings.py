"""How a recipe's ingredient lines were read, and a person's corrections of those readings.

One place for the edit page's review, the per-line correction page and the API: each change is
one transaction, on the recipe's owner's say only (`services.get_own_recipe`: anyone else's recipe
is not found), and refuses to touch a line that is no longer the line the person saw.
The rules of a correction itself are ingredients/corrections.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..extensions import db
from ..ingredients import recipe_lines
from ..ingredients.corrections import Correction, check_line, with_correction, without_correction
from ..ingredients.detail import IngredientDetail
from ..ingredients.display import format_amount, takes_plural, unit_label
from ..models import Recipe, User, utcnow
from ..text_cleaning import clean_text
from . import limits, services
from .recipe_text import parse_ingredients


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One line of the review table: its place (from 0), its reading, and the amount as shown."""

    index: int
    reading: IngredientDetail
    amount: str | None  # "2", "1 ½", a range with an en dash; None without an amount
    also: str | None  # the second measure of a pair, "5 oz"

    @property
    def text(self) -> str:
        return self.reading.text


def _row(index: int, reading: IngredientDetail) -> ReviewRow:
    amount = also = None
    if reading.quantity is not None and not reading.section:
        amount = format_amount(reading.quantity, reading.quantity_max, reading.unit)
    if reading.alt_quantity is not None and reading.alt_unit is not None:
        alt = format_amount(reading.alt_quantity, None, reading.alt_unit)
        also = f"{alt} {unit_label(reading.alt_unit, takes_plural(alt))}"
    return ReviewRow(index, reading, amount, also)


def rows(readings: Sequence[IngredientDetail]) -> list[ReviewRow]:
    return [_row(index, reading) for index, reading in enumerate(readings)]


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the review table: its header line (None before the first header) and its lines."""

    header: ReviewRow | None
    rows: list[ReviewRow]


def sections(review_rows: Sequence[ReviewRow]) -> list[Section]:
    """The rows in their sections, as the table groups them (one <tbody> each)."""
    found: list[Section] = []
    for row in review_rows:
        if row.reading.section:
            found.append(Section(row, []))
        elif found:
            found[-1].rows.append(row)
        else:
            found.append(Section(None, [row]))
    return found


def readings_of(recipe: Recipe) -> list[IngredientDetail]:
    """The recipe's readings as stored (read now if the backfill has not reached it yet)."""
    return recipe_lines.loaded(recipe.ingredients, recipe.ingredient_details)


@dataclass(frozen=True, slots=True)
class Review:
    """The review table: the rows by section, whether they are the saved lines (only those can be
    corrected), and how many lines the parser was unsure of / a person corrected."""

    sections: list[Section]
    saved: bool
    unsure: int
    corrected: int

    @property
    def empty(self) -> bool:
        return not self.sections


def _review(readings: Sequence[IngredientDetail], saved: bool) -> Review:
    return Review(
        sections(rows(readings)),
        saved,
        unsure=sum(1 for r in readings if r.unsure and not r.corrected and not r.section),
        corrected=sum(1 for r in readings if r.corrected),
    )


def review(recipe: Recipe) -> Review:
    """The edit page's review table of a saved recipe."""
    return _review(readings_of(recipe), saved=True)


def preview(recipe: Recipe, text: str) -> Review:
    """How the ingredients box's `text` would read once saved (corrections of lines kept as they
    were stay, as saving keeps them). Nothing is stored; past the recipe's limits only the first
    lines are read (saving would refuse them anyway). The saved lines themselves can be corrected."""
    lines = [clean_text(line)[: limits.INGREDIENT_MAX] for line in parse_ingredients(text)]
    lines = lines[: limits.INGREDIENTS_MAX]
    if lines == list(recipe.ingredients):
        return review(recipe)
    return _review(recipe_lines.read_lines(lines, recipe.ingredient_details), saved=False)


def parser_reading(reading: IngredientDetail) -> IngredientDetail:
    """What the parser reads in the line (beside a person's correction of it)."""
    return recipe_lines.read_line(reading.text)


def reading_at(recipe: Recipe, index: int) -> IngredientDetail:
    """The reading of line `index` (from 0); IndexError when the recipe has no such line."""
    if not 0 <= index < len(recipe.ingredients):
        raise IndexError(index)
    return readings_of(recipe)[index]


def _change(
    user: User,
    recipe_id: int,
    index: int,
    text: str | None,
    change: Callable[[list[IngredientDetail]], list[IngredientDetail]],
) -> Recipe:
    """Change the readings of one of `user`'s recipes in one transaction, while line `index` still
    reads `text` (None: whatever it reads); on any refusal nothing is changed."""
    try:
        recipe = services.get_own_recipe(user, recipe_id)
        db.session.refresh(recipe, with_for_update=True)  # PostgreSQL: one change of a recipe at a time
        check_line(recipe.ingredients, index, text)
        recipe.ingredient_details = recipe_lines.stored(change(readings_of(recipe)))
        recipe.ingredients_read_by = recipe_lines.READER_VERSION
        recipe.updated_at = utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return recipe


def correct_reading(user: User, recipe_id: int, index: int, text: str | None, correction: Correction) -> Recipe:
    """Read line `index` (from 0) of one of `user`'s recipes as `correction` says, while the line
    still reads `text`. RecipeNotFound, LineChanged or CorrectionInvalid otherwise."""
    return _change(user, recipe_id, index, text, lambda readings: with_correction(readings, index, correction))


def restore_reading(user: User, recipe_id: int, index: int, text: str | None) -> Recipe:
    """The parser's reading of line `index` again (its correction removed), while it reads `text`."""
    return _change(user, recipe_id, index, text, lambda readings: without_correction(readings, index))
