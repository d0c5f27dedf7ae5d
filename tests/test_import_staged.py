"""Large file imports: every field limit holds, the write lock is only ever held for a slice,
nothing shows until the whole file is in (or ever, if it fails), and a busy database is a 503."""

from __future__ import annotations

import html
import io
import json
import sqlite3
import threading
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from recipes import database
from recipes.cookbook import bulk, limits
from recipes.extensions import db
from recipes.models import PendingRecipe, Recipe, User, utcnow

from . import database_fixtures as dbf
from .conftest import Client, create_recipe
from .test_api import Api, make_token

LINE = "1 cup flour"


def export_zip(recipes: list[dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("recipes.json", json.dumps(recipes))
    return buffer.getvalue()


def upload(client: Client, data: bytes) -> Any:
    """Import through the page; an import redirects to its results page, which this returns."""
    form = {"file": (io.BytesIO(data), "recipes-export.zip")}
    return client.post("/recipes/import/file", data=form, follow_redirects=True)


def count(app: Flask, model: Any = Recipe) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_probes_oversized_recipe_is_refused_and_its_texts_fitted(app: Flask, alice: Client) -> None:
    """The probe's file: 100,000 ingredients, 20,000 steps, 10,000 tags and a 1 MB description.
    It imported whole and could then not be saved from the form or sent back by the API."""
    data = export_zip(
        [
            {
                "title": "Monster",
                "description": "d" * 1_000_000,
                "ingredients": [LINE] * 100_000,
                "instructions": ["Stir."] * 20_000,
                "tags": [f"tag{n}" for n in range(10_000)],
            },
            {"title": "Merely long", "description": "d" * 1_000_000, "ingredients": [LINE], "tags": ["x"] * 10_000},
        ]
    )
    response = upload(alice, data)
    assert response.status_code == 200
    assert html.escape(limits.TOO_MANY_INGREDIENTS) in response.text
    with app.app_context():
        [kept] = db.session.scalars(select(Recipe)).all()
        assert kept.title == "Merely long" and len(kept.description) == limits.DESCRIPTION_MAX
        recipe_id = kept.id
    # And what came in saves again through the form, unchanged.
    page = alice.get(f"/recipes/{recipe_id}/edit").text
    assert "Merely long" in page
    form = {"title": "Merely long", "description": "d" * limits.DESCRIPTION_MAX, "ingredients": LINE, "tags": "x"}
    assert alice.post(f"/recipes/{recipe_id}/edit", data=form).status_code == 302


def test_the_api_refuses_a_nutrition_object_of_100000_keys(app: Flask, alice: Client) -> None:
    alice_api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    nutrition = {f"n{n}": "1 g" for n in range(100_000)}
    response = alice_api.post("/recipes", json={"title": "Facts", "nutrition": nutrition})
    assert response.status_code == 422
    assert limits.TOO_MANY_NUTRIENTS in json.dumps(response.json)


def many(n: int, prefix: str = "Batch") -> list[dict[str, Any]]:
    return [{"title": f"{prefix} {i}", "ingredients": [f"{i} eggs"], "instructions": ["Whisk."]} for i in range(n)]


def test_an_import_lands_in_slices_that_others_can_write_between_and_nobody_sees(
    app: Flask, alice: Client, bob: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "SLICE_RECIPES", 2)
    seen: list[tuple[int, str, int, str]] = []
    original = bulk._slices

    def look_around(number: int) -> None:
        created = create_recipe(bob, title=f"Bob's stew {number}")
        seen.append(
            (created, alice.get("/recipes/").text, count(app, PendingRecipe), alice.get("/recipes/?q=batch").text)
        )

    def slices_and_a_look_around(items: Any) -> Any:
        # Between slices the earlier ones are committed: someone else saves (the write lock is
        # free), and neither the owner's list nor the search shows the import yet.
        for number, piece in enumerate(original(items)):
            if number:
                # From another thread, as another worker would: its own contexts and session.
                look = threading.Thread(target=look_around, args=(number,))
                look.start()
                look.join()
            yield piece

    monkeypatch.setattr(bulk, "_slices", slices_and_a_look_around)
    response = upload(alice, export_zip(many(5)))
    assert response.status_code == 200, response.text
    assert "Imported 5 recipes" in response.text
    assert len(seen) == 2  # slices of 2, 2 and 1
    for created, mine, pending, found in seen:
        assert created > 0 and pending > 0
        assert "Batch 0" not in mine and "Batch 0" not in found
    assert count(app, PendingRecipe) == 0
    page = alice.get("/recipes/?q=batch").text
    assert all(f"Batch {i}" in page for i in range(5))


def test_an_import_that_fails_part_way_leaves_nothing(
    app: Flask, alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "SLICE_RECIPES", 2)
    calls = []
    original = bulk._add_batch

    def fail_on_the_third(*args: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the disk went away")
        return original(*args)

    monkeypatch.setattr(bulk, "_add_batch", fail_on_the_third)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        assert user is not None
        from recipes.importing.files.service import import_file

        with pytest.raises(RuntimeError):
            import_file(user, export_zip(many(5)), "recipes-export.zip")
    assert count(app) == 0 and count(app, PendingRecipe) == 0
    assert "Batch" not in alice.get("/recipes/?q=batch").text


def test_a_dead_imports_leftovers_are_swept_by_the_next(app: Flask, alice: Client) -> None:
    create_recipe(alice, title="Orphan of a dead import")
    with app.app_context():
        recipe_id = db.session.scalar(select(Recipe.id))
        db.session.add(PendingRecipe(recipe_id=recipe_id, import_key="dead", created_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    alice.get("/recipes/")  # (shows the "Saved" message)
    assert "Orphan" not in alice.get("/recipes/?q=orphan").text  # hidden while pending
    assert alice.get(f"/recipes/{recipe_id}").status_code == 404
    assert upload(alice, export_zip(many(1))).status_code == 200
    assert count(app, PendingRecipe) == 0
    with app.app_context():
        assert db.session.scalars(select(Recipe.title)).all() == ["Batch 0"]


@pytest.mark.skipif(dbf.using_postgres(), reason="SQLite's one write lock")
def test_a_database_that_stays_busy_is_a_503_not_a_500(
    app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, make_user: Any
) -> None:
    from recipes import create_app

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    app = create_app({**app_config, "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.2}}})
    app.test_client_class = Client
    with app.app_context():
        from recipes.auth.services import create_user
        from recipes.auth.tokens import create_token

        user = create_user("alice", "correct horse")
        _, token = create_token(user, "probe")
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.post("/auth/login", data={"username": "alice", "password": "correct horse"}).status_code == 302
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    try:
        page = client.post("/recipes/new", data={"title": "Blocked stew"})
        assert page.status_code == 503 and page.headers["Retry-After"]
        assert "nothing was saved" in page.text
        api = client.post(
            "/api/v1/recipes", json={"title": "Blocked stew"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert api.status_code == 503 and api.json["error"]["code"] == "busy"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert client.post("/recipes/new", data={"title": "Free stew"}).status_code == 302
