"""Households: every account in one; invites that bring accounts in (signed out: sign-up, even
while it is closed; signed in: join); members, roles, leaving and removing; the instance
admin's moves; and what a household shares: recipes marked `household`, seen by its members
(a copy to save, nothing to change) and by nobody else."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from recipes.extensions import db
from recipes.households import invites as invite_service
from recipes.households import services as household_service
from recipes.models import ADMIN, MEMBER, Household, HouseholdInvite, Recipe, User, utcnow

from .conftest import AuthActions, Client, create_recipe
from .test_api import Api, make_token
from .test_pictures import photo, post_recipe

NEW_INVITE = re.compile(r'<input id="new-invite" type="text" value="(http://localhost/join/([A-Za-z0-9_-]+))"')


def invite(client: Client, expiry: str = "1w", single_use: bool = False) -> str:
    """Make an invite on the household page, as its admin does; the token (shown once)."""
    form = {"expiry": expiry, **({"single_use": "y"} if single_use else {})}
    made = client.post("/household/invites", data=form)
    assert made.status_code == 302 and made.headers["Location"].endswith("/household#invites"), made.text
    page = client.get("/household").text
    found = NEW_INVITE.search(page)
    assert found, page
    assert NEW_INVITE.search(client.get("/household").text) is None  # shown once
    return found[2]


def account(app: Flask, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None
        db.session.expunge(user)
        return user


def household_id(app: Flask, username: str) -> int:
    return account(app, username).household_id


def sign_up(app: Flask, token: str, username: str, password: str = "correct horse") -> tuple[Client, Any]:
    client: Client = app.test_client()  # type: ignore[assignment]
    form = {"username": username, "password": password, "confirm": password}
    return client, client.post(f"/join/{token}", data=form)


def join(client: Client, token: str) -> Any:
    return client.post(f"/join/{token}")


@pytest.fixture
def family(app: Flask, alice: Client, bob: Client) -> dict[str, Client]:
    """alice (admin of her household), bob who joined it with her invite, and carol outside it."""
    assert join(bob, invite(alice)).status_code == 302
    carol, signed_up = sign_up(app, invite(_new_account(app, "dora")), "carol")  # carol: dora's household
    assert signed_up.status_code == 302
    return {"alice": alice, "bob": bob, "carol": carol}


def _new_account(app: Flask, username: str) -> Client:
    from recipes.auth.services import create_user

    with app.app_context():
        create_user(username, "correct horse")
    client: Client = app.test_client()  # type: ignore[assignment]
    assert AuthActions(client).login(username).status_code == 302
    return client


# --- every account in a household ------------------------------------------------------------


def test_every_new_account_gets_a_household_of_its_own_as_its_admin(
    app: Flask, auth: AuthActions, runner: Any, make_user: Any
) -> None:
    assert auth.register("alice").status_code == 302  # the first account, through the page
    make_user("bob")  # the admin's way (create-user)
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    assert AuthActions(app.test_client()).register("carol").status_code == 302  # open sign-up
    result = runner.invoke(args=["create-user", "dave"], input="correct horse\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        users = db.session.scalars(select(User).order_by(User.username)).all()
        assert [(u.username, u.household_role, u.household.name) for u in users] == [
            ("alice", ADMIN, "alice's household"),
            ("bob", ADMIN, "bob's household"),
            ("carol", ADMIN, "carol's household"),
            ("dave", ADMIN, "dave's household"),
        ]
        assert len({u.household_id for u in users}) == 4
        assert users[0].household.meal_names == ["breakfast", "lunch", "dinner", "snack"]
        assert users[0].household.week_start == "monday"


def test_the_household_page_shows_members_and_is_in_the_menu(family: dict[str, Client]) -> None:
    page = family["bob"].get("/household")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "alice&#39;s household" in page.text and "carol" not in page.text
    assert re.search(r"<td data-label=\"Name\">alice</td>\s*<td data-label=\"Role\">admin</td>", page.text)
    assert re.search(
        r"<td data-label=\"Name\">bob <small>\(you\)</small></td>\s*<td data-label=\"Role\">member", page.text
    )
    assert "Ask an admin of the household (alice) for an invite link" in page.text
    assert 'action="/household/invites"' not in page.text  # members make no invites
    assert '<a href="/household">Household</a>' in family["bob"].get("/recipes/").text


# --- invites ---------------------------------------------------------------------------------


def test_an_invite_signs_someone_up_into_the_household_even_while_sign_up_is_closed(app: Flask, alice: Client) -> None:
    assert app.config["RECIPES_ALLOW_SIGNUP"] is False
    token = invite(alice)
    visitor: Client = app.test_client()  # type: ignore[assignment]
    page = visitor.get(f"/join/{token}")
    assert page.status_code == 200, page.text
    assert "Join “alice&#39;s household”" in page.text and 'name="username"' in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    form = {"username": "bob", "password": "correct horse", "confirm": "correct horse"}
    signed_up = visitor.post(f"/join/{token}", data=form)
    assert signed_up.status_code == 302 and signed_up.headers["Location"] == "/recipes/"
    assert "You are a member of “alice&#39;s household”" in visitor.get("/recipes/").text
    bob = account(app, "bob")
    assert bob.household_id == household_id(app, "alice") and bob.household_role == MEMBER
    with app.app_context():
        (row,) = db.session.scalars(select(HouseholdInvite))
        assert row.uses == 1 and row.last_used_at is not None
        assert db.session.scalar(select(func.count()).select_from(Household)) == 1  # none made for bob
    # The plain sign-up page is still closed.
    assert "Sign-up is closed" in app.test_client().get("/auth/register").text


def test_sign_up_through_an_invite_shows_form_errors(app: Flask, alice: Client) -> None:
    token = invite(alice)
    _, refused = sign_up(app, token, "alice")
    assert refused.status_code == 400 and "That username is taken." in refused.text
    client: Client = app.test_client()  # type: ignore[assignment]
    mismatch = client.post(f"/join/{token}", data={"username": "bob", "password": "correct horse", "confirm": "x"})
    assert mismatch.status_code == 400 and "The passwords differ." in mismatch.text
    with app.app_context():
        assert db.session.scalar(select(HouseholdInvite.uses)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_signed_in_account_joins_and_its_old_household_goes(app: Flask, alice: Client, bob: Client) -> None:
    bobs_old = household_id(app, "bob")
    token = invite(alice)
    page = bob.get(f"/join/{token}")
    assert page.status_code == 200
    assert "Join “alice&#39;s household”?" in page.text
    assert "You will leave your household, “bob&#39;s household”" in page.text
    assert "Your recipes stay yours" in page.text
    joined = bob.post(f"/join/{token}")
    assert joined.status_code == 302 and joined.headers["Location"] == "/household"
    assert "Welcome to “alice&#39;s household”" in bob.get("/household").text
    assert household_id(app, "bob") == household_id(app, "alice")
    with app.app_context():
        assert db.session.get(Household, bobs_old) is None  # nobody was left in it
    # Opened again by a member: nothing to join.
    assert "This invite is to your own household" in bob.get(f"/join/{token}").text
    again = bob.post(f"/join/{token}")
    assert again.status_code == 302
    assert "You are a member of this household already." in bob.get("/household").text


def test_a_link_that_does_not_work_says_why(app: Flask, alice: Client) -> None:
    visitor: Client = app.test_client()  # type: ignore[assignment]
    single = invite(alice, single_use=True)
    assert sign_up(app, single, "bob")[1].status_code == 302
    used = visitor.get(f"/join/{single}")
    assert used.status_code == 410 and "Invite used" in used.text and "for one person" in used.text
    assert sign_up(app, single, "carol")[1].status_code == 410  # and no account made

    revoked = invite(alice)
    (row,) = [i for i in _invites(app) if not i.single_use]
    assert alice.post(f"/household/invites/{row.id}/revoke").status_code == 302
    gone = visitor.get(f"/join/{revoked}")
    assert gone.status_code == 410 and "Invite revoked" in gone.text

    expired = invite(alice, expiry="1d")
    with app.app_context():
        db.session.execute(
            update(HouseholdInvite)
            .where(HouseholdInvite.revoked_at.is_(None), HouseholdInvite.single_use.is_(False))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    late = visitor.get(f"/join/{expired}")
    assert late.status_code == 410 and "Invite expired" in late.text

    for guess in ("x" * 43, expired[:-1] + ("A" if expired[-1] != "A" else "B"), "short", expired.upper()):
        unknown = visitor.get(f"/join/{guess}")
        assert unknown.status_code == 404 and "Invite not found" in unknown.text, guess
    with app.app_context():
        names = db.session.scalars(select(User.username).order_by(User.username)).all()
        assert names == ["alice", "bob"]


def _invites(app: Flask) -> list[HouseholdInvite]:
    with app.app_context():
        rows = list(db.session.scalars(select(HouseholdInvite).order_by(HouseholdInvite.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_the_admin_lists_invites_with_their_uses_and_revokes_them(app: Flask, alice: Client) -> None:
    token = invite(alice, single_use=True)
    invite(alice, expiry="30d")
    page = alice.get("/household").text
    assert page.count("/join/") >= 2 and "of 1" in page  # uses of a single-use link: 0 of 1
    assert sign_up(app, token, "bob")[1].status_code == 302
    page = alice.get("/household").text
    assert "1 expired, revoked or used-up invite" in page and "used " in page
    _, second = _invites(app)
    assert (second.expires_at - second.created_at) == timedelta(days=30)
    # Without JavaScript, revoking asks first.
    asked = alice.post(f"/household/invites/{second.id}/revoke", data={"ask_first": "1"})
    assert asked.status_code == 200 and "Revoke the invite" in asked.text
    assert _invites(app)[1].revoked_at is None
    assert alice.post(f"/household/invites/{second.id}/revoke").status_code == 302
    assert _invites(app)[1].revoked_at is not None
    assert alice.post(f"/household/invites/{second.id}/revoke").status_code == 302  # twice: harmless


def test_invite_form_refuses_what_it_does_not_offer(alice: Client) -> None:
    refused = alice.post("/household/invites", data={"expiry": "1y"})
    assert refused.status_code == 400 and "Not a valid choice" in refused.text


def test_members_who_are_not_admins_cannot_make_or_revoke_invites(app: Flask, family: dict[str, Client]) -> None:
    bob = family["bob"]
    refused = bob.post("/household/invites", data={"expiry": "1w"})
    assert refused.status_code == 403 and "Only the household&#39;s admins can do that." in refused.text
    invite(family["alice"])
    (row, *_) = [i for i in _invites(app) if i.household_id == household_id(app, "alice")]
    assert bob.post(f"/household/invites/{row.id}/revoke").status_code == 403
    # Someone else's household's invite does not exist, for them.
    assert family["carol"].post(f"/household/invites/{row.id}/revoke").status_code == 404


def test_invites_are_rate_limited_per_address(app: Flask, alice: Client) -> None:
    app.config["RECIPES_INVITE_RATE_LIMIT"] = app.config["RECIPES_INVITE_RATE_LIMIT"].per(3, 900)
    visitor: Client = app.test_client()  # type: ignore[assignment]
    for _ in range(3):
        assert visitor.get(f"/join/{'x' * 43}").status_code == 404
    limited = visitor.get(f"/join/{'x' * 43}")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    token = invite(alice)
    refused = visitor.post(
        f"/join/{token}", data={"username": "bob", "password": "correct horse", "confirm": "correct horse"}
    )
    assert refused.status_code == 429 and "Too many invite attempts" in refused.text
    other: Client = app.test_client()  # type: ignore[assignment]
    elsewhere = other.get(f"/join/{token}", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert elsewhere.status_code == 200
    # Making invites is counted per admin too.
    for _ in range(2):
        invite(alice)
    too_many = alice.post("/household/invites", data={"expiry": "1w"})
    assert too_many.status_code == 400 and "Too many invites made" in too_many.text


# --- what a household shares ---------------------------------------------------------------------


def _recipe(client: Client, title: str, visibility: str, **fields: Any) -> int:
    return create_recipe(
        client, title=title, visibility=visibility, tags=f"{title.split()[0].lower()}, shared", **fields
    )


def test_members_see_household_recipes_and_outsiders_do_not(app: Flask, family: dict[str, Client]) -> None:
    alice, bob, carol = family["alice"], family["bob"], family["carol"]
    shared = _recipe(alice, "Household stew", "household")
    private = _recipe(alice, "Secret stew", "private")
    public = _recipe(alice, "Public stew", "public")
    for viewer, sees in ((bob, {shared, public}), (carol, {public}), (alice, {shared, private, public})):
        for recipe_id in (shared, private, public):
            status = viewer.get(f"/recipes/{recipe_id}").status_code
            assert status == (200 if recipe_id in sees else 404), (recipe_id, status)
    listing = bob.get("/recipes/").text
    assert "Household stew" in listing and "Secret stew" not in listing
    assert re.search(
        r'Household stew</a></h3>.*?<small class="badge">household</small> <small class="owner">by alice', listing, re.S
    )
    assert "Household stew" in bob.get("/recipes/?q=household").text
    assert "Household stew" not in carol.get("/recipes/?q=household").text
    assert "Household stew" in bob.get("/recipes/?tag=household").text
    tags = bob.get("/recipes/tags").text
    assert ">household<" in tags and ">secret<" not in tags
    assert ">household<" not in carol.get("/recipes/tags").text
    detail = bob.get(f"/recipes/{shared}").text
    assert "by alice" in detail and 'class="badge">household<' in detail
    assert f'action="/recipes/{shared}/copy"' in detail and f"/recipes/{shared}/edit" not in detail


def test_a_member_may_save_a_copy_but_never_change_the_original(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    response = post_recipe(alice, picture=photo(), title="Household pie", visibility="household", tags="Pie")
    shared = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        digest = db.session.scalar(select(Recipe.image_digest).where(Recipe.id == shared))
    assert bob.get(f"/recipes/{shared}/picture/{digest}/thumb.webp").status_code == 200
    assert family["carol"].get(f"/recipes/{shared}/picture/{digest}/thumb.webp").status_code == 404
    for method, path in (
        ("get", f"/recipes/{shared}/edit"),
        ("post", f"/recipes/{shared}/edit"),
        ("get", f"/recipes/{shared}/delete"),
        ("post", f"/recipes/{shared}/delete"),
        ("post", f"/recipes/{shared}/shares"),
    ):
        assert getattr(bob, method)(path, data={"title": "Taken over", "expiry": "1w"}).status_code == 404, path
    copied = bob.post(f"/recipes/{shared}/copy")
    assert copied.status_code == 302
    copy_id = int(copied.headers["Location"].rsplit("/", 1)[1])
    assert "Saved a copy of “Household pie”" in bob.get(f"/recipes/{copy_id}").text
    with app.app_context():
        original, copy = db.session.get(Recipe, shared), db.session.get(Recipe, copy_id)
        assert original is not None and copy is not None
        assert original.title == "Household pie" and original.owner.username == "alice"
        assert copy.owner.username == "bob" and copy.visibility == "private"
        assert copy.image_digest == original.image_digest and [t.display_name for t in copy.tags] == ["Pie"]
    assert bob.get(f"/recipes/{copy_id}/edit").status_code == 200  # the copy is bob's to change
    # One's own: nothing to copy. Someone else's private one: not found.
    assert bob.post(f"/recipes/{copy_id}/copy").status_code == 302
    assert "already yours" in bob.get(f"/recipes/{copy_id}").text
    assert family["carol"].post(f"/recipes/{shared}/copy").status_code == 404


def test_whose_filter_mine_household_public(family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    _recipe(alice, "Alices household soup", "household")
    _recipe(alice, "Alices public soup", "public")
    _recipe(bob, "Bobs private soup", "private")
    _recipe(family["carol"], "Carols public soup", "public")
    _recipe(family["carol"], "Carols household soup", "household")

    def found(scope: str) -> set[str]:
        page = bob.get(f"/recipes/?q=soup&scope={scope}").text
        return set(re.findall(r"(\w+s (?:household|public|private) soup)</a></h3>", page))

    assert found("all") == {"Alices household soup", "Alices public soup", "Bobs private soup", "Carols public soup"}
    assert found("mine") == {"Bobs private soup"}
    assert found("household") == {"Alices household soup", "Alices public soup", "Bobs private soup"}
    assert found("public") == {"Alices public soup", "Carols public soup"}
    assert 'value="household" selected' in bob.get("/recipes/?scope=household").text


def test_leaving_takes_the_household_recipes_out_of_sight_both_ways(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    alices = _recipe(alice, "Alices stew", "household")
    bobs = _recipe(bob, "Bobs stew", "household")
    assert bob.get(f"/recipes/{alices}").status_code == 200 and alice.get(f"/recipes/{bobs}").status_code == 200
    asked = bob.post("/household/leave", data={"ask_first": "1"})
    assert asked.status_code == 200 and "Leave “alice&#39;s household”?" in asked.text
    left = bob.post("/household/leave")
    assert left.status_code == 302
    assert "You left “alice&#39;s household”" in bob.get("/household").text
    assert bob.get(f"/recipes/{alices}").status_code == 404 and alice.get(f"/recipes/{bobs}").status_code == 404
    assert bob.get(f"/recipes/{bobs}/edit").status_code == 200  # still his
    me = account(app, "bob")
    assert me.household_id != household_id(app, "alice") and me.household_role == ADMIN
    # Alone now: nothing to leave.
    bob.post("/household/leave")
    assert "You are the only member of your household" in bob.get("/household").text


def test_an_admin_removes_a_member_who_keeps_their_recipes(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    bobs = _recipe(bob, "Bobs stew", "household")
    bob_id = account(app, "bob").id
    assert bob.post(f"/household/members/{account(app, 'alice').id}/remove").status_code == 403  # members cannot
    asked = alice.post(f"/household/members/{bob_id}/remove", data={"ask_first": "1"})
    assert asked.status_code == 200 and "Remove bob from the household?" in asked.text
    assert alice.post(f"/household/members/{bob_id}/remove").status_code == 302
    assert "Removed bob from the household." in alice.get("/household").text
    removed = account(app, "bob")
    assert removed.household_id != household_id(app, "alice") and removed.household_role == ADMIN
    assert alice.get(f"/recipes/{bobs}").status_code == 404 and bob.get(f"/recipes/{bobs}").status_code == 200
    # Oneself, and someone of another household: refused and not found.
    alice.post(f"/household/members/{account(app, 'alice').id}/remove")
    assert "use Leave the household" in alice.get("/household").text
    assert alice.post(f"/household/members/{account(app, 'carol').id}/remove").status_code == 404


def test_a_household_always_keeps_an_admin(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    alice_id, bob_id = account(app, "alice").id, account(app, "bob").id
    alice.post(f"/household/members/{alice_id}/role", data={"role": "member"})
    assert "the household&#39;s only admin" in alice.get("/household").text
    assert bob.post(f"/household/members/{bob_id}/role", data={"role": "admin"}).status_code == 403
    assert alice.post(f"/household/members/{bob_id}/role", data={"role": "admin"}).status_code == 302
    assert account(app, "bob").household_role == ADMIN
    assert alice.post(f"/household/members/{bob_id}/role", data={"role": "member"}).status_code == 302
    assert account(app, "bob").household_role == MEMBER
    # The last admin leaving hands the household to its longest-standing member.
    alice.post("/household/leave")
    assert "bob is the admin there now" in alice.get("/household").text
    assert account(app, "bob").household_role == ADMIN


def test_admins_rename_and_set_meals_members_cannot(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    assert alice.post("/household/name", data={"name": "  The   Smiths "}).status_code == 302
    meals = {"meal_names": "Breakfast\r\nElevenses\r\n\r\nDinner", "week_start": "sunday"}
    assert alice.post("/household/meals", data=meals).status_code == 302
    with app.app_context():
        household = db.session.get(Household, household_id(app, "alice"))
        assert household is not None
        assert household.name == "The Smiths" and household.meal_names == ["Breakfast", "Elevenses", "Dinner"]
        assert household.week_start == "sunday"
    shown = bob.get("/household").text
    assert "The Smiths" in shown and "Meals of the day: Breakfast, Elevenses, Dinner" in shown
    for refused_meals, message in (
        ("Lunch\nlunch", "“lunch” is there twice"),
        ("\n \n", "at least one meal"),
        ("x" * 31, "at most 30 characters"),
        ("\n".join(f"meal {n}" for n in range(13)), "at most 12 meals"),
    ):
        refused = alice.post("/household/meals", data={"meal_names": refused_meals, "week_start": "monday"})
        assert refused.status_code == 400 and message in refused.text, message
    assert alice.post("/household/meals", data={"meal_names": "a", "week_start": "someday"}).status_code == 400
    assert alice.post("/household/name", data={"name": " "}).status_code == 400
    assert alice.post("/household/name", data={"name": "x" * 61}).status_code == 400
    assert bob.post("/household/name", data={"name": "Bob's now"}).status_code == 403
    assert bob.post("/household/meals", data=meals).status_code == 403


def test_the_instance_admin_sees_every_household_and_moves_accounts(app: Flask, family: dict[str, Client]) -> None:
    alice, bob, carol = family["alice"], family["bob"], family["carol"]
    page = alice.get("/admin/households/")
    assert page.status_code == 200
    for name in ("alice&#39;s household", "dora&#39;s household", "carol", "bob"):
        assert name in page.text
    assert 'href="/admin/households/"' in alice.get("/admin/accounts/").text
    carol_id = account(app, "carol").id
    moved = alice.post(f"/admin/households/{carol_id}/move", data={"household": str(household_id(app, "alice"))})
    assert moved.status_code == 302
    assert "Moved carol to “alice&#39;s household”." in alice.get("/admin/households/").text
    assert household_id(app, "carol") == household_id(app, "alice") and account(app, "carol").household_role == MEMBER
    alice.post(f"/admin/households/{carol_id}/move", data={"household": "new"})
    assert account(app, "carol").household_role == ADMIN and household_id(app, "carol") != household_id(app, "alice")
    alice.post(f"/admin/households/{carol_id}/move", data={"household": "999999"})
    assert "Choose the household" in alice.get("/admin/households/").text
    # Anyone else: there is no such page.
    assert bob.get("/admin/households/").status_code == 404
    assert carol.post(f"/admin/households/{carol_id}/move", data={"household": "new"}).status_code == 404


def test_deleting_an_account_tidies_its_household(app: Flask, family: dict[str, Client]) -> None:
    """Its empty household goes; recipes moved to someone of another household are not shown
    to that household (household ones become private)."""
    dora_home = household_id(app, "dora")
    shared = _recipe(family["bob"], "Bobs household stew", "household")
    from recipes.auth import lifecycle

    with app.app_context():
        bob = db.session.scalar(select(User).where(User.username == "bob"))
        carol = db.session.scalar(select(User).where(User.username == "carol"))
        dora = db.session.scalar(select(User).where(User.username == "dora"))
        assert bob and carol and dora
        lifecycle.delete_account(bob, move_recipes_to=carol)
        recipe = db.session.get(Recipe, shared)
        assert recipe is not None and recipe.owner.username == "carol" and recipe.visibility == "private"
        lifecycle.delete_account(dora, None)
        assert db.session.get(Household, dora_home) is not None  # carol is still in it
        assert db.session.get(User, carol.id).household_role == ADMIN  # type: ignore[union-attr]
        lifecycle.delete_account(carol, None)
        assert db.session.get(Household, dora_home) is None


# --- API, export, import, CLI ----------------------------------------------------------------------


def test_the_api_has_the_household_and_three_visibilities(app: Flask, family: dict[str, Client]) -> None:
    bob_api = Api(family["bob"], make_token(app, "bob"))
    household = bob_api.get("/household")
    assert household.status_code == 200
    assert household.json == {
        "id": household_id(app, "alice"),
        "name": "alice's household",
        "members": [{"username": "alice", "role": "admin"}, {"username": "bob", "role": "member"}],
    }
    alice_api = Api(family["alice"], make_token(app, "alice"))
    created = alice_api.post("/recipes", json={"title": "API stew", "visibility": "household"})
    assert created.status_code == 201 and created.json["visibility"] == "household"
    recipe_id = created.json["id"]
    assert bob_api.get(f"/recipes/{recipe_id}").json["visibility"] == "household"
    assert [r["title"] for r in bob_api.get("/recipes?scope=household").json["items"]] == ["API stew"]
    assert bob_api.patch(f"/recipes/{recipe_id}", json={"title": "Mine now"}).status_code == 404
    assert bob_api.delete(f"/recipes/{recipe_id}").status_code == 404
    carol_api = Api(family["carol"], make_token(app, "carol"))
    assert carol_api.get(f"/recipes/{recipe_id}").status_code == 404
    refused = alice_api.patch(f"/recipes/{recipe_id}", json={"visibility": "family"})
    assert refused.status_code == 422 and refused.json["error"]["field"] == "visibility"
    assert alice_api.patch(f"/recipes/{recipe_id}", json={"visibility": "private"}).json["visibility"] == "private"
    assert bob_api.get(f"/recipes/{recipe_id}").status_code == 404
    spec = family["alice"].get("/api/openapi.json").json
    assert spec["components"]["schemas"]["Recipe"]["properties"]["visibility"]["enum"] == [
        "private",
        "household",
        "public",
    ]
    assert "/api/v1/household" in spec["paths"]


def test_export_and_import_keep_the_visibility(app: Flask, alice: Client) -> None:
    from .test_export import download

    for visibility in ("private", "household", "public"):
        _recipe(alice, f"{visibility.capitalize()} soup", visibility)
    export = download(alice, "/recipes/export")
    with zipfile.ZipFile(io.BytesIO(export.data)) as archive:
        objects = json.loads(archive.read("recipes.json"))
    assert sorted((o["title"], o["visibility"]) for o in objects) == [
        ("Household soup", "household"),
        ("Private soup", "private"),
        ("Public soup", "public"),
    ]
    with app.app_context():
        db.session.execute(db.delete(Recipe))
        db.session.commit()
    upload = {"file": (io.BytesIO(export.data), "recipes-export.zip")}
    assert alice.post("/recipes/import/file", data=upload, content_type="multipart/form-data").status_code == 303
    with app.app_context():
        restored = sorted(db.session.execute(select(Recipe.title, Recipe.visibility)).all())
        assert restored == [("Household soup", "household"), ("Private soup", "private"), ("Public soup", "public")]


def test_cli_create_invite_prints_the_link_last(app: Flask, runner: Any, make_user: Any) -> None:
    make_user("alice")
    result = runner.invoke(args=["create-invite", "alice", "--days", "3"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"/join/[A-Za-z0-9_-]{43}", link), result.stdout
    app.config["RECIPES_BASE_URL"] = "https://recipes.example.org"
    result = runner.invoke(args=["create-invite", "alice", "--single-use"])
    link = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"https://recipes\.example\.org/join/[A-Za-z0-9_-]{43}", link), result.stdout
    rows = _invites(app)
    assert [(r.expires_at - r.created_at, r.single_use) for r in rows] == [
        (timedelta(days=3), False),
        (timedelta(days=7), True),
    ]
    visitor = app.test_client()
    assert visitor.get(link.removeprefix("https://recipes.example.org")).status_code == 200
    for args, message in (
        (["create-invite", "nobody"], "no user named 'nobody'"),
        (["create-invite", "alice", "--days", "31"], "31 is not in the range"),
    ):
        failed = runner.invoke(args=args)
        assert failed.exit_code != 0 and message in failed.output, failed.output


def test_cli_create_invite_is_for_admins_of_the_household(app: Flask, runner: Any, family: dict[str, Client]) -> None:
    failed = runner.invoke(args=["create-invite", "bob"])
    assert failed.exit_code == 1 and "Only the household's admins can do that." in failed.output


def test_cli_move_user(app: Flask, runner: Any, family: dict[str, Client]) -> None:
    moved = runner.invoke(args=["move-user", "carol", "--to", "alice"])
    assert moved.exit_code == 0 and "Moved 'carol' to \"alice's household\"." in moved.output, moved.output
    assert household_id(app, "carol") == household_id(app, "alice")
    again = runner.invoke(args=["move-user", "carol", "--to", "bob"])
    assert "'carol' is there already." in again.output
    alone = runner.invoke(args=["move-user", "alice", "--alone"])
    assert alone.exit_code == 0 and "a household of its own" in alone.output
    assert "'bob' is now the admin" in alone.output
    usage = runner.invoke(args=["move-user", "carol"])
    assert usage.exit_code == 2 and "--to OTHER or --alone" in usage.output


def test_household_services_refuse_what_makes_no_sense(app: Flask, family: dict[str, Client]) -> None:
    with app.app_context():
        alice = db.session.scalar(select(User).where(User.username == "alice"))
        assert alice is not None
        with pytest.raises(household_service.HouseholdError, match="from 1 to 30 days"):
            invite_service.create_invite(alice, 31, False)
        with pytest.raises(household_service.HouseholdError, match="admin or member"):
            household_service.set_role(alice, alice.id, "owner")
        with pytest.raises(household_service.MemberNotFound):
            household_service.set_role(alice, 10**6, "admin")
        with pytest.raises(invite_service.InviteNotFound):
            invite_service.open_invite("not a token")


def test_a_share_link_sends_a_member_to_the_recipe_in_the_app(app: Flask, family: dict[str, Client]) -> None:
    from .test_sharing import share

    shared = _recipe(family["alice"], "Household stew", "household")
    path = share(family["alice"], shared)
    member_view = family["bob"].get(path).text
    assert "Your household shares it with you" in member_view and f'href="/recipes/{shared}"' in member_view
    outsider_view = family["carol"].get(path).text
    assert "Household stew" in outsider_view and f'href="/recipes/{shared}"' not in outsider_view
    assert "This is your recipe (household)" in family["alice"].get(path).text
