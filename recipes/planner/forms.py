"""What the planner's page forms send, read into plain values. The fields are few and plain
(a day, a meal, a number, a text), and each page shows a form per entry, so they are written
in the templates as plain inputs and read here; CSRF is checked for every POST by the app.
A value that cannot be read is a PlanInvalid naming its field, as the services refuse."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from . import limits
from .services import PlanInvalid

# How long a number field's text may be before it is not read at all.
_NUMBER_MAX = 12


def read_day(form: Mapping[str, str], name: str = "date") -> date:
    day = limits.read_day(form.get(name, ""))
    if day is None:
        raise PlanInvalid(limits.DATE_FORMAT, name)
    return day


def read_servings(text: str | None) -> int | None:
    """Servings as typed: blank is None (as the recipe says), a whole number, or refused."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > _NUMBER_MAX or not text.isascii() or not text.lstrip("-").isdigit():
        raise PlanInvalid(limits.SERVINGS_RANGE, "servings")
    return int(text)


def read_id(text: str | None, name: str) -> int | None:
    """An id posted in a form (a recipe's), or None when blank; refused when not a number."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > _NUMBER_MAX or not text.isascii() or not text.isdigit():
        raise PlanInvalid("No such recipe among those you can see.", name)
    return int(text)


def read_ids(text: str | None, most: int = 50) -> list[int]:
    """A list of ids written "1,2,3" (the recipes a suggestion already turned down); the rest ignored."""
    found = []
    for part in (text or "").split(",")[:most]:
        part = part.strip()
        if part.isascii() and part.isdigit() and len(part) <= _NUMBER_MAX:
            found.append(int(part))
    return found
