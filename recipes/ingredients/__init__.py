"""Ingredients that know their amounts: parsing lines, units and conversion, scaling, foods.

Nothing here loads at import of the app: the parser's model loads on first use. ``parse_line`` and
``parse_lines`` are the parser's (recipes.ingredients.parser), reached through these small wrappers so
that importing the package imports none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .detail import IngredientDetail

__all__ = ["parse_line", "parse_lines"]


def parse_line(text: str) -> IngredientDetail:
    """The structured reading of one ingredient line (see recipes.ingredients.parser)."""
    from .parser import parse_line as parse

    return parse(text)


def parse_lines(lines: list[str]) -> list[IngredientDetail]:
    """Each line's reading, in order."""
    from .parser import parse_lines as parse

    return parse(lines)
