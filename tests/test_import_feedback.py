"""What the import wing tells a person (issue 15, item 7): left-out recipes by their titles,
counts, results on a page of their own that a reload shows again (post/redirect/get), a pasted
list read the way it was meant, and a private-address refusal that says who can allow it."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from recipes.extensions import db
from recipes.importing.pages.addresses import NOT_AN_ADDRESS, BadUrl, check_url, split_addresses
from recipes.importing.pages.service import PRIVATE_HINT
from recipes.models import ImportResult

from .conftest import Client, without_tokens
from .site_server import Site, serve_site
from .test_file_import import EXPORTS
from .test_import import JSON_ACCEPT, recipe_page

MEALIE = EXPORTS / "mealie-backup.zip"


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture
def site() -> Iterator[Site]:
    with serve_site() as site:
        site.page("/soup", recipe_page("Tomato Soup", image=""))
        site.page("/cake", recipe_page("Lemon Drizzle Cake", image=""))
        site.page("/blog", "<html><head><title>My blog</title></head><body><p>Hello!</p></body></html>")
        yield site


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "RECIPES_IMPORT_ALLOW_PRIVATE": True, "RECIPES_IMPORT_RATE_LIMIT": (50, 600)}


def upload(client: Client, path: Path) -> Any:
    import io

    return client.post(
        "/recipes/import/file",
        data={"csrf_token": client.csrf_token(), "file": (io.BytesIO(path.read_bytes()), path.name)},
        content_type="multipart/form-data",
    )


# --- reading a pasted list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "entries"),
    [
        ("not a url", ["not a url"]),
        ("https://a.org/1\n\n  https://b.org/2  \nhttps://a.org/1", ["https://a.org/1", "https://b.org/2"]),
        ("https://a.org/1 https://b.org/2", ["https://a.org/1", "https://b.org/2"]),
        ("a.org/soup b.org/stew", ["a.org/soup", "b.org/stew"]),
        ("Pecan pie: https://a.org/pie", ["https://a.org/pie"]),
        ("my grandmother's   soup\r\nhttps://a.org/1", ["my grandmother's soup", "https://a.org/1"]),
        ("e.g. tomato soup", ["e.g. tomato soup"]),
        ("", []),
    ],
)
def test_a_pasted_list_is_read_line_by_line(text: str, entries: list[str]) -> None:
    assert split_addresses(text) == entries


@pytest.mark.parametrize("raw", ["not a url", "soup", "my grandmother's soup"])
def test_what_is_not_an_address_is_told_so(raw: str) -> None:
    with pytest.raises(BadUrl) as caught:
        check_url(raw)
    assert caught.value.message == NOT_AN_ADDRESS


def test_not_a_url_is_one_entry_on_the_page(alice: Client, site: Site) -> None:
    one = alice.post("/recipes/import", data={"url": "not a url"})
    assert one.status_code == 400
    assert "That is not a web address" in one.text
    listed = alice.post("/recipes/import", data={"url": f"not a url\n{site.url('/soup')}"}, follow_redirects=True)
    page = text_of(listed.text)
    assert "Imported 1 of 2 addresses." in page
    assert page.count("Failed") == 1 and "not a url That is not a web address" in page


# --- results on a page of their own ---------------------------------------------------------------


def without_csrf_token(page: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', page)


def test_a_list_redirects_to_results_that_survive_a_reload(alice: Client, bob: Client, site: Site) -> None:
    posted = alice.post("/recipes/import", data={"url": f"{site.url('/soup')}\n{site.url('/blog')}"})
    assert posted.status_code == 303
    results = posted.headers["Location"]
    assert re.fullmatch(r"/recipes/import/results/[A-Za-z0-9_-]{20,}", results), results
    first, again = alice.get(results), alice.get(results)
    assert first.status_code == again.status_code == 200
    assert "Imported 1 of 2 addresses." in first.text and "Tomato Soup" in first.text
    assert "No recipe found" in first.text
    # The same page again (but for the form's CSRF token, signed with the second it was made in).
    assert without_csrf_token(again.text) == without_csrf_token(first.text)
    assert bob.get(results).status_code == 404  # only for the login that imported


def test_a_file_import_redirects_to_results_named_by_title_with_counts(alice: Client, app: Flask) -> None:
    if not MEALIE.exists():
        pytest.skip("the shared export samples are missing")
    first = upload(alice, MEALIE)
    assert first.status_code == 303
    page = alice.get(first.headers["Location"])
    assert page.status_code == 200
    assert "Imported from Mealie backup" in page.text
    assert re.search(r"<summary>Imported \(46\)</summary>", page.text), page.text[:3000]

    twice = upload(alice, MEALIE)
    results = twice.headers["Location"]
    page = alice.get(results).text
    assert "Already in your recipes (46)" in page
    # By the recipe's title, with where it was in the file beside it (not instead of it).
    assert '<span class="import-name">jitdswayjn</span>' in page
    assert '<small class="import-url">database.json: recipe mjycpionzn</small>' in page
    assert '<span class="import-name">database.json' not in page
    # A reload shows them again and imports nothing (the same page but its CSRF tokens, which are
    # signed with the second they were made in).
    assert without_tokens(alice.get(results).text) == without_tokens(page)


def test_results_are_kept_a_day(alice: Client, app: Flask, site: Site) -> None:
    results = alice.post("/recipes/import", data={"url": f"{site.url('/soup')}\n{site.url('/cake')}"}).headers[
        "Location"
    ]
    with app.app_context():
        db.session.execute(update(ImportResult).values(created_at=ImportResult.created_at - timedelta(days=2)))
        db.session.commit()
    gone = alice.get(results)
    assert gone.status_code == 404
    assert "not kept any more" in gone.text and "in your recipes" in gone.text


def test_results_go_with_their_login(alice: Client, auth_client_for: Any, site: Site) -> None:
    results = alice.post("/recipes/import", data={"url": f"{site.url('/soup')}\n{site.url('/cake')}"}).headers[
        "Location"
    ]
    alice.post("/auth/logout")
    assert alice.get(results).status_code == 302  # to the login page
    again = auth_client_for("alice")
    assert again.get(results).status_code == 404  # another login of the same account


@pytest.fixture
def auth_client_for(app: Flask) -> Any:
    from .conftest import AuthActions

    def log_in(username: str) -> Client:
        client: Client = app.test_client()  # type: ignore[assignment]
        assert AuthActions(client).login(username).status_code == 302
        return client

    return log_in


@pytest.mark.parametrize("key", ["x" * 500, "../../etc/passwd", "nope"])
def test_made_up_results_keys_are_not_found(alice: Client, key: str) -> None:
    assert alice.get(f"/recipes/import/results/{key}").status_code == 404


# --- the page's script: a run, recorded as it goes ------------------------------------------------


def test_a_run_reads_the_list_and_records_each_outcome(alice: Client, site: Site) -> None:
    text = f"{site.url('/soup')}\nnot a url\n{site.url('/blog')}\n{site.url('/soup')}"
    planned = alice.post("/recipes/import/runs", data={"url": text}, headers=JSON_ACCEPT)
    assert planned.status_code == 200 and planned.json is not None
    urls = planned.json["urls"]
    assert urls == [site.url("/soup"), "not a url", site.url("/blog")]
    results = planned.json["results_url"]
    assert results == f"/recipes/import/results/{planned.json['run']}"
    waiting = text_of(alice.get(results).text)
    assert "Imported 0 of 3 addresses." in waiting and waiting.count("Not tried") == 3

    for url in urls[:2]:
        answer = alice.post("/recipes/import", data={"url": url, "run": planned.json["run"]}, headers=JSON_ACCEPT)
        assert answer.json is not None and answer.json["status"] in ("imported", "failed")
    page = text_of(alice.get(results).text)
    assert "Imported 1 of 3 addresses." in page
    assert "Tomato Soup" in page and "That is not a web address" in page
    assert page.count("Not tried") == 1  # the one the run did not get to (a closed tab)
    assert "Continue importing" in page


def test_a_run_of_one_address_has_no_results_page(alice: Client, site: Site) -> None:
    planned = alice.post("/recipes/import/runs", data={"url": f"  {site.url('/soup')}  "}, headers=JSON_ACCEPT)
    assert planned.json == {"urls": [site.url("/soup")], "run": None, "results_url": None}


def test_a_run_the_form_refuses_is_a_json_error(alice: Client) -> None:
    empty = alice.post("/recipes/import/runs", data={"url": ""}, headers=JSON_ACCEPT)
    assert empty.status_code == 400 and empty.json is not None
    assert empty.json["error"]["message"] == "Enter the address of a recipe page."
    many = "\n".join(f"https://example.org/{n}" for n in range(101))
    assert alice.post("/recipes/import/runs", data={"url": many}, headers=JSON_ACCEPT).status_code == 400


def test_an_outcome_for_someone_elses_run_is_not_recorded(alice: Client, bob: Client, site: Site) -> None:
    planned = alice.post("/recipes/import/runs", data={"url": f"{site.url('/soup')}\n{site.url('/cake')}"})
    assert planned.json is not None
    run = planned.json["run"]
    answer = bob.post("/recipes/import", data={"url": site.url("/soup"), "run": run}, headers=JSON_ACCEPT)
    assert answer.status_code == 201  # bob's import is his own business
    page = text_of(alice.get(planned.json["results_url"]).text)
    assert "Imported 0 of 2 addresses." in page


# --- a private address ----------------------------------------------------------------------------


def test_a_private_address_refusal_says_an_admin_can_allow_it(app: Flask, alice: Client, site: Site) -> None:
    app.config["RECIPES_IMPORT_ALLOW_PRIVATE"] = False
    refused = alice.post("/recipes/import", data={"url": site.url("/soup")})
    assert refused.status_code == 422
    page = text_of(refused.text)
    assert "private or reserved address" in page
    assert PRIVATE_HINT in page and "RECIPES_IMPORT_ALLOW_PRIVATE" in PRIVATE_HINT
    assert "resolves to" not in page  # the log's detail (the addresses) stays in the log
    assert site.hits == []


def test_an_address_never_allowed_does_not_suggest_allowing_it(app: Flask, alice: Client) -> None:
    app.config["RECIPES_IMPORT_ALLOW_PRIVATE"] = False
    refused = alice.post("/recipes/import", data={"url": "http://169.254.169.254/latest/meta-data/"})
    assert refused.status_code == 422
    assert "private or reserved address" in refused.text
    assert "RECIPES_IMPORT_ALLOW_PRIVATE" not in refused.text


@pytest.mark.parametrize(
    ("url", "private"),
    [("http://127.0.0.1:8080/", True), ("http://10.1.2.3/", True), ("http://169.254.169.254/", False)],
)
def test_the_fetcher_says_whether_only_the_private_rule_refused(url: str, private: bool) -> None:
    from recipes import net

    with pytest.raises(net.FetchError) as caught:
        net.fetch(url, allow_private=False, deadline=2)
    assert caught.value.code == "blocked_address"
    assert caught.value.private is private


# --- the command line ---------------------------------------------------------------------------


def test_cli_names_left_out_recipes_by_title(app: Flask, alice: Client, tmp_path: Path) -> None:
    if not MEALIE.exists():
        pytest.skip("the shared export samples are missing")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-file", "--user", "alice", str(MEALIE)]).exit_code == 0
    again = runner.invoke(args=["import-file", "--user", "alice", str(MEALIE)])
    assert "Already there: jitdswayjn (database.json: recipe mjycpionzn): You already have this recipe." in again.stderr
