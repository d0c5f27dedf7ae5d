"""The shopping lists' JSON API (/api/v1/lists): the shapes of DESIGN.md, ETags and 304s, op_ids that
make a change sent twice count once, field-level updates that let a check-off and an edit of the same
row both stay, and bad input answered with a clear 4xx, never a 500 (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select

from recipes.extensions import db
from recipes.models import ShoppingItem
from recipes.shopping import limits

from .conftest import Client, create_recipe
from .test_api import Api, make_token
from .test_households import invite, join
from .test_shopping import PIE, SOUP


@pytest.fixture
def alice_api(app: Flask, alice: Client) -> Api:
    return Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]


@pytest.fixture
def bob_api(app: Flask, alice: Client, bob: Client) -> Api:
    """bob, in alice's household."""
    assert join(bob, invite(alice)).status_code == 302
    return Api(app.test_client(), make_token(app, "bob"))  # type: ignore[arg-type]


@pytest.fixture
def carol_api(app: Flask, login_as: Any) -> Api:
    """carol, in a household of her own."""
    login_as("carol")
    return Api(app.test_client(), make_token(app, "carol"))  # type: ignore[arg-type]


def op() -> str:
    return str(uuid.uuid4())


def texts(body: dict[str, Any]) -> list[str]:
    return [item["text"] for item in body["items"]]


def new_list(api: Api, name: str = "Groceries") -> dict[str, Any]:
    made = api.post("/lists", json={"name": name})
    assert made.status_code == 201, made.json
    assert made.headers["Location"] == f"/api/v1/lists/{made.json['id']}"
    return made.json  # type: ignore[no-any-return]


def test_lists_are_made_listed_renamed_and_deleted(alice_api: Api, bob_api: Api, carol_api: Api) -> None:
    made = new_list(alice_api)
    assert made == {
        "id": made["id"],
        "name": "Groceries",
        "version": 1,
        "aisles": made["aisles"],
        "recipes": [],
        "items": [],
    }
    assert [aisle["id"] for aisle in made["aisles"]][:2] == ["produce", "bakery"]
    assert bob_api.get("/lists").json == {"items": [{"id": made["id"], "name": "Groceries", "version": 1}]}
    assert carol_api.get("/lists").json == {"items": []}
    renamed = bob_api.patch(f"/lists/{made['id']}", json={"name": "Market"})
    assert renamed.status_code == 200 and renamed.json["name"] == "Market" and renamed.json["version"] == 2
    assert carol_api.patch(f"/lists/{made['id']}", json={"name": "Mine"}).status_code == 404
    assert carol_api.delete(f"/lists/{made['id']}").status_code == 404
    assert bob_api.delete(f"/lists/{made['id']}").status_code == 204
    assert alice_api.get(f"/lists/{made['id']}").status_code == 404


def test_recipes_merge_with_their_sources_and_come_back_out(app: Flask, alice: Client, alice_api: Api) -> None:
    soup = create_recipe(alice, **SOUP)
    pie = create_recipe(alice, **PIE)
    list_id = new_list(alice_api)["id"]
    added = alice_api.post(f"/lists/{list_id}/recipes", json={"recipe_id": soup, "servings": 8})
    assert added.status_code == 200, added.json
    added = alice_api.post(f"/lists/{list_id}/recipes", json={"recipe_id": pie})
    body = added.json
    assert added.headers["ETag"] == f'"list-{list_id}-v3"' and body["version"] == 3
    milk = next(item for item in body["items"] if item["food"] == "milk")
    assert milk["text"] == "5 cups milk" and milk["unit"] == "cup" and milk["aisle"] == "dairy"
    assert milk["sources"] == [
        {"recipe_id": soup, "title": "Lentil soup", "servings": 8.0},
        {"recipe_id": pie, "title": "Onion pie", "servings": 6.0},
    ]
    assert body["recipes"] == milk["sources"]
    flour = next(item for item in body["items"] if item["food"] == "flour")
    assert (flour["text"], flour["quantity"], flour["unit"]) == ("1.4 kg flour", 1.4, "kilogram")
    assert alice_api.delete(f"/lists/{list_id}/recipes/{soup}").status_code == 204
    after = alice_api.get(f"/lists/{list_id}").json
    assert sorted(texts(after)) == sorted(["2 onions", "250 ml milk", "1 kg flour", "3 eggs"])
    assert alice_api.delete(f"/lists/{list_id}/recipes/{soup}").json["error"]["code"] == "not_found"


def test_staples_are_left_out_unless_asked(alice: Client, alice_api: Api) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice_api)["id"]
    without = alice_api.post(f"/lists/{list_id}/recipes", json={"recipe_id": soup}).json
    assert "salt" not in texts(without)
    other = new_list(alice_api, "Other")["id"]
    including = alice_api.post(f"/lists/{other}/recipes", json={"recipe_id": soup, "include_staples": True}).json
    assert {"salt", "1 tbsp olive oil"} <= set(texts(including))


def test_get_answers_if_none_match_with_304_until_the_list_changes(alice_api: Api, bob_api: Api) -> None:
    list_id = new_list(alice_api)["id"]
    first = alice_api.get(f"/lists/{list_id}")
    tag = first.headers["ETag"]
    assert tag == f'"list-{list_id}-v1"'
    unchanged = alice_api.get(f"/lists/{list_id}", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.data == b"" and unchanged.headers["ETag"] == tag
    assert alice_api.get(f"/lists/{list_id}", headers={"If-None-Match": '"something-else"'}).status_code == 200
    bob_api.post(f"/lists/{list_id}/items", json={"text": "3 lemons"})
    changed = alice_api.get(f"/lists/{list_id}", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and texts(changed.json) == ["3 lemons"] and changed.headers["ETag"] != tag


def test_items_by_hand_are_read_checked_edited_moved_and_deleted(alice_api: Api, bob_api: Api) -> None:
    list_id = new_list(alice_api)["id"]
    made = alice_api.post(f"/lists/{list_id}/items", json={"text": "2 kg potatoes"})
    assert made.status_code == 201
    item = made.json
    assert {k: item[k] for k in ("text", "quantity", "unit", "food", "aisle", "checked", "by_hand", "sources")} == {
        "text": "2 kg potatoes",
        "quantity": 2.0,
        "unit": "kilogram",
        "food": "potatoes",
        "aisle": "produce",
        "checked": False,
        "by_hand": True,
        "sources": [],
    }
    path = f"/lists/{list_id}/items/{item['id']}"
    checked = bob_api.patch(path, json={"checked": True})
    assert checked.status_code == 200 and checked.json["checked"] is True and checked.json["text"] == "2 kg potatoes"
    moved = alice_api.patch(path, json={"aisle": "pantry"})
    assert moved.json["aisle"] == "pantry" and moved.json["checked"] is True
    edited = alice_api.patch(path, json={"text": "3 kg potatoes"})
    assert (edited.json["text"], edited.json["quantity"], edited.json["checked"]) == ("3 kg potatoes", 3.0, True)
    assert alice_api.delete(path).status_code == 204
    assert alice_api.patch(path, json={"checked": False}).status_code == 404


def test_a_check_off_and_an_edit_of_the_same_row_at_once_both_stay(app: Flask, alice_api: Api, bob_api: Api) -> None:
    """Two phones, one row: each change names only its field, so neither overwrites the other,
    whichever comes first; here both are sent at the same moment from two threads, many times."""
    list_id = new_list(alice_api)["id"]

    def send(api: Api, path: str, payload: dict[str, Any], start: threading.Barrier, answers: list[int]) -> None:
        client: Client = app.test_client()  # type: ignore[assignment]
        start.wait(10)
        answers.append(Api(client, api.token).patch(path, json=payload).status_code)

    for round_ in range(6):
        item_id = alice_api.post(f"/lists/{list_id}/items", json={"text": f"{round_ + 1} lemons"}).json["id"]
        path = f"/lists/{list_id}/items/{item_id}"
        start = threading.Barrier(2)
        answers: list[int] = []
        workers = [
            threading.Thread(target=send, args=(alice_api, path, {"checked": True, "op_id": op()}, start, answers)),
            threading.Thread(
                target=send, args=(bob_api, path, {"text": f"{round_ + 1} limes", "op_id": op()}, start, answers)
            ),
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        assert answers == [200, 200]
        final = alice_api.get(path.rsplit("/items", 1)[0]).json
        row = next(item for item in final["items"] if item["id"] == item_id)
        assert (row["text"], row["checked"]) == (f"{round_ + 1} limes", True)


def test_the_same_op_id_twice_changes_nothing(alice: Client, alice_api: Api) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice_api)["id"]
    adding = op()
    first = alice_api.post(f"/lists/{list_id}/items", json={"text": "1 onion", "op_id": adding})
    again = alice_api.post(f"/lists/{list_id}/items", json={"text": "1 onion", "op_id": adding.upper()})
    assert first.status_code == again.status_code == 201 and first.json == again.json
    version = alice_api.get(f"/lists/{list_id}").json["version"]
    assert version == 2
    checking = op()
    path = f"/lists/{list_id}/items/{first.json['id']}"
    assert alice_api.patch(path, json={"checked": True, "op_id": checking}).json["checked"] is True
    alice_api.patch(path, json={"checked": False})  # someone puts it back
    replay = alice_api.patch(path, json={"checked": True, "op_id": checking})  # the old check-off, again
    assert replay.status_code == 200 and replay.json["checked"] is False
    recipe_op = op()
    for _ in range(2):
        alice_api.post(f"/lists/{list_id}/recipes", json={"recipe_id": soup, "op_id": recipe_op})
    body = alice_api.get(f"/lists/{list_id}").json
    assert "2 onions" in texts(body) and len(body["recipes"]) == 1
    removing = op()
    assert alice_api.delete(f"/lists/{list_id}/recipes/{soup}?op_id={removing}").status_code == 204
    alice_api.post(f"/lists/{list_id}/recipes", json={"recipe_id": soup})
    assert alice_api.delete(f"/lists/{list_id}/recipes/{soup}?op_id={removing}").status_code == 204  # replay
    assert "2 onions" in texts(alice_api.get(f"/lists/{list_id}").json)
    clearing = op()
    alice_api.post(f"/lists/{list_id}/clear", json={"op_id": clearing})
    alice_api.patch(path, json={"checked": True})
    cleared = alice_api.post(f"/lists/{list_id}/clear", json={"op_id": clearing})
    assert cleared.status_code == 200
    assert any(item["checked"] for item in cleared.json["items"])  # the replayed clear cleared nothing


def test_a_replayed_add_whose_row_is_gone_is_404(alice_api: Api) -> None:
    list_id = new_list(alice_api)["id"]
    adding = op()
    made = alice_api.post(f"/lists/{list_id}/items", json={"text": "milk", "op_id": adding}).json
    alice_api.delete(f"/lists/{list_id}/items/{made['id']}")
    again = alice_api.post(f"/lists/{list_id}/items", json={"text": "milk", "op_id": adding})
    assert again.status_code == 404 and alice_api.get(f"/lists/{list_id}").json["items"] == []


def test_a_signed_in_browser_uses_the_api_with_its_csrf_token(app: Flask, alice: Client) -> None:
    """What the list page's script does: the session cookie and the X-CSRFToken header."""
    list_id = alice.post("/lists", data={"name": "Groceries"}).headers["Location"].rsplit("/", 1)[1]
    token = alice.get(f"/lists/{list_id}/state").json["csrf_token"]  # type: ignore[index]
    made = alice.post(f"/api/v1/lists/{list_id}/items", json={"text": "milk"}, headers={"X-CSRFToken": token})
    assert made.status_code == 201
    refused = alice.post(f"/api/v1/lists/{list_id}/items", json={"text": "milk"})
    assert refused.status_code == 400


# --- bad input: a clear 4xx, never a 500 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "method", "payload", "status", "field"),
    [
        ("/lists", "post", {"name": ""}, 422, "name"),
        ("/lists", "post", {"name": "x" * 61}, 422, "name"),
        ("/lists", "post", {"name": "\x00\x01"}, 422, "name"),
        ("/lists", "post", {"name": "ok", "owner": 1}, 422, "owner"),
        ("/lists/{list}/items", "post", {"text": "x" * 10_000}, 422, "text"),
        ("/lists/{list}/items", "post", {"text": ""}, 422, "text"),
        ("/lists/{list}/items", "post", {"text": "milk", "op_id": "not-a-uuid"}, 422, "op_id"),
        ("/lists/{list}/items", "post", {"text": "milk", "op_id": 7}, 422, "op_id"),
        ("/lists/{list}/items/{item}", "patch", {"aisle": "shoes"}, 422, "aisle"),
        ("/lists/{list}/items/{item}", "patch", {"checked": "yes"}, 422, "checked"),
        ("/lists/{list}/items/{item}", "patch", {"checked": 0}, 422, "checked"),
        ("/lists/{list}/items/{item}", "patch", {}, 422, "body"),
        ("/lists/{list}/items/{item}", "patch", {"op_id": "{op}"}, 422, "body"),
        ("/lists/{list}/recipes", "post", {"recipe_id": 999_999}, 422, "recipe_id"),
        ("/lists/{list}/recipes", "post", {"recipe_id": "{recipe}", "servings": 0}, 422, "servings"),
        ("/lists/{list}/recipes", "post", {"recipe_id": "{recipe}", "servings": 1000}, 422, "servings"),
        ("/lists/{list}/recipes", "post", {"recipe_id": "{recipe}", "servings": 10_001}, 422, "servings"),
        ("/lists/{list}/recipes", "post", {"recipe_id": 2**40}, 422, "recipe_id"),
        ("/lists/{list}/recipes", "post", {"recipe_id": "1"}, 422, "recipe_id"),
        ("/lists/999999/items", "post", {"text": "milk"}, 404, None),
        ("/lists/{list}/items/999999", "patch", {"checked": True}, 404, None),
        ("/lists/{list}/items/{item}?op_id=nope", "delete", None, 422, "op_id"),
    ],
)
def test_bad_input_is_a_clear_4xx(
    alice: Client,
    alice_api: Api,
    path: str,
    method: str,
    payload: dict[str, Any] | None,
    status: int,
    field: str | None,
) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice_api)["id"]
    item_id = alice_api.post(f"/lists/{list_id}/items", json={"text": "milk"}).json["id"]
    values = {"{list}": str(list_id), "{item}": str(item_id), "{op}": op()}
    for name, value in values.items():
        path = path.replace(name, value)
    if payload is not None:
        payload = {k: (soup if v == "{recipe}" else values.get(v, v)) for k, v in payload.items()}
    answer = getattr(alice_api, method)(path, **({} if payload is None else {"json": payload}))
    assert answer.status_code == status, answer.json
    error = answer.json["error"]
    assert error["message"]
    if field is not None:
        assert error["field"] == field, error


def test_a_full_list_refuses_more_rows(app: Flask, alice_api: Api) -> None:
    list_id = new_list(alice_api)["id"]
    with app.app_context():
        db.session.execute(
            insert(ShoppingItem),
            [
                {
                    "list_id": list_id,
                    "text": f"thing {n}",
                    "aisle": "other",
                    "position": n,
                    "checked": False,
                    "approximate": False,
                    "by_hand": True,
                }
                for n in range(limits.ITEMS_MAX)
            ],
        )
        db.session.commit()
    refused = alice_api.post(f"/lists/{list_id}/items", json={"text": "one more"})
    assert refused.status_code == 422 and refused.json["error"]["field"] == "items"
    assert "at most 1000 rows" in refused.json["error"]["message"]
    with app.app_context():
        assert len(db.session.scalars(select(ShoppingItem.id).where(ShoppingItem.list_id == list_id)).all()) == 1000
    # ... and the list still answers, all 1000 rows of it.
    assert len(alice_api.get(f"/lists/{list_id}").json["items"]) == limits.ITEMS_MAX


def test_someone_elses_list_and_recipe_are_404(alice: Client, alice_api: Api, carol_api: Api) -> None:
    private = create_recipe(alice, **SOUP)
    alices = new_list(alice_api)["id"]
    item = alice_api.post(f"/lists/{alices}/items", json={"text": "milk"}).json["id"]
    carols = new_list(carol_api)["id"]
    for method, path, payload in [
        ("get", f"/lists/{alices}", None),
        ("post", f"/lists/{alices}/items", {"text": "cake"}),
        ("patch", f"/lists/{alices}/items/{item}", {"checked": True}),
        ("delete", f"/lists/{alices}/items/{item}", None),
        ("patch", f"/lists/{carols}/items/{item}", {"checked": True}),  # her list, alice's row
        ("post", f"/lists/{alices}/clear", {}),
    ]:
        answer = getattr(carol_api, method)(path, **({} if payload is None else {"json": payload}))
        assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found", (method, path)
    # Her list, alice's private recipe: named in the body, so bad input, exactly as a recipe that does not exist.
    refused = carol_api.post(f"/lists/{carols}/recipes", json={"recipe_id": private})
    missing = carol_api.post(f"/lists/{carols}/recipes", json={"recipe_id": 999_999})
    assert refused.status_code == missing.status_code == 422
    assert refused.json == missing.json and refused.json["error"]["field"] == "recipe_id"
    assert alice_api.get(f"/lists/{alices}").json["items"][0]["checked"] is False
