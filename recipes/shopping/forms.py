from __future__ import annotations

import os

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..kept_pages import Hole, fresh
from ..planner import limits as plan_limits
from ..web import Form
from . import limits
from .aisles import AISLES

# A random UUID's variant digit (10xx in binary), from any hex digit.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _op_id() -> str:
    """A random UUID (version 4, 122 random bits), as str(uuid.uuid4()) writes it, at half the cost:
    a kept list page makes one for each of its forms in each answer."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


# A kept page (kept_pages.py) gets a new op_id in each form for each answer: two answers of one
# page must not name their changes alike (the second would be taken for the first, sent again).
OP_ID = Hole(_op_id, each_place=True)


def new_op_id() -> str:
    """A fresh op_id for a form: the same form posted twice (a double tap, a resend) is one change."""
    return fresh(_op_id(), OP_ID)


class ListNameForm(Form):
    name = StringField(
        "Name of the list",
        validators=[
            DataRequired(message=limits.LIST_NAME_MISSING),
            Length(max=limits.LIST_NAME_MAX, message=limits.LIST_NAME_TOO_LONG),
        ],
        render_kw={"maxlength": limits.LIST_NAME_MAX, "autocomplete": "off"},
    )


class AddItemForm(Form):
    text = StringField(
        "Add an item",
        validators=[
            DataRequired(message=limits.ITEM_TEXT_MISSING),
            Length(max=limits.ITEM_TEXT_MAX, message=limits.ITEM_TEXT_TOO_LONG),
        ],
        description="As you would write it in a recipe: “2 kg potatoes”, “milk”.",
        render_kw={"maxlength": limits.ITEM_TEXT_MAX, "autocomplete": "off", "enterkeyhint": "done"},
    )
    op_id = HiddenField(default=new_op_id)


def servings_field(label: str, **options: str) -> DecimalField:
    return DecimalField(
        label,
        places=None,
        validators=[Optional(), NumberRange(min=0.01, max=limits.SERVINGS_MAX, message=limits.SERVINGS_RANGE)],
        render_kw={"inputmode": "decimal", "min": "0", "step": "any"},
        **options,
    )


class AddRecipeForm(Form):
    recipe_id = IntegerField(validators=[DataRequired(message="Choose a recipe to add.")], widget=HiddenInput())
    servings = servings_field("Servings")
    include_staples = BooleanField("Include pantry staples (salt, oil, …)")
    op_id = HiddenField(default=new_op_id)


class AddToListForm(AddRecipeForm):
    """The recipe page's "Add to list": which list (or a new one). Its own ids: the recipe page has
    a servings field of its own (the scale control)."""

    list_id = SelectField("List", coerce=str, validate_choice=False, id="add-to-list")
    servings = servings_field("Servings to shop for", id="add-to-list-servings")
    include_staples = BooleanField("Include pantry staples (salt, oil, …)", id="add-to-list-staples")


def _start_field(id: str) -> DateField:
    return DateField(
        "From",
        format="%Y-%m-%d",
        validators=[DataRequired(message=plan_limits.DATE_FORMAT)],
        invalid_value_message=plan_limits.DATE_FORMAT,
        id=id,
    )


def _days_field(id: str) -> IntegerField:
    return IntegerField(
        "Days",
        validators=[
            InputRequired(message=plan_limits.DAYS_RANGE),
            NumberRange(min=1, max=plan_limits.DAYS_MAX, message=plan_limits.DAYS_RANGE),
        ],
        invalid_value_message=plan_limits.DAYS_RANGE,
        render_kw={"inputmode": "numeric", "min": 1, "max": plan_limits.DAYS_MAX},
        id=id,
    )


class AddPlanForm(Form):
    """The list page's "Add from the plan": the recipes planned on `days` days from `start`.
    (The span's limits are the planner's, checked again by the service.)"""

    start = _start_field("plan-start")
    days = _days_field("plan-days")
    include_staples = BooleanField("Include pantry staples (salt, oil, …)", id="plan-staples")
    op_id = HiddenField(default=new_op_id)


class ShopWeekForm(AddPlanForm):
    """The planner's "Shop for this week": which list (or a new one), which days. Its own ids: the
    week page has forms of its own."""

    list_id = SelectField("List", coerce=str, validate_choice=False, id="shop-list")
    start = _start_field("shop-start")
    days = _days_field("shop-days")
    include_staples = BooleanField("Include pantry staples (salt, oil, …)", id="shop-staples")


class AddMissingForm(Form):
    """Cook mode's "Add what's missing": which list (or a new one). The lines (`missing`, their
    places from 0) and cook mode's scale (`servings`, `scale`, `have`, `line`) are read by the view:
    the template writes a checkbox per line, and the scale as cook mode's address has it."""

    recipe_id = IntegerField(widget=HiddenInput(), id="missing-recipe")
    list_id = SelectField("List", coerce=str, validate_choice=False, id="missing-list")
    include_staples = BooleanField("Include pantry staples (salt, oil, …)", id="missing-staples")
    op_id = HiddenField(default=new_op_id)


class EditItemForm(Form):
    text = StringField(
        "Item",
        validators=[
            DataRequired(message=limits.ITEM_TEXT_MISSING),
            Length(max=limits.ITEM_TEXT_MAX, message=limits.ITEM_TEXT_TOO_LONG),
        ],
        description="Changing the text makes the row yours: no recipe's share any more.",
        render_kw={"maxlength": limits.ITEM_TEXT_MAX, "autocomplete": "off"},
    )
    aisle = SelectField("Aisle", choices=[SelectChoice(aisle, name) for aisle, name in AISLES.items()])


class StaplesForm(Form):
    staples = TextAreaField(
        "Pantry staples",
        description="One a line. Adding a recipe leaves these out, unless you ask for them.",
        validators=[Length(max=limits.STAPLES_MAX * (limits.STAPLE_MAX + 1))],
    )


class AisleMoveForm(Form):
    aisle = SelectField(choices=list(AISLES), validate_choice=True)
    move = SelectField(choices=["up", "down"], validate_choice=True)


class ActionForm(Form):
    """Only the CSRF token (and an op_id): check-offs, deletes, clearing, taking a recipe out."""

    op_id = HiddenField(default=new_op_id)
