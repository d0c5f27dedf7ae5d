"""A recipe's source URL: telling when two spellings name the same page ("already imported?").

Read by the services that save a recipe (its `source_key` column) and by the importers."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "_hs")
_TRACKING_NAMES = frozenset({"fbclid", "gclid", "dclid", "msclkid", "igshid", "yclid", "ref", "ref_src", "_ga"})


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


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
