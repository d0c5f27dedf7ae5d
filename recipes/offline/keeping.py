"""What the service worker may keep for reading offline, and whose it is. The rule is here, once:
the worker (service-worker.js, beside this file) keeps an answer only when this module marked it,
and only for the account it names.

- Every HTML page to a signed-in browser, and every answer marked to keep, names the account in
  ACCOUNT_HEADER: a key made from the account's id with the server's secret (nothing can be read
  back from it). The worker keeps one account's copies at a time: a page for another account, or a
  page for nobody signed in, and it forgets the copies it had (another person on the same browser
  never reads them, even offline). It is the account's, not the login's: alice signing in again
  after her session ran out finds her copies, and the changes she queued offline, still hers.
- KEEP_HEADER marks what may be read offline, with its kind (KINDS): the pages a person opened
  of their recipes and cook mode, the recipe list's first page and the favourites, the meal plan,
  the shopping lists and each list's state (what its page polls), and the recipes' pictures. Only
  a 200 to a GET from a browser login is marked; a page that can show a secret just made (a
  calendar address: `/plan?made=feed`, a share link on a list's settings, an API token on the
  account page) never is, whatever the view's own Cache-Control says. The worker's copies are the
  app's own storage, like localStorage, cleared at logout (Clear-Site-Data) and when another
  account signs in, so the planner's blanket `no-store` (for HTTP caches and the history) does not
  keep its week out of them.
- SHELL_HEADER, on every HTML page: the version of the shell this server runs (shell.py). A worker
  that sees another one asks the browser for the new worker at once.

Programs with an API token have no service worker: nothing is marked for them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, replace

from flask import Flask, Response, current_app, request
from flask_login import current_user
from sqlalchemy import inspect
from werkzeug.datastructures import MultiDict

from ..auth import login_token
from ..live_login import reader_id
from ..models import User
from ..search.service import SearchRequest
from .shell import shell_of

KEEP_HEADER = "Offline-Keep"
ACCOUNT_HEADER = "Offline-Account"
SHELL_HEADER = "Offline-Shell"
# The worker keeps at most this many answers (pages, pictures, list states) for an account;
# past it, those kept longest ago go first.
MOST_KEPT = 400


@dataclass(frozen=True)
class Kind:
    """A kind of answer kept offline. `label`: the offline page's heading for its pages (None: not
    a page, e.g. a picture). `loose`: offline, a copy may stand in for the same path with another
    query (the recipe at another scale, cook mode at another step)."""

    label: str | None
    loose: bool = False


KINDS: dict[str, Kind] = {
    "plan": Kind("Meal plan"),
    "lists": Kind("Shopping lists"),
    "recipes": Kind("Recipe lists"),
    "recipe": Kind("Recipes", loose=True),
    "cook": Kind("Cook mode", loose=True),
    "data": Kind(None),
}


def _always(args: MultiDict[str, str]) -> bool:
    return True


def _no_query(args: MultiDict[str, str]) -> bool:
    return not any(args.values())


def _first_page_or_favourites(args: MultiDict[str, str]) -> bool:
    """The list as it opens, or only one's favourites (in any order): not a search, a filter or a
    later page, which are answers of their own each time."""
    if not args:
        return True  # the list as it opens (most visits), without reading the search from it
    per_page = current_app.config["RECIPES_PER_PAGE"]
    asked = SearchRequest.from_args(args, per_page)
    return replace(asked, favourite=False, sort="") == _unfiltered(per_page)


@functools.lru_cache(maxsize=8)
def _unfiltered(per_page: int) -> SearchRequest:
    """The list as it opens, as its parser reads it (read once per number of recipes a page holds)."""
    return SearchRequest.from_args(MultiDict(), per_page)


def _week_without_a_new_secret(args: MultiDict[str, str]) -> bool:
    return "made" not in args  # `?made=feed` shows a calendar address just made, once


@dataclass(frozen=True)
class Rule:
    kind: str
    when: Callable[[MultiDict[str, str]], bool] = _always


KEPT: dict[str, Rule] = {
    "cookbook.detail": Rule("recipe"),
    "cooking.cook": Rule("cook"),
    "cookbook.index": Rule("recipes", _first_page_or_favourites),
    "planner.week": Rule("plan", _week_without_a_new_secret),
    "shopping.index": Rule("lists"),
    "shopping.page": Rule("lists", _no_query),
    "shopping_poll.state": Rule("data"),
    "images.picture": Rule("data"),
}


@functools.lru_cache(maxsize=1024)
def account_key_for(user_id: int, secret: str | bytes) -> str:
    """The account's key for the worker's copies: an HMAC of its id with the server's secret
    (the same for the same two: remembered, as a page asks for it two or three times)."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"offline-copies:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def _account_id() -> int | None:
    """The signed-in account's id, or None. A view that ended the database session (a restore)
    leaves its user detached: nothing is marked then (reading the account again would fail).
    A page answered without loading its user (a kept list page) said whose it was."""
    known = reader_id()
    if known is not None:
        return known
    user = current_user._get_current_object()
    if not isinstance(user, User) or inspect(user).detached or not user.is_authenticated:
        return None
    return user.id


def account_key() -> str:
    """The signed-in account's key, or "" (a template global: the page tells static/offline.js)."""
    found = _account_id()
    return "" if found is None else account_key_for(found, current_app.config["SECRET_KEY"])


def _kind_asked() -> str | None:
    """The kind of what this request asks for, if the rule keeps it (whatever the answer). Asked
    by the page and again after it (`mark`): the rule is read once a request (kept with the
    request itself, not in `g`, which a test's app context may share between requests)."""
    environ = request.environ
    if _KIND_ASKED not in environ:
        rule = KEPT.get(request.endpoint or "")
        kept = rule is not None and request.method == "GET" and rule.when(request.args)
        environ[_KIND_ASKED] = rule.kind if rule is not None and kept else None
    kind: str | None = environ[_KIND_ASKED]
    return kind


_KIND_ASKED = "recipes.offline_kind_asked"


def _kind_to_keep(response: Response) -> str | None:
    return _kind_asked() if response.status_code == 200 else None


def kept_here() -> bool:
    """Whether the page being made is one the worker keeps (a template global: the page a first
    visit installed the worker from is asked for again through it only then, static/offline.js;
    asking again for any other page could count a share link's view twice)."""
    return _kind_asked() is not None and bool(account_key())


def mark(response: Response) -> Response:
    """after_request: the headers above."""
    html = response.mimetype == "text/html"
    if html:
        response.headers[SHELL_HEADER] = shell_of(current_app).version
    if "Authorization" in request.headers or login_token() is None:
        return response
    kind = _kind_to_keep(response)
    # Checked before the user is loaded: a 304 poll (which reads the login itself) loads none.
    key = account_key() if html or kind else ""
    if not key:
        return response
    response.headers[ACCOUNT_HEADER] = key
    if kind:
        response.headers[KEEP_HEADER] = kind
    return response


def init_app(app: Flask) -> None:
    app.after_request(mark)
    app.add_template_global(account_key, "offline_account")
    app.add_template_global(kept_here, "offline_kept")
