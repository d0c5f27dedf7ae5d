"""The one search service the pages, the API and the CLI share.

`SearchRequest.from_args` turns URL parameters into bounded, allow-listed values;
`search` returns one page of lightweight recipe cards: only the columns a card
shows, tags in one extra query, and a count that stops at COUNT_CAP.

Every statement is built once per worker for each shape of search (which filters, which order,
what kind of text filter: `_Shape`, backends.TextShape), with bound parameters for the values
(the viewer, the words, the tags, the page), and run with those: composing SQLAlchemy
statements anew cost a search more than running them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup
from sqlalchemy import BindParameter, Date, Integer, String, bindparam, case, func, literal_column, select
from werkzeug.datastructures import MultiDict

from ..access import of_household_id, owned_by_viewer, visible_to, visible_to_viewer
from ..cookbook.limits import MINUTES_MAX
from ..cookbook.recipe_text import unique_tags
from ..extensions import db
from ..models import PUBLIC, STARS_MAX, STARS_MIN, Recipe, Tag, User, recipe_tag
from ..ratings import queries as marks
from ..ratings.limits import NOT_COOKED_DAYS_MAX
from . import backends
from .backends import AnySelect, TextShape, TextTerms
from .highlight import snippet
from .query_text import ParsedQuery, build_query, clean_query_text, words
from .suggest import FEW, Parts, correct
from .terms import Terms, terms_for
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
        tags = unique_tags(part for raw in args.getlist("tag") for part in clean_query_text(raw).split(","))
        # Each parameter's first value, from a plain dict: a MultiDict makes (and catches) an
        # exception for every parameter a request does not have, and most have few.
        first: Mapping[str, str] = args.to_dict() if isinstance(args, MultiDict) else args
        sort = first.get("sort", "")
        return cls(
            q=clean_query_text(first.get("q", ""), limit=500),
            tags=tuple(tags[:MAX_TAGS]),
            tag_mode=first.get("match", "") if first.get("match") in TAG_MODES else "any",
            has=clean_query_text(first.get("has", ""), limit=500),
            has_not=clean_query_text(first.get("not", ""), limit=500),
            max_time=_bounded_int(first.get("max_time"), 0, MINUTES_MAX) if first.get("max_time") else None,
            scope=first.get("scope", "") if first.get("scope") in SCOPES else "all",
            favourite=str(first.get("favourite", "")).strip() in FAVOURITE_ON,
            min_rating=_int_within(first.get("min_rating"), STARS_MIN, STARS_MAX),
            not_cooked_days=_int_within(first.get("not_cooked_days"), 1, NOT_COOKED_DAYS_MAX),
            sort=sort if sort in SORTS and sort != "relevance" else "",
            page=_bounded_int(first.get("page"), 1, MAX_PAGE) or 1,
            per_page=_bounded_int(first.get("per_page"), 1, MAX_PER_PAGE) or default_per_page,
        )

    @functools.cached_property
    def terms(self) -> ParsedQuery:
        """The words to look for, parsed once per request object (the page asks for them a few
        times: its order, whether it is filtered, the search itself). Fields never change (frozen),
        and `replace` makes a new object, parsed anew."""
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


# --- the statements, built once per shape ------------------------------------------------------

_VIEWER: BindParameter[int] = bindparam("viewer", type_=Integer)
_HOUSEHOLD: BindParameter[int] = bindparam("household", type_=Integer)
_TAGS: BindParameter[Any] = bindparam("tags", type_=String, expanding=True)
_MAX_TIME: BindParameter[int] = bindparam("max_time", type_=Integer)
_MIN_STARS: BindParameter[int] = bindparam("min_stars", type_=Integer)
_COOKED_SINCE: BindParameter[Any] = bindparam("cooked_since", type_=Date)
_OFFSET: BindParameter[int] = bindparam("offset", type_=Integer)
_LIMIT: BindParameter[int] = bindparam("limit", type_=Integer)
_COUNT_LIMIT: BindParameter[int] = bindparam("count_limit", type_=Integer)
_IDS: BindParameter[Any] = bindparam("ids", type_=Integer, expanding=True)
STATEMENTS_KEPT = 512  # per kind of statement, per worker: far more shapes than searches use


@dataclass(frozen=True)
class _Shape:
    """What a search's statements depend on, their values aside: the key they are kept by."""

    dialect: str
    scope: str = "all"
    tags: int = 0
    all_tags: bool = False
    correlated_tags: bool = False  # see _tag_filter (only meaningful with tags)
    max_time: bool = False
    favourite: bool = False
    min_rating: bool = False
    not_cooked: bool = False

    @classmethod
    def of(cls, dialect: str, request: SearchRequest, correlated_tags: bool) -> _Shape:
        return cls(
            dialect=dialect,
            scope=request.scope,
            tags=len(request.tags),
            all_tags=request.tag_mode == "all" and len(request.tags) > 1,
            correlated_tags=correlated_tags and bool(request.tags),
            max_time=request.max_time is not None,
            favourite=request.favourite,
            min_rating=request.min_rating is not None,
            not_cooked=request.not_cooked_days is not None,
        )


def _values(viewer_id: int, household_id: int, request: SearchRequest) -> dict[str, Any]:
    """The values of a search's bound parameters, but for its text and its page."""
    values: dict[str, Any] = {"viewer": viewer_id, "household": household_id, "count_limit": COUNT_CAP + 1}
    if request.tags:
        if request.tag_mode == "all" and len(request.tags) > 1:
            values.update({f"tag_{n}": [name] for n, name in enumerate(request.tags)})
        else:
            values["tags"] = list(request.tags)
    if request.max_time is not None:
        values["max_time"] = request.max_time
    if request.min_rating is not None:
        values["min_stars"] = request.min_rating
    if request.not_cooked_days is not None:
        values["cooked_since"] = marks.cooked_since(request.not_cooked_days)
    return values


def _tag_filter(query: AnySelect, shape: _Shape) -> AnySelect:
    """Recipes with any (all) of the tags. `correlated` checks each candidate recipe's own
    tags (cheap when another index drives the query); otherwise the tagged recipes are
    listed first (cheap when the tag is rare and its list drives the query)."""

    def tagged(names: BindParameter[Any]) -> Any:
        if shape.correlated_tags:
            # Each candidate's own few tags, from its index entries, their names by primary key.
            # (SQLite would rather list every account's tag of that name and probe the recipe
            # for each: 20 probes a recipe with 20 accounts. Its unary plus keeps it from that.)
            name = literal_column("+tag.name", String) if shape.dialect == "sqlite" else Tag.name
            return (
                select(recipe_tag.c.recipe_id)
                .join(Tag, Tag.id == recipe_tag.c.tag_id)
                .where(recipe_tag.c.recipe_id == Recipe.id, name.in_(names))
                .exists()
            )
        listed = select(recipe_tag.c.recipe_id).join(Tag, Tag.id == recipe_tag.c.tag_id).where(Tag.name.in_(names))
        return Recipe.id.in_(listed)

    if shape.all_tags:
        return query.where(*(tagged(bindparam(f"tag_{n}", type_=String, expanding=True)) for n in range(shape.tags)))
    return query.where(tagged(_TAGS))


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


def _base(shape: _Shape, cards: bool = True) -> AnySelect:
    """The card columns of the recipes the viewer may see (only their ids without `cards`),
    with the non-text filters."""
    if cards:
        base = select(*_CARD_COLUMNS, marks.own_stars_column(_VIEWER)).where(visible_to_viewer(_VIEWER, _HOUSEHOLD))
    else:
        base = select(Recipe.id).where(visible_to_viewer(_VIEWER, _HOUSEHOLD))
    if shape.scope == "mine":
        base = base.where(owned_by_viewer(_VIEWER))
    elif shape.scope == "household":
        base = base.where(of_household_id(_HOUSEHOLD))
    elif shape.scope == "public":
        base = base.where(Recipe.visibility == PUBLIC)
    if shape.tags:
        base = _tag_filter(base, shape)
    if shape.max_time:
        base = base.where(Recipe.total_minutes <= _MAX_TIME)
    if shape.favourite:
        base = base.where(marks.favourites_of(_VIEWER))
    if shape.min_rating:
        base = base.where(marks.rated_at_least(_VIEWER, _MIN_STARS))
    if shape.not_cooked:
        base = base.where(marks.not_cooked_since(_VIEWER, _COOKED_SINCE))
    return base


def _paged(query: AnySelect) -> AnySelect:
    return query.offset(_OFFSET).limit(_LIMIT)


def _counted(query: AnySelect) -> Any:
    return select(func.count()).select_from(query.order_by(None).subquery())


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _capped_count_statement(shape: _Shape, text: TextShape) -> Any:
    """How many recipes match, counted up to the `count_limit` parameter (COUNT_CAP + 1); with
    the text index driving (a join) when there is text."""
    filtered = backends.apply_text_filter(shape.dialect, _base(shape, cards=False), text, covered=True).query
    return _counted(filtered.limit(_COUNT_LIMIT))


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _ranked_statement(shape: _Shape, text: TextShape, by_rank: bool) -> AnySelect:
    """A page of matches: by rank (bm25 / ts_rank) when `by_rank`, else most recently added first."""
    ranked = backends.apply_text_filter(shape.dialect, _base(shape), text)
    order = [ranked.rank, Recipe.id.desc()] if by_rank and ranked.rank is not None else [ranked.recent]
    return _paged(ranked.query.order_by(*order))


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _recent_count_statement(shape: _Shape, text: TextShape) -> Any:
    """How many recipes match, uncapped (the title matches, to know where the rest start)."""
    return _counted(backends.apply_text_filter(shape.dialect, _base(shape), text).query)


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _sorted_statement(shape: _Shape, text: TextShape, sort: str, walk_index: bool) -> AnySelect:
    """A page in the order of `sort`: many matches walk the sort's index and stop after one
    page, rather than collecting every match and sorting them."""
    filtered = backends.apply_text_filter(shape.dialect, _base(shape), text, join=False, walk_index=walk_index)
    return _paged(filtered.query.order_by(*_sort_columns(sort)))


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _marked_statements(shape: _Shape, text: TextShape, sort: str) -> tuple[Any, Any]:
    """An order by one of the viewer's marks (see _rows_by_mark): the marked recipes' page and count."""
    marked_from = backends.apply_text_filter(shape.dialect, _base(shape), text, join=False).query
    marked = marks.mark_order(sort, _VIEWER).marked(marked_from)
    return _paged(marked), _counted(marked)


@functools.lru_cache(maxsize=STATEMENTS_KEPT)
def _unmarked_statement(shape: _Shape, text: TextShape, sort: str, walk_index: bool) -> Any:
    """An order by one of the viewer's marks: the page of the recipes they did not mark, newest first."""
    order = marks.mark_order(sort, _VIEWER)
    walked = backends.apply_text_filter(shape.dialect, _base(shape), text, join=False, walk_index=walk_index).query
    return _paged(walked.where(order.unmarked).order_by(*order.newest))


def _rows(statement: Any, values: Mapping[str, Any]) -> list[Any]:
    # Run on the session's connection, skipping the ORM's per-statement work (it matters
    # on a page that runs on every visit).
    return list(db.session.connection().execute(statement, values).all())


def _number(statement: Any, values: Mapping[str, Any]) -> int:
    return int(_rows(statement, values)[0][0])


def _page(statement: Any, values: Mapping[str, Any], offset: int, limit: int) -> list[Any]:
    return _rows(statement, {**values, "offset": offset, "limit": limit}) if limit > 0 else []


# --- searching ------------------------------------------------------------------------------------


@dataclass
class _Search:
    """One search as its statements need it: the shapes they are kept by and their values."""

    shape: _Shape
    values: dict[str, Any]
    text: TextTerms
    terms: ParsedQuery
    has_text: bool
    prefixes: Terms | None

    @classmethod
    def of(cls, viewer_id: int, household_id: int, request: SearchRequest, prefixes: Terms | None = None) -> _Search:
        terms, has_text = _search_terms(request)
        dialect = db.engine.dialect.name
        if prefixes is None and dialect == "sqlite":
            prefixes = terms_for(db.session.connection())
        # Count with the text index driving (a join) when there is text, else the tag lists.
        shape = _Shape.of(dialect, request, correlated_tags=has_text)
        text = backends.text_terms(dialect, terms, prefixes=prefixes)
        return cls(shape, _values(viewer_id, household_id, request), text, terms, has_text, prefixes)

    def with_text(self, text: TextTerms) -> dict[str, Any]:
        return {**self.values, **text.values}

    def capped_count(self) -> int:
        return _number(_capped_count_statement(self.shape, self.text.shape), self.with_text(self.text))

    def text_terms(self, title_tier: bool | None) -> TextTerms:
        return backends.text_terms(self.shape.dialect, self.terms, title_tier=title_tier, prefixes=self.prefixes)

    def walking_text(self, walk_index: bool) -> TextTerms:
        """The text filter for a page that walks an index. SQLite: a map of the matches when it
        can be made (backends.mapped_terms; terms.py keeps it). PostgreSQL: other values."""
        if not walk_index or not self.text.shape.positive:
            return self.text
        if self.shape.dialect == "sqlite":
            query = backends.map_query(self.terms, self.prefixes)
            matches = self.prefixes.match_map(query) if query is not None and self.prefixes is not None else None
            return backends.mapped_terms(matches) if matches is not None else self.text
        if not self.terms.tags:
            return self.text
        return backends.text_terms(self.shape.dialect, self.terms, prefixes=self.prefixes, walk_index=True)


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
    return _Search.of(user.id, user.household_id, request).capped_count()


def _ranked_rows(found: _Search, base_shape: _Shape, dense: bool, offset: int, limit: int) -> list[Any]:
    if not dense or not found.terms.include:
        statement = _ranked_statement(base_shape, found.text.shape, by_rank=not dense)
        return _page(statement, found.with_text(found.text), offset, limit)
    # Title matches first, then the rest; each most recently added first.
    in_title = found.text_terms(title_tier=True)
    in_title_values = found.with_text(in_title)
    rows = _page(_ranked_statement(base_shape, in_title.shape, by_rank=False), in_title_values, offset, limit)
    if len(rows) == limit:
        return rows
    title_count = _number(_recent_count_statement(base_shape, in_title.shape), in_title_values)
    rest = found.text_terms(title_tier=False)
    statement = _ranked_statement(base_shape, rest.shape, by_rank=False)
    return rows + _page(statement, found.with_text(rest), max(0, offset - title_count), limit - len(rows))


def _rows_by_mark(
    found: _Search, base_shape: _Shape, sort: str, walk_index: bool, offset: int, limit: int, only_marked: bool
) -> list[Any]:
    """A page in the order of one of the viewer's marks: the recipes they marked first (read
    from the mark's table: a few), then the others newest first (a walk of the recipe index that
    stops after the page). `only_marked`: a filter already keeps only marked ones."""
    marked_page, marked_count = _marked_statements(base_shape, found.text.shape, sort)
    values = found.with_text(found.text)
    rows = _page(marked_page, values, offset, limit)
    if len(rows) == limit or only_marked:
        return rows
    skip = max(0, offset - _number(marked_count, values))
    walking = found.walking_text(walk_index)
    walked_page = _unmarked_statement(base_shape, walking.shape, sort, walk_index)
    return rows + _page(walked_page, found.with_text(walking), skip, limit - len(rows))


def search(user: User, request: SearchRequest, *, snippets: bool = True) -> SearchPage:
    """One page of `request`'s results for `user`: cards with their tags and (with `snippets`,
    as the pages show them) the text around the words found."""
    me, household = user.id, user.household_id  # once: `user` may be Flask-Login's proxy, slow to ask
    found = _Search.of(me, household, request)
    total = found.capped_count()
    dense = total > RANK_LIMIT
    # A dense page without text walks an index, checking each recipe's own tags; otherwise the
    # page's statements filter tags as the count did.
    correlated = found.has_text or (dense and bool(request.tags))
    base_shape = replace(found.shape, correlated_tags=correlated and bool(request.tags))
    offset, limit = (request.page - 1) * request.per_page, request.per_page
    if offset >= total and total <= COUNT_CAP:
        rows: list[Any] = []  # nothing matches, or a page past the end: no need to ask
    elif request.order == "relevance" and found.has_text:
        rows = _ranked_rows(found, base_shape, dense, offset, limit)
    elif request.order in marks.MARK_SORTS:
        only_marked = request.order == marks.RATING and request.min_rating is not None
        rows = _rows_by_mark(found, base_shape, request.order, dense, offset, limit, only_marked)
    else:
        walking = found.walking_text(dense)
        statement = _sorted_statement(base_shape, walking.shape, request.order, walk_index=dense)
        rows = _page(statement, found.with_text(walking), offset, limit)
    cards = [RecipeCard(*row) for row in rows]
    for card in cards:
        if card.owner_id == me:
            card.owner_name = None  # one's own: no "by ..."
    _attach_tags(cards)
    if snippets and found.terms.highlight_words:
        _attach_snippets(cards, found.terms.highlight_words)
    # Few found: perhaps a word was misspelled (nothing more is asked of a search that finds enough).
    suggestion = _suggestion(me, household, request, total, found.prefixes) if total <= FEW else None
    return SearchPage(
        items=cards,
        total=min(total, COUNT_CAP),
        total_is_capped=total > COUNT_CAP,
        request=request,
        suggestion=suggestion,
    )


def _suggestion(
    me: int, household: int, request: SearchRequest, total: int, prefixes: Terms | None
) -> Suggestion | None:
    def count_typed(q: str) -> int:
        return _Search.of(me, household, replace(request, q=q, page=1), prefixes).capped_count()

    def count_alone(word: str) -> int:
        # Counted as far as a search counts: with a limit of a few rows PostgreSQL may plan a
        # walk of every recipe rather than the index (slow exactly when the word is nowhere).
        return _Search.of(me, household, SearchRequest(q=word), prefixes).capped_count()

    connection = db.session.connection()
    lookup = Lookup(connection, me, household, prefixes)
    found = correct(request.q, total, lookup, count_typed, count_alone, most=COUNT_CAP + 1)
    if found is None:
        return None
    return Suggestion(
        replace(request, q=found.q, page=1), min(found.found, COUNT_CAP), found.found > COUNT_CAP, found.parts
    )


_TAGS_OF_CARDS = (
    select(recipe_tag.c.recipe_id, Tag.display_name)
    .join(Tag, Tag.id == recipe_tag.c.tag_id)
    .where(recipe_tag.c.recipe_id.in_(_IDS))
    .order_by(Tag.name)
)
_SNIPPET_FIELDS = select(Recipe.id, Recipe.description, Recipe.ingredients, Recipe.instructions, Recipe.notes).where(
    Recipe.id.in_(_IDS)
)


def _attach_tags(cards: list[RecipeCard]) -> None:
    if not cards:
        return
    by_id = {card.id: card for card in cards}
    for recipe_id, label in _rows(_TAGS_OF_CARDS, {"ids": list(by_id)}):
        by_id[recipe_id].tags.append(label)  # as its owner typed it


def _attach_snippets(cards: list[RecipeCard], words: Sequence[str]) -> None:
    if not cards:
        return
    by_id = {card.id: card for card in cards}
    for recipe_id, description, ingredients, instructions, notes in _rows(_SNIPPET_FIELDS, {"ids": list(by_id)}):
        by_id[recipe_id].snippet = snippet(_snippet_fields(description, ingredients, instructions, notes), words)


def _snippet_fields(
    description: str | None, ingredients: list[str] | None, instructions: list[str] | None, notes: str | None
) -> Iterator[str]:
    """A recipe's text in the order a snippet looks for the words, each field made only if the
    ones before it hold none (most matches are in the first two)."""
    yield description or ""
    yield "\n".join(ingredients or [])
    yield "\n".join(instructions or [])
    yield notes or ""


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
