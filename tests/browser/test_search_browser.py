"""The recipe list's search in a real browser: the Filters panel's layout at phone and desk
sizes, in both colour schemes; relevance while typing; the count of active filters."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from ..live_server import Browser as FormClient
from ..live_server import signup_form
from .conftest import ARTIFACTS, served_app

SIZES = [(390, 844), (1280, 900)]
SCHEMES = ["light", "dark"]
RECIPES = [  # oldest first
    {"title": "Pecan pie", "ingredients": "200 g pecans\n1 pastry case", "tags": "dessert, baking"},
    {"title": "Red lentil soup", "ingredients": "200 g red lentils\n1 onion", "tags": "dinner, soup"},
    {"title": "Chicken traybake", "ingredients": "4 chicken thighs\n1 lemon", "tags": "dinner, quick"},
    {"title": "Rhubarb cobbler", "description": "Like a pie, without the pastry lid.", "tags": "dessert"},
]


@pytest.fixture(scope="module")
def search_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    config_dir = tmp_path_factory.mktemp("search-live")
    with served_app(config_dir, f"recipes_search_browser_{worker_id}") as base:
        client = FormClient()
        assert client.submit(base + "/auth/register", signup_form(config_dir)) == 302
        for recipe in RECIPES:
            assert client.submit(base + "/recipes/new", {"instructions": "Cook.", **recipe}) == 302
        yield base


def log_in(page: Page, base: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/recipes/$"))


# Every labelled control of the search form: its width, and the width of its label's longest
# word in the label's own font (a control narrower than that, or a label narrower than it,
# is the squeezed layout this guards against).
MEASURE = """() => {
  const form = document.querySelector("form[data-live-search]");
  const canvas = document.createElement("canvas").getContext("2d");
  const out = [];
  for (const label of form.querySelectorAll("label[for]")) {
    const control = document.getElementById(label.htmlFor);
    if (!control || control.offsetParent === null) continue;
    const style = getComputedStyle(label);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const longest = Math.max(...label.textContent.trim().split(/\\s+/).map((w) => canvas.measureText(w).width));
    out.push({
      name: label.htmlFor,
      kind: control.type,
      control: control.getBoundingClientRect().toJSON(),
      label: label.getBoundingClientRect().toJSON(),
      longest,
    });
  }
  return out;
}"""


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_filters_panel_is_laid_out_as_a_panel(
    browser: Browser, search_server: str, width: int, height: int, scheme: str
) -> None:
    phone = width < 576
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, search_server)
    # As after clicking a tag chip: the panel starts closed and says how many filters are on.
    page.goto(search_server + "/recipes/?tag=dinner&has=lentils")
    summary = page.locator("details.filters > summary")
    expect(summary).to_have_text(re.compile(r"^\s*Filters\s+2 active\s*$"))
    expect(page.locator(".recipe-grid h3")).to_have_text(["Red lentil soup"])
    summary.click()
    expect(page.get_by_label("Has ingredients")).to_be_visible()
    page.wait_for_timeout(300)  # Pico's chevron turns
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-filters-{width}x{height}-{scheme}.png"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    fields = {field["name"]: field for field in page.evaluate(MEASURE)}
    assert {"q", "sort", "tag", "match-any", "match-all", "has", "not", "max_time", "scope"} <= fields.keys()
    for name, field in fields.items():
        assert field["label"]["width"] + 1 >= field["longest"], f"label of {name} breaks inside a word"
        if field["kind"] not in ("radio", "checkbox"):
            assert field["control"]["width"] + 1 >= field["longest"], f"{name} is narrower than its label's words"
            assert field["control"]["width"] >= 100, f"{name} is only {field['control']['width']}px wide"
    # "Browse all tags" sits below the tag field, not over it.
    tag_box = page.get_by_label("Tags", exact=True).bounding_box()
    browse_box = page.get_by_role("link", name="Browse all tags").bounding_box()
    assert tag_box and browse_box and browse_box["y"] >= tag_box["y"] + tag_box["height"]
    # The search box comes first, before the panel, as wide as the page allows.
    search_box, panel_box = fields["q"]["control"], page.locator("details.filters").bounding_box()
    assert panel_box and search_box["bottom"] <= panel_box["y"]
    if phone:  # one column: every field the panel's full width
        for name in ("tag", "has", "not", "max_time", "scope"):
            assert fields[name]["control"]["width"] >= panel_box["width"] * 0.85, name
        assert search_box["width"] >= width * 0.85
    else:  # a grid: the four ingredient and time fields share one row
        assert len({round(fields[name]["control"]["top"]) for name in ("has", "not", "max_time", "scope")}) == 1
        assert search_box["width"] >= width * 0.5
    context.close()
    assert errors == []


def test_typing_a_query_ranks_by_relevance(page: Page, search_server: str) -> None:
    log_in(page, search_server)
    expect(page.locator(".recipe-grid h3").first).to_have_text("Rhubarb cobbler")  # newest first
    expect(page.get_by_label("Sort by")).to_have_value("")  # "Best match"
    page.get_by_label("Search").fill("pie")
    expect(page).to_have_url(re.compile(r"\?q=pie$"))
    expect(page.locator(".recipe-grid h3")).to_have_text(["Pecan pie", "Rhubarb cobbler"])
    # A sort picked is kept while typing.
    page.get_by_label("Sort by").select_option("newest")
    expect(page.locator(".recipe-grid h3")).to_have_text(["Rhubarb cobbler", "Pecan pie"])
    page.get_by_label("Search").fill("pie ")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    expect(page.locator(".recipe-grid h3")).to_have_text(["Rhubarb cobbler", "Pecan pie"])


def test_filter_count_follows_live_changes(page: Page, search_server: str) -> None:
    log_in(page, search_server)
    page.locator("details.filters > summary").click()
    count = page.locator("#filter-count")
    expect(count).to_be_hidden()
    page.get_by_label("Tags", exact=True).fill("dessert")
    expect(count).to_have_text("1 active")
    expect(page.locator(".recipe-grid h3")).to_have_text(["Rhubarb cobbler", "Pecan pie"])
    page.get_by_label("Whose").select_option("mine")
    expect(count).to_have_text("2 active")
    page.get_by_label("Tags", exact=True).fill("")
    page.get_by_label("Whose").select_option("all")
    expect(count).to_be_hidden()


def test_did_you_mean_while_typing(page: Page, search_server: str) -> None:
    log_in(page, search_server)
    page.get_by_label("Search").fill("lentl soup")
    expect(page.get_by_text("No recipe matches.")).to_be_visible()
    offer = page.locator("p.suggestion")
    expect(offer).to_have_text(re.compile(r"^Did you mean lentil soup\? \(1 recipe\)$"))
    expect(offer.locator("strong")).to_have_text("lentil")
    offer.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?q=lentil\+soup$"))
    expect(page.get_by_label("Search")).to_have_value("lentil soup")
    expect(page.locator(".recipe-grid h3")).to_have_text(["Red lentil soup"])
    expect(page.locator("p.suggestion")).to_have_count(0)
