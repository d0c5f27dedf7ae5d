"""Pages of a recipe that more than one blueprint renders.

The recipe page is the cookbook's; the sharing views show it again, with the share form's
errors, when a link could not be made. They call this helper, never the cookbook's view.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from ..models import Recipe, User


def recipe_page(recipe: Recipe, viewer: User, **context: Any) -> str:
    """The recipe page as `viewer` sees it; `context` adds to it (e.g. `share_form`)."""
    return render_template("cookbook/detail.html", recipe=recipe, is_owner=recipe.owner_id == viewer.id, **context)
