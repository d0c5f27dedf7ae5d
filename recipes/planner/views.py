"""The planner's pages: the week (`/plan`), adding to it (`/plan/add`, also "Plan this" from a
recipe page), a suggestion for an empty meal (`/plan/suggest`), the forms that move, change
and remove entries and copy a week, and the calendar feed (`/plan/<token>.ics`, no login: the
address is the permission) with the links to it made and revoked on the week's page.

Every member of the household sees and changes the plan; an entry or a feed of another
household is a 404, like anything else that is not one's own."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import data_generation, live_login, ratelimit, shown_once
from .. import kept_pages as ready
from ..cookbook import services as cookbook
from ..database import release_transaction, write_intent
from ..errors import render_error, render_not_found
from ..extensions import db
from ..models import Recipe
from ..public_urls import public_url
from ..search.service import SearchRequest, search
from ..security import NO_STORE
from ..web import MAX_ID, asks_first, confirmation_page
from . import calendar, feeds, forms, limits, services
from .week import build_week

log = logging.getLogger(__name__)

bp = Blueprint("planner", __name__)

ENTRY = f"/plan/entries/<int(max={MAX_ID}):entry_id>"
# Recipes the add page lists for a search.
RESULTS = 12
# The feed, the one page here without a login: its address is its permission.
OPEN = {"planner.feed"}


# The week, kept ready (kept_pages.py): it shows the household's plan and feeds, and recipes'
# titles, so it is kept under both realms' generations.
WEEK = ready.Page("planner.week", (data_generation.RECIPES, data_generation.KITCHEN), 2 * 1024 * 1024)


@bp.record_once
def _keep_weeks(state: BlueprintSetupState) -> None:
    ready.init_app(state.app, WEEK)


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    """Every page but the feed needs a signed-in user (the week checks it itself: see `week`)."""
    if request.endpoint in OPEN:
        return None
    return live_login.require_login()


@bp.errorhandler(services.EntryNotFound)
@bp.errorhandler(feeds.FeedNotFound)
def not_found(error: Exception) -> tuple[Response | str, int]:
    # Another household's entry or feed looks exactly like a missing one.
    return render_not_found()


plan_day = services.plan_day
bp.add_app_template_filter(plan_day, "plan_day")


# --- the week ---------------------------------------------------------------------------------


def _week_page(start: date | None = None, error: str | None = None) -> tuple[str, int]:
    now = services.today()
    household = services.household_of(current_user)
    week = build_week(current_user, household, start or now, now)
    # A calendar address made just now, shown this once (create_feed left it waiting in
    # shown_once and came back here with `?made=feed`: only then is there one to look for).
    made_feed = request.method == "GET" and request.args.get("made") == "feed"
    secret = shown_once.take(current_user.get_id(), feeds.SHOWN_ON) if made_feed else None
    made = feeds.own_feed(current_user, secret) if secret else None
    new_feed = {"url": public_url("planner.feed", feed_token=secret), "feed": made} if secret and made else None
    rows = feeds.feeds_list(current_user)
    page = render_template(
        "planner/week.html",
        week=week,
        household=household,
        error=error,
        live_feeds=[row for row in rows if row.state == feeds.LIVE],
        revoked_feeds=[row for row in rows if row.state != feeds.LIVE],
        new_feed=new_feed,
    )
    return page, 400 if error else 200


def _start_arg() -> tuple[date | None, str | None]:
    """The week asked for (`?start=YYYY-MM-DD`, any day of it), or why it cannot be shown."""
    raw = request.args.get("start")
    if raw is None or raw == "":
        return None, None
    day = limits.read_day(raw)
    if day is None:
        return None, limits.DATE_FORMAT
    problem = limits.day_problem(day, services.today())
    return (None, problem) if problem else (day, None)


@bp.get("/plan")
@live_login.reads_login_itself
def week() -> ResponseReturnValue:
    """The week. A week kept from before answers when nothing it shows can have changed (the
    login and the generations read first, in one statement); never one with a calendar address
    just made (`?made=feed`: shown once)."""
    visit = ready.visit(WEEK, services.today()) if "made" not in request.args else None
    if visit is not None and (found := ready.kept(WEEK, visit)) is not None:
        return found
    if (answer := live_login.as_any_page()) is not None:
        return answer
    start, error = _start_arg()
    page, status = _week_page(start, error)
    return ready.made(WEEK, visit, page, status)


def _back_to(day: date, anchor: str | None = None) -> Response:
    """To the week of `day`, at `anchor` (303: the browser asks for it with GET)."""
    household = services.household_of(current_user)
    start = services.week_start_of(day, household.week_start)
    return redirect(url_for("planner.week", start=start.isoformat(), _anchor=anchor), 303)


def _posted_start() -> date | None:
    """The week a form was sent from (its hidden `start`), if it says one that can be shown."""
    day = limits.read_day(request.form.get("start", ""))
    return day if day is not None and limits.day_problem(day, services.today()) is None else None


# --- adding -----------------------------------------------------------------------------------


def _add_page(error: services.PlanInvalid | None = None, values: dict[str, str] | None = None) -> tuple[str, int]:
    """The add page: the day and meal (from the address, or the form that came back), a chosen
    recipe ("Plan this") or a search for one, and notes."""
    values = dict(request.args.items()) | (values or {})
    household = services.household_of(current_user)
    now = services.today()
    day = limits.read_day(values.get("date", "")) or now
    meal = services.find_meal_or_first(household, values.get("meal", ""))
    recipe: Recipe | None = None
    recipe_id = values.get("recipe_id", "")
    if recipe_id.isascii() and recipe_id.isdigit() and len(recipe_id) <= 10:
        try:
            recipe = cookbook.get_visible_recipe(current_user, int(recipe_id))
        except cookbook.RecipeNotFound:
            recipe = None
    query = values.get("q", "").strip()[:200]
    results = None
    if recipe is None:
        found = search(current_user, SearchRequest.from_args(MultiDict({"q": query}), RESULTS))
        results = found.items
    page = render_template(
        "planner/add.html",
        household=household,
        day=day,
        meal=meal,
        recipe=recipe,
        servings=values.get("servings") or (services.own_servings(recipe) if recipe else None) or "",
        q=query,
        results=results,
        title=values.get("title", ""),
        note=values.get("note", ""),
        error=error,
        first_day=limits.FIRST_DAY,
        last_day=limits.last_day(now),
        quick_notes=QUICK_NOTES,
    )
    return page, 400 if error else 200


# What the add page offers as a note in one click.
QUICK_NOTES = ("Leftovers", "Eat out", "Takeaway")


@bp.get("/plan/add")
def add() -> tuple[str, int]:
    return _add_page()


@bp.post("/plan/entries")
def create() -> Response | tuple[str, int]:
    form = request.form
    try:
        data = services.EntryData(
            day=forms.read_day(form),
            meal=form.get("meal", ""),
            recipe_id=forms.read_id(form.get("recipe_id"), "recipe_id"),
            title=form.get("title", ""),
            servings=forms.read_servings(form.get("servings")),
            note=form.get("note", ""),
        )
        entry = services.add_entry(current_user, data)
    except services.PlanInvalid as exc:
        release_transaction()  # nothing half-made is kept, or written by the page's reads
        return _add_page(exc, dict(form.items()))
    shown = services.shown_entry(current_user, entry.id)
    flash(f"Planned “{shown.title}” for {plan_day(entry.day)}, {entry.meal}.", "success")
    return _back_to(entry.day, f"entry-{entry.id}")


@bp.get("/plan/suggest")
def suggest() -> tuple[str, int]:
    household = services.household_of(current_user)
    now = services.today()
    day = limits.read_day(request.args.get("date", "")) or now
    error = limits.day_problem(day, now)
    if error:
        day = now
    meal = services.find_meal_or_first(household, request.args.get("meal", ""))
    tag = (request.args.get("tag") or meal).strip()[:64]
    skip = forms.read_ids(request.args.get("skip"))
    found = services.suggest(current_user, tag, day, skip)
    page = render_template(
        "planner/suggest.html",
        household=household,
        day=day,
        meal=meal,
        tag=tag,
        skip=skip,
        recipe=found,
        servings=services.own_servings(found) if found else None,
        recent_days=limits.RECENT_DAYS,
        error=error,
    )
    return page, 400 if error else 200


# --- changing ---------------------------------------------------------------------------------


def _entry_page(entry_id: int, error: services.PlanInvalid | None = None) -> tuple[str, int]:
    """An entry's own page: its Change form (day, meal, servings) and Remove."""
    shown = services.shown_entry(current_user, entry_id)  # another household's: 404
    now = services.today()
    page = render_template(
        "planner/entry.html",
        entry=shown,
        household=services.household_of(current_user),
        values=request.form if error else {},
        error=error,
        first_day=limits.FIRST_DAY,
        last_day=limits.last_day(now),
    )
    return page, 400 if error else 200


@bp.get(ENTRY)
def show_entry(entry_id: int) -> tuple[str, int]:
    return _entry_page(entry_id)


@bp.post(ENTRY)
def change(entry_id: int) -> Response | tuple[str, int]:
    """An entry's Change form (and the week's drag and drop): its day, meal and servings. A
    field not sent stays as it is; servings sent blank are the recipe's own."""
    form = request.form
    changes: dict[str, Any] = {}
    try:
        if form.get("date"):
            changes["day"] = forms.read_day(form)
        if form.get("meal"):
            changes["meal"] = form["meal"]
        if "servings" in form:
            changes["servings"] = forms.read_servings(form["servings"])
        entry = services.change_entry(current_user, entry_id, **changes)
    except services.PlanInvalid as exc:
        release_transaction()
        return _entry_page(entry_id, exc)
    return _back_to(entry.day, f"entry-{entry.id}")


@bp.post(ENTRY + "/delete")
def remove(entry_id: int) -> Response:
    shown = services.shown_entry(current_user, entry_id)  # another household's: 404
    entry = services.remove_entry(current_user, entry_id)
    flash(f"Removed “{shown.title}” from {plan_day(entry.day)}.", "success")
    return _back_to(entry.day, f"day-{entry.day.isoformat()}")


@bp.post("/plan/copy")
def copy_week() -> Response | tuple[str, int]:
    start = _posted_start() or services.today()
    household = services.household_of(current_user)
    first = services.week_start_of(start, household.week_start)
    try:
        copied = services.copy_week(current_user, first)
    except services.PlanInvalid as exc:
        release_transaction()
        return _week_page(first, exc.message)
    if copied:
        flash(f"Copied {copied} entr{'y' if copied == 1 else 'ies'} from last week.", "success")
    else:
        flash("Nothing to copy: last week's entries are here already, or last week is empty.", "info")
    return _back_to(first)


# --- the calendar feed ------------------------------------------------------------------------


@bp.post("/plan/feeds")
def create_feed() -> Response | tuple[str, int]:
    """Make a calendar address. Its token waits (in shown_once) for the next view of the week's
    page, which shows it once: a reload cannot make a second one."""
    start = _posted_start()
    try:
        feeds.create_feed(current_user, show_to=current_user.get_id())
    except feeds.FeedRefused as exc:
        return _week_page(start, exc.message)
    back = url_for("planner.week", start=start.isoformat() if start else None, made="feed", _anchor="feeds")
    return redirect(back, 303)


@bp.post(f"/plan/feeds/<int(max={MAX_ID}):feed_id>/revoke")
def revoke_feed(feed_id: int) -> Response | str:
    feed = feeds.find_feed(current_user, feed_id)  # another household's: 404
    back = url_for("planner.week", _anchor="feeds")
    if asks_first():  # sent without JavaScript, which would have asked in a dialog
        return confirmation_page(
            heading=f"Revoke the calendar address /plan/{feed.hint}….ics?",
            message="Calendars that subscribed to it stop getting the plan, from their next update on. "
            "You can make a new address at any time.",
            action=url_for("planner.revoke_feed", feed_id=feed_id),
            button="Revoke the address",
            cancel=back,
        )
    feeds.revoke_feed(current_user, feed_id)
    flash(f"Revoked the calendar address /plan/{feed.hint}….ics: it no longer shows the plan.", "success")
    return redirect(back, 303)


def instance_id() -> str:
    """A stable name of this instance for the feed's UIDs: derived from the secret key (kept
    across restarts), telling nothing about it."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8", "surrogatepass")
    return hashlib.sha256(b"recipes plan feed uid\x00" + key).hexdigest()[:20] + ".recipes"


def _feed_refused(error: feeds.FeedNotFound | feeds.FeedGone) -> tuple[Response | str, int, dict[str, str]]:
    """The answer for an address that does not open, counted against the client in a short
    write transaction of its own (a GET began a read one)."""
    release_transaction()
    limit: ratelimit.Limit = current_app.config["RECIPES_FEED_RATE_LIMIT"]
    try:
        with write_intent():
            feeds.count_failure(request.remote_addr or "", limit)
    except ratelimit.RateLimited as exc:
        body, _ = render_error(429, "Too many attempts", exc.message)
        return body, 429, {"Retry-After": str(exc.retry_after)}
    if isinstance(error, feeds.FeedGone):
        body, status = render_error(
            410, "Calendar address revoked", "This calendar address no longer shows the plan. Ask for a new one."
        )
    else:
        body, status = render_error(404, "Not found", "No calendar is at this address. Check that it is complete.")
    return body, status, {}


@bp.get("/plan/<feed_token>.ics")
def feed(feed_token: str) -> Response | tuple[Response | str, int, dict[str, str]]:
    try:
        found = feeds.open_feed(feed_token)
    except (feeds.FeedNotFound, feeds.FeedGone) as error:
        return _feed_refused(error)
    reader = found.user
    household = services.household_of(reader)
    now = services.today()
    entries = services.entries_between(
        reader, now - timedelta(days=limits.FEED_DAYS_BEFORE), now + timedelta(days=limits.FEED_DAYS_AFTER + 1)
    )
    body = calendar.plan_calendar(
        f"Meal plan · {household.name}",
        entries,
        dict(household.meal_times or {}),
        instance_id(),
        lambda recipe_id: public_url("cookbook.detail", recipe_id=recipe_id),
    )
    feed_id, last = found.id, found.last_fetched_at
    if request.method == "GET":
        _note_fetch(feed_id, last)
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="meal-plan.ics"'
    return response


def _note_fetch(feed_id: int, last: Any) -> None:
    """Write down the fetch in a short write transaction of its own; a note that fails must not
    fail the feed."""
    release_transaction()
    with write_intent():
        try:
            feeds.note_fetch(feed_id, last)
        except OperationalError:
            db.session.rollback()
            log.warning("calendar feed %s: the fetch was not noted", feed_id, exc_info=True)


@bp.after_request
def keep_private(response: Response) -> Response:
    # A page can show a calendar address just made, and the feed's address is its secret: no
    # cache keeps them, no Referer carries them, no search engine lists them.
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.endpoint in OPEN:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
