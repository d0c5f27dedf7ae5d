"""A server with real data, for the tests that look at every page (the page walk, Lighthouse).

alice, the admin, signs up through the page and, through the app's own forms, adds recipes
(tags, a picture; she rates it, marks it a favourite and logs cooking it), a share link, an API
token, a backup, a household invite, a week of meal plan and a calendar address of it, a shopping
list with her recipe on it and a read-only link to it, and makes a reset link for bob; bob, made
with `recipes create-user`, owns a few demo recipes and is moved into alice's household (`recipes
move-user`), so her list shows what he shares with it. What the pages' addresses need (ids, the
share link's, reset link's, invite's and list link's tokens, the backup's name) is kept here.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ..live_server import BIN
from .test_browser import register_first_user
from .test_import_browser import photo

RECIPE = {
    "title": "Grandma's lentil soup",
    "description": "A warming soup for a cold evening, ready in under an hour.",
    "ingredients": "Soup:\n200 g red lentils\n1 onion, chopped\n2 carrots\n1 l vegetable stock\nTo serve:\nlemon",
    "instructions": "Fry the onion.\nAdd the lentils, the carrots and the stock.\nSimmer 20 minutes.",
    "servings": "4 bowls",
    "prep_time": "10",
    "cook_time": "25",
    "source_url": "https://example.org/lentil-soup",
    "tags": "Soup, vegetarian, winter",
    "notes": "Even better the next day.",
    "visibility": "private",
}
OTHER_RECIPES = [
    {"title": "Rhubarb cobbler", "ingredients": "500 g rhubarb\n100 g sugar", "instructions": "Bake.", "tags": "fruit"},
    {"title": "Pecan pie", "ingredients": "200 g pecans\n1 pie crust", "instructions": "Bake.", "tags": "pudding, pie"},
]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class World:
    base: str
    config_dir: Path
    state: Any  # alice's signed-in browser state (cookies), for new contexts
    recipe_id: int  # alice's recipe with a picture and tags (one of them "Soup")
    share_token: str
    api_token_id: int
    bob_id: int
    reset_token: str
    backup_name: str
    results_key: str  # the results page of a file import
    invite_token: str  # a live invite to alice's household
    entry_id: int  # an entry of alice's household's meal plan
    list_id: int  # the household's shopping list: alice's recipe on it, a row checked off
    item_id: int
    list_token: str  # a read-only link to the list

    @property
    def session_cookie(self) -> str:
        """alice's login cookie, "name=value"."""
        (cookie,) = [c for c in self.state["cookies"] if c["name"] == "recipes_session"]
        return f"{cookie['name']}={cookie['value']}"


def csrf_token(context: BrowserContext, base: str) -> str:
    """A CSRF token of this browser's session (any of its forms takes it)."""
    page = context.request.get(f"{base}/auth/account")
    found = CSRF.search(page.text())
    assert found, page.text()[:500]
    return found.group(1)


def post(context: BrowserContext, url: str, **kwargs: Any) -> str:
    """POST a form as the page would (no redirect followed); the Location answered."""
    response = context.request.post(url, max_redirects=0, **kwargs)
    assert response.status in (302, 303), (url, response.status, response.text()[:2000])
    return response.headers["location"]


def add_recipe(context: BrowserContext, base: str, csrf: str, fields: dict[str, str], picture: bytes | None) -> int:
    form: dict[str, Any] = {"csrf_token": csrf, **fields}
    if picture is not None:
        form["picture"] = {"name": "soup.jpg", "mimeType": "image/jpeg", "buffer": picture}
    location = post(context, f"{base}/recipes/new", multipart=form)
    found = re.search(r"/recipes/(\d+)$", location)
    assert found, location
    return int(found.group(1))


def plan_week(context: BrowserContext, base: str, csrf: str, recipe_ids: list[int]) -> None:
    """A week of meals from today (recipes, a note, servings) and a calendar address of the plan."""
    today = date.today()
    for offset, meal, fields in [
        (0, "dinner", {"recipe_id": str(recipe_ids[0]), "servings": "6"}),
        (0, "lunch", {"title": "Leftovers"}),
        (1, "dinner", {"recipe_id": str(recipe_ids[1])}),
        (2, "breakfast", {"recipe_id": str(recipe_ids[2]), "note": "Make the night before"}),
        (3, "dinner", {"title": "Eat out"}),
    ]:
        day = (today + timedelta(days=offset)).isoformat()
        post(context, f"{base}/plan/entries", form={"csrf_token": csrf, "date": day, "meal": meal, **fields})
    post(context, f"{base}/plan/feeds", form={"csrf_token": csrf})


def cli(env: dict[str, str], *args: str, stdin: str = "") -> None:
    subprocess.run([str(BIN / "recipes"), *args], env=env, input=stdin, text=True, check=True, capture_output=True)


def query(config_dir: Path, env: dict[str, str], sql: str) -> Any:
    """One value from the server's database (ids the pages do not show plainly)."""
    engine = create_engine(env.get("DATABASE_URL") or f"sqlite:///{config_dir / 'recipes.db'}", poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).scalar_one()
    finally:
        engine.dispose()


def build_world(browser: Browser, base: str, config_dir: Path, env: dict[str, str]) -> World:
    context = browser.new_context()
    try:
        page = context.new_page()
        register_first_user(page, base, config_dir)  # alice, the admin
        cli(env, "create-user", "bob", stdin="battery staple\n")
        cli(env, "demo-data", "--user", "bob", "--recipes", "3")
        cli(env, "move-user", "bob", "--to", "alice")
        bob_id = int(query(config_dir, env, "SELECT id FROM \"user\" WHERE username = 'bob'"))
        csrf = csrf_token(context, base)
        recipe_id = add_recipe(context, base, csrf, RECIPE, photo((190, 120, 40)))
        others = [add_recipe(context, base, csrf, fields, None) for fields in OTHER_RECIPES]
        plan_week(context, base, csrf, [recipe_id, *others])
        entry_id = int(query(config_dir, env, "SELECT min(id) FROM plan_entry"))
        # alice's own marks on her recipe: its page and the list show them.
        for mark, form in (
            ("rating", {"stars": "4"}),
            ("favourite", {"favourite": "1"}),
            ("cooked", {"note": "Lemon!"}),
        ):
            post(context, f"{base}/recipes/{recipe_id}/{mark}", form={"csrf_token": csrf, **form})

        post(context, f"{base}/recipes/{recipe_id}/shares", form={"csrf_token": csrf, "expiry": "1w"})
        page.goto(f"{base}/recipes/{recipe_id}/shares/new")  # shown once
        share_token = page.get_by_label("Share link").input_value().rsplit("/", 1)[1]

        token = {"csrf_token": csrf, "name": "Home Assistant", "expires": "90d"}
        post(context, f"{base}/auth/account/tokens", form=token)
        page.goto(f"{base}/auth/account")  # shown once
        api_token_id = int(query(config_dir, env, "SELECT max(id) FROM api_token"))

        post(context, f"{base}/household/invites", form={"csrf_token": csrf, "expiry": "1w"})
        page.goto(f"{base}/household")  # shown once
        invite_token = page.locator("#new-invite").input_value().rsplit("/", 1)[1]

        post(context, f"{base}/admin/backups/", form={"csrf_token": csrf})
        (backup,) = sorted(p.name for p in (config_dir / "backups").glob("recipes-*"))

        post(context, f"{base}/admin/accounts/{bob_id}/reset-link", form={"csrf_token": csrf})
        page.goto(f"{base}/admin/accounts/")  # shown once
        reset_token = page.locator("#new-reset-link").input_value().rsplit("/", 1)[1]
        export = io.BytesIO()
        with zipfile.ZipFile(export, "w") as archive:
            stew = {"title": "Imported stew", "ingredients": ["1 onion"], "instructions": ["Stir."]}
            archive.writestr("recipes.json", json.dumps([stew]))
        upload = {
            "csrf_token": csrf,
            "file": {"name": "recipes-export.zip", "mimeType": "application/zip", "buffer": export.getvalue()},
        }
        results_key = post(context, f"{base}/recipes/import/file", multipart=upload).rsplit("/", 1)[1]

        page.goto(f"{base}/plan")  # the calendar address, shown once
        location = post(context, f"{base}/lists", form={"csrf_token": csrf, "name": "Groceries"})
        list_id = int(location.rsplit("/", 1)[1])
        post(context, f"{base}/lists/{list_id}/recipes", form={"csrf_token": csrf, "recipe_id": str(recipe_id)})
        post(context, f"{base}/lists/{list_id}/items", form={"csrf_token": csrf, "text": "1 loaf sourdough bread"})
        item_id = int(query(config_dir, env, "SELECT min(id) FROM shopping_item"))  # the one list's first row
        post(context, f"{base}/lists/{list_id}/check", form={"csrf_token": csrf, "check": str(item_id)})
        post(context, f"{base}/lists/{list_id}/shares", form={"csrf_token": csrf, "expiry": "1w"})
        page.goto(f"{base}/lists/{list_id}/settings")  # shown once
        list_token = page.locator("#new-share").input_value().rsplit("/", 1)[1]

        page.goto(f"{base}/recipes/")  # nothing left waiting to be shown
        state = context.storage_state()
    finally:
        context.close()
    return World(
        base=base,
        config_dir=config_dir,
        state=state,
        recipe_id=recipe_id,
        share_token=share_token,
        api_token_id=api_token_id,
        bob_id=bob_id,
        reset_token=reset_token,
        backup_name=backup,
        results_key=results_key,
        invite_token=invite_token,
        entry_id=entry_id,
        list_id=list_id,
        item_id=item_id,
        list_token=list_token,
    )
