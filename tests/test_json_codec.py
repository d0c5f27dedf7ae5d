"""JSON through orjson where it gives the standard library's answer, and the standard library
where orjson would refuse."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import text

from recipes.extensions import db
from recipes.json_codec import FastJSONProvider, column_loads

from .conftest import Client
from .test_api import make_token


@dataclass
class Point:
    x: int
    when: dt.date


class Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


MIXED: dict[str, Any] = {
    "zebra": [1, 2.5, None, True],
    "apple": {"é": "crème brûlée", "b": 1, "a": 2},
    "moment": dt.datetime(2026, 12, 6, 15, 30, tzinfo=dt.UTC),
    "day": dt.date(2026, 12, 6),
    "price": Decimal("3.50"),
    "point": Point(3, dt.date(2026, 1, 2)),
    "html": Html(),
}


@pytest.fixture
def providers() -> tuple[FastJSONProvider, DefaultJSONProvider]:
    app = Flask(__name__)
    return FastJSONProvider(app), DefaultJSONProvider(app)


def test_it_gives_the_same_json_as_flasks_own_provider(providers: tuple[FastJSONProvider, DefaultJSONProvider]) -> None:
    fast, flask_own = providers
    written = fast.dumps(MIXED)
    assert json.loads(written) == json.loads(flask_own.dumps(MIXED))
    # Dates as Flask writes them (HTTP dates), not orjson's ISO form; keys sorted, as Flask sorts them.
    assert json.loads(written)["moment"] == "Sun, 06 Dec 2026 15:30:00 GMT"
    assert list(json.loads(written)) == sorted(MIXED)
    assert '"crème brûlée"' in written  # UTF-8, not \\u escapes


def test_what_orjson_refuses_is_written_by_the_standard_library(
    providers: tuple[FastJSONProvider, DefaultJSONProvider],
) -> None:
    fast, _ = providers
    huge = {"n": 2**70, "nan": math.nan}
    assert fast.dumps(huge) == '{"n": 1180591620717411303424, "nan": NaN}'
    assert fast.dumps(huge, separators=(",", ":")) == '{"n":1180591620717411303424,"nan":NaN}'
    with pytest.raises(TypeError):  # what neither can write is still an error
        fast.dumps({"x": object()})


def test_indented_output_is_the_standard_librarys(providers: tuple[FastJSONProvider, DefaultJSONProvider]) -> None:
    fast, flask_own = providers
    assert fast.dumps({"b": 1, "a": [1]}, indent=2) == flask_own.dumps({"b": 1, "a": [1]}, indent=2)


def test_column_values_are_read_whatever_json_dumps_wrote() -> None:
    assert column_loads('{"a": [1, 2.5, "é"]}') == {"a": [1, 2.5, "é"]}
    assert column_loads(b"[1]") == [1]
    assert column_loads(json.dumps([2**70])) == [2**70]
    assert math.isnan(column_loads(json.dumps([math.nan]))[0])
    with pytest.raises(ValueError):  # not JSON at all: an error, as before
        column_loads("{not json")


def test_the_app_uses_both(app: Flask) -> None:
    assert isinstance(app.json, FastJSONProvider)
    with app.test_request_context():
        response = jsonify(b=1, a="é")
    assert response.get_data(as_text=True) == '{"a":"é","b":1}\n'
    with app.app_context():
        assert db.engine.dialect._json_deserializer is column_loads
        row = db.session.execute(text("SELECT ingredients FROM recipe LIMIT 0")).all()
        assert row == []


def test_a_recipe_goes_through_the_api_and_back_unchanged(app: Flask, alice: Client) -> None:
    token = {"Authorization": f"Bearer {make_token(app, 'alice')}"}
    created = alice.post(
        "/api/v1/recipes",
        headers=token,
        json={
            "title": "Crème brûlée",
            "ingredients": ["500 ml cream", "5 egg yolks", "100 g sugar"],
            "instructions": ["Bake at 150 °C."],
            "nutrition": {"calories": "300 kcal"},
        },
    )
    assert created.status_code == 201, created.text
    listed = alice.get("/api/v1/recipes").get_json()
    (recipe,) = listed["items"]
    assert recipe["title"] == "Crème brûlée"
    assert recipe["ingredients"] == ["500 ml cream", "5 egg yolks", "100 g sugar"]
    assert recipe["ingredient_details"][0]["quantity"] == 500
    assert recipe["nutrition"] == {"calories": "300 kcal"}
    assert "Crème" in alice.get("/api/v1/recipes").get_data(as_text=True)
