"""The shell and the pages of issue 15 (items 3, 5, 9) in a real browser, at a phone's size
(390x844) and a desk's (1280x900), light and dark: no page scrolls sideways, the phone's
header is one row with a working menu, cards are compact on a phone and the list/grid
choice sticks, a recipe's ingredients start on the first phone screen, focus rings show,
tag fields suggest. Screenshots go to test-artifacts/issue15/h15-shell/after/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ARTIFACTS, served_app
from .shell_tour import DESK, PHONE, seed_library
from .test_accounts_browser import log_in

SHOTS = ARTIFACTS / "issue15" / "h15-shell" / "after"


@pytest.fixture(scope="module")
def library(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[tuple[str, dict[str, int]]]:
    """A server with alice's seeded library (and bob, for the accounts page)."""
    config_dir = tmp_path_factory.mktemp("shell-live")
    with served_app(config_dir, f"recipes_shell_browser_{worker_id}", RECIPES_ALLOW_SIGNUP="true") as base:
        page, ids = seed_library(browser, base, config_dir)
        page.context.close()
        yield base, ids


def signed_in(page: Page, base: str) -> Page:
    log_in(page, base, "alice", "correct horse")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recipes")
    return page


def pages_of(base: str, ids: dict[str, int]) -> dict[str, str]:
    shakshuka = ids["Shakshuka"]
    return {
        "list": "/recipes/",
        "recipe": f"/recipes/{shakshuka}",
        "edit": f"/recipes/{shakshuka}/edit",
        "account": "/auth/account",
        "admin-accounts": "/admin/accounts/",
        "tags": "/recipes/tags",
        "import": "/recipes/import",
        "not-found": "/recipes/no-such-page",
    }


def sideways_scroll(page: Page) -> int:
    """How many pixels the page is wider than the window (0: none)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def header_rows(page: Page) -> int:
    """How many rows the header's visible parts take (by their tops)."""
    tops = page.evaluate(
        """() => Array.from(document.querySelectorAll('body > header.site nav > *'))
            .filter(e => getComputedStyle(e).display !== 'none')
            .map(e => Math.round(e.getBoundingClientRect().top))"""
    )
    return len({top // 8 for top in tops})  # within a few pixels is one row


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_and_the_header_is_one_row(
    page: Page, library: tuple[str, dict[str, int]], scheme: str
) -> None:
    base, ids = library
    signed_in(page, base)
    page.emulate_media(color_scheme=scheme)
    SHOTS.mkdir(parents=True, exist_ok=True)
    suffix = "" if scheme == "light" else "-dark"
    for size_name, size in (("390x844", PHONE), ("1280x900", DESK)):
        page.set_viewport_size(size)
        for name, path in pages_of(base, ids).items():
            page.goto(base + path)
            assert sideways_scroll(page) == 0, (name, size_name)
            assert header_rows(page) == 1, (name, size_name)
            if size is PHONE:  # one row, not ~130 px of logo and links
                assert page.locator("body > header.site").bounding_box()["height"] < 72, name  # type: ignore[index]
            page.screenshot(path=str(SHOTS / f"{name}-{size_name}{suffix}.png"), full_page=True)
        page.goto(base + f"/recipes/{ids['Shakshuka']}")
        page.locator("#share").screenshot(path=str(SHOTS / f"share-panel-{size_name}{suffix}.png"))


def test_the_phone_menu_opens_without_scrolling_sideways_and_every_link_works(
    page: Page, library: tuple[str, dict[str, int]]
) -> None:
    base, _ = library
    signed_in(page, base)
    page.set_viewport_size(PHONE)
    page.goto(base + "/recipes/")
    desk_links = page.locator("body > header .site-links")
    expect(desk_links).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    page.wait_for_timeout(400)  # Pico fades the menu in
    items = page.locator("details.site-menu > ul")
    for name in ("Tags", "New recipe", "Import", "alice"):
        link = items.get_by_role("link", name=name, exact=True)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    expect(items.get_by_role("button", name="Log out")).to_be_visible()
    assert sideways_scroll(page) == 0
    page.screenshot(path=str(SHOTS / "menu-open-390x844.png"))
    items.get_by_role("link", name="New recipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New recipe")

    # The desk shows the same links in a row, no menu.
    page.set_viewport_size(DESK)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator("body > header .site-links").get_by_role("link", name="Tags")).to_be_visible()


def test_compact_cards_on_a_phone_and_the_layout_choice_sticks(page: Page, library: tuple[str, dict[str, int]]) -> None:
    base, _ = library
    signed_in(page, base)
    page.set_viewport_size(PHONE)
    page.goto(base + "/recipes/")
    cards = page.locator(".recipe-grid.layout-grid article")
    expect(cards).to_have_count(6)
    # A phone shows several recipes on its first screen, each a short card with the picture beside the title.
    heights = [cards.nth(i).bounding_box()["height"] for i in range(3)]  # type: ignore[index]
    assert max(heights) < 150, heights
    picture, title = cards.first.locator(".card-picture").bounding_box(), cards.first.locator("h3").bounding_box()
    assert picture is not None and title is not None and picture["x"] + picture["width"] <= title["x"]

    page.get_by_role("button", name="List").click()
    expect(page.locator(".recipe-grid.layout-list article")).to_have_count(6)
    expect(page.get_by_role("button", name="List")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=str(SHOTS / "list-layout-390x844.png"), full_page=True)
    page.set_viewport_size(DESK)
    page.reload()
    expect(page.locator(".recipe-grid.layout-list")).to_be_visible()  # kept for the account
    assert sideways_scroll(page) == 0
    page.screenshot(path=str(SHOTS / "list-layout-1280x900.png"), full_page=True)
    # The choice keeps the search it was made on.
    page.goto(base + "/recipes/?q=pie")
    page.get_by_role("button", name="Grid").click()
    expect(page).to_have_url(re.compile(r"/recipes/\?q=pie$"))
    expect(page.locator(".recipe-grid.layout-grid")).to_be_visible()


def test_a_recipes_ingredients_start_on_the_first_phone_screen(page: Page, library: tuple[str, dict[str, int]]) -> None:
    base, ids = library
    signed_in(page, base)
    page.set_viewport_size(PHONE)
    page.goto(base + f"/recipes/{ids['Shakshuka']}")  # with a picture and a short description
    header = page.locator("article.recipe > header")
    for action in ("Edit", "Delete", "Share", "Print"):
        box = header.get_by_role("button", name=action).bounding_box()
        assert box is not None and box["y"] + box["height"] < 300, action
    ingredients = page.get_by_role("heading", name="Ingredients").bounding_box()
    first = page.locator(".ingredients li").first.bounding_box()
    assert ingredients is not None and first is not None
    assert first["y"] + first["height"] < PHONE["height"], first
    # Serves and the times share one line.
    facts = page.locator(".recipe-meta .fact")
    serves, times = facts.nth(0).bounding_box(), facts.nth(1).bounding_box()
    assert serves is not None and times is not None and abs(serves["y"] - times["y"]) < 2
    page.screenshot(path=str(SHOTS / "recipe-first-screen-390x844.png"))
    header.get_by_role("button", name="Share").click()
    expect(page.locator("#share")).to_be_in_viewport()


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: list[float], other: list[float]) -> float:
    a, b = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _focus_ring(page: Page) -> tuple[float, list[float], list[float]]:
    """The focused element's outline width and colour, and the page's background colour."""
    found = page.evaluate(
        """() => {
            const rgb = c => c.match(/[\\d.]+/g).map(Number);
            const style = getComputedStyle(document.activeElement);
            return [style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
                    rgb(style.outlineColor), rgb(getComputedStyle(document.body).backgroundColor)];
        }"""
    )
    return float(found[0]), found[1], found[2]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_rings_show_in_both_schemes_and_the_skip_link_comes_first(
    page: Page, library: tuple[str, dict[str, int]], scheme: str
) -> None:
    base, ids = library
    signed_in(page, base)
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size(PHONE)
    page.goto(base + f"/recipes/{ids['Shakshuka']}/edit")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Title")).to_be_focused()  # past the header, into the content

    for name, field in (("title", page.get_by_label("Title")), ("file", page.get_by_label("Picture", exact=True))):
        if name == "file":
            page.get_by_label("Source URL").focus()
            page.keyboard.press("Tab")
        expect(field).to_be_focused()
        width, colour, background = _focus_ring(page)
        assert width >= 2, (name, width)
        assert _contrast(colour, background) >= 3, (name, colour, background)
    page.screenshot(path=str(SHOTS / f"focus-file-picker-390x844-{scheme}.png"))
    page.keyboard.press("Shift+Tab")
    width, colour, background = _focus_ring(page)
    assert width >= 2 and _contrast(colour, background) >= 3


def test_the_tag_field_suggests_for_the_word_after_the_comma(page: Page, library: tuple[str, dict[str, int]]) -> None:
    base, _ = library
    signed_in(page, base)
    page.goto(base + "/recipes/new")
    tags = page.get_by_label("Tags")
    tags.fill("Brunch, veg")
    offered = page.locator("#tag-suggestions option").evaluate_all("options => options.map(o => o.value)")
    assert offered == ["Brunch, Vegan", "Brunch, Vegetarian"]
    tags.fill("sou")
    offered = page.locator("#tag-suggestions option").evaluate_all("options => options.map(o => o.value)")
    assert offered == ["Soup"]


def test_the_404_page_offers_a_way_on(page: Page, library: tuple[str, dict[str, int]]) -> None:
    base, _ = library
    signed_in(page, base)
    page.goto(base + "/recipes/999999")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.get_by_label("Look for a recipe instead").fill("pecan")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".recipe-grid h3")).to_have_text(["Pecan pie"])
