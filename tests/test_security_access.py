"""Access control, as one walk over every route: user B gets a 404 from every route and API
operation that names one of user A's things (private recipe, picture, share link, API token,
backup, household invite, household member, shopping list, its rows and links, "cooked it"
entry), whatever the method; a member of A's household reads what A shares with the household
(and may save a copy of it, and rate it, mark it a favourite and log cooking it: their own
marks) but changes nothing of A's, and reads and changes the household's shopping lists (filling
them from the plan with only the recipes the member may see); non-admins get 404 from every admin
route; and no form field can set an owner, an id or an admin flag (no mass assignment).

The walk reads `app.url_map`, so a new route is checked the day it is added; a route with a
parameter this test does not know fails it until the test learns what A's value is. A's meal
plan (an entry, a calendar feed) is her household's: outsiders get 404, members of her household
read and change it as she does. There
are no export or import *jobs* to address: exports are downloaded and imports done within
their requests; an import's results page (`results_key`) and a picture kept for a recipe
form (`picture_key`) are found only with the login that made them.

Other tests cover parts of this by hand: test_recipes.py (pages), test_api.py (the API, and
revoking someone else's token), test_sharing.py (the share routes), test_pictures.py and
test_export.py (pictures and exports), test_backup.py (the backup routes).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from recipes.auth import lifecycle
from recipes.backups import services as backups
from recipes.extensions import db
from recipes.models import (
    ApiToken,
    CookingLogEntry,
    Favourite,
    HouseholdInvite,
    PlanEntry,
    PlanFeed,
    Rating,
    Recipe,
    RecipeImage,
    ShareLink,
    User,
    token_digest,
)

from .conftest import RECIPE_FORM, Client, create_recipe, without_tokens
from .hostile import share_path
from .test_api import Api, jpeg, make_token
from .test_export import download
from .test_households import invite as household_invite
from .test_pictures import photo, post_recipe

IGNORED_METHODS = {"HEAD", "OPTIONS"}
SAFE_METHODS = {"GET"}
# Parameters that say *which* of someone's things: each gets A's value (and B's, to mix).
OWNED = (
    "recipe_id",
    "share_id",
    "token_id",
    "digest",
    "token",
    "name",
    "user_id",
    "reset_token",
    "picture_key",
    "results_key",
    "invite_id",
    "invite_token",
    "entry_id",
    "feed_id",
    "feed_token",
    "list_id",
    "item_id",
    "list_share_id",
    "list_token",
    "cooked_id",
)
# Parameters that only say which form of the thing: every value is tried.
FORMS = {"filename": ("full.webp", "thumb.webp"), "fmt": ("md", "txt", "jsonld"), "line": ("1",)}
# Ingredient line 1 of every recipe made here (RECIPE_FORM's): what correcting its reading names.
LINE_1 = RECIPE_FORM["ingredients"].split("\n")[1]
# What the recipe page's marks forms send (a rating, a favourite, a "cooked it" note).
MARK_FORM = {"stars": "1", "favourite": "1", "note": "Taken over"}
# Share pages and password reset links: holding the link's token *is* the permission (a
# capability URL), so A's token opens A's shared recipe (or reset page) for anyone; only
# mixing it with other ids must fail.
CAPABILITIES = ("token", "reset_token", "invite_token", "feed_token", "list_token")
# What the planner's page forms send (a day, a meal, servings), with the recipe form's fields.
PLAN_FORM = {"date": date.today().isoformat(), "meal": "lunch", "servings": "3"}
NEW_LIST_SHARE = re.compile(r'id="new-share" type="text" value="[^"]*/l/([A-Za-z0-9_-]+)"')


@dataclass
class Things:
    """One user's things, by route parameter name."""

    client: Client
    username: str
    values: dict[str, str] = field(default_factory=dict)
    api_token: str = ""


def _list_things(app: Flask, client: Client, recipe_id: str) -> dict[str, str]:
    """A shopping list of the client's household: the recipe on it, a row, a read-only link."""
    made = client.post("/lists", data={"name": "Groceries"})
    assert made.status_code == 303, made.text
    list_id = made.headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/lists/{list_id}/recipes", data={"recipe_id": recipe_id}).status_code == 303
    assert client.post(f"/lists/{list_id}/items", data={"text": "3 lemons"}).status_code == 303
    assert client.post(f"/lists/{list_id}/shares", data={"expiry": "1w"}).status_code == 303
    link = NEW_LIST_SHARE.search(client.get(f"/lists/{list_id}/settings").text)
    assert link, "no new list link shown"
    with app.app_context():
        from recipes.models import ShoppingItem, ShoppingListShare

        item_id = db.session.scalar(
            select(ShoppingItem.id).where(ShoppingItem.list_id == int(list_id), ShoppingItem.text == "3 lemons")
        )
        share_id = db.session.scalar(select(ShoppingListShare.id).where(ShoppingListShare.list_id == int(list_id)))
    return {"list_id": list_id, "item_id": str(item_id), "list_share_id": str(share_id), "list_token": link[1]}


def _owned_things(app: Flask, client: Client, username: str, *, backup: bool = False) -> Things:
    # A picture of its own: pictures are addressed by content, so equal photos share a digest.
    color = (len(username) * 40 % 256, sum(map(ord, username)) % 256, 7)
    response = post_recipe(client, picture=photo(color=color), title=f"{username}'s secret stew", tags=f"{username}tag")
    assert response.status_code == 302, response.text
    recipe_id = int(response.headers["Location"].rsplit("/", 1)[1])
    # A picture kept for a recipe form that came back with an error (no title).
    kept = post_recipe(client, picture=photo(color=color), title="")
    picture_key = re.search(r'name="kept_picture" type="hidden" value="([^"]+)"', kept.text)
    assert picture_key, kept.text
    # An import's results page (a list of two addresses, not tried yet).
    run = client.post("/recipes/import/runs", data={"url": "https://example.org/a\nhttps://example.org/b"})
    assert run.status_code == 200 and run.json is not None, run.text
    results_key = run.json["run"]
    path, _ = share_path(client, recipe_id)
    token = make_token(app, username)
    invite_token = household_invite(client)
    # An entry of the household's plan (the user's own private recipe) and a calendar feed of it.
    planned = client.post("/plan/entries", data={**PLAN_FORM, "meal": "dinner", "recipe_id": str(recipe_id)})
    assert planned.status_code == 303, planned.text
    made_feed = client.post("/plan/feeds")
    assert made_feed.status_code == 303
    shown = client.get(made_feed.headers["Location"]).text  # the new address, shown once
    feed_token = re.search(r'id="new-feed" type="text" value="[^"]*/plan/([A-Za-z0-9_-]+)\.ics"', shown)
    assert feed_token, "no new calendar address shown"
    # A "cooked it" of the user's own recipe, and their rating and favourite of it.
    for mark, form in (("cooked", {"note": "mine"}), ("rating", {"stars": "5"}), ("favourite", {"favourite": "1"})):
        assert client.post(f"/recipes/{recipe_id}/{mark}", data=form).status_code == 303, mark
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None
        values = {
            "user_id": str(user.id),
            "picture_key": picture_key[1],
            "results_key": results_key,
            "reset_token": lifecycle.make_reset_link(user)[1],
            "recipe_id": str(recipe_id),
            "digest": str(db.session.scalar(select(RecipeImage.digest).where(RecipeImage.recipe_id == recipe_id))),
            "share_id": str(db.session.scalar(select(ShareLink.id).where(ShareLink.recipe_id == recipe_id))),
            "token": path.removeprefix("/s/"),
            "token_id": str(
                db.session.scalar(
                    select(ApiToken.id).join(User).where(User.username == username).order_by(ApiToken.id.desc())
                )
            ),
            "invite_token": invite_token,
            "invite_id": str(
                db.session.scalar(
                    select(HouseholdInvite.id).where(HouseholdInvite.token_hash == token_digest(invite_token))
                )
            ),
            "entry_id": str(db.session.scalar(select(func.max(PlanEntry.id)).where(PlanEntry.recipe_id == recipe_id))),
            "feed_token": feed_token[1],
            "feed_id": str(
                db.session.scalar(select(PlanFeed.id).where(PlanFeed.token_hash == token_digest(feed_token[1])))
            ),
            "cooked_id": str(
                db.session.scalar(select(func.max(CookingLogEntry.id)).where(CookingLogEntry.recipe_id == recipe_id))
            ),
        }
    values |= _list_things(app, client, values["recipe_id"])
    if backup:
        assert client.post("/admin/backups/").status_code == 302
        with app.app_context():
            values["name"] = backups.list_backups()[0].name
    return Things(client=client, username=username, values=values, api_token=token)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """The walks make fresh things (an invite among them) for each change they try: more
    invites than an account may make in 15 minutes (tests/test_households.py tests that limit)."""
    return {**app_config, "RECIPES_INVITE_RATE_LIMIT": (10_000, 900)}


@pytest.fixture(autouse=True)
def _room_for_many_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Likewise a plan entry and a calendar feed each time: more than a meal or a household may
    hold (tests/test_planner.py and tests/test_planner_feed.py test those limits)."""
    from recipes.planner import limits

    monkeypatch.setattr(limits, "FEEDS_MAX", 10_000)
    monkeypatch.setattr(limits, "ENTRIES_PER_MEAL_MAX", 10_000)


@pytest.fixture
def alice_things(app: Flask, alice: Client) -> Things:
    """Alice (the admin): a private recipe with a picture, a share link, an API token, a backup."""
    return _owned_things(app, alice, "alice", backup=True)


@pytest.fixture
def bob_things(app: Flask, bob: Client) -> Things:
    return _owned_things(app, bob, "bob")


def parameter_rules(app: Flask) -> list[Rule]:
    """Every rule that names something, each checked to have only parameters we know."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.arguments and rule.endpoint != "static"]
    unknown = {(rule.rule, arg) for rule in rules for arg in rule.arguments if arg not in OWNED and arg not in FORMS}
    assert not unknown, f"routes with a parameter this test does not know; add it to OWNED or FORMS: {unknown}"
    return rules


@dataclass(frozen=True)
class Attempt:
    rule: Rule
    method: str
    url: str
    owners: tuple[str, ...]  # whose value each owned parameter got ("A" or "B")
    values: dict[str, str] = field(default_factory=dict, compare=False)  # what filled the URL

    @property
    def all_a(self) -> bool:
        return set(self.owners) == {"A"}

    @property
    def by_design(self) -> bool:
        """A share link opens its own recipe (and picture) for anyone who holds it."""
        return any(arg in self.rule.arguments for arg in CAPABILITIES) and self.all_a


def attempts(app: Flask, a: dict[str, str], b: dict[str, str], *, methods: set[str] | None = None) -> Iterator[Attempt]:
    """Every route x method x way of filling its parameters with at least one of A's values."""
    for rule in parameter_rules(app):
        owned = [arg for arg in OWNED if arg in rule.arguments]
        forms = [arg for arg in FORMS if arg in rule.arguments]
        choices = [[("A", a[arg])] + ([("B", b[arg])] if arg in b else []) for arg in owned]
        for picked in itertools.product(*choices):
            if all(owner == "B" for owner, _ in picked):
                continue  # B's own things: B may use them
            for form_values in itertools.product(*(FORMS[arg] for arg in forms)):
                values = dict(zip(owned, (value for _, value in picked), strict=True))
                values |= dict(zip(forms, form_values, strict=True))
                url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
                for method in sorted((rule.methods or set()) - IGNORED_METHODS):
                    if methods is None or method in methods:
                        yield Attempt(rule, method, url, tuple(owner for owner, _ in picked), {**a, **values})


# API bodies that would work for the owner, by endpoint (the others take a recipe's fields).
API_BODIES: dict[str, Callable[[Attempt], dict[str, Any]]] = {
    "api.update_shopping_list": lambda attempt: {"name": "Taken over"},
    "api.add_recipe_to_list": lambda attempt: {"recipe_id": int(attempt.values.get("recipe_id", "1"))},
    "api.add_plan_to_list": lambda attempt: {"start": PLAN_FORM["date"], "days": 1},
    "api.add_list_item": lambda attempt: {"text": "Taken over"},
    "api.update_list_item": lambda attempt: {"checked": True, "text": "Taken over"},
    "api.clear_checked_items": lambda attempt: {},
}


def send(client: Client, attempt: Attempt, headers: dict[str, str] | None = None, csrf: str = "") -> TestResponse:
    """The request a client would make there: a valid CSRF token (when signed in) and a
    body that would work for the owner."""
    headers = {**(headers or {}), **({"X-CSRFToken": csrf} if csrf else {})}
    kwargs: dict[str, Any] = {"method": attempt.method, "headers": headers}
    is_api = attempt.rule.rule.startswith("/api/")
    body = API_BODIES.get(attempt.rule.endpoint, lambda attempt: {"title": "Taken over"})
    if attempt.method == "PATCH" and attempt.rule.rule.startswith("/api/v1/plan/"):
        kwargs["json"] = {"note": "Taken over", "servings": 7}
    elif attempt.method == "PATCH":
        kwargs["json"] = body(attempt)
    elif attempt.method == "PUT" and "line" in attempt.rule.arguments:
        kwargs["json"] = {"text": LINE_1, "quantity": 2, "unit": "kg", "food": "Taken over"}
    elif attempt.method == "PUT" and attempt.rule.rule.endswith("/rating"):
        kwargs["json"] = {"stars": 1}
    elif attempt.method == "PUT":
        kwargs["data"] = {"image": (io.BytesIO(jpeg()), "x.jpg")}
    elif attempt.method == "POST" and is_api and attempt.rule.rule.endswith("/cooked"):
        kwargs["json"] = {"note": "Taken over"}
    elif attempt.method == "POST" and is_api:
        kwargs["json"] = body(attempt)
    elif attempt.method == "POST":
        lists = {"name": "Taken over", "text": "Taken over", "aisle": "produce", "checked": "1"}
        lists |= {"start": PLAN_FORM["date"], "days": "1"}  # the plan's recipes of today, onto a list
        lists["recipe_id"] = attempt.values.get("recipe_id", "")
        lists["check"] = attempt.values.get("item_id", "")
        if attempt.rule.endpoint == "shopping.add_recipe":
            lists["servings"] = ""  # as the recipe makes it (the recipe form's "4 bowls" is not a number)
        kwargs["data"] = {
            **RECIPE_FORM,
            **PLAN_FORM,
            **MARK_FORM,
            "title": "Taken over",
            "expiry": "1w",
            "line_text": LINE_1,
            **lists,
            "csrf_token": csrf,
        }
    response = client.open(attempt.url, **kwargs)
    response.get_data()
    response.close()
    return response


def assert_untouched(app: Flask, alice: Things) -> None:
    """A's things are all still there, unchanged, and still work."""
    with app.app_context():
        recipe = db.session.get(Recipe, int(alice.values["recipe_id"]))
        assert recipe is not None and recipe.title == "alice's secret stew" and recipe.owner.username == "alice"
        assert recipe.image_digest == alice.values["digest"]
        share = db.session.get(ShareLink, int(alice.values["share_id"]))
        assert share is not None and share.revoked_at is None
        assert db.session.get(ApiToken, int(alice.values["token_id"])) is not None
        assert backups.find_backup(alice.values["name"]) is not None
        invite = db.session.get(HouseholdInvite, int(alice.values["invite_id"]))
        assert invite is not None and invite.revoked_at is None
        alice_user = db.session.get(User, int(alice.values["user_id"]))
        assert alice_user is not None and alice_user.household_role == "admin"
        entry = db.session.get(PlanEntry, int(alice.values["entry_id"]))
        assert entry is not None and (entry.meal, entry.servings, entry.note) == ("dinner", 3, "")
        feed = db.session.get(PlanFeed, int(alice.values["feed_id"]))
        assert feed is not None and feed.revoked_at is None
        from recipes.models import ShoppingItem, ShoppingList, ShoppingListShare

        shopping_list = db.session.get(ShoppingList, int(alice.values["list_id"]))
        assert shopping_list is not None and shopping_list.name == "Groceries"
        item = db.session.get(ShoppingItem, int(alice.values["item_id"]))
        assert item is not None and (item.text, item.checked) == ("3 lemons", False)
        list_share = db.session.get(ShoppingListShare, int(alice.values["list_share_id"]))
        assert list_share is not None and list_share.revoked_at is None
        cooked = db.session.get(CookingLogEntry, int(alice.values["cooked_id"]))
        assert cooked is not None and (cooked.user_id, cooked.note) == (alice_user.id, "mine")
        # Her recipe's marks are hers alone: nobody else's were added to it, hers are as she set them.
        recipe_id = int(alice.values["recipe_id"])
        for model in (Rating, Favourite, CookingLogEntry):
            whose = set(db.session.scalars(select(model.user_id).where(model.recipe_id == recipe_id)))
            assert whose == {alice_user.id}, model
        rating = db.session.get(Rating, (alice_user.id, recipe_id))
        assert rating is not None and rating.stars == 5
    anonymous = alice.client.application.test_client()
    assert anonymous.get(f"/s/{alice.values['token']}").status_code == 200
    assert anonymous.get(f"/plan/{alice.values['feed_token']}.ics").status_code == 200
    assert anonymous.get(f"/l/{alice.values['list_token']}").status_code == 200
    assert anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {alice.api_token}"}).status_code == 200


# --- the walk --------------------------------------------------------------------------------------


def test_every_route_naming_someone_elses_things_is_404(app: Flask, alice_things: Things, bob_things: Things) -> None:
    bob = bob_things.client
    csrf = bob.csrf_token()
    reached, wrong = set(), []
    for attempt in attempts(app, alice_things.values, bob_things.values):
        if attempt.by_design:
            continue
        response = send(bob, attempt, csrf=csrf)
        reached.add(attempt.rule.endpoint)
        if response.status_code != 404:
            wrong.append(f"{attempt.method} {attempt.url} ({attempt.rule.endpoint}): {response.status_code}")
        elif attempt.rule.rule.startswith("/api/"):
            assert (response.json or {})["error"]["code"] == "not_found"
    assert not wrong, "\n".join(wrong)
    # Every route was tried but those whose only parameter is a share link's token.
    only_the_link = {
        r.endpoint
        for r in parameter_rules(app)
        if [a for a in r.arguments if a in OWNED] in ([c] for c in CAPABILITIES)
    }
    assert reached == {r.endpoint for r in parameter_rules(app)} - only_the_link
    assert only_the_link == {
        "sharing.page",
        "sharing.save",
        "auth.reset_password",
        "joining.join",
        "joining.use",
        "planner.feed",
        "shopping_shared.page",
    }
    assert_untouched(app, alice_things)


def test_every_api_operation_with_someone_elses_ids_is_404_for_their_token(
    app: Flask, alice_things: Things, bob_things: Things
) -> None:
    bob_api = {"Authorization": f"Bearer {bob_things.api_token}"}
    client: Client = app.test_client()  # type: ignore[assignment]
    tried = 0
    for attempt in attempts(app, alice_things.values, bob_things.values):
        if not attempt.rule.rule.startswith("/api/v1/"):
            continue
        response = send(client, attempt, headers=bob_api)
        assert response.status_code == 404, (attempt.method, attempt.url, response.json)
        assert (response.json or {})["error"]["code"] == "not_found"
        tried += 1
    assert tried >= 6
    assert_untouched(app, alice_things)


def test_anonymous_visitors_get_nothing_of_anyones(app: Flask, alice_things: Things, bob_things: Things) -> None:
    client: Client = app.test_client()  # type: ignore[assignment]
    for attempt in attempts(app, alice_things.values, bob_things.values):
        if attempt.by_design:
            continue
        response = send(client, attempt)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/auth/login"), attempt
        elif attempt.method != "GET" and not attempt.rule.rule.startswith("/api/"):
            assert response.status_code in (400, 404), (attempt, response.status_code)  # no CSRF token to send
        else:
            assert response.status_code in (401, 404), (attempt, response.status_code)
    assert_untouched(app, alice_things)


def test_a_share_link_opens_only_with_its_whole_token(app: Flask, alice_things: Things, bob: Client) -> None:
    """The capability routes (/s/<token>...) take A's token by design; anything near it,
    including what the database keeps of it, opens nothing."""
    token = alice_things.values["token"]
    with app.app_context():
        link = db.session.get(ShareLink, int(alice_things.values["share_id"]))
        assert link is not None
        stored = [link.token_hash, link.hint]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    near_misses = [*stored, changed, token.upper(), token + "x", token[:-1], alice_things.values["recipe_id"]]
    for visitor in (bob, app.test_client()):
        for guess in near_misses:
            assert visitor.get(f"/s/{guess}").status_code == 404, guess
            picture = f"/s/{guess}/picture/{alice_things.values['digest']}/full.webp"
            assert visitor.get(picture).status_code == 404, guess
        assert visitor.get(f"/s/{token}").status_code == 200


def test_the_walk_is_not_vacuous_the_owner_gets_through(
    app: Flask, alice_things: Things, bob_things: Things, login_as: Callable[[str], Client]
) -> None:
    """Each of the walk's requests, made by A on A's things, is not a 404: the 404s above
    come from who is asking, not from a malformed request. (Changes are made on fresh
    things, so each one has something to change.)"""
    alice = alice_things.client
    csrf = alice.csrf_token()
    for attempt in attempts(app, alice_things.values, {}, methods=SAFE_METHODS):
        response = send(alice, attempt, csrf=csrf)
        if attempt.rule.endpoint == "sharing.created":
            # Shows a new link once, right after it was made; otherwise back to the recipe.
            assert response.status_code == 302 and "#share" in response.headers["Location"], attempt.url
            continue
        assert response.status_code in (200, 304), (attempt.url, response.status_code)
    for attempt in attempts(app, alice_things.values, {}):
        if attempt.method in SAFE_METHODS:
            continue
        if _names_a_list(attempt):  # a list of its own, to change (or delete)
            fresh = alice_things.values | _list_things(app, alice, alice_things.values["recipe_id"])
        else:
            fresh = _owned_things(app, alice, "alice").values | {"name": alice_things.values["name"]}
        retry = next(a for a in attempts(app, fresh, {}) if a.rule == attempt.rule and a.method == attempt.method)
        response = send(alice, retry, csrf=csrf)
        assert response.status_code in (200, 201, 204, 302, 303), (retry.method, retry.url, response.status_code)


# --- the walk as a member of the owner's household ---------------------------------------------

# What a member may do with a recipe the household shares: read it (its page, picture, downloads,
# the API's object and picture), save a copy of their own, and mark it for themselves (rate it,
# make it a favourite, log cooking it: their own rows, on the page and in the API). Nothing else.
MEMBER_READS = {
    "cookbook.detail",
    "cooking.cook",
    "images.picture",
    "exporting.export_recipe",
    "api.recipe",
    "api.recipe_image",
}
MEMBER_COPIES = {"cookbook.copy"}
MEMBER_MARKS = {
    "marks.rate",
    "marks.favourite",
    "marks.cooked",
    "api.RecipeRating",
    "api.RecipeFavourite",
    "api.log_cooked",
}
# The household's own pages that only its admins may use: a member is told so (403; the household
# is theirs to see), never let through.
ADMINS_ONLY = {"households.remove_member", "households.set_role", "households.revoke_invite"}
# The household's meal plan: every member reads and changes it as its maker does (walked below,
# each attempt on a fresh entry or feed of alice's).
PLAN_SHARED = {
    "planner.show_entry",
    "planner.change",
    "planner.remove",
    "planner.revoke_feed",
    "api.plan_entry",
    "api.delete_plan_entry",
}

# The household's shopping lists are every member's: to read and to change; but a recipe goes on
# one only when the member may see it.
MEMBER_LISTS = {200, 201, 204, 303, 304}
ADDS_THE_RECIPE = {"api.add_recipe_to_list", "shopping.add_recipe"}
# The plan's recipes of a day go on one only when the member may see one of them (alice's private
# recipe is planned too: left out, counted, never named); with none to see, the API says so (422)
# and the page flashes it (303, as for any refused add).
ADDS_THE_PLAN = {"api.add_plan_to_list", "shopping.add_plan"}


def _names_a_list(attempt: Attempt) -> bool:
    return "list_id" in attempt.rule.arguments


@pytest.fixture
def member(app: Flask, alice_things: Things, login_as: Callable[[str], Client]) -> Client:
    """carol, who joined alice's household with alice's invite."""
    carol = login_as("carol")
    assert carol.post(f"/join/{alice_things.values['invite_token']}").status_code == 302
    with app.app_context():
        homes = dict(db.session.execute(select(User.username, User.household_id)).all())
        assert homes["carol"] == homes["alice"]
    return carol


def _shared_with_household(app: Flask, alice: Things) -> dict[str, str]:
    """alice's values, but naming a recipe (picture, share link) she shares with her household."""
    response = post_recipe(alice.client, picture=photo(color=(9, 99, 199)), title="alice's family stew")
    recipe_id = int(response.headers["Location"].rsplit("/", 1)[1])
    form = {**RECIPE_FORM, "title": "alice's family stew", "visibility": "household"}
    assert alice.client.post(f"/recipes/{recipe_id}/edit", data=form).status_code == 302
    path, _ = share_path(alice.client, recipe_id)
    planned = alice.client.post("/plan/entries", data={**PLAN_FORM, "recipe_id": str(recipe_id)})
    assert planned.status_code == 303, planned.text  # today's lunch: the plan a member may shop from
    with app.app_context():
        digest = db.session.scalar(select(RecipeImage.digest).where(RecipeImage.recipe_id == recipe_id))
        share_id = db.session.scalar(select(ShareLink.id).where(ShareLink.recipe_id == recipe_id))
    return alice.values | {
        "recipe_id": str(recipe_id),
        "digest": str(digest),
        "share_id": str(share_id),
        "token": path.removeprefix("/s/"),
    }


def _member_expects(attempt: Attempt, shared: bool) -> set[int]:
    endpoint = attempt.rule.endpoint
    if endpoint in ADDS_THE_RECIPE:  # (the API: a recipe named in the body is bad input, 422)
        return MEMBER_LISTS if shared else {422 if endpoint.startswith("api.") else 404}
    if endpoint in ADDS_THE_PLAN:
        return MEMBER_LISTS if shared else {422 if endpoint.startswith("api.") else 303}
    if _names_a_list(attempt):
        return MEMBER_LISTS
    names_the_recipe = "recipe_id" in attempt.rule.arguments and "share_id" not in attempt.rule.arguments
    if endpoint in MEMBER_READS and names_the_recipe and attempt.method == "GET":
        return {200, 304} if shared else {404}
    if endpoint in MEMBER_COPIES:
        return {302} if shared else {404}
    if endpoint in MEMBER_MARKS:
        return {200, 204, 303} if shared else {404}
    if endpoint in ADMINS_ONLY:
        return {403}
    return {404}


@pytest.mark.parametrize("shared", [True, False], ids=["household recipe", "private recipe"])
def test_a_member_reads_what_the_household_shares_and_changes_nothing(
    app: Flask, alice_things: Things, member: Client, shared: bool
) -> None:
    values = _shared_with_household(app, alice_things) if shared else alice_things.values
    csrf = member.csrf_token()
    carol_api = {"Authorization": f"Bearer {make_token(app, 'carol')}"}
    api_client: Client = app.test_client()  # type: ignore[assignment]
    wrong, reads, copies = [], 0, 0
    for attempt in attempts(app, values, {}):
        if attempt.by_design or attempt.rule.endpoint in PLAN_SHARED:
            continue  # (the plan: walked in the next test)
        if _names_a_list(attempt):  # each change on a list of its own: one may delete it
            fresh = values | _list_things(app, alice_things.client, values["recipe_id"])
            attempt = next(a for a in attempts(app, fresh, {}) if (a.rule, a.method) == (attempt.rule, attempt.method))
        expected = _member_expects(attempt, shared)
        is_api = attempt.rule.rule.startswith("/api/")
        response = send(api_client, attempt, headers=carol_api) if is_api else send(member, attempt, csrf=csrf)
        if response.status_code not in expected:
            wrong.append(
                f"{attempt.method} {attempt.url} ({attempt.rule.endpoint}): {response.status_code}, not {expected}"
                f" {response.json if is_api else ''}"
            )
        reads += response.status_code == 200 and not _names_a_list(attempt)
        copies += attempt.rule.endpoint in MEMBER_COPIES and response.status_code == 302
    assert not wrong, "\n".join(wrong)
    assert (reads >= 8, copies) == (True, 1) if shared else (reads, copies) == (0, 0)
    assert_untouched(app, alice_things)
    with app.app_context():
        recipe = db.session.get(Recipe, int(values["recipe_id"]))
        assert recipe is not None and recipe.owner.username == "alice" and recipe.title.startswith("alice's")
        assert recipe.image_digest == values["digest"]
        share = db.session.get(ShareLink, int(values["share_id"]))
        assert share is not None and share.revoked_at is None
        copies_made = db.session.scalars(select(Recipe).join(User).where(User.username == "carol")).all()
        assert [(c.title, c.visibility) for c in copies_made] == (
            [("alice's family stew", "private")] if shared else []
        )
        # carol's marks, on the shared recipe only (her own rows: alice's stay as they were).
        carol_id = db.session.scalar(select(User.id).where(User.username == "carol"))
        marked = {
            (model.__name__, recipe_id)
            for model in (Rating, Favourite, CookingLogEntry)
            for recipe_id in db.session.scalars(select(model.recipe_id).where(model.user_id == carol_id))
        }
        shared_id = int(values["recipe_id"])
        assert marked == (
            {(name, shared_id) for name in ("Rating", "Favourite", "CookingLogEntry")} if shared else set()
        )


def test_a_member_reads_and_changes_the_households_plan(
    app: Flask, alice_things: Things, member: Client, login_as: Callable[[str], Client]
) -> None:
    """carol, in alice's household, changes alice's plan entries and revokes her feeds, route by
    route (a fresh entry and feed each time); the recipe behind alice's entry stays alice's and
    private: carol reads "A recipe of alice's", never its title."""
    csrf = member.csrf_token()
    carol_api = {"Authorization": f"Bearer {make_token(app, 'carol')}"}
    api_client: Client = app.test_client()  # type: ignore[assignment]
    tried = set()
    for rule in parameter_rules(app):
        if rule.endpoint not in PLAN_SHARED:
            continue
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            fresh = _owned_things(app, alice_things.client, "alice").values | {"name": alice_things.values["name"]}
            attempt = next(a for a in attempts(app, fresh, {}) if a.rule == rule and a.method == method)
            is_api = rule.rule.startswith("/api/")
            response = send(api_client, attempt, headers=carol_api) if is_api else send(member, attempt, csrf=csrf)
            assert response.status_code in (200, 204, 303), (method, attempt.url, response.status_code)
            if is_api and method == "PATCH":
                assert response.json is not None and response.json["title"] == "A recipe of alice's"
                assert response.json["servings"] == 7 and response.json["recipe_id"] is None
            tried.add(rule.endpoint)
    assert tried == PLAN_SHARED
    week = member.get("/plan").text
    assert "A recipe of alice&#39;s" in week and "secret stew" not in week


# --- forms that name someone's things in their body -------------------------------------------------

# The list pages' forms whose address names nothing: the list to fill (and the recipe to take) are in
# the body. What each sends for its owner, from the things' values.
BODY_NAMED: dict[str, Callable[[dict[str, str]], dict[str, str]]] = {
    "shopping.add_from_recipe": lambda v: {"list_id": v["list_id"], "recipe_id": v["recipe_id"]},
    "shopping.add_plan_from_week": lambda v: {"list_id": v["list_id"], "start": PLAN_FORM["date"], "days": "1"},
    "shopping.add_missing": lambda v: {"list_id": v["list_id"], "recipe_id": v["recipe_id"], "missing": "1"},
}
# The other forms there name nothing of anyone's (a new list's name, the household's own settings).
NAMES_NOTHING = {"shopping.create", "shopping.set_staples", "shopping.move_aisle"}


def _list_version(app: Flask, list_id: str) -> int:
    from recipes.models import ShoppingList

    with app.app_context():
        return db.session.scalar(select(ShoppingList.version).where(ShoppingList.id == int(list_id))) or 0


def test_forms_naming_someone_elses_list_or_recipe_in_their_body_are_404(
    app: Flask, alice_things: Things, bob_things: Things
) -> None:
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    bodied = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/lists") and not rule.arguments and "POST" in (rule.methods or ())
    }
    assert bodied == set(BODY_NAMED) | NAMES_NOTHING, "a new form: add it to BODY_NAMED or NAMES_NOTHING"
    a, b = alice_things.values, bob_things.values
    bob, alice = bob_things.client, alice_things.client
    before = _list_version(app, a["list_id"])
    for endpoint, body in BODY_NAMED.items():
        mixes = [b | {"list_id": a["list_id"]}]  # his recipe (his plan), her list
        if "recipe_id" in body(a):
            mixes += [b | {"recipe_id": a["recipe_id"]}, {"list_id": "new", "recipe_id": a["recipe_id"]}]
        for values in mixes:
            sent = bob.post(rules[endpoint], data={**body(values), "csrf_token": bob.csrf_token()})
            assert sent.status_code == 404, (endpoint, values, sent.status_code)
        # The walk is not vacuous: its owner gets through with the same form.
        answer = alice.post(rules[endpoint], data={**body(a), "csrf_token": alice.csrf_token()})
        assert answer.status_code == 303, (endpoint, answer.status_code)
        assert '<li class="success">' in alice.get(answer.headers["Location"]).text, endpoint
    assert_untouched(app, alice_things)
    assert _list_version(app, a["list_id"]) == before + 3  # alice's three adds, and nothing of bob's
    with app.app_context():
        from recipes.models import ShoppingList

        bobs_lists = db.session.scalars(
            select(ShoppingList.name)
            .join(User, User.household_id == ShoppingList.household_id)
            .where(User.username == "bob")
        ).all()
        assert list(bobs_lists) == ["Groceries"], bobs_lists  # no list made for a refused add


def test_lists_and_exports_hold_nothing_of_someone_elses(app: Flask, alice_things: Things, bob: Client) -> None:
    pages = {
        "plan": bob.get("/plan").text,
        "list": bob.get("/recipes/").text,
        "search": bob.get("/recipes/?q=secret").text,
        "tag": bob.get("/recipes/?tag=alicetag").text,
        "tags": bob.get("/recipes/tags").text,
        "account": bob.get("/auth/account").text,
    }
    for where, page in pages.items():
        page = without_tokens(page)
        assert "secret stew" not in page, where
        # (The search and tag pages show back what was asked for, and nothing else.)
        assert "alice" not in page.lower() or where in ("search", "tag"), where
    assert alice_things.api_token[:8] not in pages["account"]  # not even the hint of her token
    bob_api = Api(bob, make_token(app, "bob"))
    assert bob_api.get("/recipes").json["total"] == 0
    assert bob_api.get("/recipes?q=secret&scope=all").json["items"] == []
    assert bob_api.get("/tags").json["items"] == []
    export = download(bob, "/recipes/export")
    assert export.status_code == 200 and b"secret stew" not in export.data


# --- admin routes --------------------------------------------------------------------------------


def admin_rules(app: Flask) -> list[Rule]:
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]
    assert rules, "no admin routes found: has the prefix changed?"
    return rules


def test_admin_routes_are_404_for_everyone_but_admins(app: Flask, alice_things: Things, bob: Client) -> None:
    """The app answers 404 (not 403) on admin routes, as if they did not exist."""
    anonymous: Client = app.test_client()  # type: ignore[assignment]
    for rule in admin_rules(app):
        values = {"name": alice_things.values["name"], "user_id": alice_things.values["user_id"]}
        url = rule.build(values, append_unknown=False)[1]  # type: ignore[index]
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            attempt = Attempt(rule, method, url, ("A",))
            assert send(bob, attempt, csrf=bob.csrf_token()).status_code == 404, (method, url)
            assert send(anonymous, attempt).status_code in (400, 404), (method, url)  # 400: no CSRF token
            status = send(alice_things.client, attempt, csrf=alice_things.client.csrf_token()).status_code
            if rule.endpoint == "backups.restore_page" and method == "POST":
                assert status == 400, status  # served: the upload form says no file was chosen
            else:
                assert status in (200, 302), (method, url, status)
    assert "Back up now" not in bob.get("/auth/account").text
    with app.app_context():
        # The fixture's, the admin's own just now, and the safety copy of the restore (of the fixture's).
        assert len(backups.list_backups()) == 3


def test_a_second_account_is_not_an_admin_and_cannot_become_one(app: Flask, alice: Client) -> None:
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    client: Client = app.test_client()  # type: ignore[assignment]
    form = {"username": "mallory", "password": "correct horse", "confirm": "correct horse"}
    extra = {"is_admin": "1", "admin": "y", "role": "admin", "id": "1", "user_id": "1"}
    assert client.post("/auth/register", data=form | extra).status_code == 302
    change = {"current_password": "correct horse", "new_password": "another horse", "confirm": "another horse"}
    assert client.post("/auth/account", data=change | extra | {"username": "alice"}).status_code == 302
    with app.app_context():
        mallory = db.session.scalar(select(User).where(User.username == "mallory"))
        assert mallory is not None and not mallory.is_admin and mallory.id != 1
        assert db.session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True))) == 1
    assert client.post("/admin/backups/").status_code == 404


# --- mass assignment -------------------------------------------------------------------------------


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.username == username))
        assert found is not None
        return found


def test_recipe_forms_ignore_owner_id_and_other_fields_a_person_cannot_set(
    app: Flask, alice: Client, bob: Client
) -> None:
    alices = create_recipe(alice, title="Alice's")
    extra = {
        "owner_id": str(user_id(app, "alice")),
        "user_id": str(user_id(app, "alice")),
        "id": str(alices),
        "recipe_id": str(alices),
        "is_admin": "1",
        "image_digest": "0" * 64,
        "created_at": "2000-01-01",
        "total_minutes": "1",
    }
    bobs = create_recipe(bob, title="Bob's", **extra)
    assert bob.post(f"/recipes/{bobs}/edit", data={**RECIPE_FORM, "title": "Bob's edited", **extra}).status_code == 302
    with app.app_context():
        alice_recipe = db.session.get(Recipe, alices)
        bob_recipe = db.session.get(Recipe, bobs)
        assert alice_recipe is not None and bob_recipe is not None
        assert alice_recipe.title == "Alice's" and alice_recipe.owner.username == "alice"
        assert bob_recipe.title == "Bob's edited" and bob_recipe.owner.username == "bob" and bobs != alices
        assert bob_recipe.image_digest is None and bob_recipe.created_at.year > 2000
        assert bob_recipe.total_minutes == 40  # prep + cook, not the posted value
        bob_user = db.session.scalar(select(User).where(User.username == "bob"))
        assert bob_user is not None and not bob_user.is_admin


def test_token_and_share_forms_ignore_whose_they_are(app: Flask, alice: Client, bob: Client) -> None:
    alices = create_recipe(alice)
    bobs = create_recipe(bob)
    alice_id = user_id(app, "alice")
    made = bob.post("/auth/account/tokens", data={"name": "mine", "expires": "never", "user_id": str(alice_id)})
    assert made.status_code == 302
    shared = bob.post(f"/recipes/{bobs}/shares", data={"expiry": "1w", "recipe_id": str(alices), "id": "1"})
    assert shared.status_code == 303
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.name == "mine"))
        assert token is not None and token.user_id == user_id(app, "bob")
        (link,) = db.session.scalars(select(ShareLink))
        assert link.recipe_id == bobs


def test_the_api_ignores_or_refuses_fields_a_person_cannot_set(app: Flask, alice: Client, bob: Client) -> None:
    alices = create_recipe(alice, title="Alice's")
    api = Api(bob, make_token(app, "bob"))
    created = api.post("/recipes", json={"title": "Bob's", "id": alices, "created_at": "2000-01-01T00:00:00Z"})
    assert created.status_code == 201 and created.json["id"] != alices
    assert not created.json["created_at"].startswith("2000")
    bobs = created.json["id"]
    patched = api.patch(f"/recipes/{bobs}", json={"id": alices, "title": "Bob's again", "image_url": "x"})
    assert patched.status_code == 200 and patched.json["id"] == bobs and patched.json["image_url"] is None
    for field_name in ("owner_id", "user_id", "owner", "is_admin", "is_public"):
        refused = api.patch(f"/recipes/{bobs}", json={field_name: user_id(app, "bob")})
        assert refused.status_code == 422 and refused.json["error"]["field"] == field_name
    with app.app_context():
        alice_recipe = db.session.get(Recipe, alices)
        assert alice_recipe is not None and alice_recipe.title == "Alice's" and alice_recipe.owner.username == "alice"
