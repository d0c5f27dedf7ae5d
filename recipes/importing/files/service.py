"""Importing a file exported by another app (or by us): shared by the import page and the CLI.

The file's format is recognised from its content. Every recipe found is checked, compared
with the user's recipes (duplicates are reported, not added twice), its picture decoded
safely, and then all of them are saved in short slices that stay hidden until the last one
is in (cookbook/bulk.add_recipes_staged): a file imports whole or not at all, and other
people's saves are never held up for long. Nothing is written while the file is read or
pictures are decoded.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, text

from ... import memory, sandbox
from ...cookbook.bulk import NewRecipe, add_recipes_staged
from ...cookbook.services import RecipeInvalid, fit, validate
from ...cookbook.sources import source_key
from ...database import release_transaction
from ...extensions import db
from ...images.processing import ImageRejected, ProcessedImage
from ...images.sandboxed import checked_picture
from ...models import Recipe, User
from ...text_cleaning import clean_text
from .archive import open_archive
from .parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped

# Most specific first: our own export and the apps' archives before the generic readers.
FORMAT_MODULES = ("native", "mealie", "tandoor", "nextcloud", "paprika", "copymethat", "chowdown", "schemaorg")


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


# How long reading one file may take, and the message when it takes longer (or needs more
# memory than the child may have).
READ_DEADLINE = 300.0
TOO_BIG_TO_READ = (
    "This file could not be read in time or within the memory an import may use. "
    "Split it into smaller files, or import it with `recipes import-file`."
)


def read_in_child(data: bytes, filename: str = "") -> ReadResult:
    """`read_file` in a forked child (recipes/sandbox.py): the memory a large file's reading
    takes goes back to the system when the child ends, instead of staying with the worker, and
    a file built to make a reader spin is stopped at READ_DEADLINE."""
    try:
        return sandbox.call(read_file, data, filename, seconds=READ_DEADLINE)
    except sandbox.TooSlow:
        raise FileRejected(TOO_BIG_TO_READ) from None


def _tidy(parsed: ParsedRecipe) -> ParsedRecipe:
    """What other apps allow and we do not, made to fit (see `cookbook.services.fit`)."""
    return replace(parsed, data=fit(parsed.data), where=clean_text(parsed.where))


def _left_out(parsed: ParsedRecipe, reason: str) -> Skipped:
    """A recipe of the file that was read, named by its title for the summary."""
    return Skipped(parsed.where or parsed.data.title, reason, title=parsed.data.title)


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


def _can_keep_ids(ids: list[int]) -> bool:
    """Whether recipes can keep the ids they had: our own export restored into a Recipes
    with no recipes at all (so nobody's ids are taken or revealed), ids that look like a
    real library's (distinct, positive, not far above their count: a crafted id near the
    top of the range would leave no room for anyone's next recipe)."""
    if len(set(ids)) != len(ids) or min(ids) < 1 or max(ids) > 10 * len(ids) + 100_000:
        return False
    return db.session.scalar(select(Recipe.id).limit(1)) is None


def _move_id_sequence() -> None:
    """After rows were inserted with their own ids, PostgreSQL's counter must move past them
    (in the same transaction, before anyone else can take one of those ids)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE recipe IN SHARE ROW EXCLUSIVE MODE"))
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('recipe', 'id'), "
                "GREATEST((SELECT MAX(id) FROM recipe), (SELECT last_value FROM recipe_id_seq)))"
            )
        )


def _pictures(
    wanted: list[tuple[int, ParsedRecipe]], budget: float | None, summary: ImportSummary
) -> dict[int, ProcessedImage]:
    """The pictures of these recipes, each decoded in its own sandboxed child. With a time
    `budget` (seconds), the ones not done by then are left out and reported: the recipes
    still come, and `recipes import-file` has no such limit."""
    done: dict[int, ProcessedImage] = {}
    started = time.monotonic()
    for number, (index, parsed) in enumerate(wanted):
        # (The first is always tried, so a file always makes some progress.)
        if budget is not None and number and time.monotonic() - started > budget:
            summary.picture_problems.append(_left_out(parsed, _NO_TIME))
            continue
        try:
            done[index] = checked_picture(parsed.image or b"")
        except ImageRejected as exc:
            summary.picture_problems.append(_left_out(parsed, exc.message))
    return done


_NO_TIME = (
    "Not processed: there were too many pictures for one request. "
    "Import the file with `recipes import-file` to keep every picture."
)


def import_file(
    user: User,
    data: bytes,
    filename: str = "",
    *,
    picture_budget: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Import every recipe in the file for `user`; FileRejected (nothing imported) if the
    file cannot be read. Recipes that cannot be used are skipped with a reason; with a
    `picture_budget` (seconds), pictures not decoded in that time are left out.

    The memory the file's reading took goes back to the system afterwards, so a worker that
    imported a large file does not stay large."""
    try:
        return _import_file(user, data, filename, picture_budget, on_progress)
    finally:
        memory.give_back()


def _import_file(
    user: User,
    data: bytes,
    filename: str,
    picture_budget: float | None,
    on_progress: Callable[[int, int], None] | None,
) -> ImportSummary:
    result = read_in_child(data, filename)  # before any query: no transaction while reading
    summary = ImportSummary(format=result.format, skipped=list(result.skipped))
    duplicates = _Duplicates(user)
    release_transaction()  # pictures take a while: no transaction (or write lock) meanwhile
    accepted: list[ParsedRecipe] = []
    for parsed in map(_tidy, result.recipes):
        try:
            validate(parsed.data)
        except RecipeInvalid as exc:
            summary.skipped.append(_left_out(parsed, exc.message))
            continue
        if duplicates.check_and_add(parsed):
            summary.duplicates.append(_left_out(parsed, "You already have this recipe."))
            continue
        accepted.append(parsed)
    pictures = _pictures([(i, p) for i, p in enumerate(accepted) if p.image], picture_budget, summary)
    new = [
        NewRecipe(parsed.data, parsed.created_at, parsed.updated_at, pictures.get(index), marks=parsed.marks)
        for index, parsed in enumerate(accepted)
    ]
    wanted_ids = [parsed.id for parsed in accepted if parsed.id is not None]
    keep_ids = bool(new) and len(wanted_ids) == len(new) and _can_keep_ids(wanted_ids)
    if keep_ids:
        new = [replace(item, id=wanted) for item, wanted in zip(new, wanted_ids, strict=True)]
        # The highest id first: once its slice is in, a recipe someone else adds meanwhile gets
        # an id above it (SQLite takes the highest plus one; PostgreSQL's counter is moved).
        new.sort(key=lambda item: -(item.id or 0))
    release_transaction()
    ids = add_recipes_staged(
        user,
        new,
        on_batch=(lambda done: on_progress(done, len(new))) if on_progress else None,
        before_each_commit=_move_id_sequence if keep_ids else None,
    )
    imported = sorted(zip(ids, new, strict=True), key=lambda pair: pair[0]) if keep_ids else zip(ids, new, strict=True)
    summary.imported = [(recipe_id, item.data.title) for recipe_id, item in imported]
    return summary
