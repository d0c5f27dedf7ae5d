"""The account corner in a real browser: "Export all" on the account page; times in the
viewer's own time zone (UTC without JavaScript); revoking a token asks first, in a dialog or,
without JavaScript, on a page, and comes back to the token list; the admin restores a backup
from the list and checks an uploaded one, with a confirmation page before anything changes."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from .conftest import ARTIFACTS, serving
from .test_browser import register_first_user

SHOTS = ARTIFACTS / "account-corner"


def add_recipe(page: Page, base: str, title: str) -> None:
    page.goto(f"{base}/recipes/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Ingredients").fill("200 g red lentils\n1 onion")
    page.get_by_label("Instructions").fill("Fry the onion.\nSimmer the lentils.")
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def make_token(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/auth/account")
    page.get_by_label("Token name").fill(name)
    page.get_by_label("Expires").select_option("30d")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_label(re.compile("Your new token"))).to_be_visible()


def test_account_corner(browser: Browser, tmp_path: Path, worker_id: str) -> None:
    with serving(tmp_path, f"recipes_account_browser_{worker_id}") as (base, _):
        # Someone in Tokyo. (The phone's layout is the page walk's: test_page_walk.py.)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo", locale="en-GB")
        page = context.new_page()
        errors: list[str] = []
        # (A refused upload answers 400, which logs "Failed to load resource" for the page itself.)
        page.on(
            "console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load" not in m.text else None
        )
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        register_first_user(page, base, tmp_path)
        add_recipe(page, base, "Lentil soup")
        SHOTS.mkdir(parents=True, exist_ok=True)

        # Export all: on the account page (and no longer under the list).
        page.goto(f"{base}/auth/account")
        export = page.get_by_role("button", name="Export all my recipes")
        expect(export).to_have_attribute("href", "/recipes/export")
        with page.expect_download() as download:
            export.click()
        assert download.value.suggested_filename.endswith(".zip")
        page.goto(f"{base}/recipes/")
        expect(page.get_by_text("Export all my recipes")).to_have_count(0)

        # Times in Tokyo's time: relative, the local date and time in the tooltip.
        make_token(page, base, "Script")
        page.reload()
        cells = page.locator("table.tokens tbody tr").first.locator("td")
        expect(cells.nth(2)).to_have_text("just now")
        expect(cells.nth(3)).to_have_text("in 30 days")
        made = cells.nth(2).locator("time")
        moment = datetime.fromisoformat(str(made.get_attribute("datetime")).replace("Z", "+00:00"))
        in_tokyo = moment.astimezone(ZoneInfo("Asia/Tokyo"))
        title = str(made.get_attribute("title"))
        assert in_tokyo.strftime("%H:%M") in title and "UTC" not in title, title
        page.screenshot(path=str(SHOTS / "account-1280.png"), full_page=True)

        # Revoking asks: dismissed, nothing happens; accepted, back at the token list.
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.get_by_role("button", name="Revoke the token Script").click()
        expect(page.locator("table.tokens")).to_contain_text("Script")
        asked: list[str] = []

        def accept(dialog: object) -> None:
            asked.append(dialog.message)  # type: ignore[attr-defined]
            dialog.accept()  # type: ignore[attr-defined]

        page.once("dialog", accept)
        page.get_by_role("button", name="Revoke the token Script").click()
        expect(page.get_by_text("Token revoked")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/auth/account#api-tokens$"))
        assert asked == ["Revoke the token “Script”? Apps using it can no longer reach your recipes."]

        # Without JavaScript: times in UTC, and a page that asks.
        plain = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=False, storage_state=context.storage_state()
        )
        no_js = plain.new_page()
        make_token(no_js, base, "Cron job")
        no_js.reload()
        expect(no_js.locator("table.tokens tbody tr").first.locator("td").nth(2)).to_contain_text(" UTC")
        no_js.get_by_role("button", name="Revoke the token Cron job").click()
        expect(no_js.get_by_role("heading", level=1)).to_have_text("Revoke the token “Cron job”?")
        no_js.screenshot(path=str(SHOTS / "revoke-confirm-1280.png"), full_page=True)
        no_js.get_by_role("button", name="Revoke the token").click()
        expect(no_js.get_by_text("Token revoked")).to_be_visible()
        expect(no_js).to_have_url(re.compile(r"/auth/account#api-tokens$"))
        expect(no_js.get_by_text("You have no API tokens.")).to_be_visible()
        plain.close()

        # The admin restores a backup from the list: what it holds, then the restore.
        page.goto(f"{base}/auth/account")
        page.get_by_role("button", name="Back up now").click()
        expect(page.get_by_text("Backed up to")).to_be_visible()
        add_recipe(page, base, "Made after the backup")
        page.goto(f"{base}/auth/account")
        page.locator("#backups").get_by_role("link", name=re.compile(r"^Restore recipes-")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Restore this backup?")
        expect(page.get_by_text("1 account, 1 recipe,")).to_be_visible()  # it holds
        expect(page.get_by_text("1 account, 2 recipes,")).to_be_visible()  # is here now
        page.screenshot(path=str(SHOTS / "restore-confirm-1280.png"), full_page=True)
        page.get_by_role("button", name="Replace everything with this backup").click()
        expect(page.get_by_text(re.compile(r"^Restored recipes-"))).to_be_visible()
        expect(page).to_have_url(re.compile(r"/auth/account#backups$"))  # still signed in: in the backup
        page.goto(f"{base}/recipes/")
        expect(page.get_by_text("Lentil soup")).to_be_visible()
        expect(page.get_by_text("Made after the backup")).to_have_count(0)

        # An uploaded file is checked before anything: a bad one says why, a good one is listed.
        page.goto(f"{base}/auth/account")
        page.get_by_role("link", name="Restore a backup…").click()
        bad = tmp_path / "notes.db"
        bad.write_text("not a backup\n")
        page.get_by_label("Backup file").set_input_files(str(bad))
        page.get_by_role("button", name="Upload and check").click()
        expect(page.get_by_text("notes.db is not a Recipes backup")).to_be_visible()
        page.screenshot(path=str(SHOTS / "restore-upload-refused-1280.png"), full_page=True)
        (good,) = sorted((tmp_path / "backups").glob("recipes-*-before-restore.*"))
        page.get_by_label("Backup file").set_input_files(str(good))
        page.get_by_role("button", name="Upload and check").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Restore this backup?")
        expect(page.get_by_text("1 account, 2 recipes,")).to_be_visible()  # the safety copy: both recipes
        expect(page.locator(".restore-confirm")).to_contain_text("uploaded")
        page.get_by_role("link", name="Cancel: back to your account").click()
        expect(page).to_have_url(re.compile(r"/auth/account#backups$"))
        context.close()
        assert errors == [], errors
