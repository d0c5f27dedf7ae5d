"""Restoring a backup from the browser (the admin's): pick one from the list or upload a
file, read a confirmation that says what is replaced, then the same restore as `recipes
restore`: the same checks, the same safety copy. Refusals are messages, never a 500.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (a dump there).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from recipes.backups import services
from recipes.extensions import db
from recipes.models import Recipe
from recipes.request_body import BODY_LIMIT_ATTRIBUTE

from . import database_fixtures as dbf
from .conftest import AuthActions, Client, create_recipe
from .test_backup import REFUSALS, SUFFIX, backup_of, backups_in, make_bad_file


def titles(app: Flask) -> list[str]:
    """The recipes' titles in the database, newest first."""
    with app.app_context():
        found = list(db.session.scalars(db.select(Recipe.title).order_by(Recipe.id.desc())))
        dbf.release_database()
    return found


def confirm_url(name: str) -> str:
    return f"/admin/backups/{name}/restore"


def upload(client: Client, data: bytes, filename: str = "mine" + SUFFIX, **kwargs: Any) -> Any:
    return client.post(
        "/admin/backups/restore",
        data={"csrf_token": client.csrf_token(), "backup": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_the_account_page_offers_restoring(app: Flask, alice: Client) -> None:
    alice.post("/admin/backups/")
    (info,) = backups_in(app)
    page = alice.get("/auth/account").text
    assert f'href="{confirm_url(info.name)}"' in page  # each listed backup: "Restore…"
    assert 'href="/admin/backups/restore"' in page  # or upload one
    restore_page = alice.get("/admin/backups/restore")
    assert restore_page.status_code == 200
    assert 'type="file"' in restore_page.text and 'name="backup"' in restore_page.text
    assert 'enctype="multipart/form-data"' in restore_page.text
    assert confirm_url(info.name) in restore_page.text


def test_admin_restores_a_listed_backup_after_a_confirmation(app: Flask, alice: Client) -> None:
    create_recipe(alice, title="Kept soup")
    assert alice.post("/admin/backups/").status_code == 302
    (info,) = backups_in(app)
    create_recipe(alice, title="Made after the backup")

    page = alice.get(confirm_url(info.name))
    assert page.status_code == 200
    text = page.text
    assert info.name in text
    assert "1 account, 1 recipe" in text  # what the backup holds
    assert "1 account, 2 recipes" in text  # what is here now, and is replaced
    assert "safety copy" in text
    assert "log in again" in text
    assert f'action="{confirm_url(info.name)}"' in text and "Replace everything with this backup" in text
    assert titles(app) == ["Made after the backup", "Kept soup"]  # looking changes nothing

    response = alice.post(confirm_url(info.name))
    assert response.status_code == 302
    # The backup was made while this browser was signed in: its login came back with it.
    assert response.headers["Location"].endswith("/auth/account#backups")
    assert titles(app) == ["Kept soup"]
    account = alice.get("/auth/account").text
    assert f"Restored {info.name}" in account and "1 account, 1 recipe" in account
    (safety,) = [b for b in backups_in(app) if b.kind == "before-restore"]
    assert safety.name in account  # named, not its path on the server
    assert str(safety.path) not in account
    assert "before a restore" in account


def test_a_login_the_backup_does_not_hold_must_log_in_again(app: Flask, make_user: Any) -> None:
    make_user("alice")
    path = backup_of(app)  # no login in it
    admin: Client = app.test_client()  # type: ignore[assignment]
    assert AuthActions(admin).login("alice").status_code == 302
    response = admin.post(confirm_url(path.name))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/login")
    page = admin.get("/auth/login").text
    assert f"Restored {path.name}" in page
    assert "log in again" in page
    assert admin.get("/auth/account").status_code == 302  # logged out indeed
    assert AuthActions(admin).login("alice").status_code == 302  # with the backup's password


def test_admin_uploads_a_backup_then_restores_it(app: Flask, alice: Client, tmp_path: Path) -> None:
    create_recipe(alice, title="Kept soup")
    made = backup_of(app)
    data = made.read_bytes()
    made.unlink()  # as if it came from elsewhere (another server, a download)
    create_recipe(alice, title="Made after the backup")

    response = upload(alice, data)
    assert response.status_code == 303
    (kept,) = backups_in(app)
    assert kept.kind == "uploaded" and kept.path.read_bytes() == data
    assert response.headers["Location"].endswith(confirm_url(kept.name))
    assert (kept.path.stat().st_mode & 0o777) == 0o600  # it holds password hashes
    page = alice.get(confirm_url(kept.name)).text
    assert "mine" not in kept.name and "1 account, 1 recipe" in page
    assert "uploaded" in alice.get("/auth/account").text  # listed, with why it is there

    assert alice.post(confirm_url(kept.name)).status_code == 302
    assert titles(app) == ["Kept soup"]


@pytest.mark.parametrize("kind", ["text", "damaged", "future", "foreign", "not-ours"])
def test_unusable_uploads_are_refused_with_a_message(app: Flask, alice: Client, kind: str, tmp_path: Path) -> None:
    create_recipe(alice, title="Kept soup")
    good = backup_of(app)
    bad = make_bad_file(kind, good, tmp_path)
    good.unlink()
    response = upload(alice, bad.read_bytes(), filename="their-file.db")
    assert response.status_code == 400
    text = response.text
    assert re.search(r"their-file\.db" + REFUSALS[kind].rstrip("$"), text), text[-3000:]
    assert "/.recipes-" not in text and str(tmp_path) not in text  # no path on the server
    assert 'type="file"' in text  # the form again, to choose another file
    assert backups_in(app) == []  # a refused file is not kept
    folder = Path(app.config["RECIPES_CONFIG_DIR"]) / "backups"
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # nor any temporary
    assert titles(app) == ["Kept soup"]


def test_an_upload_without_a_file_says_so(alice: Client) -> None:
    response = alice.post(
        "/admin/backups/restore", data={"csrf_token": alice.csrf_token()}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Choose a backup file" in response.text


def test_the_upload_takes_large_backups_and_says_its_cap(app: Flask, alice: Client, monkeypatch: Any) -> None:
    view = app.view_functions["backups.restore_page"]
    assert getattr(view, BODY_LIMIT_ATTRIBUTE) == 1024 * 1024 * 1024  # see the view: why 1 GB
    assert "At most 1 GB" in alice.get("/admin/backups/restore").text
    monkeypatch.setattr(view, BODY_LIMIT_ATTRIBUTE, 1000)  # (the view is shared by every app made here)
    response = upload(alice, b"x" * 5000)
    assert response.status_code == 413
    assert "too large" in response.text
    assert backups_in(app) == []


def test_a_listed_backup_that_cannot_be_restored_says_why(app: Flask, alice: Client, tmp_path: Path) -> None:
    create_recipe(alice, title="Kept soup")
    good = backup_of(app)
    damaged = make_bad_file("damaged", good, tmp_path)
    good.unlink()
    listed = good.parent / good.name  # a backup's name, a damaged file
    listed.write_bytes(damaged.read_bytes())
    page = alice.get(confirm_url(listed.name))
    assert page.status_code == 200
    assert "cannot be restored" in page.text and "damaged" in page.text
    assert "Replace everything with this backup" not in page.text
    response = alice.post(confirm_url(listed.name))
    assert response.status_code == 400 and "damaged" in response.text
    assert str(listed.parent) not in response.text
    assert [b.kind for b in backups_in(app)] == ["manual"]  # no safety copy for a refused file
    assert titles(app) == ["Kept soup"]


def test_a_failed_restore_is_a_message_not_a_crash(app: Flask, alice: Client, monkeypatch: Any) -> None:
    path = backup_of(app)

    def fail(source: Path) -> None:
        raise services.BackupError("no safety copy of the database could be made, so nothing was restored: disk full")

    monkeypatch.setattr(services, "restore_backup", fail)
    response = alice.post(confirm_url(path.name))
    assert response.status_code == 503
    assert "disk full" in response.text and "nothing was restored" in response.text


def test_restoring_is_for_admins_only_and_needs_the_form(
    app: Flask, alice: Client, bob: Client, client: Client
) -> None:
    path = backup_of(app)
    for visitor in (bob, client):
        assert visitor.get("/admin/backups/restore").status_code == 404
        assert visitor.get(confirm_url(path.name)).status_code == 404
        assert visitor.post(confirm_url(path.name)).status_code == 404
        assert upload(visitor, path.read_bytes()).status_code == 404
    assert alice.post(confirm_url(path.name), csrf=False).status_code == 400
    without_token = alice.post(
        "/admin/backups/restore",
        data={"backup": (io.BytesIO(path.read_bytes()), "mine.db")},
        content_type="multipart/form-data",
        csrf=False,
    )
    assert without_token.status_code == 400 and "Form expired" in without_token.text
    assert alice.get(confirm_url("recipes-20260101-000000-0003.db")).status_code == 404  # not listed
    assert alice.get(confirm_url("..%2Fsecret_key")).status_code == 404
    assert [b.kind for b in backups_in(app)] == ["manual"]
