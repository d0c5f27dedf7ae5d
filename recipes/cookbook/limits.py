"""Every limit on a recipe's fields, and the message that refuses a value past it.

The one place these numbers are written. The models size their columns by them, the form
and the API schemas check them (so the OpenAPI document states them), the importers make
other apps' recipes fit them, search bounds its filters by them, and
`cookbook.services.validate` enforces all of them on every path that saves a recipe. So a
recipe the API takes, the form takes too, and the other way round.

Plain values only: nothing here imports anything, so every layer may read it.
"""

from __future__ import annotations

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
NOTES_MAX = 50_000
SERVINGS_MAX = 100
SOURCE_URL_MAX = 2048
MINUTES_MAX = 100_000

INGREDIENTS_MAX = 2_000  # lines, section headers included
INGREDIENT_MAX = 2_000  # characters in one line
INGREDIENTS_TEXT_MAX = 50_000  # characters in all the lines together
STEPS_MAX = 500
INSTRUCTIONS_TEXT_MAX = 100_000  # characters in all the steps together (one step may hold them all)

TAGS_MAX = 50
TAG_MAX = 64  # characters in one tag

NUTRIENTS_MAX = 40  # facts per recipe
NUTRIENT_NAME_MAX = 60
NUTRIENT_VALUE_MAX = 120

# The form takes the tags as one comma-separated text: room for as many as a recipe may have.
TAGS_TEXT_MAX = TAGS_MAX * (TAG_MAX + 2)

# --- Messages --------------------------------------------------------------------------------

TITLE_MISSING = "A recipe needs a title."
MINUTES_RANGE = f"Give the time in minutes, from 0 to {MINUTES_MAX}."
SOURCE_NOT_HTTP = "The source must be an http:// or https:// address."
TOO_MANY_INGREDIENTS = f"A recipe can have at most {INGREDIENTS_MAX} ingredient lines."
TOO_MANY_STEPS = f"A recipe can have at most {STEPS_MAX} steps."
TOO_MANY_TAGS = f"A recipe can have at most {TAGS_MAX} tags."
TOO_MANY_NUTRIENTS = f"A recipe can have at most {NUTRIENTS_MAX} nutrition facts."
VISIBILITY_UNKNOWN = "Choose who can see it: private, household or public."


def too_long(limit: int) -> str:
    """The refusal of a text past `limit` characters (the form's wording, used everywhere)."""
    return f"Field cannot be longer than {limit} characters."


def too_long_in_all(what: str, limit: int) -> str:
    return f"{what} can have at most {limit} characters in all."


def line_too_long(what: str, number: int, limit: int) -> str:
    """The refusal of one item of a list: "Ingredient line 3 can have at most 2000 characters." """
    return f"{what} {number} can have at most {limit} characters."
