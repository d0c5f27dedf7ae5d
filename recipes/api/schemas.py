"""The API's request and response shapes. They validate every request and are the source
of the OpenAPI document (/api/openapi.json), so the two cannot drift apart.

The limits are cookbook.limits, which the recipe form and the services enforce too: what
the API accepts, the pages accept too, and the other way round.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from ..cookbook import limits
from ..images.store import VARIANTS
from ..ingredients.numbers import MAX_AMOUNT
from ..ingredients.recipe_lines import MAX_FIELD_CHARS
from ..models import MEAL_NAME_MAX, PLAN_NOTE, PLAN_RECIPE, ROLES, VISIBILITIES
from ..planner import limits as plan_limits
from ..ratings import limits as marks
from ..search.service import FAVOURITE_OFF, FAVOURITE_ON, MAX_PAGE, MAX_PER_PAGE, MAX_TAGS, SCOPES, SORTS, TAG_MODES

PARSE_LINES_MAX = 500
MINUTES = validate.Range(min=0, max=limits.MINUTES_MAX, error=limits.MINUTES_RANGE)


def at_most(limit: int) -> validate.Length:
    """A text of at most `limit` characters, refused in the form's words."""
    return validate.Length(max=limit, error=limits.too_long(limit))


def items(most: int, message: str) -> validate.Length:
    return validate.Length(max=most, error=message)


# The first character that is not a space must be one a person can see: a title of only
# spaces or control characters would be empty once cleaned (see text_cleaning.clean_text). The spaces
# are spelt out, exactly those str.strip() removes: `\s` means a few different characters
# in Python and in JavaScript (this pattern is in the OpenAPI document, for clients).
SPACES = r"\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
VISIBLE_TEXT = rf"^[{SPACES}]*[^{SPACES}\x00-\x1f]"
HTTP_URL = rf"^[{SPACES}]*([hH][tT][tT][pP][sS]?://|$)"
WEB_ADDRESS = rf"^[{SPACES}]*[hH][tT][tT][pP][sS]?://"
# The fields of a recipe object that are the server's to set; sent back in a PATCH or a
# POST (a client changing what it fetched), they are ignored.
READ_ONLY = (
    "id",
    "image_url",
    "created_at",
    "updated_at",
    "ingredient_details",
    "servings_count",
    "scale",
    "scaled_instructions",
    # One's own marks (and the household's average) change through their own operations.
    "rating",
    "rating_average",
    "favourite",
    "last_cooked",
    "times_cooked",
    "cooking_log",
)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE  # a misspelt field is an error, not silently dropped


class RecipeWrite(Strict):
    """What a client may set on a recipe. The owner is never among it."""

    title = fields.String(
        validate=[
            validate.Length(min=1, error=limits.TITLE_MISSING),
            at_most(limits.TITLE_MAX),
            validate.Regexp(VISIBLE_TEXT, error=limits.TITLE_MISSING),
        ],
        metadata={"description": "Required when creating a recipe."},
    )
    description = fields.String(validate=at_most(limits.DESCRIPTION_MAX))
    ingredients = fields.List(
        fields.String(validate=at_most(limits.INGREDIENT_MAX)),
        validate=items(limits.INGREDIENTS_MAX, limits.TOO_MANY_INGREDIENTS),
        metadata={
            "description": "One ingredient per item; an item ending in `:` starts a section. "
            f"At most {limits.INGREDIENTS_TEXT_MAX} characters in all."
        },
    )
    instructions = fields.List(
        fields.String(validate=at_most(limits.INSTRUCTIONS_TEXT_MAX)),
        validate=items(limits.STEPS_MAX, limits.TOO_MANY_STEPS),
        metadata={"description": f"One step per item; at most {limits.INSTRUCTIONS_TEXT_MAX} characters in all."},
    )
    servings = fields.String(validate=at_most(limits.SERVINGS_MAX))
    prep_time = fields.Integer(strict=True, allow_none=True, validate=MINUTES, metadata={"description": "Minutes."})
    cook_time = fields.Integer(strict=True, allow_none=True, validate=MINUTES, metadata={"description": "Minutes."})
    total_time = fields.Integer(
        strict=True, allow_none=True, validate=MINUTES, metadata={"description": "Minutes; null means prep + cook."}
    )
    source_url = fields.String(
        validate=[
            at_most(limits.SOURCE_URL_MAX),
            validate.Regexp(HTTP_URL, error=limits.SOURCE_NOT_HTTP),
        ]
    )
    tags = fields.List(
        fields.String(validate=at_most(limits.TAG_MAX)), validate=items(limits.TAGS_MAX, limits.TOO_MANY_TAGS)
    )
    notes = fields.String(validate=at_most(limits.NOTES_MAX))
    nutrition = fields.Dict(
        keys=fields.String(validate=at_most(limits.NUTRIENT_NAME_MAX)),
        values=fields.String(validate=at_most(limits.NUTRIENT_VALUE_MAX)),
        validate=items(limits.NUTRIENTS_MAX, limits.TOO_MANY_NUTRIENTS),
        metadata={"description": 'Per serving, as text: {"calories": "320 kcal"}.'},
    )
    visibility = fields.String(
        validate=validate.OneOf(VISIBILITIES),
        metadata={
            "description": "`private`: only you; `household`: the members of your household; "
            "`public`: every signed-in user of this instance."
        },
    )

    @ma.pre_load
    def drop_read_only(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in READ_ONLY}
        return data


class RecipeCreate(RecipeWrite):
    title = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, error=limits.TITLE_MISSING),
            at_most(limits.TITLE_MAX),
            validate.Regexp(VISIBLE_TEXT, error=limits.TITLE_MISSING),
        ],
    )


class IngredientDetail(ma.Schema):
    """How one ingredient line reads (the line itself, `text`, stays the truth)."""

    text = fields.String(required=True, metadata={"description": "The line as written."})
    section = fields.Boolean(required=True, metadata={"description": "A section header (a line ending in `:`)."})
    quantity = fields.Float(required=True, allow_none=True, metadata={"description": "The amount (a range's low end)."})
    quantity_max = fields.Float(required=True, allow_none=True, metadata={"description": "A range's high end."})
    unit = fields.String(
        required=True, allow_none=True, metadata={"description": 'Canonical English unit name: "cup", "gram", ...'}
    )
    unit_text = fields.String(required=True, allow_none=True, metadata={"description": "The unit as written."})
    food = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True, metadata={"description": "Preparation and comments."})
    size = fields.String(required=True, allow_none=True, metadata={"description": 'A size: "large", "28-ounce".'})
    alt_quantity = fields.Float(
        required=True, allow_none=True, metadata={"description": 'The second measure of a pair ("150g/5oz": 5).'}
    )
    alt_unit = fields.String(required=True, allow_none=True)
    food_key = fields.String(
        required=True, allow_none=True, metadata={"description": "The normalised food name lines merge on."}
    )
    unsure = fields.Boolean(required=True, metadata={"description": "The reader was not sure of this line."})
    corrected = fields.Boolean(required=True, metadata={"description": "A person set this reading."})
    display = fields.String(
        required=True, metadata={"description": "The line as shown at the asked scale and unit system."}
    )
    approximate = fields.Boolean(
        required=True, metadata={"description": "The shown amount went through a density (volume <-> mass)."}
    )


class Scale(ma.Schema):
    factor = fields.Float(required=True)
    units = fields.String(required=True, validate=validate.OneOf(["original", "metric", "us"]))
    servings = fields.Float(required=True, allow_none=True, metadata={"description": "The servings shown, if known."})


class ScaleArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    servings = fields.Float(
        validate=validate.Range(min=0, min_inclusive=False, max=10_000),
        metadata={"description": "Show the recipe for this many servings (it must say its own)."},
    )
    scale = fields.Float(
        validate=validate.Range(min=0, min_inclusive=False, max=100),
        metadata={"description": "Multiply every amount by this (above 0, at most 100)."},
    )
    units = fields.String(
        validate=validate.OneOf(["original", "metric", "us"]),
        metadata={"description": "Show amounts as written, metric or US (default: the account's choice)."},
    )
    have = fields.String(
        validate=at_most(40),
        metadata={"description": 'Scale by what you have of one ingredient: "300 g" (with `line`).'},
    )
    line = fields.Integer(
        validate=validate.Range(min=0, max=limits.INGREDIENTS_MAX),
        metadata={"description": "The ingredient line (from 0) `have` is an amount of."},
    )


class CookedEntry(ma.Schema):
    """One time you cooked a recipe ("cooked it")."""

    date = fields.String(required=True, metadata={"format": "date"})
    note = fields.String(required=True)


class Recipe(ma.Schema):
    """A recipe as the API returns it and the export file keeps it (the dict itself is
    built by cookbook.objects.recipe_object; this documents it)."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    ingredients = fields.List(fields.String(), required=True)
    instructions = fields.List(fields.String(), required=True)
    servings = fields.String(required=True)
    prep_time = fields.Integer(required=True, allow_none=True)
    cook_time = fields.Integer(required=True, allow_none=True)
    total_time = fields.Integer(required=True, allow_none=True)
    source_url = fields.String(required=True)
    tags = fields.List(fields.String(), required=True)
    notes = fields.String(required=True)
    nutrition = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    image_url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The picture's path on this server (needs the same token), or null."},
    )
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES))
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})
    ingredient_details = fields.List(
        fields.Nested(IngredientDetail),
        required=True,
        metadata={"description": "One reading per `ingredients` line, same order, shown at the asked scale."},
    )
    servings_count = fields.Float(
        required=True, allow_none=True, metadata={"description": "The number read from `servings`, or null."}
    )
    scale = fields.Nested(Scale, metadata={"description": "Present when the recipe was asked scaled or converted."})
    scaled_instructions = fields.List(
        fields.String(),
        metadata={"description": "The steps with their amounts and temperatures as shown (with scale)."},
    )
    rating = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Your own stars (1 to 5), or null: not rated."}
    )
    rating_average = fields.Float(
        required=True,
        allow_none=True,
        metadata={
            "description": "The mean of the stars the members of your household (you too) gave it, "
            "to one decimal; null when none of them rated it."
        },
    )
    favourite = fields.Boolean(required=True, metadata={"description": "One of your favourites."})
    last_cooked = fields.String(
        required=True,
        allow_none=True,
        metadata={"format": "date", "description": "The latest day you logged cooking it, or null."},
    )
    times_cooked = fields.Integer(required=True, metadata={"description": "How many times you logged cooking it."})
    cooking_log = fields.List(
        fields.Nested(CookedEntry),
        metadata={"description": "In an export file only: every time you logged cooking it, the latest first."},
    )


class RatingWrite(Strict):
    stars = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=marks.STARS_MIN, max=marks.STARS_MAX, error=marks.STARS_RANGE),
    )


class CookedWrite(Strict):
    date = fields.Date(
        metadata={
            "description": f"The day you cooked it (default: today); from {marks.EARLIEST_DAY.isoformat()}, "
            f"at most {marks.DAYS_AHEAD} day past the server's today."
        }
    )
    note = fields.String(validate=at_most(marks.COOKED_NOTE_MAX), metadata={"description": "How it went."})


class ParseRequest(Strict):
    lines = fields.List(
        fields.String(validate=at_most(limits.INGREDIENT_MAX)),
        required=True,
        validate=items(PARSE_LINES_MAX, f"At most {PARSE_LINES_MAX} lines a request."),
    )


class ParseResult(ma.Schema):
    items = fields.List(fields.Nested(IngredientDetail), required=True)


AMOUNT = validate.Range(min=0, min_inclusive=False, max=MAX_AMOUNT)
LINE_TEXT = (
    "The line as you read it (`ingredients[line]`): if the recipe's line reads otherwise now, "
    "nothing changes and the answer is a 409 (`line_changed`)."
)


class JsonNumber(fields.Float):
    """A number sent as a JSON number: "2" (a string) is not one."""

    def _validated(self, value: Any) -> float:
        if isinstance(value, str):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class CorrectionWrite(Strict):
    """How a person reads one ingredient line. Fields not sent are none: the whole reading is set."""

    text = fields.String(required=True, validate=at_most(limits.INGREDIENT_MAX), metadata={"description": LINE_TEXT})
    quantity = JsonNumber(allow_none=True, validate=AMOUNT, metadata={"description": "The amount (a low end)."})
    quantity_max = JsonNumber(
        allow_none=True, validate=AMOUNT, metadata={"description": "A range's high end (more than `quantity`)."}
    )
    unit = fields.String(
        allow_none=True,
        validate=at_most(MAX_FIELD_CHARS),
        metadata={"description": 'A canonical unit name ("tablespoon") or a spelling of one ("Tbsp."); null: none.'},
    )
    size = fields.String(allow_none=True, validate=at_most(MAX_FIELD_CHARS), metadata={"description": '"large"'})
    food = fields.String(allow_none=True, validate=at_most(MAX_FIELD_CHARS))
    note = fields.String(allow_none=True, validate=at_most(MAX_FIELD_CHARS), metadata={"description": '"chopped"'})


class CorrectionDeleteArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    text = fields.String(
        validate=at_most(limits.INGREDIENT_MAX),
        metadata={"description": "Optional: " + LINE_TEXT[0].lower() + LINE_TEXT[1:]},
    )


class Suggestion(ma.Schema):
    q = fields.String(required=True, metadata={"description": "The search text with misspelled words corrected."})
    total = fields.Integer(required=True, metadata={"description": "How many recipes it finds, counted up to 200."})
    total_is_capped = fields.Boolean(required=True)


class RecipePage(ma.Schema):
    items = fields.List(fields.Nested(Recipe), required=True)
    total = fields.Integer(
        required=True, metadata={"description": "How many recipes match, counted up to 200 (see total_is_capped)."}
    )
    total_is_capped = fields.Boolean(required=True, metadata={"description": "More than `total` recipes match."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    has_next = fields.Boolean(required=True)
    suggestion = fields.Nested(
        Suggestion,
        required=True,
        allow_none=True,
        metadata={"description": "When few recipes match: a corrected `q` that finds more, or null."},
    )


class SearchArgs(ma.Schema):
    """The same search the recipe list page offers."""

    class Meta:
        unknown = ma.EXCLUDE  # a cache-busting parameter or a tracker's is harmless here

    q = fields.String(validate=validate.Length(max=500), metadata={"description": 'Words, "phrases", -excluded.'})
    tag = fields.List(
        fields.String(validate=validate.Length(max=limits.TAG_MAX)),
        validate=validate.Length(max=MAX_TAGS),
        metadata={"description": "Repeat for several tags."},
    )
    match = fields.String(validate=validate.OneOf(TAG_MODES), metadata={"description": "Any or all of the tags."})
    has = fields.String(validate=validate.Length(max=500), metadata={"description": "Ingredients it must have."})
    not_ = fields.String(
        data_key="not", validate=validate.Length(max=500), metadata={"description": "Ingredients it must not have."}
    )
    max_time = fields.Integer(validate=MINUTES, metadata={"description": "Ready in at most this many minutes."})
    scope = fields.String(
        validate=validate.OneOf(SCOPES),
        metadata={
            "description": "Whose recipes: `all` you may see, `mine`, your `household`'s (yours too), `public` ones."
        },
    )
    favourite = fields.Boolean(
        truthy=set(FAVOURITE_ON),
        falsy=set(FAVOURITE_OFF),
        metadata={"description": "`1`: only your favourites."},
    )
    min_rating = fields.Integer(
        validate=validate.Range(min=marks.STARS_MIN, max=marks.STARS_MAX),
        metadata={"description": "Only recipes you gave at least this many stars."},
    )
    not_cooked_days = fields.Integer(
        validate=validate.Range(min=1, max=marks.NOT_COOKED_DAYS_MAX),
        metadata={"description": "Only recipes you have not logged cooking in this many days (or never)."},
    )
    sort = fields.String(
        validate=validate.OneOf(SORTS),
        metadata={
            "description": "`rating`: your stars, most first, then the ones you have not rated; "
            "`last_cooked`: the latest you cooked first, then the ones you never logged. Each newest first "
            "within. Default: by relevance when there are words, else newest first."
        },
    )
    page = fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE), load_default=1)
    per_page = fields.Integer(validate=validate.Range(min=1, max=MAX_PER_PAGE), load_default=24)


class ImportRequest(Strict):
    url = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=limits.SOURCE_URL_MAX),
            validate.Regexp(WEB_ADDRESS, error="Only http:// and https:// addresses can be imported."),
        ],
    )
    again = fields.Boolean(
        load_default=False, metadata={"description": "Import it even if you already have a recipe from this page."}
    )


class ImageUpload(ma.Schema):
    image = Upload(required=True, metadata={"description": "A JPEG, PNG, WebP, AVIF or HEIC photo."})


class ImageArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    size = fields.String(validate=validate.OneOf(VARIANTS), load_default="full")


class TagCount(ma.Schema):
    name = fields.String(required=True)
    count = fields.Integer(required=True)


class TagList(ma.Schema):
    items = fields.List(fields.Nested(TagCount), required=True)


class HouseholdMember(ma.Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class HouseholdInfo(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    members = fields.List(
        fields.Nested(HouseholdMember),
        required=True,
        metadata={"description": "Admins first, then by name; you are one of them."},
    )


class Me(ma.Schema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    is_admin = fields.Boolean(required=True)


# --- the meal plan -----------------------------------------------------------------------------

PLAN_SERVINGS = validate.Range(
    min=plan_limits.SERVINGS_MIN, max=plan_limits.SERVINGS_MAX, error=plan_limits.SERVINGS_RANGE
)


def meal_field(required: bool = False) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(min=1, max=MEAL_NAME_MAX),
        metadata={
            "description": "One of the household's meals (unless it renamed them: breakfast, lunch, dinner, snack)."
        },
    )


PLAN_DAY = {
    "description": f"A day from {plan_limits.FIRST_DAY.isoformat()} to {plan_limits.YEARS_AHEAD} years from today."
}


class PlanArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE  # a cache-busting parameter is harmless here

    start = fields.Date(metadata={"description": "The first day; by default the first day of this week."})
    days = fields.Integer(
        validate=validate.Range(min=1, max=plan_limits.DAYS_MAX, error=plan_limits.DAYS_RANGE), load_default=7
    )


class PlanEntry(ma.Schema):
    """An entry of the household's plan, as you may read it."""

    id = fields.Integer(required=True)
    date = fields.Date(required=True)
    meal = fields.String(required=True)
    position = fields.Integer(required=True, metadata={"description": "Its place in its meal, from 0."})
    kind = fields.String(required=True, validate=validate.OneOf([PLAN_RECIPE, PLAN_NOTE]))
    recipe_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "The recipe, when it is one you may see."}
    )
    recipe_state = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(["visible", "hidden", "deleted"]),
        metadata={
            "description": "For a recipe: `visible` to you, `hidden` (someone's you may not see: the title says "
            "whose), or `deleted` (the title is the one it had, when the household could read it). Null for a note."
        },
    )
    title = fields.String(required=True)
    servings = fields.Integer(
        required=True, allow_none=True, metadata={"description": "For a recipe: null means as the recipe makes."}
    )
    note = fields.String(required=True)


class PlanPage(ma.Schema):
    items = fields.List(fields.Nested(PlanEntry), required=True)
    start = fields.Date(required=True)
    days = fields.Integer(required=True)


class PlanEntryCreate(Strict):
    """A recipe (`recipe_id`, and `servings` if not the recipe's own) or a note (`title`)."""

    date = fields.Date(required=True, metadata=PLAN_DAY)
    meal = meal_field(required=True)
    recipe_id = fields.Integer(strict=True, validate=validate.Range(min=1, max=2**31 - 1))
    title = fields.String(validate=at_most(plan_limits.PLAN_TITLE_MAX), metadata={"description": "A note's words."})
    servings = fields.Integer(strict=True, allow_none=True, validate=PLAN_SERVINGS)
    note = fields.String(validate=at_most(plan_limits.PLAN_NOTE_MAX), metadata={"description": "A remark."})


class PlanEntryChange(Strict):
    """What to change; what is not sent stays. A new `date` or `meal` puts it last there (or at `position`)."""

    date = fields.Date(metadata=PLAN_DAY)
    meal = meal_field()
    position = fields.Integer(strict=True, validate=validate.Range(min=0, max=plan_limits.ENTRIES_PER_MEAL_MAX))
    recipe_id = fields.Integer(
        strict=True,
        allow_none=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Another recipe; null makes it a note (send `title` too)."},
    )
    title = fields.String(validate=at_most(plan_limits.PLAN_TITLE_MAX), metadata={"description": "A note's words."})
    servings = fields.Integer(strict=True, allow_none=True, validate=PLAN_SERVINGS)
    note = fields.String(validate=at_most(plan_limits.PLAN_NOTE_MAX))


class PlanFeedCreated(ma.Schema):
    url = fields.String(
        required=True,
        metadata={"description": "The calendar's secret address (iCalendar, RFC 5545): shown this once."},
    )


class ErrorBody(ma.Schema):
    code = fields.String(required=True, metadata={"description": "Stable, for programs: `not_found`, `invalid`, ..."})
    message = fields.String(required=True, metadata={"description": "For people."})
    field = fields.String(metadata={"description": "The request field at fault, when there is one."})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Every field at fault, with its messages."},
    )
    recipe_id = fields.Integer(metadata={"description": "The recipe you already have from that page."})
    line = fields.Integer(metadata={"description": "The ingredient line (from 0) that changed (`line_changed`)."})


class Error(ma.Schema):
    error = fields.Nested(ErrorBody, required=True)
