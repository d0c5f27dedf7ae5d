import pytest
from flask import Flask

from recipes.auth import services
from recipes.extensions import db
from recipes.models import LoginSession, User

from .conftest import AuthActions
from .database_fixtures import release_database


def get_user(app: Flask, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        assert user is not None
        db.session.expunge(user)
        return user


# --- registration --------------------------------------------------------------------


def test_first_account_becomes_admin_and_is_logged_in(app, client, auth):
    page = client.get("/auth/register")
    assert "it will be the administrator" in page.text
    response = auth.register("Alice")
    assert response.status_code == 302
    assert response.headers["Location"] == "/recipes/"
    assert get_user(app, "alice").is_admin
    assert client.get("/recipes/").status_code == 200


def test_signup_closed_after_first_account(client, auth, make_user):
    make_user("alice")
    page = client.get("/auth/register")
    assert page.status_code == 200
    assert "Sign-up is closed" in page.text
    response = auth.register("bob")
    assert response.status_code == 403
    assert "Sign-up is closed" in response.text


def test_signup_open_when_allowed(app, client, auth, make_user):
    make_user("alice")
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    assert auth.register("bob").status_code == 302
    assert not get_user(app, "bob").is_admin


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("alice", "short", "short", "Use at least 8 characters."),
        ("alice", "long enough", "different!", "The passwords differ."),
        ("a", "long enough", "long enough", "Field must be between 3 and 40 characters long."),
        ("bad name!", "long enough", "long enough", "Usernames are 3 to 40 characters"),
        ("", "long enough", "long enough", "This field is required."),
    ],
)
def test_register_validation_messages_next_to_fields(client, username, password, confirm, message):
    response = client.post("/auth/register", data={"username": username, "password": password, "confirm": confirm})
    assert response.status_code == 400
    assert message in response.text
    assert 'class="field-error"' in response.text


def test_password_length_enforced_by_the_service_too(app):
    with app.app_context(), pytest.raises(services.AccountError, match="at least 8"):
        services.create_user("alice", "1234567")


def test_duplicate_username_is_refused_case_insensitively(app, client, auth, make_user):
    make_user("alice")
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    response = auth.register("ALICE")
    assert response.status_code == 400
    assert "That username is taken." in response.text


def test_passwords_are_hashed_with_argon2id(app, make_user):
    make_user("alice", "correct horse")
    user = get_user(app, "alice")
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse" not in user.password_hash


# --- login and logout ----------------------------------------------------------------


def test_login_page_sends_to_registration_when_there_are_no_users(client):
    response = client.get("/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/register"


def test_login_and_logout(client, auth, make_user):
    make_user("alice")
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/recipes/"
    assert "alice" in client.get("/recipes/").text
    logged_out = auth.logout()
    assert logged_out.status_code == 302
    # Cached pictures go too, and (issue 19) the service worker's copies and localStorage.
    assert logged_out.headers["Clear-Site-Data"] == '"cache", "storage"'
    response = client.get("/recipes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_username_is_case_insensitive_at_login(auth, make_user):
    make_user("alice")
    assert auth.login("  Alice ").status_code == 302


@pytest.mark.parametrize(("username", "password"), [("alice", "wrong password"), ("nobody", "correct horse")])
def test_failed_login_gives_the_same_message(auth, make_user, username, password):
    make_user("alice")
    response = auth.login(username, password)
    assert response.status_code == 400
    assert "Wrong username or password." in response.text


def test_login_page_is_served_to_anonymous_users(client, make_user):
    make_user("alice")
    page = client.get("/auth/login?next=/recipes/new")
    assert page.status_code == 200
    assert 'name="username"' in page.text and 'name="password"' in page.text
    assert '<label for="username">' in page.text
    assert 'value="/recipes/new"' in page.text


@pytest.mark.parametrize("target", ["/recipes/new", "/recipes/?tag=soup&page=2"])
def test_next_leads_to_pages_of_this_site(auth, make_user, target):
    make_user("alice")
    response = auth.login(next=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/\tevil",
        " //evil.example",
    ],
)
def test_next_never_leaves_the_site(auth, make_user, target):
    make_user("alice")
    response = auth.login(next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/recipes/"


def test_logout_needs_post(client, auth, make_user):
    make_user("alice")
    auth.login()
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/recipes/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, auth, make_user):
    make_user("alice")
    auth.login()
    response = client.post("/auth/logout", csrf=False)
    assert response.status_code == 400
    assert "Form expired" in response.text
    assert client.get("/recipes/").status_code == 200


def test_login_form_without_csrf_token_is_refused(client, make_user):
    make_user("alice")
    response = client.post("/auth/login", data={"username": "alice", "password": "correct horse"}, csrf=False)
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(client, auth, make_user):
    make_user("alice")
    response = auth.login()
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("recipes_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_logout_ends_the_session_for_copies_of_the_cookie(app, client, auth, make_user):
    make_user("alice")
    auth.login()
    stolen = client.get_cookie("recipes_session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("recipes_session", stolen)
    response = thief.get("/recipes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_a_new_session_at_every_login(app, client, auth, make_user):
    make_user("alice")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def test_change_password_ends_other_sessions(app, client, auth, make_user):
    make_user("alice")
    auth.login()
    other = app.test_client()
    assert AuthActions(other).login().status_code == 302
    response = client.post(
        "/auth/account",
        data={"current_password": "correct horse", "new_password": "new password!", "confirm": "new password!"},
    )
    assert response.status_code == 302
    assert client.get("/recipes/").status_code == 200  # this device stays in
    assert other.get("/recipes/").status_code == 302  # the other one is out
    auth.logout()
    assert auth.login(password="correct horse").status_code == 400
    assert auth.login(password="new password!").status_code == 302


def test_change_password_ends_the_accounts_api_tokens(app, client, auth, make_user):
    """A password change is what someone does who fears their account was used by another:
    the API tokens that other person may have made stop too."""
    from .test_api import make_token

    make_user("alice")
    token = make_token(app, "alice")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    auth.login()
    response = client.post(
        "/auth/account",
        data={"current_password": "correct horse", "new_password": "new password!", "confirm": "new password!"},
        follow_redirects=True,
    )
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert client.get("/recipes/").status_code == 200  # this browser stays logged in
    assert "your API tokens were revoked" in response.text
    assert "revokes your API tokens" in client.get("/auth/account").text  # said before you do it


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        (
            {"current_password": "wrong one!", "new_password": "new password!", "confirm": "new password!"},
            "The current password is wrong.",
            "current_password",
        ),
        (
            {"current_password": "correct horse", "new_password": "short", "confirm": "short"},
            "Use at least 8 characters.",
            "new_password",
        ),
        (
            {"current_password": "correct horse", "new_password": "new password!", "confirm": "other password"},
            "The passwords differ.",
            "confirm",
        ),
    ],
)
def test_change_password_failures(app, client, auth, make_user, data, message, field):
    make_user("alice")
    auth.login()
    response = client.post("/auth/account", data=data)
    assert response.status_code == 400
    # The message sits right after its own field.
    after_field = response.text.split(f'id="{field}"', 1)[1]
    assert (
        after_field.index(message) < after_field.index("<label") if "<label" in after_field else message in after_field
    )
    assert auth.logout().status_code == 302
    assert auth.login().status_code == 302  # the old password still works


def test_account_page_needs_login(client):
    response = client.get("/auth/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_sessions_are_stored_hashed(app, client, auth, make_user):
    import hashlib

    make_user("alice")
    auth.login()
    with client.session_transaction() as session:
        token = session["_user_id"]
    with app.app_context():
        rows = db.session.scalars(db.select(LoginSession)).all()
    assert [row.token_hash for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in rows[0].token_hash


def test_registration_is_one_transaction(app, client, auth):
    """The account and its login are saved together: a failure in between leaves neither."""
    from recipes.auth import services as account_services

    def broken_login(*args, **kwargs):
        raise RuntimeError("disk full")

    original = account_services._add_login_session
    account_services._add_login_session = broken_login
    try:
        app.testing = False
        assert auth.register().status_code == 500
    finally:
        account_services._add_login_session = original
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_concurrent_first_signups_make_one_admin(app_config):
    """Two people racing to be the first account: one admin, and the other is refused
    because sign-up closes once an account exists."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        outcomes = pool.starmap(_register_in_new_process, [(app_config, f"user{n}") for n in range(4)])
    assert sorted(outcomes).count(302) == 1, outcomes
    from recipes import create_app

    app = create_app(app_config)
    with app.app_context():
        users = db.session.scalars(db.select(User)).all()
        release_database()
    assert len(users) == 1 and users[0].is_admin


def _register_in_new_process(config: dict, username: str) -> int:
    from recipes import create_app

    from .conftest import AuthActions, Client

    app = create_app(config)
    app.test_client_class = Client
    return AuthActions(app.test_client()).register(username).status_code


def test_nul_in_username_is_not_an_error(auth, make_user):
    make_user("alice")
    assert auth.login("ali\x00ce").status_code == 302


def test_405_keeps_the_allow_header(client):
    response = client.get("/auth/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"] and "GET" not in response.headers["Allow"]


def test_password_rehashed_when_cost_changes(app, auth, make_user):
    make_user("alice")
    before = get_user(app, "alice").password_hash
    app.config["ARGON2_TIME_COST"] = 2
    assert auth.login().status_code == 302
    after = get_user(app, "alice").password_hash
    assert after != before and "t=2" in after
