"""Recipe pictures: uploading on the form, serving with cache headers, and who may see them."""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from recipes.extensions import db
from recipes.models import Recipe, RecipeImage

from .conftest import RECIPE_FORM, Client, create_recipe

THUMB = re.compile(r'src="(/recipes/\d+/picture/([0-9a-f]{64})/thumb\.webp)"')
FULL = re.compile(r'src="(/recipes/\d+/picture/([0-9a-f]{64})/full\.webp)"')


def photo(
    size: tuple[int, int] = (1600, 1200), color: tuple[int, int, int] = (200, 90, 40), fmt: str = "JPEG"
) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> tuple[io.BytesIO, str]:
    return io.BytesIO(data), name


def post_recipe(client: Client, url: str = "/recipes/new", picture: bytes | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {**RECIPE_FORM, "csrf_token": client.csrf_token(), **fields}
    if picture is not None:
        data["picture"] = upload(picture)
    return client.post(url, data=data, content_type="multipart/form-data")


def stored_pictures(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(RecipeImage)) or 0


def test_a_picture_uploaded_with_a_new_recipe_shows_on_card_and_page(alice: Client, app: Flask) -> None:
    response = post_recipe(alice, picture=photo())
    assert response.status_code == 302, response.text
    page = alice.get(response.headers["Location"])
    full = FULL.search(page.text)
    assert full, page.text
    assert 'loading="lazy"' in page.text
    listing = alice.get("/recipes/")
    thumb = THUMB.search(listing.text)
    assert thumb and thumb[2] == full[2]
    served = alice.get(thumb[1])
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert Image.open(io.BytesIO(served.data)).size == (640, 480)
    assert stored_pictures(app) == 1


def test_a_recipe_without_a_picture_gets_a_placeholder(alice: Client) -> None:
    create_recipe(alice)
    listing = alice.get("/recipes/")
    assert "picture-placeholder" in listing.text
    assert not THUMB.search(listing.text)


def test_pictures_are_cached_by_content_address(alice: Client) -> None:
    page = alice.get(post_recipe(alice, picture=photo()).headers["Location"])
    url = FULL.search(page.text)[1]  # type: ignore[index]
    served = alice.get(url)
    # Kept, but revalidated before each use (issue 14): never immutable for a year.
    assert served.headers["Cache-Control"] == "private, no-cache"
    etag = served.headers["ETag"]
    again = alice.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_replacing_and_removing_a_picture(alice: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo(color=(10, 10, 200))).headers["Location"]
    old = FULL.search(alice.get(recipe_url).text)[1]  # type: ignore[index]
    edited = post_recipe(alice, f"{recipe_url}/edit", picture=photo(color=(10, 200, 10)))
    assert edited.status_code == 302
    new = FULL.search(alice.get(recipe_url).text)[1]  # type: ignore[index]
    assert new != old
    assert alice.get(old).status_code == 404  # the old address named the old picture
    assert stored_pictures(app) == 1
    # Saving without choosing a file keeps the picture.
    assert post_recipe(alice, f"{recipe_url}/edit").status_code == 302
    assert FULL.search(alice.get(recipe_url).text)
    removed = post_recipe(alice, f"{recipe_url}/edit", remove_picture="y")
    assert removed.status_code == 302
    assert not FULL.search(alice.get(recipe_url).text)
    assert alice.get(new).status_code == 404
    assert stored_pictures(app) == 0


def test_deleting_a_recipe_deletes_its_picture(alice: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    assert alice.post(f"{recipe_url}/delete").status_code == 302
    assert stored_pictures(app) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "not a JPEG, PNG, WebP"),
        (b"GIF89a" + b"\x00" * 100, "not a JPEG, PNG, WebP"),
        (photo()[:2000], ""),  # truncated
        (b"", ""),
    ],
    ids=["html", "gif", "truncated", "empty"],
)
def test_a_file_that_is_not_a_usable_picture_is_a_form_error(
    alice: Client, app: Flask, data: bytes, message: str
) -> None:
    response = post_recipe(alice, picture=data)
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert message in response.text
    assert "Tomato soup" in response.text  # the form keeps what was typed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Recipe)) == 0


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A valid PNG header declaring a huge image: tiny on disk, 2.7 GB as pixels."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return len(payload).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    row = b"\x00" + b"\x00" * (width * 3)
    data = zlib.compress(row * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused(alice: Client, app: Flask) -> None:
    response = post_recipe(alice, picture=png_bomb())
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert stored_pictures(app) == 0


def test_an_upload_over_the_request_limit_is_refused_clearly(alice: Client, app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    response = post_recipe(alice, picture=b"\xff\xd8" + b"\x00" * 300_000)
    assert response.status_code == 413
    assert "That upload is too large" in response.text


def test_pictures_follow_the_recipes_visibility(alice: Client, bob: Client, client: Client) -> None:
    private_url = post_recipe(alice, picture=photo()).headers["Location"]
    public_url = post_recipe(alice, picture=photo(color=(1, 2, 3)), visibility="public").headers["Location"]
    private_picture = FULL.search(alice.get(private_url).text)[1]  # type: ignore[index]
    public_picture = FULL.search(alice.get(public_url).text)[1]  # type: ignore[index]
    assert bob.get(private_picture).status_code == 404
    assert bob.get(public_picture).status_code == 200
    assert client.get(public_picture).status_code == 302  # to the login page


def test_picture_urls_that_do_not_match_are_not_found(alice: Client) -> None:
    url = FULL.search(alice.get(post_recipe(alice, picture=photo()).headers["Location"]).text)[1]  # type: ignore[index]
    base, digest, name = url.rsplit("/", 2)
    for bad in (
        f"{base}/{'0' * 64}/{name}",
        f"{base}/{digest}/huge.webp",
        f"{base}/{digest}/full.png",
        f"{base}/{digest[:10]}/full.webp",
        f"{base}/../{digest}/full.webp",
    ):
        assert alice.get(bad).status_code == 404, bad


def test_the_form_has_a_labelled_picture_field(alice: Client) -> None:
    form = alice.get("/recipes/new").text
    assert 'enctype="multipart/form-data"' in form
    assert '<label for="picture">Picture</label>' in form
    assert 'type="file"' in form and "JPEG, PNG, WebP" in form
    assert '="None"' not in form
