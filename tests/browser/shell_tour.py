"""A small, realistic library in a real browser (recipes with pictures and tags, API tokens,
share links, a second account, a backup), and screenshots of the pages the issue names at a
phone's and a desk's size. Used by test_shell_browser.py; also run by hand for before/after
pictures: `PYTHONPATH=$PWD python -m tests.browser.shell_tour OUT_DIR`."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser, Page, expect

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SIZES = {"390x844": PHONE, "1280x900": DESK}

RECIPES = [
    {
        "title": "Rhubarb and ginger cobbler",
        "description": "Tart rhubarb under a soft, buttery crust.",
        "ingredients": [
            "600 g rhubarb",
            "100 g sugar",
            "1 tbsp grated ginger",
            "Topping:",
            "200 g flour",
            "100 g butter",
        ],
        "instructions": [
            "Heat the oven to 190 °C.",
            "Toss the rhubarb with sugar and ginger.",
            "Top and bake 35 minutes.",
        ],
        "servings": "6",
        "prep_time": 20,
        "cook_time": 35,
        "tags": ["Dessert", "Baking", "Spring"],
    },
    {
        "title": "Pecan pie",
        "description": "",
        "ingredients": [
            "1 pie crust",
            "200 g pecans",
            "3 eggs",
            "150 g golden syrup",
            "80 g brown sugar",
            "50 g butter",
        ],
        "instructions": ["Blind-bake the crust.", "Whisk the filling.", "Add the pecans and bake 45 minutes."],
        "servings": "8",
        "prep_time": 25,
        "cook_time": 45,
        "tags": ["Dessert", "Thanksgiving"],
    },
    {
        "title": "Grandma's red lentil soup with lemon and cumin",
        "description": "The soup of every cold Sunday.",
        "ingredients": ["200 g red lentils", "1 onion", "2 carrots", "1 tsp cumin", "1 lemon", "1 l stock"],
        "instructions": [
            "Soften the onion and carrots.",
            "Add lentils, cumin and stock.",
            "Simmer 20 minutes, add lemon.",
        ],
        "servings": "4",
        "prep_time": 10,
        "cook_time": 25,
        "tags": ["Soup", "Vegan", "Weeknight"],
    },
    {
        "title": "Shakshuka",
        "description": "Eggs poached in a spiced tomato and pepper sauce.",
        "ingredients": ["4 eggs", "400 g tomatoes", "1 red pepper", "1 onion", "2 cloves garlic", "1 tsp paprika"],
        "instructions": [
            "Soften the pepper and onion.",
            "Add the tomatoes and spices.",
            "Poach the eggs in the sauce.",
        ],
        "servings": "2",
        "prep_time": 10,
        "cook_time": 20,
        "tags": ["Brunch", "Eggs", "Vegetarian"],
    },
    {
        "title": "Quick weeknight fried rice",
        "description": "",
        "ingredients": ["300 g cooked rice", "2 eggs", "100 g peas", "2 spring onions", "2 tbsp soy sauce"],
        "instructions": ["Scramble the eggs.", "Fry the rice hot.", "Add peas, eggs, soy and onions."],
        "servings": "2",
        "prep_time": 5,
        "cook_time": 10,
        "tags": ["Weeknight", "Quick"],
    },
    {
        "title": "Slow-roast tomatoes",
        "description": "",
        "ingredients": ["1 kg tomatoes", "olive oil", "salt", "thyme"],
        "instructions": ["Halve the tomatoes.", "Roast at 120 °C for 3 hours."],
        "servings": "",
        "prep_time": 10,
        "cook_time": 180,
        "tags": ["Side"],
    },
]
PICTURE_COLOURS = [(200, 60, 40), (150, 90, 40), (220, 140, 30), (190, 50, 30)]


def photo(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), color).save(buffer, "JPEG")
    return buffer.getvalue()


def sign_up(page: Page, base_url: str, username: str, password: str, setup_code: str | None) -> None:
    page.goto(base_url + "/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    if setup_code is not None:
        page.get_by_label("Setup code").fill(setup_code)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Welcome, {username}!")).to_be_visible()


def seed_library(browser: Browser, base_url: str, config_dir: Path) -> tuple[Page, dict[str, int]]:
    """alice (the admin) with recipes, pictures, tokens, share links and a backup; bob with a
    recipe of his own. The server must allow sign-up (for bob). Returns alice's page (1280 wide)
    and her recipes' ids by title."""
    code = (config_dir / "setup_code").read_text(encoding="ascii").strip()
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    sign_up(page, base_url, "alice", "correct horse", code)

    # Tokens from the account page: one to seed the recipes through the API, one more to list.
    page.goto(base_url + "/auth/account")
    page.get_by_label("Name").fill("Recipe importer script")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").input_value()
    page.get_by_label("Name").fill("Home Assistant on the kitchen tablet")
    page.get_by_role("button", name="Create token").click()

    ids: dict[str, int] = {}
    for recipe in RECIPES:
        answer = page.request.post(
            base_url + "/api/v1/recipes",
            data=json.dumps(recipe),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert answer.status == 201, answer.text()
        ids[str(recipe["title"])] = int(answer.json()["id"])
    for title, colour in zip(list(ids)[:4], PICTURE_COLOURS, strict=True):
        page.goto(f"{base_url}/recipes/{ids[title]}/edit")
        page.get_by_label("Picture").set_input_files(
            {"name": "picture.jpg", "mimeType": "image/jpeg", "buffer": photo(colour)}
        )
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)

    # Share links: two live, one revoked.
    recipe_url = f"{base_url}/recipes/{ids['Shakshuka']}"
    for expiry in ("1d", "never", "1m"):
        page.goto(recipe_url)
        panel = page.locator("#share")
        panel.get_by_label("Link works for").select_option(expiry)
        panel.get_by_role("button", name="Create link").click()
        expect(page.get_by_label("Share link")).to_be_visible()
    page.goto(recipe_url)
    page.locator("#share").get_by_role("button", name=re.compile("^Revoke")).first.click()

    page.goto(base_url + "/auth/account")
    page.get_by_role("button", name="Back up now").click()

    bob = browser.new_context(viewport=DESK).new_page()
    sign_up(bob, base_url, "bob", "battery staple", None)
    bob.context.close()
    return page, ids


def capture(page: Page, base_url: str, ids: dict[str, int], out_dir: Path) -> list[Path]:
    """Screenshots of the list, a recipe, the account page, the share panel and the admin's
    accounts page, at both sizes. Returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    shakshuka = f"{base_url}/recipes/{ids['Shakshuka']}"
    pages = {
        "list": base_url + "/recipes/",
        "recipe": f"{base_url}/recipes/{ids['Grandma' + chr(39) + 's red lentil soup with lemon and cumin']}",
        "account": base_url + "/auth/account",
        "admin-accounts": base_url + "/admin/accounts/",
        "not-found": base_url + "/recipes/no-such-page",
    }
    written: list[Path] = []
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        for name, url in pages.items():
            page.goto(url)
            path = out_dir / f"{name}-{size_name}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
        page.goto(shakshuka)
        path = out_dir / f"share-panel-{size_name}.png"
        page.locator("#share").screenshot(path=str(path))
        written.append(path)
        # The first screen of a recipe page on its own: what a phone shows before scrolling.
        page.goto(shakshuka)
        path = out_dir / f"recipe-first-screen-{size_name}.png"
        page.screenshot(path=str(path))
        written.append(path)
    return written


def main(out_dir: str) -> None:  # pragma: no cover - a tool run by hand
    import tempfile

    from playwright.sync_api import sync_playwright

    from .conftest import chromium_path, served_app

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        config_dir = Path(tmp)
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        with served_app(config_dir, "recipes_shell_tour", RECIPES_ALLOW_SIGNUP="true") as base:
            page, ids = seed_library(browser, base, config_dir)
            for path in capture(page, base, ids, Path(out_dir)):
                print(path)
        browser.close()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1])
