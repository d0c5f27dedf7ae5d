"""A person's path through the app, in a real browser against a real Gunicorn."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from ..live_server import signup_form
from .conftest import ARTIFACTS


def register_first_user(page: Page, base_url: str, config_dir: Path) -> None:
    """Sign up as the admin of a fresh server, with the setup code its operator reads in the
    config directory (`recipes bootstrap` printed it and left it there)."""
    page.goto(base_url + "/")  # a browser asking for / lands on the recipe pages
    expect(page).to_have_url(re.compile(r"/auth/register$"))
    expect(page.get_by_text("it will be the administrator")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password", exact=True).fill("correct horse")
    page.get_by_label("Repeat the password").fill("correct horse")
    page.get_by_label("Setup code").fill(signup_form(config_dir)["setup_code"])
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome, alice!")).to_be_visible()


def test_register_create_find_edit_delete(page: Page, live_server: str, live_config_dir: Path) -> None:
    register_first_user(page, live_server, live_config_dir)
    expect(page.get_by_text("No recipes yet.")).to_be_visible()

    page.get_by_role("button", name="Add your first recipe").click()
    page.get_by_label("Title").fill("Grandma's lentil soup")
    page.get_by_label("Ingredients").fill("Soup:\n200 g red lentils\n1 onion\nTo serve:\nlemon")
    page.get_by_label("Instructions").fill("Fry the onion.\nAdd lentils and water.\nSimmer 20 minutes.")
    page.get_by_label("Prep time (minutes)").fill("10")
    page.get_by_label("Cook time (minutes)").fill("25")
    page.get_by_label("Tags").fill("soup, vegan")
    page.get_by_label("Source URL").fill("https://example.org/lentils")
    page.get_by_role("button", name="Save recipe").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Grandma's lentil soup")
    expect(page.locator(".ingredients li.section").first).to_have_text("Soup")
    expect(page.locator("ol.instructions li")).to_have_text(
        ["Fry the onion.", "Add lentils and water.", "Simmer 20 minutes."]
    )
    expect(page.get_by_text("Prep 10 min · Cook 25 min · Total 35 min")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "recipe-page.png"), full_page=True)

    # Find it from the list: by title text and by tag.
    page.get_by_role("link", name="Recipes", exact=True).click()
    page.get_by_label("Search").fill("lentil")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".recipe-grid h3")).to_have_text(["Grandma's lentil soup"])
    expect(page.locator(".snippet mark").first).to_have_text("lentils")
    page.get_by_label("Search").fill("cake")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No recipe matches.")).to_be_visible()
    # Live search: typing alone updates the results and the address.
    page.get_by_label("Search").fill("lent")
    expect(page.locator(".recipe-grid h3")).to_have_text(["Grandma's lentil soup"])
    expect(page).to_have_url(re.compile(r"q=lent"))
    page.goto(live_server + "/recipes/tags")
    page.locator(".tag-cloud").get_by_role("link", name="vegan").click()
    expect(page.locator(".recipe-grid h3")).to_have_text(["Grandma's lentil soup"])
    page.screenshot(path=str(ARTIFACTS / "recipe-list.png"), full_page=True)

    # Edit something other than the title.
    page.get_by_role("link", name="Grandma's lentil soup").click()
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Notes").fill("Even better the next day.")
    page.get_by_label("Everyone with an account here").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_text("Even better the next day.")).to_be_visible()
    expect(page.locator(".recipe-meta .badge")).to_have_text("public")

    # Delete, with the confirm step.
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete “Grandma's lentil soup”?")).to_be_visible()
    page.get_by_role("button", name="Delete recipe").click()
    expect(page.get_by_text("Deleted “Grandma's lentil soup”.")).to_be_visible()
    expect(page.get_by_text("No recipes yet.")).to_be_visible()

    # Log out and back in.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong username or password.")).to_be_visible()
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/recipes/$"))


def test_phone_layout_and_dark_mode(browser, live_server: str) -> None:
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(live_server + "/auth/login")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    # Pico's dark background, not white, when the phone prefers dark.
    red, green, blue = (int(v) for v in re.findall(r"\d+", background)[:3])
    assert max(red, green, blue) < 60, background
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "phone-dark-login.png"), full_page=True)
    context.close()
