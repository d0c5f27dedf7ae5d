"""The pages' shell and structure (issue 15, items 3, 5 and 9): one header for phone and desk
with every link in both, a skip link, tables that stack on narrow screens, the recipe's
actions and facts near its title, and a 404 page in our own words. The layout itself is
checked in a real browser (tests/browser/test_shell_browser.py); these check the HTML."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup, Tag
from flask import Flask

from .conftest import Client, create_recipe, without_tokens


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def links_and_buttons(element: Tag) -> list[str]:
    """What a menu offers: each link's address, each form's action (a button)."""
    found = []
    for item in element.select("a[href], form[action]"):
        found.append(item["href"] if item.name == "a" else f"POST {item['action']}")
    return found


# --- the header ------------------------------------------------------------------------------


def header_of(page: BeautifulSoup) -> tuple[list[str], list[str]]:
    header = page.select_one("body > header.site")
    assert header is not None
    wide = header.select_one("nav .site-links")
    menu = header.select_one("nav details.site-menu")
    assert wide is not None and menu is not None, header
    summary = menu.select_one("summary")
    assert summary is not None and summary.get_text(strip=True) == "Menu"
    return links_and_buttons(wide), links_and_buttons(menu)


def test_the_phone_menu_offers_every_link_of_the_desk_header(alice: Client) -> None:
    wide, menu = header_of(soup(alice.get("/recipes/").text))
    assert wide == menu
    assert wide == [
        "/recipes/tags",
        "/recipes/new",
        "/recipes/import",
        "/plan",
        "/lists",
        "/household",
        "/auth/account",
        "POST /auth/logout",
    ]


def test_without_an_account_the_few_links_need_no_menu(client: Client, make_user: Any) -> None:
    make_user("alice")
    header = soup(client.get("/auth/login").text).select_one("body > header.site nav")
    assert header is not None and header.select_one("details") is None
    links = header.select_one(".site-links")
    assert links is not None and "/auth/login" in links_and_buttons(links)


def test_a_skip_link_leads_to_the_content_first(alice: Client) -> None:
    page = soup(alice.get("/recipes/").text)
    first = page.body.find(True) if page.body else None
    assert first is not None and first.name == "a" and first["href"] == "#content"
    assert first.get_text(strip=True) == "Skip to content"
    main = page.select_one("main#content")
    assert main is not None and main.get("tabindex") == "-1"


# --- tables stack on narrow screens ---------------------------------------------------------------


def check_tables_stack(html: str, expected: int) -> None:
    """Every table is a stacking one, and every data cell says which column it is in (the
    narrow layout shows that label beside the value), with the header's own words."""
    tables = soup(html).select("main table")
    assert len(tables) == expected, html
    for table in tables:
        assert "stack-narrow" in table.get("class", []), table
        headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"], recursive=False)
            assert len(cells) == len(headers), row
            for header, cell in zip(headers, cells, strict=True):
                if cell.name == "th":
                    continue  # the row's own title
                assert cell.get("data-label") == header, (header, cell)


def test_every_table_stacks_on_a_phone(app: Flask, alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice)
    assert alice.post("/auth/account/tokens", data={"name": "Home Assistant"}).status_code == 302
    assert alice.post("/admin/backups/").status_code in (302, 303)
    for expiry in ("1d", "never"):
        assert alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": expiry}).status_code == 303
    page = alice.get(f"/recipes/{recipe_id}").text
    revoke = soup(page).select_one("#share form[action$='/revoke']")
    assert revoke is not None and alice.post(str(revoke["action"])).status_code == 302

    check_tables_stack(alice.get("/auth/account").text, expected=2)  # tokens, backups
    check_tables_stack(alice.get(f"/recipes/{recipe_id}").text, expected=2)  # live and revoked links
    check_tables_stack(alice.get("/admin/accounts/").text, expected=1)


# --- the recipe page ------------------------------------------------------------------------------


def test_the_recipes_actions_and_facts_come_before_its_ingredients(alice: Client) -> None:
    recipe_id = create_recipe(alice, servings="4 bowls", prep_time="10", cook_time="30")
    html = alice.get(f"/recipes/{recipe_id}").text
    page = soup(html)
    header = page.select_one("article.recipe > header")
    assert header is not None
    actions = header.select_one(".recipe-actions")
    assert actions is not None
    names = [item.get_text(strip=True) for item in actions.select("a, button")]
    assert names == ["Cook", "Edit", "Delete", "Share", "Plan this", "Print"]
    assert actions.select_one("a[href='#share']") is not None
    # Serves and the times are one line of facts.
    facts = header.select_one(".recipe-meta")
    assert facts is not None
    assert [item.get_text(" ", strip=True) for item in facts.select(".fact")] == [
        "Serves 4 bowls",
        "Prep 10 min · Cook 30 min · Total 40 min",
        "private",
    ]
    assert html.index('class="recipe-actions') < html.index(">Ingredients</h2>")


def test_someone_elses_public_recipe_offers_a_copy_a_plan_and_print(alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice, visibility="public")
    page = soup(bob.get(f"/recipes/{recipe_id}").text)
    actions = page.select_one("article.recipe > header .recipe-actions")
    assert actions is not None
    names = [item.get_text(strip=True) for item in actions.select("a, button")]
    assert names == ["Cook", "Save a copy", "Plan this", "Print"]


# --- the 404 page ---------------------------------------------------------------------------------


def test_the_404_page_speaks_our_words(alice: Client) -> None:
    response = alice.get("/recipes/no-such-page")
    assert response.status_code == 404
    page = soup(response.text)
    assert page.h1 is not None and page.h1.get_text(strip=True) == "Page not found"
    assert "requested URL was not found on the server" not in response.text
    assert "no page at this address" in response.text
    assert page.select_one("main a[href='/recipes/']") is not None
    # A search box: perhaps what was meant is a recipe.
    search = page.select_one("main form[action='/recipes/'][method='get']")
    assert search is not None and search.select_one("input[name='q']") is not None


def test_someone_elses_private_recipe_is_the_same_404(alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice)
    hidden = bob.get(f"/recipes/{recipe_id}")
    missing = bob.get("/recipes/999999")
    assert hidden.status_code == missing.status_code == 404
    assert without_tokens(hidden.text) == without_tokens(missing.text)  # (tokens carry the second they were made)


def test_the_404_page_without_an_account_offers_log_in(client: Client, make_user: Any) -> None:
    make_user("alice")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = soup(response.text)
    assert page.select_one("main a[href='/auth/login']") is not None
    assert page.select_one("main form[action='/recipes/']") is None  # searching needs an account
