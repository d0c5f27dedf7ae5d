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


# --- blocks of hits: the API's limit without a write per request --------------------------------


@pytest.mark.parametrize(
    ("count", "size"), [(1, 1), (3, 1), (199, 1), (200, 2), (600, 6), (1000, 10), (5000, 50), (1_000_000, 50)]
)
def test_a_block_is_a_hundredth_of_the_limit_at_most_fifty(count: int, size: int) -> None:
    assert ratelimit.block_size(ratelimit.Limit(count, timedelta(minutes=1))) == size


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_block_hands_out_its_hits_but_the_first_then_is_empty() -> None:
    clock = Clock()
    blocks = ratelimit.Blocks(clock)
    assert not blocks.take("k")  # nothing reserved yet
    blocks.keep("k", ratelimit.Reservation(hits=4, started=clock.now, window=60))
    assert [blocks.take("k") for _ in range(4)] == [True, True, True, False]  # the first was the reserver's
    assert blocks.left("k") == 0
    assert not blocks.take("other")


def test_a_block_ends_when_its_row_leaves_the_window() -> None:
    """A hit is only handed out while the row that reserved it still counts in the database."""
    clock = Clock()
    blocks = ratelimit.Blocks(clock)
    blocks.keep("k", ratelimit.Reservation(hits=10, started=clock.now - 1, window=60))
    assert blocks.take("k")
    clock.now += 58.9
    assert blocks.take("k") and blocks.left("k") == 7
    clock.now += 0.1  # 60 s after the reservation began
    assert blocks.left("k") == 0
    assert not blocks.take("k")


def test_a_new_block_replaces_what_was_left_of_the_old_one() -> None:
    """Two requests of one process reserving at once: the older hits are dropped (stricter, never
    looser), so a process never holds more than one block's worth per key."""
    clock = Clock()
    blocks = ratelimit.Blocks(clock)
    blocks.keep("k", ratelimit.Reservation(hits=5, started=clock.now, window=60))
    blocks.keep("k", ratelimit.Reservation(hits=3, started=clock.now, window=60))
    assert blocks.left("k") == 2
    blocks.keep("k", ratelimit.Reservation(hits=1, started=clock.now, window=60))  # room for one: none left
    assert blocks.left("k") == 0 and not blocks.take("k")


def test_a_forked_worker_starts_without_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Gunicorn forks workers from the master: a copy of its blocks would be spent twice."""
    import os

    blocks = ratelimit.Blocks(Clock())
    blocks.keep("k", ratelimit.Reservation(hits=5, started=1000.0, window=60))
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert not blocks.take("k")


def test_blocks_kept_for_many_keys_drop_the_stale_ones_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "BLOCKED_KEYS_MAX", 3)
    clock = Clock()
    blocks = ratelimit.Blocks(clock)
    blocks.keep("old", ratelimit.Reservation(hits=5, started=clock.now - 100, window=60))  # already out
    blocks.keep("a", ratelimit.Reservation(hits=5, started=clock.now, window=60))
    blocks.keep("b", ratelimit.Reservation(hits=5, started=clock.now, window=60))
    blocks.keep("c", ratelimit.Reservation(hits=5, started=clock.now, window=60))
    assert [blocks.left(key) for key in ("old", "a", "b", "c")] == [0, 4, 4, 4]
    blocks.keep("d", ratelimit.Reservation(hits=5, started=clock.now, window=60))  # all live: the oldest goes
    assert [blocks.left(key) for key in ("a", "b", "c", "d")] == [0, 4, 4, 4]


def test_reserve_writes_one_row_for_a_block_and_less_when_the_window_has_less_room(app: Flask) -> None:
    limit = ratelimit.Limit(250, timedelta(minutes=1))  # blocks of 2
    with app.app_context():
        db.session.add(RateLimitHit(key="k", at=utcnow(), hits=247))
        db.session.commit()
        assert ratelimit.reserve("k", limit, "API requests").hits == 2
        db.session.commit()
        assert ratelimit.reserve("k", limit, "API requests").hits == 1  # one left
        db.session.commit()
        with pytest.raises(ratelimit.RateLimited) as caught:
            ratelimit.reserve("k", limit, "API requests")
        assert caught.value.message == "Too many API requests for now. Try again in 60 seconds."
        db.session.rollback()
        rows = db.session.scalars(db.select(RateLimitHit.hits).order_by(RateLimitHit.id)).all()
        assert rows == [247, 2, 1]


def test_check_counts_the_hits_of_a_block_not_its_rows(app: Flask) -> None:
    """Every limit reads the same rows: a block of 5 is five actions, for check and count too."""
    limit = ratelimit.Limit(6, timedelta(minutes=10))
    with app.app_context():
        db.session.add(RateLimitHit(key="k", at=utcnow(), hits=5))
        db.session.commit()
        ratelimit.count("k", limit, "imports")
        db.session.commit()
        with pytest.raises(ratelimit.RateLimited):
            ratelimit.check("k", limit, "imports")
