"""One's ratings, favourites and cooking log go into the export file and come back with an import
(for the importing account), and a backup holds them (they are tables) and restores them."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from recipes.extensions import db
from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import native
from recipes.models import CookingLogEntry, Favourite, Rating, Recipe, User
from recipes.ratings.transfer import LOG_READ_MAX, CarriedMarks, carried_marks

from . import database_fixtures as dbf
from .conftest import Client, create_recipe
from .test_backup import backup_of, restore_into
from .test_export import download
from .test_file_import import count, recipes_json, upload_file

TODAY = date.today()


def mark(client: Client, recipe_id: int, stars: str | None = None, favourite: bool = False, *days: date) -> None:
    if stars:
        assert client.post(f"/recipes/{recipe_id}/rating", data={"stars": stars}).status_code == 303
    if favourite:
        assert client.post(f"/recipes/{recipe_id}/favourite", data={"favourite": "1"}).status_code == 303
    for n, day in enumerate(days):
        form = {"date": day.isoformat(), "note": f"time {n + 1}"}
        assert client.post(f"/recipes/{recipe_id}/cooked", data=form).status_code == 303


def test_the_export_carries_ones_marks_and_cooking_log(app: Flask, alice: Client, bob: Client) -> None:
    soup = create_recipe(alice, title="Soup", visibility="public")
    plain = create_recipe(alice, title="Plain")
    mark(alice, soup, "4", True, date(2025, 3, 14), TODAY)
    mark(bob, soup, "1", True, TODAY)  # bob's marks are not alice's
    objects = recipes_json(download(alice, "/recipes/export").data)
    by_title = {o["title"]: o for o in objects}
    assert by_title["Soup"]["rating"] == 4 and by_title["Soup"]["rating_average"] == 4.0
    assert by_title["Soup"]["favourite"] is True
    assert (by_title["Soup"]["last_cooked"], by_title["Soup"]["times_cooked"]) == (TODAY.isoformat(), 2)
    assert by_title["Soup"]["cooking_log"] == [
        {"date": TODAY.isoformat(), "note": "time 2"},
        {"date": "2025-03-14", "note": "time 1"},
    ]
    assert {k: by_title["Plain"][k] for k in ("rating", "favourite", "times_cooked", "cooking_log")} == {
        "rating": None,
        "favourite": False,
        "times_cooked": 0,
        "cooking_log": [],
    }
    assert by_title["Plain"]["id"] == plain


def test_export_then_import_into_an_empty_library_keeps_the_marks_exactly(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, title="Soup")
    pie = create_recipe(alice, title="Pie")
    create_recipe(alice, title="Bread")
    mark(alice, soup, "5", True, date(2024, 1, 2), date(2024, 1, 2), TODAY - timedelta(days=3))
    mark(alice, pie, "2", False)
    first = download(alice, "/recipes/export").data
    for recipe in recipes_json(first):
        assert alice.post(f"/recipes/{recipe['id']}/delete").status_code == 302
    assert count(app, Rating) == count(app, CookingLogEntry) == count(app, Favourite) == 0  # gone with them

    response = upload_file(alice, first)
    assert response.status_code == 200 and "Imported 3 recipes" in response.text, response.text
    again = download(alice, "/recipes/export").data
    assert recipes_json(again) == recipes_json(first)
    assert count(app, CookingLogEntry) == 3
    assert "Your rating: 5 of 5" in alice.get(f"/recipes/{soup}").text  # ids kept in an empty library


def test_importing_someone_elses_export_gives_the_importer_the_marks(app: Flask, alice: Client, bob: Client) -> None:
    soup = create_recipe(alice, title="Alice's soup")
    mark(alice, soup, "3", True, date(2025, 6, 1))
    export = download(alice, "/recipes/export").data
    assert upload_file(bob, export).status_code == 200
    with app.app_context():
        bobs = db.session.scalar(select(Recipe.id).join(User).where(User.username == "bob"))
        assert bobs is not None and bobs != soup
        ids = dict(db.session.execute(select(User.username, User.id)).all())
        bob_id = ids["bob"]
        ratings = {tuple(row) for row in db.session.execute(select(Rating.user_id, Rating.recipe_id, Rating.stars))}
        assert ratings == {(ids["alice"], soup, 3), (bob_id, bobs, 3)}
        assert db.session.scalar(select(func.count()).select_from(Favourite).where(Favourite.user_id == bob_id)) == 1
        logged = db.session.execute(
            select(CookingLogEntry.recipe_id, CookingLogEntry.cooked_on, CookingLogEntry.note).where(
                CookingLogEntry.user_id == bob_id
            )
        ).all()
        assert [tuple(row) for row in logged] == [(bobs, date(2025, 6, 1), "time 1")]
    # Importing it again: a duplicate, and no second set of marks.
    assert "already have" in upload_file(bob, export).text
    assert count(app, CookingLogEntry) == 2


def native_zip(objects: list[dict[str, Any]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("recipes.json", json.dumps(objects))
    return out.getvalue()


def test_marks_a_file_cannot_mean_are_left_out_not_the_recipe(app: Flask, alice: Client) -> None:
    odd = [
        {"title": "Stars as text", "ingredients": [], "instructions": [], "rating": "5", "favourite": "yes"},
        {"title": "Too many stars", "ingredients": [], "instructions": [], "rating": 6, "favourite": 1},
        {"title": "True stars", "ingredients": [], "instructions": [], "rating": True},
        {
            "title": "Odd log",
            "ingredients": [],
            "instructions": [],
            "rating": 2,
            "cooking_log": [
                {"date": "2999-01-01", "note": "to come"},
                {"date": "1850-01-01"},
                {"date": "14/03/2025"},
                {"date": 20250314},
                "2025-03-14",
                {"note": "no day"},
                {"date": "2025-03-14T18:30:00+00:00", "note": "x" * 10_000 + "\x00"},
                {"date": "2025-03-13", "note": 12},
            ],
        },
        {"title": "Log not a list", "ingredients": [], "instructions": [], "cooking_log": {"date": "2025-03-14"}},
    ]
    response = upload_file(alice, native_zip(odd))
    assert response.status_code == 200 and "Imported 5 recipes" in response.text, response.text
    assert count(app, Favourite) == 0
    with app.app_context():
        assert db.session.execute(
            select(Recipe.title, Rating.stars).join(Rating, Rating.recipe_id == Recipe.id)
        ).all() == [("Odd log", 2)]
        logged = db.session.execute(
            select(CookingLogEntry.cooked_on, CookingLogEntry.note).order_by(CookingLogEntry.cooked_on)
        ).all()
        assert [(day, len(note)) for day, note in logged] == [(date(2025, 3, 13), 0), (date(2025, 3, 14), 500)]


def test_reading_the_marks_of_a_recipe_object() -> None:
    assert not carried_marks({})
    assert carried_marks({"rating": 5, "favourite": True}) == CarriedMarks(stars=5, favourite=True)
    long_log = {"cooking_log": [{"date": "2025-01-01"}] * (LOG_READ_MAX + 10)}
    assert len(carried_marks(long_log).cooked) == LOG_READ_MAX
    archive = open_archive(native_zip([{"title": "T", "ingredients": [], "instructions": [], "rating": 1}]))
    (parsed,) = native.read(archive).recipes
    assert parsed.marks == CarriedMarks(stars=1)
    (plain,) = native.read(open_archive(native_zip([{"title": "T", "ingredients": [], "instructions": []}]))).recipes
    assert plain.marks is None


def test_the_command_line_export_and_import_carry_them(
    app: Flask, alice: Client, runner: FlaskCliRunner, tmp_path: Path, make_user: Any
) -> None:
    soup = create_recipe(alice, title="Soup")
    mark(alice, soup, "4", True, date(2025, 3, 14))
    path = tmp_path / "export.zip"
    assert runner.invoke(args=["export", "--user", "alice", str(path)]).exit_code == 0
    make_user("dora")
    result = runner.invoke(args=["import-file", "--user", "dora", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        dora = db.session.scalar(select(User.id).where(User.username == "dora"))
        assert db.session.scalar(select(Rating.stars).where(Rating.user_id == dora)) == 4
        assert db.session.scalar(select(CookingLogEntry.cooked_on).where(CookingLogEntry.user_id == dora)) == date(
            2025, 3, 14
        )


def test_a_backup_holds_the_marks_and_a_restore_brings_them_back(app: Flask, alice: Client, bob: Client) -> None:
    soup = create_recipe(alice, title="Soup", visibility="public")
    mark(alice, soup, "5", True, date(2025, 3, 14))
    mark(bob, soup, "2", False, TODAY)
    backup = backup_of(app)
    alice.post(f"/recipes/{soup}/rating", data={"clear": "1"})
    alice.post(f"/recipes/{soup}/favourite", data={"favourite": "0"})
    bob.post(f"/recipes/{soup}/cooked", data={})
    restore_into(app, backup)
    with app.app_context():
        names = dict(db.session.execute(select(User.id, User.username)).all())
        ratings = {
            (names[u], r, s) for u, r, s in db.session.execute(select(Rating.user_id, Rating.recipe_id, Rating.stars))
        }
        assert ratings == {("alice", soup, 5), ("bob", soup, 2)}
        assert [names[u] for u in db.session.scalars(select(Favourite.user_id))] == ["alice"]
        logged = db.session.execute(
            select(CookingLogEntry.user_id, CookingLogEntry.cooked_on).order_by(CookingLogEntry.id)
        )
        assert [(names[u], day) for u, day in logged] == [("alice", date(2025, 3, 14)), ("bob", TODAY)]
        # A new "cooked it" after the restore gets a new id (PostgreSQL's counter moved past the old ones).
        dbf.release_database()
    assert alice.post(f"/recipes/{soup}/cooked", data={}).status_code in (302, 303)
    assert count(app, CookingLogEntry) == 3
