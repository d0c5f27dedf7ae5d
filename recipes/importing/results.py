"""What an import did, kept a short while for its results page.

An import is a POST; its results are a page of their own, which the POST redirects to (so a
reload shows the results again instead of importing again, or losing them). The results wait
here for the login that imported, under a random key in that page's address, for KEEP_FOR.
Two kinds: an export file's summary, and a list of addresses with what became of each (the
import page's script imports a list one address per request and records each outcome here).

What is kept is ready to show (titles, messages, recipe ids), as plain JSON. No request
objects here: callers pass the login session's token (`current_user.get_id()`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ..database import release_transaction, write_intent
from ..extensions import db
from ..login_scoped import key_digest, login_id, login_id_query, make_room, new_key, well_formed
from ..models import ImportResult, utcnow
from .files.parsed import Skipped
from .files.service import ImportSummary
from .pages.service import Outcome

KEEP_FOR = timedelta(days=1)
KEEP_AT_MOST = 20  # per login

FILE = "file"
ADDRESSES = "addresses"


def _rows(rows: list[Skipped]) -> list[dict[str, str]]:
    return [{"name": row.name, "detail": row.detail, "reason": row.reason} for row in rows]


def file_summary(summary: ImportSummary) -> dict[str, Any]:
    """An export file's import, as its results page shows it."""
    return {
        "format": summary.format,
        "imported": [{"id": recipe_id, "title": title} for recipe_id, title in summary.imported],
        "skipped": _rows(summary.skipped),
        "duplicates": _rows(summary.duplicates),
        "picture_problems": _rows(summary.picture_problems),
    }


def outcome_entry(outcome: Outcome) -> dict[str, Any]:
    """One address of a list and what became of it."""
    recipe = {"id": outcome.recipe.id, "title": outcome.recipe.title} if outcome.recipe is not None else None
    return {"url": outcome.url, "status": outcome.status, "message": outcome.message, "recipe": recipe}


def not_tried(url: str) -> dict[str, Any]:
    """An address of a list not imported yet (its label says "Not tried")."""
    return {"url": url, "status": "skipped", "message": "", "recipe": None}


def addresses_summary(entries: list[dict[str, Any]], *, again: bool) -> dict[str, Any]:
    """A list of addresses, each with its outcome (`outcome_entry`, or `not_tried` for now)."""
    return {"outcomes": entries, "again": again}


def keep(login_token: str | None, kind: str, summary: dict[str, Any]) -> str | None:
    """Keep an import's results for this login; the key of its results page, or None when the
    login has ended. In a short transaction of its own, which also clears results kept too long."""
    release_transaction()  # whatever the import read: this one writes
    with write_intent():
        now = utcnow()
        owner = login_id(login_token)
        if owner is None:
            db.session.rollback()
            return None
        make_room(ImportResult, owner, now, keep_for=KEEP_FOR, keep_at_most=KEEP_AT_MOST)
        key = new_key()
        db.session.add(
            ImportResult(login_session_id=owner, key_hash=key_digest(key), kind=kind, summary=summary, created_at=now)
        )
        db.session.commit()
    return key


def _find_row(login_token: str | None, key: str) -> ImportResult | None:
    if not well_formed(key):
        return None
    row: ImportResult | None = db.session.scalar(
        select(ImportResult).where(
            ImportResult.key_hash == key_digest(key),
            ImportResult.login_session_id == login_id_query(login_token),
            ImportResult.created_at >= utcnow() - KEEP_FOR,
        )
    )
    return row


def find(login_token: str | None, key: str) -> tuple[str, dict[str, Any]] | None:
    """(kind, summary) of this login's results under `key`; None if unknown, someone else's or too old."""
    row = _find_row(login_token, key)
    return (row.kind, dict(row.summary)) if row is not None else None


def record(login_token: str | None, key: str, entry: dict[str, Any]) -> bool:
    """Write what became of one address (`outcome_entry`) into this login's list results under
    `key`, in place of that address's entry not yet tried. False when there are no such results
    (any more), or no such address waiting in them."""
    release_transaction()  # the import's own transactions are over: this one writes
    with write_intent():
        row = _find_row(login_token, key)
        if row is None or row.kind != ADDRESSES:
            db.session.rollback()
            return False
        entries = [dict(waiting) for waiting in row.summary.get("outcomes", [])]
        for index, waiting in enumerate(entries):
            if waiting.get("url") == entry["url"] and waiting.get("status") == "skipped":
                entries[index] = entry
                break
        else:
            db.session.rollback()
            return False
        row.summary = {**row.summary, "outcomes": entries}  # a new object: the change is seen
        db.session.commit()
    return True
