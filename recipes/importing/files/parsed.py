"""What every file-format reader produces, and how it says no."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from ...cookbook.services import RecipeData
from ...ratings.transfer import CarriedMarks


class FileRejected(Exception):
    """The file cannot be imported at all (unknown format, broken, hostile); nothing is imported.
    `message` says why, in words for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ParsedRecipe:
    """One recipe read from a file, not yet saved.

    `data` is what the recipe form and the API also produce (title required; ingredient
    section headers as lines ending in ":"; times in minutes; tags as plain names);
    `image` is the picture's bytes exactly as found in the file (checked and re-encoded
    later, like an upload); `where` names its place in the file for messages
    ("My Recipes/Soup.paprikarecipe")."""

    data: RecipeData
    image: bytes | None = None
    where: str = ""
    created_at: datetime | None = None
    # Only our own export carries these: restored as they were when possible.
    updated_at: datetime | None = None
    id: int | None = None
    # The exporter's rating, favourite and cooking log, for the importing account.
    marks: CarriedMarks | None = None


@dataclass
class Skipped:
    """A recipe of the file left out (it could not be read or saved, or is already there), or
    imported without its picture; the rest goes on. `where` is its place in the file (the other
    app's entry or id: "database.json: recipe mjycpionzn"); `title` its title, when known."""

    where: str
    reason: str
    title: str = ""

    @property
    def name(self) -> str:
        """What a person knows it by: its title when known, else its place in the file."""
        return self.title or self.where

    @property
    def detail(self) -> str:
        """Its place in the file, when `name` is its title (and the place says something else)."""
        return self.where if self.title and self.where != self.title else ""


@dataclass
class ReadResult:
    format: str  # "Mealie backup", "Paprika", ... (for the summary)
    recipes: list[ParsedRecipe] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


class Archive(Protocol):
    """A file to import, seen as named entries: a zip's files (safely opened, see archive.py)
    or a single file as one entry. Names use "/" and never start with it; directories and
    macOS litter (__MACOSX/, .DS_Store, ._*) are not listed."""

    def names(self) -> list[str]:
        """Every file entry, in the archive's order."""
        ...

    def read(self, name: str) -> bytes:
        """An entry's bytes (size-capped: FileRejected when over a limit)."""
        ...


class Format(Protocol):
    """What each module in .formats provides (as module-level functions)."""

    NAME: str  # for the summary: "Paprika", "Nextcloud Cookbook", ...

    def matches(self, archive: Archive) -> bool:
        """Whether the file is in this format, judged from its content (not the file name)."""
        ...

    def read(self, archive: Archive) -> ReadResult:
        """Every recipe in the file; unreadable parts go to `skipped`, a file that is not
        usable at all raises FileRejected."""
        ...
