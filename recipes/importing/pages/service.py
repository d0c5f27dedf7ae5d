"""Importing a recipe from a web page: shared by the import page, the API and the CLI.

One import is: check the address, count it against the user's rate limit, fetch the page
(through `net`, the one outbound client), extract the recipe, download its picture, and
save it all in one transaction. No database transaction is open while waiting on the
network, so a slow site never holds SQLite's write lock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ... import ratelimit, sandbox
from ...access import owned_by
from ...cookbook.services import RecipeInvalid, create_recipe, fit
from ...cookbook.sources import source_key
from ...database import release_transaction
from ...extensions import db
from ...images.processing import MAX_UPLOAD_BYTES, ImageRejected, ProcessedImage
from ...images.sandboxed import checked_picture
from ...models import Recipe, User
from .addresses import BadUrl, check_url

if TYPE_CHECKING:
    from ...net import FetchResult
    from .extract import ExtractedRecipe

log = logging.getLogger(__name__)

MAX_PAGE_BYTES = 8_000_000
# One import, all steps together (DNS, page, reading it, picture), stays well inside
# Gunicorn's 60 s worker timeout; each step also has its own limit.
IMPORT_DEADLINE = 40.0
PAGE_DEADLINE = 20.0
# Real pages take well under a second (the slowest in the corpus 0.3 s); see sandbox.py.
EXTRACT_DEADLINE = 8.0
PICTURE_DEADLINE = 10.0
# Below this much time left, the picture is skipped rather than the import failed.
PICTURE_MIN_SECONDS = 3.0
MAX_URLS = 100

# Said when a page was refused only for being on a private network: who can change that, and
# how, without saying more about the address than the refusal does.
PRIVATE_HINT = (
    "Imports from private networks (a home or office network, or this server itself) are off here; "
    "an admin of this server can allow them with the setting RECIPES_IMPORT_ALLOW_PRIVATE."
)


@dataclass(frozen=True)
class _Clock:
    """Time left for one import."""

    end: float

    @classmethod
    def start(cls) -> _Clock:
        return cls(time.monotonic() + IMPORT_DEADLINE)

    def left(self, step_limit: float) -> float:
        return max(0.1, min(step_limit, self.end - time.monotonic()))


@dataclass(frozen=True)
class ImportPolicy:
    allow_private: bool = False
    limit: ratelimit.Limit | None = None  # None: not rate limited (the CLI)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], *, limited: bool = True) -> ImportPolicy:
        limit = config["RECIPES_IMPORT_RATE_LIMIT"] if limited else None
        return cls(allow_private=bool(config["RECIPES_IMPORT_ALLOW_PRIVATE"]), limit=limit)


class ImportFailed(Exception):
    """The import did not happen; `message` says why in words for the user."""

    def __init__(self, message: str, code: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after


class AlreadyImported(Exception):
    """This user already has a recipe from that page (import again with `again=True`)."""

    def __init__(self, recipe: Recipe) -> None:
        super().__init__(recipe.id)
        self.recipe = recipe


@dataclass(frozen=True)
class Imported:
    recipe: Recipe
    picture_problem: str | None = None  # the recipe was saved, but its picture was not


def find_existing(user: User, url: str) -> Recipe | None:
    """The user's recipe whose source is this page (however the address is spelled)."""
    key = source_key(url)
    if key is None:
        return None
    return db.session.scalar(
        select(Recipe).where(owned_by(user), Recipe.source_key == key).order_by(Recipe.id).limit(1)
    )


def _count_attempt(user: User, policy: ImportPolicy) -> None:
    """Count the import against the user's limit, and end the transaction either way:
    none may stay open while the page downloads."""
    if policy.limit is None:
        release_transaction()
        return
    try:
        ratelimit.count(f"import:user:{user.id}", policy.limit, "imports")
    except ratelimit.RateLimited as exc:
        db.session.rollback()
        raise ImportFailed(exc.message, "rate_limited", retry_after=exc.retry_after) from None
    db.session.commit()


def _fetch_page(url: str, policy: ImportPolicy, clock: _Clock) -> FetchResult:
    from ... import net  # loaded on first use: requests and its helpers are ~15 MB per worker

    try:
        return net.fetch(
            url, max_bytes=MAX_PAGE_BYTES, allow_private=policy.allow_private, deadline=clock.left(PAGE_DEADLINE)
        )
    except net.FetchError as exc:
        message = f"{exc.message} {PRIVATE_HINT}" if exc.private else exc.message
        raise ImportFailed(message, f"fetch_{exc.code}") from None


def _extract(page: FetchResult, clock: _Clock) -> ExtractedRecipe:
    # recipe-scrapers loads some 600 site modules (about 30 MB): only in a worker that imports,
    # once; the sandboxed child is forked with them already loaded.
    from .extract import NoRecipeFound, extract_recipe, warm_up

    warm_up()
    try:
        return sandbox.call(extract_recipe, page.text(), page.url, seconds=clock.left(EXTRACT_DEADLINE))
    except NoRecipeFound as exc:
        raise ImportFailed(exc.message, "no_recipe") from None
    except sandbox.SandboxError as exc:
        log.warning("import: reading %s stopped: %s", page.url, exc)
        message = "Reading that page took too long; it does not look like a recipe page."
        raise ImportFailed(message, "too_slow") from None


def fetch_picture(url: str, policy: ImportPolicy, seconds: float = PICTURE_DEADLINE) -> ProcessedImage:
    """Download and process a picture through the same fetcher, in about `seconds` at most;
    ImageRejected on any failure."""
    from ... import net

    started = time.monotonic()
    try:
        response = net.fetch(
            url,
            accept=net.IMAGE_TYPES,
            max_bytes=MAX_UPLOAD_BYTES,
            allow_private=policy.allow_private,
            deadline=seconds,
        )
    except net.FetchError as exc:
        raise ImageRejected(exc.message) from None
    return checked_picture(response.body, seconds=max(1.0, seconds - (time.monotonic() - started)))


def _picture(url: str, policy: ImportPolicy, clock: _Clock) -> tuple[ProcessedImage | None, str | None]:
    if not url:
        return None, None
    seconds = clock.left(PICTURE_DEADLINE)
    if seconds < PICTURE_MIN_SECONDS:
        return None, "The recipe was imported without its picture: the page took too long."
    try:
        return fetch_picture(url, policy, seconds), None
    except ImageRejected as exc:
        log.info("import: picture %s not used: %s", url, exc.message)
        return None, f"The recipe was imported without its picture: {exc.message}"


def import_url(user: User, raw_url: str, policy: ImportPolicy, *, again: bool = False) -> Imported:
    """Import the recipe on the page at `raw_url` for `user`.

    Raises ImportFailed (with a message for the user) or AlreadyImported (unless `again`)."""
    try:
        url = check_url(raw_url)
    except BadUrl as exc:
        raise ImportFailed(exc.message, "bad_url") from None
    if not again and (existing := find_existing(user, url)) is not None:
        raise AlreadyImported(existing)
    _count_attempt(user, policy)

    clock = _Clock.start()
    page = _fetch_page(url, policy, clock)
    extracted = _extract(page, clock)
    picture, picture_problem = _picture(extracted.image_url, policy, clock)

    # The page may name itself differently from the address given (a short link, a mirror).
    if not again and (existing := find_existing(user, extracted.data.source_url)) is not None:
        release_transaction()  # nothing to write: do not keep the write lock while answering
        raise AlreadyImported(existing)
    try:
        recipe = create_recipe(user, fit(extracted.data), picture)
    except RecipeInvalid as exc:
        raise ImportFailed(f"The recipe on that page could not be saved: {exc.message}", "invalid") from None
    log.info("import: recipe %s from %s (scraper %s)", recipe.id, page.url, extracted.scraper_host)
    return Imported(recipe, picture_problem)


@dataclass(frozen=True)
class Outcome:
    """What became of one address in a list."""

    url: str
    status: str  # "imported", "exists", "failed" or "skipped" (time ran out before it was tried)
    recipe: Recipe | None = None
    message: str = ""
    code: str = ""  # why it failed: ImportFailed.code
    retry_after: int | None = None  # seconds, when rate limited

    # What an answer about this outcome says, for the import page's JSON and HTML and for
    # the API alike; each of them only renders it in its own wire format.

    @property
    def http_status(self) -> int:
        """The status an answer about this outcome gets. (The API answers two of them in its
        own dialect: a recipe that exists already is its 409, a bad address its 422 for the field.)"""
        if self.status == "imported":
            return 201
        if self.status == "failed":
            return {"rate_limited": 429, "bad_url": 400}.get(self.code, 422)
        return 200

    @property
    def error_code(self) -> str:
        """Why no recipe was made, as a code for programs: ImportFailed.code when it failed."""
        if self.status == "exists":
            return "already_imported"
        return self.code or "import_failed"

    @property
    def headers(self) -> dict[str, str]:
        """The headers an answer about this outcome carries: when to try again, if rate limited."""
        return {"Retry-After": str(self.retry_after)} if self.retry_after else {}


def outcome_of(user: User, url: str, policy: ImportPolicy, *, again: bool = False) -> Outcome:
    """Import one address, reporting failure as an Outcome instead of raising."""
    try:
        imported = import_url(user, url, policy, again=again)
    except AlreadyImported as exc:
        return Outcome(url, "exists", exc.recipe, "You already have this recipe.")
    except ImportFailed as exc:
        db.session.rollback()
        return Outcome(url, "failed", message=exc.message, code=exc.code, retry_after=exc.retry_after)
    return Outcome(url, "imported", imported.recipe, imported.picture_problem or "")


def import_urls(
    user: User, urls: Iterable[str], policy: ImportPolicy, *, budget: float | None = None, again: bool = False
) -> Iterator[Outcome]:
    """Import each address in turn (each one its own transaction). With a time `budget` in
    seconds, addresses not started when it runs out come back as "skipped" (the first one
    is always tried, so every round makes progress)."""
    started = time.monotonic()
    for number, url in enumerate(urls):
        if budget is not None and number and time.monotonic() - started > budget:
            yield Outcome(url, "skipped", message="Not tried yet: the time for one request ran out.")
            continue
        yield outcome_of(user, url, policy, again=again)
