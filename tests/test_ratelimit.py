"""Rate limits in the database: counted per key, freed as the window passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from recipes import ratelimit
from recipes.config import ConfigError, RateLimit, env_rate
from recipes.extensions import db
from recipes.models import RateLimitHit, utcnow


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30/10m", (30, 600)), ("60/h", (60, 3600)), (" 5 / 30 s ", (5, 30)), ("1000/d", (1000, 86400))],
)
def test_rate_settings(text: str, expected: tuple[int, int]) -> None:
    assert env_rate({"X": text}, "X", "1/s") == RateLimit.per(*expected)


def test_rate_setting_default() -> None:
    assert env_rate({}, "X", "60/10m") == RateLimit.per(60, 600)


@pytest.mark.parametrize("text", ["30", "0/m", "ten/m", "30/10x", "30/0m", "-1/m"])
def test_bad_rate_settings_name_the_variable(text: str) -> None:
    with pytest.raises(ConfigError, match="X must look like 30/10m"):
        env_rate({"X": text}, "X", "1/s")


def test_a_limit_counts_per_key_and_frees_up(app: Flask) -> None:
    limit = ratelimit.Limit(2, timedelta(minutes=10))
    with app.app_context():
        ratelimit.count("k", limit, "imports")
        ratelimit.count("k", limit, "imports")
        db.session.commit()
        with pytest.raises(ratelimit.RateLimited) as caught:
            ratelimit.count("k", limit, "imports")
        assert 590 <= caught.value.retry_after <= 600
        assert caught.value.message == "Too many imports for now. Try again in 10 minutes."
        db.session.rollback()
        ratelimit.count("other", limit, "imports")  # another key is not affected
        # Once the oldest hits are older than the window, there is room again (and they go).
        for hit in db.session.scalars(db.select(RateLimitHit).where(RateLimitHit.key == "k")):
            hit.at = utcnow() - timedelta(minutes=11)
        db.session.commit()
        ratelimit.count("k", limit, "imports")
        db.session.commit()
        keys = [h.key for h in db.session.scalars(db.select(RateLimitHit).order_by(RateLimitHit.id))]
        assert sorted(keys) == ["k", "other"]


def test_short_waits_are_in_seconds() -> None:
    assert ratelimit.RateLimited(42, "imports").message == "Too many imports for now. Try again in 42 seconds."


def test_rate_limits_are_parsed_once_when_the_app_is_made(app_config: dict[str, object]) -> None:
    """Policies are typed values in the config: a request reads them, never parses them."""
    from recipes import create_app
    from recipes.config import RATE_LIMIT_SETTINGS

    app = create_app({**app_config, "RECIPES_API_RATE_LIMIT": "7/m", "RECIPES_LOGIN_RATE_LIMIT": (3, 60)})
    assert app.config["RECIPES_API_RATE_LIMIT"] == RateLimit.per(7, 60)
    assert app.config["RECIPES_LOGIN_RATE_LIMIT"] == RateLimit.per(3, 60)
    assert all(isinstance(app.config[name], RateLimit) for name in RATE_LIMIT_SETTINGS)
    with pytest.raises(ConfigError, match="RECIPES_IMPORT_RATE_LIMIT must look like"):
        create_app({**app_config, "RECIPES_IMPORT_RATE_LIMIT": "often"})
