"""Who may see a recipe: the one rule every query applies."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from .models import Recipe, User


def visible_to(user: User) -> ColumnElement[bool]:
    """Recipes `user` may see: their own, and every public one."""
    return or_(Recipe.owner_id == user.id, Recipe.is_public.is_(True))
