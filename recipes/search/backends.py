"""The two search back-ends behind one interface: turn ParsedQuery terms into SQL.

Only words of letters and digits (see text.words) ever reach these query strings,
each quoted, so nothing a person types is read as FTS5 or tsquery syntax.

A text filter comes in two parts, so that a statement is built once and serves every search
of its shape (service.py keeps them): `text_terms` turns the terms into the values a
statement is run with (the FTS5 query, the tsqueries) and a hashable `TextShape` of what the
statement needs; `apply_text_filter` adds that shape to a statement, with bound parameters
where the values go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Join,
    Select,
    bindparam,
    column,
    false,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects import postgresql  # noqa: F401  (registers to_tsquery() and its kin before any is built)
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from ..models import Recipe
from .query_text import ParsedQuery, Phrase, exclusion_forms, food_forms

# A SELECT of any columns (SQLAlchemy 2.1 types selects by their column tuple).
AnySelect = Select[*tuple[Any, ...]]


class Prefixes(Protocol):
    """Which index terms a prefix query would read (SQLite: see terms.py)."""

    def exact(self, word: str) -> bool:
        """Whether `"word"*` matches exactly what `"word"` does, and is costlier to ask."""
        ...


@dataclass(frozen=True)
class TextShape:
    """What a text filter adds to a statement, its values aside. SQLite: a MATCH of the terms
    (`positive`, its exclusions inside the same query), or only exclusions (`negative`).
    PostgreSQL: a tsquery on the whole document (`positive`, `ranked` when it has words to rank
    by), one on the ingredients (`ingredients`), or both."""

    positive: bool = False
    negative: bool = False
    ingredients: bool = False
    ranked: bool = False
    # SQLite, a walk of an index: the matches come as a map of bytes, one a recipe (mapped_terms),
    # instead of a list of every match the statement would build and hash first.
    mapped: bool = False

    def __bool__(self) -> bool:
        return self.positive or self.negative or self.ingredients


@dataclass(frozen=True)
class TextTerms:
    shape: TextShape
    values: Mapping[str, str | bytes] = field(default_factory=dict)  # the bound parameters' values


NO_TEXT = TextTerms(TextShape())


@dataclass
class TextFilter:
    query: AnySelect
    rank: ColumnElement[Any] | None  # order by this, ascending, for relevance
    # Most recently added first, in the order the index itself is kept (cheap to walk).
    recent: ColumnElement[Any] | None = None


# --- SQLite FTS5 -----------------------------------------------------------------------

_FTS_QUERY = "fts_query"
_FTS_EXCLUDE = "fts_exclude"
_FTS_MATCHES = "fts_matches"
# A map of matches has a byte for every recipe id from 0 up to the highest match: 1 if it matches.
MATCHED = b"\x01"


def _recipe_id(walk_index: bool) -> ColumnElement[Any]:
    """recipe.id, or `+recipe.id` when an index on the sort order must drive the query:
    SQLite's unary plus stops a term from being used to look rows up, so it cannot
    start from the (long) list of matches and sort them all."""
    return literal_column("+recipe.id", Integer) if walk_index else cast(ColumnElement[Any], Recipe.id)


_fts = table("recipe_fts", column("rowid"))
# bm25 weights per column: title, tags, ingredients, body. Title hits come first.
_BM25_WEIGHTS = (50.0, 10.0, 4.0, 1.0)


def _excluded_foods(phrases: tuple[Phrase, ...]) -> list[Phrase]:
    """Every way of writing the foods a "not" filter leaves out, with their simple plurals."""
    return [f for p in phrases for form in food_forms(p) for f in exclusion_forms(form)]


def _fts_phrase(phrase: Phrase, prefix: bool, prefixes: Prefixes | None = None) -> str:
    quoted = '"' + " ".join(phrase) + '"'
    if not prefix or len(phrase) != 1:
        return quoted
    # A prefix query beyond the prefix indexes merges the doclists of every term it starts; when
    # the index holds no other term starting so, the word itself finds the same recipes (and
    # ranks them the same), reading its doclist only as far as it needs.
    return quoted if prefixes is not None and prefixes.exact(phrase[0]) else quoted + "*"


def _fts_any(phrases: list[Phrase]) -> str:
    return "(" + " OR ".join(_fts_phrase(p, prefix=False) for p in phrases) + ")"


def _sqlite_terms(terms: ParsedQuery, title_tier: bool | None, prefixes: Prefixes | None) -> TextTerms:
    # The FTS5 table stems words (porter: "tomatoes" = "tomato"), so whole words need no
    # prefix query; only the last word, perhaps still being typed, is one ("tom" ->
    # tomato). Prefix queries up to 6 letters read a prefix index; longer ones cost more.
    last = len(terms.include) - 1
    words = [_fts_phrase(p, prefix=(i == last), prefixes=prefixes) for i, p in enumerate(terms.include)]
    positive = list(words)
    if terms.tags:
        tag_phrases = [_fts_phrase(p, prefix=False) for p in terms.tags]
        if terms.all_tags:
            positive += ["tags : " + phrase for phrase in tag_phrases]
        else:
            positive.append("tags : (" + " OR ".join(tag_phrases) + ")")
    positive += [
        "ingredients : ("
        + " OR ".join(_fts_phrase(form, prefix=True, prefixes=prefixes) for form in food_forms(p))
        + ")"
        for p in terms.ingredients
    ]
    negative = []
    if terms.exclude:
        negative.append(_fts_any([form for p in terms.exclude for form in exclusion_forms(p)]))
    if terms.not_ingredients:
        negative.append("ingredients : " + _fts_any(_excluded_foods(terms.not_ingredients)))
    if terms.include and title_tier is not None:
        in_title = "title : (" + " AND ".join(words) + ")"
        if title_tier:
            positive.append(in_title)
        else:
            negative.append(in_title)
    if positive:
        expression = "(" + " AND ".join(positive) + ")"
        if negative:
            expression += " NOT (" + " OR ".join(negative) + ")"
        return TextTerms(TextShape(positive=True), {_FTS_QUERY: expression})
    if negative:
        return TextTerms(TextShape(negative=True), {_FTS_EXCLUDE: " OR ".join(negative)})
    return NO_TEXT


_MATCHING = text(f"recipe_fts MATCH :{_FTS_QUERY}")
# A recipe past the map's end gets an empty byte string: not a match.
_IN_MAP = text(f"substr(:{_FTS_MATCHES}, recipe.id + 1, 1) = x'{MATCHED.hex()}'")
_EXCLUDED = select(_fts.c.rowid).where(text(f"recipe_fts MATCH :{_FTS_EXCLUDE}"))
VISIBLE_TO_INDEX = "ix_recipe_visible_to"  # migration 0017: (id, visibility, owner_id, total_minutes)


class CoveredJoin(Join):
    """`recipe JOIN recipe_fts`, with SQLite told to read the recipes through VISIBLE_TO_INDEX
    (INDEXED BY): for a statement that needs no more of a recipe than that index holds (a count),
    each match the text index finds is checked without reading the recipe's row, whose
    visibility comes after its long text (often in overflow pages: 3x the cost of a count)."""

    inherit_cache = True


def _plain(join: CoveredJoin, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(Join(join.left, join.right, join.onclause), **kw)


@compiles(CoveredJoin, "sqlite")
def _covered_join_sqlite(join: CoveredJoin, compiler: SQLCompiler, **kw: Any) -> str:
    rendered = _plain(join, compiler, **kw)
    plain = "recipe JOIN "
    if not rendered.startswith(plain):
        raise CompileError(f"a covered join must start with the recipe table: {rendered[:40]!r}")
    return f"recipe INDEXED BY {VISIBLE_TO_INDEX} JOIN " + rendered[len(plain) :]


@compiles(CoveredJoin)
def _covered_join(join: CoveredJoin, compiler: SQLCompiler, **kw: Any) -> str:
    return _plain(join, compiler, **kw)


def _sqlite(query: AnySelect, shape: TextShape, join: bool, walk_index: bool, covered: bool) -> TextFilter:
    if shape.positive:
        if not join and shape.mapped:
            return TextFilter(query.where(_IN_MAP), None)
        if not join:
            return TextFilter(query.where(_recipe_id(walk_index).in_(select(_fts.c.rowid).where(_MATCHING))), None)
        if covered:
            joined = CoveredJoin(Recipe.__table__, _fts, _fts.c.rowid == Recipe.id)
            return TextFilter(query.select_from(joined).where(_MATCHING), None)
        query = query.join(_fts, _fts.c.rowid == Recipe.id).where(_MATCHING)
        return TextFilter(query, func.bm25(literal_column("recipe_fts"), *_BM25_WEIGHTS), _fts.c.rowid.desc())
    if shape.negative:
        query = query.where(_recipe_id(walk_index).not_in(_EXCLUDED))
    return TextFilter(query, None)


# --- PostgreSQL tsvector --------------------------------------------------------------

_TS_DOCUMENT = "ts_document"
_TS_INGREDIENTS = "ts_ingredients"
_search = table("recipe_search", column("recipe_id"), column("document"), column("ingredients"))
_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
# ts_rank weights for D, C, B, A: body, ingredients, tags, title.
_RANK_WEIGHTS: ColumnElement[Any] = literal_column("'{0.02, 0.1, 0.3, 1.0}'::float4[]")


def _ts_phrase(phrase: Phrase, prefix: bool, weight: str = "") -> str:
    if prefix and len(phrase) == 1:
        return f"'{phrase[0]}':*{weight}"
    marker = f":{weight}" if weight else ""
    return "(" + " <-> ".join(f"'{word}'{marker}" for word in phrase) + ")"


def _ts_query(
    include: tuple[Phrase, ...],
    exclude: tuple[Phrase, ...],
    title_tier: bool | None = None,
    tags: tuple[Phrase, ...] = (),
    all_tags: bool = False,
    tag_weight: str = "B",
) -> str | None:
    parts = [_ts_phrase(p, prefix=True) for p in include]
    if tags:
        # Weight B is the tags (see index.py).
        tag_parts = [_ts_phrase(p, prefix=False, weight=tag_weight) for p in tags]
        parts += tag_parts if all_tags else ["(" + " | ".join(tag_parts) + ")"]
    forms = [_ts_phrase(f, prefix=False) for p in exclude for f in exclusion_forms(p)]
    if include and title_tier is not None:
        # Weight A is the title (see index.py).
        in_title = "(" + " & ".join(_ts_phrase(p, prefix=True, weight="A") for p in include) + ")"
        parts.append(in_title if title_tier else "!" + in_title)
    if forms:
        parts.append("!(" + " | ".join(forms) + ")")
    return " & ".join(parts) or None


def _ts_ingredients(include: tuple[Phrase, ...], exclude: tuple[Phrase, ...]) -> str | None:
    """The ingredient filters: each food in any of its spellings, none of the excluded ones."""
    parts = ["(" + " | ".join(_ts_phrase(form, prefix=True) for form in food_forms(p)) + ")" for p in include]
    if exclude:
        parts.append("!(" + " | ".join(_ts_phrase(f, prefix=False) for f in _excluded_foods(exclude)) + ")")
    return " & ".join(parts) or None


def _postgres_terms(terms: ParsedQuery, title_tier: bool | None, walk_index: bool) -> TextTerms:
    # The tags are a hint (the recipe's own tags are checked too). A weighted one makes the GIN
    # index recheck every match against its document, which a walk's list of every match
    # (see _postgres) cannot afford: 2x its cost for "chicken" and a common tag.
    tag_weight = "" if walk_index else "B"
    document_query = _ts_query(terms.include, terms.exclude, title_tier, terms.tags, terms.all_tags, tag_weight)
    ingredients_query = _ts_ingredients(terms.ingredients, terms.not_ingredients)
    values = {}
    if document_query is not None:
        values[_TS_DOCUMENT] = document_query
    if ingredients_query is not None:
        values[_TS_INGREDIENTS] = ingredients_query
    shape = TextShape(
        positive=document_query is not None,
        ingredients=ingredients_query is not None,
        ranked=document_query is not None and bool(terms.include),
    )
    return TextTerms(shape, values)


_DOCUMENT_QUERY = func.to_tsquery(_SIMPLE, bindparam(_TS_DOCUMENT))
_INGREDIENTS_QUERY = func.to_tsquery(_SIMPLE, bindparam(_TS_INGREDIENTS))


def _postgres(query: AnySelect, shape: TextShape, join: bool, walk_index: bool) -> TextFilter:
    conditions = []
    rank = None
    if shape.positive:
        conditions.append(_search.c.document.op("@@")(_DOCUMENT_QUERY))
        if shape.ranked:
            rank = -func.ts_rank(_RANK_WEIGHTS, _search.c.document, _DOCUMENT_QUERY)
    if shape.ingredients:
        conditions.append(_search.c.ingredients.op("@@")(_INGREDIENTS_QUERY))
    if not join:
        matching: ColumnElement[bool] = Recipe.id.in_(select(_search.c.recipe_id).where(*conditions))
        if walk_index:
            # Left as it is, PostgreSQL makes the condition a join, and joins and sorts every
            # match (160 ms for "chicken", a tag and a time, quickest first). Inside COALESCE it
            # stays a condition: the matches are hashed once, and the sort's index is walked
            # until a page is found (15 ms), as SQLite does with its unary plus.
            matching = func.coalesce(matching, false())
        return TextFilter(query.where(matching), None)
    query = query.join(_search, _search.c.recipe_id == Recipe.id).where(*conditions)
    return TextFilter(query, rank, Recipe.id.desc())


def map_query(terms: ParsedQuery, prefixes: Prefixes | None) -> str | None:
    """SQLite: the FTS5 query whose matches a walk's map holds (mapped_terms): the words and
    ingredient filters, not the tags (a walk checks each recipe's own tags; without them the
    query is cheaper to ask, and its map serves a search under any tags). None when there is
    nothing to map (no words: exclusions alone stay a list of what they exclude)."""
    plain = _sqlite_terms(replace(terms, tags=(), all_tags=False), None, prefixes)
    query = plain.values.get(_FTS_QUERY)
    return query if isinstance(query, str) else None


def mapped_terms(matches: bytes) -> TextTerms:
    """SQLite: the text filter of a walk as a map of its matches (see MATCHED), made from the
    matches of map_query's query (search/terms.py keeps them)."""
    return TextTerms(TextShape(positive=True, mapped=True), {_FTS_MATCHES: matches})


def text_terms(
    dialect: str,
    terms: ParsedQuery,
    *,
    title_tier: bool | None = None,
    prefixes: Prefixes | None = None,
    walk_index: bool = False,
) -> TextTerms:
    """The text filter for `terms`: its shape, and the values of its parameters.

    With `title_tier` True (False): only recipes whose title has (lacks) every search word.
    `prefixes` (SQLite): lets a prefix query that would match no other term be asked as the word.
    `walk_index`: for a statement that walks an index (apply_text_filter's `walk_index`)."""
    if not terms:
        return NO_TEXT
    if dialect == "sqlite":
        return _sqlite_terms(terms, title_tier, prefixes)
    return _postgres_terms(terms, title_tier, walk_index)


def apply_text_filter(
    dialect: str,
    query: AnySelect,
    shape: TextShape,
    *,
    join: bool = True,
    walk_index: bool = False,
    covered: bool = False,
) -> TextFilter:
    """Restrict `query` (over Recipe) to the recipes matching a text filter of `shape` (its
    values bound when the statement runs: TextTerms.values).

    `join=True` joins the index (gives `rank` and `recent` to order by); `join=False`
    filters with `id IN (...)`, which lets a recipe index drive the order instead, and
    `walk_index=True` makes sure it does (see _recipe_id). `covered` (with `join`, for a
    statement that reads no recipe column but those of VISIBLE_TO_INDEX: a count): SQLite
    reads the recipes through that index (see CoveredJoin); there is no rank to order by.
    """
    if not shape:
        return TextFilter(query, None)
    if dialect == "sqlite":
        return _sqlite(query, shape, join, walk_index, covered)
    return _postgres(query, shape, join, walk_index)
