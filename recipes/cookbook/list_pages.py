"""The recipe list kept ready: a page, once made, answers the same request again for as long as
nothing it shows can have changed.

Most visits to the list are the same few pages (the first page, the next, a tag) asked again and
again by the same account, while the recipes change seldom. Making the page costs most of a
request (its statements, 24 cards rendered); a worker keeps what it made (recipes/kept_pages.py,
which the planner's week, cook mode, a shopping list and the household page use too), keyed by:

- the recipes' data generation it was made at (recipes/data_generation.py): any write to what a list
  shows (a recipe, its tags or picture, its visibility, who is in which household, an import
  arriving, a rating, a favourite, a day cooked, an account's name or preferences) changes it, in
  the same transaction, on every worker and app container sharing the database;
- the account it was made for (what it may see, its own stars, its layout and name), the address
  asked for (host, path, query string, the app's root behind a proxy) and the day (a filter by the days
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

from flask import request
from flask.sansio.app import App
from flask.typing import ResponseReturnValue

from .. import data_generation
from .. import kept_pages as ready
from ..kept_pages import Kept, KeptPages, SignedTokens, Visit
from ..ratings.marks import today

# Pages kept per worker (a page of 24 cards is about 26 KB): a few accounts' browsing.
MAX_BYTES = 4 * 1024 * 1024
# The list shows recipes only: a change to a shopping list or the plan leaves it kept.
PAGE = ready.Page("cookbook.index", (data_generation.RECIPES,), MAX_BYTES)

__all__ = [
    "MAX_BYTES",
    "PAGE",
    "WORD_PARAMETERS",
    "KeptPages",
    "SignedTokens",
    "Visit",
    "kept",
    "kept_pages",
    "made",
    "visit",
]


def init_app(app: App) -> None:
    ready.init_app(app, PAGE)


def kept_pages() -> KeptPages[Kept]:
    return ready.store(PAGE)


# The list's parameters that hold words to look for (see SearchRequest.from_args): a search with
# words is not kept. Read from the address as it is, before (and cheaper than) the whole search.
WORD_PARAMETERS = ("q", "has", "not")


def visit() -> Visit | None:
    """This request, if it is one to answer from a kept page or to keep: None for a search with
    words, and as kept_pages.visit says (a flashed message, no working login, ...)."""
    args = request.args
    if args and any(args.get(name, "").strip() for name in WORD_PARAMETERS):
        return None
    return ready.visit(PAGE, today())


def kept(visit: Visit) -> ResponseReturnValue | None:
    """The page kept for this visit, with this request's CSRF token; None if there is none."""
    return ready.kept(PAGE, visit)


def made(visit: Visit | None, page: str) -> ResponseReturnValue:
    """The page just made, as the answer; kept for `visit` (when there is one, for this account)."""
    return ready.made(PAGE, visit, page)
