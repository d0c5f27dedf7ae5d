"""The meal plan in the JSON API (`/api/v1/plan`): thin views over the planner's services, the
same the planner's pages use. They join the API blueprint of api.views (its authentication,
error handling and rate limit), so the plan is one more part of the one API."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from flask import url_for

from ..planner import feeds, services
from ..planner.services import ShownEntry
from ..public_urls import public_url
from ..web import MAX_ID
from . import schemas
from .auth import api_user
from .errors import ApiError, invalid
from .views import _require_json, bp

ENTRY = f"/plan/<int(max={MAX_ID}):entry_id>"


def entry_json(entry: ShownEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "date": entry.day,  # (the schema writes it YYYY-MM-DD)
        "meal": entry.meal,
        "position": entry.position,
        "kind": entry.kind,
        "recipe_id": entry.recipe_id,
        "recipe_state": entry.recipe_state,
        "title": entry.title,
        "servings": entry.servings,
        "note": entry.note,
    }


@contextmanager
def _plan_errors() -> Iterator[None]:
    """The planner's domain errors as API errors."""
    try:
        yield
    except services.EntryNotFound:
        raise ApiError(404, "not_found", "No such entry in your household's plan.") from None
    except services.PlanInvalid as exc:
        raise invalid(exc.field, exc.message) from None


@bp.get("/plan")
@bp.arguments(schemas.PlanArgs, location="query", as_kwargs=False)
@bp.response(200, schemas.PlanPage)
@bp.doc(operationId="listPlan")
def plan(args: dict[str, Any]) -> dict[str, Any]:
    """Your household's plan for `days` days from `start` (by day, meal and place), as you may read it."""
    user = api_user()
    now = services.today()
    start: date = args.get("start") or services.week_start_of(now, services.household_of(user).week_start)
    days: int = args["days"]
    with _plan_errors():
        services.check_span(start, days, now)
    entries = services.entries_between(user, start, start + timedelta(days=days))
    return {"items": [entry_json(e) for e in entries], "start": start, "days": days}


@bp.post("/plan")
@bp.arguments(schemas.PlanEntryCreate)
@bp.response(
    201, schemas.PlanEntry, headers={"Location": {"description": "The new entry", "schema": {"type": "string"}}}
)
@bp.doc(operationId="createPlanEntry")
def create_plan_entry(payload: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Plan a recipe (`recipe_id`, at `servings` or the recipe's own) or a note (`title`) for a meal of a day."""
    user = api_user()
    if "recipe_id" not in payload and "title" not in payload:
        raise invalid("title", "Send recipe_id (a recipe) or title (a note).")
    with _plan_errors():
        entry = services.add_entry(
            user,
            services.EntryData(
                day=payload["date"],
                meal=payload["meal"],
                recipe_id=payload.get("recipe_id"),
                title=payload.get("title", ""),
                servings=payload.get("servings"),
                note=payload.get("note", ""),
            ),
        )
        shown = services.shown_entry(user, entry.id)
    return entry_json(shown), 201, {"Location": url_for("api.plan_entry", entry_id=entry.id)}


@bp.patch(ENTRY)
@bp.arguments(schemas.PlanEntryChange)
@bp.response(200, schemas.PlanEntry)
@bp.doc(operationId="updatePlanEntry")
def plan_entry(payload: dict[str, Any], entry_id: int) -> dict[str, Any]:
    """Change an entry of your household's plan: move it, make it another recipe or a note, change
    its servings or its remark. What is not sent stays as it is."""
    _require_json()
    user = api_user()
    names = {"date": "day", "meal": "meal", "position": "position", "recipe_id": "recipe_id"}
    names |= {"title": "title", "servings": "servings", "note": "note"}
    changes = {names[key]: value for key, value in payload.items()}
    with _plan_errors():
        services.change_entry(user, entry_id, **changes)
        return entry_json(services.shown_entry(user, entry_id))


@bp.delete(ENTRY)
@bp.response(204)
@bp.doc(operationId="deletePlanEntry")
def delete_plan_entry(entry_id: int) -> tuple[str, int]:
    """Take an entry out of your household's plan."""
    with _plan_errors():
        services.remove_entry(api_user(), entry_id)
    return "", 204


@bp.post("/plan/feed")
@bp.response(201, schemas.PlanFeedCreated)
@bp.doc(operationId="createPlanFeed")
def create_plan_feed() -> tuple[dict[str, Any], int]:
    """A new secret calendar address (iCalendar) of your household's plan, as you see it: shown this
    once. Every call makes another; any member lists and revokes them on the planner page."""
    try:
        _, secret = feeds.create_feed(api_user())
    except feeds.FeedRefused as exc:
        raise ApiError(409, "too_many", exc.message) from None
    return {"url": public_url("planner.feed", feed_token=secret)}, 201
