"""First run and sign-up as a newcomer meets them (issue 15, item 6): the first page asks for
the first account without talking about logging in, the header offers only what works, a
closed sign-up speaks to a person, and the empty library shows every way in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import OperationalError

from .conftest import AuthActions, Client

LOGIN_LINK = 'href="/auth/login"'
SIGNUP_LINK = 'href="/auth/register"'


def header(page: str) -> str:
    match = re.search(r"<header class=\"site.*?</header>", page, re.S)
    assert match, page
    return match[0]


def test_a_fresh_install_asks_for_the_first_account_and_nothing_else(client: Client) -> None:
    first = client.get("/recipes/")
    assert first.status_code == 302
    page = client.get("/recipes/", follow_redirects=True)
    assert page.request.path == "/auth/register"
    assert "it will be the administrator" in page.text
    assert 'name="setup_code"' in page.text
    assert "Please log in" not in page.text
    assert "Already have an account?" not in page.text
    assert "Create the first account" not in page.text  # said once, by the page itself
    assert LOGIN_LINK not in header(page.text)  # no account to log in to yet
    assert SIGNUP_LINK in header(page.text)


def test_the_first_account_still_needs_the_setup_code(client: Client, auth: AuthActions) -> None:
    refused = auth.register(setup_code="WRONG-CODE-HERE")
    assert refused.status_code == 400
    assert "setup code" in refused.text
    assert auth.register().status_code == 302


def test_a_page_that_needs_a_login_still_asks_for_one_once_there_are_accounts(client: Client, make_user: Any) -> None:
    make_user("alice")
    page = client.get("/recipes/new", follow_redirects=True)
    assert page.request.path == "/auth/login"
    assert "Please log in to see that page." in page.text
    assert 'value="/recipes/new"' in page.text


def test_closed_sign_up_is_not_offered_and_speaks_to_a_person(client: Client, make_user: Any) -> None:
    make_user("alice")
    login = client.get("/auth/login")
    assert LOGIN_LINK in header(login.text)
    assert SIGNUP_LINK not in header(login.text)
    closed = client.get("/auth/register")
    assert closed.status_code == 200
    assert "Sign-up is closed" in closed.text
    assert "ask them to make an account for you" in closed.text
    assert "RECIPES_" not in closed.text and "<code>" not in closed.text
    assert SIGNUP_LINK not in header(closed.text)


def test_open_sign_up_is_offered_with_a_way_to_log_in(app: Flask, client: Client, make_user: Any) -> None:
    make_user("alice")
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    page = client.get("/auth/register")
    assert 'name="setup_code"' not in page.text
    assert "Already have an account?" in page.text
    assert LOGIN_LINK in header(page.text) and SIGNUP_LINK in header(page.text)


def test_the_header_of_an_error_page_survives_a_database_that_cannot_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipes.auth import services

    def broken(allow_signup: bool) -> str:
        raise OperationalError("SELECT count(*) FROM user", None, Exception("the database is gone"))

    monkeypatch.setattr(services, "signup_state", broken)
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert LOGIN_LINK in header(page.text) and SIGNUP_LINK not in header(page.text)


def test_the_empty_library_shows_every_way_in(alice: Client) -> None:
    page = alice.get("/recipes/").text
    assert "No recipes yet." in page
    assert '<a role="button" href="/recipes/new">Add your first recipe</a>' in page
    assert 'href="/recipes/import#from-the-web">Import from a web page</a>' in page
    assert 'href="/recipes/import#from-a-file">Import from Mealie, Tandoor, Paprika, …</a>' in page
    importing = alice.get("/recipes/import").text
    assert 'id="from-the-web"' in importing and 'id="from-a-file"' in importing


def test_a_library_with_recipes_does_not_show_the_ways_in(alice: Client) -> None:
    from .conftest import create_recipe

    create_recipe(alice)
    assert "Import from a web page" not in alice.get("/recipes/").text
