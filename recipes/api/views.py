"""The JSON API, `/api/v1`: thin views over the same services the pages and the CLI use.

Every request is authenticated first (api.auth); every answer is a recipe object, a page
of them, or an error object. The decorators' schemas validate requests and are also what
the OpenAPI document is made from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Request, Response, current_app, jsonify, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import bindparam, select
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from ..cookbook import limits, readings, services
from ..cookbook.objects import RECIPE_ROW_COLUMNS, RecipeFields, RecipeRow, TagName, recipe_object
from ..cookbook.services import RecipeData
from ..extensions import csrf, db
from ..households import services as households
from ..images import store
from ..images.processing import ImageRejected
from ..images.responses import picture_response
from ..images.sandboxed import checked_upload
from ..importing.pages.service import ImportPolicy, outcome_of
from ..ingredients.corrections import CORRECTION_FIELDS, Correction, CorrectionInvalid, LineChanged
from ..ingredients.presenting import ShownRecipe, as_written, scaling_from, shown_readings
from ..ingredients.recipe_lines import loaded, read_line
from ..ingredients.scaling import ScaleError
from ..ingredients.units import UnitError
from ..models import Recipe
from ..ratings import services as marking
from ..ratings.marks import NO_MARKS, Marks, marks_for, marks_of
from ..search.service import SearchRequest, Suggestion, search, tag_counts
from ..text_cleaning import clean_text
from ..web import MAX_ID
from . import schemas
from .auth import api_user, authenticate
from .errors import ApiError, error_response, from_http_exception, invalid


class ArgumentsParser(FlaskParser):
    """webargs' parser, refusing as invalid JSON (a 400, like any other unreadable body) what
    Python's JSON reader fails on in other ways: nesting deeper than it goes (`[[[[...`, a
    RecursionError) and numbers of over 4300 digits (a ValueError). Both were 500s."""

    def _raw_load_json(self, req: Request) -> Any:
        try:
            return super()._raw_load_json(req)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise  # webargs' own handling
        except (RecursionError, ValueError):
            raise json.JSONDecodeError("JSON too deeply nested, or a number too long", "?", 0) from None


bp = Blueprint("api", __name__, url_prefix="/api/v1", description="Recipes, their pictures, tags and imports.")
bp.ARGUMENTS_PARSER = ArgumentsParser()  # before the views below use it
csrf.exempt(bp)  # token requests need none; cookie requests are checked in api.auth
bp.before_request(authenticate)
bp.register_error_handler(ApiError, error_response)
bp.register_error_handler(HTTPException, lambda error: error_response(from_http_exception(error)))

RECIPE = f"/recipes/<int(max={MAX_ID}):recipe_id>"


def image_url(recipe: RecipeFields) -> str | None:
    if not recipe.image_digest:
        return None
    # Relative, like every link the API gives: a Host header cannot reach it.
    return url_for("api.recipe_image", recipe_id=recipe.id, v=recipe.image_digest[:16])


def recipe_json(recipe: RecipeFields, view: ShownRecipe | None = None, marks: Marks | None = None) -> dict[str, Any]:
    """The recipe object, with the token's owner's marks (read here unless given)."""
    if marks is None:
        marks = marks_of(api_user(), recipe.id)
    return recipe_object(recipe, image_url(recipe), view, marks)


def _created(recipe: Recipe) -> tuple[dict[str, Any], int, dict[str, str]]:
    # A new recipe: nobody has marked it yet.
    return recipe_json(recipe, marks=NO_MARKS), 201, {"Location": url_for("api.recipe", recipe_id=recipe.id)}


def _data(payload: dict[str, Any], base: RecipeData) -> RecipeData:
    """`base` with the fields the client sent."""
    for name, value in payload.items():
        setattr(base, name, value)
    return base


def _require_json() -> None:
    """A body-less PATCH would otherwise read as "change nothing" and succeed."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send a JSON body, with Content-Type: application/json.")


# Gunicorn's refusal of a request line past its limit, before the app sees it.
URL_TOO_LONG: dict[str, Any] = {
    "description": "The URL is longer than the server takes (8190 bytes): Gunicorn's own answer, in HTML.",
    "content_type": "text/html",
    "schema": {"type": "string"},
}

# Where a new recipe's id leads: for clients (and test generators) that follow OpenAPI links.
RECIPE_LINKS = {
    name: {"operationId": operation, "parameters": {"recipe_id": "$response.body#/id"}}
    for name, operation in [
        ("GetRecipe", "getRecipe"),
        ("UpdateRecipe", "updateRecipe"),
        ("DeleteRecipe", "deleteRecipe"),
        ("PutRecipeImage", "putRecipeImage"),
        ("GetRecipeImage", "getRecipeImage"),
        ("DeleteRecipeImage", "deleteRecipeImage"),
        ("CorrectIngredient", "correctIngredient"),
        ("DeleteIngredientCorrection", "deleteIngredientCorrection"),
        ("PutRecipeRating", "putRecipeRating"),
        ("DeleteRecipeRating", "deleteRecipeRating"),
        ("PutRecipeFavourite", "putRecipeFavourite"),
        ("DeleteRecipeFavourite", "deleteRecipeFavourite"),
        ("LogRecipeCooked", "logRecipeCooked"),
    ]
}


@contextmanager
def _service_errors() -> Iterator[None]:
    """The cookbook's domain errors as API errors."""
    try:
        yield
    except services.RecipeNotFound:
        raise ApiError(404, "not_found", "No such recipe.") from None
    except services.RecipeInvalid as exc:
        raise invalid(exc.field, exc.message) from None


@bp.get("/recipes")
# An instance, made once: given the class, webargs makes one on every request (0.08 ms of the list's).
@bp.arguments(schemas.SearchArgs(), location="query", as_kwargs=False)
@bp.response(200, schemas.RecipePage)
@bp.alt_response(414, **URL_TOO_LONG)
@bp.doc(operationId="listRecipes")
def recipes(args: dict[str, Any]) -> Response:
    """Search and list the recipes you can see: yours, your household's, and public ones."""
    # The schema has checked the parameters (a 422 otherwise); the page's own parser reads
    # them, so the API and the list page cannot read one differently.
    user = api_user()
    found = search(user, SearchRequest.from_args(request.args), snippets=False)
    cards = {card.id: card for card in found.items}
    # The page's recipes as plain rows (no ORM objects), their tags from the cards.
    rows = db.session.connection().execute(_PAGE_RECIPES, {"ids": list(cards)})
    by_id = {row[0]: RecipeRow([TagName(tag) for tag in cards[row[0]].tags], *row) for row in rows}
    marks = marks_for(user, list(cards))
    # Sent as built, not dumped through the schema again (that doubled the view's time): the
    # objects come from recipe_object, whose shape the document's schema describes and the
    # schemathesis test checks.
    return jsonify(
        items=[recipe_json(by_id[i], marks=marks.get(i, NO_MARKS)) for i in cards if i in by_id],
        total=found.total,
        total_is_capped=found.total_is_capped,
        page=found.page,
        per_page=found.request.per_page,
        has_next=found.has_next,
        suggestion=_suggestion_json(found.suggestion),
    )


_PAGE_RECIPES = select(*RECIPE_ROW_COLUMNS).where(Recipe.id.in_(bindparam("ids", expanding=True)))


def _suggestion_json(suggestion: Suggestion | None) -> dict[str, Any] | None:
    if suggestion is None:
        return None
    return {"q": suggestion.q, "total": suggestion.total, "total_is_capped": suggestion.total_is_capped}


@bp.post("/recipes")
@bp.doc(responses={201: {"links": RECIPE_LINKS}})
@bp.arguments(schemas.RecipeCreate)
@bp.response(201, schemas.Recipe, headers={"Location": {"description": "The new recipe", "schema": {"type": "string"}}})
@bp.doc(operationId="createRecipe")
def create_recipe(payload: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Add a recipe."""
    with _service_errors():
        recipe = services.create_recipe(api_user(), _data(payload, RecipeData(title="")))
    return _created(recipe)


@bp.get(RECIPE)
@bp.arguments(schemas.ScaleArgs, location="query", as_kwargs=False)
@bp.response(200, schemas.Recipe)
@bp.doc(operationId="getRecipe")
def recipe(args: dict[str, Any], recipe_id: int) -> dict[str, Any]:
    """One recipe: yours, one your household shares, or a public one. With `servings`, `scale`
    (or `have` and `line`) and `units`, its `ingredient_details` (and `scaled_instructions`) are
    scaled and converted; `ingredients` and `instructions` stay as written."""
    user = api_user()
    with _service_errors():
        found = services.get_visible_recipe(user, recipe_id)
    if not args:
        return recipe_json(found)
    try:
        # The schema has checked each parameter; the page's own reader reads them, so the page
        # and the API cannot read one differently. What is only known by trying (a recipe that
        # does not say its servings, a `have` that is not an amount) is a 422.
        readings = loaded(found.ingredients, found.ingredient_details)
        scaling = scaling_from(request.args, found.servings, readings, user.unit_system)
    except (ScaleError, UnitError) as exc:
        raise ApiError(422, "bad_scale", str(exc)) from None
    return recipe_json(found, shown_readings(readings, found.instructions, scaling))


@bp.post("/ingredients/parse")
@bp.arguments(schemas.ParseRequest)
@bp.response(200, schemas.ParseResult)
@bp.doc(operationId="parseIngredients")
def parse_ingredients(payload: dict[str, Any]) -> dict[str, Any]:
    """How ingredient lines read: amount (and a range's high end), unit, food, notes, one detail
    a line in order. Nothing is stored."""
    return {"items": [as_written(read_line(clean_text(line))) for line in payload["lines"]]}


@bp.patch(RECIPE)
@bp.arguments(schemas.RecipeWrite)
@bp.response(200, schemas.Recipe)
@bp.doc(operationId="updateRecipe")
def update_recipe(payload: dict[str, Any], recipe_id: int) -> dict[str, Any]:
    """Change some fields of one of your recipes; the ones not sent stay as they are."""
    _require_json()
    user = api_user()
    with _service_errors():
        current = services.data_of(services.get_own_recipe(user, recipe_id))
        return recipe_json(services.update_recipe(user, recipe_id, _data(payload, current)))


CORRECTION = RECIPE + f"/ingredients/<int(max={limits.INGREDIENTS_MAX}):line>/correction"
LINE_CHANGED = "The line is no longer the one you read: nothing changed."


@contextmanager
def _correction_errors(text: str | None) -> Iterator[None]:
    with _service_errors():
        try:
            yield
        except LineChanged as exc:
            if exc.now is None and text is None:
                raise ApiError(404, "not_found", f"The recipe has no ingredient line {exc.index}.") from None
            raise ApiError(409, "line_changed", exc.message, line=exc.index) from None
        except CorrectionInvalid as exc:
            raise invalid(exc.field, exc.message) from None


# One rule for both methods: werkzeug answers a path whose number is past its converter's bound
# with a 405 (not a 404) when another rule of that path has other methods.
@bp.route(CORRECTION)
class IngredientCorrection(MethodView):
    @bp.arguments(schemas.CorrectionWrite)
    @bp.response(200, schemas.Recipe)
    @bp.alt_response(409, schema=schemas.Error, description=LINE_CHANGED)
    @bp.doc(operationId="correctIngredient")
    def put(self, payload: dict[str, Any], recipe_id: int, line: int) -> dict[str, Any]:
        """Correct how an ingredient line of one of your recipes is read.

        Line `line` (from 0) is read as you say: its amount (and a range's high end), unit, size,
        food and note. The correction is kept (`corrected` in its detail) for as long as the line's
        text stays the same: editing the line drops it. `text` must be the line as it is now (a 409
        otherwise)."""
        _require_json()
        correction = Correction(**{name: payload.get(name) for name in CORRECTION_FIELDS})
        with _correction_errors(payload["text"]):
            recipe = readings.correct_reading(api_user(), recipe_id, line, payload["text"], correction)
        return recipe_json(recipe)

    @bp.arguments(schemas.CorrectionDeleteArgs, location="query", as_kwargs=False)
    @bp.response(200, schemas.Recipe)
    @bp.alt_response(409, schema=schemas.Error, description=LINE_CHANGED)
    @bp.alt_response(414, **URL_TOO_LONG)
    @bp.doc(operationId="deleteIngredientCorrection")
    def delete(self, args: dict[str, Any], recipe_id: int, line: int) -> dict[str, Any]:
        """Drop your correction of an ingredient line: the parser reads it again.

        With `text`, only while line `line` (from 0) still reads so (a 409 otherwise)."""
        text = args.get("text")
        with _correction_errors(text):
            recipe = readings.restore_reading(api_user(), recipe_id, line, text)
        return recipe_json(recipe)


@contextmanager
def _marking_errors() -> Iterator[None]:
    """The marks' domain errors as API errors."""
    try:
        yield
    except marking.RecipeNotFound:
        raise ApiError(404, "not_found", "No such recipe.") from None
    except marking.MarkInvalid as exc:
        raise invalid(exc.field, exc.message) from None


# One rule for both methods of each (see IngredientCorrection).
@bp.route(RECIPE + "/rating")
class RecipeRating(MethodView):
    @bp.arguments(schemas.RatingWrite)
    @bp.response(200, schemas.Recipe)
    @bp.doc(operationId="putRecipeRating")
    def put(self, payload: dict[str, Any], recipe_id: int) -> dict[str, Any]:
        """Rate a recipe you can see (yours, your household's, a public one): 1 to 5 stars, your own
        rating (it replaces the one you gave before). The recipe object comes back with it."""
        with _marking_errors():
            marking.rate(api_user(), recipe_id, payload["stars"])
        return _marked_recipe(recipe_id)

    @bp.response(204)
    @bp.doc(operationId="deleteRecipeRating")
    def delete(self, recipe_id: int) -> tuple[str, int]:
        """Take your rating of a recipe back (done even if you had not rated it)."""
        with _marking_errors():
            marking.unrate(api_user(), recipe_id)
        return "", 204


@bp.route(RECIPE + "/favourite")
class RecipeFavourite(MethodView):
    @bp.response(200, schemas.Recipe)
    @bp.doc(operationId="putRecipeFavourite")
    def put(self, recipe_id: int) -> dict[str, Any]:
        """Make a recipe you can see one of your favourites (no body; twice is the same as once)."""
        with _marking_errors():
            marking.set_favourite(api_user(), recipe_id, True)
        return _marked_recipe(recipe_id)

    @bp.response(204)
    @bp.doc(operationId="deleteRecipeFavourite")
    def delete(self, recipe_id: int) -> tuple[str, int]:
        """Take a recipe off your favourites."""
        with _marking_errors():
            marking.set_favourite(api_user(), recipe_id, False)
        return "", 204


@bp.post(RECIPE + "/cooked")
@bp.arguments(schemas.CookedWrite, required=False)  # no body: cooked today, without a note
@bp.response(200, schemas.Recipe)
@bp.doc(operationId="logRecipeCooked")
def log_cooked(payload: dict[str, Any], recipe_id: int) -> dict[str, Any]:
    """ "Cooked it": log that you cooked a recipe you can see, on `date` (default: today), with an
    optional `note`. The recipe object comes back with its `last_cooked` and `times_cooked`."""
    with _marking_errors():
        marking.log_cooked(api_user(), recipe_id, payload.get("date"), payload.get("note"))
    return _marked_recipe(recipe_id)


def _marked_recipe(recipe_id: int) -> dict[str, Any]:
    with _service_errors():
        return recipe_json(services.get_visible_recipe(api_user(), recipe_id))


@bp.delete(RECIPE)
@bp.response(204)
@bp.doc(operationId="deleteRecipe")
def delete_recipe(recipe_id: int) -> tuple[str, int]:
    """Delete one of your recipes, and its picture."""
    with _service_errors():
        services.delete_recipe(api_user(), recipe_id)
    return "", 204


@bp.post("/recipes/import")
@bp.arguments(schemas.ImportRequest)
@bp.response(201, schemas.Recipe)
@bp.doc(operationId="importRecipe")
def import_recipe(payload: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Import a recipe from a web page's address (counted against your import limit).

    Already have a recipe from that page? A 409 names it (`recipe_id`), unless `again` is true."""
    policy = ImportPolicy.from_config(current_app.config)
    outcome = outcome_of(api_user(), payload["url"], policy, again=payload["again"])
    if outcome.status == "imported" and outcome.recipe is not None:
        return _created(outcome.recipe)
    if outcome.status == "exists" and outcome.recipe is not None:
        where = url_for("api.recipe", recipe_id=outcome.recipe.id)
        raise ApiError(
            409, outcome.error_code, outcome.message, recipe_id=outcome.recipe.id, headers={"Location": where}
        )
    if outcome.code == "bad_url":
        raise invalid("url", outcome.message)
    raise ApiError(outcome.http_status, outcome.error_code, outcome.message, headers=outcome.headers)


@bp.get(RECIPE + "/image")
@bp.arguments(schemas.ImageArgs, location="query", as_kwargs=False)
@bp.response(200, content_type="image/webp", description="The picture: `full` (up to 1600 px) or `thumb`.")
@bp.doc(operationId="getRecipeImage")
def recipe_image(args: dict[str, Any], recipe_id: int) -> Response:
    """A recipe's picture."""
    try:
        found = store.current_picture(api_user(), recipe_id, args["size"])
    except store.PictureNotFound:
        # No such recipe, not one you may see, or no picture: one answer for all three.
        raise ApiError(404, "not_found", "No such recipe, or it has no picture.") from None
    return picture_response(found)


@bp.put(RECIPE + "/image")
@bp.arguments(schemas.ImageUpload, location="files")
@bp.response(200, schemas.Recipe)
@bp.doc(operationId="putRecipeImage")
def put_recipe_image(files: dict[str, Any], recipe_id: int) -> dict[str, Any]:
    """Give one of your recipes a picture (sent as multipart/form-data, field `image`)."""
    user = api_user()
    with _service_errors():
        services.get_own_recipe(user, recipe_id)  # someone else's recipe: 404 before any decoding
    try:
        picture = checked_upload(files["image"])
    except ImageRejected as exc:
        raise ApiError(422, exc.code, exc.message, field="image", fields={"image": [exc.message]}) from None
    with _service_errors():
        return recipe_json(services.set_picture(user, recipe_id, picture))


@bp.delete(RECIPE + "/image")
@bp.response(204)
@bp.doc(operationId="deleteRecipeImage")
def delete_recipe_image(recipe_id: int) -> tuple[str, int]:
    """Remove a recipe's picture."""
    with _service_errors():
        services.set_picture(api_user(), recipe_id, None)
    return "", 204


@bp.get("/tags")
@bp.response(200, schemas.TagList)
@bp.doc(operationId="listTags")
def tags() -> dict[str, Any]:
    """The tags on the recipes you can see, with how many recipes have each."""
    return {"items": [{"name": name, "count": n} for name, n in tag_counts(api_user(), limit=1000)]}


@bp.get("/household")
@bp.response(200, schemas.HouseholdInfo)
@bp.doc(operationId="getHousehold")
def household() -> dict[str, Any]:
    """Your household: its name and its members with their roles (`admin` or `member`)."""
    user = api_user()
    found = households.household_of(user)
    members = [{"username": m.username, "role": m.household_role} for m in households.members_of(found.id)]
    return {"id": found.id, "name": found.name, "members": members}


@bp.get("/me")
@bp.response(200, schemas.Me)
@bp.doc(operationId="getMe")
def me() -> dict[str, Any]:
    """Who the token belongs to: a cheap way to check one."""
    user = api_user()
    return {"id": user.id, "username": user.username, "is_admin": user.is_admin}
