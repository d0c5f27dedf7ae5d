"""A shopping list in real browsers, phone-sized (390x844), against a real Gunicorn (SQLite, or
PostgreSQL when the suite runs on it): alice adds two recipes to a list (they merge), shops it on
her phone while bob's phone shows the same list; a check-off on one is seen on the other within 5 s
without a reload. bob's phone goes offline, checks off and adds; back online, nothing is lost, on
either phone or in the database. Without JavaScript the same list still works with plain forms.

Screenshots go to test-artifacts/shopping/ (docs/screenshots/issue-18/ keeps a set of them)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import ARTIFACTS, serving
from .test_browser import register_first_user
from .world import cli, csrf_token, post

PHONE: Any = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = ARTIFACTS / "shopping"
SEEN_WITHIN_MS = 5000

SOUP = {
    "title": "Lentil soup",
    "ingredients": "200 g red lentils\n1 onion, chopped\n2 cups milk\n200 g flour\nsalt to taste\n2 carrots",
    "instructions": "Simmer.",
    "servings": "4",
}
PIE = {
    "title": "Onion pie",
    "ingredients": "250 ml milk\n2 onions\n1 kg flour\n3 eggs",
    "instructions": "Bake.",
    "servings": "6",
}


@pytest.fixture(scope="module")
def shop(browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[dict[str, Any]]:
    """A server with alice (the admin) and bob in her household, two recipes and a list."""
    config_dir = tmp_path_factory.mktemp("shopping-live")
    with serving(config_dir, f"recipes_shopping_browser_{worker_id}") as (base, env):
        context = browser.new_context()
        page = context.new_page()
        register_first_user(page, base, config_dir)
        cli(env, "create-user", "bob", stdin="battery staple\n")
        cli(env, "move-user", "bob", "--to", "alice")
        csrf = csrf_token(context, base)
        recipes = []
        for fields in (SOUP, PIE):
            location = post(
                context, f"{base}/recipes/new", form={"csrf_token": csrf, **fields, "visibility": "household"}
            )
            recipes.append(int(location.rsplit("/", 1)[1]))
        alice_state = context.storage_state()
        context.close()
        yield {"base": base, "config_dir": config_dir, "env": env, "alice": alice_state, "recipes": recipes}


def signed_in(
    browser: Browser, shop: dict[str, Any], who: str, **options: Any
) -> tuple[BrowserContext, Page, list[str]]:
    """A phone of its own, signed in as `who`, collecting console errors and failed requests."""
    if who == "alice":
        context = browser.new_context(**PHONE, storage_state=shop["alice"], **options)
    else:
        context = browser.new_context(**PHONE, **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )
    if who != "alice":
        page.goto(shop["base"] + "/auth/login")
        page.get_by_label("Username").fill(who)
        page.get_by_label("Password").fill("battery staple")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recipes")
    return context, page, problems


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"list-{name}.png"), full_page=True)


def shot_of(page: Page, name: str, *, full_page: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def row(page: Page, text: str) -> Any:
    return page.locator("#items li.item", has_text=text)


def rows_in_database(shop: dict[str, Any], list_id: int) -> list[tuple[str, bool]]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    url = shop["env"].get("DATABASE_URL") or f"sqlite:///{shop['config_dir'] / 'recipes.db'}"
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            found = connection.execute(
                text("SELECT text, checked FROM shopping_item WHERE list_id = :id ORDER BY text"), {"id": list_id}
            )
            return [(t, bool(c)) for t, c in found]
    finally:
        engine.dispose()


def test_two_phones_shop_one_list_and_one_goes_offline(browser: Browser, shop: dict[str, Any]) -> None:
    base = shop["base"]
    soup, _pie = shop["recipes"]
    alice_context, alice, alice_problems = signed_in(browser, shop, "alice")
    bob_context, bob, bob_problems = signed_in(browser, shop, "bob")
    try:
        # alice: the soup from its page, onto a new list, at 8 servings; then the pie from the list.
        alice.goto(f"{base}/recipes/{soup}")
        alice.locator("#add-to-list summary").click()
        alice.get_by_label("Servings to shop for").fill("8")
        shot(alice, "1-add-from-a-recipe")
        alice.get_by_role("button", name="Add to the list").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text("Groceries")
        list_url = alice.url
        list_id = int(re.search(r"/lists/(\d+)$", list_url).group(1))  # type: ignore[union-attr]
        alice.locator("#add-recipe summary").click()
        alice.get_by_label("Find one of your recipes").fill("pie")
        alice.get_by_role("button", name="Find").click()
        alice.get_by_role("button", name="Add “Onion pie”").click()
        expect(alice.get_by_text("Added “Onion pie”")).to_be_visible()
        for merged in ("4 onions", "5 cups milk", "1.4 kg flour", "400 g red lentils", "4 carrots", "3 eggs"):
            expect(row(alice, merged)).to_be_visible()
        expect(alice.locator("#items")).not_to_contain_text("salt")  # a pantry staple
        shot(alice, "2-merged-by-aisle")

        # bob opens the same list on his phone.
        bob.goto(list_url)
        expect(row(bob, "4 onions")).to_be_visible()

        # alice checks off the onions: bob sees it within 5 s, without reloading.
        row(alice, "4 onions").get_by_role("button", name="Check off: 4 onions").click()
        expect(alice.locator(".checked-items")).to_contain_text("4 onions")
        expect(bob.locator(".checked-items li.item.checked", has_text="4 onions")).to_be_visible(timeout=SEEN_WITHIN_MS)
        shot(bob, "3-seen-on-the-other-phone")

        # bob goes offline (in the shop's basement): checks off the milk, adds bread.
        bob_context.set_offline(True)
        row(bob, "5 cups milk").get_by_role("button", name="Check off: 5 cups milk").click()
        bob.get_by_label("Add an item").fill("1 loaf sourdough bread")
        bob.get_by_role("button", name="Add", exact=True).click()
        expect(bob.locator("[data-sync-status]")).to_contain_text("Offline: 2 changes will be sent")
        expect(bob.locator("[data-pending]")).to_contain_text("1 loaf sourdough bread")
        expect(bob.locator(".checked-items")).to_contain_text("5 cups milk")
        expect(bob.locator(".checked-items h2")).to_have_text("In the basket (2)")
        shot(bob, "4-offline-queued")
        # Meanwhile alice checks off the eggs: both phones' changes must survive.
        row(alice, "3 eggs").get_by_role("button", name="Check off: 3 eggs").click()
        expect(alice.locator(".checked-items")).to_contain_text("3 eggs")

        # bob is back: his queue is sent, and nothing is lost anywhere.
        bob_context.set_offline(False)
        expect(bob.locator("[data-sync-status]")).to_be_hidden(timeout=10_000)
        expect(row(bob, "1 loaf sourdough bread")).to_be_visible()
        expect(bob.locator("[data-pending] li")).to_have_count(0)
        for checked in ("4 onions", "5 cups milk", "3 eggs"):
            expect(bob.locator(".checked-items")).to_contain_text(checked, timeout=SEEN_WITHIN_MS)
            expect(alice.locator(".checked-items")).to_contain_text(checked, timeout=SEEN_WITHIN_MS)
        expect(row(alice, "1 loaf sourdough bread")).to_be_visible(timeout=SEEN_WITHIN_MS)
        assert bob.evaluate(f"localStorage.getItem('recipes.shopping.{list_id}.queue')") is None
        in_database = rows_in_database(shop, list_id)
        assert ("1 loaf sourdough bread", False) in in_database
        assert {t for t, checked in in_database if checked} == {"4 onions", "5 cups milk", "3 eggs"}
        shot(alice, "5-back-online-nothing-lost")

        # A reload shows the same; clearing the basket takes the checked rows away on both phones.
        bob.reload()
        expect(bob.locator(".checked-items li")).to_have_count(3)
        bob.get_by_role("button", name="Clear checked items").click()
        expect(bob.locator(".checked-items")).to_have_count(0)
        expect(alice.locator(".checked-items")).to_have_count(0, timeout=SEEN_WITHIN_MS)
        assert len(rows_in_database(shop, list_id)) == 4
        # The print view.
        alice.goto(f"{list_url}/print")
        expect(alice.locator(".shopping-print")).to_contain_text("1 loaf sourdough bread")
        shot(alice, "6-print")
    finally:
        alice_context.close()
        bob_context.close()
    assert alice_problems == [] and bob_problems == [], alice_problems + bob_problems


def test_a_household_plans_two_recipes_and_shops_for_the_week(browser: Browser, shop: dict[str, Any]) -> None:
    """alice plans the soup (at 8 servings), bob the pie (at its own 6), each on a day of this week;
    on her phone alice opens "Shop for this week" on the planner, sends it to a new list, and the
    list has the two recipes merged, as when they are added one by one."""
    base = shop["base"]
    soup, pie = shop["recipes"]
    today = date.today()
    other_day = today + timedelta(days=1) if today.weekday() != 6 else today - timedelta(days=1)  # same week
    alice_context, alice, alice_problems = signed_in(browser, shop, "alice")
    bob_context, _bob, bob_problems = signed_in(browser, shop, "bob")
    try:
        for context, recipe_id, day, servings in ((alice_context, soup, today, "8"), (bob_context, pie, other_day, "")):
            form = {"date": day.isoformat(), "meal": "dinner", "recipe_id": str(recipe_id), "servings": servings}
            post(context, f"{base}/plan/entries", form={"csrf_token": csrf_token(context, base), **form})
        alice.goto(f"{base}/plan")
        expect(alice.locator("#shop-week")).not_to_have_attribute("open", "")
        # Folded beside "Copy last week": one row of buttons, the days right under them.
        copy_box = alice.get_by_role("button", name="Copy last week").bounding_box()
        shop_box = alice.locator("#shop-week > summary").bounding_box()
        assert copy_box and shop_box and abs(copy_box["y"] - shop_box["y"]) < 2, (copy_box, shop_box)
        alice.get_by_text("Shop for this week").click()
        alice.get_by_label("List").select_option(value="new")
        week_start = alice.locator(".plan-days").get_attribute("data-plan-week") or ""
        expect(alice.get_by_label("From")).to_have_value(week_start)
        expect(alice.get_by_label("Days")).to_have_value("7")
        alice.evaluate("window.scrollTo(0, 0)")
        shot_of(alice, "planner-phone-shop-for-the-week", full_page=False)
        alice.get_by_role("button", name="Add to the list").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Groceries( \d+)?$"))
        expect(alice.get_by_text("Added 2 recipes planned from")).to_be_visible()
        list_id = int(re.search(r"/lists/(\d+)$", alice.url).group(1))  # type: ignore[union-attr]
        for merged in ("4 onions", "5 cups milk", "1.4 kg flour", "400 g red lentils", "4 carrots", "3 eggs"):
            expect(row(alice, merged)).to_be_visible()
        assert sorted(t for t, _ in rows_in_database(shop, list_id)) == sorted(
            ["4 onions", "5 cups milk", "1.4 kg flour", "400 g red lentils", "4 carrots", "3 eggs"]
        )
        expect(alice.locator("#recipes")).to_contain_text("Lentil soup")
        expect(alice.locator("#recipes")).to_contain_text("Onion pie")
        shot_of(alice, "list-8-from-the-plan", full_page=True)
    finally:
        alice_context.close()
        bob_context.close()
    assert alice_problems == [] and bob_problems == [], alice_problems + bob_problems


def test_a_list_works_without_javascript(browser: Browser, shop: dict[str, Any]) -> None:
    context, page, problems = signed_in(browser, shop, "alice", java_script_enabled=False)
    try:
        page.goto(shop["base"] + "/lists")
        page.get_by_label("Name of the list").fill("Market")
        page.get_by_role("button", name="Make the list").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Market")
        page.get_by_label("Add an item").fill("2 kg potatoes")
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_label("Add an item").fill("500 g potatoes")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(row(page, "2.5 kg potatoes")).to_be_visible()
        row(page, "2.5 kg potatoes").get_by_role("button", name="Check off: 2.5 kg potatoes").click()
        expect(page.locator(".checked-items")).to_contain_text("2.5 kg potatoes")
        shot(page, "7-without-javascript")
        page.get_by_role("button", name="Clear checked items").click()
        expect(page.get_by_text("Cleared 1 checked item.")).to_be_visible()
        expect(page.get_by_text("Nothing on the list yet.")).to_be_visible()
    finally:
        context.close()
    assert problems == []


def test_the_lists_page_on_a_phone(browser: Browser, shop: dict[str, Any]) -> None:
    context, page, problems = signed_in(browser, shop, "alice")
    try:
        page.goto(shop["base"] + "/recipes/")
        page.get_by_role("button", name="Menu").click()
        page.locator(".site-menu").get_by_role("link", name="Lists").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Shopping lists")
        shot(page, "0-lists")
    finally:
        context.close()
    assert problems == []


def test_screenshots_are_kept_in_the_docs_when_asked(shop: dict[str, Any]) -> None:
    """With RECIPES_KEEP_SCREENSHOTS set, the run's pictures replace docs/screenshots/issue-18/'s."""
    import os

    if not os.environ.get("RECIPES_KEEP_SCREENSHOTS"):
        pytest.skip("set RECIPES_KEEP_SCREENSHOTS=1 to copy the pictures into docs/screenshots/issue-18/")
    docs = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "issue-18"
    docs.mkdir(parents=True, exist_ok=True)
    for picture in sorted([*SHOTS.glob("list-*.png"), *SHOTS.glob("planner-*.png")]):
        shutil.copy(picture, docs / picture.name)
    assert any(docs.glob("list-*.png"))
