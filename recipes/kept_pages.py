"""Pages kept ready: a page, once made, answers the same request again for as long as nothing it
shows can have changed.

The pages asked most (the recipe list, the planner's week, cook mode, a shopping list, the
household) are the same few addresses asked again and again by the same account, while what
they show changes seldom. Making one costs most of a request (its statements, its template);
a worker keeps what it made (`KeptPages`, one per kind of page: `Page`), keyed by:

- the data generations of the realms the page reads (recipes/data_generation.py): any write to a
  table of a realm changes its generation, in the same transaction, on every worker and app
  container sharing the database. A page that shows recipes and the household's own things (the
  week shows recipe titles) is kept under both;
- the account it was made for (what it may see, its household, its name and preferences), the
  address asked for (host, path, query string, the app's root behind a proxy) and the day (the
  week marks today; a filter counts days from today). A page that shows something that changes
  by itself at a moment (an invite that expires) is kept until then.

Whether the request may be answered at all is asked of the database on every request, in the
one statement that also reads the generations: the live-login rule (live_login.py) (a logged
out, disabled or idle login finds nothing, and the request goes on as any page, to the login
page). So a change, a logout, a move to another household show on the very next request, in any
worker. What differs between two answers of the same page is made for each request: its forms'
CSRF token, and any value `fresh` marked as made for one answer (a shopping form's op_id, which
names one change: two answers must never share one). Everything else is the same bytes the page
would be made of again.

Not kept: pages with a message to show once (flashed), pages a view says not to keep (a secret
shown once, a search with words), answers other than 200, and anything while the login is due to
be noted as in use (that request goes on as any page, and notes it). A worker keeps at most
`Page.max_bytes` of a kind of page, of one set of generations: the first request that reads new
ones drops the others.

A view that keeps its page reads the login itself (live_login.reads_login_itself):

    visit = kept_pages.visit(PAGE, day)
    if visit is not None and (answer := kept_pages.kept(PAGE, visit)) is not None:
        return answer
    if (answer := live_login.as_any_page()) is not None:
        return answer
    ...                                    # the page made as any page is
    return kept_pages.made(PAGE, visit, html)
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from flask import current_app, g, has_request_context, request, session
from flask.sansio.app import App
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from . import data_generation
from .database import QuickRead
from .live_login import (
    live_login_columns,
    login_parameters,
    login_token,
    note_reader,
    seen_due,
    session_protection_holds,
)
from .models import User

# Pages kept per worker, of one kind (a list page of 24 cards is about 26 KB).
MAX_BYTES = 4 * 1024 * 1024
EXTENSION = "recipes.kept_pages"

Key = tuple[Any, ...]
V = TypeVar("V")


def _size_of_parts(parts: Any) -> int:
    return sum(len(part) for part in parts)


class KeptPages(Generic[V]):
    """One worker's pages of one kind, of one generation (any value that compares: a number, a
    tuple of them), each no larger than the budget, the least recently asked dropped first."""

    def __init__(self, max_bytes: int = MAX_BYTES, size: Callable[[V], int] = _size_of_parts) -> None:
        self.max_bytes = max_bytes
        self._size = size
        self._lock = threading.Lock()
        self._generation: Hashable | None = None
        self._pages: OrderedDict[Key, V] = OrderedDict()
        self._bytes = 0

    def get(self, generation: Hashable, key: Key) -> V | None:
        with self._lock:
            if generation != self._generation:
                return None
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, generation: Hashable, key: Key, page: V) -> None:
        size = self._size(page)
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
                self._bytes -= self._size(old)
            self._pages[key] = page
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self._bytes -= self._size(dropped)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._pages)


# --- what differs between two answers of one page ------------------------------------------------


@dataclass(frozen=True, eq=False)  # (each a module's one instance: known by its identity, hashed fast)
class Hole:
    """A place in a kept page filled anew for each answer: by `fill()`, once for the whole answer
    (the CSRF token), or at each place (`each_place`: an op_id names one form's change)."""

    fill: Callable[[], str]
    each_place: bool = False


_FRESH = "recipes_fresh_values"


def fresh(value: str, hole: Hole) -> str:
    """`value`, made for this answer alone, as the page being made shows it: a kept copy of the
    page has `hole` filled anew in its place for each answer. (Outside a request: `value`.)"""
    if has_request_context():
        g.setdefault(_FRESH, []).append((value, hole))
    return value


@dataclass(frozen=True)
class Kept:
    """A page kept: its bytes between its holes, what fills each, and the moment (time.time())
    from which it no longer holds, if there is one."""

    parts: tuple[bytes, ...]
    holes: tuple[Hole, ...]
    until: float | None = None
    # The parts in runs, each run's parts joined by one value (a hole filled once for the whole
    # answer, the CSRF token: bytes.join does that run at once), and what stands between two
    # runs: a hole filled at each place (an op_id), or one filled once that differs from the
    # run's. A list page is one run; a shopping list's 20 holes are 4 runs.
    _runs: tuple[tuple[Hole | None, tuple[bytes, ...]], ...] = field(init=False, repr=False, compare=False)
    _between: tuple[Hole, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        runs: list[tuple[Hole | None, tuple[bytes, ...]]] = []
        between: list[Hole] = []
        joiner: Hole | None = None
        run = [self.parts[0]]
        for hole, part in zip(self.holes, self.parts[1:], strict=True):
            if not hole.each_place and joiner in (None, hole):
                joiner = hole
                run.append(part)
            else:
                runs.append((joiner, tuple(run)))
                between.append(hole)
                joiner, run = None, [part]
        runs.append((joiner, tuple(run)))
        object.__setattr__(self, "_runs", tuple(runs))
        object.__setattr__(self, "_between", tuple(between))

    def size(self) -> int:
        return sum(len(part) for part in self.parts)

    def body(self) -> bytes:
        """The page, its holes filled for this answer."""
        once: dict[Hole, bytes] = {}

        def filled(hole: Hole) -> bytes:
            if hole.each_place:
                return hole.fill().encode()
            value = once.get(hole)
            if value is None:
                value = once[hole] = hole.fill().encode()
            return value

        def joined(joiner: Hole | None, parts: tuple[bytes, ...]) -> bytes:
            return filled(joiner).join(parts) if joiner is not None else parts[0]  # (no joiner: one part)

        out = [joined(*self._runs[0])]  # the whole recipe list: one run
        for hole, run in zip(self._between, self._runs[1:], strict=True):
            out += (filled(hole), joined(*run))
        return out[0] if len(out) == 1 else b"".join(out)


def _size_of(page: Kept) -> int:
    return page.size()


def _split(page: str, values: dict[str, Hole]) -> Kept:
    """`page` cut at each of `values`, each place a hole."""
    if not values:
        return Kept((page.encode(),), ())
    pattern = re.compile("|".join(re.escape(value) for value in sorted(values, key=len, reverse=True)))
    parts: list[bytes] = []
    holes: list[Hole] = []
    start = 0
    for found in pattern.finditer(page):
        parts.append(page[start : found.start()].encode())
        holes.append(values[found.group()])
        start = found.end()
    parts.append(page[start:].encode())
    return Kept(tuple(parts), tuple(holes))


# --- the kinds of page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A kind of page a worker keeps: its name, the realms of data it reads (their generations
    key it) and the bytes a worker keeps of it."""

    name: str
    realms: tuple[int, ...]
    max_bytes: int = MAX_BYTES
    # The login's last_seen_at, its user and the realms' generations, in one statement built once:
    # what every request for the page reads first.
    glance: QuickRead = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        columns = [data_generation.current(realm) for realm in self.realms]
        object.__setattr__(self, "glance", QuickRead(live_login_columns(User.id, *columns)))


def init_app(app: App, page: Page) -> None:
    """Give the app's workers a place to keep `page` (its blueprint's setup)."""
    stores: dict[str, KeptPages[Kept]] = app.extensions.setdefault(EXTENSION, {})
    stores.setdefault(page.name, KeptPages(page.max_bytes, _size_of))


def clear_all(app: App) -> None:
    """Forget every page the app's worker kept (a benchmark's "made" figure; a test)."""
    for pages in app.extensions.get(EXTENSION, {}).values():
        pages.clear()


def store(page: Page) -> KeptPages[Kept]:
    """This worker's kept pages of a kind."""
    found: KeptPages[Kept] = current_app.extensions[EXTENSION][page.name]
    return found


@dataclass(frozen=True)
class Visit:
    """A request for a page that may be answered from, or kept as, a page made before."""

    generation: tuple[int, ...]
    user_id: int
    key: Key


def visit(page: Page, day: date) -> Visit | None:
    """This request, if it is one to answer from a kept page or to keep: None for a page with a
    flashed message, no login in the session, a login that no longer works or is due to be noted
    as in use, or a database with no generation yet. `day`: the day the page is made for (the
    page module's own today(), so a test may move it)."""
    if "_flashes" in session:
        return None
    token = login_token()
    if token is None or not session_protection_holds():
        return None
    idle_days = current_app.config["RECIPES_SESSION_DAYS"]
    row = page.glance.first(login_parameters(token, idle_days))
    if row is None:
        return None
    last_seen, user_id, *generations = row
    if None in generations or seen_due(last_seen, idle_days):
        return None
    # The address as asked (a page's links are made from it): the scheme and host as the app sees
    # them (behind a proxy, as ProxyFix set them), the app's root, the path and query string.
    environ = request.environ
    where = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), request.script_root, request.full_path)
    return Visit(tuple(int(value) for value in generations), int(user_id), (user_id, *where, day))


def now() -> float:
    """The time, as `made`'s `until` counts it (time.time())."""
    return time.time()


def kept(page: Page, visit: Visit) -> Response | None:
    """The page kept for this visit, with this request's own values; None if there is none."""
    found = store(page).get(visit.generation, visit.key)
    if found is None or (found.until is not None and now() >= found.until):
        return None
    note_reader(visit.user_id)
    return _answer(found)


def made(
    page: Page, visit: Visit | None, html: str, status: int = 200, *, until: float | None = None
) -> ResponseReturnValue:
    """The page just made, as the answer; kept for `visit` (when there is one, for this account,
    and the answer is a 200), until `until` (time.time()) if it says one."""
    values: list[tuple[str, Hole]] = g.pop(_FRESH, [])
    if visit is None or status != 200 or current_user.id != visit.user_id:
        return html, status  # nothing to keep: answered as it is
    # The token the page's forms carry (made, and remembered for this request, while rendering).
    holes = {str(generate_csrf()): CSRF_TOKEN, **dict(values)}
    found = _split(html, holes)
    kept_page = Kept(found.parts, found.holes, until)
    store(page).put(visit.generation, visit.key, kept_page)
    return _answer(kept_page)


def _answer(page: Kept) -> Response:
    return Response(page.body(), mimetype="text/html")


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
        field_name, key = config["WTF_CSRF_FIELD_NAME"], current_app.secret_key
        raw = session.get(field_name)
        signed = self._signed.get((key, raw)) if isinstance(raw, str) else None
        if signed is None:
            signed = str(generate_csrf())  # (and the session's own token, if it had none)
            if len(self._signed) >= self.most:
                del self._signed[next(iter(self._signed))]  # the oldest
            self._signed[(key, session[field_name])] = signed
        return signed


_SIGNED_TOKENS = SignedTokens()


def csrf_token() -> str:
    """The CSRF token for this answer's forms."""
    return _SIGNED_TOKENS.token()


CSRF_TOKEN = Hole(csrf_token)
