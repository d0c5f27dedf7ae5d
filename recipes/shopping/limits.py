"""Every limit of the shopping lists, and the words it is refused in: read by the services, the
forms and the API schemas, so the pages and the API take exactly the same."""

from __future__ import annotations

LIST_NAME_MAX = 60
# A household's lists, and one list's rows: far above a week's shopping, low enough that a
# runaway script (or a fuzzer) cannot make a list that no phone can show.
LISTS_MAX = 50
ITEMS_MAX = 1000
# One row's text: a line of a recipe is at most this long too (cookbook.limits.INGREDIENT_MAX).
ITEM_TEXT_MAX = 500
# Recipes added in one go (a week's plan has fewer).
RECIPES_PER_ADD_MAX = 100
SERVINGS_MAX = 10_000
# The household's pantry staples.
STAPLES_MAX = 100
STAPLE_MAX = 60

LIST_NAME_MISSING = "Give the list a name."
LIST_NAME_TOO_LONG = f"A list's name can have at most {LIST_NAME_MAX} characters."
TOO_MANY_LISTS = f"A household can have at most {LISTS_MAX} lists: delete one you no longer use."
LIST_FULL = f"A list can have at most {ITEMS_MAX} rows: clear the checked ones, or start another list."
ITEM_TEXT_MISSING = "Say what to buy."
ITEM_TEXT_TOO_LONG = f"A row can have at most {ITEM_TEXT_MAX} characters."
TOO_MANY_RECIPES = f"At most {RECIPES_PER_ADD_MAX} recipes at a time."
SERVINGS_RANGE = f"Servings must be a number above 0 and at most {SERVINGS_MAX:,}."
TOO_MANY_STAPLES = f"At most {STAPLES_MAX} pantry staples."
STAPLE_TOO_LONG = f"A pantry staple's name can have at most {STAPLE_MAX} characters."
LINES_MISSING = "Choose at least one ingredient to add."
LINES_UNKNOWN = "Those are not lines of the recipe’s ingredients (it may have changed since): reload the page."
OP_ID_FORMAT = "op_id must be a UUID, such as 3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b."
