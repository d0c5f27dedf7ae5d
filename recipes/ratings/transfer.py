"""An account's marks through our export file and back (exporting/, importing/files/formats/native.py).

The export writes, with each of the account's recipes, its recipe object's five fields
(`rating`, `rating_average`, `favourite`, `last_cooked`, `times_cooked`) and `cooking_log`, every
"cooked it" of the account, the latest first: `[{"date": "2026-03-14", "note": "..."}]`. Importing
the file gives the importing account the same rating, favourite and log on the recipes it adds
(what others rated stays theirs: `rating_average` and the counts are not read back, they follow
from the log and the household).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from ..extensions import db
from ..models import CookingLogEntry, Favourite, Rating, utcnow
from ..text_cleaning import clean_text
from . import limits
from .marks import today

# At most this many "cooked it" entries are read for one recipe of a file (a file is not trusted).
LOG_READ_MAX = 5000


@dataclass(frozen=True)
class CarriedMarks:
    """What a recipe of an export file brings of its exporter's marks (all checked already)."""

    stars: int | None = None
    favourite: bool = False
    cooked: tuple[tuple[date, str], ...] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return self.stars is not None or self.favourite or bool(self.cooked)


def cooking_logs(user_id: int, recipe_ids: Collection[int]) -> dict[int, list[dict[str, str]]]:
    """The account's "cooked it" entries of these recipes, as the export writes them."""
    if not recipe_ids:
        return {}
    rows = db.session.execute(
        select(CookingLogEntry.recipe_id, CookingLogEntry.cooked_on, CookingLogEntry.note)
        .where(CookingLogEntry.user_id == user_id, CookingLogEntry.recipe_id.in_(recipe_ids))
        .order_by(CookingLogEntry.recipe_id, CookingLogEntry.cooked_on.desc(), CookingLogEntry.id.desc())
    )
    logs: dict[int, list[dict[str, str]]] = {}
    for recipe_id, day, note in rows:
        logs.setdefault(recipe_id, []).append({"date": _day(day).isoformat(), "note": note})
    return logs


def carried_marks(obj: Mapping[str, Any]) -> CarriedMarks:
    """The marks a recipe object of a file carries, as far as they make sense; the rest is left out."""
    stars = obj.get("rating")
    if isinstance(stars, bool) or not isinstance(stars, int) or not limits.STARS_MIN <= stars <= limits.STARS_MAX:
        stars = None
    cooked: list[tuple[date, str]] = []
    log = obj.get("cooking_log")
    for entry in log[:LOG_READ_MAX] if isinstance(log, list) else []:
        if not isinstance(entry, Mapping):
            continue
        day = _read_day(entry.get("date"))
        if day is None:
            continue
        note = entry.get("note")
        text = clean_text(note).strip()[: limits.COOKED_NOTE_MAX] if isinstance(note, str) else ""
        cooked.append((day, text))
    return CarriedMarks(stars=stars, favourite=obj.get("favourite") is True, cooked=tuple(cooked))


def _read_day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
    latest = today() + timedelta(days=limits.DAYS_AHEAD)
    return day if limits.EARLIEST_DAY <= day <= latest else None


def add_carried(user_id: int, carried: list[tuple[int, CarriedMarks]]) -> None:
    """Give the account the marks its new recipes carried (in the caller's transaction)."""
    now = utcnow()
    ratings = [
        {"user_id": user_id, "recipe_id": rid, "stars": marks.stars, "updated_at": now}
        for rid, marks in carried
        if marks.stars is not None
    ]
    favourites = [
        {"user_id": user_id, "recipe_id": rid, "created_at": now} for rid, marks in carried if marks.favourite
    ]
    log = [
        {"user_id": user_id, "recipe_id": rid, "cooked_on": day, "note": note, "created_at": now}
        for rid, marks in carried
        for day, note in reversed(marks.cooked)  # the oldest first, as they were logged
    ]
    for model, rows in ((Rating, ratings), (Favourite, favourites), (CookingLogEntry, log)):
        if rows:
            db.session.execute(insert(model), rows)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
