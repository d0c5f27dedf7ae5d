"""Reviewing how ingredient lines were read, in a real browser at a phone's size (390x844) and a
desk's (1280x900): the edit page's table (stacked on the phone, nothing wider than the window), the
mark on a line the parser was unsure of, correcting a line and putting the parser's reading back
(with JavaScript off: plain forms and links), and the live preview as the ingredients box is typed
in (with it on). Screenshots go to docs/screenshots/issue-16/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from ..live_server import Browser as FormClient
from ..live_server import signup_form
from .conftest import REPO, served_app
from .test_search_browser import log_in

SHOTS = REPO / "docs" / "screenshots" / "issue-16"
SIZES = {"phone": (390, 844), "desk": (1280, 900)}
STEW = {
    "title": "Bean stew",
    "servings": "Serves 4",
    "ingredients": "Stew:\n2 cups dried beans\n2-3 cloves garlic, minced\n150g/5oz butter\n"
    "juice of half a lime\nsome cheese if you like\nTo serve:\nsalt",
    "instructions": "Soak the beans.\nSimmer.",
}
CHEESE = 5

# How far the page reaches past the window's right edge (0: nothing scrolls sideways).
OVERFLOW = "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"


@pytest.fixture(scope="module")
def stew_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[dict[str, str]]:
    """A server with one stew for each size (so each starts uncorrected): {size: its edit page}."""
    config_dir = tmp_path_factory.mktemp("review-live")
    with served_app(config_dir, f"recipes_review_browser_{worker_id}") as base:
        client = FormClient()
        assert client.submit(base + "/auth/register", signup_form(config_dir)) == 302
        for size in SIZES:
            assert client.submit(base + "/recipes/new", {**STEW, "title": f"Bean stew ({size})"}) == 302
        _, listing = client.get(base + "/recipes/")
        ids = {title: int(i) for i, title in re.findall(r'href="/recipes/(\d+)"[^>]*>\s*Bean stew \((\w+)\)', listing)}
        assert set(ids) == set(SIZES), listing[:3000]
        yield {"base": base, **{size: f"{base}/recipes/{ids[size]}/edit" for size in SIZES}}


def _page(browser: Browser, base: str, size: str, javascript: bool) -> Page:
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=size == "phone",
        has_touch=size == "phone",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    log_in(page, base)
    return page


@pytest.mark.parametrize("size", SIZES)
def test_review_and_correct_without_javascript(browser: Browser, stew_server: dict[str, str], size: str) -> None:
    edit = stew_server[size]
    page = _page(browser, stew_server["base"], size, javascript=False)
    try:
        page.goto(edit)
        review = page.locator("#ingredient-readings")
        expect(review.get_by_role("heading", name="How the ingredients were read")).to_be_visible()
        unsure = page.locator("#reading-4")
        expect(unsure.get_by_text("Check")).to_be_visible()
        expect(page.locator("#reading-2 td[data-label=Amount]")).to_have_text("2–3")
        assert page.evaluate(OVERFLOW) <= 0
        if size == "phone":  # stacked: each cell on its own line, under its row's first
            line = page.locator("#reading-1 td[data-label=Line]").bounding_box()
            amount = page.locator("#reading-1 td[data-label=Amount]").bounding_box()
            assert line and amount and amount["y"] >= line["y"] + line["height"] - 1

        # Correct a line: its own page, a plain form.
        page.locator(f"#reading-{CHEESE}").get_by_role("button", name=re.compile("Correct the reading")).click()
        expect(page.get_by_role("heading", name=f"How line {CHEESE + 1} is read")).to_be_visible()
        page.get_by_label("Amount").fill("abc")
        page.get_by_role("button", name="Save this reading").click()
        expect(page.get_by_text("Write the amount as a number")).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 0
        page.screenshot(path=str(_shot(f"review-line-refused-{size}.png")), full_page=True)
        page.get_by_label("Amount").fill("100")
        page.get_by_label("Unit").select_option("gram")
        page.get_by_label("Food").fill("cheddar")
        page.get_by_label("Note").fill("if you like")
        page.get_by_role("button", name="Save this reading").click()
        expect(page).to_have_url(f"{edit}#reading-{CHEESE}")
        row = page.locator(f"#reading-{CHEESE}")
        expect(row.get_by_text("Corrected by you")).to_be_visible()
        expect(row.locator("td[data-label=Food]")).to_have_text("cheddar")
        assert page.evaluate(OVERFLOW) <= 0
        page.locator("#ingredient-readings").scroll_into_view_if_needed()
        page.screenshot(path=str(_shot(f"review-{size}.png")), full_page=True)

        # And back to the parser's reading.
        row.get_by_role("button", name=re.compile("Use the parser's reading")).click()
        expect(page.get_by_text(f"Line {CHEESE + 1} is read by the parser again.")).to_be_visible()
        expect(page.locator(f"#reading-{CHEESE}").get_by_text("Corrected by you")).to_have_count(0)
    finally:
        page.context.close()


def test_the_table_follows_the_ingredients_box_with_javascript(browser: Browser, stew_server: dict[str, str]) -> None:
    page = _page(browser, stew_server["base"], "desk", javascript=True)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(stew_server["desk"])
        box = page.get_by_label("Ingredients")
        box.press("Control+End")
        box.press_sequentially("\n4 large eggs, beaten")
        table = page.locator("#ingredient-readings-table")
        expect(table.get_by_text("Not saved yet")).to_be_visible()
        new_row = page.locator("#reading-8")
        expect(new_row.locator("td[data-label=Amount]")).to_have_text("4")
        expect(new_row.locator("td[data-label=Food]")).to_contain_text("eggs")
        expect(table.get_by_role("button", name=re.compile("Correct the reading"))).to_have_count(0)  # save first
        expect(page.locator("#readings-status")).to_contain_text("not saved yet")
        page.locator("#ingredient-readings").screenshot(path=str(_shot("review-preview-desk.png")))
        # Back to the saved lines: the links come back.
        box.fill(STEW["ingredients"])
        expect(table.get_by_text("Not saved yet")).to_have_count(0)
        expect(table.get_by_role("button", name=re.compile("Correct the reading"))).to_have_count(6)
        assert errors == [], errors
    finally:
        page.context.close()


def _shot(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / name
