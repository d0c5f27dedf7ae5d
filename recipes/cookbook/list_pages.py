"""The recipe list kept ready: a page, once made, answers the same request again for as long as
nothing it shows can have changed.

Most visits to the list are the same few pages (the first page, the next, a tag) asked again and
again by the same account, while the recipes change seldom. Making the page costs most of a
request (its statements, 24 cards rendered); a worker keeps what it made, keyed by:

- the data generation it was made at (recipes/data_generation.py): any write to what a list
  shows (a recipe, its tags or picture, its visibility, who is in which household, an import
  arriving, a rating, a favourite, a day cooked, an account's name or preferences) changes it, in
  the same transaction, on every worker and app container sharing the database;
- the account it was made for (what it may see, its own stars, its layout and name), the address
  asked for (path, query string, the app's root behind a proxy) and the day (a filter by the days
  since one cooked a recipe counts from today).

Whether the request may be answered at all is asked of the database on every request, in the
one statement that also reads the generation: the live-login rule (live_login.py) (a logged
out, disabled or idle login finds nothing, and the request goes on as any page, to the login
page). So a change, a logout, a move to another household show on the very next request, in any
worker. What differs between two answers of the same page, the CSRF token of its forms, is made
for each request; everything else is the same bytes the page would be made of again.

Not kept: searches (words to look for: their pages are many and seldom asked twice), pages
with a message to show once (flashed), and anything while the login is due to be noted as in
use (that request goes on as any page, and notes it). A worker keeps at most MAX_BYTES of pages,
of one generation: the first request that reads a new generation drops the others.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import current_app, request, session
from flask.sansio.app import App
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from .. import data_generation
from ..database import QuickRead
from ..live_login import (
    live_login_columns,
    login_parameters,
    login_token,
    note_reader,
    seen_due,
    session_protection_holds,
)
from ..models import User
from ..ratings.marks import today

# Pages kept per worker (a page of 24 cards is about 26 KB): a few accounts' browsing.
MAX_BYTES = 4 * 1024 * 1024
EXTENSION = "recipes.list_pages"

# The login's user and the generation, in one statement, built once: what every request for the
# list reads first.
_GLANCE = QuickRead(live_login_columns(User.id, data_generation.current()))

Key = tuple[Any, ...]


@dataclass(frozen=True)
class Visit:
    """A request for the list page that may be answered from, or kept as, a page made before."""

    generation: int
    user_id: int
    key: Key


class KeptPages:
    """One worker's pages, each in parts: its bytes between the places of the CSRF token."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._generation: int | None = None
        self._pages: OrderedDict[Key, list[bytes]] = OrderedDict()
        self._bytes = 0

    def get(self, generation: int, key: Key) -> list[bytes] | None:
        with self._lock:
            if generation != self._generation:
                return None
            parts = self._pages.get(key)
            if parts is not None:
                self._pages.move_to_end(key)
            return parts

    def put(self, generation: int, key: Key, parts: list[bytes]) -> None:
        size = sum(len(part) for part in parts)
        if size > self.max_bytes:
            return
        with self._lock:
            if generation != self._generation:
                # Another generation's pages are of no more use (or this request read an older
                # one just before a write: its page is dropped by the next request).
                self._pages.clear()
                self._bytes = 0
                self._generation = generation
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= sum(len(part) for part in old)
            self._pages[key] = parts
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= sum(len(part) for part in dropped)

    def __len__(self) -> int:
        return len(self._pages)


def init_app(app: App) -> None:
    app.extensions[EXTENSION] = KeptPages()


def kept_pages() -> KeptPages:
    pages: KeptPages = current_app.extensions[EXTENSION]
    return pages


# The list's parameters that hold words to look for (see SearchRequest.from_args): a search with
# words is not kept. Read from the address as it is, before (and cheaper than) the whole search.
WORD_PARAMETERS = ("q", "has", "not")


def visit() -> Visit | None:
    """This request, if it is one to answer from a kept page or to keep: None for a search with
    words, a page with a flashed message, no login in the session, a login that no longer works
    or is due to be noted as in use, or a database with no generation yet."""
    args = request.args
    if any(args.get(name, "").strip() for name in WORD_PARAMETERS) or "_flashes" in session:
        return None
    token = login_token()
    if token is None or not session_protection_holds():
        return None
    idle_days = current_app.config["RECIPES_SESSION_DAYS"]
    row = _GLANCE.first(login_parameters(token, idle_days))
    if row is None:
        return None
    last_seen, user_id, generation = row
    if generation is None or seen_due(last_seen, idle_days):
        return None
    return Visit(int(generation), int(user_id), (user_id, request.script_root, request.full_path, today()))


def kept(visit: Visit) -> Response | None:
    """The page kept for this visit, with this request's CSRF token; None if there is none."""
    parts = kept_pages().get(visit.generation, visit.key)
    if parts is None:
        return None
    note_reader(visit.user_id)
    return _answer(parts)


def made(visit: Visit | None, page: str) -> ResponseReturnValue:
    """The page just made, as the answer; kept for `visit` (when there is one, for this account)."""
    if visit is None:
        return page  # nothing to keep: answered as it is
    # The token the page's forms carry (made, and remembered for this request, while rendering).
    token = generate_csrf()
    parts = [part.encode() for part in page.split(token)]
    if current_user.id == visit.user_id:
        kept_pages().put(visit.generation, visit.key, parts)
    return _answer(parts)


def _answer(parts: list[bytes]) -> Response:
    body = _csrf_token().encode().join(parts) if len(parts) > 1 else parts[0]
    return Response(body, mimetype="text/html")


class SignedTokens:
    """The CSRF tokens a worker signed lately, by the session's own token (Flask-WTF keeps that in
    the session and signs it for each page). While tokens have no time limit (WTF_CSRF_TIME_LIMIT
    is None: config.py) one signed a while ago is as good as a new one, and signing costs as much
    as the rest of a kept page's answer."""

    def __init__(self, most: int = 1000) -> None:
        self.most = most
        self._signed: dict[tuple[object, str], str] = {}  # (the app's key, the session's token) -> signed

    def token(self) -> str:
        config = current_app.config
        if config["WTF_CSRF_TIME_LIMIT"] is not None:
            return str(generate_csrf())
        field, key = config["WTF_CSRF_FIELD_NAME"], current_app.secret_key
        raw = session.get(field)
        signed = self._signed.get((key, raw)) if isinstance(raw, str) else None
        if signed is None:
            signed = str(generate_csrf())  # (and the session's own token, if it had none)
            if len(self._signed) >= self.most:
                del self._signed[next(iter(self._signed))]  # the oldest
            self._signed[(key, session[field])] = signed
        return signed


_SIGNED_TOKENS = SignedTokens()


def _csrf_token() -> str:
    return _SIGNED_TOKENS.token()
