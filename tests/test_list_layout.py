"""The recipe list as a grid of pictures or as a compact list: a choice kept per account,
switched by a small form on the list page (a POST with its CSRF token, no script needed)."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from recipes.extensions import db
from recipes.models import User

from .conftest import AuthActions, Client, create_recipe


def shown_layout(client: Client, url: str = "/recipes/") -> str:
    page = BeautifulSoup(client.get(url).text, "html.parser")
    results = page.select_one("#results .recipe-grid")
    assert results is not None
    (layout,) = [c.removeprefix("layout-") for c in results["class"] if c.startswith("layout-")]
    pressed = [b["value"] for b in page.select("form.layout-switch button[aria-pressed='true']")]
    assert pressed == [layout]
    return layout


def stored_layout(app: Flask, username: str) -> str:
    with app.app_context():
        return str(db.session.execute(db.select(User.recipe_layout).filter_by(username=username)).scalar_one())


def switch(client: Client, layout: str, next: str = "/recipes/", **kwargs: Any) -> Any:
    return client.post("/recipes/layout", data={"layout": layout, "next": next}, **kwargs)


def test_a_new_account_sees_the_grid(app: Flask, alice: Client) -> None:
    create_recipe(alice)
    assert shown_layout(alice) == "grid"
    assert stored_layout(app, "alice") == "grid"


def test_the_switch_is_a_post_form_with_its_csrf_token(alice: Client) -> None:
    create_recipe(alice)
    page = BeautifulSoup(alice.get("/recipes/?q=soup").text, "html.parser")
    form = page.select_one("#results form.layout-switch")
    assert form is not None and form["method"] == "post" and form["action"] == "/recipes/layout"
    assert form.select_one("input[name='csrf_token']") is not None
    next_field = form.select_one("input[name='next']")
    assert next_field is not None and next_field["value"] == "/recipes/?q=soup"  # back to the same search
    assert [b.get_text(strip=True) for b in form.select("button[name='layout']")] == ["Grid", "List"]


def test_switching_to_the_list_is_kept_for_the_account(app: Flask, alice: Client, bob: Client) -> None:
    create_recipe(alice, visibility="public")
    response = switch(alice, "list", next="/recipes/?q=soup&page=1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/recipes/?q=soup&page=1"
    assert stored_layout(app, "alice") == "list"
    assert shown_layout(alice) == "list"
    assert shown_layout(alice, "/recipes/?q=tomato") == "list"

    # Another login of the same account sees it too (it is the account's, not the browser's) ...
    again: Client = app.test_client()  # type: ignore[assignment]
    assert AuthActions(again).login("alice").status_code == 302
    assert shown_layout(again) == "list"
    # ... and another account does not.
    assert shown_layout(bob) == "grid"

    assert switch(alice, "grid").status_code == 303
    assert shown_layout(alice) == "grid"


@pytest.mark.parametrize("layout", ["", "table", "LIST", "x" * 500])
def test_an_unknown_layout_is_a_clear_400(app: Flask, alice: Client, layout: str) -> None:
    response = switch(alice, layout)
    assert response.status_code == 400
    assert "Choose grid or list" in response.text
    assert stored_layout(app, "alice") == "grid"


def test_switching_needs_the_csrf_token(app: Flask, alice: Client) -> None:
    assert switch(alice, "list", csrf=False).status_code == 400
    assert stored_layout(app, "alice") == "grid"


@pytest.mark.parametrize("next", ["", "//evil.example/x", "https://evil.example/", "/\\evil.example", "recipes/"])
def test_switching_goes_back_only_to_a_page_of_this_site(alice: Client, next: str) -> None:
    response = switch(alice, "list", next=next)
    assert response.status_code == 303
    assert response.headers["Location"] == "/recipes/"


def test_switching_needs_an_account(client: Client, make_user: Any) -> None:
    make_user("alice")
    response = client.post("/recipes/layout", data={"layout": "list"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_the_switch_is_not_a_get(alice: Client) -> None:
    assert alice.get("/recipes/layout?layout=list").status_code == 405
