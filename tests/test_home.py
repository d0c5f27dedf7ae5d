from pathlib import Path

import pytest
from flask import Flask

from recipes import __version__, create_app

from .database_fixtures import FAST_TEST_CONFIG


def test_root_gives_programs_json(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.json == {"message": "Recipes is running", "version": __version__}


@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/json, text/html;q=0.5"])
def test_root_json_for_non_browser_accept_headers(client, accept):
    assert client.get("/", headers={"Accept": accept}).is_json


def test_root_sends_browsers_to_the_recipes(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/", headers={"Accept": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == "/recipes/"


def test_healthz_ok_without_login_and_with_any_host(client):
    for host in ("localhost", "recipes.example.org", "10.0.0.7:8288"):
        response = client.get("/healthz", headers={"Host": host})
        assert response.status_code == 200
        assert response.json == {"status": "ok"}


def test_healthz_503_when_database_unreachable(tmp_path: Path):
    missing = tmp_path / "no-such-dir" / "recipes.db"
    app: Flask = create_app(
        {**FAST_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}", "RECIPES_CONFIG_DIR": str(tmp_path)}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"
    assert "unable to open database file" in response.json["reason"]


def test_security_headers_on_pages(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert "pico" in response.text  # the site's stylesheet, so the page looks like the rest


def test_unknown_page_json_for_json_clients(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_server_error_page_rolls_back_and_is_styled(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.testing = False  # let the error handler run instead of re-raising
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "kaboom" not in response.text and "Traceback" not in response.text


def test_static_assets_are_vendored(client):
    response = client.get("/static/vendor/pico-2.1.1/pico.pumpkin.min.css")
    assert response.status_code == 200
    assert b"Pico CSS" in response.data
    response.close()
