import re

import pytest
from flask import Flask

from recipes.extensions import db
from recipes.models import Recipe, Tag

from .conftest import RECIPE_FORM, create_recipe


def load(app: Flask, recipe_id: int) -> Recipe | None:
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        if recipe is not None:
            _ = recipe.tags
            db.session.expunge(recipe)
        return recipe


# --- create and view -----------------------------------------------------------------


def test_recipe_pages_need_login(client, make_user):
    make_user("alice")
    for url in ("/recipes/", "/recipes/new", "/recipes/1", "/recipes/1/edit", "/recipes/1/delete"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/auth/login?next="), url


def test_new_recipe_form_has_a_label_for_every_field(alice):
    page = alice.get("/recipes/new").text
    for name in RECIPE_FORM:
        assert f'name="{name}"' in page, name
        if name != "visibility":
            assert f'<label for="{name}">' in page, name
    assert "<legend>Who can see it</legend>" in page


def test_create_and_view_recipe(app, alice):
    recipe_id = create_recipe(alice)
    recipe = load(app, recipe_id)
    assert recipe.title == "Tomato soup"
    assert recipe.ingredients == ["Soup:", "1 kg tomatoes", "1 onion", "To serve:", "basil"]
    assert recipe.instructions == ["Chop the onion.", "Cook the tomatoes.", "Blend."]
    assert (recipe.prep_time, recipe.cook_time, recipe.total_time, recipe.total_minutes) == (10, 30, None, 40)
    assert [t.name for t in recipe.tags] == ["soup", "vegetarian"]
    assert not recipe.is_public

    page = alice.get(f"/recipes/{recipe_id}").text
    assert "<h1>Tomato soup</h1>" in page
    assert '<li class="section">Soup</li>' in page
    assert "<li>1 kg tomatoes</li>" in page
    assert page.index("Chop the onion.") < page.index("Cook the tomatoes.") < page.index("Blend.")
    assert "Prep 10 min · Cook 30 min · Total 40 min" in page
    assert 'href="https://example.org/soup"' in page
    assert "Freezes well." in page


def test_titles_need_not_be_unique(app, alice):
    first = create_recipe(alice)
    second = create_recipe(alice)
    assert first != second


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "A recipe needs a title."),
        ({"title": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"prep_time": "-5"}, "Give the time in minutes"),
        ({"cook_time": "soon"}, "Not a valid integer value."),
        ({"source_url": "javascript:alert(1)"}, "The source must be an http:// or https:// address."),
        ({"source_url": "ftp://example.org/x"}, "The source must be an http:// or https:// address."),
        ({"visibility": "everyone"}, "Not a valid choice."),
    ],
)
def test_create_validation_errors_keep_the_input(app, alice, fields, message):
    response = alice.post("/recipes/new", data={**RECIPE_FORM, **fields})
    assert response.status_code == 400
    assert message in response.text
    assert "1 kg tomatoes" in response.text  # what was typed is still in the form
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Recipe)) == 0


def test_recipe_text_is_escaped(app, alice):
    recipe_id = create_recipe(alice, title="<script>alert(1)</script>", ingredients="<b>bold</b>", notes="{{7*7}}")
    page = alice.get(f"/recipes/{recipe_id}").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert '<p class="pre-line">{{7*7}}</p>' in page


def test_given_total_time_wins(app, alice):
    recipe_id = create_recipe(alice, total_time="90")
    assert load(app, recipe_id).total_minutes == 90
    assert "Total 1 h 30 min" in alice.get(f"/recipes/{recipe_id}").text


# --- edit ------------------------------------------------------------------------------


def test_edit_form_is_filled_with_the_recipe(alice):
    recipe_id = create_recipe(alice)
    page = alice.get(f"/recipes/{recipe_id}/edit").text
    assert 'value="Tomato soup"' in page
    assert "Chop the onion.\n\nCook the tomatoes.\n\nBlend." in page
    assert 'value="Soup, vegetarian"' in page  # the tags as typed


def test_edit_saves_changes_when_the_title_is_unchanged(app, alice):
    recipe_id = create_recipe(alice)
    response = alice.post(
        f"/recipes/{recipe_id}/edit",
        data={
            **RECIPE_FORM,
            "ingredients": "2 kg tomatoes",
            "tags": "soup, winter",
            "visibility": "public",
            "cook_time": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/recipes/{recipe_id}"
    recipe = load(app, recipe_id)
    assert recipe.title == "Tomato soup"
    assert recipe.ingredients == ["2 kg tomatoes"]
    assert recipe.cook_time is None and recipe.notes == ""
    assert recipe.is_public
    assert [t.name for t in recipe.tags] == ["soup", "winter"]
    with app.app_context():  # "vegetarian" was used by no recipe any more
        assert sorted(db.session.scalars(db.select(Tag.name))) == ["soup", "winter"]


def test_edit_validation_error_changes_nothing(app, alice):
    recipe_id = create_recipe(alice)
    response = alice.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, "title": "", "notes": "changed"})
    assert response.status_code == 400
    assert load(app, recipe_id).notes == "Freezes well."


def test_edit_updates_updated_at(app, alice):
    recipe_id = create_recipe(alice)
    before = load(app, recipe_id).updated_at
    alice.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, "notes": "changed"})
    assert load(app, recipe_id).updated_at > before


# --- delete ------------------------------------------------------------------------------


def test_delete_asks_first_then_deletes_on_post(app, alice):
    recipe_id = create_recipe(alice)
    page = alice.get(f"/recipes/{recipe_id}/delete")
    assert page.status_code == 200
    assert "Delete “Tomato soup”?" in page.text
    assert load(app, recipe_id) is not None
    response = alice.post(f"/recipes/{recipe_id}/delete")
    assert response.status_code == 302
    assert load(app, recipe_id) is None
    assert alice.get(f"/recipes/{recipe_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 0


def test_delete_without_csrf_token_is_refused(app, alice):
    recipe_id = create_recipe(alice)
    assert alice.post(f"/recipes/{recipe_id}/delete", csrf=False).status_code == 400
    assert load(app, recipe_id) is not None


def test_missing_recipe_is_404(alice):
    for url in ("/recipes/999", "/recipes/999/edit", "/recipes/999/delete"):
        assert alice.get(url).status_code == 404
    assert alice.post("/recipes/999/delete").status_code == 404


# --- two users -----------------------------------------------------------------------


def test_private_recipes_are_404_for_everyone_else(app, alice, bob):
    recipe_id = create_recipe(alice, title="Alice's secret stew")
    for url in (f"/recipes/{recipe_id}", f"/recipes/{recipe_id}/edit", f"/recipes/{recipe_id}/delete"):
        assert bob.get(url).status_code == 404, url
    assert bob.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, "title": "Bob's now"}).status_code == 404
    assert bob.post(f"/recipes/{recipe_id}/delete").status_code == 404
    assert "secret stew" not in bob.get("/recipes/").text
    assert "secret stew" not in bob.get("/recipes/?q=secret").text
    assert '<option value="soup"' not in bob.get("/recipes/").text  # not even Alice's tags
    assert "secret stew" not in bob.get("/recipes/?tag=soup").text
    recipe = load(app, recipe_id)
    assert recipe is not None and recipe.title == "Alice's secret stew"


def test_public_recipes_are_visible_but_not_editable_by_others(app, alice, bob):
    recipe_id = create_recipe(alice, title="Shared pie", visibility="public")
    assert bob.get(f"/recipes/{recipe_id}").status_code == 200
    assert "by alice" in bob.get(f"/recipes/{recipe_id}").text
    assert "Shared pie" in bob.get("/recipes/").text
    assert f"/recipes/{recipe_id}/edit" not in bob.get(f"/recipes/{recipe_id}").text
    assert bob.get(f"/recipes/{recipe_id}/edit").status_code == 404
    assert bob.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, "title": "Mine"}).status_code == 404
    assert bob.post(f"/recipes/{recipe_id}/delete").status_code == 404
    assert load(app, recipe_id).title == "Shared pie"


def test_owner_field_cannot_be_set_from_the_form(app, alice, bob):
    recipe_id = create_recipe(bob, owner_id="1", is_public="1")
    recipe = load(app, recipe_id)
    with app.app_context():
        from recipes.models import User

        bob_id = db.session.scalar(db.select(User.id).where(User.username == "bob"))
    assert recipe.owner_id == bob_id
    assert not recipe.is_public


def test_tags_are_per_user(app, alice, bob):
    create_recipe(alice, tags="dinner")
    create_recipe(bob, tags="dinner")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tag).where(Tag.name == "dinner")) == 2


# --- list ------------------------------------------------------------------------------


def titles_on(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/recipes/\d+">([^<]*)</a></h3>', page)


def test_list_newest_first_with_pagination(app, alice):
    app.config["RECIPES_PER_PAGE"] = 3
    for n in range(7):
        create_recipe(alice, title=f"Recipe {n}")
    first = alice.get("/recipes/").text
    assert titles_on(first) == ["Recipe 6", "Recipe 5", "Recipe 4"]
    assert "Page 1 of 3" in first and "7 recipes" in first
    assert titles_on(alice.get("/recipes/?page=3").text) == ["Recipe 0"]


@pytest.mark.parametrize("page", ["0", "-4", "abc", "99999999999999999999", "1000"])
def test_odd_page_numbers_do_not_fail(alice, page):
    create_recipe(alice)
    assert alice.get(f"/recipes/?page={page}").status_code == 200


def test_list_24_per_page_by_default(alice):
    for n in range(25):
        create_recipe(alice, title=f"R{n}")
    page = alice.get("/recipes/").text
    assert len(titles_on(page)) == 24
    assert "Page 1 of 2" in page


def test_cards_show_title_tags_and_times(alice):
    create_recipe(alice)
    page = alice.get("/recipes/").text
    assert titles_on(page) == ["Tomato soup"]
    assert '<a href="/recipes/?tag=Soup">Soup</a>' in page  # the tag as typed
    assert "Prep 10 min · Cook 30 min · Total 40 min" in page


def test_page_past_the_end_is_not_an_empty_library(alice):
    create_recipe(alice)
    page = alice.get("/recipes/?page=50").text
    assert "No recipes yet." not in page
    assert "Nothing on this page." in page


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("suffix", ["", "/edit", "/delete"])
def test_huge_recipe_ids_are_404(alice, method, suffix):
    response = getattr(alice, method)(f"/recipes/{2**63}{suffix}")
    assert response.status_code == 404 if method == "get" or suffix else response.status_code in (404, 405)


@pytest.mark.parametrize("field", ["title", "tags", "ingredients", "source_url", "notes"])
def test_a_file_posted_into_a_text_field_is_ignored(app, alice, field):
    import io

    data = {**RECIPE_FORM, "csrf_token": alice.csrf_token(), field: (io.BytesIO(b"file body"), "x.txt")}
    response = alice.post("/recipes/new", data=data, content_type="multipart/form-data")
    assert response.status_code in (302, 400)
    with app.app_context():
        assert all(b"file body" not in repr(vars(r)).encode() for r in db.session.scalars(db.select(Recipe)))


def test_control_characters_are_dropped_from_recipe_text(app, alice):
    recipe_id = create_recipe(alice, title="Nul\x00 soup\x07", ingredients="1 egg\x00\n\x1b2 eggs", tags="a\x00b")
    recipe = load(app, recipe_id)
    assert recipe.title == "Nul soup"
    assert recipe.ingredients == ["1 egg", "2 eggs"]
    assert [t.name for t in recipe.tags] == ["ab"]


def test_tag_only_edit_updates_updated_at(app, alice):
    recipe_id = create_recipe(alice)
    before = load(app, recipe_id).updated_at
    alice.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, "tags": "soup, vegetarian, winter"})
    assert load(app, recipe_id).updated_at > before


def test_empty_list_invites_the_first_recipe(alice):
    page = alice.get("/recipes/").text
    assert "No recipes yet." in page
    assert 'href="/recipes/new"' in page


def test_new_tag_created_concurrently_is_reused_not_an_error(app, alice, monkeypatch):
    """Two saves racing to create the same new tag: the loser retries and reuses it."""
    from recipes.cookbook import services

    original = services._tags_for
    calls = {"n": 0}

    def racing_tags_for(owner, names):
        calls["n"] += 1
        if calls["n"] == 1:
            # As if another request had inserted the tag between our lookup and our insert.
            db.session.execute(db.insert(Tag).values(owner_id=owner.id, name="racy"))
            return [Tag(owner_id=owner.id, name="racy")]
        return original(owner, names)

    monkeypatch.setattr(services, "_tags_for", racing_tags_for)
    recipe_id = create_recipe(alice, tags="racy")
    assert calls["n"] == 2
    assert [t.name for t in load(app, recipe_id).tags] == ["racy"]
