"""argon2id password hashing, with the cost read from the app config."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def burn_verification_time(password: str) -> None:
    """Spend what a real check costs, so an unknown user answers as slowly as a wrong password."""
    verify_password(_dummy_hash(), password)


def _dummy_hash() -> str:
    cached: str | None = current_app.extensions.get("recipes_dummy_hash")
    if cached is None:
        cached = hash_password("not-a-real-password")
        current_app.extensions["recipes_dummy_hash"] = cached
    return cached
