"""The installable app in a real browser (headless Chromium, a phone: 390x844, touch), against a real
Gunicorn: the service worker takes control after the first load and the app is installable (Chrome
says so); with the network cut (context.set_offline), a recipe opened before is shown with its
picture, cook mode too, the plan and a shopping list are readable, a recipe never opened says it is
not available offline (and lists what is), a form that needs the network says so; a check-off made
offline arrives when the network is back, also when the list page itself came from the worker.
Logging out empties the worker's copies and localStorage (asking first when list changes wait to be
sent); another account signing in on the same browser finds nothing of the first one's; a new version
of the app replaces the old shell without anyone clearing anything.

Screenshots go to test-artifacts/issue-19/ (docs/screenshots/issue-19/ keeps 128-colour copies)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .. import database_fixtures as dbf
from ..live_server import GunicornServer
from .conftest import ARTIFACTS, REPO
from .test_browser import register_first_user
from .test_import_browser import photo
from .test_shopping_browser import rows_in_database
from .world import add_recipe, cli, csrf_token, post

PHONE: Any = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SHOTS = ARTIFACTS / "issue-19"
SOUP = {
    "title": "Weeknight tomato soup",
    "description": "Quick, warming, and better the next day.",
    "ingredients": "2 tbsp olive oil\n1 onion, chopped\n800 g tomatoes\n500 ml vegetable stock\n1 loaf bread",
    "instructions": "Fry the onion for 5 minutes.\nAdd the tomatoes and the stock.\nSimmer 20 minutes, then blend.",
    "servings": "Serves 4",
    "tags": "soup, quick",
    "visibility": "household",
}
PIE = {"title": "Rhubarb pie", "ingredients": "500 g rhubarb\n1 pie crust", "instructions": "Bake 40 minutes."}

# Every copy the worker keeps for the signed-in account, as "path?query".
KEPT_JS = """async () => {
  const found = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("recipes-pages-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const url = new URL(request.url);
      found.push(url.pathname + url.search);
    }
  }
  return found;
}"""
CACHES_JS = "async () => (await caches.keys()).sort()"
OWN_STORAGE_JS = "() => Object.keys(localStorage).filter((key) => /^recipes[.:]/.test(key)).sort()"


@contextlib.contextmanager
def gunicorn(
    config_dir: Path, env: dict[str, str], port: int | None = None, cwd: Path | None = None
) -> Iterator[GunicornServer]:
    """Gunicorn on `config_dir` (on `port`, if given), started in `cwd` (Gunicorn puts its working
    directory first on the path: the app is imported from there)."""
    server = GunicornServer(config_dir, env)
    if port is not None:
        server.port, server.base_url = port, f"http://127.0.0.1:{port}"
    with contextlib.chdir(cwd or Path.cwd()):
        server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[tuple[Path, dict[str, str]]]:
    """A config directory and the environment of a server on it (its own PostgreSQL database when
    the suite runs on PostgreSQL)."""
    config_dir = tmp_path_factory.mktemp("offline-live")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(config_dir), "WEB_CONCURRENCY": "2"})
    database = f"recipes_offline_browser_{worker_id}"
    if dbf.using_postgres():
        env["DATABASE_URL"] = dbf.create_postgres_database(database)
    try:
        yield config_dir, env
    finally:
        if dbf.using_postgres():
            dbf.drop_postgres_database(database)


@pytest.fixture(scope="module")
def kitchen(browser: Browser, server_env: tuple[Path, dict[str, str]]) -> Iterator[dict[str, Any]]:
    """alice (the admin) with bob in her household: a soup with a picture (opened before going
    offline), a pie (never opened), a shopping list with the soup on it and a plan with the soup."""
    config_dir, env = server_env
    with gunicorn(config_dir, env) as server:
        base = server.base_url
        context = browser.new_context()
        page = context.new_page()
        register_first_user(page, base, config_dir)
        cli(env, "create-user", "bob", stdin="battery staple\n")
        cli(env, "move-user", "bob", "--to", "alice")
        csrf = csrf_token(context, base)
        soup = add_recipe(context, base, csrf, SOUP, photo((200, 80, 40)))
        pie = add_recipe(context, base, csrf, PIE, None)
        list_id = int(post(context, f"{base}/lists", form={"csrf_token": csrf, "name": "Groceries"}).rsplit("/", 1)[1])
        post(context, f"{base}/lists/{list_id}/recipes", form={"csrf_token": csrf, "recipe_id": str(soup)})
        today = time.strftime("%Y-%m-%d")
        plan = {"csrf_token": csrf, "date": today, "meal": "dinner", "recipe_id": str(soup)}
        post(context, f"{base}/plan/entries", form=plan)
        alice = context.storage_state()
        context.close()
        yield {
            "base": base,
            "env": env,
            "config_dir": config_dir,
            "alice": alice,
            "soup": soup,
            "pie": pie,
            "list": list_id,
            "server": server,
        }


def phone(browser: Browser, kitchen: dict[str, Any], own_login: bool = False) -> tuple[BrowserContext, Page, list[str]]:
    """alice's phone, collecting the page's errors. Failed loads with the network cut ("Failed to load
    resource") are expected; anything else is a problem. With `own_login` she logs in on it (a test
    that logs out ends that login only), else it shares the fixture's."""
    state = {} if own_login else {"storage_state": kitchen["alice"]}
    context = browser.new_context(**PHONE, **state)
    page = context.new_page()
    if own_login:
        page.goto(kitchen["base"] + "/auth/login")
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill("correct horse")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recipes")
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )
    return context, page, problems


def wait_until(page: Page, script: str, timeout: float = 15) -> None:
    """Wait until `script` (a function) is true in the page. Polled from here: the pages' CSP
    forbids the eval that page.wait_for_function would use."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(script):
        assert time.monotonic() < deadline, script
        time.sleep(0.1)


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (it installs after the first load)."""
    wait_until(page, "() => !!navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def wait_kept(page: Page, *paths: str, timeout: float = 10) -> list[str]:
    """Wait until the worker kept copies of `paths` (it keeps them just after answering)."""
    deadline = time.monotonic() + timeout
    while True:
        kept: list[str] = page.evaluate(KEPT_JS)
        if all(path in kept for path in paths) or time.monotonic() > deadline:
            assert all(path in kept for path in paths), (paths, kept)
            return kept
        time.sleep(0.1)


def shot(page: Page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def test_installable_and_readable_offline(browser: Browser, kitchen: dict[str, Any]) -> None:
    base, soup, pie, list_id = kitchen["base"], kitchen["soup"], kitchen["pie"], kitchen["list"]
    context, page, problems = phone(browser, kitchen)
    try:
        # The first visit: the worker is registered after the load, installs and takes control.
        page.goto(f"{base}/recipes/")
        controlled(page)
        cdp = context.new_cdp_session(page)
        # Chrome's own check (what makes it offer "Install"): nothing in the way but the browser
        # context itself, which Playwright opens like an incognito window.
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and manifest["url"] == f"{base}/manifest.webmanifest"
        cdp.detach()

        # What she opens while online is kept: the list (the app's start page, loaded before the worker
        # was there: asked again through it), the soup (and its picture), cook mode, the plan, the list.
        wait_kept(page, "/recipes/")
        page.goto(f"{base}/recipes/{soup}")
        expect(page.get_by_role("heading", level=1)).to_have_text(SOUP["title"])
        picture = page.locator('img[src*="/picture/"]').first.get_attribute("src")
        assert picture
        page.goto(f"{base}/recipes/{soup}/cook")
        page.goto(f"{base}/plan")
        page.goto(f"{base}/lists")
        page.goto(f"{base}/lists/{list_id}")
        expect(page.locator("#items")).to_contain_text("bread")
        wait_kept(
            page,
            f"/recipes/{soup}",
            picture,
            f"/recipes/{soup}/cook",
            "/plan",
            "/lists",
            f"/lists/{list_id}",
            "/recipes/",
        )
        assert f"/recipes/{pie}" not in page.evaluate(KEPT_JS)
        expect(page.locator("[data-offline-banner]")).to_be_hidden()

        # The network is cut.
        context.set_offline(True)
        page.goto(f"{base}/recipes/{soup}")
        expect(page.get_by_role("heading", level=1)).to_have_text(SOUP["title"])
        expect(page.locator("[data-offline-banner]")).to_be_visible()
        expect(page.locator("[data-offline-banner]")).to_contain_text("You are offline.")
        expect(page.locator("[data-offline-banner]")).to_contain_text("(A copy kept here ")
        wait_until(
            page, "() => [...document.images].some((img) => img.src.includes('/picture/') && img.naturalWidth > 0)"
        )
        shot(page, "offline-recipe-phone.png")

        # A form that needs the network says so (here: her stars), and nothing is sent.
        page.get_by_role("button", name="4 stars").click()
        note = page.locator("[data-offline-note]")
        expect(note).to_contain_text("You are offline: this was not sent")
        note.scroll_into_view_if_needed()
        page.mouse.move(0, 0)  # a phone has no pointer resting on the stars
        shot(page, "offline-form-phone.png")

        # The same recipe at another scale: the copy stands in. Cook mode, at any step.
        page.goto(f"{base}/recipes/{soup}?servings=8")
        expect(page.get_by_role("heading", level=1)).to_have_text(SOUP["title"])
        page.goto(f"{base}/recipes/{soup}/cook?step=2")
        expect(page.locator(".cook-title")).to_have_text(SOUP["title"])
        expect(page.locator(".cook-step:visible")).to_contain_text("Add the tomatoes")  # step 2, as asked
        page.get_by_role("link", name="Next").click()
        expect(page.locator(".cook-step:visible")).to_contain_text("Simmer")
        shot(page, "offline-cook-phone.png")

        # A recipe never opened: not available offline, with what is.
        page.goto(f"{base}/recipes/{pie}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Not available offline")
        kept_list = page.locator("[data-offline-list]")
        expect(kept_list.get_by_role("link", name=SOUP["title"], exact=True)).to_have_count(1)
        expect(kept_list.get_by_role("link", name=f"Cook: {SOUP['title']}", exact=True)).to_have_count(1)
        expect(kept_list.get_by_role("link", name="Meal plan", exact=True)).to_have_count(1)
        expect(kept_list.get_by_role("link", name="Groceries", exact=True)).to_have_count(1)
        expect(kept_list).not_to_contain_text(PIE["title"])
        shot(page, "offline-not-kept-phone.png", full_page=True)
        kept_list.get_by_role("link", name="Meal plan").click()

        # The plan, the lists, a list.
        expect(page.get_by_role("heading", level=1)).to_have_text("Meal plan")
        expect(page.locator("main")).to_contain_text(SOUP["title"])
        shot(page, "offline-plan-phone.png", full_page=True)
        page.goto(f"{base}/lists")
        expect(page.get_by_role("link", name="Groceries")).to_be_visible()
        page.goto(f"{base}/lists/{list_id}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Groceries")

        # A check-off made offline, on the page the worker served: queued...
        page.get_by_role("button", name=re.compile(r"^Check off: .*bread")).click()
        expect(page.locator("[data-sync-status]")).to_contain_text("Offline: 1 change will be sent")
        expect(page.locator(".checked-items")).to_contain_text("bread")
        shot(page, "offline-list-queued-phone.png")
        assert not any(checked for text, checked in rows_in_database(kitchen, list_id) if "bread" in text)

        # ... and sent when the network is back.
        context.set_offline(False)
        expect(page.locator("[data-sync-status]")).to_be_hidden(timeout=10_000)
        deadline = time.monotonic() + 10
        while not any(checked for text, checked in rows_in_database(kitchen, list_id) if "bread" in text):
            assert time.monotonic() < deadline, rows_in_database(kitchen, list_id)
            time.sleep(0.2)
        banner = page.locator("[data-offline-banner]")
        expect(banner).to_contain_text("You are back online.")  # on a kept copy
        banner.get_by_role("link", name="Reload for the latest").click()
        expect(page.locator("[data-offline-banner]")).to_be_hidden()
        expect(page.locator(".checked-items")).to_contain_text("bread")
    finally:
        context.close()
    assert problems == []


def test_a_list_shows_its_last_state_offline(browser: Browser, kitchen: dict[str, Any]) -> None:
    """bob adds an item while alice's list page is open: her page polls it in; offline, the page
    the worker serves (kept before bob's change) is brought up to the state it polled last."""
    base, list_id = kitchen["base"], kitchen["list"]
    context, page, problems = phone(browser, kitchen)
    try:
        page.goto(f"{base}/lists/{list_id}")
        controlled(page)
        page.reload()  # now through the worker: kept
        wait_kept(page, f"/lists/{list_id}")
        csrf = csrf_token(context, base)
        post(context, f"{base}/lists/{list_id}/items", form={"csrf_token": csrf, "text": "2 lemons"})
        expect(page.locator("#items")).to_contain_text("2 lemons", timeout=10_000)
        wait_kept(page, f"/lists/{list_id}/state")
        context.set_offline(True)
        page.goto(f"{base}/lists/{list_id}")
        expect(page.locator("#items")).to_contain_text("2 lemons")
        expect(page.locator("[data-sync-status]")).to_contain_text("Offline")
    finally:
        context.close()
    assert problems == []


def test_logging_out_leaves_nothing_and_asks_when_changes_wait(browser: Browser, kitchen: dict[str, Any]) -> None:
    base, soup, list_id = kitchen["base"], kitchen["soup"], kitchen["list"]
    context, page, problems = phone(browser, kitchen, own_login=True)
    dialogs: list[str] = []
    try:
        page.goto(f"{base}/recipes/{soup}")
        controlled(page)
        page.reload()
        page.goto(f"{base}/lists/{list_id}")
        page.goto(f"{base}/recipes/{soup}/cook")
        page.get_by_role("button", name=re.compile("5 minutes")).first.click()  # a timer: it names the recipe
        wait_kept(page, f"/recipes/{soup}", f"/lists/{list_id}")

        # Offline, on the list: an item added; then to the recipe (its copy), and the network is back.
        context.set_offline(True)
        page.goto(f"{base}/lists/{list_id}")
        page.get_by_label("Add an item").fill("1 jar capers")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.locator("[data-pending]")).to_contain_text("capers")
        page.goto(f"{base}/recipes/{soup}")
        context.set_offline(False)
        waiting = page.locator("[data-offline-waiting]")
        expect(waiting).to_contain_text("1 change to your shopping lists made offline waits to be sent")
        shot(page, "offline-changes-waiting-phone.png")

        # Logging out now would lose it: the form asks; "no" keeps her signed in.
        page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.get_by_role("button", name="Menu").click()
        page.locator(".site-menu").get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(SOUP["title"])
        page.get_by_role("button", name="Menu").click()  # closed again
        assert dialogs and "1 change to your shopping lists made offline has not reached the server" in dialogs[0]

        # The list sends it; then logging out asks nothing, and leaves nothing behind.
        waiting.get_by_role("link", name="the list").click()
        expect(page.locator("[data-pending] li")).to_have_count(0, timeout=10_000)
        assert ("1 jar capers", False) in rows_in_database(kitchen, list_id)
        assert page.evaluate(OWN_STORAGE_JS) != []  # the timer, whose account this browser holds
        page.get_by_role("button", name="Menu").click()
        page.locator(".site-menu").get_by_role("button", name="Log out").click()
        expect(page.get_by_text("You are logged out.")).to_be_visible()
        assert len(dialogs) == 1
        assert page.evaluate(KEPT_JS) == []
        assert page.evaluate(OWN_STORAGE_JS) == []
        assert not [name for name in page.evaluate(CACHES_JS) if name.startswith("recipes-pages-")]
        assert page.evaluate(f"async () => !(await caches.match('{base}/recipes/{soup}'))")

        # Offline now, the recipe is not there for whoever has this phone next.
        controlled(page)
        context.set_offline(True)
        page.goto(f"{base}/recipes/{soup}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Not available offline")
        expect(page.locator("[data-offline-empty]")).to_be_visible()
        assert SOUP["title"] not in page.content()
    finally:
        context.close()
    assert problems == []


def test_another_account_finds_nothing_of_the_first(browser: Browser, kitchen: dict[str, Any]) -> None:
    """alice's login ran out (she never logged out); bob signs in on the same browser."""
    base, soup = kitchen["base"], kitchen["soup"]
    context, page, problems = phone(browser, kitchen)
    try:
        page.goto(f"{base}/recipes/{soup}/cook")
        controlled(page)
        page.reload()
        page.get_by_role("button", name=re.compile("5 minutes")).first.click()
        wait_kept(page, f"/recipes/{soup}/cook")
        context.clear_cookies()  # as if her session had run out
        page.goto(f"{base}/auth/login")
        # A page for nobody: the worker forgets her copies at once. Her timer waits for the next login.
        expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
        wait_until(page, "async () => !(await caches.keys()).some((name) => name.startsWith('recipes-pages-'))")
        page.get_by_label("Username").fill("bob")
        page.get_by_label("Password").fill("battery staple")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recipes")
        assert page.evaluate(OWN_STORAGE_JS) == ["recipes.account"]  # alice's timer is gone
        page.goto(f"{base}/recipes/{soup}")  # shared with the household: bob may read it
        kept = wait_kept(page, f"/recipes/{soup}")
        assert f"/recipes/{soup}/cook" not in kept
    finally:
        context.close()
    assert problems == []


def test_the_logout_answer_itself_clears_the_browser(browser: Browser, kitchen: dict[str, Any]) -> None:
    """Without the page's script (a form sent some other way): Clear-Site-Data "storage" does it."""
    base, soup = kitchen["base"], kitchen["soup"]
    context, page, problems = phone(browser, kitchen, own_login=True)
    try:
        page.goto(f"{base}/recipes/{soup}/cook")
        controlled(page)
        page.get_by_role("button", name=re.compile("5 minutes")).first.click()
        assert "recipes:cook:timers" in page.evaluate(OWN_STORAGE_JS)
        page.goto(f"{base}/recipes/{soup}")  # cook mode has no menu
        page.evaluate(
            "() => HTMLFormElement.prototype.submit.call(document.querySelector('form[action$=\"/auth/logout\"]'))"
        )
        expect(page.get_by_text("You are logged out.")).to_be_visible()
        assert page.evaluate(OWN_STORAGE_JS) == []
        controlled(page)  # a new worker, registered by the login page: it starts with nothing kept
        assert page.evaluate(KEPT_JS) == []
    finally:
        context.close()
    assert problems == []


def copy_of_the_app(target: Path, version: str) -> Path:
    """This tree's package, copied, with another version: what a deployment of a new release is."""
    shutil.copytree(REPO / "recipes", target / "recipes", symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    for name, folder in (("_migrations", "migrations"), ("_defaults", "config")):
        link = target / "recipes" / name
        if link.is_symlink():
            link.unlink()
            link.symlink_to(REPO / folder)
    version_file = target / "recipes" / "version.py"
    text = version_file.read_text()
    version_file.write_text(re.sub(r'__version__ = "[^"]+"', f'__version__ = "{version}"', text))
    return target


def test_a_new_version_replaces_the_old_shell(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> None:
    config_dir = tmp_path_factory.mktemp("offline-versions")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(config_dir), "WEB_CONCURRENCY": "1"})
    database = f"recipes_offline_versions_{worker_id}"
    if dbf.using_postgres():
        env["DATABASE_URL"] = dbf.create_postgres_database(database)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        with gunicorn(config_dir, env) as first:
            port = first.port
            page.goto(f"{first.base_url}/auth/register")
            controlled(page)
            (old,) = [name for name in page.evaluate(CACHES_JS) if name.startswith("recipes-shell-")]
        newer = copy_of_the_app(tmp_path_factory.mktemp("next-release"), "9.9.9")
        with gunicorn(config_dir, {**env, "PYTHONPATH": str(newer)}, port=port, cwd=newer) as second:
            page.goto(f"{second.base_url}/auth/register")
            expect(page.locator("footer")).to_contain_text("Recipes 9.9.9")
            # The worker sees the server's new shell, fetches the new worker, which takes over and drops the old.
            deadline = time.monotonic() + 20
            while old in (names := page.evaluate(CACHES_JS)) or not any(n.startswith("recipes-shell-") for n in names):
                assert time.monotonic() < deadline, names
                time.sleep(0.2)
            (new,) = [name for name in names if name.startswith("recipes-shell-")]
            assert new != old
            context.set_offline(True)
            page.goto(f"{second.base_url}/recipes/1")
            expect(page.get_by_role("heading", level=1)).to_have_text("Not available offline")
            expect(page.locator("footer")).to_contain_text("Recipes 9.9.9")  # the new shell's offline page
    finally:
        context.close()
        if dbf.using_postgres():
            dbf.drop_postgres_database(database)


def test_the_screenshots_are_listed_in_the_docs() -> None:
    """docs/screenshots/issue-19/README.md lists every picture this module makes, and each is there."""
    folder = REPO / "docs" / "screenshots" / "issue-19"
    listed = set(re.findall(r"\((offline-[\w-]+\.png)\)", (folder / "README.md").read_text(encoding="utf-8")))
    made = set(re.findall(r'"(offline-[\w-]+\.png)"', Path(__file__).read_text(encoding="utf-8")))
    assert made == listed, made ^ listed
    assert all((folder / name).exists() for name in made)
