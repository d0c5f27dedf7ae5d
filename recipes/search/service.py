"""The one search service the pages, the API and the CLI share.

`SearchRequest.from_args` turns URL parameters into bounded, allow-listed values;
`search` returns one page of lightweight recipe cards: only the columns a card
shows, tags in one extra query, and a count that stops at COUNT_CAP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup
from sqlalchemy import case, func, select

from ..access import of_household, owned_by, visible_to
from ..cookbook.limits import MINUTES_MAX
from ..cookbook.recipe_text import unique_tags
from ..extensions import db
from ..models import PUBLIC, STARS_MAX, STARS_MIN, Recipe, Tag, User, recipe_tag
from ..ratings import queries as marks
from ..ratings.limits import NOT_COOKED_DAYS_MAX
from . import backends
from .backends import AnySelect
from .highlight import snippet
from .query_text import ParsedQuery, build_query, clean_query_text, words
from .suggest import FEW, Parts, correct
from .vocabulary import Lookup

SORTS = ("relevance", "newest", "title", "quickest", *marks.MARK_SORTS)
# The list page's sort menu: "" is the default order (SearchRequest.order), "relevance"
# needs no entry of its own (it is that default whenever there are words).
SORT_MENU = (
    ("", "Best match"),
    ("newest", "Newest"),
    ("title", "Title"),
    ("quickest", "Quickest"),
    ("rating", "My rating"),
    ("last_cooked", "Last cooked"),
)
# `favourite=1` (or `true`): only one's favourites; `0`, `false` or nothing: no such filter.
FAVOURITE_ON = ("1", "true")
FAVOURITE_OFF = ("0", "false", "")
# Whose recipes: all one may see, one's own, one's household's (one's own too), public ones.
SCOPES = ("all", "mine", "household", "public")
TAG_MODES = ("any", "all")
DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_TAGS = 10
COUNT_CAP = 200


def _bounded_int(raw: str | None, low: int, high: int) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return min(max(value, low), high)


def _int_within(raw: str | None, low: int, high: int) -> int | None:
    """A whole number from `low` to `high`, or None (no such filter) for anything else."""
    value = _bounded_int(raw, low - 1, high + 1)
    return value if value is not None and low <= value <= high else None


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    tags: tuple[str, ...] = ()
    tag_mode: str = "any"
    has: str = ""
    has_not: str = ""
    max_time: int | None = None
    scope: str = "all"
    # One's own marks (recipes/ratings/): favourites only, at least this many of one's stars,
    # not logged as cooked in this many days.
    favourite: bool = False
    min_rating: int | None = None
    not_cooked_days: int | None = None
    # The order the person picked, or "" for the default (see `order`): the form's
    # "Best match". Explicit "relevance" is that default too (with no words it was never
    # more than newest first), so the form, the pages and the API read it the same way.
    sort: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_args(cls, args: Any, default_per_page: int = DEFAULT_PER_PAGE) -> SearchRequest:
        """From request.args (a MultiDict): anything unknown or out of range falls back or is clamped."""
        q = clean_query_text(args.get("q", ""), limit=500)
        tags = unique_tags(part for raw in args.getlist("tag") for part in clean_query_text(raw).split(","))
        has = clean_query_text(args.get("has", ""), limit=500)
        has_not = clean_query_text(args.get("not", ""), limit=500)
        sort = args.get("sort", "")
        return cls(
            q=q,
            tags=tuple(tags[:MAX_TAGS]),
            tag_mode=args.get("match") if args.get("match") in TAG_MODES else "any",
            has=has,
            has_not=has_not,
            max_time=_bounded_int(args.get("max_time"), 0, MINUTES_MAX) if args.get("max_time") else None,
            scope=args.get("scope") if args.get("scope") in SCOPES else "all",
            favourite=str(args.get("favourite", "")).strip() in FAVOURITE_ON,
            min_rating=_int_within(args.get("min_rating"), STARS_MIN, STARS_MAX),
            not_cooked_days=_int_within(args.get("not_cooked_days"), 1, NOT_COOKED_DAYS_MAX),
            sort=sort if sort in SORTS and sort != "relevance" else "",
            page=_bounded_int(args.get("page"), 1, MAX_PAGE) or 1,
            per_page=_bounded_int(args.get("per_page"), 1, MAX_PER_PAGE) or default_per_page,
        )

    @property
    def terms(self) -> ParsedQuery:
        return build_query(self.q, self.has, self.has_not)

    @property
    def order(self) -> str:
        """The order results come in: the one picked or, when none was, by relevance while
        there are words to search for and newest first otherwise. The one place this rule
        lives: the page (with or without JavaScript) and the API both read it from here."""
        if self.sort:
            return self.sort
        terms = self.terms
        return "relevance" if terms.include or terms.ingredients else "newest"

    @property
    def active_filters(self) -> int:
        """How many fields of the Filters panel narrow the search (its summary shows the count)."""
        narrowing = (self.tags, self.has, self.has_not, self.max_time is not None, self.scope != "all", *self._marked)
        return sum(bool(value) for value in narrowing)

    @property
    def _marked(self) -> tuple[bool, bool, bool]:
        return self.favourite, self.min_rating is not None, self.not_cooked_days is not None

    def without_filters(self) -> dict[str, Any]:
        """The query string for the same words and order with no filter (first page)."""
        return self.url_args(
            tags=(),
            tag_mode="any",
            has="",
            has_not="",
            max_time=None,
            scope="all",
            favourite=False,
            min_rating=None,
            not_cooked_days=None,
            page=1,
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.terms or self.tags or self.max_time is not None or self.scope != "all" or any(self._marked))

    def url_args(self, **changes: Any) -> dict[str, Any]:
        """The query string for this search (defaults left out), e.g. for the next page."""
        request = replace(self, **changes)
        values: dict[str, Any] = {
            "q": request.q,
            "tag": list(request.tags),
            "match": request.tag_mode if len(request.tags) > 1 and request.tag_mode != "any" else "",
            "has": request.has,
            "not": request.has_not,
            "max_time": request.max_time,
            "scope": request.scope if request.scope != "all" else "",
            "favourite": "1" if request.favourite else "",
            "min_rating": request.min_rating,
            "not_cooked_days": request.not_cooked_days,
            "sort": request.sort,  # only when picked: the default follows the words
            "per_page": request.per_page if request.per_page != DEFAULT_PER_PAGE else None,
            "page": request.page if request.page > 1 else None,
        }
        return {key: value for key, value in values.items() if value not in ("", None, [])}


@dataclass
class RecipeCard:
    id: int
    title: str
    prep_time: int | None
    cook_time: int | None
    total_minutes: int | None
    visibility: str
    owner_id: int
    image_digest: str | None
    owner_name: str | None  # whose it is, when it is not the viewer's own (see `search`)
    rating: int | None  # the viewer's own stars, if they rated it
    tags: list[str] = field(default_factory=list)
    snippet: Markup | None = None

    @property
    def is_public(self) -> bool:
        return self.visibility == PUBLIC


@dataclass(frozen=True)
class Suggestion:
    """ "Did you mean ...?": the search with its misspelled words corrected (see suggest.py)."""

    request: SearchRequest  # the corrected search, first page
    total: int  # how many recipes it finds, up to COUNT_CAP
    total_is_capped: bool
    parts: Parts  # the corrected text in pieces, each marked if it was corrected

    @property
    def q(self) -> str:
        return self.request.q


@dataclass
class SearchPage:
    items: list[RecipeCard]
    total: int
    total_is_capped: bool
    request: SearchRequest
    suggestion: Suggestion | None = None  # "Did you mean ...?", when few recipes were found

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * self.request.per_page < self.total

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))


def _tag_filter(query: AnySelect, tags: Sequence[str], mode: str, correlated: bool) -> AnySelect:
    """Recipes with any (all) of `tags`. `correlated` checks each candidate recipe's own
    tags (cheap when another index drives the query); otherwise the tagged recipes are
    listed first (cheap when the tag is rare and its list drives the query)."""

    def tagged(names: Sequence[str]) -> Any:
        if correlated:
            # The tag ids are listed once; each candidate is then one primary-key probe.
            tag_ids = select(Tag.id).where(Tag.name.in_(names))
            return (
                select(recipe_tag.c.recipe_id)
                .where(recipe_tag.c.recipe_id == Recipe.id, recipe_tag.c.tag_id.in_(tag_ids))
                .exists()
            )
        listed = select(recipe_tag.c.recipe_id).join(Tag, Tag.id == recipe_tag.c.tag_id).where(Tag.name.in_(names))
        return Recipe.id.in_(listed)

    if mode == "all":
        return query.where(*(tagged([name]) for name in tags))
    return query.where(tagged(tags))


# Up to this many matches (the count's cap), order them all exactly (bm25 / ts_rank, or the sort column).
# Beyond it, pages are read by walking an index, so a word found in half the library
# costs about what a rare one does: relevance then means "title matches first, newest
# first", and sorted pages walk that sort's index.
RANK_LIMIT = COUNT_CAP


def _sort_columns(sort: str) -> list[Any]:
    if sort == "title":
        return [Recipe.title, Recipe.id]
    if sort == "quickest":
        return [Recipe.total_minutes.asc().nulls_last(), Recipe.id]
    return [Recipe.created_at.desc(), Recipe.id.desc()]


def _rows(query: Any) -> list[Any]:
    # These are plain column selects: run them on the session's connection, skipping
    # the ORM's per-statement work (it matters on a page that runs on every visit).
    return list(db.session.connection().execute(query).all())


def _count(query: AnySelect) -> int:
    return int(_rows(select(func.count()).select_from(query.order_by(None).subquery()))[0][0])


def _capped_count(query: AnySelect) -> int:
    return _count(query.with_only_columns(Recipe.id).limit(COUNT_CAP + 1))


def _page(query: AnySelect, offset: int, limit: int) -> list[Any]:
    return _rows(query.offset(offset).limit(limit)) if limit > 0 else []


def _ranked_rows(base: AnySelect, terms: ParsedQuery, dense: bool, offset: int, limit: int) -> list[Any]:
    dialect = db.engine.dialect.name
    if not dense or not terms.include:
        ranked = backends.apply_text_filter(dialect, base, terms)
        order = [ranked.rank, Recipe.id.desc()] if ranked.rank is not None and not dense else [ranked.recent]
        return _page(ranked.query.order_by(*order), offset, limit)
    # Title matches first, then the rest; each most recently added first.
    in_title = backends.apply_text_filter(dialect, base, terms, title_tier=True)
    rows = _page(in_title.query.order_by(in_title.recent), offset, limit)
    if len(rows) == limit:
        return rows
    title_count = _count(in_title.query)
    rest = backends.apply_text_filter(dialect, base, terms, title_tier=False)
    return rows + _page(rest.query.order_by(rest.recent), max(0, offset - title_count), limit - len(rows))


def _sorted_rows(filtered: AnySelect, sort: str, offset: int, limit: int) -> list[Any]:
    return _page(filtered.order_by(*_sort_columns(sort)), offset, limit)


def _rows_by_mark(
    marked_from: AnySelect, walked: AnySelect, order: marks.MarkOrder, offset: int, limit: int, only_marked: bool
) -> list[Any]:
    """A page in the order of one of the viewer's marks: the recipes they marked first (read
    from the mark's table: a few), then the others newest first (a walk of the recipe index that
    stops after the page). `only_marked`: a filter already keeps only marked ones."""
    marked = order.marked(marked_from)
    rows = _page(marked, offset, limit)
    if len(rows) == limit or only_marked:
        return rows
    skip = max(0, offset - _count(marked))
    return rows + _page(walked.where(order.unmarked).order_by(*order.newest), skip, limit - len(rows))


# Whose a card is: the owner's name, looked up (by primary key) only for the rows a page shows;
# built once, as it is the same for everyone.
_OWNER_NAME = select(User.username).where(User.id == Recipe.owner_id).scalar_subquery().label("owner_name")
_CARD_COLUMNS = (
    Recipe.id,
    Recipe.title,
    Recipe.prep_time,
    Recipe.cook_time,
    Recipe.total_minutes,
    Recipe.visibility,
    Recipe.owner_id,
    Recipe.image_digest,
    _OWNER_NAME,
)


def _base(user: User, request: SearchRequest, correlated_tags: bool, cards: bool = True) -> AnySelect:
    """The card columns of the recipes this user may see (only their ids without `cards`), with
    the non-text filters."""
    if cards:
        base = select(*_CARD_COLUMNS, marks.own_stars_column(user.id)).where(visible_to(user))
    else:
        base = select(Recipe.id).where(visible_to(user))
    if request.scope == "mine":
        base = base.where(owned_by(user))
    elif request.scope == "household":
        base = base.where(of_household(user))
    elif request.scope == "public":
        base = base.where(Recipe.visibility == PUBLIC)
    if request.tags:
        base = _tag_filter(base, request.tags, request.tag_mode, correlated_tags)
    if request.max_time is not None:
        base = base.where(Recipe.total_minutes <= request.max_time)
    if request.favourite:
        base = base.where(marks.favourites_of(user.id))
    if request.min_rating is not None:
        base = base.where(marks.rated_at_least(user.id, request.min_rating))
    if request.not_cooked_days is not None:
        base = base.where(marks.not_cooked_in(user.id, request.not_cooked_days))
    return base


def _search_terms(request: SearchRequest) -> tuple[ParsedQuery, bool]:
    """The text terms (with the tags as a hint for the index) and whether there is text."""
    terms = request.terms
    has_text = bool(terms.include or terms.ingredients)
    if has_text and request.tags:
        tag_words = tuple(phrase for phrase in (tuple(words(tag)) for tag in request.tags) if phrase)
        terms = replace(terms, tags=tag_words, all_tags=request.tag_mode == "all")
    return terms, has_text


def count(user: User, request: SearchRequest) -> int:
    """How many recipes `request` finds for `user`, counted up to COUNT_CAP + 1."""
    terms, has_text = _search_terms(request)
    # Count with the text index driving (a join) when there is text, else the tag lists.
    counting_base = _base(user, request, correlated_tags=has_text, cards=False)
    return _capped_count(backends.apply_text_filter(db.engine.dialect.name, counting_base, terms).query)


def search(user: User, request: SearchRequest) -> SearchPage:
    terms, has_text = _search_terms(request)
    dialect = db.engine.dialect.name
    counting_base = _base(user, request, correlated_tags=has_text)
    total = _capped_count(backends.apply_text_filter(dialect, counting_base, terms).query)
    dense = total > RANK_LIMIT
    # A dense page without text walks an index, checking each recipe's own tags; without tags
    # the two bases are the same statement, built once.
    same = has_text or not dense or not request.tags
    base = counting_base if same else _base(user, request, correlated_tags=True)
    offset, limit = (request.page - 1) * request.per_page, request.per_page
    if offset >= total and total <= COUNT_CAP:
        rows: list[Any] = []  # nothing matches, or a page past the end: no need to ask
    elif request.order == "relevance" and has_text:
        rows = _ranked_rows(base, terms, dense, offset, limit)
    elif request.order in marks.MARK_SORTS:
        rows = _rows_by_mark(
            backends.apply_text_filter(dialect, base, terms, join=False).query,
            backends.apply_text_filter(dialect, base, terms, join=False, walk_index=dense).query,
            marks.mark_order(request.order, user.id),
            offset,
            limit,
            only_marked=request.order == marks.RATING and request.min_rating is not None,
        )
    else:
        # Many matches: walk the sort's index and stop after one page, rather than
        # collecting every match and sorting them.
        filtered = backends.apply_text_filter(dialect, base, terms, join=False, walk_index=dense).query
        rows = _sorted_rows(filtered, request.order, offset, limit)
    cards = [RecipeCard(*row) for row in rows]
    me = user.id  # once: `user` may be Flask-Login's proxy, which is slow to ask
    for card in cards:
        if card.owner_id == me:
            card.owner_name = None  # one's own: no "by ..."
    _attach_tags(cards)
    if terms.highlight_words:
        _attach_snippets(cards, terms.highlight_words)
    # Few found: perhaps a word was misspelled (nothing more is asked of a search that finds enough).
    suggestion = _suggestion(user, request, total) if total <= FEW else None
    return SearchPage(
        items=cards,
        total=min(total, COUNT_CAP),
        total_is_capped=total > COUNT_CAP,
        request=request,
        suggestion=suggestion,
    )


def _suggestion(user: User, request: SearchRequest, total: int) -> Suggestion | None:
    def count_typed(q: str) -> int:
        return count(user, replace(request, q=q, page=1))

    def count_alone(word: str) -> int:
        # Counted as far as a search counts: with a limit of a few rows PostgreSQL may plan a
        # walk of every recipe rather than the index (slow exactly when the word is nowhere).
        return count(user, SearchRequest(q=word))

    found = correct(request.q, total, Lookup(db.session.connection(), user), count_typed, count_alone)
    if found is None:
        return None
    return Suggestion(
        replace(request, q=found.q, page=1), min(found.found, COUNT_CAP), found.found > COUNT_CAP, found.parts
    )


def _attach_tags(cards: list[RecipeCard]) -> None:
    if not cards:
        return
    by_id = {card.id: card for card in cards}
    rows = _rows(
        select(recipe_tag.c.recipe_id, Tag.display_name)
        .join(Tag, Tag.id == recipe_tag.c.tag_id)
        .where(recipe_tag.c.recipe_id.in_(by_id))
        .order_by(Tag.name)
    )
    for recipe_id, label in rows:
        by_id[recipe_id].tags.append(label)  # as its owner typed it


def _attach_snippets(cards: list[RecipeCard], words: Sequence[str]) -> None:
    if not cards:
        return
    by_id = {card.id: card for card in cards}
    rows = _rows(
        select(Recipe.id, Recipe.description, Recipe.ingredients, Recipe.instructions, Recipe.notes).where(
            Recipe.id.in_(by_id)
        )
    )
    for recipe_id, description, ingredients, instructions, notes in rows:
        fields = [description or "", "\n".join(ingredients or []), "\n".join(instructions or []), notes or ""]
        by_id[recipe_id].snippet = snippet(fields, words)


def tag_counts(user: User, limit: int = 200) -> list[tuple[str, int]]:
    """The most used tags on the recipes this user can see, with how many recipes use each
    (one per name, whatever its case; shown as the user typed it, or else as one of its
    owners did)."""
    # A recipe only carries its owner's tags, so (recipe, tag name) pairs are unique.
    uses = func.count().label("uses")
    label = func.coalesce(func.max(case((Tag.owner_id == user.id, Tag.display_name))), func.min(Tag.display_name))
    rows = db.session.execute(
        select(label, uses)
        .join(recipe_tag, recipe_tag.c.tag_id == Tag.id)
        .join(Recipe, Recipe.id == recipe_tag.c.recipe_id)
        .where(visible_to(user))
        .group_by(Tag.name)
        .order_by(uses.desc(), Tag.name)
        .limit(limit)
    ).all()
    return sorted(((label, count) for label, count in rows), key=lambda item: item[0].lower())
