"""A picture chosen on a recipe form that comes back with an error is kept for the next
submit (issue 15, item 4): not chosen again, not lost, only for the login that chose it."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, update

from recipes.extensions import db
from recipes.models import PendingPicture, Recipe, RecipeImage

from .conftest import Client
from .test_pictures import FULL, photo, post_recipe

KEPT = re.compile(r'name="kept_picture" type="hidden" value="([^"]*)"')
PREVIEW = re.compile(r'src="(/recipes/kept-pictures/[^"]+)"')


def kept_key(page: str) -> str:
    match = KEPT.search(page)
    assert match, page
    return match[1]


def kept_rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PendingPicture)) or 0


def recipe_pictures(app: Flask) -> list[str | None]:
    with app.app_context():
        return list(db.session.scalars(select(Recipe.image_digest).order_by(Recipe.id)))


def resubmit(client: Client, url: str, key: str, **fields: Any) -> Any:
    """The next submit of the form: no file chosen (a file field always comes back empty)."""
    return post_recipe(client, url, kept_picture=key, **fields)


def test_a_picture_chosen_with_a_form_error_is_kept_for_the_next_submit(alice: Client, app: Flask) -> None:
    refused = post_recipe(alice, picture=photo(color=(10, 200, 10)), title="")
    assert refused.status_code == 400
    assert "A recipe needs a title." in refused.text
    page = " ".join(html.unescape(refused.text).split())
    assert "“photo.jpg” is kept: it will be saved with the recipe, no need to choose it again." in page
    key = kept_key(refused.text)
    assert key and kept_rows(app) == 1
    # Its preview, for the form.
    preview = PREVIEW.search(refused.text)
    assert preview, refused.text
    shown = alice.get(preview[1])
    assert shown.status_code == 200 and shown.mimetype == "image/webp"
    assert shown.headers["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(shown.data)).width <= 800

    saved = resubmit(alice, "/recipes/new", key)
    assert saved.status_code == 302, saved.text
    [digest] = recipe_pictures(app)
    assert digest is not None
    page = alice.get(saved.headers["Location"]).text
    full = FULL.search(page)
    assert full, page
    served = Image.open(io.BytesIO(alice.get(full[1]).data)).convert("RGB")
    assert served.getpixel((5, 5))[1] > 150  # the green one that was chosen
    assert kept_rows(app) == 0  # used: not kept any longer
    assert alice.get(preview[1]).status_code == 404


def test_an_edit_that_comes_back_keeps_its_new_picture(alice: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo(color=(200, 10, 10))).headers["Location"]
    [before] = recipe_pictures(app)
    refused = post_recipe(alice, f"{recipe_url}/edit", picture=photo(color=(10, 10, 200)), prep_time="-5")
    assert refused.status_code == 400
    assert "is kept: it will be saved with the recipe" in refused.text
    assert recipe_pictures(app) == [before]  # nothing saved yet
    saved = resubmit(alice, f"{recipe_url}/edit", kept_key(refused.text))
    assert saved.status_code == 302
    [after] = recipe_pictures(app)
    assert after not in (None, before)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecipeImage)) == 1
    assert kept_rows(app) == 0


def test_a_kept_picture_is_offered_again_until_the_form_is_right(alice: Client, app: Flask) -> None:
    first = post_recipe(alice, picture=photo(), title="")
    key = kept_key(first.text)
    second = resubmit(alice, "/recipes/new", key, title="", prep_time="x")
    assert second.status_code == 400
    assert kept_key(second.text) == key and "is kept: it will be saved with the recipe" in second.text
    assert kept_rows(app) == 1
    assert resubmit(alice, "/recipes/new", key).status_code == 302
    assert recipe_pictures(app)[0] is not None


def test_do_not_use_this_picture(alice: Client, app: Flask) -> None:
    key = kept_key(post_recipe(alice, picture=photo(), title="").text)
    saved = resubmit(alice, "/recipes/new", key, discard_kept_picture="y")
    assert saved.status_code == 302
    assert recipe_pictures(app) == [None]
    assert kept_rows(app) == 0
    # Asked for while the form still has an error: let go of at once, and not offered again.
    key = kept_key(post_recipe(alice, picture=photo(), title="").text)
    again = resubmit(alice, "/recipes/new", key, discard_kept_picture="y", title="")
    assert again.status_code == 400
    assert "is kept: it will be saved with the recipe" not in again.text and kept_key(again.text) == ""
    assert kept_rows(app) == 0


def test_a_new_file_replaces_the_kept_one(alice: Client, app: Flask) -> None:
    key = kept_key(post_recipe(alice, picture=photo(color=(200, 10, 10)), title="").text)
    again = post_recipe(alice, picture=photo(color=(10, 200, 10)), kept_picture=key, title="")
    new_key = kept_key(again.text)
    assert new_key != key
    assert kept_rows(app) == 1  # the replaced one is gone
    assert resubmit(alice, "/recipes/new", new_key).status_code == 302
    page = alice.get("/recipes/").text
    assert "picture-placeholder" not in page


def test_a_refused_file_keeps_the_earlier_picture_on_offer(alice: Client, app: Flask) -> None:
    key = kept_key(post_recipe(alice, picture=photo(), title="").text)
    refused = post_recipe(alice, picture=b"<html>not a photo</html>", kept_picture=key)
    assert refused.status_code == 400
    assert "not a JPEG, PNG, WebP" in refused.text
    assert kept_key(refused.text) == key and "is kept: it will be saved with the recipe" in refused.text
    assert recipe_pictures(app) == []


def test_another_logins_key_finds_nothing(alice: Client, bob: Client, app: Flask) -> None:
    refused = post_recipe(alice, picture=photo(), title="")
    key = kept_key(refused.text)
    preview = PREVIEW.search(refused.text)
    assert preview
    assert bob.get(preview[1]).status_code == 404
    stolen = resubmit(bob, "/recipes/new", key)
    assert stolen.status_code == 400
    assert "is no longer kept" in html.unescape(stolen.text)
    assert recipe_pictures(app) == []
    assert kept_rows(app) == 1  # still alice's
    assert resubmit(alice, "/recipes/new", key).status_code == 302


@pytest.mark.parametrize(
    "key",
    ["../../../etc/passwd", "/tmp/photo.jpg", "x" * 500, "abc", "picture%00", "\u00e9t\u00e9"],
    ids=["traversal", "path", "long", "unknown", "nul", "unicode"],
)
def test_a_made_up_key_is_a_clear_form_error(alice: Client, app: Flask, key: str) -> None:
    response = resubmit(alice, "/recipes/new", key)
    assert response.status_code == 400
    assert "is no longer kept" in html.unescape(response.text)
    assert recipe_pictures(app) == []
    assert alice.get(f"/recipes/kept-pictures/{key}").status_code == 404


def test_a_picture_kept_too_long_must_be_chosen_again(alice: Client, app: Flask) -> None:
    key = kept_key(post_recipe(alice, picture=photo(), title="").text)
    with app.app_context():
        db.session.execute(update(PendingPicture).values(created_at=PendingPicture.created_at - timedelta(days=2)))
        db.session.commit()
    response = resubmit(alice, "/recipes/new", key)
    assert response.status_code == 400
    assert "choose it again" in response.text
    assert kept_key(response.text) == ""
    # The next picture kept sweeps the old one away.
    post_recipe(alice, picture=photo(), title="")
    assert kept_rows(app) == 1


def test_kept_pictures_go_with_their_login(alice: Client, app: Flask) -> None:
    post_recipe(alice, picture=photo(), title="")
    assert kept_rows(app) == 1
    alice.post("/auth/logout")
    assert kept_rows(app) == 0


def test_one_login_keeps_a_few_at_most(alice: Client, app: Flask) -> None:
    from recipes.images.pending import KEEP_AT_MOST

    for n in range(KEEP_AT_MOST + 2):
        post_recipe(alice, picture=photo(color=(n, n, n)), title="")
    assert kept_rows(app) == KEEP_AT_MOST


def test_kept_pictures_and_import_results_stay_out_of_backups(app: Flask) -> None:
    from recipes.backups.create import left_out_tables

    with app.app_context():
        assert {"pending_picture", "import_result"} <= left_out_tables()


def test_the_form_without_a_picture_shows_no_kept_note(alice: Client) -> None:
    refused = post_recipe(alice, title="")
    assert refused.status_code == 400
    assert "is kept: it will be saved with the recipe" not in refused.text
    assert kept_key(refused.text) == ""


def test_the_recipe_forms_boxes_grow_and_help_keeps_its_distance(alice: Client) -> None:
    page = alice.get("/recipes/new").text
    for name, rows in (("ingredients", 8), ("instructions", 8), ("description", 2), ("notes", 3)):
        box = re.search(rf"<textarea[^>]*name=\"{name}\"[^>]*>", page)
        assert box, name
        assert 'class="grows' in box[0] and f'rows="{rows}"' in box[0], box[0]
    assert '<small class="field-help" id="ingredients-help">' in page
    assert "grow.js" in page
