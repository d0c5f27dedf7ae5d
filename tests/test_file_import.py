"""Importing export files through the page and the CLI: all or nothing, duplicates reported,
our own export restored losslessly."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from recipes.extensions import db
from recipes.models import Recipe, RecipeImage

from .archives import zip_of
from .conftest import Client, create_recipe
from .test_export import download
from .test_pictures import photo, post_recipe

EXPORTS = Path(__file__).parent / "data" / "exports"


def upload_file(client: Client, data: bytes, name: str = "export.zip") -> Any:
    """Import a file through the page: a refusal is the answer itself; an import redirects to its
    results page (post/redirect/get), which is what this returns then."""
    response = client.post(
        "/recipes/import/file",
        data={"csrf_token": client.csrf_token(), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    if response.status_code != 303:
        return response
    assert response.headers["Location"].startswith("/recipes/import/results/")
    return client.get(response.headers["Location"])


def count(app: Flask, model: Any = Recipe) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def recipes_json(zip_bytes: bytes) -> list[dict[str, Any]]:
    return json.loads(zipfile.ZipFile(io.BytesIO(zip_bytes)).read("recipes.json"))  # type: ignore[no-any-return]


def test_export_then_import_into_an_empty_library_restores_it_exactly(app: Flask, alice: Client) -> None:
    post_recipe(alice, picture=photo(), title="Pie", tags="baking, sweet", visibility="public")
    create_recipe(alice, title="Soup", notes="Freezes well.")
    create_recipe(alice, title="Gone")
    gone = alice.get("/recipes/?q=Gone").text
    assert "Gone" in gone
    with app.app_context():
        gone_id = db.session.scalar(select(Recipe.id).where(Recipe.title == "Gone"))
    alice.post(f"/recipes/{gone_id}/delete")  # a gap in the ids
    first = download(alice, "/recipes/export").data
    for recipe in recipes_json(first):
        assert alice.post(f"/recipes/{recipe['id']}/delete").status_code == 302
    assert count(app) == 0

    response = upload_file(alice, first)
    assert response.status_code == 200, response.text
    assert "Imported 2 recipes" in response.text
    again = download(alice, "/recipes/export").data
    assert recipes_json(again) == recipes_json(first)
    assert count(app, RecipeImage) == 1
    # The search index came along too.
    assert "Soup" in alice.get("/recipes/?q=soup").text


def test_importing_the_same_file_twice_reports_duplicates(app: Flask, alice: Client, bob: Client) -> None:
    create_recipe(alice, title="Soup")
    exported = download(alice, "/recipes/export").data
    into_bob = upload_file(bob, exported)
    assert "Imported 1 recipe" in into_bob.text
    twice = upload_file(bob, exported)
    assert "Imported 0 recipes" in twice.text and "Already in your recipes (1)" in twice.text
    assert count(app) == 2  # alice's and bob's copy


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.zip", "That file is empty."),
        (b"hello, this is not a recipe file", "notes.txt", "not an export Recipes can read"),
        (b"PK\x03\x04broken", "broken.zip", ""),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing(
    app: Flask, alice: Client, data: bytes, name: str, message: str
) -> None:
    response = upload_file(alice, data, name)
    assert response.status_code == 422
    assert 'class="field-error"' in response.text
    assert message in response.text
    assert count(app) == 0


def test_a_hostile_archive_is_refused(app: Flask, alice: Client) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../etc/cron.d/evil", "* * * * * root rm -rf /")
        archive.writestr("recipes.json", "[]")
    response = upload_file(alice, buffer.getvalue())
    assert response.status_code == 422
    assert "nothing was imported" in response.text.lower() or "outside" in response.text
    assert count(app) == 0


def test_the_form_needs_a_file_and_its_token(alice: Client) -> None:
    missing = alice.post(
        "/recipes/import/file", data={"csrf_token": alice.csrf_token()}, content_type="multipart/form-data"
    )
    assert missing.status_code == 400 and "Choose the export file" in missing.text
    forged = alice.post(
        "/recipes/import/file",
        data={"file": (io.BytesIO(b"[]"), "x.json")},
        content_type="multipart/form-data",
        csrf=False,
    )
    assert forged.status_code == 400 and "out of date" in forged.text


def test_the_import_page_has_a_file_section(alice: Client) -> None:
    page = alice.get("/recipes/import").text
    assert page.count("data-file-import") == 1 and page.count("<h1") == 1
    assert 'id="from-a-file"' in page and 'enctype="multipart/form-data"' in page and '<label for="file">' in page


@pytest.mark.parametrize("sample", sorted(p.name for p in EXPORTS.glob("*.zip")) if EXPORTS.exists() else [])
def test_the_shared_samples_import(app: Flask, alice: Client, sample: str) -> None:
    response = upload_file(alice, (EXPORTS / sample).read_bytes(), sample)
    assert response.status_code == 200, response.text[:3000]
    assert count(app) >= 1


def test_cli_import_file(app: Flask, alice: Client, tmp_path: Path) -> None:
    create_recipe(alice, title="Soup")
    path = tmp_path / "mine.zip"
    path.write_bytes(download(alice, "/recipes/export").data)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-file", "--user", "alice", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 0 recipes from a Recipes export file for alice (1 already there, 0 skipped)." in result.output
    assert "Already there: " in result.stderr
    (tmp_path / "junk.bin").write_bytes(b"\x00\x01junk")
    junk = runner.invoke(args=["import-file", "--user", "alice", str(tmp_path / "junk.bin")])
    assert junk.exit_code == 1 and "not an export Recipes can read" in junk.stderr
    missing = runner.invoke(args=["import-file", "--user", "alice", str(tmp_path / "nope.zip")])
    assert missing.exit_code == 1 and "could not read" in missing.stderr


def native_zip(objects: list[dict[str, Any]]) -> bytes:
    return zip_of({"recipes.json": json.dumps(objects).encode()})


def recipe_object(**fields: Any) -> dict[str, Any]:
    return {"title": "Soup", "ingredients": ["water"], "instructions": ["Boil."], **fields}


def test_lone_surrogates_in_a_file_are_dropped_not_a_500(app: Flask, alice: Client) -> None:
    data = native_zip([recipe_object(title="Soup \ud800", tags=["hot\udfff"])])
    response = upload_file(alice, data)
    assert response.status_code == 200, response.text
    with app.app_context():
        assert db.session.scalar(select(Recipe.title)) == "Soup"


def test_a_crafted_id_at_the_top_of_the_range_is_not_kept(app: Flask, alice: Client) -> None:
    response = upload_file(alice, native_zip([recipe_object(id=2**31 - 1)]))
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Recipe.id)) != 2**31 - 1
    assert create_recipe(alice, title="Next") < 1000  # room left for everyone's next recipe


def test_ids_are_kept_only_in_an_empty_library(app: Flask, alice: Client, bob: Client) -> None:
    existing = create_recipe(bob, title="Bob's")
    response = upload_file(alice, native_zip([recipe_object(id=existing + 5)]))
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(Recipe.id).where(Recipe.title == "Soup")) != existing + 5


def renamed(export: bytes, suffix: str) -> bytes:
    """The export with every title changed (so its recipes are not duplicates)."""
    source = zipfile.ZipFile(io.BytesIO(export))
    objects = json.loads(source.read("recipes.json"))
    for recipe in objects:
        recipe["title"] += suffix
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, json.dumps(objects) if name == "recipes.json" else source.read(name))
    return buffer.getvalue()


def test_pictures_past_the_time_budget_are_left_out_not_the_recipes(
    app: Flask, alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipes.importing import views

    post_recipe(alice, picture=photo(), title="Pie")
    post_recipe(alice, picture=photo(color=(1, 2, 3)), title="Tart")
    exported = download(alice, "/recipes/export").data
    monkeypatch.setattr(views, "PICTURE_BUDGET", 0.0)
    response = upload_file(alice, renamed(exported, " again"))
    assert response.status_code == 200
    assert "Imported 2 recipes" in response.text
    assert "Imported without their picture (1)" in response.text  # the first is always tried
    assert "too many pictures for one request" in response.text


def test_an_upload_over_the_file_limit_names_that_limit(alice: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from recipes.request_body import BODY_LIMIT_ATTRIBUTE

    view = alice.application.view_functions["importing.import_file_page"]
    monkeypatch.setattr(view, BODY_LIMIT_ATTRIBUTE, 1024 * 1024)
    # A raw body: the test client would spool a multipart file to a temporary file it never
    # closes when the server refuses the body unread (a real server just drops it).
    response = alice.post(
        "/recipes/import/file",
        data=b"x" * 2_000_000,
        content_type="multipart/form-data; boundary=b",
        csrf=False,
    )
    assert response.status_code == 413
    assert "send at most 1 MB" in response.text
