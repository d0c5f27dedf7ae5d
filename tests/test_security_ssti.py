"""Server-side template injection: template syntax of every common engine, typed into every
field (through the form, the API and an export file), comes back literally on every page,
export and share page, and is never evaluated; and no code builds a template from data.

The app sends no e-mail at all (no mail library is imported: checked below), so pages,
downloads and the API are everything that shows a recipe.
"""

from __future__ import annotations

import ast
import html
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

import recipes

from .conftest import Client, create_recipe
from .hostile import json_ld_blocks, share_path
from .test_api import Api, make_token
from .test_export import download
from .test_file_import import upload_file

PACKAGE = Path(recipes.__file__).parent

# Each payload, with what an engine that evaluated it would show (where that is known
# exactly; the others would show something other than themselves, which is checked too).
SSTI_PAYLOADS: dict[str, str | None] = {
    "{{7*7}}": "49",
    "{{ 7*'7' }}": "7777777",
    "{{config}}": None,
    "{{ config.SECRET_KEY }}": None,
    "{{ self.__init__.__globals__ }}": None,
    "{{ ''.__class__.__mro__[1].__subclasses__() }}": None,
    "{{ request.environ }}": None,
    "{{ url_for.__globals__['os'].popen('id').read() }}": None,
    "{% for x in range(3) %}x{% endfor %}": "xxx",
    "{# hidden #}shown": "shown",
    "${7*7}": "49",
    "#{7*7}": "49",
    "<%= 7*7 %>": "49",
    "{{= 7*7 }}": "49",
}
OPEN, CLOSE = "SSTI[", "]SSTI"


def wrapped(payload: str) -> str:
    return f"{OPEN}{payload}{CLOSE}"


def form_fields(payload: str) -> dict[str, str]:
    value = wrapped(payload)
    return {
        "title": value,
        "description": f"zucchini {value}",
        "ingredients": f"1 egg {value}\n{value}:\nsalt",
        "instructions": f"{value}\n\nStir {value}.",
        "servings": value,
        "tags": value,
        "notes": value,
        "source_url": f"https://example.org/{value}",
    }


def api_fields(payload: str) -> dict[str, Any]:
    value = wrapped(payload)
    return {
        "title": value,
        "description": f"zucchini {value}",
        "ingredients": [f"1 egg {value}", f"{value}:", "salt"],
        "instructions": [value, f"Stir {value}."],
        "servings": value,
        "tags": [value],
        "notes": value,
        # (A nutrient's name has at most 60 characters.)
        "nutrition": {"calories": value} | ({value: "1 g"} if len(value) <= 60 else {}),
        "source_url": f"https://example.org/{value}",
    }


_WRAPPED = re.compile(re.escape(OPEN) + r"(.*?)" + re.escape(CLOSE), re.IGNORECASE | re.DOTALL)


def shown_values(text: str) -> Iterator[str]:
    """Whatever stands between the markers, wherever the text shows a field."""
    for match in _WRAPPED.finditer(text):
        yield match[1]


def check_literal(text: str, payload: str, secret: str, where: str, *, at_least: int = 1) -> None:
    """Every field in `text` shows the payload exactly as typed; nothing evaluated it."""
    values = list(shown_values(text))
    assert len(values) >= at_least, f"{where}: the payload is shown {len(values)} times"
    for value in values:
        # Tags are kept in lower case: compare without case.
        assert value.lower() == payload.lower(), f"{where}: shows {value!r} for {payload!r}"
    evaluated = SSTI_PAYLOADS[payload]
    if evaluated is not None:
        assert wrapped(evaluated) not in text, f"{where}: evaluated"
    assert secret not in text, f"{where}: the secret key is on the page"


def page_text(html_page: str) -> str:
    """The page as a reader sees its text (entities decoded), without its JSON-LD data
    (checked apart: JSON escapes quotes and angle brackets its own way)."""
    for block in json_ld_blocks(html_page):
        html_page = html_page.replace(block, "")
    return html.unescape(html_page)


def check_everywhere(app: Flask, owner: Client, recipe_id: int, payload: str) -> None:
    secret = app.config["SECRET_KEY"]
    pages = {
        "detail": (f"/recipes/{recipe_id}", 8),
        "edit form": (f"/recipes/{recipe_id}/edit", 7),
        "delete confirmation": (f"/recipes/{recipe_id}/delete", 1),
        "list": ("/recipes/", 2),
        "search": ("/recipes/?q=zucchini", 2),
        "tags page": ("/recipes/tags", 1),
    }
    for where, (url, at_least) in pages.items():
        response = owner.get(url)
        assert response.status_code == 200, where
        check_literal(page_text(response.text), payload, secret, where, at_least=at_least)
    (block,) = json_ld_blocks(owner.get(f"/recipes/{recipe_id}").text)
    assert json.loads(block)["name"] == wrapped(payload)

    path, created = share_path(owner, recipe_id)
    check_literal(page_text(created), payload, secret, "share link created")
    shared = app.test_client().get(path)
    assert shared.status_code == 200
    check_literal(page_text(shared.text), payload, secret, "share page", at_least=7)
    (block,) = json_ld_blocks(shared.text)
    assert json.loads(block)["name"] == wrapped(payload)

    for fmt in ("md", "txt"):
        exported = owner.get(f"/recipes/{recipe_id}/export.{fmt}")
        check_literal(exported.text, payload, secret, f"{fmt} export", at_least=6)
    jsonld = owner.get(f"/recipes/{recipe_id}/export.jsonld")
    check_literal(jsonld.text, payload, secret, "JSON-LD export")
    assert json.loads(jsonld.text)["name"] == wrapped(payload)

    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    recipe = api.get(f"/recipes/{recipe_id}").json
    assert recipe["title"] == recipe["notes"] == recipe["servings"] == wrapped(payload)
    library = zipfile.ZipFile(io.BytesIO(download(owner, "/recipes/export").data))
    (exported_object,) = json.loads(library.read("recipes.json"))
    assert exported_object["title"] == exported_object["notes"] == wrapped(payload)


@pytest.mark.parametrize("payload", list(SSTI_PAYLOADS))
def test_template_syntax_in_every_field_from_the_form_stays_literal(app: Flask, alice: Client, payload: str) -> None:
    recipe_id = create_recipe(alice, **form_fields(payload))
    flashed = alice.get(f"/recipes/{recipe_id}").text  # "Saved “...”." names the title
    assert "Saved “" in flashed
    check_literal(page_text(flashed), payload, app.config["SECRET_KEY"], "flash message", at_least=9)
    check_everywhere(app, alice, recipe_id, payload)


@pytest.mark.parametrize("payload", list(SSTI_PAYLOADS))
def test_template_syntax_in_every_field_from_the_api_stays_literal(app: Flask, alice: Client, payload: str) -> None:
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    created = api.post("/recipes", json=api_fields(payload))
    assert created.status_code == 201, created.json
    check_everywhere(app, alice, created.json["id"], payload)
    # The nutrition facts: only the API and imports set them.
    detail = page_text(alice.get(f"/recipes/{created.json['id']}").text)
    assert "Nutrition" in detail
    check_literal(detail, payload, app.config["SECRET_KEY"], "detail with nutrition", at_least=10)


def test_template_syntax_in_an_export_file_stays_literal(app: Flask, alice: Client) -> None:
    # (Importers read titles as text and drop anything tag-like, such as "<%= ... %>".)
    payloads = [p for p in SSTI_PAYLOADS if "<" not in p]
    objects = [
        {"title": wrapped(p), "ingredients": [wrapped(p)], "instructions": [wrapped(p)], "notes": wrapped(p)}
        for p in payloads
    ]
    summary = upload_file(alice, json.dumps(objects).encode(), "recipes.json")
    assert summary.status_code == 200 and f"Imported {len(objects)} recipes" in summary.text
    text = page_text(summary.text)
    values = list(shown_values(text))
    assert sorted(values) == sorted(payloads)
    recipe_ids = [int(n) for n in re.findall(r'href="/recipes/(\d+)"', summary.text)]
    assert len(recipe_ids) == len(objects)
    for recipe_id in recipe_ids:
        shown = list(shown_values(page_text(alice.get(f"/recipes/{recipe_id}").text)))
        assert len(shown) >= 4 and len(set(shown)) == 1 and shown[0] in payloads


@pytest.mark.parametrize("payload", list(SSTI_PAYLOADS))
def test_template_syntax_in_a_search_stays_literal(app: Flask, alice: Client, payload: str) -> None:
    create_recipe(alice)
    response = alice.get("/recipes/", query_string={"q": wrapped(payload), "has": wrapped(payload)})
    assert response.status_code == 200
    check_literal(page_text(response.text), payload, app.config["SECRET_KEY"], "search form", at_least=3)


# --- the code ------------------------------------------------------------------------------------

# Making a template at run time, from anything: none of these may be called in the package.
TEMPLATE_BUILDERS = {"render_template_string", "stream_template_string", "from_string", "Template", "Environment"}
# Formatting with a format string that is not written in the code (a format string can
# reach attributes: "{0.__class__}"). The demo generator's come from its own catalogue.
FORMAT_METHODS = {"format", "format_map"}
FORMAT_ALLOWED = {"demo/generator.py"}
# Markup() trusts its argument as HTML: only where every piece was escaped first.
# (shopping/rows.py writes a list's rows, every value escaped: tests/test_shopping.py checks it;
# cookbook/cards.py the recipe cards: tests/test_cards.py.)
MARKUP_ALLOWED = {"search/highlight.py", "shopping/rows.py", "cookbook/cards.py"}
MAIL_MODULES = ("smtplib", "flask_mail", "flask_mailman", "email.mime", "yagmail")


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def test_no_template_is_ever_built_from_data() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.startswith(MAIL_MODULES) for m in modules):
                    problems.append(f"{name}:{node.lineno}: imports a mail library (update this test's docstring)")
                # (jinja2.bccache: the cache of compiled templates, start_up_caches.py; it builds none)
                if any(m == "jinja2" or (m.startswith("jinja2.") and m != "jinja2.bccache") for m in modules):
                    problems.append(f"{name}:{node.lineno}: uses Jinja directly instead of Flask's templates")
            if not isinstance(node, ast.Call):
                continue
            called = _called_name(node)
            where = f"{name}:{node.lineno}: {ast.unparse(node)[:80]}"
            if called in TEMPLATE_BUILDERS:
                problems.append(f"{where}: builds a template")
            if called in ("render_template", "stream_template") and not (
                node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
            ):
                problems.append(f"{where}: a template chosen at run time")
            if called in FORMAT_METHODS and name not in FORMAT_ALLOWED:
                func = node.func
                if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant)):
                    problems.append(f"{where}: a format string that is not a literal")
            if called == "Markup" and name not in MARKUP_ALLOWED:
                problems.append(f"{where}: Markup() outside the escaping helpers")
    assert not problems, "\n".join(problems)


def test_the_secret_key_is_in_no_page_or_template(app: Flask, alice: Client) -> None:
    """`{{ config }}` in a template would print every setting: no template mentions config
    except for the version in the footer."""
    for path in (PACKAGE / "templates").rglob("*.html"):
        for code in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", path.read_text(encoding="utf-8"), re.DOTALL):
            for use in re.findall(r"\bconfig\b(?:\.\w+)?", code):
                assert use == "config.RECIPES_VERSION", f"{path.name}: {code}"
    page = alice.get("/auth/account").text + alice.get("/recipes/").text
    assert app.config["SECRET_KEY"] not in page
