"""Who is calling the API: a personal token (`Authorization: Bearer ...`), or a browser
that is signed in to the pages.

A token request needs no CSRF token: a browser never adds the Authorization header by
itself, so another site cannot forge one. A cookie request can be forged, so its state
changes need the CSRF token (the `X-CSRFToken` header) exactly as the forms do.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from .. import ratelimit
from ..auth import tokens
from ..database import SAFE_METHODS, release_transaction, write_intent
from ..extensions import csrf, db
from ..models import User
from .errors import ApiError


def _bearer_token() -> str | None:
    """The token in the Authorization header; None when there is no such header."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("Send the token as: Authorization: Bearer <token>.")
    return secret.strip()


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="recipes"'})


def authenticate() -> None:
    """Before every API request: find the caller, count the request against their limit.

    Most requests count a hit this worker has already reserved (ratelimit.Blocks) and write
    nothing. The others (the first of a block, or a token whose last use is a minute old)
    make one short write transaction, committed before the request's own work starts."""
    secret = _bearer_token()
    if secret is None and not current_user.is_authenticated:
        raise _unauthorized("This needs an API token (make one on your account page) or a signed-in browser.")
    if secret is None and request.method not in SAFE_METHODS:
        csrf.protect()  # a signed-in browser: the same CSRF rule as every form
    blocks = ratelimit.blocks_of(current_app)
    if secret is None:
        user: User = current_user._get_current_object()
        key = f"api:user:{user.id}"
        if not blocks.take(key):
            _count_in_database(key, blocks)
    else:
        user = _token_user(secret, blocks)
    g.api_user = user


def _token_user(secret: str, blocks: ratelimit.Blocks) -> User:
    """The token's owner; its request counted (and the token's last use noted) with a write only
    when this worker has no reserved hit left for it, or the last use is due."""
    try:
        user, token = tokens.authenticate(secret)  # in the request's reading transaction
    except tokens.TokenInvalid:
        db.session.rollback()
        raise _unauthorized(_NOT_VALID) from None
    key = f"api:token:{token.id}"
    counted = blocks.take(key)
    if counted and token not in db.session.dirty:
        return user
    return _count_in_database(key, blocks, secret, counted)


def _count_in_database(key: str, blocks: ratelimit.Blocks, secret: str | None = None, counted: bool = False) -> User:
    """One write transaction: the token's last use (with `secret`), and unless `counted`, a new
    block of hits reserved under `key` (RateLimited when the window is full: a 429)."""
    limit: ratelimit.Limit = current_app.config["RECIPES_API_RATE_LIMIT"]
    release_transaction()  # loading the caller began a read; the writes below need the lock
    with write_intent():
        try:
            user = tokens.authenticate(secret)[0] if secret is not None else current_user._get_current_object()
            reservation = None if counted else ratelimit.reserve(key, limit, "API requests")
        except tokens.TokenInvalid:  # revoked (or expired) since it was read a moment ago
            db.session.rollback()
            raise _unauthorized(_NOT_VALID) from None
        except ratelimit.RateLimited as exc:
            db.session.rollback()
            raise ApiError(429, "rate_limited", exc.message, headers={"Retry-After": str(exc.retry_after)}) from None
        db.session.commit()
    if reservation is not None:
        blocks.keep(key, reservation)
    return user


_NOT_VALID = "That API token is not valid: it may have been revoked or have expired."


def api_user() -> User:
    """The user this API request acts for (set by `authenticate`)."""
    user: User = g.api_user
    return user
