"""The plan as an iCalendar file (RFC 5545), for calendar apps that subscribe to a feed.

Written by the `icalendar` library, which escapes the texts, folds long lines at 75 octets
and ends every line with CRLF. One event per entry: its UID stays the same however the entry
changes (so a calendar updates it rather than adding another), DTSTAMP and LAST-MODIFIED are
when it last changed, SUMMARY is the recipe's title (or the note), DESCRIPTION says the meal,
the servings, the remark and the recipe's address. A meal the household gave a time starts at
that time of day wherever the calendar is (a "floating" time: dinner at 18:30 is 18:30 at home
and on holiday); any other is an all-day event. Events are transparent: a meal does not make
anyone look busy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from ..models import as_utc
from .services import VISIBLE, ShownEntry

PRODUCT_ID = "-//Recipes//Meal plan//EN"
# How long an event of a meal with a time lasts.
MEAL_LENGTH = timedelta(hours=1)
# How often a calendar should fetch the feed again (a hint; calendars choose).
REFRESH = timedelta(hours=1)
REFRESH_TEXT = "PT1H"  # REFRESH as RFC 5545 writes a duration (a test holds the two together)


def uid(entry_id: int, instance: str) -> str:
    """The event's UID: the entry's id within this instance (`instance`, a stable id of it)."""
    return f"plan-entry-{entry_id}@{instance}"


def event_time(day: date, clock: str | None) -> tuple[date | datetime, date | datetime]:
    """The event's start and end: a floating time of day for a meal with one, else the whole day."""
    if clock:
        hour, minute = (int(part) for part in clock.split(":"))
        start = datetime.combine(day, time(hour, minute))
        return start, start + MEAL_LENGTH
    return day, day + timedelta(days=1)


def plan_calendar(
    name: str,
    entries: Sequence[ShownEntry],
    meal_times: dict[str, str],
    instance: str,
    recipe_url: Callable[[int], str],
) -> bytes:
    """The iCalendar file of `entries` (as the feed's reader sees them) of the plan called `name`;
    `recipe_url` gives the absolute address of a recipe."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An x-property is written as given: the duration in its iCalendar form.
    calendar.add("x-published-ttl", REFRESH_TEXT)
    for entry in entries:
        modified = as_utc(entry.updated_at).astimezone(UTC)
        event = Event()
        event.add("uid", uid(entry.id, instance))
        event.add("dtstamp", modified)
        event.add("created", as_utc(entry.created_at).astimezone(UTC))
        event.add("last-modified", modified)
        start, end = event_time(entry.day, meal_times.get(entry.meal))
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", entry.title)
        event.add("categories", [entry.meal])
        event.add("transp", "TRANSPARENT")
        lines = [entry.meal.capitalize() + (f", {entry.servings} servings" if entry.servings else "")]
        if entry.note:
            lines.append(entry.note)
        if entry.recipe_state == VISIBLE and entry.recipe_id is not None:
            link = recipe_url(entry.recipe_id)
            lines.append(link)
            event.add("url", link)
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text
