"""Every limit of the meal plan, and the message that refuses a value past it.

The one place these are written: the services enforce them on every path (pages, API), the
forms and the API schemas state them, the feed and the week view read their spans here.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from ..models import PLAN_NOTE_MAX, PLAN_TITLE_MAX

__all__ = ["PLAN_NOTE_MAX", "PLAN_TITLE_MAX"]

# The days a plan may hold: none before 1900, none further ahead than about ten years.
FIRST_DAY = date(1900, 1, 1)
YEARS_AHEAD = 10
DAYS_AHEAD = 3653  # ten years, leap days included
# How many days one read of the plan covers at most (the API's `days`): two months.
DAYS_MAX = 62
# Servings of a planned recipe.
SERVINGS_MIN = 1
SERVINGS_MAX = 1000
# Entries in one meal of one day: more is a mistake (or a script gone wrong).
ENTRIES_PER_MEAL_MAX = 20
# "Suggest a recipe" leaves out recipes planned this many days either side of the day asked.
RECENT_DAYS = 14
# The calendar feed: the plan from this many days back to this many ahead.
FEED_DAYS_BEFORE = 28
FEED_DAYS_AFTER = 92
# Live calendar feeds a household may have at once.
FEEDS_MAX = 20

# --- Messages --------------------------------------------------------------------------------

SERVINGS_RANGE = f"Servings must be a whole number from {SERVINGS_MIN} to {SERVINGS_MAX}."
TITLE_MISSING = "Say what is planned: a recipe, or a few words (“Leftovers”)."
TITLE_TOO_LONG = f"A note can have at most {PLAN_TITLE_MAX} characters."
NOTE_TOO_LONG = f"A remark can have at most {PLAN_NOTE_MAX} characters."
BOTH_GIVEN = "An entry is a recipe or a note, not both: send recipe_id or title."
SERVINGS_FOR_RECIPES = "Only a planned recipe has servings."
TITLE_OF_RECIPE = "A planned recipe shows the recipe's title; to write a note instead, remove the recipe."
MEAL_FULL = f"That meal has {ENTRIES_PER_MEAL_MAX} entries already: remove one first."
DAYS_RANGE = f"Ask for 1 to {DAYS_MAX} days."
DATE_FORMAT = "Give the day as YYYY-MM-DD."
TOO_MANY_FEEDS = f"The household has {FEEDS_MAX} calendar links already: revoke one first."


def last_day(today: date) -> date:
    """The furthest day ahead a plan may hold, seen from `today`."""
    return today + timedelta(days=DAYS_AHEAD)


def day_problem(day: date, today: date) -> str | None:
    """Why `day` cannot be in the plan (None: it can)."""
    if day < FIRST_DAY:
        return f"Plan days from {FIRST_DAY.isoformat()} on."
    if day > last_day(today):
        return f"Plan at most {YEARS_AHEAD} years ahead (until {last_day(today).isoformat()})."
    return None


def servings_problem(servings: int) -> str | None:
    return None if SERVINGS_MIN <= servings <= SERVINGS_MAX else SERVINGS_RANGE


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_day(text: str) -> date | None:
    """A day written YYYY-MM-DD (as date fields and the API send it); None for anything else."""
    text = text.strip()
    if not _ISO_DAY.fullmatch(text):  # not "20250101" or "2025-W01-1", which Python also reads
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
