"""Hostile uploads through the real routes: polyglot pictures are re-encoded (nothing of the
payload is ever served), files that only look like pictures are refused, bombs and hostile
archives are refused whole and quickly, upload file names are never used as paths, and an
oversized request gets the site's own 413 page.

Only what other tests do not already cover: the decoder itself (polyglots, bombs, truncated
and fuzzed pictures) is tested in test_image_processing.py; the recipe form with a truncated
picture, HTML, a GIF and a PNG bomb in test_pictures.py; the API with a truncated JPEG and an
SVG in test_api.py; the archive reader (zip bombs, traversal, absolute names, symlinks,
encryption, nesting) in test_import_archive.py; a `../` archive and the file form's 413
in test_file_import.py.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from recipes.extensions import db
from recipes.models import Recipe, RecipeImage

from .archives import count_inflated, zip_of
from .conftest import Client, create_recipe
from .hostile import share_path
from .test_api import Api, make_token
from .test_file_import import upload_file
from .test_image_processing import PAYLOAD, encode, exif_description, png_with_text
from .test_image_processing import photo as gradient
from .test_import_archive import MB, raw_zip, zeros_deflated
from .test_pictures import FULL, THUMB, png_bomb, post_recipe

POLYGLOTS: dict[str, Callable[[], bytes]] = {
    "jpeg+html": lambda: encode(gradient((320, 240)), "JPEG") + PAYLOAD,
    "jpeg comment": lambda: encode(gradient((320, 240)), "JPEG", comment=PAYLOAD),
    "jpeg exif": lambda: encode(gradient((320, 240)), "JPEG", exif=exif_description(PAYLOAD)),
    "png text+html": png_with_text,
}
NOT_PICTURES: dict[str, bytes] = {
    "png magic, garbage": b"\x89PNG\r\n\x1a\n" + os.urandom(2000),
    "png magic, html": b"\x89PNG\r\n\x1a\n" + PAYLOAD,
    "jpeg magic, garbage": b"\xff\xd8\xff\xe0" + os.urandom(2000),
    "webp magic, garbage": b"RIFF\x00\x10\x00\x00WEBPVP8 " + os.urandom(2000),
    "png header only": encode(gradient((320, 240)), "PNG")[:33],
}


def pictures_stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RecipeImage)) or 0


def assert_no_payload(data: bytes, where: str) -> None:
    assert PAYLOAD not in data and b"<script" not in data and b"alert(" not in data, where


def served_bytes(app: Flask, client: Client, recipe_id: int) -> dict[str, bytes]:
    """The picture as every route serves it, and as the database keeps it."""
    page = client.get(f"/recipes/{recipe_id}").text
    full, thumb = FULL.search(page), THUMB.search(client.get("/recipes/").text)
    assert full and thumb, page
    served = {}
    for where, url in (("page picture", full[1]), ("card picture", thumb[1])):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/webp", where
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        served[where] = response.data
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    served["API picture"] = api.get(f"/recipes/{recipe_id}/image").data
    path, _ = share_path(client, recipe_id)
    shared = app.test_client().get(path).text
    shared_picture = re.search(r'<img src="(/s/[^"]+/picture/[^"]+)"', shared)
    assert shared_picture, shared
    served["shared picture"] = app.test_client().get(shared_picture[1]).data
    with app.app_context():
        row = db.session.get(RecipeImage, recipe_id)
        assert row is not None
        served["stored full"], served["stored thumb"] = row.full, row.thumb
    return served


@pytest.mark.parametrize("make", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_a_polyglot_picture_is_re_encoded_and_served_without_its_payload(
    app: Flask, alice: Client, make: Callable[[], bytes]
) -> None:
    data = make()
    assert PAYLOAD in data
    by_form = post_recipe(alice, picture=data)
    assert by_form.status_code == 302, by_form.text
    recipe_id = int(by_form.headers["Location"].rsplit("/", 1)[1])
    for where, served in served_bytes(app, alice, recipe_id).items():
        assert_no_payload(served, where)
        assert served[:4] == b"RIFF" and served[8:12] == b"WEBP", where

    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    other = create_recipe(alice, title="By the API")
    put = api.put(f"/recipes/{other}/image", data={"image": (io.BytesIO(data), "photo.html")})
    assert put.status_code == 200, put.json
    assert_no_payload(api.get(f"/recipes/{other}/image?size=full").data, "API upload")


@pytest.mark.parametrize("data", NOT_PICTURES.values(), ids=NOT_PICTURES.keys())
def test_a_file_that_only_starts_like_a_picture_is_refused(app: Flask, alice: Client, data: bytes) -> None:
    by_form = post_recipe(alice, picture=data)
    assert by_form.status_code == 400 and 'class="field-error"' in by_form.text
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    recipe_id = create_recipe(alice)
    by_api = api.put(f"/recipes/{recipe_id}/image", data={"image": (io.BytesIO(data), "x.png")})
    assert by_api.status_code == 422 and by_api.json["error"]["field"] == "image"
    assert pictures_stored(app) == 0


def test_a_png_decompression_bomb_is_refused_by_the_api_quickly(app: Flask, alice: Client) -> None:
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    recipe_id = create_recipe(alice)
    response = api.put(f"/recipes/{recipe_id}/image", data={"image": (io.BytesIO(png_bomb()), "bomb.png")})
    assert response.status_code == 422 and response.json["error"]["field"] == "image"
    # Quickly: refused on the size its header declares, not after decoding until the child
    # ran out of time ("too_complex") or memory ("too large to process").
    assert response.json["error"]["code"] == "too_many_pixels"
    assert "megapixels are accepted" in response.json["error"]["message"]
    assert pictures_stored(app) == 0


# --- archives through the import form ----------------------------------------------------------


def _symlink_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("recipes.json", "[]")
        link = zipfile.ZipInfo("images/1.webp")
        link.create_system = 3  # Unix
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


def _recipes_json(title: str = "Soup") -> bytes:
    return json.dumps([{"title": title, "ingredients": ["water"], "instructions": ["Boil."]}]).encode()


HOSTILE_ARCHIVES: dict[str, Callable[[], bytes]] = {
    "zip bomb (1 GB of zeros)": lambda: raw_zip(
        [(b"recipes.json", zipfile.ZIP_DEFLATED, zeros_deflated(1024), 0, 1024 * MB)]
    ),
    "zip bomb understating its size": lambda: raw_zip(
        [(b"recipes.json", zipfile.ZIP_DEFLATED, zeros_deflated(1024), 0, 100_000)]
    ),
    # Tandoor's export is a zip of zips, so the inner ones are opened.
    "zip of zip bombs": lambda: zip_of(
        {f"inner{n}.zip": raw_zip([(b"recipe.json", 8, zeros_deflated(64), 0, 64 * MB)]) for n in range(20)}
    ),
    "absolute name": lambda: zip_of({"recipes.json": _recipes_json(), "/etc/cron.d/evil": b"x"}),
    "windows drive name": lambda: zip_of({"recipes.json": _recipes_json(), "C:\\Windows\\evil.json": b"x"}),
    "backslash traversal": lambda: zip_of({"recipes.json": _recipes_json(), "..\\..\\evil.json": b"x"}),
    "traversal inside a folder": lambda: zip_of({"recipes.json": _recipes_json(), "images/../../evil": b"x"}),
    "symbolic link": _symlink_zip,
}


def upload_raw(client: Client, data: bytes, name: str = "export.zip") -> TestResponse:
    """The file form, its body encoded here: the test client would spool a body over 500 kB
    to a temporary file that it never closes."""
    fields = {"csrf_token": client.csrf_token(), "file": FileStorage(io.BytesIO(data), name, "file")}
    boundary, body = encode_multipart(fields)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post("/recipes/import/file", data=body, content_type=content_type, csrf=False)


def files_under(path: Path) -> set[Path]:
    return {p for p in path.rglob("*") if p.is_file()}


@pytest.mark.parametrize("make", HOSTILE_ARCHIVES.values(), ids=HOSTILE_ARCHIVES.keys())
def test_a_hostile_archive_upload_is_refused_whole_and_quickly(
    app: Flask, alice: Client, tmp_path: Path, make: Callable[[], bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = files_under(tmp_path)
    data = make()
    assert len(data) < 3 * MB
    inflated = count_inflated(monkeypatch)
    response = upload_raw(alice, data)
    assert response.status_code == 422, response.text
    assert 'class="field-error"' in response.text
    # Quickly: refused before a bomb went off (the bombs hold 1 GB, or 20 x 64 MB).
    assert sum(inflated) < 5 * MB, f"{sum(inflated) / MB:.0f} MB inflated"  # 1.1 MB at most, measured
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Recipe)) == 0
    # Nothing was unpacked anywhere: no file appeared (the database's own journal aside).
    assert {p for p in files_under(tmp_path) - before if not p.name.startswith("recipes.db")} == set()


def test_a_polyglot_picture_inside_an_export_file_is_re_encoded(app: Flask, alice: Client) -> None:
    recipe = {"title": "Soup", "ingredients": ["water"], "instructions": ["Boil."], "image_url": "images/1.webp"}
    data = zip_of({"recipes.json": json.dumps([recipe]).encode(), "images/1.webp": POLYGLOTS["jpeg+html"]()})
    response = upload_file(alice, data)
    assert response.status_code == 200 and "Imported 1 recipe" in response.text
    with app.app_context():
        (row,) = db.session.scalars(select(RecipeImage))
        assert_no_payload(row.full, "full")
        assert_no_payload(row.thumb, "thumb")


@pytest.mark.parametrize(
    "name", ["../../../secret_key", "/etc/passwd", "..\\..\\recipes.db", "x/../../gunicorn.conf.py"]
)
def test_upload_file_names_are_never_used_as_paths(app: Flask, alice: Client, tmp_path: Path, name: str) -> None:
    before = {p: p.stat().st_mtime_ns for p in files_under(tmp_path) if not p.name.startswith("recipes.db")}
    picture = encode(gradient((320, 240)), "JPEG")
    response = alice.post(
        "/recipes/new",
        data={"csrf_token": alice.csrf_token(), "title": "Soup", "picture": (io.BytesIO(picture), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    recipe_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert api.put(f"/recipes/{recipe_id}/image", data={"image": (io.BytesIO(picture), name)}).status_code == 200
    assert upload_file(alice, _recipes_json("Imported"), name).status_code == 200
    after = {p: p.stat().st_mtime_ns for p in files_under(tmp_path) if not p.name.startswith("recipes.db")}
    assert after == before
    assert pictures_stored(app) == 1


# --- oversized requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/auth/login", "/auth/register", "/recipes/new", "/recipes/import", "/auth/account/tokens"]
)
def test_an_oversized_form_gets_the_friendly_413_page(app: Flask, alice: Client, path: str) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MB
    body = b"title=" + b"x" * (MB + 1000)
    response = alice.post(path, data=body, content_type="application/x-www-form-urlencoded", csrf=False)
    assert response.status_code == 413
    page = response.text
    assert "That upload is too large: send at most 1 MB at a time." in page
    assert "pico" in page and "Log out" in page  # the site's own page, styled, with its menu
    assert "Request Entity Too Large" in page or "413" in page
    assert response.headers["Content-Security-Policy"] and response.headers["X-Content-Type-Options"] == "nosniff"


def test_an_oversized_api_request_gets_a_json_413(app: Flask, alice: Client) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    response = api.post("/recipes", data=b'{"title": "' + b"x" * 200_000 + b'"}', content_type="application/json")
    assert response.status_code == 413 and response.json["error"]["code"] == "request_entity_too_large"
