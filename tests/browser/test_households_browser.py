"""A household in a real browser, phone-sized (390x844): alice makes an invite link on her
household page; bob, signed out on his own phone, opens it, signs up (sign-up is closed on
this server: the invite is the permission), and sees the recipe alice shares with her
household, marked as hers, and not her private one. Screenshots go to the test's temporary
directory and to test-artifacts/households/."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user

PHONE: Any = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def household_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("household-live")


@pytest.fixture(scope="module")
def household_server(household_config_dir: Path, worker_id: str) -> Iterator[str]:
    # Its own server (sign-up closed, the default): the first account made on it is alice's.
    with served_app(household_config_dir, f"recipes_household_browser_{worker_id}") as base:
        yield base


def phone(browser: Browser) -> tuple[BrowserContext, Page, list[str]]:
    """A phone-sized browser of its own, collecting console errors and failed assets."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # A page answered 404 or 410 logs "Failed to load resource" for itself: expected here.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )

    def on_response(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    page.on("response", on_response)
    return context, page, problems


def add_recipe(page: Page, base: str, title: str, who_sees: str) -> None:
    page.goto(base + "/recipes/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Ingredients").fill("1 onion\n2 tomatoes")
    page.get_by_label("Instructions").fill("Chop.\nSimmer.")
    page.get_by_label(who_sees).check()
    page.get_by_role("button", name="Save recipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_an_invite_brings_bob_into_alices_household(
    browser: Browser, household_server: str, household_config_dir: Path, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    alice_context, alice, alice_problems = phone(browser)
    bob_context, bob, bob_problems = phone(browser)
    try:
        register_first_user(alice, household_server, household_config_dir)
        add_recipe(alice, household_server, "Family curry", "My household")
        add_recipe(alice, household_server, "Alice's secret stew", "Only me")
        secret_url = alice.url

        # The household page, from the phone's menu.
        alice.get_by_role("button", name="Menu").click()
        alice.locator(".site-menu").get_by_role("link", name="Household").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text("alice's household")
        alice.get_by_label("Link works for").select_option("1d")
        alice.get_by_label("For one person only").check()
        alice.get_by_role("button", name="Make an invite link").click()
        link = alice.get_by_label("Your new invite link")
        expect(link).to_have_attribute("readonly", "")
        invite_url = link.input_value()
        assert re.fullmatch(re.escape(household_server) + r"/join/[A-Za-z0-9_-]{43}", invite_url), invite_url
        shot(alice, "1-alice-makes-an-invite")

        # bob has no account, and sign-up is closed: the invite lets him in.
        bob.goto(household_server + "/auth/register")
        expect(bob.get_by_role("heading", level=1)).to_have_text("Sign-up is closed")
        opened = bob.goto(invite_url)
        assert opened is not None and opened.status == 200
        assert opened.headers["referrer-policy"] == "no-referrer"
        expect(bob.get_by_role("heading", level=1)).to_have_text("Join “alice's household”")
        shot(bob, "2-bob-opens-the-invite")
        bob.get_by_label("Username").fill("bob")
        bob.get_by_label("Password", exact=True).fill("battery staple")
        bob.get_by_label("Repeat the password").fill("battery staple")
        bob.get_by_role("button", name="Create account and join").click()
        expect(bob.get_by_text("You are a member of “alice's household”")).to_be_visible()

        # The household's recipe, marked as alice's; not her private one.
        card = bob.locator(".recipe-card", has_text="Family curry")
        expect(card).to_be_visible()
        expect(card.locator(".owner")).to_have_text("by alice")
        expect(bob.locator(".recipe-grid h3")).to_have_text(["Family curry"])
        shot(bob, "3-bob-sees-the-household-recipe")
        card.get_by_role("link", name="Family curry").click()
        expect(bob.get_by_role("heading", level=1)).to_have_text("Family curry")
        expect(bob.get_by_role("button", name="Save a copy")).to_be_visible()
        expect(bob.get_by_role("link", name="Edit")).to_have_count(0)
        hidden = bob.goto(secret_url)
        assert hidden is not None and hidden.status == 404

        # alice sees bob among the members, and her single-use link used up.
        alice.goto(household_server + "/household")
        expect(alice.locator("table.members")).to_contain_text("bob")
        expect(alice.get_by_text("No invite links work right now.")).to_be_visible()
        expect(alice.get_by_text("1 expired, revoked or used-up invite")).to_be_visible()
        shot(alice, "4-alice-sees-bob-in-the-household")
        again = bob.goto(invite_url)
        assert again is not None and again.status == 410
    finally:
        saved = ARTIFACTS / "households"
        saved.mkdir(parents=True, exist_ok=True)
        for picture in shots.glob("*.png"):
            shutil.copy(picture, saved / picture.name)
        alice_context.close()
        bob_context.close()
    assert alice_problems == [] and bob_problems == [], alice_problems + bob_problems
