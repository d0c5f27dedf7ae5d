"""The limits of a rating, a favourite and a "cooked it", and the messages that refuse a value.

Read by the services, the forms and the API's schemas (so the OpenAPI document states them),
search (its filters) and the importer.
"""

from __future__ import annotations

from datetime import date

from ..models import COOKED_NOTE_MAX, STARS_MAX, STARS_MIN

__all__ = ["COOKED_NOTE_MAX", "STARS_MAX", "STARS_MIN"]

# A day someone cooked: not before this, and not past the server's today by more than
# DAYS_AHEAD (a kitchen east of the server may be a day ahead of it).
EARLIEST_DAY = date(1900, 1, 1)
DAYS_AHEAD = 1
# "Not cooked in N days": from 1 day to about ten years.
NOT_COOKED_DAYS_MAX = 3650
# How many of the latest "cooked it" entries the recipe page lists.
LOG_SHOWN = 5

STARS_RANGE = f"Give {STARS_MIN} to {STARS_MAX} stars."
# (The wording of every text limit: cookbook.limits.too_long.)
NOTE_TOO_LONG = f"Field cannot be longer than {COOKED_NOTE_MAX} characters."
DAY_TOO_EARLY = f"Give a day from {EARLIEST_DAY.isoformat()} on."
DAY_AHEAD = "That day has not come yet: log a meal once it is cooked."
