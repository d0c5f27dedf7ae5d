"""Templates' url_for remembers links, and gives the very links Flask builds."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template_string, url_for

from recipes import template_urls

from .conftest import Client


def _small_app() -> Flask:
    app = Flask(__name__)
    bp = Blueprint("things", __name__)

    @bp.get("/things/<int:thing_id>")
    def thing(thing_id: int) -> str:
        return str(thing_id)

    @bp.get("/things/")
    def index() -> str:
        return "things"

    app.register_blueprint(bp)
    template_urls.init_app(app)
    return app


def test_links_are_flasks_own_and_follow_a_proxys_path_prefix() -> None:
    app = _small_app()
    template = "{{ url_for('things.thing', thing_id=3) }} {{ url_for('static', filename='a b.css') }}"
    for prefix in ("", "/recipes", ""):
        with app.test_request_context("/", base_url=f"http://localhost{prefix}"):
            expected = f"{url_for('things.thing', thing_id=3)} {url_for('static', filename='a b.css')}"
            assert expected.startswith(prefix + "/things/3")
            assert render_template_string(template) == expected


def test_what_is_not_remembered_is_still_built(monkeypatch: Any) -> None:
    app = _small_app()
    remembered = app.jinja_env.globals["url_for"]
    assert remembered is not url_for
    with app.test_request_context("/things/1", base_url="http://kitchen.lan"):
        assert remembered("things.index", _external=True) == "http://kitchen.lan/things/"
        assert remembered("things.thing", thing_id=2, tags=["a", "b"]) == "/things/2?tags=a&tags=b"
    with app.test_request_context("/things/1", base_url="http://other.lan"):
        assert remembered("things.index", _external=True) == "http://other.lan/things/"
    app.config["SERVER_NAME"] = "kitchen.lan"
    with app.app_context():  # outside a request: Flask's rules (SERVER_NAME) apply
        assert remembered("things.index") == url_for("things.index") == "http://kitchen.lan/things/"


def test_a_relative_endpoint_is_the_current_blueprints() -> None:
    app = _small_app()
    remembered = app.jinja_env.globals["url_for"]
    with app.test_request_context("/things/1"):
        assert remembered(".index") == "/things/"


def test_the_memory_is_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(template_urls, "MAX_KEPT", 10)
    app = _small_app()
    remembered = app.jinja_env.globals["url_for"]
    with app.test_request_context("/"):
        links = [remembered("things.thing", thing_id=n) for n in range(25)]
        assert links == [f"/things/{n}" for n in range(25)]
        kept = remembered.__closure__  # type: ignore[attr-defined]
        sizes = [len(cell.cell_contents) for cell in kept if isinstance(cell.cell_contents, dict)]
        assert sizes and max(sizes) <= 10


def test_an_app_with_url_defaults_builds_every_link() -> None:
    app = Flask(__name__)

    @app.url_defaults
    def add_language(endpoint: str, values: dict[str, Any]) -> None:
        values.setdefault("lang", "en")

    template_urls.init_app(app)
    assert app.jinja_env.globals["url_for"] == app.url_for


def test_the_apps_pages_use_it(app: Flask, alice: Client) -> None:
    assert app.jinja_env.globals["url_for"] is not app.url_for
    page = alice.get("/recipes/", base_url="http://localhost/cookbook").text
    assert 'href="/cookbook/static/app.css"' in page
    page = alice.get("/recipes/").text
    assert 'href="/static/app.css"' in page and "/cookbook/" not in page
