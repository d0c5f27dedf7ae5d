"""Small readers every file format needs: times, text, tags, dates, addresses.

Everything here takes whatever a file happened to hold (a string, a number, null, a list,
an object) and never raises on odd input: an unreadable value is "unknown" (None or "").
"""

from __future__ import annotations

import codecs
import functools
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

from ....cookbook.limits import MINUTES_MAX, SERVINGS_MAX, SOURCE_URL_MAX, TITLE_MAX
from ....cookbook.recipe_text import parse_instructions, unique_tags
from ....text_cleaning import clean_line, html_to_text

__all__ = [
    "as_dict",
    "as_list",
    "decode_text",
    "http_url",
    "load_json",
    "markdown_to_text",
    "minutes",
    "notes_text",
    "nutrition",
    "parse_datetime",
    "quantity_text",
    "servings",
    "steps",
    "tag_names",
    "text",
    "text_lines",
    "title",
    "without_step_numbers",
]

# --- Decoding bytes ------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(data: bytes) -> str:
    """A text file's characters: by its byte-order mark (UTF-8, UTF-16, UTF-32), else UTF-8,
    else UTF-16 without a mark (every other byte zero), else Windows-1252 (which reads
    Latin-1 too). Never raises; the mark is not part of the result."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4000]
    if len(sample) >= 4 and len(sample) % 2 == 0:
        zeros_odd = sample[1::2].count(0)
        zeros_even = sample[0::2].count(0)
        half = len(sample) // 2
        if zeros_odd > half * 0.4 and zeros_even < half * 0.1:
            return data.decode("utf-16-le", errors="replace")
        if zeros_even > half * 0.4 and zeros_odd < half * 0.1:
            return data.decode("utf-16-be", errors="replace")
    return data.decode("cp1252", errors="replace")


def load_json(data: bytes) -> Any:
    """A JSON document in any of the encodings `decode_text` reads. ValueError when it is
    not JSON."""
    try:
        return json.loads(data)
    except UnicodeDecodeError:
        pass
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    try:
        return json.loads(decode_text(data))
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


# --- Times ---------------------------------------------------------------------------------

_VULGAR = {
    "½": Fraction(1, 2),
    "⅓": Fraction(1, 3),
    "⅔": Fraction(2, 3),
    "¼": Fraction(1, 4),
    "¾": Fraction(3, 4),
    "⅕": Fraction(1, 5),
    "⅙": Fraction(1, 6),
    "⅛": Fraction(1, 8),
}
_ISO = re.compile(
    r"^p(?:(?P<y>\d+(?:[.,]\d+)?)y)?(?:(?P<mo>\d+(?:[.,]\d+)?)m)?(?:(?P<w>\d+(?:[.,]\d+)?)w)?"
    r"(?:(?P<d>\d+(?:[.,]\d+)?)d)?"
    r"(?:t(?:(?P<h>\d+(?:[.,]\d+)?)h)?(?:(?P<m>\d+(?:[.,]\d+)?)m)?(?:(?P<s>\d+(?:[.,]\d+)?)s)?)?$"
)
_CLOCK = re.compile(r"^(\d{1,4}):([0-5]?\d)(?::([0-5]?\d))?$")
_PLAIN_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_NUMBER = r"(?:\d+(?:[.,]\d+)?(?:\s*[½⅓⅔¼¾⅕⅙⅛]|\s+\d+/\d+)?|\d+/\d+|[½⅓⅔¼¾⅕⅙⅛])"
# Unit words in English, German, French, Dutch, Spanish, Italian as apps write them.
_UNITS = (
    ("d", r"d|days?|tage?n?|jours?|dagen|dag|d[ií]as?|giorni|giorno"),
    ("h", r"h|hrs?|hours?|std|stunden?|heures?|uur|horas?|ore|ora"),
    ("m", r"m|mins?|minutes?|minuten?|mn|minutos?|minuti|minuto"),
    ("s", r"s|secs?|seconds?|sekunden?|secondes?|segundos?|secondi"),
)
_PAIR = re.compile(
    r"(?P<n>" + _NUMBER + r")\s*(?:(?P<d>" + _UNITS[0][1] + r")|(?P<h>" + _UNITS[1][1] + r")|(?P<m>"
    r"" + _UNITS[2][1] + r")|(?P<s>" + _UNITS[3][1] + r"))\.?(?![a-zäöüéèíóú])",
)
_TRAILING_NUMBER = re.compile(r"^[\s,]*(?:and\s+|und\s+|et\s+)?(\d+)\s*$")


def _number(raw: str) -> Fraction | None:
    raw = raw.strip().replace(",", ".")
    total = Fraction(0)
    for char, value in _VULGAR.items():
        if char in raw:
            total += value
            raw = raw.replace(char, " ")
    for part in raw.split():
        try:
            total += Fraction(part)
        except (ValueError, ZeroDivisionError):
            return None
    return total


def _clamped(value: float | Fraction, keep_zero: bool) -> int | None:
    if not math.isfinite(value) or value < 0:
        return None
    whole = round(value)
    if whole == 0 and not keep_zero:
        return None
    return min(whole, MINUTES_MAX)


def minutes(value: Any, *, keep_zero: bool = False) -> int | None:
    """Whole minutes from a time as files write it: a number (minutes), "90", "1:30"
    (hours:minutes), ISO-8601 ("PT1H30M", "P0DT1H30M", "PT0.5H"), or free text ("1 hour
    30 mins", "1 hr 30 min", "1h30", "45 min", "1½ hours", "10-15 minutes" is 15, "20
    Minuten"). None when absent, negative or unreadable, and also when zero (files write 0
    for "not set") unless `keep_zero`. At most 100000."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _clamped(value, keep_zero)
    if not isinstance(value, str):
        return None
    return _text_minutes(value[:200], keep_zero)


@functools.lru_cache(maxsize=4096)  # a file repeats its few time texts thousands of times
def _text_minutes(value: str, keep_zero: bool) -> int | None:
    raw = clean_line(value).lower()
    if not raw:
        return None
    if _PLAIN_NUMBER.match(raw):
        number = _number(raw)
        return None if number is None else _clamped(number, keep_zero)
    clock = _CLOCK.match(raw)
    if clock:
        hours, mins, secs = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if clock.group(3) is not None:
            # "1:30:00" is hours:minutes:seconds
            return _clamped(hours * 60 + mins + Fraction(secs, 60), keep_zero)
        return _clamped(hours * 60 + mins, keep_zero)
    iso = _ISO.match(raw.replace(" ", ""))
    if iso and raw != "p":
        parts = {k: _number(v) or Fraction(0) for k, v in iso.groupdict().items() if v}
        total = (
            parts.get("y", 0) * 525_600
            + parts.get("mo", 0) * 43_200
            + parts.get("w", 0) * 10_080
            + parts.get("d", 0) * 1440
            + parts.get("h", 0) * 60
            + parts.get("m", 0)
            + parts.get("s", 0) / 60
        )
        return _clamped(total, keep_zero)
    total = Fraction(0)
    found = False
    last_unit = ""
    last_end = 0
    for match in _PAIR.finditer(raw):
        number = _number(match.group("n"))
        if number is None:
            continue
        found = True
        last_end = match.end()
        if match.group("d"):
            total += number * 1440
            last_unit = "d"
        elif match.group("h"):
            total += number * 60
            last_unit = "h"
        elif match.group("m"):
            total += number
            last_unit = "m"
        else:
            total += number / 60
            last_unit = "s"
    if not found:
        return None
    if last_unit == "h":
        # "1h30", "1 hr 30": the bare number after the hours is minutes
        rest = _TRAILING_NUMBER.match(raw[last_end:])
        if rest:
            total += int(rest.group(1))
    return _clamped(total, keep_zero)


# --- Text ----------------------------------------------------------------------------------

# Markdown, kept readable as plain text.
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)[^)]*\)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_RULE = re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$", re.MULTILINE)
_MD_BULLET = re.compile(r"^[ \t]{0,3}[-*+][ \t]+", re.MULTILINE)


def markdown_to_text(value: Any) -> str:
    """Plain text from Markdown (HTML allowed too): headings start a paragraph and lose
    their "#", **bold** and __bold__ lose their markers, list bullets and rules go, a link
    keeps its text and address ("Video (https://...)"), a picture its description."""
    if not isinstance(value, str):
        return ""
    text = value
    if "[" in text:
        text = _MD_IMAGE.sub(lambda m: m.group(1), text)
        text = _MD_LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    if "#" in text:
        text = _MD_HEADING.sub(lambda m: "\n\n" + m.group(1), text)
    text = _MD_RULE.sub("", text)
    text = _MD_BULLET.sub("", text)
    if "**" in text or "__" in text:
        text = _MD_EMPHASIS.sub(lambda m: m.group(2), text)
    return html_to_text(text)


def text(value: Any) -> str:
    """One line of text from a scalar ("" for null, lists, objects); numbers as written."""
    if isinstance(value, str):
        return clean_line(value)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return ""


def text_lines(value: Any) -> list[str]:
    """Non-blank lines, each cleaned: from newline-separated text (HTML allowed), or from a
    list of strings (or of objects with a "text"/"name" field)."""
    if isinstance(value, str):
        return [line for line in html_to_text(value).split("\n") if line.strip()]
    lines: list[str] = []
    for item in as_list(value):
        if isinstance(item, Mapping):
            item = item.get("text") or item.get("name") or ""
        if isinstance(item, str):
            lines.extend(text_lines(item))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            lines.append(text(item))
    return [line for line in lines if line]


_STEP_NUMBER = re.compile(r"^(?:step\s*)?(\d{1,3})\s*[.):]\s+", re.IGNORECASE)


def without_step_numbers(steps: list[str]) -> list[str]:
    """Steps without the "1. ", "2) ", "Step 3: " their writer put in front, when every step
    has one and they count up from 1 (the recipe page numbers steps itself)."""
    if len(steps) < 2:
        return steps
    numbers = [_STEP_NUMBER.match(step) for step in steps]
    if not all(numbers) or [int(m.group(1)) for m in numbers if m] != list(range(1, len(steps) + 1)):
        return steps
    return [step[m.end() :] for step, m in zip(steps, numbers, strict=True) if m]


def steps(value: Any) -> list[str]:
    """Instructions as steps: from text (HTML allowed; one step per paragraph, or per line
    when there are no blank lines), or a list of strings or of objects with a "text"; each
    list item may itself hold several paragraphs. Leading step numbers dropped."""
    found: list[str] = []
    if isinstance(value, str):
        found = parse_instructions(html_to_text(value))
    else:
        for item in as_list(value):
            if isinstance(item, Mapping):
                item = item.get("text") or item.get("name") or ""
            if isinstance(item, str):
                found.extend(parse_instructions(html_to_text(item)))
    return without_step_numbers([step for step in found if step])


def quantity_text(amount: Any) -> str:
    """An amount as a cook writes it: 2.0 -> "2", 1.5 -> "1.5", 0.3333 -> "0.333", "2" -> "2";
    "" for none, zero, negative or absurd ones. Text that is not a number is kept as text."""
    if isinstance(amount, str):
        raw = amount.strip().replace(",", ".")
        try:
            amount = float(raw)
        except ValueError:
            return text(amount)
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        return ""
    if not math.isfinite(amount) or amount <= 0 or amount >= 1e9:
        return ""
    return f"{amount:.3f}".rstrip("0").rstrip(".")


def notes_text(notes: Any) -> str:
    """Notes as paragraphs: text (HTML allowed), or a list of strings or of objects with a
    "title" and a "text" ("Title: text")."""
    if isinstance(notes, str):
        return html_to_text(notes)
    paragraphs: list[str] = []
    for note in as_list(notes):
        if isinstance(note, Mapping):
            heading = text(note.get("title") or note.get("name"))
            body = html_to_text(note.get("text") or note.get("body") or note.get("note"))
            if heading and body:
                paragraphs.append(f"{heading}: {body}")
            elif heading or body:
                paragraphs.append(heading or body)
        elif isinstance(note, str) and note.strip():
            paragraphs.append(html_to_text(note))
    return "\n\n".join(p for p in paragraphs if p)


def title(value: Any) -> str:
    """A recipe's title: one line, cut to the length a title may have."""
    return text(value)[:TITLE_MAX].strip()


def servings(value: Any) -> str:
    """A yield as text ("4", "4 servings", "1 loaf"); lists (schema.org) give their fullest item."""
    if isinstance(value, list):
        values = [text(v) for v in value]
        values = [v for v in values if v]
        value = max(values, key=len) if values else ""
    result = text(value)
    if result in {"0", "0.0"}:
        return ""
    return result[:SERVINGS_MAX].strip()


def http_url(value: Any) -> str:
    """An http(s) address, or "" (a recipe only keeps those)."""
    url = text(value)
    if url.lower().startswith(("http://", "https://")) and len(url) <= SOURCE_URL_MAX and " " not in url:
        return url
    return ""


def as_list(value: Any) -> list[Any]:
    """A list as it is; a lone value as a list of one; null as none."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


_TAG_KEYS = ("name", "label", "title", "slug", "text")


def tag_names(*values: Any) -> list[str]:
    """Tag names from any mix of: a comma-separated string, a list of strings, a list of
    objects with a "name" (or "label", "title", "slug"). Normalised (lower case), empty ones
    and duplicates dropped, first-seen order kept."""
    names: list[str] = []
    for value in values:
        if isinstance(value, str):
            names.extend(value.split(","))
            continue
        for item in as_list(value):
            if isinstance(item, Mapping):
                for key in _TAG_KEYS:
                    name = item.get(key)
                    if isinstance(name, str) and name.strip():
                        names.append(name)
                        break
            elif isinstance(item, str):
                names.extend(item.split(","))
    return unique_tags(clean_line(name) for name in names)


def nutrition(value: Any, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Nutrition facts as texts: from an object (keys renamed through `names` when given;
    empty, zero-less and nested values dropped) or free text ("" key is never produced)."""
    facts: dict[str, str] = {}
    for key, raw in as_dict(value).items():
        if not isinstance(key, str):
            continue
        name = names.get(key, key) if names is not None else key
        if not name:
            continue
        fact = text(raw)
        if fact:
            facts[name] = fact
    return facts


# --- Dates ---------------------------------------------------------------------------------

_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
)


def parse_datetime(value: Any) -> datetime | None:
    """A moment from ISO-8601 text ("2020-01-01T12:00:00Z", "2020-01-01 12:00:00.123456"),
    a few common written forms, or a Unix time in seconds or milliseconds. Naive results are
    taken as UTC; the result is aware. None when unreadable or not between 1970 and 2200."""
    moment: datetime | None = None
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        seconds = float(value) / 1000 if value > 1e11 else float(value)
        try:
            moment = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value).strip()[:64]
        if raw.endswith(("Z", "z")):
            raw = raw[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            for pattern in _DATE_FORMATS:
                try:
                    moment = datetime.strptime(raw, pattern)  # naive: taken as UTC below
                    break
                except ValueError:
                    continue
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if not 1970 <= moment.year <= 2200:
        return None
    return moment
