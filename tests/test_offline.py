"""The installable app, server side (recipes/offline/): the manifest and its icons, the service
worker served from the root with this version's shell, the offline page, and the headers that
tell the worker what it may keep for reading offline and whose it is. The worker itself is
driven in a real browser by tests/browser/test_offline_browser.py."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from recipes.extensions import db
from recipes.models import User
from recipes.offline import keeping, shell

from .conftest import Client, create_recipe
from .test_pictures import photo, post_recipe
from .test_shopping import new_list

KEEP = keeping.KEEP_HEADER
ACCOUNT = keeping.ACCOUNT_HEADER
STATIC = Path(__file__).resolve().parents[1] / "recipes" / "static"


# --- installable ------------------------------------------------------------------------------------


def test_the_manifest_makes_the_app_installable(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Recipes" and manifest["short_name"] == "Recipes"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/recipes/" and manifest["scope"] == "/"
    assert manifest["theme_color"] and manifest["background_color"]
    icons = {(icon["sizes"], icon["purpose"]): icon for icon in manifest["icons"] if icon["type"] == "image/png"}
    for size in ("192x192", "512x512"):
        for purpose in ("any", "maskable"):
            icon = icons[(size, purpose)]
            with client.get(icon["src"]) as served:
                assert served.status_code == 200 and served.mimetype == "image/png", icon
                data = served.data
            with Image.open(BytesIO(data)) as image:
                assert f"{image.width}x{image.height}" == size, icon
                if purpose == "maskable":
                    # Full bleed: the launcher cuts its own shape, so no corner may be see-through.
                    rgba = image.convert("RGBA")
                    corners = [(0, 0), (image.width - 1, 0), (0, image.height - 1), (image.width - 1, image.height - 1)]
                    assert all(rgba.getpixel(at)[3] == 255 for at in corners), icon  # type: ignore[index]


def test_the_manifest_follows_a_path_prefix(app: Flask) -> None:
    """Behind a proxy that serves the app under /cook/ (SCRIPT_NAME), every address has it."""
    response = app.test_client().get("/manifest.webmanifest", base_url="http://localhost/cook")
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/cook/recipes/" and manifest["scope"] == "/cook/"
    assert all(icon["src"].startswith("/cook/static/") for icon in manifest["icons"])
    worker = app.test_client().get("/sw.js", base_url="http://localhost/cook").text
    assert '"scope": "/cook/"' in worker and '"/cook/offline"' in worker
    page = app.test_client().get("/auth/register", base_url="http://localhost/cook").text
    assert 'data-worker="/cook/sw.js" data-scope="/cook/"' in page


@pytest.mark.parametrize("who", ["nobody", "alice"])
def test_every_page_links_the_manifest_the_theme_colours_and_the_worker(
    client: Client, alice: Client, who: str
) -> None:
    browser = alice if who == "alice" else client
    page = browser.get("/recipes/" if who == "alice" else "/auth/login").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert re.search(r'<meta name="theme-color" content="#[0-9a-f]{6}" media="\(prefers-color-scheme: light\)">', page)
    assert re.search(r'<meta name="theme-color" content="#[0-9a-f]{6}" media="\(prefers-color-scheme: dark\)">', page)
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in page
    assert re.search(r'<script src="/static/offline\.js" defer data-worker="/sw\.js" data-scope="/"', page)
    assert 'data-offline-banner role="status" hidden' in page
    with browser.get("/static/icons/apple-touch-icon.png") as touch:
        data = touch.data
    with Image.open(BytesIO(data)) as image:
        # iOS fills see-through pixels with black: the icon is opaque.
        assert image.size == (180, 180) and image.mode == "RGB"


def test_the_icons_are_made_by_the_script_from_the_favicon() -> None:
    """scripts/make_icons.py made them once; they are committed, nothing is drawn at run time."""
    script = (Path(__file__).resolve().parents[1] / "scripts" / "make_icons.py").read_text()
    assert "favicon.svg" in script
    for name in ("icon-192.png", "icon-512.png", "maskable-192.png", "maskable-512.png", "apple-touch-icon.png"):
        assert (STATIC / "icons" / name).stat().st_size < 40_000, name


# --- the service worker -------------------------------------------------------------------------------


def test_the_worker_is_served_from_the_root_and_always_checked_for_updates(client: Client, alice: Client) -> None:
    for browser in (client, alice):
        response = browser.get("/sw.js")
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert "no-cache" in response.headers["Cache-Control"]
        assert "Service-Worker-Allowed" not in response.headers  # the root is its scope already
    # Nothing of a login in it: the same bytes for everyone.
    assert client.get("/sw.js").data == alice.get("/sw.js").data


def test_the_worker_caches_this_versions_shell(app: Flask, client: Client) -> None:
    worker = client.get("/sw.js").text
    found = shell.shell_of(app)
    assert f'"version": "{found.version}"' in worker
    for url in ("/static/app.css", "/static/offline.js", "/static/offline.css", "/offline", "/manifest.webmanifest"):
        assert f'"{url}"' in worker, url
    assert "/static/vendor/pico-2.1.1/pico.pumpkin.min.css" in worker
    assert "swagger" not in worker  # the API docs' 1.9 MB viewer is for online use only


def test_a_new_version_or_a_changed_file_makes_a_new_shell(app: Flask, tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "vendor" / "swagger-ui-5").mkdir(parents=True)
    (static / "app.css").write_text("body {}")
    (static / "app.js").write_text("1")
    (static / "vendor" / "swagger-ui-5" / "swagger-ui-bundle.js").write_text("big")
    (static / "README.md").write_text("notes")
    first = shell.build(static, "1.0", "worker source")
    assert first.files == ("app.css", "app.js")
    assert shell.build(static, "1.0", "worker source") == first
    assert shell.build(static, "1.1", "worker source").version != first.version
    assert shell.build(static, "1.0", "worker source, changed").version != first.version
    (static / "app.css").write_text("body { color: red }")
    assert shell.build(static, "1.0", "worker source").version != first.version


def test_every_page_says_which_shell_it_goes_with(app: Flask, client: Client, alice: Client) -> None:
    version = shell.shell_of(app).version
    assert client.get("/auth/login").headers[keeping.SHELL_HEADER] == version
    assert alice.get("/recipes/").headers[keeping.SHELL_HEADER] == version
    assert keeping.SHELL_HEADER not in alice.get("/sw.js").headers


def test_the_offline_page_holds_nothing_of_anyone(client: Client, alice: Client) -> None:
    """The worker keeps it (in the shell, shared by whoever uses the browser) fetched without
    credentials; even asked by a signed-in browser it names nobody and carries no form token."""
    anonymous = client.get("/offline")
    signed_in = alice.get("/offline")
    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert "Not available offline" in response.text
        assert "data-offline-list" in response.text
    assert "alice" not in signed_in.text.split("</header>")[0]
    assert "csrf_token" not in anonymous.text and "Log out" not in anonymous.text


# --- what may be kept, and whose -------------------------------------------------------------------


@pytest.fixture
def kitchen(app: Flask, alice: Client) -> dict[str, Any]:
    made = post_recipe(alice, picture=photo())
    assert made.status_code == 302, made.text
    recipe_id = int(made.headers["Location"].rsplit("/", 1)[1])
    list_id = new_list(alice)
    page = alice.get(f"/recipes/{recipe_id}").text
    picture = re.search(r'src="(/recipes/\d+/picture/[^"]+)"', page)
    assert picture, page
    return {"recipe": recipe_id, "list": list_id, "picture": picture[1]}


def kept(response: Any) -> str | None:
    value: str | None = response.headers.get(KEEP)
    return value


def test_what_one_opened_is_marked_to_keep_with_its_kind(alice: Client, kitchen: dict[str, Any]) -> None:
    recipe, list_id = kitchen["recipe"], kitchen["list"]
    expected = {
        f"/recipes/{recipe}": "recipe",
        f"/recipes/{recipe}?servings=8&units=metric": "recipe",
        f"/recipes/{recipe}/cook": "cook",
        f"/recipes/{recipe}/cook?step=2": "cook",
        "/recipes/": "recipes",
        "/recipes/?favourite=1": "recipes",
        "/recipes/?q=&tag=&match=any&scope=all&favourite=1&min_rating=&sort=": "recipes",
        "/plan": "plan",
        "/lists": "lists",
        f"/lists/{list_id}": "lists",
        f"/lists/{list_id}/state": "data",
        kitchen["picture"]: "data",
    }
    for path, kind in expected.items():
        response = alice.get(path)
        assert response.status_code == 200, path
        assert kept(response) == kind, path
        assert response.headers[ACCOUNT] == alice.get("/recipes/").headers[ACCOUNT], path


def test_a_page_to_keep_says_so_to_its_script(alice: Client, kitchen: dict[str, Any]) -> None:
    """static/offline.js asks again, through the worker, for the page a first visit installed it
    from: only for a page the worker keeps (asking again for a share page would count a view twice)."""
    assert " data-kept>" in alice.get(f"/recipes/{kitchen['recipe']}").text
    assert " data-kept>" in alice.get("/plan").text
    for path in ("/plan?made=feed", "/auth/account", "/recipes/?q=soup"):
        assert " data-kept>" not in alice.get(path).text, path


def test_nothing_else_is_marked_to_keep(alice: Client, kitchen: dict[str, Any]) -> None:
    recipe, list_id = kitchen["recipe"], kitchen["list"]
    with alice.get("/static/app.css") as static:
        assert kept(static) is None and ACCOUNT not in static.headers
    for path in (
        "/recipes/?q=soup",  # a search: its own answer each time
        "/recipes/?favourite=1&tag=soup",
        "/recipes/?page=2",
        "/plan?made=feed",  # may show a calendar address just made (a secret)
        "/plan/add",
        f"/lists/{list_id}?q=soup",
        f"/lists/{list_id}/settings",  # may show a share link just made
        f"/recipes/{recipe}/edit",
        "/auth/account",  # may show an API token just made
        "/household",
        "/recipes/tags",
        "/offline",
        "/sw.js",
    ):
        response = alice.get(path)
        assert response.status_code in (200, 302), path
        assert kept(response) is None, path
    assert kept(alice.get("/recipes/999999")) is None  # a 404 is not a page to keep


def test_a_recipe_one_may_not_see_is_never_marked(alice: Client, bob: Client) -> None:
    private = create_recipe(alice)
    answer = bob.get(f"/recipes/{private}")
    assert answer.status_code == 404 and kept(answer) is None


def test_only_a_browser_login_is_kept_for(client: Client, alice: Client, kitchen: dict[str, Any]) -> None:
    """Signed out: no account and nothing to keep (the worker then forgets what it kept).
    An API token's answers are for programs, which have no service worker."""
    from .test_api import make_token

    signed_out = client.get("/auth/login")
    assert ACCOUNT not in signed_out.headers and kept(signed_out) is None
    asked = client.get(f"/recipes/{kitchen['recipe']}")
    assert asked.status_code == 302 and ACCOUNT not in asked.headers
    token = make_token(client.application, "alice")
    api = client.get(f"/recipes/{kitchen['recipe']}", headers={"Authorization": f"Bearer {token}"})
    assert ACCOUNT not in api.headers and kept(api) is None


def test_the_account_key_is_the_accounts_not_the_logins_and_tells_no_one_anything(
    app: Flask, alice: Client, bob: Client, login_as: Any
) -> None:
    first = alice.get("/recipes/").headers[ACCOUNT]
    # alice again, on another login (another browser, or after her session ran out): the same key,
    # so what she queued offline is still hers.
    again = app.test_client()
    from .conftest import AuthActions

    assert AuthActions(again).login("alice").status_code == 302  # type: ignore[arg-type]
    assert again.get("/recipes/").headers[ACCOUNT] == first
    other = bob.get("/recipes/").headers[ACCOUNT]
    assert other != first
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    with app.app_context():
        ids = [str(n) for n in db.session.scalars(select(User.id))]
    assert first not in ids and "alice" not in first
    # The page says it too (static/offline.js clears what another account left in localStorage).
    assert f'<meta name="recipes-account" content="{first}">' in alice.get("/recipes/").text


def test_the_key_changes_with_the_servers_secret(app: Flask) -> None:
    with app.test_request_context():
        one = keeping.account_key_for(7, "secret one")
        assert one == keeping.account_key_for(7, "secret one")
        assert one != keeping.account_key_for(7, "secret two")
        assert one != keeping.account_key_for(8, "secret one")


def test_a_304_poll_loads_no_user_and_keeps_nothing(app: Flask, alice: Client, kitchen: dict[str, Any]) -> None:
    state = alice.get(f"/lists/{kitchen['list']}/state")
    again = alice.get(f"/lists/{kitchen['list']}/state", headers={"If-None-Match": state.headers["ETag"]})
    assert again.status_code == 304
    assert kept(again) is None and ACCOUNT not in again.headers


# --- logging out -------------------------------------------------------------------------------------


def test_logging_out_clears_the_cache_and_the_storage(client: Client, auth: Any, make_user: Any) -> None:
    """Issue 19 changes this on purpose: "storage" too (the service worker's copies of private
    pages, cook timers' recipe names and shopping lists' queued changes in localStorage)."""
    make_user("alice")
    auth.login()
    logged_out = auth.logout()
    directives = {part.strip() for part in logged_out.headers["Clear-Site-Data"].split(",")}
    assert directives == {'"cache"', '"storage"'}
