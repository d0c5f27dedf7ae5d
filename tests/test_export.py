"""Taking recipes out: the library file, and one recipe as JSON-LD, Markdown and text."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from flask import Flask

from .conftest import Client, create_recipe
from .test_pictures import photo, post_recipe


def download(client: Client, url: str) -> Any:
    """GET a file answer and close it, as a server does (the export is a temporary file)."""
    response = client.get(url)
    response.get_data()  # read it all, then let it go
    response.close()
    return response


def test_the_library_export_has_every_recipe_object_and_picture(alice: Client, bob: Client) -> None:
    with_picture = int(post_recipe(alice, picture=photo(), title="Pie").headers["Location"].rsplit("/", 1)[1])
    plain = create_recipe(alice, title="Soup", tags="soup, winter", visibility="public")
    create_recipe(bob, title="Bob's own")
    response = download(alice, "/recipes/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert re.match(r"attachment; filename=recipes-alice-\d{8}\.zip", response.headers["Content-Disposition"])
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    objects = json.loads(archive.read("recipes.json"))
    assert [o["title"] for o in objects] == ["Pie", "Soup"]  # mine only, oldest first
    pie, soup = objects
    assert set(pie) >= {
        "id", "title", "description", "ingredients", "instructions", "servings", "prep_time", "cook_time",
        "total_time", "source_url", "tags", "notes", "image_url", "visibility", "created_at", "updated_at",
    }  # fmt: skip
    assert pie["id"] == with_picture and pie["image_url"] == f"images/{with_picture}.webp"
    assert archive.read(pie["image_url"])[:4] == b"RIFF"
    assert soup["id"] == plain and soup["image_url"] is None
    assert soup["tags"] == ["soup", "winter"] and soup["visibility"] == "public"
    assert soup["ingredients"] == ["Soup:", "1 kg tomatoes", "1 onion", "To serve:", "basil"]
    assert soup["prep_time"] == 10 and soup["cook_time"] == 30 and soup["total_time"] is None
    assert soup["created_at"].endswith("+00:00")


def test_an_empty_library_exports_an_empty_list(alice: Client) -> None:
    archive = zipfile.ZipFile(io.BytesIO(download(alice, "/recipes/export").data))
    assert json.loads(archive.read("recipes.json")) == []


def test_the_recipe_page_embeds_its_json_ld(alice: Client) -> None:
    recipe_id = create_recipe(alice, title="Soup </script><script>alert(1)</script>")
    page = alice.get(f"/recipes/{recipe_id}").text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert block, page
    data = json.loads(block[1])
    assert data["@type"] == "Recipe" and data["name"] == "Soup </script><script>alert(1)</script>"
    assert data["recipeIngredient"] == ["1 kg tomatoes", "1 onion", "basil"]  # section headers left out
    assert data["prepTime"] == "PT10M" and data["totalTime"] == "PT40M"
    assert data["url"].endswith(f"/recipes/{recipe_id}")


def test_one_recipe_as_markdown_text_and_json_ld(alice: Client) -> None:
    recipe_id = create_recipe(alice)
    markdown = alice.get(f"/recipes/{recipe_id}/export.md")
    assert markdown.mimetype == "text/markdown"
    assert 'filename="tomato-soup.md"' in markdown.headers["Content-Disposition"]
    assert markdown.text.startswith("# Tomato soup\n")
    assert "### Soup\n\n- 1 kg tomatoes" in markdown.text and "1. Chop the onion." in markdown.text
    text = alice.get(f"/recipes/{recipe_id}/export.txt")
    assert text.mimetype == "text/plain" and "  * 1 onion" in text.text and "TO SERVE:" in text.text
    jsonld = alice.get(f"/recipes/{recipe_id}/export.jsonld")
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.text)["name"] == "Tomato soup"
    assert alice.get(f"/recipes/{recipe_id}/export.pdf").status_code == 404


def test_exports_follow_who_may_see_the_recipe(alice: Client, bob: Client, client: Client) -> None:
    private = create_recipe(alice)
    public = create_recipe(alice, visibility="public")
    assert bob.get(f"/recipes/{private}/export.md").status_code == 404
    assert bob.get(f"/recipes/{public}/export.md").status_code == 200
    assert client.get(f"/recipes/{public}/export.md").status_code == 302
    assert client.get("/recipes/export").status_code == 302


def test_export_library_in_batches(app: Flask, make_user: Any, monkeypatch: Any) -> None:
    from recipes.auth.services import find_user
    from recipes.cookbook.bulk import add_recipes
    from recipes.cookbook.services import RecipeData
    from recipes.exporting import services as export

    monkeypatch.setattr(export, "BATCH", 7)
    make_user("carol")
    with app.app_context():
        carol = find_user("carol")
        add_recipes(carol, [RecipeData(title=f"R{n}") for n in range(30)])
        out = io.BytesIO()
        assert export.export_library(carol, out) == 30
    titles = [o["title"] for o in json.loads(zipfile.ZipFile(out).read("recipes.json"))]
    assert titles == [f"R{n}" for n in range(30)]


def test_cli_export(app: Flask, alice: Client, tmp_path: Any) -> None:
    create_recipe(alice, title="Soup")
    runner = app.test_cli_runner()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "mine.zip"
    result = runner.invoke(args=["export", "--user", "alice", str(target)])
    assert result.exit_code == 0, result.output
    assert "Exported 1 recipes for alice" in result.output
    assert [o["title"] for o in json.loads(zipfile.ZipFile(target).read("recipes.json"))] == ["Soup"]
    assert sorted(p.name for p in out.iterdir()) == ["mine.zip"]  # no temporary file left
    missing = runner.invoke(args=["export", "--user", "alice", str(tmp_path / "no" / "such" / "dir.zip")])
    assert missing.exit_code == 1 and "Error: could not write" in missing.stderr
    nobody = runner.invoke(args=["export", "--user", "nobody", str(target)])
    assert nobody.exit_code == 1 and "no user named 'nobody'" in nobody.stderr
