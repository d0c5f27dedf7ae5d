"""Turning form text into the lists a recipe keeps, and back."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .limits import TAG_MAX

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"\s+")
_CAMEL_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_ingredients(text: str) -> list[str]:
    """One ingredient per non-blank line, verbatim and in order (surrounding spaces trimmed)."""
    return [line.strip() for line in _lines(text) if line.strip()]


def parse_instructions(text: str) -> list[str]:
    """Steps in order: one per paragraph when paragraphs are separated by blank lines
    (a step keeps its own line breaks), otherwise one per line."""
    text = "\n".join(_lines(text)).strip()
    if not text:
        return []
    if _BLANK_LINE.search(text):
        paragraphs = _BLANK_LINE.split(text)
        return ["\n".join(line.strip() for line in p.split("\n") if line.strip()) for p in paragraphs if p.strip()]
    return [line.strip() for line in text.split("\n") if line.strip()]


def is_section_header(line: str) -> bool:
    return line.rstrip().endswith(":")


def normalize_tag(name: str) -> str:
    """A tag's key, what matching compares: spacing normalised, lower case, cut to the
    longest a tag may be. "BBQ" and "bbq" are one tag."""
    return _SPACES.sub(" ", name).strip().lower()[:TAG_MAX].strip()


def tag_label(name: str) -> str:
    """A tag as it is shown: in the case its owner typed, spacing normalised, cut to the
    longest a tag may be."""
    return _SPACES.sub(" ", name).strip()[:TAG_MAX].strip()


def unique_tags(names: Iterable[str]) -> list[str]:
    """Tag keys (normalize_tag), empty ones and duplicates dropped, first-seen order kept."""
    return list(dict.fromkeys(tag for tag in map(normalize_tag, names) if tag))


def unique_tag_labels(names: Iterable[str]) -> list[str]:
    """Tags as typed (tag_label), empty ones dropped, and of those with the same key only
    the first spelling, in first-seen order: ["BBQ", "bbq", "Summer"] -> ["BBQ", "Summer"]."""
    labels: dict[str, str] = {}
    for label in map(tag_label, names):
        key = normalize_tag(label)
        if key and key not in labels:
            labels[key] = label
    return list(labels.values())


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags as typed, duplicates (in any case) dropped, first-seen order
    kept (each cut to the longest a tag may be, as the form has always done)."""
    return unique_tag_labels(text.split(","))


def ingredients_text(lines: list[str]) -> str:
    return "\n".join(lines)


def instructions_text(steps: list[str]) -> str:
    # Blank lines between steps, so a step written as a paragraph stays one step.
    return "\n\n".join(steps)


def tags_text(names: list[str]) -> str:
    return ", ".join(names)


def minutes_text(minutes: int | None) -> str:
    """90 -> "1 h 30 min"."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours else f"{rest} min"


def times_text(prep: int | None, cook: int | None, total: int | None) -> str:
    parts = [
        f"{label} {minutes_text(value)}"
        for label, value in (("Prep", prep), ("Cook", cook), ("Total", total))
        if value is not None
    ]
    return " · ".join(parts)


def nutrient_label(key: str) -> str:
    """schema.org's "saturatedFatContent" -> "Saturated fat"; other names kept readable."""
    words = _CAMEL_HUMP.sub(" ", key.removesuffix("Content")).strip().lower()
    return words[:1].upper() + words[1:]
