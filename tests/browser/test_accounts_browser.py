"""The admin's accounts page in a real browser: alice makes bob a link to set a new password,
bob uses it, alice disables bob (his open page is logged out at the next load, his login
refused), and finally deletes him, keeping his recipe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[tuple[str, Path]]:
    # Its own server, open for sign-up: alice is the first account (the admin), bob signs up.
    config_dir = tmp_path_factory.mktemp("accounts-live")
    with served_app(config_dir, f"recipes_accounts_browser_{worker_id}", RECIPES_ALLOW_SIGNUP="true") as base:
        yield base, config_dir


def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/auth/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_reset_disable_and_delete_an_account(page: Page, browser: Browser, accounts_server: tuple[str, Path]) -> None:
    base, config_dir = accounts_server
    register_first_user(page, base, config_dir)
    bob_context = browser.new_context(viewport={"width": 1000, "height": 900})
    bob = bob_context.new_page()
    try:
        bob.goto(base + "/auth/register")
        bob.get_by_label("Username").fill("bob")
        bob.get_by_label("Password", exact=True).fill("bob's password")
        bob.get_by_label("Repeat the password").fill("bob's password")
        bob.get_by_role("button", name="Create account").click()
        expect(bob.get_by_text("Welcome, bob!")).to_be_visible()
        bob.get_by_role("link", name="New recipe").click()
        bob.get_by_label("Title").fill("Bob's chili")
        bob.get_by_role("button", name="Save recipe").click()
        expect(bob.get_by_role("heading", level=1)).to_have_text("Bob's chili")

        # Alice finds the accounts page from her account page.
        page.get_by_role("link", name="alice", exact=True).click()
        page.get_by_role("link", name="manage the accounts").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Accounts")
        bob_row = page.locator("table.accounts tbody tr", has_text="bob")
        expect(bob_row.locator("td").first).to_have_text("enabled")

        # A link for bob to set a new password, shown once.
        bob_row.get_by_role("button", name="Make a reset link for bob").click()
        link_field = page.get_by_label(re.compile("One-time link for bob"))
        link = link_field.input_value()
        assert re.fullmatch(re.escape(base) + r"/auth/reset/[A-Za-z0-9_-]{43}", link), link
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "accounts-reset-link.png"), full_page=True)
        bob.goto(link)
        expect(bob.get_by_text("For the account bob")).to_be_visible()
        bob.get_by_label("New password", exact=True).fill("bob's new password")
        bob.get_by_label("Repeat the new password").fill("bob's new password")
        bob.get_by_role("button", name="Set the password").click()
        expect(bob.get_by_text("Your new password is set, bob: log in with it.")).to_be_visible()
        log_in(bob, base, "bob", "bob's new password")
        expect(bob.get_by_role("link", name="bob", exact=True)).to_be_visible()

        # Alice disables bob: his next page load is a login page, and his login is refused.
        page.reload()
        bob_row.get_by_role("button", name="Disable bob").click()
        expect(page.get_by_text("bob is disabled: logged out everywhere")).to_be_visible()
        expect(bob_row.locator("td").first).to_contain_text("disabled since")
        bob.reload()
        expect(bob).to_have_url(re.compile(r"/auth/login"))
        log_in(bob, base, "bob", "bob's new password")
        expect(bob.get_by_text("This account is disabled.")).to_be_visible()

        # And deletes him, keeping his recipe.
        bob_row.get_by_role("link", name="Delete bob…").click()
        expect(page.get_by_text("bob has 1 recipe.")).to_be_visible()
        page.get_by_label("Move them to the account").select_option(label="alice")
        page.screenshot(path=str(ARTIFACTS / "accounts-delete.png"), full_page=True)
        page.get_by_role("button", name="Delete bob; move its 1 recipe to the account chosen").click()
        expect(page.get_by_text("Deleted the account bob; its 1 recipe now belongs to alice.")).to_be_visible()
        expect(page.locator("table.accounts tbody tr")).to_have_count(1)
        page.goto(base + "/recipes/")
        expect(page.get_by_text("Bob's chili")).to_be_visible()
    finally:
        bob_context.close()
