"""URL import through the page, the JSON answers and the CLI, against a real site on loopback."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from recipes.config import RateLimit
from recipes.extensions import db
from recipes.models import Recipe, RecipeImage

from .conftest import Client
from .site_server import Reply, Site, serve_site

JSON_ACCEPT = {"Accept": "application/json"}


def recipe_page(title: str = "Lemon Drizzle Cake", image: str = "/cake.jpg", canonical: str = "") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": title,
        "description": "A &amp; soft, <b>lemony</b> cake.",
        "image": image,
        "recipeYield": "8 slices",
        "prepTime": "PT15M",
        "cookTime": "PT45M",
        "recipeCategory": "Baking",
        "recipeCuisine": "British",
        "keywords": "cake, lemon",
        "recipeIngredient": ["225 g butter", "225 g caster sugar", "4 eggs", "2 lemons"],
        "recipeInstructions": [
            {"@type": "HowToStep", "text": "Heat the oven to 180 °C."},
            {"@type": "HowToStep", "text": "Beat the butter and sugar, then the eggs."},
            {"@type": "HowToStep", "text": "Bake for 45 minutes and drizzle with lemon syrup."},
        ],
        "nutrition": {"@type": "NutritionInformation", "calories": "320 kcal"},
    }
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<!doctype html><html><head><title>{title} | Test Kitchen</title>{link}"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f"<body><h1>{title}</h1></body></html>"
    )


def jpeg_bytes(size: tuple[int, int] = (1200, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (220, 180, 40)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as site:
        site.add("/cake.jpg", Reply(jpeg_bytes(), "image/jpeg"))
        site.page("/cake", recipe_page())
        site.page("/blog", "<html><head><title>My blog</title></head><body><p>Hello!</p></body></html>")
        yield site


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # The test site is on loopback, which imports may reach only when allowed.
    return {**app_config, "RECIPES_IMPORT_ALLOW_PRIVATE": True, "RECIPES_IMPORT_RATE_LIMIT": (50, 600)}


def import_page(client: Client, url: str, follow_redirects: str = "", **extra: str) -> Any:
    return client.post("/recipes/import", data={"url": url, **extra}, follow_redirects=bool(follow_redirects))


def recipes_of(app: Flask) -> list[Recipe]:
    with app.app_context():
        return list(db.session.scalars(select(Recipe).options(selectinload(Recipe.tags)).order_by(Recipe.id)))


def recipe_id(location: str) -> int:
    match = re.search(r"/recipes/(\d+)$", location)
    assert match, location
    return int(match[1])


def test_import_page_asks_for_an_address(alice: Client) -> None:
    page = alice.get("/recipes/import?url=https://example.org/x")
    assert page.status_code == 200
    assert 'name="url"' in page.text and "https://example.org/x" in page.text
    assert '<label for="url"' in page.text


def test_import_opens_the_new_recipe_with_its_picture(app: Flask, alice: Client, site: Site) -> None:
    response = import_page(alice, site.url("/cake"))
    assert response.status_code == 302
    new_id = recipe_id(response.headers["Location"])
    page = alice.get(f"/recipes/{new_id}")
    assert "Lemon Drizzle Cake" in page.text and "Check it over" in page.text
    [recipe] = recipes_of(app)
    assert recipe.ingredients == ["225 g butter", "225 g caster sugar", "4 eggs", "2 lemons"]
    assert len(recipe.instructions) == 3
    assert recipe.description == "A & soft, lemony cake."
    assert (recipe.prep_time, recipe.cook_time) == (15, 45)
    assert recipe.servings.startswith("8")
    assert {"baking", "british", "cake", "lemon"} <= {t.name for t in recipe.tags}
    assert recipe.source_url == site.url("/cake")
    assert recipe.nutrition.get("calories") == "320 kcal"
    assert recipe.image_digest
    picture = re.search(r'src="(/recipes/\d+/picture/[0-9a-f]{64}/full\.webp)"', page.text)
    assert picture, page.text
    served = alice.get(picture[1])
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert Image.open(io.BytesIO(served.data)).size == (1200, 900)


def test_importing_the_same_page_again_offers_the_existing_recipe(app: Flask, alice: Client, site: Site) -> None:
    first = recipe_id(import_page(alice, site.url("/cake")).headers["Location"])
    # The same page, spelled with a tracking parameter, a fragment and a trailing slash.
    again = import_page(alice, site.url("/cake/?utm_source=newsletter#method"))
    assert again.status_code == 200
    assert "You already have this recipe" in again.text and f"/recipes/{first}" in again.text
    assert len(recipes_of(app)) == 1
    copy = import_page(alice, site.url("/cake"), again="y")
    assert copy.status_code == 302 and recipe_id(copy.headers["Location"]) != first
    assert len(recipes_of(app)) == 2


def test_another_users_import_of_the_page_is_not_mine(app: Flask, alice: Client, bob: Client, site: Site) -> None:
    assert import_page(alice, site.url("/cake")).status_code == 302
    assert import_page(bob, site.url("/cake")).status_code == 302
    assert len(recipes_of(app)) == 2


def test_a_short_link_to_an_imported_page_is_found_by_its_canonical_address(
    app: Flask, alice: Client, site: Site
) -> None:
    site.page("/c", recipe_page(canonical=site.url("/cake")))
    assert import_page(alice, site.url("/cake")).status_code == 302
    again = import_page(alice, site.url("/c"))
    assert "You already have this recipe" in again.text
    assert len(recipes_of(app)) == 1


def test_a_page_without_a_recipe_is_a_clear_error(app: Flask, alice: Client, site: Site) -> None:
    response = import_page(alice, site.url("/blog"))
    assert response.status_code == 422
    assert "No recipe found" in response.text
    assert recipes_of(app) == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("ftp://example.org/recipe", "Only http:// and https://"),
        ("http://", "no host"),
        ("http://example.org:99999/", "not a valid web address"),
        ("https://" + "a" * 2100 + ".org/", "longer than"),
    ],
)
def test_bad_addresses_are_refused_before_any_fetch(alice: Client, url: str, message: str) -> None:
    response = import_page(alice, url)
    assert response.status_code == 400
    assert message in response.text


def test_private_addresses_are_refused_unless_allowed(app: Flask, alice: Client, site: Site) -> None:
    app.config["RECIPES_IMPORT_ALLOW_PRIVATE"] = False
    response = import_page(alice, site.url("/cake"))
    assert response.status_code == 422
    assert site.hits == []  # refused before connecting
    assert recipes_of(app) == []


def test_a_picture_that_fails_does_not_lose_the_recipe(app: Flask, alice: Client, site: Site) -> None:
    site.add("/fake.jpg", Reply(b"<html>not a picture</html>", "image/jpeg"))
    site.page("/no-picture", recipe_page("Pie", image="/fake.jpg"))
    response = import_page(alice, site.url("/no-picture"))
    assert response.status_code == 302
    page = alice.get(response.headers["Location"])
    assert "imported without its picture" in page.text
    [recipe] = recipes_of(app)
    assert recipe.title == "Pie" and recipe.image_digest is None


def test_imports_are_rate_limited_per_user(app: Flask, alice: Client, bob: Client, site: Site) -> None:
    app.config["RECIPES_IMPORT_RATE_LIMIT"] = RateLimit.per(2, 600)
    for n in range(2):
        site.page(f"/r{n}", recipe_page(f"Recipe {n}"))
        assert import_page(alice, site.url(f"/r{n}")).status_code == 302
    site.page("/r2", recipe_page("Recipe 2"))
    refused = import_page(alice, site.url("/r2"))
    assert refused.status_code == 429
    assert "Too many imports for now. Try again in 10 minutes." in refused.text
    as_json = alice.post("/recipes/import", data={"url": site.url("/r2")}, headers=JSON_ACCEPT)
    assert as_json.status_code == 429 and as_json.json is not None and as_json.json["code"] == "rate_limited"
    assert import_page(bob, site.url("/r2")).status_code == 302  # a limit per user
    assert len(recipes_of(app)) == 3


def test_one_address_as_json(alice: Client, site: Site) -> None:
    made = alice.post("/recipes/import", data={"url": site.url("/cake")}, headers=JSON_ACCEPT)
    assert made.status_code == 201
    assert made.json is not None and made.json["status"] == "imported"
    assert made.json["recipe"]["title"] == "Lemon Drizzle Cake"
    assert made.json["recipe"]["url"] == f"/recipes/{made.json['recipe']['id']}"
    again = alice.post("/recipes/import", data={"url": site.url("/cake")}, headers=JSON_ACCEPT)
    assert again.status_code == 200 and again.json is not None and again.json["status"] == "exists"
    failed = alice.post("/recipes/import", data={"url": site.url("/blog")}, headers=JSON_ACCEPT)
    assert failed.status_code == 422 and failed.json is not None and failed.json["status"] == "failed"
    empty = alice.post("/recipes/import", data={"url": ""}, headers=JSON_ACCEPT)
    assert empty.status_code == 400 and empty.json == {
        "error": {"code": "invalid", "message": "Enter the address of a recipe page."}
    }


def test_a_list_of_addresses_is_imported_in_turn(app: Flask, alice: Client, site: Site) -> None:
    site.page("/soup", recipe_page("Tomato Soup", image=""))
    listing = "\n".join([site.url("/cake"), site.url("/blog"), "", site.url("/soup"), site.url("/cake")])
    posted = import_page(alice, listing)
    # Post/redirect/get: the results have a page of their own (issue 15).
    assert posted.status_code == 303
    assert posted.headers["Location"].startswith("/recipes/import/results/")
    response = alice.get(posted.headers["Location"])
    assert response.status_code == 200
    assert "Imported 2 of 3 addresses." in response.text
    assert "No recipe found" in response.text
    assert [r.title for r in recipes_of(app)] == ["Lemon Drizzle Cake", "Tomato Soup"]


def test_a_list_that_runs_out_of_time_hands_back_the_rest(
    app: Flask, alice: Client, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipes.importing import views

    monkeypatch.setattr(views, "BULK_BUDGET", 0.0)
    site.page("/soup", recipe_page("Tomato Soup", image=""))
    response = import_page(alice, f"{site.url('/cake')}\n{site.url('/soup')}", follow_redirects="y")
    assert "Imported 1 of 2 addresses." in response.text
    assert "Continue importing" in response.text
    assert site.url("/soup") in response.text.split("Continue with them")[1]


def test_too_many_addresses_at_once(alice: Client) -> None:
    listing = "\n".join(f"https://example.org/{n}" for n in range(101))
    response = import_page(alice, listing)
    assert response.status_code == 400
    assert "at most 100 addresses" in response.text


def test_import_needs_login_and_csrf(client: Client, alice: Client, site: Site) -> None:
    assert client.get("/recipes/import").status_code == 302
    refused = alice.post("/recipes/import", data={"url": site.url("/cake")}, csrf=False)
    assert refused.status_code == 400
    assert site.hits == []


def test_cli_imports_and_reports(app: Flask, make_user: Any, site: Site) -> None:
    make_user("carol")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-url", "--user", "carol", site.url("/cake")])
    assert result.exit_code == 0, result.output
    assert "Imported 'Lemon Drizzle Cake' as recipe" in result.output
    again = runner.invoke(args=["import-url", "--user", "carol", site.url("/cake"), site.url("/blog")])
    assert again.exit_code == 1
    assert "Already imported" in again.output
    assert "No recipe found" in again.stderr
    unknown = runner.invoke(args=["import-url", "--user", "nobody", site.url("/cake")])
    assert unknown.exit_code == 1 and "no user named 'nobody'" in unknown.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Recipe)) == 1
        assert db.session.scalar(select(func.count()).select_from(RecipeImage)) == 1


def test_a_page_that_takes_too_long_to_read_is_refused_and_the_worker_goes_on(
    app: Flask, alice: Client, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipes.importing.pages import service

    monkeypatch.setattr(service, "EXTRACT_DEADLINE", 1.0)
    trap = {"@context": "https://schema.org", "@type": "Recipe", "name": "Trap", "recipeIngredient": ["<" * 300_000]}
    site.page("/trap", f'<script type="application/ld+json">{json.dumps(trap)}</script>')
    response = import_page(alice, site.url("/trap"))
    assert response.status_code == 422
    assert "took too long" in response.text
    assert import_page(alice, site.url("/cake")).status_code == 302
    assert [r.title for r in recipes_of(app)] == ["Lemon Drizzle Cake"]
