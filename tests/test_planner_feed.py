"""The plan's calendar feed (issue 18): a secret address per request, made and revoked on the
planner page (or by the API), valid RFC 5545 read back by the `icalendar` library: CRLF line
ends, long lines folded, VERSION and PRODID, a UID per entry that stays, DTSTAMP, all-day events
or the meal's time, SUMMARY the recipe's title, DESCRIPTION with the recipe's absolute address.
An address that does not open is a 404 (revoked: 410), and too many of them from one client a 429."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import pytest
from flask import Flask
from sqlalchemy import select

from recipes.config import RateLimit
from recipes.extensions import db
from recipes.models import PlanFeed
from recipes.planner import calendar, limits

from .conftest import Client, create_recipe
from .test_households import invite, join
from .test_planner import iso, plan

TODAY = date.today()
NEW_FEED = re.compile(r'<input id="new-feed" type="text" value="(https?://[^/]+(/plan/([A-Za-z0-9_-]+)\.ics))"')


def make_feed(client: Client) -> tuple[str, str]:
    """Make a calendar address on the planner page, as a member does: (its URL, its path)."""
    made = client.post("/plan/feeds", data={"start": iso(TODAY)})
    assert made.status_code == 303 and made.headers["Location"].endswith("#feeds"), made.text
    page = client.get(made.headers["Location"]).text
    found = NEW_FEED.search(page)
    assert found, page
    assert NEW_FEED.search(client.get("/plan").text) is None  # shown once
    return found[1], found[2]


def read(app: Flask, path: str) -> Any:
    """Fetch the feed as a calendar app would (no cookie), and parse it."""
    response = app.test_client().get(path)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return response, icalendar.Calendar.from_ical(response.data)


def events(parsed: Any) -> list[Any]:
    return list(parsed.walk("VEVENT"))


def test_the_feed_is_valid_rfc_5545(app: Flask, alice: Client) -> None:
    app.config["RECIPES_BASE_URL"] = "https://recipes.example.org"
    title = "Slow-roasted tomato and white bean soup with a very long name that goes on " * 2
    soup = create_recipe(alice, title=title.strip()[:200], servings="4", tags="dinner")
    plan(alice, recipe_id=soup, servings=6)
    plan(alice, TODAY + timedelta(days=1), "lunch", title="Leftovers; again, \\ with commas", note="Eat early")
    url, path = make_feed(alice)
    assert url == f"https://recipes.example.org{path}"
    response, parsed = read(app, path)
    raw: bytes = response.data
    # Every line ends with CRLF, none is longer than 75 octets (long ones are folded), and the
    # calendar says what it is.
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert any(line.startswith(b" ") for line in lines)  # the long title was folded
    assert parsed["VERSION"] == "2.0" and parsed["PRODID"] == calendar.PRODUCT_ID
    assert str(parsed["X-WR-CALNAME"]) == "Meal plan · alice's household"
    assert parsed["X-PUBLISHED-TTL"] == calendar.REFRESH_TEXT == "PT1H"
    assert icalendar.vDuration.from_ical(calendar.REFRESH_TEXT) == calendar.REFRESH
    soup_event, note_event = sorted(events(parsed), key=lambda e: e["DTSTART"].dt)
    assert str(soup_event["SUMMARY"]) == title.strip()[:200]
    assert soup_event["DTSTART"].dt == TODAY and soup_event["DTEND"].dt == TODAY + timedelta(days=1)  # all day
    assert soup_event["DTSTART"].params.get("VALUE") == "DATE"
    description = str(soup_event["DESCRIPTION"])
    assert description.splitlines() == ["Dinner, 6 servings", f"https://recipes.example.org/recipes/{soup}"]
    assert str(soup_event["URL"]) == f"https://recipes.example.org/recipes/{soup}"
    assert soup_event["TRANSP"] == "TRANSPARENT" and soup_event["CATEGORIES"].cats == ["dinner"]
    for event in (soup_event, note_event):
        assert re.fullmatch(r"plan-entry-\d+@[0-9a-f]{20}\.recipes", str(event["UID"]))
        stamp = event["DTSTAMP"].dt
        assert stamp.tzinfo is not None and abs(datetime.now(UTC) - stamp) < timedelta(hours=1)
    assert str(note_event["SUMMARY"]) == "Leftovers; again, \\ with commas"  # escaped in the file, read back whole
    assert b"SUMMARY:Leftovers\\; again\\, \\\\ with commas" in raw
    assert str(note_event["DESCRIPTION"]).splitlines() == ["Lunch", "Eat early"]
    assert "URL" not in note_event


def test_a_meal_with_a_time_starts_then_and_uids_stay(app: Flask, alice: Client) -> None:
    assert (
        alice.post("/household/meals", data={"meal_names": "lunch\ndinner 18:30", "week_start": "monday"}).status_code
        == 302
    )
    plan(alice, title="Pizza")
    plan(alice, meal="lunch", title="Salad")
    _, path = make_feed(alice)
    _, parsed = read(app, path)
    by_title = {str(e["SUMMARY"]): e for e in events(parsed)}
    pizza = by_title["Pizza"]
    # A floating time of day: 18:30 wherever the calendar is.
    assert pizza["DTSTART"].dt == datetime.combine(TODAY, datetime.min.time()).replace(hour=18, minute=30)
    assert pizza["DTSTART"].dt.tzinfo is None and pizza["DTEND"].dt - pizza["DTSTART"].dt == calendar.MEAL_LENGTH
    assert by_title["Salad"]["DTSTART"].dt == TODAY
    uid = str(pizza["UID"])
    # Moved to tomorrow: the same event (same UID), changed (a later DTSTAMP or the same second).
    entry_id = int(uid.split("-")[2].split("@")[0])
    tomorrow = TODAY + timedelta(days=1)
    alice.post(f"/plan/entries/{entry_id}", data={"date": iso(tomorrow), "meal": "lunch"})
    _, again = read(app, path)
    moved = {str(e["SUMMARY"]): e for e in events(again)}["Pizza"]
    assert str(moved["UID"]) == uid and moved["DTSTART"].dt == tomorrow
    assert moved["DTSTAMP"].dt >= pizza["DTSTAMP"].dt


def test_the_feed_covers_weeks_around_today(app: Flask, alice: Client) -> None:
    for offset in (
        -limits.FEED_DAYS_BEFORE - 1,
        -limits.FEED_DAYS_BEFORE,
        0,
        limits.FEED_DAYS_AFTER,
        limits.FEED_DAYS_AFTER + 1,
    ):
        assert plan(alice, TODAY + timedelta(days=offset), title=f"Day {offset}").status_code == 303
    _, path = make_feed(alice)
    _, parsed = read(app, path)
    assert sorted(str(e["SUMMARY"]) for e in events(parsed)) == sorted(
        [f"Day {-limits.FEED_DAYS_BEFORE}", "Day 0", f"Day {limits.FEED_DAYS_AFTER}"]
    )


def test_a_feed_reads_the_plan_as_its_maker_sees_it(app: Flask, alice: Client, bob: Client) -> None:
    assert join(bob, invite(alice)).status_code == 302
    secret = create_recipe(alice, title="Secret stew")
    plan(alice, recipe_id=secret)
    _, bobs = make_feed(bob)
    _, parsed = read(app, bobs)
    (event,) = events(parsed)
    assert str(event["SUMMARY"]) == "A recipe of alice's" and "URL" not in event
    assert b"Secret" not in app.test_client().get(bobs).data
    _, alices = make_feed(alice)
    assert str(events(read(app, alices)[1])[0]["SUMMARY"]) == "Secret stew"
    # bob leaves the household: his feed stops showing its plan at once; alice's goes on.
    assert bob.post("/household/leave").status_code == 302
    assert app.test_client().get(bobs).status_code == 410
    assert read(app, alices)[0].status_code == 200


def test_members_list_and_revoke_feeds_and_outsiders_cannot(
    app: Flask, alice: Client, bob: Client, login_as: Any
) -> None:
    assert join(bob, invite(alice)).status_code == 302
    _, path = make_feed(alice)
    with app.app_context():
        feed = db.session.scalar(select(PlanFeed))
        assert feed is not None
        feed_id, hint, stored = feed.id, feed.hint, feed.token_hash
    token = path.removeprefix("/plan/").removesuffix(".ics")
    assert stored != token and token not in stored and hint == token[:6]  # only its hash is kept
    # Every member sees it listed (not its address), with who made it.
    page = bob.get("/plan").text
    assert f"/plan/{hint}….ics" in page and token not in page and "by alice" in page
    carol = login_as("carol")
    assert carol.post(f"/plan/feeds/{feed_id}/revoke").status_code == 404
    assert hint not in carol.get("/plan").text
    # Revoking asks first without JavaScript, then turns it off: a 410 from then on.
    ask = bob.post(f"/plan/feeds/{feed_id}/revoke", data={"ask_first": "1"})
    assert ask.status_code == 200 and "Revoke the calendar address" in ask.text
    assert read(app, path)[0].status_code == 200
    revoked = bob.post(f"/plan/feeds/{feed_id}/revoke")
    assert revoked.status_code == 303 and revoked.headers["Location"] == "/plan#feeds"
    gone = app.test_client().get(path)
    assert gone.status_code == 410 and b"BEGIN:VCALENDAR" not in gone.data
    assert "1 revoked address" in alice.get("/plan").text


def test_the_feed_notes_when_it_was_read_without_a_write_each_time(app: Flask, alice: Client) -> None:
    _, path = make_feed(alice)
    assert "not yet" in alice.get("/plan").text
    read(app, path)
    with app.app_context():
        first = db.session.scalar(select(PlanFeed.last_fetched_at))
    assert first is not None
    read(app, path)
    with app.app_context():
        assert db.session.scalar(select(PlanFeed.last_fetched_at)) == first  # within the hour: not written again


def test_addresses_that_do_not_open_are_404_and_rate_limited(app: Flask, alice: Client) -> None:
    _, path = make_feed(alice)
    token = path.removeprefix("/plan/").removesuffix(".ics")
    with app.app_context():
        stored = db.session.scalar(select(PlanFeed.token_hash))
    client = app.test_client()
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    for guess in (changed, token.upper(), token + "x", token[:-1], str(stored), "short", "a" * 129):
        response = client.get(f"/plan/{guess}.ics")
        assert response.status_code == 404, guess
        assert (
            response.headers["Cache-Control"] == "no-store" and response.headers["X-Robots-Tag"] == "noindex, nofollow"
        )
    app.config["RECIPES_FEED_RATE_LIMIT"] = RateLimit.per(3, 900)
    statuses = [client.get(f"/plan/{changed}{n}.ics").status_code for n in range(4)]
    assert statuses[-1] == 429 and "Retry-After" in client.get(f"/plan/{changed}.ics").headers
    # Another client is not held up; the right address still works for everyone.
    assert app.test_client().get(path, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200


def test_a_feed_address_is_private(app: Flask, alice: Client) -> None:
    _, path = make_feed(alice)
    response, _ = read(app, path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "Set-Cookie" not in response.headers
    assert app.test_client().head(path).status_code == 200


def test_a_household_has_a_bounded_number_of_live_feeds(app: Flask, alice: Client) -> None:
    for _ in range(limits.FEEDS_MAX):
        assert alice.post("/plan/feeds").status_code == 303
    refused = alice.post("/plan/feeds")
    assert refused.status_code == 400 and "20 calendar links already" in refused.text


@pytest.mark.parametrize("clock", ["07:05", "23:59", None])
def test_event_times(clock: str | None) -> None:
    day = date(2030, 1, 31)
    start, end = calendar.event_time(day, clock)
    if clock is None:
        assert (start, end) == (day, date(2030, 2, 1))
    else:
        assert isinstance(start, datetime) and start.strftime("%H:%M") == clock and end - start == calendar.MEAL_LENGTH


def test_a_backup_keeps_the_plan_and_its_feeds(app: Flask, alice: Client) -> None:
    from .test_backup import backup_of, restore_into

    soup = create_recipe(alice, title="Gazpacho", visibility="household")
    plan(alice, recipe_id=soup, servings=3)
    plan(alice, meal="lunch", title="Leftovers")
    _, path = make_feed(alice)
    saved = backup_of(app)
    alice.post(f"/recipes/{soup}/delete")
    assert "Gazpacho" in app.test_client().get(path).text  # (kept as the title of a deleted recipe)
    restore_into(app, saved)
    _, parsed = read(app, path)
    assert sorted(str(e["SUMMARY"]) for e in events(parsed)) == ["Gazpacho", "Leftovers"]
    assert any(str(e.get("URL", "")).endswith(f"/recipes/{soup}") for e in events(parsed))


def test_a_feed_stops_while_its_maker_is_disabled_and_goes_with_the_account(
    app: Flask, alice: Client, bob: Client
) -> None:
    from recipes.auth import lifecycle
    from recipes.models import User

    assert join(bob, invite(alice)).status_code == 302
    _, path = make_feed(bob)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bob"))
        assert user is not None and lifecycle.disable(user)
        db.session.commit()
    assert app.test_client().get(path).status_code == 410
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bob"))
        assert user is not None and lifecycle.enable(user)
        db.session.commit()
    assert app.test_client().get(path).status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bob"))
        db.session.delete(user)
        db.session.commit()
        assert db.session.scalar(select(PlanFeed)) is None
    assert app.test_client().get(path).status_code == 404
