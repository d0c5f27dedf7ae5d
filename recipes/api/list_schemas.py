"""The API's shapes for shopping lists (api/lists.py): they validate requests and make the
OpenAPI document. The limits are shopping.limits, which the pages and the services use too."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from ..planner import limits as plan_limits
from ..shopping import limits
from ..shopping.aisles import AISLES
from ..web import MAX_ID
from .schemas import VISIBLE_TEXT, Strict, at_most

OP_ID = fields.UUID(
    metadata={
        "description": "Name this change (a UUID of your making): the same op_id sent again changes nothing, "
        "so a queue of changes made offline can be sent twice."
    }
)


class StrictBoolean(fields.Boolean):
    """JSON's true or false, and nothing else (marshmallow would take 0, 1, "yes", "on")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _text(required: bool, missing: str, most: int) -> fields.String:
    return fields.String(
        required=required,
        validate=[
            validate.Length(min=1, error=missing),
            at_most(most),
            validate.Regexp(VISIBLE_TEXT, error=missing),
        ],
    )


class ListSummary(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Grows by one with every change to the list."})


class ListIndex(ma.Schema):
    items = fields.List(fields.Nested(ListSummary), required=True)


class ItemSource(ma.Schema):
    recipe_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null once the recipe is deleted."}
    )
    title = fields.String(required=True)
    servings = fields.Float(
        required=True, allow_none=True, metadata={"description": "null: as written (the recipe says no servings)."}
    )


class ListItem(ma.Schema):
    id = fields.Integer(required=True)
    text = fields.String(required=True, metadata={"description": 'The row as shown: "3 onions", "1.2 kg flour".'})
    quantity = fields.Float(
        required=True, allow_none=True, metadata={"description": "The amount, when the row's amount is in one unit."}
    )
    quantity_max = fields.Float(required=True, allow_none=True, metadata={"description": "A range's high end."})
    unit = fields.String(
        required=True, allow_none=True, metadata={"description": 'Canonical unit name: "cup", "gram".'}
    )
    approximate = fields.Boolean(
        required=True, metadata={"description": "Volume and weight joined through the food's density."}
    )
    food = fields.String(required=True, allow_none=True)
    aisle = fields.String(required=True, validate=validate.OneOf(list(AISLES)))
    checked = fields.Boolean(required=True)
    by_hand = fields.Boolean(required=True, metadata={"description": "Written by hand: no recipe's share."})
    sources = fields.List(
        fields.Nested(ItemSource),
        required=True,
        metadata={"description": "The recipes (at their servings) the row is for; empty for a row by hand."},
    )


class Aisle(ma.Schema):
    id = fields.String(required=True, validate=validate.OneOf(list(AISLES)))
    name = fields.String(required=True)


class ShoppingList(ListSummary):
    aisles = fields.List(fields.Nested(Aisle), required=True, metadata={"description": "The household's order."})
    recipes = fields.List(fields.Nested(ItemSource), required=True, metadata={"description": "Recipes added."})
    items = fields.List(
        fields.Nested(ListItem),
        required=True,
        metadata={"description": "Unchecked rows in aisle order, then the checked ones (last checked first)."},
    )


class ListCreate(Strict):
    name = _text(True, limits.LIST_NAME_MISSING, limits.LIST_NAME_MAX)


class ListUpdate(Strict):
    name = _text(True, limits.LIST_NAME_MISSING, limits.LIST_NAME_MAX)
    op_id = OP_ID


class AddRecipe(Strict):
    recipe_id = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_ID))
    servings = fields.Float(
        validate=validate.Range(min=0, min_inclusive=False, max=limits.SERVINGS_MAX, error=limits.SERVINGS_RANGE),
        metadata={"description": "Default: as the recipe makes it. At most 100 times its own servings."},
    )
    include_staples = StrictBoolean(
        load_default=False,
        metadata={"description": "Add the household's pantry staples (salt, oil, ...) too."},
    )
    op_id = OP_ID


class AddPlan(Strict):
    start = fields.Date(required=True, metadata={"description": "The first day (YYYY-MM-DD)."})
    days = fields.Integer(
        strict=True,
        load_default=7,
        validate=validate.Range(min=1, max=plan_limits.DAYS_MAX, error=plan_limits.DAYS_RANGE),
        metadata={"description": "How many days from `start` (default 7)."},
    )
    include_staples = StrictBoolean(
        load_default=False,
        metadata={"description": "Add the household's pantry staples (salt, oil, ...) too."},
    )
    op_id = OP_ID


class FromPlan(ma.Schema):
    start = fields.Date(required=True)
    days = fields.Integer(required=True)
    added = fields.Integer(
        required=True,
        metadata={"description": "Planned recipes added (0 when the same op_id was sent before)."},
    )
    left_out = fields.Integer(
        required=True,
        metadata={"description": "Planned recipes you may not see: not added, and not named."},
    )


class ShoppingListFromPlan(ShoppingList):
    from_plan = fields.Nested(FromPlan, required=True, metadata={"description": "What the plan added."})


class ItemCreate(Strict):
    text = _text(True, limits.ITEM_TEXT_MISSING, limits.ITEM_TEXT_MAX)
    op_id = OP_ID


class ItemUpdate(Strict):
    checked = StrictBoolean()
    text = _text(False, limits.ITEM_TEXT_MISSING, limits.ITEM_TEXT_MAX)
    aisle = fields.String(validate=validate.OneOf(list(AISLES)))
    op_id = OP_ID

    @ma.validates_schema
    def something_to_change(self, data: dict[str, Any], **_: Any) -> None:
        if not {"checked", "text", "aisle"} & data.keys():
            raise ma.ValidationError("Send checked, text or aisle.")


class OpArgs(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    op_id = OP_ID


class ClearRequest(Strict):
    op_id = OP_ID
