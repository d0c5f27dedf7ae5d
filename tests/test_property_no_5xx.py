"""Property: whatever text is typed into any form, sent in any API body or put in any query
parameter, the answer is never a server error. Hypothesis throws random text at every field:
any code point but lone surrogates (control characters and NUL included), very long strings,
and known troublemakers; plus unknown fields and repeated parameters.

No network: URL imports are asked for random text and real-looking addresses, and the
resolver is replaced by one that always fails, so nothing leaves the machine. The examples
per test are few enough that the file runs in well under 30 s on SQLite and PostgreSQL;
every run draws new ones (a failure prints how to reproduce it).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from recipes import net
from recipes.config import RateLimit

from .conftest import RECIPE_FORM, Client, create_recipe
from .database_fixtures import reset_database
from .test_api import make_token

# Every example starts from the same state. pytest makes the fixtures once per test, so the
# one function-scoped fixture the examples use, `fresh`, is a factory: called first thing in
# each example, it empties the database and makes again what the example needs (alice signed
# in, her recipe, her API token). No example sees another's recipes, accounts, failed logins,
# rate-limit counts, tokens, share links or changed password, and a failing example replays
# the same way while Hypothesis shrinks it. That is why the function_scoped_fixture health
# check is suppressed; the other fixtures are stateless (`no_dns`) or settings every example
# sets alike (`app`'s config).
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = [
    "",
    " ",
    "\x00",
    "\x00" * 10,
    "\r\n",
    "\u202e",
    "\ufeff",
    "\uffff",
    "\U0010ffff",
    "🍅",
    "'",
    '"',
    "\\",
    "%00",
    "%",
    "NaN",
    "-1",
    "0",
    "1e309",
    "99999999999999999999",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "../../etc/passwd",
    "javascript:alert(1)",
    "'; DROP TABLE recipe; --",
]
CHARACTERS = st.characters(exclude_categories=["Cs"])  # every code point but lone surrogates
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(CHARACTERS, max_size=40),
    st.text(CHARACTERS, min_size=40, max_size=400),
    # Very long: a short piece repeated (generating 100 kB at random would be slow).
    st.builds(operator.mul, st.text(CHARACTERS, min_size=1, max_size=4), st.integers(500, 25_000)),
)
numbers_as_text = st.one_of(texts, st.integers(-(10**20), 10**20).map(str))
UNREACHABLE_URLS = [
    "http://127.0.0.1/recipe",
    "http://10.0.0.1/",
    "http://[::1]:8288/",
    "http://169.254.169.254/latest/meta-data/",
    "http://localhost:99999/",
    "https://example.invalid/soup",
    "example.org/soup",
    "ftp://example.org/x",
    "http://",
    "http://[::1",
    "https://a" + ".b" * 500,
]
urls = st.one_of(
    texts,
    st.sampled_from(UNREACHABLE_URLS),
    st.builds(operator.add, st.sampled_from(["http://", "https://", "//"]), texts),
    st.lists(st.sampled_from(UNREACHABLE_URLS), min_size=2, max_size=5).map("\n".join),
)


@pytest.fixture(autouse=True)
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every host name is unknown: an import fails at once, before any connection."""

    def resolve(host: str, port: int) -> list[Any]:
        raise OSError(f"no DNS in tests ({host})")

    monkeypatch.setattr(net, "resolve", resolve)


def fields(names: list[str], values: st.SearchStrategy[str] = texts) -> st.SearchStrategy[dict[str, str]]:
    """Some of the form's fields (any of them may be missing), plus unknown ones."""
    known = st.fixed_dictionaries({}, optional=dict.fromkeys(names, values))
    unknown = st.dictionaries(texts.filter(lambda k: k not in names and k != "csrf_token"), texts, max_size=2)
    return st.builds(operator.or_, known, unknown)


def no_5xx(response: Any, sent: Any) -> None:
    response.get_data()
    response.close()
    assert response.status_code < 500, f"{response.status_code} for {sent!r}"


# --- each example's own state -------------------------------------------------------------------


@dataclass
class Api:
    """Alice's token, calling /api/v1. (Not tests.test_api.Api: Hypothesis prints the
    fixtures of a failing example, and that one answers every attribute it is asked for.)"""

    client: Client
    token: str

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)


@dataclass
class World:
    """What one example starts from: alice signed in, one recipe of hers (id 0: none), her API token."""

    alice: Client
    recipe_id: int
    api: Api


class Fresh:
    """Makes each example's state anew (see SETTINGS)."""

    def __init__(self, app: Flask, template: str, login_as: Any) -> None:
        self.app = app
        self.template = template
        self.login_as = login_as
        # Settings, the same for every example: reach the importer and the API every time.
        app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(1_000_000, 60)
        app.config["RECIPES_IMPORT_RATE_LIMIT"] = RateLimit.per(1_000_000, 600)

    def __repr__(self) -> str:
        return "Fresh()"

    def empty(self) -> Flask:
        """The app with its database as migrated: no accounts yet."""
        reset_database(self.app, self.template)
        return self.app

    def __call__(self, *, recipe: bool = True) -> World:
        """Alice signed in and her token; her one recipe unless `recipe` is False."""
        self.empty()
        alice: Client = self.login_as("alice")
        api = Api(self.app.test_client(), make_token(self.app, "alice"))  # type: ignore[arg-type]
        return World(alice, create_recipe(alice) if recipe else 0, api)


@pytest.fixture
def fresh(app: Flask, database_template: str, login_as: Any) -> Fresh:
    return Fresh(app, database_template, login_as)


# --- the pages' forms -----------------------------------------------------------------------------


@SETTINGS
@given(form=fields(["username", "password", "confirm"]), login=fields(["username", "password", "next"]))
def test_register_and_login_forms(fresh: Fresh, form: dict[str, str], login: dict[str, str]) -> None:
    app = fresh.empty()
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    client: Client = app.test_client()  # type: ignore[assignment]
    no_5xx(client.post("/auth/register", data=form), form)
    no_5xx(app.test_client().post("/auth/login", data=login), login)
    no_5xx(app.test_client().get("/auth/login", query_string=login), login)


RECIPE_FIELDS = [*RECIPE_FORM, "remove_picture", "kept_picture", "discard_kept_picture"]


@SETTINGS
@given(form=fields(RECIPE_FIELDS))
def test_recipe_forms(fresh: Fresh, form: dict[str, str]) -> None:
    world = fresh()
    no_5xx(world.alice.post("/recipes/new", data=form), form)
    no_5xx(world.alice.post(f"/recipes/{world.recipe_id}/edit", data=form), form)


@SETTINGS
@given(form=fields(RECIPE_FIELDS, numbers_as_text))
def test_recipe_forms_with_numbers(fresh: Fresh, form: dict[str, str]) -> None:
    world = fresh()
    no_5xx(world.alice.post("/recipes/new", data=form), form)


@SETTINGS
@given(url=urls, again=st.sampled_from(["", "y", "on", "\x00"]), as_json=st.booleans())
def test_import_form(fresh: Fresh, url: str, again: str, as_json: bool) -> None:
    alice = fresh(recipe=False).alice
    headers = {"Accept": "application/json"} if as_json else {}
    no_5xx(alice.post("/recipes/import", data={"url": url, "again": again}, headers=headers), url)
    no_5xx(alice.get("/recipes/import", query_string={"url": url}), url)
    run = alice.post("/recipes/import/runs", data={"url": url, "again": again}, headers=headers)
    no_5xx(run, url)
    key = (run.json or {}).get("run") or url  # a run's results, or whatever was typed as a key
    no_5xx(alice.post("/recipes/import", data={"url": url, "run": key}, headers=headers), url)
    no_5xx(alice.get("/recipes/import/results/" + quote(key, safe="")), key)


@SETTINGS
@given(
    token=fields(["name", "expires"]),
    share=fields(["expiry"]),
    password=fields(["current_password", "new_password", "confirm"]),
)
def test_account_token_and_share_forms(
    fresh: Fresh, token: dict[str, str], share: dict[str, str], password: dict[str, str]
) -> None:
    world = fresh()
    no_5xx(world.alice.post("/auth/account/tokens", data=token), token)
    no_5xx(world.alice.post(f"/recipes/{world.recipe_id}/shares", data=share), share)
    no_5xx(world.alice.post("/auth/account", data=password), password)


SEARCH_ARGS = ["q", "tag", "match", "has", "not", "max_time", "scope", "sort", "page", "per_page"]
query_lists = st.lists(
    st.tuples(st.one_of(st.sampled_from(SEARCH_ARGS), texts), st.one_of(texts, numbers_as_text)), max_size=12
)


@SETTINGS
@given(args=query_lists)
def test_search_arguments(fresh: Fresh, args: list[tuple[str, str]]) -> None:
    alice = fresh(recipe=False).alice
    query = MultiDict(args)
    no_5xx(alice.get("/recipes/", query_string=query), args)
    no_5xx(alice.get("/recipes/tags", query_string=query), args)
    no_5xx(alice.get("/api/v1/recipes", query_string=query), args)  # as the signed-in browser


# --- the API ----------------------------------------------------------------------------------------


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False),
        texts,
    ),
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(texts, children, max_size=5)),
    max_leaves=20,
)
RECIPE_KEYS = [
    "title",
    "description",
    "ingredients",
    "instructions",
    "servings",
    "prep_time",
    "cook_time",
    "total_time",
    "source_url",
    "tags",
    "notes",
    "nutrition",
    "visibility",
    "id",
    "owner_id",
]
recipe_bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            **dict.fromkeys(RECIPE_KEYS, json_values),
            "title": texts,
            "ingredients": st.lists(texts, max_size=5),
            "tags": st.lists(texts, max_size=5),
        },
    ),
    json_values,
)


@SETTINGS
@given(body=recipe_bodies, patch=recipe_bodies)
def test_api_recipe_bodies(fresh: Fresh, body: Any, patch: Any) -> None:
    world = fresh()
    no_5xx(world.api("POST", "/recipes", json=body), body)
    no_5xx(world.api("PATCH", f"/recipes/{world.recipe_id}", json=patch), patch)


@SETTINGS
@given(body=st.one_of(st.fixed_dictionaries({"url": urls}, optional={"again": json_values}), json_values))
def test_api_import_bodies(fresh: Fresh, body: Any) -> None:
    no_5xx(fresh(recipe=False).api("POST", "/recipes/import", json=body), body)


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=200), texts.map(lambda t: t.encode("utf-8"))))
# Found by this test (both were 500s): JSON nested deeper than Python's reader goes, and a
# number longer than it reads (4300 digits).
@example(raw=b"[" * 100_000)
@example(raw=b'{"title": ' * 50_000)
@example(raw=b"1" * 5000)
@example(raw=b'{"prep_time": ' + b"9" * 5000 + b"}")
def test_api_raw_bodies(fresh: Fresh, raw: bytes) -> None:
    world = fresh()
    for method, path in (("POST", "/recipes"), ("PATCH", f"/recipes/{world.recipe_id}"), ("POST", "/recipes/import")):
        no_5xx(world.api(method, path, data=raw, content_type="application/json"), raw)


@SETTINGS
@given(args=query_lists, size=st.one_of(texts, st.sampled_from(["full", "thumb"])))
def test_api_query_parameters(fresh: Fresh, args: list[tuple[str, str]], size: str) -> None:
    world = fresh()
    no_5xx(world.api("GET", "/recipes", query_string=MultiDict(args)), args)
    no_5xx(world.api("GET", "/tags", query_string=MultiDict(args)), args)
    no_5xx(world.api("GET", f"/recipes/{world.recipe_id}/image", query_string={"size": size}), size)
