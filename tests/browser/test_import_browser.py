"""Importing from web pages and adding a picture, in a real browser against a real Gunicorn
(with its own server: imports from the loopback test site must be allowed there)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from ..site_server import Reply, Site, serve_site
from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user


def wait_for_picture(page: Page, selector: str) -> None:
    """Until the picture has loaded (polled from here: the page's CSP forbids eval'd waits)."""
    for _ in range(100):
        if page.locator(selector).first.evaluate("img => img.complete && img.naturalWidth > 0"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{selector} did not load")


def photo(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), color).save(buffer, "JPEG")
    return buffer.getvalue()


def recipe_html(title: str, image: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": title,
        "image": image,
        "recipeIngredient": ["2 eggs", "100 g flour"],
        "recipeInstructions": [{"@type": "HowToStep", "text": "Mix."}, {"@type": "HowToStep", "text": "Bake."}],
        "totalTime": "PT40M",
    }
    return f'<html><head><script type="application/ld+json">{json.dumps(data)}</script></head><body></body></html>'


@pytest.fixture(scope="module")
def import_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("import-live")


@pytest.fixture(scope="module")
def import_server(import_config_dir: Path, worker_id: str) -> Iterator[str]:
    # Its own server: imports from the loopback test site must be allowed there.
    settings = {"RECIPES_IMPORT_ALLOW_PRIVATE": "true"}
    with served_app(import_config_dir, f"recipes_import_live_{worker_id}", **settings) as base:
        yield base


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as site:
        site.add("/pancakes.jpg", Reply(photo((230, 170, 60)), "image/jpeg"))
        site.page("/pancakes", recipe_html("Fluffy Pancakes", "/pancakes.jpg"))
        site.page("/crumble", recipe_html("Apple Crumble", ""))
        site.page("/about", "<html><head><title>About us</title></head><body>Hi</body></html>")
        yield site


def signed_in(page: Page, base_url: str, config_dir: Path) -> None:
    """As alice: the first account of the module's server, made by whichever test comes first."""
    page.goto(base_url + "/auth/login")
    if re.search(r"/auth/register$", page.url):
        register_first_user(page, base_url, config_dir)
        return
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Recipes", exact=True)).to_be_visible()


@pytest.mark.expected_statuses(400, 422)
def test_import_a_list_then_add_a_picture(
    page: Page, import_server: str, import_config_dir: Path, site: Site, tmp_path: Path
) -> None:
    signed_in(page, import_server, import_config_dir)
    page.get_by_role("link", name="Import", exact=True).click()
    address = page.get_by_label("Recipe page address")
    # Words that are not an address are one entry, answered by the page as usual.
    address.fill("not a url")
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("form[data-import-form] .field-error")).to_have_text(re.compile("That is not a web address"))

    address.fill("\n".join([site.url("/pancakes"), "not a url", site.url("/about"), site.url("/crumble")]))
    page.get_by_role("button", name="Import", exact=True).click()
    progress = page.locator("#import-progress")
    expect(progress.locator(".import-summary")).to_have_text("Imported 2 of 4 addresses.", timeout=20_000)
    expect(progress.get_by_role("heading")).to_have_text("Done")
    expect(progress.locator("progress")).to_have_attribute("value", "4")
    expect(progress).to_have_attribute("data-outcome", "some")  # neither the success nor the failure colour
    expect(progress.locator(".import-list li")).to_have_count(4)
    expect(progress.locator(".import-list .import-failed")).to_have_count(2)
    expect(progress.locator(".import-list .import-failed").last).to_contain_text("No recipe found")
    # The earlier error is gone; what failed stays in the box for another try.
    expect(page.locator("form[data-import-form] .field-error")).to_have_count(0)
    expect(address).not_to_have_attribute("aria-invalid", "true")
    expect(address).to_have_value("\n".join(["not a url", site.url("/about")]))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-list.png"), full_page=True)
    # The page's address is now the results page: a reload shows the results, imports nothing.
    assert re.search(r"/recipes/import/results/[\w-]+$", page.url), page.url
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import results")
    expect(page.locator(".import-summary")).to_have_text("Imported 2 of 4 addresses.")
    expect(page.locator(".import-list li")).to_have_count(4)
    page.get_by_role("link", name="Import", exact=True).click()

    # The same page again, one address: the form offers the recipe already there.
    page.get_by_label("Recipe page address").fill(site.url("/pancakes"))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="You already have this recipe")).to_be_visible()
    page.get_by_role("button", name="Open it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fluffy Pancakes")
    picture = page.locator(".recipe-picture img")
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()
    wait_for_picture(page, ".recipe-picture img")

    # The list shows the picture on one card and a placeholder on the other.
    page.get_by_role("link", name="Recipes", exact=True).click()
    expect(page.locator(".card-picture img")).to_have_count(1)
    expect(page.locator(".picture-placeholder")).to_have_count(1)
    wait_for_picture(page, ".card-picture img")
    page.screenshot(path=str(ARTIFACTS / "cards-with-pictures.png"), full_page=True)

    # Give the crumble a picture from the edit form.
    page.get_by_role("link", name="Apple Crumble").click()
    page.get_by_role("button", name="Edit").click()
    upload = tmp_path / "crumble.jpg"
    upload.write_bytes(photo((140, 80, 40)))
    page.get_by_label("Picture", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    wait_for_picture(page, ".recipe-picture img")

    # A file over the limit is caught in the page, before any upload.
    page.get_by_role("button", name="Edit").click()
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8" + b"\x00" * (16 * 1024 * 1024))
    page.get_by_label("Picture", exact=True).set_input_files(str(huge))
    expect(page.get_by_role("alert")).to_contain_text("pictures can be at most 15 MB")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    wait_for_picture(page, ".recipe-picture img")

    # A file that is not a picture: an error next to the field, nothing lost.
    page.get_by_role("button", name="Edit").click()
    bad = tmp_path / "notes.jpg"
    bad.write_bytes(b"<html>not a photo</html>")
    page.get_by_label("Picture", exact=True).set_input_files(str(bad))
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("not a JPEG, PNG, WebP")
    expect(page.get_by_label("Title")).to_have_value("Apple Crumble")
    assert re.search(r"/recipes/\d+/edit$", page.url)

    # Moving in from another app: a Nextcloud Cookbook export, with upload progress and a summary.
    page.get_by_role("link", name="Import").click()
    sample = Path(__file__).resolve().parents[1] / "data" / "exports" / "nextcloud-cookbook.zip"
    page.get_by_label("Export file").set_input_files(str(sample))
    page.get_by_role("button", name="Import file").click()
    expect(page.get_by_role("heading", name="Imported from Nextcloud Cookbook")).to_be_visible(timeout=30_000)
    expect(page.locator(".import-summary")).to_contain_text("Imported 3 recipes")
    expect(page.get_by_text("Imported (3)")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "file-import-summary.png"), full_page=True)
    # Its results have an address of their own: a reload shows them, and imports nothing again.
    assert re.search(r"/recipes/import/results/[\w-]+$", page.url), page.url
    page.reload()
    expect(page.get_by_role("heading", name="Imported from Nextcloud Cookbook")).to_be_visible()
    expect(page.locator(".import-summary")).to_contain_text("Imported 3 recipes")
    page.get_by_role("link", name="Air Fryer Shrimp").click()
    wait_for_picture(page, ".recipe-picture img")
    expect(page.get_by_role("link", name="Markdown")).to_be_visible()

    # All of a list coming in: the bar ends in the success colour.
    site.page("/soup", recipe_html("Tomato Soup", ""))
    site.page("/stew", recipe_html("Bean Stew", ""))
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Recipe page address").fill(f"{site.url('/soup')} {site.url('/stew')}")
    page.get_by_role("button", name="Import", exact=True).click()
    progress = page.locator("#import-progress")
    expect(progress.locator(".import-summary")).to_have_text("Imported 2 of 2 addresses.", timeout=20_000)
    expect(progress).to_have_attribute("data-outcome", "ok")
    expect(progress.get_by_role("heading")).to_have_text("Done")


def test_the_recipe_form_keeps_a_chosen_picture_and_its_boxes_grow(
    page: Page, import_server: str, import_config_dir: Path, tmp_path: Path
) -> None:
    signed_in(page, import_server, import_config_dir)
    page.goto(import_server + "/recipes/new")

    # The boxes grow with their text, up to a screenful, then scroll.
    ingredients = page.get_by_label("Ingredients")
    empty = ingredients.bounding_box()
    assert empty is not None
    ingredients.fill("\n".join(f"{n} g flour" for n in range(1, 16)))
    grown = ingredients.bounding_box()
    assert grown is not None and grown["height"] > empty["height"] * 1.5, (empty, grown)
    ingredients.fill("\n".join(f"{n} g flour" for n in range(1, 101)))
    capped = ingredients.bounding_box()
    assert capped is not None and grown["height"] < capped["height"] < 900, (grown, capped)
    ingredients.fill("Pastry:\n200 g flour\n100 g butter")

    # Help text keeps its distance from the next label.
    help_text = page.locator("#picture-help").bounding_box()
    notes = page.locator("label[for=notes]").bounding_box()
    assert help_text is not None and notes is not None
    assert help_text["y"] + help_text["height"] + 8 <= notes["y"], (help_text, notes)

    # A picture chosen with a form that comes back with an error is kept, and said to be.
    upload = tmp_path / "tart.jpg"
    upload.write_bytes(photo((40, 160, 60)))
    page.get_by_label("Picture", exact=True).set_input_files(str(upload))
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_text("A recipe needs a title.")).to_be_visible()
    expect(page.locator(".kept-picture")).to_contain_text("“tart.jpg” is kept")
    wait_for_picture(page, ".picture-field img")
    expect(page.get_by_label("Ingredients")).to_have_value("Pastry:\n200 g flour\n100 g butter")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "recipe-form-kept-picture.png"), full_page=True)
    page.get_by_label("Title").fill("Green tart")
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_text("Saved “Green tart”.")).to_be_visible()
    wait_for_picture(page, ".recipe-picture img")
