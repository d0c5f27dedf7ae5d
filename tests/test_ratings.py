"""Ratings, favourites and the cooking log (issue 19): the recipe page's forms and the API's
operations, each account's own, the household's average, who may mark what, and bad input."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from recipes.extensions import db
from recipes.models import CookingLogEntry, Favourite, Rating, User
from recipes.ratings import marks, services

from .conftest import Client, create_recipe
from .test_api import Api, make_token
from .test_households import invite as household_invite

MARK_FIELDS = ("rating", "rating_average", "favourite", "last_cooked", "times_cooked")
TODAY = date.today()


def rows(app: Flask, model: Any) -> list[tuple[Any, ...]]:
    """Every row of a marks table, as (user, recipe, ...) tuples, in order."""
    with app.app_context():
        if model is Rating:
            query = select(User.username, Rating.recipe_id, Rating.stars).join(User, User.id == Rating.user_id)
        elif model is Favourite:
            query = select(User.username, Favourite.recipe_id).join(User, User.id == Favourite.user_id)
        else:
            query = select(User.username, CookingLogEntry.recipe_id, CookingLogEntry.cooked_on, CookingLogEntry.note)
            query = query.join(User, User.id == CookingLogEntry.user_id)
        return [tuple(row) for row in db.session.execute(query.order_by(*query.selected_columns)).all()]


def user(app: Flask, username: str) -> User:
    with app.app_context():
        found = db.session.scalar(select(User).where(User.username == username))
        assert found is not None
        db.session.expunge(found)
        return found


def marks_of(app: Flask, username: str, recipe_id: int) -> marks.Marks:
    with app.app_context():
        who = db.session.scalar(select(User).where(User.username == username))
        assert who is not None
        return marks.marks_of(who, recipe_id)


def join(app: Flask, owner: Client, member: Client) -> None:
    """`member` joins `owner`'s household with an invite `owner` makes."""
    assert member.post(f"/join/{household_invite(owner)}").status_code == 302


# --- the recipe page ----------------------------------------------------------------------------


def test_a_new_recipe_shows_no_marks_and_every_control(alice: Client) -> None:
    recipe_id = create_recipe(alice)
    page = alice.get(f"/recipes/{recipe_id}").text
    # A fieldset with a legend; five buttons, each saying how many stars it gives, none pressed.
    assert "<legend>Your rating</legend>" in page
    for n in range(1, 6):
        label = f"{n} star" + ("" if n == 1 else "s")
        assert f'name="stars" value="{n}"' in page and f'<span class="visually-hidden">{label}</span>' in page
    assert 'aria-pressed="true"' not in page
    assert 'class="favourite secondary outline" aria-pressed="false"' in page and 'name="favourite" value="1"' in page
    assert '<p class="marks-summary no-print" id="marks-summary" hidden>' in page  # nothing to say yet
    assert f'name="date" value="{TODAY.isoformat()}"' in page  # "Cooked it" is for today
    assert f'max="{(TODAY + timedelta(days=1)).isoformat()}"' in page
    assert "You have not logged cooking it yet." in page


def test_rating_from_the_page_and_clearing_it(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    answer = alice.post(f"/recipes/{recipe_id}/rating", data={"stars": "4", "next": f"/recipes/{recipe_id}?servings=8"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/recipes/{recipe_id}?servings=8#marks"  # back to the page as it was
    page = alice.get(answer.headers["Location"]).text
    assert "You rated it 4 stars." in page
    assert re.search(r'value="4" class="star lit"\s+aria-pressed="true"', page)
    assert '<span aria-hidden="true">★★★★☆</span><span class="visually-hidden">Your rating: 4 of 5</span></a>' in page
    assert "Your rating: 4 of 5" in page
    assert alice.post(f"/recipes/{recipe_id}/rating", data={"stars": "1"}).status_code == 303  # replaced
    assert rows(app, Rating) == [("alice", recipe_id, 1)]
    assert "You rated it 1 star." in alice.get(f"/recipes/{recipe_id}").text
    cleared = alice.post(f"/recipes/{recipe_id}/rating", data={"clear": "1"})
    assert cleared.status_code == 303 and rows(app, Rating) == []
    assert alice.post(f"/recipes/{recipe_id}/rating", data={"clear": "1"}).status_code == 303  # again: nothing to do


@pytest.mark.parametrize("stars", ["0", "6", "x", "", "4.5", "-1", "99999999999999999999"])
def test_stars_out_of_range_are_refused_on_the_page(app: Flask, alice: Client, stars: str) -> None:
    recipe_id = create_recipe(alice)
    answer = alice.post(f"/recipes/{recipe_id}/rating", data={"stars": stars})
    assert answer.status_code == 400
    assert "Give 1 to 5 stars." in answer.text and 'id="rating-error"' in answer.text
    assert rows(app, Rating) == []


@pytest.mark.parametrize(
    "next_page",
    [
        "https://evil.example/",
        "//evil.example/",
        "/recipes/999",
        "/recipes/1999",
        "/auth/logout",
        "javascript:alert(1)",
    ],
)
def test_the_way_back_stays_on_the_recipe(alice: Client, next_page: str) -> None:
    recipe_id = create_recipe(alice)
    answer = alice.post(f"/recipes/{recipe_id}/rating", data={"stars": "3", "next": next_page})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/recipes/{recipe_id}#marks"


def test_the_way_back_may_be_another_page_of_the_recipe(alice: Client) -> None:
    """Cook mode (`/recipes/<id>/cook`) logs "Cooked it" with the same form and comes back to itself."""
    recipe_id = create_recipe(alice)
    answer = alice.post(f"/recipes/{recipe_id}/cooked", data={"next": f"/recipes/{recipe_id}/cook"})
    assert answer.status_code == 303 and answer.headers["Location"] == f"/recipes/{recipe_id}/cook#cooking-log"


def test_favourite_on_and_off(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    for _ in range(2):  # twice is the same as once
        assert alice.post(f"/recipes/{recipe_id}/favourite", data={"favourite": "1"}).status_code == 303
    assert rows(app, Favourite) == [("alice", recipe_id)]
    page = alice.get(f"/recipes/{recipe_id}").text
    assert "Added to your favourites." in page
    assert 'class="favourite secondary outline on" aria-pressed="true"' in page and 'name="favourite" value="0"' in page
    assert alice.post(f"/recipes/{recipe_id}/favourite", data={"favourite": "0"}).status_code == 303
    assert rows(app, Favourite) == []
    for bad in ("2", "", "yes"):
        assert alice.post(f"/recipes/{recipe_id}/favourite", data={"favourite": bad}).status_code == 400


def test_cooked_it_today_or_another_day_with_a_note(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    today = alice.post(f"/recipes/{recipe_id}/cooked", data={"date": "", "note": "  Less salt.  "})
    assert today.status_code == 303 and today.headers["Location"] == f"/recipes/{recipe_id}#cooking-log"
    earlier = (TODAY - timedelta(days=3)).isoformat()
    assert alice.post(f"/recipes/{recipe_id}/cooked", data={"date": earlier}).status_code == 303
    assert rows(app, CookingLogEntry) == [
        ("alice", recipe_id, TODAY - timedelta(days=3), ""),
        ("alice", recipe_id, TODAY, "Less salt."),
    ]
    page = alice.get(f"/recipes/{recipe_id}").text
    assert '<a class="fact" href="#cooking-log">Cooked today, 2 times</a>' in page
    assert "(today)</small>: <span" in page and "Less salt." in page
    assert "(3 days ago)" in page
    found = marks_of(app, "alice", recipe_id)
    assert (found.last_cooked, found.times_cooked, found.days_since_cooked) == (TODAY, 2, 0)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ((TODAY + timedelta(days=2)).isoformat(), "That day has not come yet"),
        ("2999-12-31", "That day has not come yet"),
        ("1899-12-31", "Give a day from 1900-01-01 on."),
        ("31/12/2025", "Not a valid date value."),
        ("2025-02-30", "Not a valid date value."),
    ],
)
def test_a_day_that_cannot_be_is_refused_on_the_page(app: Flask, alice: Client, day: str, message: str) -> None:
    recipe_id = create_recipe(alice)
    answer = alice.post(f"/recipes/{recipe_id}/cooked", data={"date": day, "note": "kept"})
    assert answer.status_code == 400 and message in answer.text
    assert 'aria-invalid="true" aria-describedby="cooked-date-error"' in answer.text
    assert ">kept</textarea>" in answer.text  # what was typed stays
    assert rows(app, CookingLogEntry) == []


def test_tomorrow_is_taken_for_a_kitchen_a_day_ahead_of_the_server(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert alice.post(f"/recipes/{recipe_id}/cooked", data={"date": tomorrow}).status_code == 303
    assert "(tomorrow)" in alice.get(f"/recipes/{recipe_id}").text


def test_a_long_note_is_refused(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    answer = alice.post(f"/recipes/{recipe_id}/cooked", data={"note": "x" * 10_000})
    assert answer.status_code == 400 and "Field cannot be longer than 500 characters." in answer.text
    assert alice.post(f"/recipes/{recipe_id}/cooked", data={"note": "é" * 500}).status_code == 303
    assert len(rows(app, CookingLogEntry)) == 1


def test_a_logged_day_can_be_taken_back_only_by_who_logged_it(app: Flask, alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice, visibility="public")
    alice.post(f"/recipes/{recipe_id}/cooked", data={"note": "mine"})
    bob.post(f"/recipes/{recipe_id}/cooked", data={"note": "bob's"})
    with app.app_context():
        ids = dict(db.session.execute(select(CookingLogEntry.note, CookingLogEntry.id)).all())
    assert bob.post(f"/recipes/{recipe_id}/cooked/{ids['mine']}/delete").status_code == 404
    assert alice.post(f"/recipes/{recipe_id}/cooked/{ids['mine'] + 1000}/delete").status_code == 404
    other = create_recipe(alice)
    assert alice.post(f"/recipes/{other}/cooked/{ids['mine']}/delete").status_code == 404  # not this recipe's
    removed = alice.post(f"/recipes/{recipe_id}/cooked/{ids['mine']}/delete")
    assert removed.status_code == 303 and removed.headers["Location"].endswith("#cooking-log")
    assert [note for *_, note in rows(app, CookingLogEntry)] == ["bob's"]


def test_the_page_lists_the_latest_five_days(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    for days in range(7):
        alice.post(f"/recipes/{recipe_id}/cooked", data={"date": (TODAY - timedelta(days=days * 30)).isoformat()})
    page = alice.get(f"/recipes/{recipe_id}").text
    assert page.count('<li><time datetime="') == 5 and "(7 times, the latest 5)" in page
    assert f'<time datetime="{(TODAY - timedelta(days=150)).isoformat()}">' not in page


def test_the_page_forms_need_their_csrf_token(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    for path, form in (("rating", {"stars": "3"}), ("favourite", {"favourite": "1"}), ("cooked", {})):
        assert alice.post(f"/recipes/{recipe_id}/{path}", data=form, csrf=False).status_code == 400
    assert rows(app, Rating) == rows(app, Favourite) == rows(app, CookingLogEntry) == []


# --- whose marks, and who may mark ----------------------------------------------------------------


def test_someone_elses_private_recipe_is_404_whatever_is_sent(app: Flask, alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice)
    for path, form in (
        ("rating", {"stars": "5"}),
        ("rating", {"stars": "x"}),
        ("rating", {"clear": "1"}),
        ("favourite", {"favourite": "1"}),
        ("favourite", {"favourite": "maybe"}),
        ("cooked", {"note": "x" * 10_000}),
        ("cooked", {"date": "2999-01-01"}),
        ("cooked/1/delete", {}),
    ):
        assert bob.post(f"/recipes/{recipe_id}/{path}", data=form).status_code == 404, path
        assert bob.post(f"/recipes/{recipe_id + 100}/{path}", data=form).status_code == 404, path  # none such
    assert rows(app, Rating) == rows(app, Favourite) == rows(app, CookingLogEntry) == []


def test_each_account_has_its_own_marks_and_the_household_an_average(
    app: Flask, alice: Client, bob: Client, login_as: Any
) -> None:
    carol = login_as("carol")
    join(app, alice, carol)  # carol lives with alice; bob does not
    shared = create_recipe(alice, title="Shared soup", visibility="household")
    public = create_recipe(alice, title="Public pie", visibility="public")
    alice.post(f"/recipes/{shared}/rating", data={"stars": "5"})
    carol.post(f"/recipes/{shared}/rating", data={"stars": "2"})
    carol.post(f"/recipes/{shared}/favourite", data={"favourite": "1"})
    carol.post(f"/recipes/{shared}/cooked", data={})
    assert bob.post(f"/recipes/{shared}/rating", data={"stars": "1"}).status_code == 404  # not his household's
    for who, stars in ((alice, "4"), (carol, "4"), (bob, "1")):
        assert who.post(f"/recipes/{public}/rating", data={"stars": stars}).status_code == 303

    alices = marks_of(app, "alice", shared)
    assert (alices.rating, alices.rating_average, alices.ratings_counted) == (5, 3.5, 2)
    assert (alices.favourite, alices.times_cooked, alices.last_cooked) == (False, 0, None)  # carol's, not hers
    carols = marks_of(app, "carol", shared)
    assert (carols.rating, carols.rating_average, carols.favourite, carols.times_cooked) == (2, 3.5, True, 1)
    # A public recipe: each household averages its own members' stars.
    assert marks_of(app, "alice", public).rating_average == 4.0
    bobs = marks_of(app, "bob", public)
    assert (bobs.rating, bobs.rating_average, bobs.ratings_counted) == (1, 1.0, 1)
    page = alice.get(f"/recipes/{shared}").text
    assert "Household: 3.5 of 5 (2 ratings)" in page
    assert "Household:" not in alice.get(f"/recipes/{create_recipe(alice)}").text  # nobody else rated it


def test_moving_to_another_household_moves_ones_stars_with_one(
    app: Flask, alice: Client, bob: Client, login_as: Any
) -> None:
    carol = login_as("carol")
    join(app, alice, carol)
    public = create_recipe(alice, visibility="public")
    for who, stars in ((alice, "5"), (bob, "1"), (carol, "2")):
        who.post(f"/recipes/{public}/rating", data={"stars": stars})
    assert marks_of(app, "alice", public).rating_average == 3.5
    assert marks_of(app, "bob", public).rating_average == 1.0
    join(app, bob, carol)  # carol moves to bob's household
    assert marks_of(app, "alice", public).rating_average == 5.0
    assert marks_of(app, "bob", public).rating_average == 1.5
    assert marks_of(app, "carol", public).rating == 2  # still hers


def test_a_recipe_made_private_again_cannot_be_marked_by_the_household(
    app: Flask, alice: Client, login_as: Any
) -> None:
    carol = login_as("carol")
    join(app, alice, carol)
    recipe_id = create_recipe(alice, visibility="household")
    assert carol.post(f"/recipes/{recipe_id}/rating", data={"stars": "3"}).status_code == 303
    from .conftest import RECIPE_FORM

    assert alice.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, "visibility": "private"}).status_code == 302
    assert carol.post(f"/recipes/{recipe_id}/rating", data={"stars": "1"}).status_code == 404
    assert carol.post(f"/recipes/{recipe_id}/cooked", data={}).status_code == 404
    assert rows(app, Rating) == [("carol", recipe_id, 3)]


def test_deleting_a_recipe_or_an_account_takes_its_marks_along(app: Flask, alice: Client, bob: Client) -> None:
    kept = create_recipe(alice, title="Kept", visibility="public")
    gone = create_recipe(alice, title="Gone", visibility="public")
    for who in (alice, bob):
        for recipe_id in (kept, gone):
            who.post(f"/recipes/{recipe_id}/rating", data={"stars": "3"})
            who.post(f"/recipes/{recipe_id}/favourite", data={"favourite": "1"})
            who.post(f"/recipes/{recipe_id}/cooked", data={})
    assert alice.post(f"/recipes/{gone}/delete").status_code == 302
    for model in (Rating, Favourite, CookingLogEntry):
        assert {(row[0], row[1]) for row in rows(app, model)} == {("alice", kept), ("bob", kept)}, model
    from recipes.auth.lifecycle import delete_account

    with app.app_context():
        bob_user = db.session.scalar(select(User).where(User.username == "bob"))
        assert bob_user is not None
        delete_account(bob_user, None)
    for model in (Rating, Favourite, CookingLogEntry):
        assert {(row[0], row[1]) for row in rows(app, model)} == {("alice", kept)}, model


def test_two_ratings_at_once_leave_one(app: Flask, alice: Client) -> None:
    """The rating is written with one INSERT ... ON CONFLICT: a second one updates it."""
    recipe_id = create_recipe(alice)
    with app.app_context():
        alice_user = db.session.scalar(select(User).where(User.username == "alice"))
        assert alice_user is not None
        services.rate(alice_user, recipe_id, 2)
        services.rate(alice_user, recipe_id, 5)
        services.set_favourite(alice_user, recipe_id, True)
        services.set_favourite(alice_user, recipe_id, True)
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 1
        assert db.session.scalar(select(Rating.stars)) == 5
        assert db.session.scalar(select(func.count()).select_from(Favourite)) == 1


@pytest.mark.parametrize("stars", [0, 6, -1, True, "4", 4.0, None])
def test_the_service_takes_only_whole_stars_from_one_to_five(app: Flask, alice: Client, stars: Any) -> None:
    recipe_id = create_recipe(alice)
    with app.app_context():
        alice_user = db.session.scalar(select(User).where(User.username == "alice"))
        assert alice_user is not None
        with pytest.raises(services.MarkInvalid) as refused:
            services.rate(alice_user, recipe_id, stars)
        assert refused.value.field == "stars"


def test_the_database_refuses_stars_out_of_range_too(app: Flask, alice: Client) -> None:
    from sqlalchemy.exc import IntegrityError

    recipe_id = create_recipe(alice)
    with app.app_context():
        alice_id = db.session.scalar(select(User.id).where(User.username == "alice"))
        db.session.add(Rating(user_id=alice_id, recipe_id=recipe_id, stars=6))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


# --- the API --------------------------------------------------------------------------------------


@pytest.fixture
def alice_api(app: Flask, alice: Client) -> Api:
    return Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]


@pytest.fixture
def bob_api(app: Flask, bob: Client) -> Api:
    return Api(app.test_client(), make_token(app, "bob"))  # type: ignore[arg-type]


def test_every_recipe_object_has_the_five_fields(alice_api: Api) -> None:
    created = alice_api.post("/recipes", json={"title": "Soup", "servings": "4", "ingredients": ["1 l water"]})
    assert created.status_code == 201
    expected = {"rating": None, "rating_average": None, "favourite": False, "last_cooked": None, "times_cooked": 0}
    assert {name: created.json[name] for name in MARK_FIELDS} == expected
    recipe_id = created.json["id"]
    assert {name: alice_api.get(f"/recipes/{recipe_id}").json[name] for name in MARK_FIELDS} == expected
    assert {name: alice_api.get("/recipes").json["items"][0][name] for name in MARK_FIELDS} == expected
    assert {name: alice_api.get(f"/recipes/{recipe_id}?servings=8").json[name] for name in MARK_FIELDS} == expected


def test_rate_favourite_and_log_through_the_api(app: Flask, alice_api: Api) -> None:
    recipe_id = alice_api.post("/recipes", json={"title": "Soup"}).json["id"]
    rated = alice_api.put(f"/recipes/{recipe_id}/rating", json={"stars": 4})
    assert rated.status_code == 200 and (rated.json["rating"], rated.json["rating_average"]) == (4, 4.0)
    favourite = alice_api.put(f"/recipes/{recipe_id}/favourite")
    assert favourite.status_code == 200 and favourite.json["favourite"] is True
    assert alice_api.put(f"/recipes/{recipe_id}/favourite").status_code == 200  # twice: the same
    cooked = alice_api.post(f"/recipes/{recipe_id}/cooked", json={"note": "Good."})
    assert cooked.status_code == 200
    assert (cooked.json["last_cooked"], cooked.json["times_cooked"]) == (TODAY.isoformat(), 1)
    earlier = alice_api.post(f"/recipes/{recipe_id}/cooked", json={"date": "2025-03-14"})
    assert (earlier.json["last_cooked"], earlier.json["times_cooked"]) == (TODAY.isoformat(), 2)
    assert alice_api.post(f"/recipes/{recipe_id}/cooked").status_code == 200  # no body: today
    assert rows(app, CookingLogEntry) == [
        ("alice", recipe_id, date(2025, 3, 14), ""),
        ("alice", recipe_id, TODAY, ""),
        ("alice", recipe_id, TODAY, "Good."),
    ]
    assert alice_api.delete(f"/recipes/{recipe_id}/rating").status_code == 204
    assert alice_api.delete(f"/recipes/{recipe_id}/rating").status_code == 204  # none: still done
    assert alice_api.delete(f"/recipes/{recipe_id}/favourite").status_code == 204
    after = alice_api.get(f"/recipes/{recipe_id}").json
    assert (after["rating"], after["rating_average"], after["favourite"], after["times_cooked"]) == (
        None,
        None,
        False,
        3,
    )


@pytest.mark.parametrize(
    "body",
    [{"stars": 0}, {"stars": 6}, {"stars": "x"}, {"stars": "4"}, {"stars": 4.5}, {"stars": True}, {}, {"stars": None}],
)
def test_the_api_refuses_stars_that_are_not_one_to_five(app: Flask, alice_api: Api, body: dict[str, Any]) -> None:
    recipe_id = alice_api.post("/recipes", json={"title": "Soup"}).json["id"]
    refused = alice_api.put(f"/recipes/{recipe_id}/rating", json=body)
    assert refused.status_code == 422 and refused.json["error"]["field"] == "stars", refused.json
    assert rows(app, Rating) == []


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"date": "2999-01-01"}, "date", "That day has not come yet"),
        ({"date": (TODAY + timedelta(days=2)).isoformat()}, "date", "That day has not come yet"),
        ({"date": "1800-01-01"}, "date", "Give a day from 1900-01-01 on."),
        ({"date": "14/03/2025"}, "date", "Not a valid date."),
        ({"date": 20250314}, "date", "Not a valid date."),
        ({"note": "x" * 10_000}, "note", "Field cannot be longer than 500 characters."),
        ({"note": 12}, "note", "Not a valid string."),
        ({"when": "2025-03-14"}, "when", "Unknown field."),
    ],
)
def test_the_api_refuses_a_day_or_note_that_cannot_be(
    app: Flask, alice_api: Api, body: dict[str, Any], field: str, message: str
) -> None:
    recipe_id = alice_api.post("/recipes", json={"title": "Soup"}).json["id"]
    refused = alice_api.post(f"/recipes/{recipe_id}/cooked", json=body)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["field"] == field and message in refused.json["error"]["message"]
    assert rows(app, CookingLogEntry) == []


def test_the_api_is_404_for_a_recipe_one_may_not_see(app: Flask, alice_api: Api, bob_api: Api) -> None:
    private = alice_api.post("/recipes", json={"title": "Alice's secret"}).json["id"]
    for method, path, body in (
        ("put", "rating", {"stars": 3}),
        ("delete", "rating", None),
        ("put", "favourite", None),
        ("delete", "favourite", None),
        ("post", "cooked", {"note": "taken"}),
    ):
        for recipe_id in (private, private + 100, 2**31 - 1):
            answer = getattr(bob_api, method)(f"/recipes/{recipe_id}/{path}", **({"json": body} if body else {}))
            assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found", (method, path)
    assert bob_api.put(f"/recipes/{2**31}/rating", json={"stars": 3}).status_code == 404  # past the id range
    assert rows(app, Rating) == rows(app, Favourite) == rows(app, CookingLogEntry) == []


def test_a_member_rates_what_the_household_shares_through_the_api(app: Flask, alice: Client, login_as: Any) -> None:
    carol = login_as("carol")
    join(app, alice, carol)
    shared = create_recipe(alice, visibility="household")
    carol_api = Api(app.test_client(), make_token(app, "carol"))  # type: ignore[arg-type]
    alice.post(f"/recipes/{shared}/rating", data={"stars": "5"})
    answer = carol_api.put(f"/recipes/{shared}/rating", json={"stars": 2})
    assert answer.status_code == 200 and (answer.json["rating"], answer.json["rating_average"]) == (2, 3.5)
    assert carol_api.put(f"/recipes/{shared}/favourite").json["favourite"] is True
    assert carol_api.post(f"/recipes/{shared}/cooked", json={}).json["times_cooked"] == 1


def test_the_openapi_document_describes_the_operations(client: Client) -> None:
    document = client.get("/api/openapi.json").json
    paths = document["paths"]
    rating = paths["/api/v1/recipes/{recipe_id}/rating"]
    assert rating["put"]["operationId"] == "putRecipeRating" and rating["delete"]["operationId"] == "deleteRecipeRating"
    favourite = paths["/api/v1/recipes/{recipe_id}/favourite"]
    assert (favourite["put"]["operationId"], favourite["delete"]["operationId"]) == (
        "putRecipeFavourite",
        "deleteRecipeFavourite",
    )
    assert paths["/api/v1/recipes/{recipe_id}/cooked"]["post"]["operationId"] == "logRecipeCooked"
    stars = document["components"]["schemas"]["RatingWrite"]["properties"]["stars"]
    assert (stars["minimum"], stars["maximum"]) == (1, 5)
    recipe = document["components"]["schemas"]["Recipe"]
    assert set(MARK_FIELDS) <= set(recipe["required"])
    listed = {p["name"]: p for p in paths["/api/v1/recipes"]["get"]["parameters"]}
    assert {"favourite", "min_rating", "not_cooked_days"} <= set(listed)
    assert {"rating", "last_cooked"} <= set(listed["sort"]["schema"]["enum"])
    links = paths["/api/v1/recipes"]["post"]["responses"]["201"]["links"]
    assert {"PutRecipeRating", "LogRecipeCooked"} <= set(links)
