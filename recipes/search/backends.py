"""The two search back-ends behind one interface: turn ParsedQuery terms into SQL.

Only words of letters and digits (see text.words) ever reach these query strings,
each quoted, so nothing a person types is read as FTS5 or tsquery syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Integer, Select, column, func, literal_column, select, table, text

from ..models import Recipe
from .query_text import ParsedQuery, Phrase, exclusion_forms, food_forms

# A SELECT of any columns (SQLAlchemy 2.1 types selects by their column tuple).
AnySelect = Select[*tuple[Any, ...]]


@dataclass
class TextFilter:
    query: AnySelect
    rank: ColumnElement[Any] | None  # order by this, ascending, for relevance
    # Most recently added first, in the order the index itself is kept (cheap to walk).
    recent: ColumnElement[Any] | None = None


# --- SQLite FTS5 -----------------------------------------------------------------------


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


def _fts_phrase(phrase: Phrase, prefix: bool) -> str:
    quoted = '"' + " ".join(phrase) + '"'
    return quoted + "*" if prefix and len(phrase) == 1 else quoted


def _fts_any(phrases: list[Phrase]) -> str:
    return "(" + " OR ".join(_fts_phrase(p, prefix=False) for p in phrases) + ")"


def _sqlite(query: AnySelect, terms: ParsedQuery, title_tier: bool | None, join: bool, walk_index: bool) -> TextFilter:
    # The FTS5 table stems words (porter: "tomatoes" = "tomato"), so whole words need no
    # prefix query; only the last word, perhaps still being typed, is one ("tom" ->
    # tomato). Prefix queries up to 6 letters read a prefix index; longer ones cost more.
    last = len(terms.include) - 1
    words = [_fts_phrase(p, prefix=(i == last)) for i, p in enumerate(terms.include)]
    positive = list(words)
    if terms.tags:
        tag_phrases = [_fts_phrase(p, prefix=False) for p in terms.tags]
        if terms.all_tags:
            positive += ["tags : " + phrase for phrase in tag_phrases]
        else:
            positive.append("tags : (" + " OR ".join(tag_phrases) + ")")
    positive += [
        "ingredients : (" + " OR ".join(_fts_phrase(form, prefix=True) for form in food_forms(p)) + ")"
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
        matching = text("recipe_fts MATCH :fts_query").bindparams(fts_query=expression)
        if not join:
            return TextFilter(query.where(_recipe_id(walk_index).in_(select(_fts.c.rowid).where(matching))), None)
        query = query.join(_fts, _fts.c.rowid == Recipe.id).where(matching)
        return TextFilter(query, func.bm25(literal_column("recipe_fts"), *_BM25_WEIGHTS), _fts.c.rowid.desc())
    if negative:
        excluded = select(_fts.c.rowid).where(
            text("recipe_fts MATCH :fts_exclude").bindparams(fts_exclude=" OR ".join(negative))
        )
        query = query.where(_recipe_id(walk_index).not_in(excluded))
    return TextFilter(query, None)


# --- PostgreSQL tsvector --------------------------------------------------------------

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
) -> str | None:
    parts = [_ts_phrase(p, prefix=True) for p in include]
    if tags:
        # Weight B is the tags (see index.py).
        tag_parts = [_ts_phrase(p, prefix=False, weight="B") for p in tags]
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


def _postgres(
    query: AnySelect, terms: ParsedQuery, title_tier: bool | None, join: bool, walk_index: bool
) -> TextFilter:
    document_query = _ts_query(terms.include, terms.exclude, title_tier, terms.tags, terms.all_tags)
    ingredients_query = _ts_ingredients(terms.ingredients, terms.not_ingredients)
    if document_query is None and ingredients_query is None:
        return TextFilter(query, None)
    conditions = []
    rank = None
    if document_query is not None:
        tsquery = func.to_tsquery(_SIMPLE, document_query)
        conditions.append(_search.c.document.op("@@")(tsquery))
        if terms.include:
            rank = -func.ts_rank(_RANK_WEIGHTS, _search.c.document, tsquery)
    if ingredients_query is not None:
        conditions.append(_search.c.ingredients.op("@@")(func.to_tsquery(_SIMPLE, ingredients_query)))
    if not join:
        return TextFilter(query.where(Recipe.id.in_(select(_search.c.recipe_id).where(*conditions))), None)
    query = query.join(_search, _search.c.recipe_id == Recipe.id).where(*conditions)
    return TextFilter(query, rank, Recipe.id.desc())


def apply_text_filter(
    dialect: str,
    query: AnySelect,
    terms: ParsedQuery,
    *,
    title_tier: bool | None = None,
    join: bool = True,
    walk_index: bool = False,
) -> TextFilter:
    """Restrict `query` (over Recipe) to the recipes matching `terms`.

    With `title_tier` True (False): only those whose title has (lacks) every search word.
    `join=True` joins the index (gives `rank` and `recent` to order by); `join=False`
    filters with `id IN (...)`, which lets a recipe index drive the order instead, and
    `walk_index=True` makes sure it does (see _recipe_id).
    """
    if not terms:
        return TextFilter(query, None)
    backend = _sqlite if dialect == "sqlite" else _postgres
    return backend(query, terms, title_tier, join, walk_index)
