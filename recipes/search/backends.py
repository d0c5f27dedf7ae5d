"""The two search back-ends behind one interface: turn ParsedQuery terms into SQL.

Only words of letters and digits (see text.words) ever reach these query strings,
each quoted, so nothing a person types is read as FTS5 or tsquery syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table, text

from ..models import Recipe
from .text import ParsedQuery, Phrase, exclusion_forms

# A SELECT of any columns (SQLAlchemy 2.1 types selects by their column tuple).
AnySelect = Select[*tuple[Any, ...]]


@dataclass
class TextFilter:
    query: AnySelect
    rank: ColumnElement[Any] | None  # order by this, ascending, for relevance


# --- SQLite FTS5 -----------------------------------------------------------------------

_fts = table("recipe_fts", column("rowid"))
# bm25 weights per column: title, tags, ingredients, body. Title hits come first.
_BM25_WEIGHTS = (50.0, 10.0, 4.0, 1.0)


def _fts_phrase(phrase: Phrase, prefix: bool) -> str:
    quoted = '"' + " ".join(phrase) + '"'
    return quoted + "*" if prefix and len(phrase) == 1 else quoted


def _fts_any(phrases: list[Phrase]) -> str:
    return "(" + " OR ".join(_fts_phrase(p, prefix=False) for p in phrases) + ")"


def _sqlite(query: AnySelect, terms: ParsedQuery) -> TextFilter:
    positive = [_fts_phrase(p, prefix=True) for p in terms.include]
    positive += ["ingredients : " + _fts_phrase(p, prefix=True) for p in terms.ingredients]
    negative = []
    if terms.exclude:
        negative.append(_fts_any([form for p in terms.exclude for form in exclusion_forms(p)]))
    if terms.not_ingredients:
        negative.append("ingredients : " + _fts_any([f for p in terms.not_ingredients for f in exclusion_forms(p)]))
    if positive:
        expression = "(" + " AND ".join(positive) + ")"
        if negative:
            expression += " NOT (" + " OR ".join(negative) + ")"
        query = query.join(_fts, _fts.c.rowid == Recipe.id).where(
            text("recipe_fts MATCH :fts_query").bindparams(fts_query=expression)
        )
        return TextFilter(query, func.bm25(literal_column("recipe_fts"), *_BM25_WEIGHTS))
    if negative:
        excluded = select(_fts.c.rowid).where(
            text("recipe_fts MATCH :fts_exclude").bindparams(fts_exclude=" OR ".join(negative))
        )
        query = query.where(Recipe.id.not_in(excluded))
    return TextFilter(query, None)


# --- PostgreSQL tsvector --------------------------------------------------------------

_search = table("recipe_search", column("recipe_id"), column("document"), column("ingredients"))
_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
# ts_rank weights for D, C, B, A: body, ingredients, tags, title.
_RANK_WEIGHTS: ColumnElement[Any] = literal_column("'{0.02, 0.1, 0.3, 1.0}'::float4[]")


def _ts_phrase(phrase: Phrase, prefix: bool) -> str:
    if prefix and len(phrase) == 1:
        return f"'{phrase[0]}':*"
    return "(" + " <-> ".join(f"'{word}'" for word in phrase) + ")"


def _ts_query(include: tuple[Phrase, ...], exclude: tuple[Phrase, ...]) -> str | None:
    parts = [_ts_phrase(p, prefix=True) for p in include]
    forms = [_ts_phrase(f, prefix=False) for p in exclude for f in exclusion_forms(p)]
    if forms:
        parts.append("!(" + " | ".join(forms) + ")")
    return " & ".join(parts) or None


def _postgres(query: AnySelect, terms: ParsedQuery) -> TextFilter:
    document_query = _ts_query(terms.include, terms.exclude)
    ingredients_query = _ts_query(terms.ingredients, terms.not_ingredients)
    if document_query is None and ingredients_query is None:
        return TextFilter(query, None)
    query = query.join(_search, _search.c.recipe_id == Recipe.id)
    rank = None
    if document_query is not None:
        tsquery = func.to_tsquery(_SIMPLE, document_query)
        query = query.where(_search.c.document.op("@@")(tsquery))
        if terms.include:
            rank = -func.ts_rank(_RANK_WEIGHTS, _search.c.document, tsquery)
    if ingredients_query is not None:
        query = query.where(_search.c.ingredients.op("@@")(func.to_tsquery(_SIMPLE, ingredients_query)))
    return TextFilter(query, rank)


def apply_text_filter(dialect: str, query: AnySelect, terms: ParsedQuery) -> TextFilter:
    """Restrict `query` (over Recipe) to the recipes matching `terms`."""
    if not terms:
        return TextFilter(query, None)
    return _sqlite(query, terms) if dialect == "sqlite" else _postgres(query, terms)
