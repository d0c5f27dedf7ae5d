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


NOT_AN_ADDRESS = "That is not a web address (they look like https://example.com/tomato-soup)."


def _names_a_host(word: str) -> bool:
    """Whether `word` starts with a host name, as "example.com/soup" does."""
    return "." in word.split("/", 1)[0].strip(".")


def _is_address(word: str) -> bool:
    """Whether `word` is meant as a web address: it names a scheme, or starts with a host name."""
    return "://" in word or _names_a_host(word)


def split_addresses(text: str) -> list[str]:
    """The addresses in a pasted list, in order, duplicates dropped. One per line; a line may
    hold several separated by spaces, or an address with words around it ("Pecan pie:
    https://..."), whose words are left out. A line with no address in it stays whole, one
    entry that is then refused as what it is: "not a url" is one thing that is not an address,
    not three."""
    found: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if not words:
            continue
        with_scheme = [word for word in words if "://" in word]
        if with_scheme:
            found.extend(with_scheme)
        elif all(_is_address(word) for word in words):
            found.extend(words)
        else:
            found.append(" ".join(words))
    return list(dict.fromkeys(found))


def check_url(raw: str) -> str:
    """The URL someone typed, trimmed, if it can be imported (http or https with a host)."""
    url = raw.strip()
    if not url:
        raise BadUrl("Enter the address of a recipe page.")
    if len(url) > SOURCE_URL_MAX:
        raise BadUrl(f"That address is longer than {SOURCE_URL_MAX} characters.")
    if any(ch.isspace() for ch in url):
        raise BadUrl(NOT_AN_ADDRESS)
    if "://" not in url and not url.startswith("//"):
        if _names_a_host(url):
            url = "https://" + url  # "example.com/soup", as people often paste it
        elif ":" not in url:
            raise BadUrl(NOT_AN_ADDRESS)  # "soup": no scheme, no host (a scheme is answered below)
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
