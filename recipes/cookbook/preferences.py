"""What an account chose about how its pages look (kept on the account, so every browser
it signs in from shows the same)."""

from __future__ import annotations

from ..extensions import db
from ..models import User

# How the recipe list shows recipes: pictures in columns, or compact rows.
LAYOUTS = ("grid", "list")
DEFAULT_LAYOUT = "grid"


class PreferenceInvalid(ValueError):
    """A choice that is not one of the offered ones; the message says what is."""


def recipe_layout(user: User) -> str:
    """The user's list layout (one of LAYOUTS), the default if the stored one is unknown."""
    return user.recipe_layout if user.recipe_layout in LAYOUTS else DEFAULT_LAYOUT


def set_recipe_layout(user: User, layout: str) -> None:
    """Keep `layout` as the user's list layout (one transaction), or PreferenceInvalid."""
    if layout not in LAYOUTS:
        raise PreferenceInvalid("Choose grid or list.")
    if user.recipe_layout != layout:
        user.recipe_layout = layout
        db.session.commit()


def set_unit_system(user: User, system: str) -> None:
    """Keep how amounts are shown to the user (one of units.SYSTEMS), or PreferenceInvalid."""
    from ..ingredients.units import SYSTEMS

    if system not in SYSTEMS:
        raise PreferenceInvalid("Choose as written, metric or US.")
    if user.unit_system != system:
        user.unit_system = system
        db.session.commit()
