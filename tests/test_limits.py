"""One set of field limits (recipes/cookbook/limits.py), the same refusal on every path.

The same over-long or out-of-range value sent through the recipe form and through the API
is refused with the same message, and nothing is saved; a value at the limit is taken by
both. The file importer and the services' `validate` apply the same rules.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from recipes.cookbook import limits
from recipes.cookbook.services import RecipeData, RecipeInvalid, fit, validate
from recipes.extensions import db
from recipes.models import Recipe

from .conftest import RECIPE_FORM
from .test_api import Api, make_token

LINE = "1 onion, chopped"

# (form fields, API fields, the one message both give)
OVER_THE_LIMIT = {
    "title": ({"title": "x" * 201}, {"title": "x" * 201}, limits.too_long(limits.TITLE_MAX)),
    "description": (
        {"description": "x" * 20_001},
        {"description": "x" * 20_001},
        limits.too_long(limits.DESCRIPTION_MAX),
    ),
    "servings": ({"servings": "4" * 101}, {"servings": "4" * 101}, limits.too_long(limits.SERVINGS_MAX)),
    "source_url": (
        {"source_url": "https://example.org/" + "a" * 2049},
        {"source_url": "https://example.org/" + "a" * 2049},
        limits.too_long(limits.SOURCE_URL_MAX),
    ),
    "notes": ({"notes": "x" * 50_001}, {"notes": "x" * 50_001}, limits.too_long(limits.NOTES_MAX)),
    "prep_time": ({"prep_time": "100001"}, {"prep_time": 100_001}, limits.MINUTES_RANGE),
    "too many ingredient lines": (
        {"ingredients": "\n".join([LINE] * 2001)},
        {"ingredients": [LINE] * 2001},
        limits.TOO_MANY_INGREDIENTS,
    ),
    "ingredients in all": (
        {"ingredients": "\n".join(["x" * 1000] * 51)},
        {"ingredients": ["x" * 1000] * 51},
        limits.too_long_in_all("The ingredients", limits.INGREDIENTS_TEXT_MAX),
    ),
    "instructions in all": (
        {"instructions": "\n\n".join(["x" * 10_000] * 11)},
        {"instructions": ["x" * 10_000] * 11},
        limits.too_long_in_all("The instructions", limits.INSTRUCTIONS_TEXT_MAX),
    ),
    "too many steps": (
        {"instructions": "\n".join(["Stir."] * 501)},
        {"instructions": ["Stir."] * 501},
        limits.TOO_MANY_STEPS,
    ),
    "too many tags": (
        {"tags": ", ".join(f"tag {n}" for n in range(51))},
        {"tags": [f"tag {n}" for n in range(51)]},
        limits.TOO_MANY_TAGS,
    ),
}


@pytest.fixture
def alice_api(app: Flask, alice: Any) -> Api:
    """The same account as `alice` (the form's), through the API with a token."""
    return Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]


def _count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Recipe)) or 0)


@pytest.mark.parametrize("case", OVER_THE_LIMIT)
def test_the_form_and_the_api_refuse_the_same_value_alike(app: Flask, alice: Any, alice_api: Api, case: str) -> None:
    form_fields, api_fields, message = OVER_THE_LIMIT[case]

    page = alice.post("/recipes/new", data={**RECIPE_FORM, **form_fields})
    assert page.status_code == 400
    assert html.escape(message) in page.text

    answer = alice_api.post("/recipes", json={"title": "Soup", **api_fields})
    assert answer.status_code == 422, answer.json
    error = answer.json["error"]
    assert error["code"] == "invalid"
    assert message in json.dumps(error["fields"]), error
    assert _count(app) == 0


AT_THE_LIMIT = {
    "title": ({"title": "x" * 200}, {"title": "x" * 200}),
    "notes": ({"notes": "x" * 50_000}, {"notes": "x" * 50_000}),
    "ingredients": ({"ingredients": "\n".join(["x" * 1000] * 50)}, {"ingredients": ["x" * 1000] * 50}),
    "tags": ({"tags": ", ".join(f"tag {n}" for n in range(50))}, {"tags": [f"tag {n}" for n in range(50)]}),
    "prep_time": ({"prep_time": "100000"}, {"prep_time": 100_000}),
}


@pytest.mark.parametrize("case", AT_THE_LIMIT)
def test_a_value_at_the_limit_is_taken_by_both(app: Flask, alice: Any, alice_api: Api, case: str) -> None:
    form_fields, api_fields = AT_THE_LIMIT[case]
    assert alice.post("/recipes/new", data={**RECIPE_FORM, **form_fields}).status_code == 302
    created = alice_api.post("/recipes", json={"title": "Soup", **api_fields})
    assert created.status_code == 201, created.json
    # What the API saved, the form saves again unchanged (its edit page round-trips it).
    recipe_id = created.json["id"]
    edit = alice.get(f"/recipes/{recipe_id}/edit")
    assert edit.status_code == 200
    assert _count(app) == 2


def test_a_recipe_saved_through_the_api_saves_again_through_the_form(alice: Any, alice_api: Api) -> None:
    full = {
        "title": "x" * 200,
        "ingredients": ["y" * 2000] * 25,
        "instructions": ["z" * 10_000] * 10,
        "tags": ["t" * 64],
        "servings": "s" * 100,
        "description": "d" * 20_000,
    }
    recipe_id = alice_api.post("/recipes", json=full).json["id"]
    form = {
        **RECIPE_FORM,
        "title": full["title"],
        "ingredients": "\r\n".join(full["ingredients"]),  # as a browser sends the box back
        "instructions": "\r\n\r\n".join(full["instructions"]),
        "tags": ", ".join(full["tags"]),
        "servings": full["servings"],
        "description": full["description"],
    }
    assert alice.post(f"/recipes/{recipe_id}/edit", data=form).status_code == 302
    assert alice_api.get(f"/recipes/{recipe_id}").json["ingredients"] == full["ingredients"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (RecipeData(title="Soup", ingredients=["x" * 2001]), "ingredients"),
        (RecipeData(title="Soup", tags=["t" * 65]), "tags"),
        (RecipeData(title="Soup", nutrition={f"fact {n}": "1 g" for n in range(41)}), "nutrition"),
        (RecipeData(title="Soup", nutrition={"calories": "9" * 121}), "nutrition"),
        (RecipeData(title="Soup", nutrition={"c" * 61: "1"}), "nutrition"),
        (RecipeData(title="Soup", total_time=-1), "total_time"),
        (RecipeData(title="   "), "title"),
    ],
)
def test_validate_enforces_every_limit(data: RecipeData, field: str) -> None:
    with pytest.raises(RecipeInvalid) as refused:
        validate(data)
    assert refused.value.field == field


def test_fit_cuts_short_texts_and_keeps_lists_whole() -> None:
    fitted = fit(
        RecipeData(
            title="T" * 300,
            description="d" * 30_000,
            servings="4" * 200,
            source_url="https://example.org/" + "a" * 3000,
            prep_time=10**9,
            tags=["tag"] * 3 + [f"t{n}" for n in range(80)],
            nutrition={f"fact {n}": "1 g" for n in range(60)},
            ingredients=[LINE] * 2001,
        )
    )
    assert len(fitted.title) == limits.TITLE_MAX
    assert len(fitted.description) == limits.DESCRIPTION_MAX
    assert len(fitted.servings) == limits.SERVINGS_MAX
    assert (fitted.source_url, fitted.prep_time) == ("", None)
    assert len(fitted.tags) == limits.TAGS_MAX and fitted.tags[0] == "tag"
    assert len(fitted.nutrition) == limits.NUTRIENTS_MAX
    assert len(fitted.ingredients) == 2001  # never cut: validate refuses the recipe instead
    with pytest.raises(RecipeInvalid):
        validate(fitted)


def _export_zip(recipes: list[dict[str, Any]]) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("recipes.json", json.dumps(recipes))
    return buffer.getvalue()


def test_a_file_import_skips_a_recipe_past_a_limit_and_fits_the_rest(app: Flask, alice: Any) -> None:
    data = _export_zip(
        [
            {"title": "Huge", "ingredients": [LINE] * 2001, "instructions": ["Stir."]},
            {
                "title": "Long story",
                "description": "d" * 30_000,
                "ingredients": [LINE],
                "instructions": [],
                "tags": ["a" * 100],
            },
        ]
    )
    form = {"file": (BytesIO(data), "recipes-export.zip")}
    response = alice.post("/recipes/import/file", data=form, follow_redirects=True)  # to its results page
    assert response.status_code == 200
    assert html.escape(limits.TOO_MANY_INGREDIENTS) in response.text
    with app.app_context():
        kept = db.session.scalars(select(Recipe)).all()
        assert [recipe.title for recipe in kept] == ["Long story"]
        assert len(kept[0].description) == limits.DESCRIPTION_MAX
        assert [len(tag.name) for tag in kept[0].tags] == [limits.TAG_MAX]


def test_importing_a_file_does_not_load_the_web_page_reader(app_config: dict[str, Any], tmp_path: Path) -> None:
    """recipe-scrapers (tens of MB) is for URL import: a worker that only imports files or
    serves pages never loads it."""
    export = tmp_path / "export.zip"
    export.write_bytes(_export_zip([{"title": "Soup", "ingredients": [LINE], "instructions": ["Stir."]}]))
    script = f"""
import json, sys
from recipes import create_app
from recipes.extensions import db
from recipes.auth.services import create_user
from recipes.importing.files.service import import_file
app = create_app(json.loads({json.dumps(json.dumps(app_config))}))
with app.app_context():
    user = create_user("carol", "a long enough password")
    summary = import_file(user, open({str(export)!r}, "rb").read(), "export.zip")
    assert [title for _, title in summary.imported] == ["Soup"], summary
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in ("recipe_scrapers", "extruct", "bs4"))))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == []


def test_a_time_too_long_to_be_a_number_is_a_form_error_not_a_500(alice: Any) -> None:
    """Found by Hypothesis: 400 digits made WTForms' range check raise OverflowError (a 500)."""
    response = alice.post("/recipes/new", data={"title": "Soup", "prep_time": "9" * 400})
    assert response.status_code == 400
    assert html.escape(limits.MINUTES_RANGE) in response.text
