"""The meal planner in a real browser (issue 18), against a real Gunicorn: on a phone (390x844),
alice plans a recipe from the week's "+ Add" (a dialog, searching as she types), plans another
from its recipe page ("Plan this"), and a note; on a desk (1280x900) she drags a meal to another
day, asks for a suggestion, and makes a calendar address that an iCalendar reader takes; with
JavaScript off, the same moves work through plain forms. No console errors, no failed assets.
Screenshots go to test-artifacts/planner/ (the ones in docs/screenshots/issue-18/ come from here).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user

PHONE: Any = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESK: Any = {"viewport": {"width": 1280, "height": 900}}
SHOTS = ARTIFACTS / "planner"
TODAY = date.today()
# Another day of this week (the household's weeks start on Monday): tomorrow, or on a Sunday yesterday.
OTHER_DAY = TODAY + timedelta(days=1) if TODAY.weekday() != 6 else TODAY - timedelta(days=1)


@pytest.fixture(scope="module")
def planner_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("planner-live")


@pytest.fixture(scope="module")
def planner_server(planner_config_dir: Path, worker_id: str) -> Iterator[str]:
    with served_app(planner_config_dir, f"recipes_planner_browser_{worker_id}") as base:
        yield base


def browser_context(browser: Browser, size: Any, **options: Any) -> tuple[BrowserContext, Page, list[str]]:
    """A browser of its own, collecting console errors, script errors and failed assets."""
    context = browser.new_context(**size, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # A page answered 400 (a form sent back with its message) logs "Failed to load resource" for itself.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    page.on("response", on_response)
    return context, page, problems


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"planner-{name}.png"), full_page=full_page)


def add_recipe(page: Page, base: str, title: str, tags: str, servings: str = "4", ingredients: str = "2 onions") -> str:
    page.goto(base + "/recipes/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Ingredients").fill(ingredients)
    page.get_by_label("Instructions").fill("Chop.\nSimmer.")
    page.get_by_label("Servings").fill(servings)
    page.get_by_label("Tags").fill(tags)
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return page.url


def day(page: Page, when: date) -> Any:
    return page.locator(f"section#day-{when.isoformat()}")


def slot(page: Page, when: date, meal: str) -> Any:
    return day(page, when).locator(f".plan-slot[data-meal='{meal}']")


def test_a_week_planned_on_a_phone_and_a_desk(browser: Browser, planner_server: str, planner_config_dir: Path) -> None:
    base = planner_server
    phone_context, phone, phone_problems = browser_context(browser, PHONE)
    try:
        register_first_user(phone, base, planner_config_dir)
        add_recipe(phone, base, "Tomato soup", "dinner, soup", servings="4 bowls", ingredients="1 kg tomatoes")
        curry_url = add_recipe(phone, base, "Chickpea curry", "dinner")
        add_recipe(phone, base, "Bircher muesli", "breakfast", servings="2")
        add_recipe(phone, base, "Lentil dal", "dinner")

        # The week from the phone's menu: today marked, a day per row.
        phone.get_by_role("button", name="Menu").click()
        phone.locator(".site-menu").get_by_role("link", name="Plan").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Meal plan")
        expect(phone.locator("section.plan-day")).to_have_count(7)
        expect(day(phone, TODAY)).to_have_class("plan-day today")
        expect(day(phone, TODAY)).to_have_attribute("aria-current", "date")
        boxes = [phone.locator("section.plan-day").nth(n).bounding_box() for n in range(2)]
        assert boxes[0] and boxes[1] and boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1  # one per row

        # "+ Add" on today's dinner: a dialog over the week; results follow the typing.
        phone.wait_for_load_state("load")
        slot(phone, TODAY, "dinner").get_by_role("link", name="+ Add").click()
        dialog = phone.locator("dialog.plan-dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_label("Day")).to_have_value(TODAY.isoformat())
        expect(dialog.get_by_label("Meal")).to_have_value("dinner")
        dialog.get_by_label("Find a recipe").press_sequentially("tomato", delay=30)
        expect(dialog.locator("#plan-results .plan-pick-title")).to_have_text(["Tomato soup"])
        shot(phone, "phone-add-dialog", full_page=False)
        dialog.get_by_role("button", name="Add Tomato soup").click()
        expect(slot(phone, TODAY, "dinner").locator(".plan-entry-title")).to_have_text(["Tomato soup"])
        expect(slot(phone, TODAY, "dinner").locator(".plan-servings")).to_have_text("4 servings")

        # A note for lunch, in one click; the dialog follows a change of meal.
        phone.wait_for_load_state("load")  # (the page's script, which opens the dialog, has run)
        slot(phone, TODAY, "lunch").get_by_role("link", name="+ Add").click()
        dialog.get_by_label("Meal").select_option("breakfast")
        dialog.get_by_role("button", name="Leftovers").click()
        expect(slot(phone, TODAY, "breakfast").locator(".plan-entry-title")).to_have_text(["Leftovers"])

        # "Plan this" on a recipe page: another day's dinner, for six.
        phone.goto(curry_url)
        phone.get_by_role("button", name="Plan this").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Plan “Chickpea curry”")
        phone.get_by_label("Day").fill(OTHER_DAY.isoformat())
        phone.get_by_label("Meal").select_option("dinner")
        phone.get_by_label("Servings").fill("6")
        shot(phone, "phone-plan-this", full_page=False)
        phone.get_by_role("button", name="Add to the plan").click()
        expect(slot(phone, OTHER_DAY, "dinner").locator(".plan-entry-title")).to_have_text(["Chickpea curry"])
        expect(phone.locator(".flashes")).to_contain_text("Planned “Chickpea curry”")

        # A bad number is said by the browser before it is sent (the server says it too, see
        # tests/test_planner.py), and nothing changes.
        phone.wait_for_load_state("load")
        slot(phone, OTHER_DAY, "dinner").get_by_role("link", name="Change Chickpea curry").click()
        expect(dialog.get_by_role("heading", level=1)).to_have_text("Change “Chickpea curry”")
        servings = dialog.get_by_label("Servings")
        expect(servings).to_have_value("6")
        servings.fill("0")
        dialog.get_by_role("button", name="Save").click()
        assert servings.evaluate("field => !field.validity.valid && field.validationMessage !== ''")
        servings.fill("3")
        shot(phone, "phone-change-dialog", full_page=False)
        dialog.get_by_role("button", name="Save").click()
        expect(slot(phone, OTHER_DAY, "dinner").locator(".plan-servings")).to_have_text("3 servings")
        phone.goto(base + "/plan")
        shot(phone, "phone-week")
    finally:
        phone_context.close()

    desk_context, desk, desk_problems = browser_context(browser, DESK, storage_state=None)
    try:
        desk.goto(base + "/auth/login")
        desk.get_by_label("Username").fill("alice")
        desk.get_by_label("Password").fill("correct horse")
        desk.get_by_role("button", name="Log in").click()
        desk.goto(base + "/plan")
        # Seven columns, the meals lined up across them.
        columns = [desk.locator("section.plan-day").nth(n).bounding_box() for n in range(7)]
        assert all(c is not None for c in columns)
        assert len({round(c["y"]) for c in columns if c}) == 1  # side by side
        dinners = [slot(desk, when, "dinner") for when in (TODAY, OTHER_DAY)]
        assert abs(dinners[0].bounding_box()["y"] - dinners[1].bounding_box()["y"]) < 1  # type: ignore[index]

        # Drag today's soup to the other day's lunch.
        desk.wait_for_load_state("load")
        soup = slot(desk, TODAY, "dinner").locator(".plan-entry")
        soup.drag_to(slot(desk, OTHER_DAY, "lunch"))
        expect(slot(desk, OTHER_DAY, "lunch").locator(".plan-entry-title")).to_have_text(["Tomato soup"])
        expect(slot(desk, TODAY, "dinner").locator(".plan-entry")).to_have_count(0)
        shot(desk, "desk-week")

        # A suggestion for the empty dinner: a dinner recipe not planned lately.
        slot(desk, TODAY, "dinner").get_by_role("link", name="Suggest").click()
        expect(desk.locator("#suggestion-title")).to_have_text("Lentil dal")  # not the curry, planned this week
        shot(desk, "desk-suggest", full_page=False)
        desk.get_by_role("button", name="Plan it").click()
        expect(slot(desk, TODAY, "dinner").locator(".plan-entry-title")).to_have_text(["Lentil dal"])

        # A calendar address, shown once, that a calendar reads.
        desk.get_by_role("button", name="Make a calendar address").click()
        address = desk.get_by_label("Your new calendar address")
        url = address.input_value()
        assert url.startswith(base + "/plan/") and url.endswith(".ics")
        desk.locator("#feeds").scroll_into_view_if_needed()
        shot(desk, "desk-calendar", full_page=False)
        fetched = desk_context.request.get(url)
        assert fetched.status == 200 and fetched.headers["content-type"] == "text/calendar; charset=utf-8"
        calendar = icalendar.Calendar.from_ical(fetched.body())
        assert sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT")) == [
            "Chickpea curry",
            "Leftovers",
            "Lentil dal",
            "Tomato soup",
        ]
        desk.reload()
        expect(desk.get_by_label("Your new calendar address")).to_have_count(0)  # shown once
        desk.once("dialog", lambda confirm: confirm.accept())
        desk.locator("#feeds").get_by_role("button", name="Revoke").click()
        expect(desk.locator(".flashes")).to_contain_text("Revoked the calendar address")
        assert desk_context.request.get(url).status == 410
    finally:
        desk_context.close()

    # Without JavaScript: an entry's own page does what dragging does.
    plain_context, plain, plain_problems = browser_context(browser, PHONE, java_script_enabled=False)
    try:
        plain.goto(base + "/auth/login")
        plain.get_by_label("Username").fill("alice")
        plain.get_by_label("Password").fill("correct horse")
        plain.get_by_role("button", name="Log in").click()
        plain.goto(base + "/plan")
        slot(plain, TODAY, "dinner").get_by_role("link", name="Change Lentil dal").click()
        expect(plain.get_by_role("heading", level=1)).to_have_text("Change “Lentil dal”")
        plain.get_by_label("Day").fill(OTHER_DAY.isoformat())
        plain.get_by_label("Meal").select_option("breakfast")
        plain.get_by_role("button", name="Save").click()
        expect(slot(plain, OTHER_DAY, "breakfast").locator(".plan-entry-title")).to_have_text(["Lentil dal"])
        # "+ Add" is a page of its own: search, then add.
        slot(plain, TODAY, "dinner").get_by_role("link", name="+ Add").click()
        plain.get_by_label("Find a recipe").fill("muesli")
        plain.get_by_role("button", name="Search").click()
        plain.get_by_role("button", name="Add Bircher muesli").click()
        expect(slot(plain, TODAY, "dinner").locator(".plan-entry-title")).to_have_text(["Bircher muesli"])
        slot(plain, TODAY, "dinner").get_by_role("link", name="Change Bircher muesli").click()
        plain.get_by_role("button", name="Remove from the plan").click()
        expect(slot(plain, TODAY, "dinner").locator(".plan-entry")).to_have_count(0)
        expect(plain.locator(".flashes")).to_contain_text("Removed “Bircher muesli”")
    finally:
        plain_context.close()
    problems = phone_problems + desk_problems + plain_problems
    assert problems == [], problems
