from __future__ import annotations

from wtforms import SelectChoice, SelectField

from ..web import Form
from .services import DEFAULT_EXPIRY, EXPIRIES


class ShareForm(Form):
    """A new share link. Revoking and saving a copy post only the CSRF token."""

    # A select, so only the listed values are valid: anything else is "Not a valid choice".
    expiry = SelectField(
        "Link works for",
        choices=[SelectChoice(value, expiry.label) for value, expiry in EXPIRIES.items()],
        default=DEFAULT_EXPIRY,
    )
