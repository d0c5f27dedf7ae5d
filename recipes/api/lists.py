"""The JSON API of shopping lists (`/api/v1/lists`): thin views over shopping.services, on the API's
blueprint (its authentication, rate limit and error shape). Every change takes an optional
`op_id`: the same op_id twice changes nothing. `GET /lists/<id>` answers `If-None-Match` with its
list's version: 304 when nothing changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response, after_this_request, request, url_for
from sqlalchemy import select

from ..extensions import db
from ..models import Recipe
from ..shopping import from_plan, objects, services
from ..web import MAX_ID
from . import list_schemas as schemas
from .auth import api_user
from .errors import ApiError, invalid
from .views import bp

LIST = f"/lists/<int(max={MAX_ID}):list_id>"
ITEM = f"{LIST}/items/<int(max={MAX_ID}):item_id>"

LIST_LINKS = {
    name: {"operationId": operation, "parameters": {"list_id": "$response.body#/id"}}
    for name, operation in [
        ("GetList", "getList"),
        ("UpdateList", "updateList"),
        ("DeleteList", "deleteList"),
        ("AddListItem", "addListItem"),
        ("AddPlanToList", "addPlanToList"),
        ("ClearCheckedItems", "clearCheckedItems"),
    ]
}
ITEM_LINKS = {
    name: {
        "operationId": operation,
        "parameters": {"list_id": "$request.path.list_id", "item_id": "$response.body#/id"},
    }
    for name, operation in [("UpdateListItem", "updateListItem"), ("DeleteListItem", "deleteListItem")]
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the list as you have it: 304 while it is unchanged.",
}


@contextmanager
def _errors() -> Iterator[None]:
    """The shopping services' domain errors as API errors."""
    try:
        yield
    except services.ListNotFound:
        raise ApiError(404, "not_found", "No such list.") from None
    except services.ItemNotFound:
        raise ApiError(404, "not_found", "No such item on this list.") from None
    except services.RecipeNotFound:
        # A recipe named in the body (the list in the address exists): bad input, as for the plan.
        raise invalid("recipe_id", "No such recipe.") from None
    except services.RecipeNotOnList:
        raise ApiError(404, "not_found", "That recipe is not on this list.") from None
    except services.ShoppingInvalid as exc:
        raise invalid(exc.field, exc.message) from None


def _op(payload: dict[str, Any]) -> str | None:
    value = payload.get("op_id")
    return str(value) if isinstance(value, uuid.UUID) else None


def _list_json(list_id: int) -> dict[str, Any]:
    found = services.contents(services.get_list(api_user(), list_id))
    return objects.list_object(found, services.sources_by_item(list_id))


def _item_json(list_id: int, item_id: int) -> dict[str, Any]:
    item = services.find_item(api_user(), list_id, item_id)
    return objects.item_object(item, services.sources_by_item(list_id, item.id).get(item.id, []))


@bp.get("/lists")
@bp.response(200, schemas.ListIndex)
@bp.doc(operationId="listLists")
def shopping_lists() -> dict[str, Any]:
    """Your household's shopping lists, by name, each with its version."""
    return {"items": [objects.list_summary(found) for found in services.lists_of(api_user())]}


@bp.post("/lists")
@bp.arguments(schemas.ListCreate)
@bp.response(
    201, schemas.ShoppingList, headers={"Location": {"description": "The new list", "schema": {"type": "string"}}}
)
@bp.doc(operationId="createList", responses={201: {"links": LIST_LINKS}})
def create_shopping_list(payload: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Make a list for your household."""
    with _errors():
        made = services.create_list(api_user(), payload["name"])
        return _list_json(made.id), 201, {"Location": url_for("api.shopping_list", list_id=made.id)}


@bp.get(LIST)
@bp.response(200, schemas.ShoppingList)
@bp.alt_response(304, description="Unchanged since the ETag sent in If-None-Match.")
@bp.doc(operationId="getList", parameters=[IF_NONE_MATCH])
def shopping_list(list_id: int) -> Response | dict[str, Any]:
    """One list: its rows (unchecked by aisle, in the household's order; checked ones last), the
    recipes added to it, and its version, which is also its ETag."""
    with _errors():
        tag = objects.etag(list_id, services.list_version(api_user(), list_id))
        if request.if_none_match.contains(tag):
            response = Response(status=304)
            response.set_etag(tag)
            return response
        return _with_etag(_list_json(list_id))


def _with_etag(body: dict[str, Any]) -> dict[str, Any]:
    """The list object, its ETag set on the response the schema makes of it."""
    tag = objects.etag(body["id"], body["version"])

    @after_this_request
    def set_etag(response: Response) -> Response:
        if response.status_code == 200:
            response.set_etag(tag)
        return response

    return body


@bp.patch(LIST)
@bp.arguments(schemas.ListUpdate)
@bp.response(200, schemas.ShoppingList)
@bp.doc(operationId="updateList")
def update_shopping_list(payload: dict[str, Any], list_id: int) -> dict[str, Any]:
    """Rename a list."""
    with _errors():
        services.rename_list(api_user(), list_id, payload["name"])
        return _with_etag(_list_json(list_id))


@bp.delete(LIST)
@bp.response(204)
@bp.doc(operationId="deleteList")
def delete_shopping_list(list_id: int) -> tuple[str, int]:
    """Delete a list, its rows and its share links, for everyone in the household."""
    with _errors():
        services.delete_list(api_user(), list_id)
    return "", 204


@bp.post(f"{LIST}/recipes")
@bp.arguments(schemas.AddRecipe)
@bp.response(200, schemas.ShoppingList)
@bp.doc(operationId="addRecipeToList")
def add_recipe_to_list(payload: dict[str, Any], list_id: int) -> dict[str, Any]:
    """Add a recipe you can see, at `servings`: each ingredient joins the row of its food (200 g
    and 1 kg flour are one row, 1.2 kg), or makes a new one. The household's pantry staples are
    left out unless `include_staples`."""
    user = api_user()
    with _errors():
        services.get_list(user, list_id)
        recipe = db.session.scalar(select(Recipe).where(Recipe.id == payload["recipe_id"]))
        if recipe is None:
            raise services.RecipeNotFound(payload["recipe_id"])
        picks = [services.Pick(recipe, payload.get("servings"))]
        services.add_recipes(user, list_id, picks, include_staples=payload["include_staples"], op_id=_op(payload))
        return _with_etag(_list_json(list_id))


@bp.post(f"{LIST}/plan")
@bp.arguments(schemas.AddPlan)
@bp.response(200, schemas.ShoppingListFromPlan)
@bp.doc(operationId="addPlanToList")
def add_plan_to_list(payload: dict[str, Any], list_id: int) -> dict[str, Any]:
    """Add every recipe your household planned from `start` for `days` days, each at its planned
    servings, merged into the rows as addRecipeToList does, in one go. Recipes planned by others
    that you may not see are left out (`from_plan.left_out` counts them). Nothing planned on those
    days is a 422."""
    with _errors():
        done = from_plan.add_plan(
            api_user(),
            list_id,
            payload["start"],
            payload["days"],
            include_staples=payload["include_staples"],
            op_id=_op(payload),
        )
        body = _list_json(list_id)
    body["from_plan"] = {
        "start": done.start,
        "days": done.days,
        "added": done.recipes,
        "left_out": done.left_out,
    }
    return _with_etag(body)


@bp.delete(f"{LIST}/recipes/<int(max={MAX_ID}):recipe_id>")
@bp.arguments(schemas.OpArgs, location="query", as_kwargs=False)
@bp.response(204)
@bp.doc(operationId="removeRecipeFromList")
def remove_recipe_from_list(args: dict[str, Any], list_id: int, recipe_id: int) -> tuple[str, int]:
    """Take a recipe's share back out of the list: exactly what it added (each time it was added);
    a row nothing else needs goes."""
    with _errors():
        services.remove_recipe(api_user(), list_id, recipe_id, op_id=_op(args))
    return "", 204


@bp.post(f"{LIST}/items")
@bp.arguments(schemas.ItemCreate)
@bp.response(201, schemas.ListItem)
@bp.doc(operationId="addListItem", responses={201: {"links": ITEM_LINKS}})
def add_list_item(payload: dict[str, Any], list_id: int) -> tuple[dict[str, Any], int]:
    """Add a row as you would write an ingredient ("2 kg potatoes", "milk"): it joins the unchecked
    row of that food if there is one. Sent again with the same op_id: the row it made."""
    with _errors():
        item = services.add_item(api_user(), list_id, payload["text"], op_id=_op(payload))
        return _item_json(list_id, item.id), 201


@bp.patch(ITEM)
@bp.arguments(schemas.ItemUpdate)
@bp.response(200, schemas.ListItem)
@bp.doc(operationId="updateListItem")
def update_list_item(payload: dict[str, Any], list_id: int, item_id: int) -> dict[str, Any]:
    """Change the fields sent, and only those: `checked`, `text` (the row becomes yours, no
    recipe's share), `aisle` (your household will find that food there next time too)."""
    with _errors():
        services.update_item(
            api_user(),
            list_id,
            item_id,
            checked=payload.get("checked"),
            text=payload.get("text"),
            aisle=payload.get("aisle"),
            op_id=_op(payload),
        )
        return _item_json(list_id, item_id)


@bp.delete(ITEM)
@bp.arguments(schemas.OpArgs, location="query", as_kwargs=False)
@bp.response(204)
@bp.doc(operationId="deleteListItem")
def delete_list_item(args: dict[str, Any], list_id: int, item_id: int) -> tuple[str, int]:
    """Take a row off the list."""
    with _errors():
        services.delete_item(api_user(), list_id, item_id, op_id=_op(args))
    return "", 204


@bp.post(f"{LIST}/clear")
@bp.arguments(schemas.ClearRequest, required=False)
@bp.response(200, schemas.ShoppingList)
@bp.doc(operationId="clearCheckedItems")
def clear_checked_items(payload: dict[str, Any], list_id: int) -> dict[str, Any]:
    """Take every checked row off the list."""
    with _errors():
        services.clear_checked(api_user(), list_id, op_id=_op(payload))
        return _with_etag(_list_json(list_id))
