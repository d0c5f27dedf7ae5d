"""The account lifecycle: the admin disables, enables and deletes accounts, ends their logins
and API tokens, and makes one-time links to set a new password (the pages here, the commands
in test_cli_accounts.py; idle logins in test_login_expiry.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text, update

from recipes import create_app
from recipes.extensions import db
from recipes.models import ApiToken, LoginSession, PasswordReset, Recipe, ShareLink, Tag, User, token_digest, utcnow

from .conftest import AuthActions, Client, create_recipe
from .database_fixtures import release_database, using_postgres
from .hostile import share_path
from .test_api import make_token

ME = "/api/v1/me"


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return int(found)


def count(app: Flask, model: Any, *where: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def logged_in(client: Client) -> bool:
    response = client.get("/auth/account")
    return response.status_code == 200


def new_client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


def app_with(app_config: dict[str, Any], **settings: Any) -> Flask:
    """Another app on the test database, with other settings (the `app` fixture, which the
    test must also use, empties the database afterwards)."""
    app = create_app({**app_config, **settings})
    app.test_client_class = Client
    return app


# --- the admin's page -------------------------------------------------------------------------------


def test_the_admin_finds_the_accounts_page_on_their_account_page(alice: Client, bob: Client) -> None:
    assert 'href="/admin/accounts/"' in alice.get("/auth/account").text
    assert "/admin/accounts" not in bob.get("/auth/account").text
    assert bob.get("/admin/accounts/").status_code == 404


def test_the_accounts_page_lists_every_account_with_its_state(app: Flask, alice: Client, bob: Client) -> None:
    create_recipe(bob, title="Bob's stew")
    make_token(app, "bob")
    page = alice.get("/admin/accounts/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    rows = {m[0]: m[1] for m in re.findall(r'<th scope="row">(\w+)(.*?)</tr>', page.text, re.S)}
    assert set(rows) == {"alice", "bob"}
    assert "admin" in rows["alice"] and "(you)" in rows["alice"]
    # bob: enabled, 1 recipe, 1 login, 1 token
    cells = r'<td data-label="State">enabled</td>\s*<td data-label="Recipes">1</td>\s*<td data-label="Logins">1</td>\s*'
    assert re.search(cells + r'<td data-label="API tokens">1</td>', rows["bob"]), rows["bob"]


# --- disabling ------------------------------------------------------------------------------------


def test_disabling_stops_the_accounts_logins_and_tokens_at_once(app: Flask, alice: Client, bob: Client) -> None:
    token = make_token(app, "bob")
    other_device = new_client(app)
    assert AuthActions(other_device).login("bob").status_code == 302
    assert logged_in(bob) and logged_in(other_device)
    assert bob.get(ME, headers=bearer(token)).status_code == 200

    response = alice.post(f"/admin/accounts/{user_id(app, 'bob')}/disable", follow_redirects=True)
    assert "bob is disabled: logged out everywhere, and their API tokens stop working." in response.text
    assert re.search(r"<strong>disabled</strong> since <time [^>]*>\d{4}-\d\d-\d\d", response.text)

    for device in (bob, other_device):  # the very next request
        response = device.get("/recipes/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    api = new_client(app).get(ME, headers=bearer(token))
    assert api.status_code == 401 and api.json["error"]["code"] == "unauthorized"
    assert count(app, LoginSession, LoginSession.user_id == user_id(app, "bob")) == 0


def test_a_disabled_account_cannot_log_in_and_only_the_right_password_learns_why(
    app: Flask, alice: Client, make_user: Any
) -> None:
    make_user("bob")
    assert alice.post(f"/admin/accounts/{user_id(app, 'bob')}/disable").status_code == 302
    visitor = AuthActions(new_client(app))
    wrong = visitor.login("bob", "not the password")
    assert wrong.status_code == 400
    assert "Wrong username or password." in wrong.text and "disabled" not in wrong.text
    right = visitor.login("bob")
    assert right.status_code == 400
    assert "This account is disabled." in right.text
    assert not logged_in(visitor.client)


def test_a_session_of_a_disabled_account_stops_even_if_its_row_survived(app: Flask, alice: Client, bob: Client) -> None:
    """The loader checks the account, not only the session row (a login racing the disable)."""
    with app.app_context():
        db.session.execute(update(User).where(User.username == "bob").values(disabled_at=utcnow()))
        db.session.commit()
    assert bob.get("/recipes/").status_code == 302


def test_enabling_again_lets_the_account_log_in_and_its_tokens_work(app: Flask, alice: Client, bob: Client) -> None:
    token = make_token(app, "bob")
    bob_id = user_id(app, "bob")
    alice.post(f"/admin/accounts/{bob_id}/disable")
    assert new_client(app).get(ME, headers=bearer(token)).status_code == 401
    response = alice.post(f"/admin/accounts/{bob_id}/enable", follow_redirects=True)
    assert "bob is enabled" in response.text
    assert new_client(app).get(ME, headers=bearer(token)).status_code == 200
    assert AuthActions(new_client(app)).login("bob").status_code == 302
    assert "bob was enabled already." in alice.post(f"/admin/accounts/{bob_id}/enable", follow_redirects=True).text


def test_disabling_twice_says_so(app: Flask, alice: Client, bob: Client) -> None:
    bob_id = user_id(app, "bob")
    alice.post(f"/admin/accounts/{bob_id}/disable")
    assert "bob was disabled already." in alice.post(f"/admin/accounts/{bob_id}/disable", follow_redirects=True).text


def test_the_last_enabled_admin_cannot_be_disabled_or_deleted(app: Flask, alice: Client, make_user: Any) -> None:
    alice_id = user_id(app, "alice")
    reason = "alice is the only enabled admin: disabling them would leave nobody to manage accounts."
    assert reason in alice.post(f"/admin/accounts/{alice_id}/disable", follow_redirects=True).text
    page = alice.get(f"/admin/accounts/{alice_id}/delete")
    assert page.status_code == 200
    assert "alice is the only enabled admin: deleting them" in page.text
    assert "<button" not in page.text.split("<main")[1]  # no way to try
    response = alice.post(f"/admin/accounts/{alice_id}/delete", data={"recipes": "delete"}, follow_redirects=True)
    assert "alice is the only enabled admin: deleting them" in response.text
    assert logged_in(alice)
    # A disabled admin does not count: it cannot manage anything.
    carol_id = make_user("carol", admin=True)
    assert alice.post(f"/admin/accounts/{carol_id}/disable").status_code == 302
    assert reason in alice.post(f"/admin/accounts/{alice_id}/disable", follow_redirects=True).text
    with app.app_context():
        assert db.session.get(User, alice_id).is_active  # type: ignore[union-attr]


def test_with_another_enabled_admin_an_admin_may_disable_themselves(app: Flask, alice: Client, make_user: Any) -> None:
    make_user("carol", admin=True)
    response = alice.post(f"/admin/accounts/{user_id(app, 'alice')}/disable")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert not logged_in(alice)
    assert "This account is disabled." in AuthActions(new_client(app)).login("alice").text


@pytest.mark.parametrize("action", ["disable", "enable", "end-access", "reset-link", "delete"])
def test_account_actions_need_the_csrf_token_and_a_real_account(app: Flask, alice: Client, action: str) -> None:
    alice_id = user_id(app, "alice")
    assert alice.post(f"/admin/accounts/{alice_id}/{action}", csrf=False).status_code == 400
    assert alice.post(f"/admin/accounts/999999/{action}").status_code == 404
    assert alice.get(f"/admin/accounts/{alice_id}/{action}").status_code == (200 if action == "delete" else 405)


# --- ending logins and tokens -----------------------------------------------------------------------


def test_ending_an_accounts_logins_and_tokens(app: Flask, alice: Client, bob: Client) -> None:
    token = make_token(app, "bob")
    make_token(app, "bob")
    response = alice.post(f"/admin/accounts/{user_id(app, 'bob')}/end-access", follow_redirects=True)
    assert "bob: ended 1 login and revoked 2 API tokens." in response.text
    assert not logged_in(bob)
    assert new_client(app).get(ME, headers=bearer(token)).status_code == 401
    assert count(app, ApiToken) == 0
    assert AuthActions(new_client(app)).login("bob").status_code == 302  # still enabled: it can log in again


def test_ending_ones_own_logins_keeps_this_browser(app: Flask, alice: Client) -> None:
    other = new_client(app)
    assert AuthActions(other).login("alice").status_code == 302
    token = make_token(app, "alice")
    response = alice.post(f"/admin/accounts/{user_id(app, 'alice')}/end-access", follow_redirects=True)
    assert "alice: ended 1 other login and revoked 1 API token." in response.text
    assert logged_in(alice) and not logged_in(other)
    assert new_client(app).get(ME, headers=bearer(token)).status_code == 401


# --- one-time links to set a new password -----------------------------------------------------------


def make_reset_link(admin: Client, app: Flask, username: str) -> str:
    """Through the page: the path of the link shown (once) on the accounts page."""
    made = admin.post(f"/admin/accounts/{user_id(app, username)}/reset-link")
    assert made.status_code == 302
    page = admin.get(made.headers["Location"]).text
    match = re.search(r'id="new-reset-link" type="text" value="http://localhost(/auth/reset/[A-Za-z0-9_-]{43})"', page)
    assert match, page
    assert f"One-time link for {username} to set a new password" in page
    assert 'id="new-reset-link"' not in admin.get("/admin/accounts/").text  # shown once
    return match[1]


def set_password(client: Client, link: str, password: str = "a new password", confirm: str | None = None) -> Any:
    page = client.get(link)
    assert page.status_code == 200, page.text
    reset_token = re.search(r'name="reset_token" type="hidden" value="([^"]+)"', page.text)
    assert reset_token
    data = {"reset_token": reset_token[1], "new_password": password, "confirm": confirm or password}
    return client.post("/auth/reset", data=data)


def test_a_reset_link_sets_a_new_password_once_and_ends_every_login_and_token(
    app: Flask, alice: Client, bob: Client
) -> None:
    token = make_token(app, "bob")
    link = make_reset_link(alice, app, "bob")
    with app.app_context():  # only a hash of it is kept
        assert db.session.scalar(select(PasswordReset.token_hash)) == token_digest(link.rsplit("/", 1)[1])

    visitor = new_client(app)
    page = visitor.get(link)
    assert "For the account <strong>bob</strong>" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    assert 'autocomplete="new-password"' in page.text
    done = set_password(visitor, link)
    assert done.status_code == 302 and done.headers["Location"] == "/auth/login"
    assert "Your new password is set, bob: log in with it." in visitor.get("/auth/login").text

    assert not logged_in(bob)
    assert new_client(app).get(ME, headers=bearer(token)).status_code == 401
    assert AuthActions(new_client(app)).login("bob").status_code == 400  # the old password
    assert AuthActions(new_client(app)).login("bob", "a new password").status_code == 302
    used = visitor.get(link)  # once only
    assert used.status_code == 404 and "Link not valid" in used.text
    assert count(app, PasswordReset) == 0


def test_a_reset_form_with_a_mistake_says_so_and_keeps_the_link(app: Flask, alice: Client, make_user: Any) -> None:
    make_user("bob")
    link = make_reset_link(alice, app, "bob")
    visitor = new_client(app)
    differ = set_password(visitor, link, "a new password", "another password")
    assert differ.status_code == 400 and "The passwords differ." in differ.text
    short = set_password(visitor, link, "short")
    assert short.status_code == 400 and "Use at least 8 characters." in short.text
    assert set_password(visitor, link).status_code == 302


@pytest.mark.parametrize(
    "spoil",
    ["expired", "newer link", "disabled", "garbage", "tampered"],
)
def test_a_reset_link_that_does_not_work_says_so(app: Flask, alice: Client, make_user: Any, spoil: str) -> None:
    bob_id = make_user("bob")
    link = make_reset_link(alice, app, "bob")
    if spoil == "expired":
        with app.app_context():
            db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
    elif spoil == "newer link":
        make_reset_link(alice, app, "bob")
    elif spoil == "disabled":
        alice.post(f"/admin/accounts/{bob_id}/disable")
    elif spoil == "garbage":
        link = "/auth/reset/" + "x" * 300
    else:
        link = link[:-1] + ("A" if link[-1] != "A" else "B")
    visitor = new_client(app)
    page = visitor.get(link)
    assert page.status_code == 404
    assert "does not work: it was used already, has expired, or a newer one was made" in page.text
    # Posting it anyway changes nothing.
    posted = visitor.post(
        "/auth/reset",
        data={"reset_token": link.rsplit("/", 1)[1], "new_password": "a new password", "confirm": "a new password"},
    )
    assert posted.status_code == 404
    assert AuthActions(new_client(app)).login("bob", "a new password").status_code == 400


def test_changing_ones_password_deletes_a_pending_reset_link(app: Flask, alice: Client) -> None:
    make_reset_link(alice, app, "alice")
    response = alice.post(
        "/auth/account",
        data={"current_password": "correct horse", "new_password": "new password!", "confirm": "new password!"},
    )
    assert response.status_code == 302
    assert count(app, PasswordReset) == 0


def test_a_disabled_account_gets_no_reset_link(app: Flask, alice: Client, make_user: Any) -> None:
    bob_id = make_user("bob")
    alice.post(f"/admin/accounts/{bob_id}/disable")
    response = alice.post(f"/admin/accounts/{bob_id}/reset-link", follow_redirects=True)
    assert "bob is disabled: enable the account first." in response.text
    assert count(app, PasswordReset) == 0


def test_a_reset_link_starts_with_the_base_url_when_one_is_set(
    app: Flask, app_config: dict[str, Any], make_user: Any
) -> None:
    make_user("alice")
    based = app_with(app_config, RECIPES_BASE_URL="https://food.example.org/")
    client = new_client(based)
    assert AuthActions(client).login("alice").status_code == 302
    made = client.post(f"/admin/accounts/{user_id(based, 'alice')}/reset-link")
    page = client.get(made.headers["Location"]).text
    assert re.search(r'value="https://food\.example\.org/auth/reset/[A-Za-z0-9_-]{43}"', page)
    with based.app_context():
        release_database()


def test_the_access_log_cuts_reset_tokens_short() -> None:
    from recipes.access_log import redact

    token = "Rst4bc" + "y" * 37
    assert redact(f"GET /auth/reset/{token} HTTP/1.1") == "GET /auth/reset/Rst4bc... HTTP/1.1"


# --- deleting -------------------------------------------------------------------------------------


@pytest.fixture
def bobs_library(app: Flask, alice: Client, bob: Client) -> dict[str, Any]:
    """Bob's recipes: one tagged "soup" (alice has a "soup" tag too), one shared by a link."""
    create_recipe(alice, title="Alice's soup", tags="soup")
    stew = create_recipe(bob, title="Bob's stew", tags="soup, winter", visibility="private")
    cake = create_recipe(bob, title="Bob's cake", tags="baking", visibility="public")
    link, _ = share_path(bob, cake)
    return {"stew": stew, "cake": cake, "link": link, "token": make_token(app, "bob")}


def test_the_delete_page_asks_what_becomes_of_the_recipes(app: Flask, alice: Client, bobs_library: Any) -> None:
    page = alice.get(f"/admin/accounts/{user_id(app, 'bob')}/delete")
    assert page.status_code == 200
    assert "bob has <strong>2 recipes</strong>" in page.text
    assert "Delete bob; move its 2 recipes to the account chosen" in page.text
    assert "Delete bob and its 2 recipes" in page.text
    assert '<option value="1">alice</option>' in page.text


def test_deleting_an_account_can_keep_its_recipes_under_another(
    app: Flask, alice: Client, bob: Client, bobs_library: Any
) -> None:
    bob_id, alice_id = user_id(app, "bob"), user_id(app, "alice")
    response = alice.post(
        f"/admin/accounts/{bob_id}/delete", data={"recipes": "move", "move_to": str(alice_id)}, follow_redirects=True
    )
    assert "Deleted the account bob; its 2 recipes now belong to alice." in response.text
    assert not logged_in(bob)
    assert new_client(app).get(ME, headers=bearer(bobs_library["token"])).status_code == 401
    with app.app_context():
        assert db.session.get(User, bob_id) is None
        owners = set(db.session.scalars(select(Recipe.owner_id)))
        assert owners == {alice_id}
        # One "soup" tag (alice's), and bob's other tags now alice's.
        assert sorted(db.session.scalars(select(Tag.name).where(Tag.owner_id == alice_id))) == [
            "baking",
            "soup",
            "winter",
        ]
        assert count(app, Tag) == 3
        stew = db.session.get(Recipe, bobs_library["stew"])
        assert stew is not None and not stew.is_public and [t.name for t in stew.tags] == ["soup", "winter"]
    assert "Bob&#39;s stew" in alice.get("/recipes/?tag=soup").text  # search and tags find them
    assert "Bob&#39;s stew" in alice.get("/recipes/?q=stew").text
    assert alice.get(f"/recipes/{bobs_library['stew']}").status_code == 200
    assert new_client(app).get(bobs_library["link"]).status_code == 200  # the share link still works
    assert AuthActions(new_client(app)).login("bob").status_code == 400


def test_deleting_an_account_can_delete_its_recipes(app: Flask, alice: Client, bob: Client, bobs_library: Any) -> None:
    bob_id = user_id(app, "bob")
    response = alice.post(f"/admin/accounts/{bob_id}/delete", data={"recipes": "delete"}, follow_redirects=True)
    assert "Deleted the account bob and its 2 recipes." in response.text
    assert not logged_in(bob)
    with app.app_context():
        assert db.session.get(User, bob_id) is None
        assert list(db.session.scalars(select(Recipe.title))) == ["Alice's soup"]
        assert list(db.session.scalars(select(Tag.name))) == ["soup"]
        assert count(app, ShareLink) == 0 and count(app, ApiToken) == 0
        in_index = text("SELECT count(*) FROM recipe_search" if using_postgres() else "SELECT count(*) FROM recipe_fts")
        assert db.session.execute(in_index).scalar() == 1  # only alice's recipe is left in the search index
    assert "Bob" not in alice.get("/recipes/?q=bob+stew+cake&scope=all").text
    assert new_client(app).get(bobs_library["link"]).status_code == 404


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({}, "Choose whether to keep the recipes (under another account) or delete them.", None),
        ({"recipes": "move"}, "Choose the account that will keep the recipes.", "move_to"),
        ({"recipes": "move", "move_to": "999"}, "Choose the account that will keep the recipes.", "move_to"),
        ({"recipes": "move", "move_to": "{bob}"}, "Choose the account that will keep the recipes.", "move_to"),
        ({"recipes": "keep them all"}, "Not a valid choice.", None),
    ],
)
def test_deleting_an_account_with_recipes_needs_a_clear_choice(
    app: Flask, alice: Client, bobs_library: Any, data: dict[str, str], message: str, field: str | None
) -> None:
    bob_id = user_id(app, "bob")
    data = {k: v.format(bob=bob_id) for k, v in data.items()}
    response = alice.post(f"/admin/accounts/{bob_id}/delete", data=data)
    assert response.status_code == 400
    assert message in response.text
    if field:
        assert response.text.index(message) > response.text.index(f'id="{field}"')
    assert count(app, User) == 2 and count(app, Recipe) == 3


def test_an_account_without_recipes_is_deleted_without_a_choice(app: Flask, alice: Client, make_user: Any) -> None:
    bob_id = make_user("bob")
    page = alice.get(f"/admin/accounts/{bob_id}/delete").text
    assert "bob has no recipes." in page and "Delete bob</button>" in page
    response = alice.post(f"/admin/accounts/{bob_id}/delete", data={"recipes": "delete"}, follow_redirects=True)
    assert "Deleted the account bob (it had no recipes)." in response.text
    assert count(app, User) == 1


def test_an_admin_who_deletes_themselves_is_logged_out(app: Flask, alice: Client, make_user: Any) -> None:
    carol_id = make_user("carol", admin=True)
    create_recipe(alice, title="Alice's soup")
    response = alice.post(
        f"/admin/accounts/{user_id(app, 'alice')}/delete", data={"recipes": "move", "move_to": str(carol_id)}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert not logged_in(alice)
    with app.app_context():
        assert list(db.session.scalars(select(Recipe.owner_id))) == [carol_id]
