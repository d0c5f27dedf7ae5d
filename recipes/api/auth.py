"""Who is calling the API: a personal token (`Authorization: Bearer ...`), or a browser
that is signed in to the pages.

A token request needs no CSRF token: a browser never adds the Authorization header by
itself, so another site cannot forge one. A cookie request can be forged, so its state
changes need the CSRF token (the `X-CSRFToken` header) exactly as the forms do.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user

from ..auth import tokens
from ..database import SAFE_METHODS, release_transaction, write_intent
from ..extensions import csrf, db
from ..models import User
from ..ratelimit import Limit, RateLimited, count
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

    One short write transaction (the token's last use and the rate-limit count), committed
    before the request's own work starts."""
    secret = _bearer_token()
    if secret is None and not current_user.is_authenticated:
        raise _unauthorized("This needs an API token (make one on your account page) or a signed-in browser.")
    if secret is None and request.method not in SAFE_METHODS:
        csrf.protect()  # a signed-in browser: the same CSRF rule as every form
    limit: Limit = current_app.config["RECIPES_API_RATE_LIMIT"]
    release_transaction()  # loading the session user began a read; the writes below need the lock
    with write_intent():
        try:
            if secret is not None:
                user, token = tokens.authenticate(secret)
                key = f"api:token:{token.id}"
            else:
                user = current_user._get_current_object()
                key = f"api:user:{current_user.id}"
            count(key, limit, "API requests")
        except tokens.TokenInvalid:
            db.session.rollback()
            raise _unauthorized("That API token is not valid: it may have been revoked or have expired.") from None
        except RateLimited as exc:
            db.session.rollback()
            raise ApiError(429, "rate_limited", exc.message, headers={"Retry-After": str(exc.retry_after)}) from None
        db.session.commit()
    g.api_user = user


def api_user() -> User:
    """The user this API request acts for (set by `authenticate`)."""
    user: User = g.api_user
    return user
