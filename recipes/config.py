"""Configuration: built-in defaults < environment < `test_config`.

Everything the app keeps lives in one config directory (`RECIPES_CONFIG_DIR`):
the SQLite database, the secret key, the Gunicorn config and backups.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_CONFIG_DIR = "instance"
SECRET_KEY_FILENAME = "secret_key"  # noqa: S105 (a file name, not a secret)
DATABASE_FILENAME = "recipes.db"
BACKUP_DIR_NAME = "backups"

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A setting is unusable; the message says which one and why."""


def env_flag(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateLimit:
    """A rate-limit policy: `count` actions per `window`. Parsed once, when the app is made."""

    count: int
    window: timedelta

    @classmethod
    def per(cls, count: int, seconds: int) -> RateLimit:
        return cls(count, timedelta(seconds=seconds))


def parse_rate(name: str, raw: str) -> RateLimit:
    """ "30/10m" is 30 per 10 minutes, "60/h" 60 an hour (units s, m, h, d)."""
    match = _RATE.match(raw)
    if not match or int(match[1]) < 1 or match[2] == "0":
        raise ConfigError(f"{name} must look like 30/10m (30 per 10 minutes; units s, m, h, d), not {raw!r}")
    return RateLimit.per(int(match[1]), int(match[2] or 1) * _RATE_UNITS[match[3]])


def env_rate(environ: Mapping[str, str], name: str, default: str) -> RateLimit:
    return parse_rate(name, environ.get(name, "").strip() or default)


RATE_LIMIT_SETTINGS = (
    "RECIPES_IMPORT_RATE_LIMIT",
    "RECIPES_LOGIN_RATE_LIMIT",
    "RECIPES_LOGIN_IP_RATE_LIMIT",
    "RECIPES_API_RATE_LIMIT",
    "RECIPES_INVITE_RATE_LIMIT",
    "RECIPES_FEED_RATE_LIMIT",
)


def as_rate_limit(name: str, value: RateLimit | str | tuple[int, int]) -> RateLimit:
    """A rate limit given to `create_app` as a policy, a "30/10m" string or a (count, seconds) pair."""
    if isinstance(value, RateLimit):
        return value
    if isinstance(value, str):
        return parse_rate(name, value)
    return RateLimit.per(*value)


# The container's health check and `make run`'s own address: always answered.
LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
_HOST_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")


def _is_ipv6_literal(name: str) -> bool:
    if not (name.startswith("[") and name.endswith("]")):
        return False
    try:
        ipaddress.IPv6Address(name[1:-1])
    except ValueError:
        return False
    return True


def trusted_hosts(environ: Mapping[str, str]) -> list[str] | None:
    """RECIPES_TRUSTED_HOSTS ("recipes.example.org, .lan": a leading dot takes every
    subdomain; an IPv6 address in brackets, "[fd00::5]"), lower-cased, plus loopback; None
    when unset (any Host). Matched by security.host_is_trusted, ignoring case and port."""
    names = [name.strip().lower() for name in environ.get("RECIPES_TRUSTED_HOSTS", "").split(",") if name.strip()]
    if not names:
        return None
    for name in names:
        if not (_HOST_NAME.fullmatch(name) or _is_ipv6_literal(name)):
            raise ConfigError(f"RECIPES_TRUSTED_HOSTS: {name!r} is not a host name (e.g. recipes.example.org or .lan)")
    return names + [host for host in LOOPBACK_HOSTS if host not in names]


_URL_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")


def base_url(environ: Mapping[str, str]) -> str | None:
    """RECIPES_BASE_URL, the public address absolute links are built on (share links,
    JSON-LD), as "https://host[:port][/path]" without a trailing slash; None when unset
    (links then follow the address each request came to)."""
    raw = environ.get("RECIPES_BASE_URL", "").strip()
    if not raw:
        return None
    problem = ConfigError(
        f"RECIPES_BASE_URL must be the app's public address, like https://recipes.example.org or "
        f"http://192.168.1.10:8288 (http or https, no user, query or #fragment), not {raw!r}"
    )
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise problem from None
    host = parts.hostname or ""
    if (
        parts.scheme.lower() not in ("http", "https")
        or not (_HOST_NAME.fullmatch(host) or _is_ipv6_literal(f"[{host}]"))
        or host.startswith(".")
        or parts.username is not None
        or parts.password is not None
        or "?" in raw
        or "#" in raw
        or not _URL_PATH.fullmatch(parts.path)
    ):
        raise problem
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port is not None else "")
    return f"{parts.scheme.lower()}://{netloc}{parts.path.rstrip('/')}"


# Where the app factory is found, by the CLI and bootstrap as by Gunicorn (config/gunicorn.conf.py).
APP_IMPORT_PATH = "recipes"
# The app start-up migrates with (`recipes bootstrap`): the configuration and the database, no pages.
START_UP_APP_IMPORT_PATH = "recipes.app:create_start_up_app"
DEFAULT_BACKUP_KEEP = 10


def env_backup_keep(environ: Mapping[str, str]) -> int:
    keep = env_int(environ, "RECIPES_BACKUP_KEEP", DEFAULT_BACKUP_KEEP)
    if keep < 1:
        raise ConfigError("RECIPES_BACKUP_KEEP must be at least 1 (the backup just made is always kept)")
    return keep


DEFAULT_SESSION_DAYS = 90


def env_session_days(environ: Mapping[str, str]) -> int:
    days = env_int(environ, "RECIPES_SESSION_DAYS", DEFAULT_SESSION_DAYS)
    if not 1 <= days <= 3650:
        raise ConfigError("RECIPES_SESSION_DAYS must be from 1 to 3650 (days an idle login lasts)")
    return days


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return Path(environ.get("RECIPES_CONFIG_DIR") or DEFAULT_CONFIG_DIR).resolve()


def database_url(environ: Mapping[str, str], directory: Path) -> str:
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{directory / DATABASE_FILENAME}"
    # Accept the URLs other tools print and pick psycopg 3 for them.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the environment gives, over the built-in defaults."""
    environ = os.environ if environ is None else environ
    directory = config_dir(environ)
    return {
        "RECIPES_CONFIG_DIR": str(directory),
        "SQLALCHEMY_DATABASE_URI": database_url(environ, directory),
        "SECRET_KEY": environ.get("SECRET_KEY") or None,
        "SECRET_KEY_FILE": environ.get("SECRET_KEY_FILE") or None,
        "RECIPES_ALLOW_SIGNUP": env_flag(environ, "RECIPES_ALLOW_SIGNUP"),
        "RECIPES_PROXY_COUNT": env_int(environ, "RECIPES_PROXY_COUNT", 0),
        "RECIPES_IMPORT_ALLOW_PRIVATE": env_flag(environ, "RECIPES_IMPORT_ALLOW_PRIVATE"),
        # URL imports per user (each one is an outbound fetch made for them).
        "RECIPES_IMPORT_RATE_LIMIT": env_rate(environ, "RECIPES_IMPORT_RATE_LIMIT", "100/10m"),
        # Failed logins: per account (whoever tries), and per client address (whichever account).
        "RECIPES_LOGIN_RATE_LIMIT": env_rate(environ, "RECIPES_LOGIN_RATE_LIMIT", "10/15m"),
        "RECIPES_LOGIN_IP_RATE_LIMIT": env_rate(environ, "RECIPES_LOGIN_IP_RATE_LIMIT", "50/15m"),
        # Household invites: links opened that did not work and links used, per client address;
        # invites made, per account.
        "RECIPES_INVITE_RATE_LIMIT": env_rate(environ, "RECIPES_INVITE_RATE_LIMIT", "20/15m"),
        # Calendar feed addresses that did not open, per client address.
        "RECIPES_FEED_RATE_LIMIT": env_rate(environ, "RECIPES_FEED_RATE_LIMIT", "30/15m"),
        # API requests per token (or per signed-in user calling the API from a browser).
        "RECIPES_API_RATE_LIMIT": env_rate(environ, "RECIPES_API_RATE_LIMIT", "600/1m"),
        # Days a login lasts unused (the cookie and the login's row in the database alike).
        "RECIPES_SESSION_DAYS": env_session_days(environ),
        # Backups kept in the backups folder, of each kind (made by hand, before a migration,
        # before a restore) on its own.
        "RECIPES_BACKUP_KEEP": env_backup_keep(environ),
        # Host names the app answers to (others get a 400), or None for any. Checked by
        # security.py, ignoring case; Flask's own TRUSTED_HOSTS stays unset (it is case-sensitive
        # and cannot match an IPv6 address such as [::1]).
        "RECIPES_TRUSTED_HOSTS": trusted_hosts(environ),
        # The public address absolute links are built on (share links, JSON-LD), or None.
        "RECIPES_BASE_URL": base_url(environ),
        # Only send cookies over HTTPS: turn on when every visit goes through an HTTPS proxy.
        "SESSION_COOKIE_SECURE": env_flag(environ, "RECIPES_SECURE_COOKIES"),
        "REMEMBER_COOKIE_SECURE": env_flag(environ, "RECIPES_SECURE_COOKIES"),
    }


DEFAULTS: dict[str, Any] = {
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "recipes_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "RECIPES_PER_PAGE": 24,
    # argon2id cost (RFC 9106 "low memory" profile); tests lower it.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 64 * 1024,
    "ARGON2_PARALLELISM": 4,
}


def build(test_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    settings = dict(DEFAULTS)
    settings.update(from_environment())
    if test_config:
        settings.update(test_config)
    for name in RATE_LIMIT_SETTINGS:
        settings[name] = as_rate_limit(name, settings[name])
    return settings
