"""A shopping list as JSON: the API's list and row objects (api/list_schemas.py documents them),
which the list page's script reads too."""

from __future__ import annotations

from typing import Any

from ..models import ShoppingItem, ShoppingList
from .aisles import AISLES
from .services import ItemRow, ListContents, Source


def list_summary(shopping_list: ShoppingList) -> dict[str, Any]:
    return {"id": shopping_list.id, "name": shopping_list.name, "version": shopping_list.version}


def item_object(item: ShoppingItem | ItemRow, sources: list[Source]) -> dict[str, Any]:
    return {
        "id": item.id,
        "text": item.text,
        "quantity": item.quantity,
        "quantity_max": item.quantity_max,
        "unit": item.unit,
        "approximate": item.approximate,
        "food": item.food,
        "aisle": item.aisle,
        "checked": item.checked,
        "by_hand": item.by_hand,
        "sources": [
            {"recipe_id": source.recipe_id, "title": source.title, "servings": source.servings} for source in sources
        ],
    }


def list_object(found: ListContents, sources: dict[int, list[Source]]) -> dict[str, Any]:
    return {
        **list_summary(found.shopping_list),
        "aisles": [{"id": aisle, "name": AISLES[aisle]} for aisle in found.aisle_order],
        "recipes": [
            {"recipe_id": entry.recipe_id, "title": entry.title, "servings": entry.servings} for entry in found.recipes
        ],
        "items": [item_object(item, sources.get(item.id, [])) for item in found.items],
    }


def etag(shopping_list: ShoppingList | int, version: int | None = None) -> str:
    """The list's entity tag: its id and version (the version grows with every change)."""
    list_id = shopping_list if isinstance(shopping_list, int) else shopping_list.id
    number = version if version is not None else getattr(shopping_list, "version", 0)
    return f"list-{list_id}-v{number}"
