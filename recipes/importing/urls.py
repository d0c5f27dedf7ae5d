"""Recipe source URLs: checking what people paste, and telling when two spellings name the same page."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs")
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "ref", "ref_src", "_ga"})

MAX_URL_LENGTH = 2048


class BadUrl(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def check_url(raw: str) -> str:
    """The URL someone typed, trimmed, if it can be imported (http or https with a host)."""
    url = raw.strip()
    if not url:
        raise BadUrl("Enter the address of a recipe page.")
    if len(url) > MAX_URL_LENGTH:
        raise BadUrl(f"That address is longer than {MAX_URL_LENGTH} characters.")
    if "://" not in url and not url.startswith("//") and "." in url.split("/", 1)[0]:
        url = "https://" + url  # "example.com/soup", as people often paste it
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a bad port)
    except ValueError:
        raise BadUrl("That is not a valid web address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadUrl("Only http:// and https:// addresses can be imported.")
    if not parts.hostname:
        raise BadUrl("That address has no host name.")
    return url


def normalize(url: str) -> str:
    """One spelling per page: scheme, "www.", default ports, fragments, trailing slashes
    and tracking parameters do not make a page different."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", netloc, path, query, ""))


def source_key(url: str) -> str | None:
    """The key "already imported?" is looked up by, or None for a recipe without a web source."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        normal = normalize(url)
    except ValueError:  # a malformed port or host: compare the text as it is
        normal = url
    return hashlib.sha256(normal.encode()).hexdigest()
