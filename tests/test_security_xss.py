"""Stored and reflected XSS: markup typed into every field, sent through the API, imported
from a web page or an export file, or put in file names, is shown as text on every page
that shows it; script addresses never become a recipe's source; and every response carries
the headers that keep a slip harmless (CSP without inline script, nosniff, no framing).

Other tests touch parts of this: test_recipes.py (one recipe page escaped),
test_export.py (a `</script>` in the embedded JSON-LD), test_search.py (a snippet),
test_home.py (the headers of one page), test_api.py and test_recipes.py (a `javascript:`
source refused).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import func, select

from recipes.auth.services import AccountError, create_user
from recipes.extensions import db
from recipes.models import Recipe, User

from .archives import zip_of
from .conftest import Client, create_recipe
from .hostile import BAD_SOURCE_URLS, XSS_PAYLOADS, assert_clean, escaped_forms, json_ld_blocks, scan, share_path
from .site_server import serve_site
from .test_api import Api, make_token
from .test_file_import import upload_file

TEMPLATES = Path(__file__).parents[1] / "recipes" / "templates"
STATIC = Path(__file__).parents[1] / "recipes" / "static"


def form_fields(payload: str) -> dict[str, str]:
    """The payload in every text field of the recipe form ("zucchini" next to it, for search)."""
    return {
        "title": f"{payload} title",
        "description": f"zucchini {payload} zucchini",
        "ingredients": f"1 kg {payload}\n{payload}:\nsalt",
        "instructions": f"{payload}\n\nStir {payload} well.",
        "servings": payload,
        "tags": payload,
        "notes": payload,
        "source_url": f"https://example.org/?q={payload}",
    }


def api_fields(payload: str) -> dict[str, Any]:
    return {
        "title": f"{payload} title",
        "description": f"zucchini {payload} zucchini",
        "ingredients": [f"1 kg {payload}", f"{payload}:", "salt"],
        "instructions": [payload, f"Stir {payload} well."],
        "servings": payload,
        "tags": [payload],
        "notes": payload,
        "nutrition": {"calories": payload, payload[:60]: "1 g"},
        "source_url": f"https://example.org/?q={payload}",
    }


def shows(page: str, text: str) -> bool:
    """`text` is on the page, escaped (and so shown as text)."""
    return any(form in page for form in escaped_forms(text))


def check_every_page(app: Flask, owner: Client, recipe_id: int, payload: str) -> None:
    """Every page that shows the recipe: escaped text, no injected markup."""
    title = f"{payload} title"
    tag = " ".join(payload.split())  # shown as typed
    pages = {
        "detail": f"/recipes/{recipe_id}",
        "edit form": f"/recipes/{recipe_id}/edit",
        "delete confirmation": f"/recipes/{recipe_id}/delete",
        "cook mode": f"/recipes/{recipe_id}/cook",
        "cook mode, last step": f"/recipes/{recipe_id}/cook?step=2",
        "list": "/recipes/",
        "search snippet": "/recipes/?q=zucchini",
        "search inside the payload": "/recipes/?q=alert",
        "tag filter": "/recipes/?" + urlencode({"tag": tag}),
        "tags page": "/recipes/tags",
    }
    for where, url in pages.items():
        response = owner.get(url)
        assert response.status_code == 200, (where, response.status_code)
        assert_clean(response.text, [payload], where)
    detail = owner.get(pages["detail"]).text
    assert shows(detail, title) and shows(detail, payload)
    snippet = owner.get(pages["search snippet"]).text
    assert '<p class="snippet">' in snippet and "<mark>zucchini</mark>" in snippet
    assert shows(snippet, payload), "the snippet should show the payload as text"
    assert shows(owner.get(pages["tags page"]).text, tag)

    # The JSON-LD embedded in the page is one intact block: a `</script>` did not end it.
    (block,) = json_ld_blocks(detail)
    assert json.loads(block)["name"] == title

    # The share link's page, for anyone, and the page that hands the link out.
    path, created = share_path(owner, recipe_id)
    assert_clean(created, [payload], "share link created")
    shared = app.test_client().get(path)
    assert shared.status_code == 200
    assert_clean(shared.text, [payload], "share page")
    assert shows(shared.text, title)
    (block,) = json_ld_blocks(shared.text)
    assert json.loads(block)["name"] == title

    # Downloads are never HTML: a browser saves them and does not guess their type.
    for fmt, mimetype in (("md", "text/markdown"), ("txt", "text/plain"), ("jsonld", "application/ld+json")):
        exported = owner.get(f"/recipes/{recipe_id}/export.{fmt}")
        assert exported.status_code == 200 and exported.mimetype == mimetype
        assert exported.headers["X-Content-Type-Options"] == "nosniff"
        assert re.fullmatch(
            r'attachment; filename="[a-z0-9-]+\.(md|txt|json)"', exported.headers["Content-Disposition"]
        )
    assert json.loads(owner.get(f"/recipes/{recipe_id}/export.jsonld").text)["name"] == title


# --- stored: every field, every way in --------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_in_every_field_from_the_form_is_escaped_everywhere(app: Flask, alice: Client, payload: str) -> None:
    recipe_id = create_recipe(alice, **form_fields(payload))
    # The "Saved “...”." message names the title: the first page after saving shows it.
    first = alice.get(f"/recipes/{recipe_id}").text
    assert "Saved “" in first
    assert_clean(first, [payload], "page with the flash message")
    check_every_page(app, alice, recipe_id, payload)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_in_every_field_from_the_api_is_escaped_everywhere(app: Flask, alice: Client, payload: str) -> None:
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    created = api.post("/recipes", json=api_fields(payload))
    assert created.status_code == 201, created.json
    assert created.is_json and created.json["title"] == f"{payload} title"  # stored as typed
    check_every_page(app, alice, created.json["id"], payload)
    # The nutrition facts (only the API and imports set them) are on the recipe page too.
    detail = alice.get(f"/recipes/{created.json['id']}").text
    assert "Nutrition" in detail and shows(detail, payload)


def _hostile_recipe_page(payload: str) -> str:
    """A web page whose schema.org data carries the payload in every field, raw and as
    HTML entities, with a `javascript:` canonical link and picture."""
    entity = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    data = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": f"{payload} cake",
        "description": f"{payload} and {entity}",
        "image": "javascript:alert(1)",
        "url": "javascript:alert(1)",
        "recipeYield": payload[:60],
        "keywords": payload,
        "recipeCategory": entity,
        "recipeIngredient": [payload, entity, "2 eggs"],
        "recipeInstructions": [{"@type": "HowToStep", "text": payload}, {"@type": "HowToStep", "text": entity}],
        "nutrition": {"@type": "NutritionInformation", "calories": payload},
    }
    block = json.dumps(data).replace("</", "<\\/")  # so the attacker's own page keeps its data
    return (
        f'<!doctype html><html><head><title>{payload}</title><link rel="canonical" href="javascript:alert(1)">'
        f'<script type="application/ld+json">{block}</script></head><body><h1>{payload}</h1></body></html>'
    )


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_web_page_with_markup_in_every_field_imports_as_text(app: Flask, alice: Client, payload: str) -> None:
    app.config["RECIPES_IMPORT_ALLOW_PRIVATE"] = True  # the test site is on loopback
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    with serve_site() as site:
        url = site.page("/cake", _hostile_recipe_page(payload))
        imported = alice.post("/recipes/import", data={"url": url})
        again = api.post("/recipes/import", json={"url": url, "again": True})
    assert imported.status_code == 302, imported.text
    assert again.status_code == 201, again.json
    recipe_id = int(imported.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        assert recipe is not None
        assert recipe.source_url == url  # the canonical `javascript:` link was not taken
        assert recipe.image_digest is None
    for page_url in (f"/recipes/{recipe_id}", f"/recipes/{recipe_id}/edit", "/recipes/", "/recipes/tags"):
        assert_clean(alice.get(page_url).text, [payload], page_url)
    path, _ = share_path(alice, recipe_id)
    assert_clean(app.test_client().get(path).text, [payload], "share page")
    assert again.json["source_url"] == url


def test_an_export_file_with_markup_in_fields_and_file_names_imports_as_text(app: Flask, alice: Client) -> None:
    payloads = XSS_PAYLOADS[:5]  # each one a file name, a title and a field
    native = [
        {
            "title": f"{payload} native",
            "description": payload,
            "ingredients": [payload],
            "instructions": [payload],
            "notes": payload,
            "tags": [payload],
            "source_url": "javascript:alert(1)",
            "image_url": f"images/{payload}.webp",
        }
        for payload in payloads
    ]
    native_zip = zip_of(
        {"recipes.json": json.dumps(native).encode()}
        | {f"images/{payload}.webp": b"RIFF not a picture" for payload in payloads}
    )
    schema_zip = zip_of(
        {
            # No name: the file's name becomes the title.
            f"{payload}.json": json.dumps(
                {"@type": "Recipe", "recipeIngredient": [f"{n} eggs", payload], "recipeInstructions": payload}
            ).encode()
            for n, payload in enumerate(payloads, start=1)
        }
        | {f"{XSS_PAYLOADS[2]} empty.json": json.dumps({"@type": "Recipe"}).encode()}  # skipped, by name
    )
    pages = []
    for data, name in ((native_zip, f"{payloads[0]}.zip"), (schema_zip, f"{payloads[1]}.zip")):
        summary = upload_file(alice, data, name)
        assert summary.status_code == 200, summary.text
        pages.append(summary.text)
        pages.append(upload_file(alice, data, name).text)  # again: every recipe listed as a duplicate
    single = json.dumps({"@type": "Recipe", "recipeIngredient": ["1 egg"]}).encode()
    summary = upload_file(alice, single, f"{payloads[1]}.json")  # the title comes from it
    assert summary.status_code == 200, summary.text
    pages.append(summary.text)
    for page in pages:
        assert_clean(page, XSS_PAYLOADS, "file import summary")
    assert "Imported without their picture (5)" in pages[0]
    assert "Already in your recipes (5)" in pages[1] and "Skipped (1)" in pages[2]
    # (Importers read titles as text, so tags are dropped from some: the quotes stay.)
    assert shows(pages[0], f"{payloads[3]} native") and shows(pages[3], f"{payloads[0]}.json")
    with app.app_context():
        recipes = list(db.session.scalars(select(Recipe)))
        assert len(recipes) == 11
        assert {r.source_url for r in recipes} == {""}  # `javascript:` sources dropped
        ids = [r.id for r in recipes]
    for recipe_id in ids:
        assert_clean(alice.get(f"/recipes/{recipe_id}").text, XSS_PAYLOADS, f"imported recipe {recipe_id}")
    assert_clean(alice.get("/recipes/?per_page=100").text, XSS_PAYLOADS, "list of imported recipes")


# --- reflected: what a request carries, shown back ----------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_request_values_shown_back_are_escaped(app: Flask, alice: Client, client: Client, payload: str) -> None:
    recipe_id = create_recipe(alice)
    search = {"q": payload, "tag": payload, "has": payload, "not": payload, "sort": payload, "scope": payload}
    reflected = {
        "search form": alice.get("/recipes/", query_string=search),
        "import form": alice.get("/recipes/import", query_string={"url": payload}),
        "login form": client.get("/auth/login", query_string={"next": payload}),
        "unknown page": alice.get("/recipes/" + quote(payload, safe="")),
        "cook mode step": alice.get(f"/recipes/{recipe_id}/cook", query_string={"step": payload, "units": payload}),
        "recipe form with errors": alice.post("/recipes/new", data=form_fields(payload) | {"prep_time": payload}),
        "import with errors": alice.post("/recipes/import", data={"url": payload}),
        "token form with errors": alice.post("/auth/account/tokens", data={"name": payload, "expires": payload}),
        "file import with errors": upload_file(alice, payload.encode(), f"{payload}.txt"),
    }
    for where, response in reflected.items():
        assert response.status_code < 500, where
        assert_clean(response.text, [payload], where)
    assert shows(reflected["search form"].text, payload)
    assert shows(reflected["recipe form with errors"].text, payload)


@pytest.mark.parametrize("payload", [*XSS_PAYLOADS, "alice<b>", "alice&amp;", 'a"b', "a'b", "al ice"])
def test_usernames_with_markup_are_refused_at_registration(app: Flask, client: Client, payload: str) -> None:
    response = client.post("/auth/register", data={"username": payload, "password": "x" * 12, "confirm": "x" * 12})
    assert response.status_code == 400
    assert "Usernames are" in response.text or "between 3 and 40" in response.text
    assert_clean(response.text, [payload], "registration form")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        with pytest.raises(AccountError):  # nor by `recipes create-user`
            create_user(payload, "x" * 12)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markup_in_an_api_token_name_is_escaped_on_the_account_page(alice: Client, payload: str) -> None:
    name = payload[:60]
    assert alice.post("/auth/account/tokens", data={"name": name, "expires": "never"}).status_code == 302
    for view in ("the token shown once", "the list of tokens"):
        page = alice.get("/auth/account").text
        assert_clean(page, [name], f"account page, {view}")
        assert shows(page, name), view


# --- script addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", BAD_SOURCE_URLS)
def test_script_addresses_are_refused_as_a_source_by_the_form(app: Flask, alice: Client, url: str) -> None:
    recipe_id = create_recipe(alice)
    fields = {"title": "Soup", "ingredients": "water", "source_url": url}
    new = alice.post("/recipes/new", data=fields)
    edit = alice.post(f"/recipes/{recipe_id}/edit", data=fields)
    for response in (new, edit):
        assert response.status_code == 400
        assert "The source must be an http:// or https:// address." in response.text
        assert_clean(response.text, [url], "recipe form")
    with app.app_context():
        assert set(db.session.scalars(select(Recipe.source_url))) == {"https://example.org/soup"}


@pytest.mark.parametrize("url", BAD_SOURCE_URLS)
def test_script_addresses_are_refused_as_a_source_by_the_api(app: Flask, alice: Client, url: str) -> None:
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    created = api.post("/recipes", json={"title": "Soup", "source_url": url})
    assert created.status_code == 422 and created.json["error"]["field"] == "source_url"
    recipe_id = api.post("/recipes", json={"title": "Soup"}).json["id"]
    patched = api.patch(f"/recipes/{recipe_id}", json={"source_url": url})
    assert patched.status_code == 422 and patched.json["error"]["field"] == "source_url"
    assert api.get(f"/recipes/{recipe_id}").json["source_url"] == ""


@pytest.mark.parametrize("url", BAD_SOURCE_URLS)
def test_importers_drop_script_addresses(app: Flask, alice: Client, url: str) -> None:
    native = [{"title": "Native soup", "ingredients": ["water"], "instructions": ["Boil."], "source_url": url}]
    schema = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": "Schema soup",
        "recipeIngredient": ["water"],
        "recipeInstructions": ["Boil."],
        "url": url,
        "isBasedOn": url,
    }
    for data, name in ((json.dumps(native).encode(), "recipes.json"), (json.dumps(schema).encode(), "soup.json")):
        assert upload_file(alice, data, name).status_code == 200
    app.config["RECIPES_IMPORT_ALLOW_PRIVATE"] = True
    block = json.dumps(schema).replace("</", "<\\/")
    page = (
        f'<html><head><link rel="canonical" href="{escape(url)}">'
        f'<script type="application/ld+json">{block}</script></head></html>'
    )
    with serve_site() as site:
        page_url = site.page("/soup", page)
        assert alice.post("/recipes/import", data={"url": page_url}).status_code == 302
    with app.app_context():
        sources = {row.id: row.source_url for row in db.session.execute(select(Recipe.id, Recipe.source_url))}
    assert len(sources) == 3
    # The files' sources are dropped; the page keeps an http(s) address (its own, or the
    # canonical one when that is a protocol-relative http(s) address).
    assert sorted(sources.values())[:2] == ["", ""]
    assert re.match(r"https?://", sorted(sources.values())[2])
    for recipe_id in sources:
        assert_clean(alice.get(f"/recipes/{recipe_id}").text, [url], "imported recipe")


def test_a_quote_in_an_http_source_cannot_break_out_of_the_link(app: Flask, alice: Client) -> None:
    url = 'https://example.org/soup" onmouseover="alert(1)'
    recipe_id = create_recipe(alice, source_url=url)
    page = alice.get(f"/recipes/{recipe_id}").text
    assert not scan(page)
    assert 'href="https://example.org/soup&#34; onmouseover=&#34;alert(1)"' in page


# --- headers ------------------------------------------------------------------------------------------


def _directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


def check_headers(response: Any, where: str, referrer_policies: tuple[str, ...] = ("same-origin",)) -> None:
    headers = response.headers
    policy = _directives(headers.get("Content-Security-Policy", ""))
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src, f"{where}: no script-src"
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:", "blob:"):
        assert unsafe not in script_src, f"{where}: script-src allows {unsafe}"
    assert policy.get("default-src") == ["'self'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("base-uri") in (["'self'"], ["'none'"]), where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in referrer_policies, where


def test_security_headers_on_html_json_static_and_file_responses(app: Flask, alice: Client, client: Client) -> None:
    recipe_id = create_recipe(alice)
    token = make_token(app, "alice")
    bearer = {"Authorization": f"Bearer {token}"}
    responses = {
        "login page": client.get("/auth/login"),
        "recipe list": alice.get("/recipes/"),
        "recipe page": alice.get(f"/recipes/{recipe_id}"),
        "account page": alice.get("/auth/account"),
        "API docs page": client.get("/api/docs"),
        "404 page": alice.get("/no/such/page"),
        "405 page": alice.get("/auth/logout"),
        "form error page": alice.post("/recipes/new", data={"title": ""}),
        "redirect": client.get("/recipes/"),
        "JSON hello": client.get("/", headers={"Accept": "application/json"}),
        "health": client.get("/healthz"),
        "OpenAPI": client.get("/api/openapi.json"),
        "API recipe": client.get(f"/api/v1/recipes/{recipe_id}", headers=bearer),
        "API error": client.get("/api/v1/recipes/999999", headers=bearer),
        "API 401": client.get("/api/v1/me"),
        "stylesheet": client.get("/static/app.css"),
        "script": client.get("/static/copy.js"),
        "vendored script": client.get("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js"),
        "export": alice.get(f"/recipes/{recipe_id}/export.md"),
        "library export": alice.get("/recipes/export"),
    }
    for where, response in responses.items():
        response.get_data()  # read it all, then let it go (the library export is a temporary file)
        response.close()
        assert response.status_code < 500, where
        check_headers(response, where)
    path, _ = share_path(alice, recipe_id)
    # Share pages keep their address (a secret) out of Referer headers altogether.
    check_headers(client.get(path), "share page", ("no-referrer",))
    check_headers(client.get("/s/" + "x" * 43), "unknown share link", ("no-referrer",))


def test_json_answers_are_never_html(app: Flask, alice: Client) -> None:
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    created = api.post("/recipes", json={"title": XSS_PAYLOADS[0]})
    for response in (created, api.get(f"/recipes/{created.json['id']}"), api.get("/recipes"), api.get("/%3Csvg%3E")):
        # JSON, and a browser told not to guess otherwise: never rendered as a page.
        assert response.mimetype == "application/json" and response.headers["X-Content-Type-Options"] == "nosniff"


# --- the templates and scripts themselves --------------------------------------------------------------


def test_no_template_has_inline_script_handlers_or_unescaped_output() -> None:
    templates = sorted(TEMPLATES.rglob("*"))
    files = [path for path in templates if path.is_file()]
    assert files and all(path.suffix == ".html" for path in files), "Flask autoescapes .html templates only"
    problems = []
    for path in files:
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        for tag in re.findall(r"<script\b[^>]*>", source, re.IGNORECASE):
            if "src=" not in tag and 'type="application/ld+json"' not in tag:
                problems.append(f"{name}: inline script {tag}")
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', source, re.DOTALL):
            if not re.fullmatch(r"\{\{[^{}]*\|\s*tojson\s*\}\}", block.strip()):
                problems.append(f"{name}: JSON-LD not written with | tojson: {block.strip()}")
        for pattern, what in (
            (r"<[a-z][^>]*\son[a-z]+\s*=", "an inline event handler"),
            (r"javascript:", "a javascript: address"),
            (r"\|\s*safe\b", "| safe"),
            (r"autoescape\s+false", "autoescape off"),
            (r"<style\b|\sstyle\s*=", "inline style (the CSP allows none)"),
        ):
            if re.search(pattern, source, re.IGNORECASE):
                problems.append(f"{name}: {what}")
        if re.search(r"\bMarkup\(", source):
            problems.append(f"{name}: Markup(")
    assert not problems, "\n".join(problems)


def test_our_scripts_never_turn_strings_into_html_or_code() -> None:
    scripts = sorted(STATIC.glob("*.js"))
    assert scripts
    pattern = re.compile(
        r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new\s+Function\b"
        r"|setTimeout\s*\(\s*[\"']|setInterval\s*\(\s*[\"']|createContextualFragment|\.srcdoc"
    )
    problems = [f"{path.name}: {match[0]}" for path in scripts for match in pattern.finditer(path.read_text())]
    assert not problems, problems
