"""Importing a file exported by another app (or by us): shared by the import page and the CLI.

The file's format is recognised from its content. Every recipe found is checked, compared
with the user's recipes (duplicates are reported, not added twice), its picture decoded
safely, and then all of them are saved in one transaction: a file imports whole or not at
all. Nothing is written while the file is read or pictures are decoded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, text

from ..cookbook.bulk import NewRecipe, add_recipes
from ..cookbook.services import TITLE_MAX, RecipeInvalid, validate
from ..database import release_transaction
from ..extensions import db
from ..images.checked import checked_picture
from ..images.processing import ImageRejected
from ..importing.urls import source_key
from ..models import Recipe, User
from .archive import open_archive
from .parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped

# Most specific first: our own export and the apps' archives before the generic readers.
FORMAT_MODULES = ("native", "mealie", "tandoor", "nextcloud", "paprika", "copymethat", "chowdown", "schemaorg")
MAX_MINUTES = 100_000


@dataclass
class ImportSummary:
    format: str
    imported: list[tuple[int, str]] = field(default_factory=list)  # (id, title)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    picture_problems: list[Skipped] = field(default_factory=list)


def _formats() -> list[Any]:
    return [importlib.import_module(f"{__package__}.formats.{name}") for name in FORMAT_MODULES]


def read_file(data: bytes, filename: str = "") -> ReadResult:
    """The recipes in an export file of any format we know; FileRejected if none fits."""
    if not data:
        raise FileRejected("That file is empty.")
    archive: Archive = open_archive(data, filename)
    formats = _formats()
    for module in formats:
        if module.matches(archive):
            result: ReadResult = module.read(archive)
            return result
    names = ", ".join(module.NAME for module in formats)
    raise FileRejected(f"This file is not an export Recipes can read. It reads: {names}.")


def _tidy(parsed: ParsedRecipe) -> ParsedRecipe:
    """What other apps allow and we do not, made to fit: long titles, impossible times."""
    data = parsed.data

    def minutes(value: int | None) -> int | None:
        return value if value is None or 0 <= value <= MAX_MINUTES else None

    tidy = replace(
        data,
        title=data.title.strip()[:TITLE_MAX],
        prep_time=minutes(data.prep_time),
        cook_time=minutes(data.cook_time),
        total_time=minutes(data.total_time),
    )
    return replace(parsed, data=tidy)


def _fingerprint(title: str, ingredients: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    return title.strip().casefold(), tuple(line.strip().casefold() for line in ingredients)


class _Duplicates:
    """The user's recipes, and those seen so far in the file, by source page + title and by
    title + ingredients. (A page's address alone is not enough: a variant kept as a second
    recipe, or a page with two recipes, shares it.)"""

    def __init__(self, user: User) -> None:
        rows = db.session.execute(
            select(Recipe.source_key, Recipe.title, Recipe.ingredients).where(Recipe.owner_id == user.id)
        ).all()
        self.seen: set[tuple[Any, ...]] = set()
        for key, title, ingredients in rows:
            self.seen.update(self._marks(key, title, ingredients))

    @staticmethod
    def _marks(key: str | None, title: str, ingredients: Iterable[str]) -> list[tuple[Any, ...]]:
        fingerprint = _fingerprint(title, ingredients)
        return [fingerprint, ("source", key, fingerprint[0])] if key else [fingerprint]

    def check_and_add(self, parsed: ParsedRecipe) -> bool:
        """True if this recipe is already there (and otherwise remember it)."""
        data = parsed.data
        marks = self._marks(source_key(data.source_url), data.title, data.ingredients)
        if any(mark in self.seen for mark in marks):
            return True
        self.seen.update(marks)
        return False


def _free_ids(ids: list[int]) -> bool:
    """Whether recipes can keep these ids (our own export restored where they are unused)."""
    if len(set(ids)) != len(ids) or any(not 0 < i < 2**31 for i in ids):
        return False
    taken = db.session.scalar(select(Recipe.id).where(Recipe.id.in_(ids)).limit(1))
    return taken is None


def _reset_id_sequence() -> None:
    """After rows were inserted with their own ids, PostgreSQL's counter must move past them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('recipe', 'id'), (SELECT COALESCE(MAX(id), 1) FROM recipe))")
        )
        db.session.commit()


def import_file(
    user: User, data: bytes, filename: str = "", *, on_progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Import every recipe in the file for `user`; FileRejected (nothing imported) if the
    file cannot be read. Recipes that cannot be used are skipped with a reason."""
    result = read_file(data, filename)
    summary = ImportSummary(format=result.format, skipped=list(result.skipped))
    duplicates = _Duplicates(user)
    release_transaction()  # pictures take a while: no transaction (or write lock) meanwhile
    new: list[NewRecipe] = []
    wanted_ids: list[int] = []
    total = len(result.recipes)
    for number, parsed in enumerate(map(_tidy, result.recipes), start=1):
        where = parsed.where or parsed.data.title
        try:
            validate(parsed.data)
        except RecipeInvalid as exc:
            summary.skipped.append(Skipped(where, exc.message))
            continue
        if duplicates.check_and_add(parsed):
            summary.duplicates.append(Skipped(where, "You already have this recipe."))
            continue
        picture = None
        if parsed.image:
            try:
                picture = checked_picture(parsed.image)
            except ImageRejected as exc:
                summary.picture_problems.append(Skipped(where, exc.message))
        new.append(NewRecipe(parsed.data, parsed.created_at, parsed.updated_at, picture))
        if parsed.id is not None:
            wanted_ids.append(parsed.id)
        if on_progress is not None:
            on_progress(number, total)
    keep_ids = bool(new) and len(wanted_ids) == len(new) and _free_ids(wanted_ids)
    if keep_ids:
        new = [replace(item, id=wanted) for item, wanted in zip(new, wanted_ids, strict=True)]
    ids = add_recipes(user, new)
    if keep_ids:
        _reset_id_sequence()
    summary.imported = [(recipe_id, item.data.title) for recipe_id, item in zip(ids, new, strict=True)]
    return summary
