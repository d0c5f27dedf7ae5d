from __future__ import annotations

from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..models import HOUSEHOLD_NAME_MAX, ROLES, WEEK_DAYS
from ..web import Form
from .invites import DEFAULT_EXPIRY, EXPIRIES


class RenameForm(Form):
    name = StringField(
        "Household name",
        validators=[DataRequired(message="Give the household a name."), Length(max=HOUSEHOLD_NAME_MAX)],
    )


class MealsForm(Form):
    # One text, one meal a line: renaming, adding, removing and reordering are all editing it.
    meal_names = TextAreaField(
        "Meals of the day",
        description="One per line, in the order of the day. The meal plan has a row for each. "
        "Add a time (“dinner 18:30”) to show that meal at that time in the plan's calendar.",
    )
    week_start = SelectField(
        "The week starts on", choices=[SelectChoice(day, day.capitalize()) for day in WEEK_DAYS], default="monday"
    )


class InviteForm(Form):
    # A select, so only the listed values are valid: anything else is "Not a valid choice".
    expiry = SelectField(
        "Link works for",
        choices=[SelectChoice(value, expiry.label) for value, expiry in EXPIRIES.items()],
        default=DEFAULT_EXPIRY,
    )
    single_use = BooleanField("For one person only (the link stops working once used)")


class RoleForm(Form):
    role = SelectField("Role", choices=[SelectChoice(role, role.capitalize()) for role in ROLES])


class ActionForm(Form):
    """Only the CSRF token: leaving, removing a member and revoking an invite are POSTs."""


NEW_HOUSEHOLD = "new"


class MoveForm(Form):
    """The instance admin's move of an account: into another household, or one of its own."""

    household = SelectField("Move to", coerce=str, validate_choice=False)
