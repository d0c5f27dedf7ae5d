"""Ratings, favourites and the cooking log in a real browser, phone-sized (390x844): alice rates
a recipe with the star buttons, marks it a favourite and logs "Cooked it", each without the page
reloading and with the focus kept where it was; bob, of her household, rates the recipe she
shares with it and she sees the household's average; the list's cards show her stars, and the
Filters panel finds her favourites, her best rated and what she has not cooked lately. Without
JavaScript the same buttons are forms that post and come back. Screenshots go to
test-artifacts/issue-19/ (the ones in docs/screenshots/issue-19/ were made here)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ..live_server import BIN
from .conftest import ARTIFACTS, serving
from .test_browser import register_first_user

PHONE: Any = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SHOTS = ARTIFACTS / "issue-19"
SOUP = {
    "Title": "Grandma's lentil soup",
    "Ingredients": "200 g red lentils\n1 onion, chopped\n2 carrots\n1 l vegetable stock",
    "Instructions": "Fry the onion.\nAdd the lentils, the carrots and the stock.\nSimmer 20 minutes.",
}


Server = tuple[str, Path, dict[str, str]]  # its address, config directory and environment


@pytest.fixture(scope="module")
def ratings_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Server]:
    config_dir = tmp_path_factory.mktemp("ratings-live")
    with serving(config_dir, f"recipes_ratings_browser_{worker_id}") as (base, env):
        yield base, config_dir, env


def cli(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run([str(BIN / "recipes"), *args], env=env, input=stdin, text=True, check=True, capture_output=True)


def phone(browser: Browser, **options: Any) -> tuple[BrowserContext, Page, list[str]]:
    """A phone-sized browser of its own, collecting console errors and failed assets."""
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

    def on_response(response: Any) -> None:
        # A page answered 400 or 404 is expected here; so is marks.js's fetch of a form sent
        # back with an error (a 400, which it shows).
        kind = response.request.resource_type
        if response.status >= 400 and kind != "document" and not (kind == "fetch" and response.status == 400):
            problems.append(f"{response.status} for {response.url}")

    page.on("response", on_response)
    return context, page, problems


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Recipes", exact=True)).to_be_visible()


def add_recipe(page: Page, base: str, fields: dict[str, str], who_sees: str = "Only me") -> int:
    page.goto(base + "/recipes/new")
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label(who_sees).check()
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fields["Title"])
    found = re.search(r"/recipes/(\d+)$", page.url)
    assert found, page.url
    return int(found.group(1))


def shot(page: Page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def test_rate_favourite_and_log_cooking_on_a_phone(browser: Browser, ratings_server: Server) -> None:
    base, config_dir, env = ratings_server
    alice_context, alice, alice_problems = phone(browser)
    bob_context, bob, bob_problems = phone(browser)
    try:
        register_first_user(alice, base, config_dir)
        cli(env, "create-user", "bob", stdin="battery staple\n")
        cli(env, "move-user", "bob", "--to", "alice")
        soup = add_recipe(alice, base, SOUP, who_sees="My household")
        pie = add_recipe(alice, base, {"Title": "Pecan pie", "Ingredients": "200 g pecans", "Instructions": "Bake."})
        add_recipe(alice, base, {"Title": "Rhubarb cobbler", "Ingredients": "500 g rhubarb", "Instructions": "Bake."})

        # The recipe page: nothing marked yet, so nothing above the ingredients; the stars and the
        # favourite after the recipe, with "Cooked it".
        alice.goto(f"{base}/recipes/{soup}")
        expect(alice.locator("#marks-summary")).to_be_hidden()
        rating = alice.get_by_role("group", name="Your rating")
        expect(rating).to_be_attached()
        for name in ("1 star", "2 stars", "3 stars", "4 stars", "5 stars"):
            expect(rating.get_by_role("button", name=name, exact=True)).to_have_attribute("aria-pressed", "false")
        rating.scroll_into_view_if_needed()
        for control in (rating.get_by_role("button", name="5 stars"), alice.get_by_role("button", name="Favourite")):
            box = control.bounding_box()
            assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
        expect(alice.get_by_text("You have not logged cooking it yet.")).to_be_visible()

        # Four stars, without a reload (a mark set on the window survives), the focus kept on the
        # button, and the change said for screen readers.
        alice.evaluate("window.notReloaded = true")
        four = rating.get_by_role("button", name="4 stars", exact=True)
        four.click()
        four = alice.get_by_role("group", name="Your rating").get_by_role("button", name="4 stars", exact=True)
        expect(four).to_have_attribute("aria-pressed", "true")
        expect(four).to_be_focused()
        expect(alice.locator("[data-marks-status]")).to_have_text("You rated it 4 stars.")
        expect(alice.locator(".marks-summary")).to_contain_text("Your rating: 4 of 5")
        assert alice.evaluate("window.notReloaded") is True

        # Keyboard: the next star is a Tab away, Enter gives it.
        alice.keyboard.press("Tab")
        alice.keyboard.press("Enter")
        expect(alice.get_by_role("button", name="5 stars", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(alice.get_by_role("button", name="5 stars", exact=True)).to_be_focused()

        favourite = alice.get_by_role("button", name="Favourite")
        expect(favourite).to_have_attribute("aria-pressed", "false")
        favourite.click()
        expect(alice.get_by_role("button", name="Favourite")).to_have_attribute("aria-pressed", "true")
        expect(alice.locator("[data-marks-status]")).to_have_text("Added to your favourites.")

        # "Cooked it" after the recipe: the day is today, a note, and the log shows it.
        alice.get_by_label("Note").fill("Less salt next time.")
        alice.get_by_role("button", name="Cooked it").click()
        log = alice.locator("#cooking-log")
        expect(log.get_by_role("listitem")).to_have_count(1)
        expect(log.get_by_role("listitem").first).to_contain_text("(today): Less salt next time.")
        expect(alice.locator(".marks-summary")).to_contain_text("Cooked today, 1 time")
        expect(alice.get_by_role("button", name="Cooked it")).to_be_focused()
        assert alice.evaluate("window.notReloaded") is True
        # A day that has not come is refused where it was typed (the field's max keeps the
        # browser's picker from offering it; typed into the box, the server says so).
        alice.get_by_label("Day").evaluate("field => { field.removeAttribute('max'); field.value = '2999-01-01'; }")
        alice.get_by_role("button", name="Cooked it").click()
        expect(alice.get_by_role("alert").filter(has_text="That day has not come yet")).to_be_visible()
        expect(alice.get_by_label("Day")).to_have_attribute("aria-invalid", "true")
        expect(log.get_by_role("listitem")).to_have_count(1)

        # bob, of alice's household, gives the shared soup two stars: alice sees the average.
        log_in(bob, base, "bob", "battery staple")
        bob.goto(f"{base}/recipes/{soup}")
        bob.get_by_role("button", name="2 stars", exact=True).click()
        expect(bob.get_by_role("button", name="2 stars", exact=True)).to_have_attribute("aria-pressed", "true")
        alice.goto(f"{base}/recipes/{soup}")
        expect(alice.locator(".marks-summary")).to_contain_text("Household: 3.5 of 5 (2 ratings)")
        assert bob.goto(f"{base}/recipes/{pie}").status == 404  # alice's private pie: not his to rate

        # The list: the cards show alice's stars (and say them in words); the Filters find them.
        alice.get_by_role("button", name="3 stars", exact=True).click()
        expect(alice.get_by_role("button", name="3 stars", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(alice.locator(".marks-summary")).to_contain_text("Household: 2.5 of 5 (2 ratings)")
        # Under the title, one line says it all; the first ingredient is still on the first screen.
        alice.evaluate("window.scrollTo(0, 0)")
        expect(alice.locator("#marks-summary")).to_be_in_viewport()
        first = alice.locator(".ingredients li").first.bounding_box()
        assert first is not None and first["y"] + first["height"] < 844, first
        shot(alice, "ratings-recipe-phone.png")
        alice.locator("#cooking-log").scroll_into_view_if_needed()
        shot(alice, "ratings-rate-phone.png")
        alice.goto(f"{base}/recipes/")
        card = alice.locator("article.recipe-card", has_text="Grandma's lentil soup")
        expect(card.locator(".card-stars")).to_contain_text("★★★☆☆")
        expect(card.get_by_text("Your rating: 3 of 5 stars")).to_be_attached()
        expect(alice.locator("article.recipe-card", has_text="Pecan pie").locator(".card-stars")).to_have_count(0)
        shot(alice, "ratings-list-phone.png")

        alice.locator("details.filters summary").click()
        alice.get_by_label("Only my favourites").check()
        expect(alice).to_have_url(re.compile(r"[?&]favourite=1"))
        expect(alice.locator("article.recipe-card")).to_have_count(1)
        alice.get_by_label("Only my favourites").uncheck()
        alice.get_by_label("My rating").select_option("3")
        expect(alice).to_have_url(re.compile(r"[?&]min_rating=3"))
        expect(alice.locator("article.recipe-card")).to_have_count(1)
        alice.get_by_label("My rating").select_option("")
        alice.get_by_label("Not cooked in (days)").fill("30")
        expect(alice).to_have_url(re.compile(r"[?&]not_cooked_days=30"))
        expect(alice.locator("article.recipe-card")).to_have_count(2)  # not the soup, cooked today
        expect(alice.locator("#filter-count")).to_have_text("1 active")
        alice.get_by_label("Sort by").select_option("rating")
        expect(alice).to_have_url(re.compile(r"[?&]sort=rating"))
        shot(alice, "ratings-filters-phone.png", full_page=True)
        alice.goto(f"{base}/recipes/?sort=rating")
        expect(alice.locator("article.recipe-card h3").first).to_have_text("Grandma's lentil soup")
        alice.goto(f"{base}/recipes/?sort=last_cooked")
        expect(alice.locator("article.recipe-card h3").first).to_have_text("Grandma's lentil soup")

        assert alice_problems == [] and bob_problems == [], (alice_problems, bob_problems)
    finally:
        alice_context.close()
        bob_context.close()


def test_without_javascript_the_buttons_are_forms(browser: Browser, ratings_server: Server) -> None:
    base, _, env = ratings_server
    context, page, problems = phone(browser, java_script_enabled=False)
    try:
        cli(env, "create-user", "carol", stdin="correct horse\n")
        log_in(page, base, "carol", "correct horse")
        flatbread = {"Title": "Carol's flatbread", "Servings / yield": "2", "Ingredients": "200 g flour"}
        recipe = add_recipe(page, base, flatbread)
        page.goto(f"{base}/recipes/{recipe}?servings=4")
        page.get_by_role("button", name="5 stars", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/recipes/{recipe}\?servings=4#marks$"))  # back at the stars
        expect(page.get_by_role("status").filter(has_text="You rated it 5 stars.")).to_be_attached()
        expect(page.get_by_role("button", name="5 stars", exact=True)).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#marks-summary")).to_contain_text("Your rating: 5 of 5")
        shot(page, "ratings-nojs-phone.png")
        page.get_by_role("button", name="Favourite").click()
        expect(page.get_by_role("button", name="Favourite")).to_have_attribute("aria-pressed", "true")
        page.get_by_label("Day").fill("2026-03-14")
        page.get_by_role("button", name="Cooked it").click()
        expect(page).to_have_url(re.compile(r"#cooking-log$"))
        expect(page.locator("#cooking-log li")).to_contain_text("14 March 2026")
        page.get_by_role("button", name="Remove 14 March 2026").click()
        expect(page.locator("#cooking-log li")).to_have_count(0)
        page.get_by_role("button", name="Clear your rating").click()
        expect(page.get_by_role("button", name="5 stars", exact=True)).to_have_attribute("aria-pressed", "false")
        assert problems == [], problems
    finally:
        context.close()


def test_the_screenshots_readme_lists_every_picture() -> None:
    """docs/screenshots/issue-19/README.md lists every picture this module makes, and each is there."""
    folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "issue-19"
    listed = set(re.findall(r"\((ratings-[\w-]+\.png)\)", (folder / "README.md").read_text(encoding="utf-8")))
    made = set(re.findall(r'"(ratings-[\w-]+\.png)"', Path(__file__).read_text(encoding="utf-8")))
    assert made == listed, made ^ listed
    assert all((folder / name).is_file() for name in listed), listed
