"""Tags keep the case their owner typed for display ("BBQ", "Weeknight"), while matching
stays case-insensitive (one tag "bbq" per account, whatever the spelling); tag fields
suggest the account's own tags (a <datalist>, which a small script extends to the word
being typed after a comma)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from recipes.cookbook import recipe_text as text
from recipes.extensions import db
from recipes.models import Recipe, Tag, User, recipe_tag

from .conftest import Client, create_recipe


def tags_of(app: Flask, username: str) -> list[tuple[str, str]]:
    """(name, label) of the account's tags, by name."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Tag.name, Tag.label).join(User, User.id == Tag.owner_id).where(User.username == username)
        )
        return sorted((name, label) for name, label in rows)


def card_tags(page: str) -> list[str]:
    return [a.get_text() for a in BeautifulSoup(page, "html.parser").select("#results .tags a")]


@pytest.mark.parametrize(
    ("raw", "labels"),
    [
        ("Soup, vegetarian", ["Soup", "vegetarian"]),
        (" BBQ ,bbq,, quick   Dinner ", ["BBQ", "quick Dinner"]),
        ("", []),
        ("a" * 63 + " b", ["a" * 63]),
    ],
)
def test_tags_are_parsed_in_the_case_typed_without_duplicates(raw: str, labels: list[str]) -> None:
    assert text.parse_tags(raw) == labels
    assert [text.normalize_tag(label) for label in labels] == text.unique_tags(raw.split(","))


def test_a_tag_shows_as_typed_and_matches_in_any_case(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, title="Ribs", tags="BBQ, Weeknight dinners")
    assert tags_of(app, "alice") == [("bbq", "BBQ"), ("weeknight dinners", "Weeknight dinners")]

    page = BeautifulSoup(alice.get(f"/recipes/{recipe_id}").text, "html.parser")
    assert [a.get_text() for a in page.select("article.recipe header .tags a")] == ["BBQ", "Weeknight dinners"]
    for asked in ("bbq", "BBQ", "Bbq"):
        assert card_tags(alice.get(f"/recipes/?tag={asked}").text) == ["BBQ", "Weeknight dinners"], asked
    assert card_tags(alice.get("/recipes/?q=bbq").text) == ["BBQ", "Weeknight dinners"]
    cloud = alice.get("/recipes/tags").text
    assert re.search(r">BBQ</a> <small>1</small>", cloud)
    # The edit form gives them back as typed.
    form = BeautifulSoup(alice.get(f"/recipes/{recipe_id}/edit").text, "html.parser")
    tags_field = form.select_one("input[name='tags']")
    assert tags_field is not None and tags_field["value"] == "BBQ, Weeknight dinners"


def test_the_same_tag_in_another_case_is_the_same_tag_shown_as_last_typed(app: Flask, alice: Client) -> None:
    create_recipe(alice, title="Ribs", tags="bbq")
    create_recipe(alice, title="Wings", tags="BBQ")
    assert tags_of(app, "alice") == [("bbq", "BBQ")]
    # Every recipe with it shows the new spelling.
    assert card_tags(alice.get("/recipes/").text) == ["BBQ", "BBQ"]


def test_the_api_gives_and_takes_tags_as_typed(app: Flask, make_user: Any) -> None:
    from .test_api import Api, make_token

    make_user("alice")
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    created = api.post("/recipes", json={"title": "Ribs", "tags": ["BBQ", "bbq", "Summer"]})
    assert created.status_code == 201, created.json
    assert created.json["tags"] == ["BBQ", "Summer"]
    assert [r["title"] for r in api.get("/recipes", query_string={"tag": "summer"}).json["items"]] == ["Ribs"]
    assert api.get("/tags").json["items"] == [{"name": "BBQ", "count": 1}, {"name": "Summer", "count": 1}]


def test_imports_keep_the_spelling_of_a_tag_the_account_has(app: Flask, make_user: Any) -> None:
    from recipes.cookbook.bulk import add_recipes
    from recipes.cookbook.services import RecipeData

    make_user("cook")
    with app.app_context():
        cook = db.session.execute(db.select(User).filter_by(username="cook")).scalar_one()
        add_recipes(cook, [RecipeData(title="A", tags=["Soup", "soup", "Winter"])])
        add_recipes(cook, [RecipeData(title="B", tags=["soup", "Leeks"])])
    assert tags_of(app, "cook") == [("leeks", "Leeks"), ("soup", "Soup"), ("winter", "Winter")]


def test_our_own_export_keeps_the_tags_case(app: Flask, alice: Client, bob: Client) -> None:
    from .test_export import download
    from .test_file_import import recipes_json, upload_file

    create_recipe(alice, title="Ribs", tags="BBQ, Summer")
    exported = download(alice, "/recipes/export").data
    assert recipes_json(exported)[0]["tags"] == ["BBQ", "Summer"]
    assert upload_file(bob, exported).status_code == 200
    assert tags_of(app, "bob") == [("bbq", "BBQ"), ("summer", "Summer")]


def test_a_share_page_shows_tags_as_typed(alice: Client, client: Client) -> None:
    recipe_id = create_recipe(alice, title="Ribs", tags="BBQ")
    created = alice.get(alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"}).headers["Location"])
    path = re.search(r'value="http://localhost(/s/[^"]+)"', created.text)
    assert path is not None
    page = BeautifulSoup(client.get(path[1]).text, "html.parser")
    assert [t.get_text() for t in page.select(".tags span")] == ["BBQ"]


# --- suggestions ------------------------------------------------------------------------------------


def suggestions(page: str, field: str) -> list[str]:
    soup = BeautifulSoup(page, "html.parser")
    field_input = soup.select_one(f"input[name='{field}']")
    assert field_input is not None and field_input.get("list"), field_input
    datalist = soup.select_one(f"datalist#{field_input['list']}")
    assert datalist is not None
    return [str(option["value"]) for option in datalist.select("option")]


def test_tag_fields_suggest_the_accounts_own_tags(alice: Client, bob: Client) -> None:
    create_recipe(alice, title="Ribs", tags="BBQ, Summer")
    create_recipe(alice, title="Salad", tags="summer, Quick")
    create_recipe(bob, title="Bob's", tags="secret of bob", visibility="public")
    assert suggestions(alice.get("/recipes/new").text, "tags") == ["BBQ", "Quick", "summer"]
    assert suggestions(alice.get("/recipes/").text, "tag") == ["BBQ", "Quick", "summer"]
    assert suggestions(bob.get("/recipes/new").text, "tags") == ["secret of bob"]


def test_the_suggestion_script_is_served_and_optional(alice: Client) -> None:
    page = alice.get("/recipes/new").text
    assert '<script src="/static/tags.js" defer></script>' in page
    script = alice.get("/static/tags.js")
    assert script.status_code == 200 and b"data-tag-suggest" in script.data
    script.close()
    field = BeautifulSoup(page, "html.parser").select_one("input[name='tags']")
    assert field is not None and field.has_attr("data-tag-suggest")


def test_a_deleted_recipes_last_tags_are_no_longer_suggested(alice: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice, title="Ribs", tags="BBQ")
    create_recipe(alice, title="Salad", tags="Summer")
    assert alice.post(f"/recipes/{recipe_id}/delete").status_code == 302
    assert suggestions(alice.get("/recipes/new").text, "tags") == ["Summer"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Recipe)) == 1


def test_a_tag_written_without_a_label_shows_its_name(app: Flask, alice: Client) -> None:
    # Rows written by other means (an older backup's rows, a script's SQL) may have no label.
    recipe_id = create_recipe(alice, title="Ribs", tags="BBQ")
    with app.app_context():
        owner = db.session.execute(db.select(Recipe.owner_id).filter_by(id=recipe_id)).scalar_one()
        db.session.execute(db.insert(Tag).values(owner_id=owner, name="smoky"))
        tag_id = db.session.execute(db.select(Tag.id).filter_by(name="smoky")).scalar_one()
        db.session.execute(db.insert(recipe_tag).values(recipe_id=recipe_id, tag_id=tag_id))
        db.session.commit()
    page = BeautifulSoup(alice.get(f"/recipes/{recipe_id}").text, "html.parser")
    assert [a.get_text() for a in page.select("article.recipe header .tags a")] == ["BBQ", "smoky"]
    assert suggestions(alice.get("/recipes/new").text, "tags") == ["BBQ", "smoky"]
