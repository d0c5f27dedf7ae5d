"""The account corner: "Export all" lives on the account page; times are <time> elements the
browser shows in the viewer's local time (readable UTC without JavaScript); revoking an API
token or a share link asks first (a confirmation page without JavaScript, a dialog with it)
and comes back to the same place on the page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from markupsafe import Markup
from sqlalchemy import select

from recipes.extensions import db
from recipes.models import ApiToken, ShareLink
from recipes.web import utc_time

from .conftest import Client, create_recipe


def test_export_all_is_on_the_account_page_not_under_the_list(alice: Client) -> None:
    create_recipe(alice)
    account = alice.get("/auth/account").text
    assert re.search(r'<a [^>]*href="/recipes/export"[^>]*>Export all my recipes</a>', account)
    assert 'href="/recipes/export"' not in alice.get("/recipes/").text


def test_times_are_time_elements_with_a_utc_fallback(app: Flask) -> None:
    moment = datetime(2026, 11, 21, 21, 41, 7, tzinfo=UTC)
    with app.app_context():
        shown = utc_time(moment)
        assert isinstance(shown, Markup)
        assert shown == '<time datetime="2026-11-21T21:41:07Z" data-local="relative">2026-11-21 21:41 UTC</time>'
        assert 'data-local="datetime"' in utc_time(moment, style="datetime")
        assert utc_time(datetime(2026, 11, 21, 21, 41)) == shown.replace(":07Z", ":00Z")  # SQLite's naive UTC
        assert utc_time("2026-11-21T21:41:07+00:00") == shown  # as a session keeps it
        assert utc_time(moment.astimezone(ZoneInfo("Asia/Tokyo"))) == shown  # always written in UTC
        assert utc_time(None) == "—" and utc_time(None, "never") == "never"
        with pytest.raises(ValueError, match="style"):
            utc_time(moment, style="fancy")


def test_every_page_loads_the_local_time_and_confirm_scripts(client: Client) -> None:
    page = client.get("/auth/register").text
    assert '<script src="/static/local-time.js" defer></script>' in page
    assert '<script src="/static/confirm.js" defer></script>' in page


def test_the_token_table_shows_time_elements(alice: Client) -> None:
    alice.post("/auth/account/tokens", data={"name": "Home Assistant", "expires": "30d"})
    alice.get("/auth/account")  # the page that shows it once
    page = alice.get("/auth/account").text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ" data-local="relative">', page)


def _token_id(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(ApiToken.id)) or 0)


def test_revoking_a_token_asks_first(app: Flask, alice: Client) -> None:
    alice.post("/auth/account/tokens", data={"name": "Home Assistant", "expires": "never"})
    token_id = _token_id(app)
    account = alice.get("/auth/account").text
    form = re.search(rf'<form [^>]*action="/auth/account/tokens/{token_id}/revoke"[^>]*>(.*?)</form>', account, re.S)
    assert form, account
    assert 'data-confirm="Revoke the token “Home Assistant”?' in form.group(0)  # the dialog, with JavaScript
    assert 'name="ask_first"' in form.group(1)  # the page, without

    asked = alice.post(f"/auth/account/tokens/{token_id}/revoke", data={"ask_first": "1"})
    assert asked.status_code == 200
    assert "Revoke the token “Home Assistant”?" in asked.text
    assert f'action="/auth/account/tokens/{token_id}/revoke"' in asked.text
    assert 'name="ask_first"' not in asked.text
    assert 'href="/auth/account#api-tokens"' in asked.text  # cancel: back to the same place
    assert _token_id(app) == token_id  # asking changes nothing

    done = alice.post(f"/auth/account/tokens/{token_id}/revoke")
    assert done.status_code == 302 and done.headers["Location"].endswith("/auth/account#api-tokens")
    assert _token_id(app) == 0  # gone


def test_revoking_a_share_link_asks_first(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})
    with app.app_context():
        link = db.session.scalars(select(ShareLink)).one()
        share_id, hint = link.id, link.hint
    page = alice.get(f"/recipes/{recipe_id}").text
    action = f"/recipes/{recipe_id}/shares/{share_id}/revoke"
    form = re.search(rf'<form [^>]*action="{action}"[^>]*>(.*?)</form>', page, re.S)
    assert form, page
    assert f'data-confirm="Revoke the link /s/{hint}…?' in form.group(0)
    assert 'name="ask_first"' in form.group(1)

    asked = alice.post(action, data={"ask_first": "1"})
    assert asked.status_code == 200
    assert f"Revoke the link /s/{hint}…?" in asked.text
    assert f'action="{action}"' in asked.text and 'name="ask_first"' not in asked.text
    assert f'href="/recipes/{recipe_id}#share"' in asked.text
    with app.app_context():
        assert db.session.get(ShareLink, share_id).revoked_at is None  # type: ignore[union-attr]

    done = alice.post(action)
    assert done.status_code == 302 and done.headers["Location"] == f"/recipes/{recipe_id}#share"
    with app.app_context():
        assert db.session.get(ShareLink, share_id).revoked_at is not None  # type: ignore[union-attr]


def test_asking_about_someone_elses_link_or_token_is_a_404(app: Flask, alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice)
    alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})
    alice.post("/auth/account/tokens", data={"name": "mine", "expires": "never"})
    with app.app_context():
        share_id = db.session.scalars(select(ShareLink.id)).one()
    assert bob.post(f"/recipes/{recipe_id}/shares/{share_id}/revoke", data={"ask_first": "1"}).status_code == 404
    assert bob.post(f"/auth/account/tokens/{_token_id(app)}/revoke", data={"ask_first": "1"}).status_code == 404
