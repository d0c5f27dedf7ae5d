"""A share link in a real browser: alice makes one, a logged-out visitor opens it, alice
revokes it, and the visitor's next load is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user
from .test_import_browser import photo, wait_for_picture


@pytest.fixture(scope="module")
def share_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("share-live")


@pytest.fixture(scope="module")
def share_server(share_config_dir: Path, worker_id: str) -> Iterator[str]:
    # Its own server: the first account made on it is alice's.
    with served_app(share_config_dir, f"recipes_share_browser_{worker_id}") as base:
        yield base


def test_share_open_logged_out_then_revoke(
    page: Page, browser: Browser, share_server: str, share_config_dir: Path
) -> None:
    register_first_user(page, share_server, share_config_dir)
    page.get_by_role("link", name="New recipe").click()
    page.get_by_label("Title").fill("Shakshuka")
    page.get_by_label("Ingredients").fill("4 eggs\n400 g tomatoes\n1 pepper")
    page.get_by_label("Instructions").fill("Soften the pepper.\nAdd the tomatoes.\nPoach the eggs.")
    page.get_by_label("Tags").fill("eggs, brunch")
    page.get_by_label("Picture").set_input_files(
        {"name": "shakshuka.jpg", "mimeType": "image/jpeg", "buffer": photo((200, 60, 30))}
    )
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shakshuka")

    # The owner's share panel: pick an expiry, create, copy the link shown once.
    panel = page.locator("#share")
    expect(panel.get_by_text("No live links.")).to_be_visible()
    panel.get_by_label("Link works for").select_option("1d")
    panel.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share “Shakshuka”")
    link_field = page.get_by_label("Share link")
    share_url = link_field.input_value()
    assert re.fullmatch(re.escape(share_server) + r"/s/[A-Za-z0-9_-]{43}", share_url), share_url
    expect(link_field).to_have_attribute("readonly", "")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=share_server)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == share_url
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "share-created.png"))

    # Someone without an account opens it, in a browser of their own.
    visitor_context = browser.new_context(viewport={"width": 1000, "height": 900})
    visitor = visitor_context.new_page()
    problems: list[str] = []
    visitor.on("pageerror", lambda exc: problems.append(str(exc)))
    visitor.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    visitor.on("response", on_response)
    try:
        opened = visitor.goto(share_url)
        assert opened is not None and opened.status == 200
        assert opened.headers["x-robots-tag"] == "noindex, nofollow"
        assert opened.headers["referrer-policy"] == "no-referrer"
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Shakshuka")
        expect(visitor.locator("ol.instructions li")).to_have_count(3)
        expect(visitor.get_by_text("Shared by alice")).to_be_visible()
        expect(visitor.get_by_role("button", name="Log in to save it to your recipes")).to_be_visible()
        expect(visitor.get_by_role("link", name="New recipe")).to_have_count(0)
        expect(visitor.get_by_role("button", name="Save to my recipes")).to_have_count(0)
        wait_for_picture(visitor, ".recipe-picture img")
        visitor.screenshot(path=str(ARTIFACTS / "share-page.png"), full_page=True)

        # Alice sees the view counted, and revokes the link.
        page.get_by_role("button", name="Back to the recipe").click()
        row = panel.locator("table.share-links tbody tr")
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(3)).to_have_text("1")
        panel.screenshot(path=str(ARTIFACTS / "share-panel.png"))
        page.once("dialog", lambda dialog: dialog.accept())  # revoking asks first
        row.get_by_role("button", name="Revoke").click()
        expect(page.get_by_text("Revoked the link")).to_be_visible()
        expect(page).to_have_url(re.compile(r"#share$"))
        expect(panel.get_by_text("No live links.")).to_be_visible()
        expect(panel.get_by_text("1 expired or revoked link")).to_be_visible()

        # The visitor's very next load is refused.
        again = visitor.reload()
        assert again is not None and again.status == 410
        expect(visitor.get_by_role("heading", level=1)).to_contain_text("Link revoked")
        expect(visitor.get_by_text("Shakshuka")).to_have_count(0)
        visitor.screenshot(path=str(ARTIFACTS / "share-revoked.png"), full_page=True)
    finally:
        visitor_context.close()
    # The 410 document itself logs "Failed to load resource"; nothing else may fail.
    assert [p for p in problems if not p.startswith("Failed to load resource")] == [], problems
