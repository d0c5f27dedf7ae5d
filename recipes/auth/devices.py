"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

A browser that signs in to an account gets a signed, long-lived cookie naming that account.
Its later login attempts for the account are counted on their own (under the device's
key, see services.log_in), not under the account-wide lockout: someone guessing bob's
password from elsewhere locks out every browser bob has never used, but not bob's own.
The cookie exempts from nothing else: the password is still checked, the per-address
limit still holds, and a device that keeps failing is locked out itself.

The cookie names no secret and grants no access; it is signed with the app's secret key,
so it cannot be forged or pointed at another account. One browser remembers several
accounts (a family computer).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE_NAME = "recipes_device"
LIFETIME = timedelta(days=365)
# Accounts one browser remembers, the most recent first.
MAX_ACCOUNTS = 8
_SALT = "recipes.auth.device"
_NONCE_BYTES = 16


@dataclass(frozen=True)
class Device:
    """A browser, by the random name its cookie carries, and the accounts signed in on it."""

    nonce: str
    account_ids: tuple[int, ...]

    def knows(self, user_id: int) -> bool:
        return user_id in self.account_ids

    def signed_in(self, user_id: int) -> Device:
        """This device after a successful login to `user_id`."""
        others = tuple(known for known in self.account_ids if known != user_id)
        return Device(self.nonce, (user_id, *others)[:MAX_ACCOUNTS])


def new_device() -> Device:
    return Device(secrets.token_urlsafe(_NONCE_BYTES), ())


def _serializer(secret_key: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def read(secret_key: str | bytes, value: str | None) -> Device | None:
    """The device a cookie names, or None for no cookie, a bad signature, an old or
    malformed one (all the same: no exemption)."""
    if not value:
        return None
    try:
        data: Any = _serializer(secret_key).loads(value, max_age=int(LIFETIME.total_seconds()))
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    nonce, ids = data.get("n"), data.get("a")
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 64 or not isinstance(ids, list):
        return None
    if not all(isinstance(known, int) and not isinstance(known, bool) for known in ids):
        return None
    return Device(nonce, tuple(ids[:MAX_ACCOUNTS]))


def cookie_value(secret_key: str | bytes, device: Device) -> str:
    return str(_serializer(secret_key).dumps({"n": device.nonce, "a": list(device.account_ids)}))
