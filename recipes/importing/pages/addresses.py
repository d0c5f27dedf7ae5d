"""The address someone asks us to import: checked before anything is fetched.

(Where a fetch may go, the addresses a name resolves to included, is `net.py`'s to check.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ...cookbook.limits import SOURCE_URL_MAX


class BadUrl(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_url(raw: str) -> str:
    """The URL someone typed, trimmed, if it can be imported (http or https with a host)."""
    url = raw.strip()
    if not url:
        raise BadUrl("Enter the address of a recipe page.")
    if len(url) > SOURCE_URL_MAX:
        raise BadUrl(f"That address is longer than {SOURCE_URL_MAX} characters.")
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
