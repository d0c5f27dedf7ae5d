"""The labelled ingredient lines (CSV: input,name,quantity,unit,size,preparation,comment,purpose), the
fixed split the parser is trained and measured on, and the score.

The split: a line is held out when a hash of its text says so (one line in five). The hash depends
on nothing but the text, so the same line is always on the same side, duplicates included, and the
held-out lines are never trained or tuned on.

The score counts what ../shared/tools/score_ingredients.py counts (written again here so the tests
and `make bench` need nothing outside the repository): only lines whose label has one amount (a range
counts by its low end) are scored; amount right to 1% (or both none); the same unit after folding
spellings, plurals and size words; the same food after lower-casing and folding plurals, or one a run
of whole words inside the other covering at least half of the longer.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

HELD_OUT_SHARE = 5  # one line in five


def _bucket(line: str) -> int:
    digest = hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % HELD_OUT_SHARE


def held_out(line: str) -> bool:
    """Never trained or tuned on: the lines the parser's reported score is measured on."""
    return _bucket(line) == 0


def development(line: str) -> bool:
    """Training lines that choices (features, rules, settings) are tried on before the final training."""
    return _bucket(line) == 1


def read_rows(paths: Iterable[Path]) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    return rows


def corpus_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.csv"))


# --- the score -------------------------------------------------------------------------------------

_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "twelve": 12, "half": 0.5, "dozen": 12, "a": 1, "an": 1}  # fmt: skip
_UNITS = {
    "tablespoon": ["tbsp", "tbs", "tb", "tbl", "tablespoon", "tbsps", "T"],
    "teaspoon": ["tsp", "teaspoon", "t", "tsps"],
    "cup": ["c", "cup", "cups"],
    "ounce": ["oz", "ounce"],
    "pound": ["lb", "lbs", "pound", "#"],
    "gram": ["g", "gm", "gr", "gram", "gramme", "grm"],
    "kilogram": ["kg", "kilo", "kilogram", "kilogramme"],
    "milligram": ["mg", "milligram"],
    "millilitre": ["ml", "millilitre", "milliliter", "cc"],
    "centilitre": ["cl", "centilitre", "centiliter"],
    "decilitre": ["dl", "decilitre", "deciliter"],
    "litre": ["l", "litre", "liter", "ltr"],
    "quart": ["qt", "quart"],
    "pint": ["pt", "pint"],
    "gallon": ["gal", "gallon"],
    "fluid ounce": ["fl oz", "floz", "fluid ounce", "fl. oz", "fl ounce"],
    "inch": ["in", "inch", '"'],
    "centimetre": ["cm", "centimetre", "centimeter"],
    "package": ["pkg", "package", "packet", "pack"],
    "leaf": ["leaf", "leave"],
}
_CANON = {alias.lower(): name for name, aliases in _UNITS.items() for alias in aliases}
_CANON_CASED = {"T": "tablespoon", "t": "teaspoon"}
_SIZE_WORDS = {"small", "large", "medium", "sm", "lg", "med", "heaped", "heaping", "level", "rounded", "scant",
               "generous", "thick", "thin", "big", "good", "medium-size", "medium-sized", "extra-large", "x-large",
               "xl", "whole", "fat", "little", "tiny", "mini", "baby"}  # fmt: skip
_IRREGULAR = {"leaves": "leaf", "halves": "half", "loaves": "loaf", "knives": "knife", "calves": "calf",
              "wolves": "wolf", "shelves": "shelf"}  # fmt: skip


def singular(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for end, rep in (("ies", "y"), ("oes", "o"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("xes", "x")):
        if word.endswith(end) and len(word) > len(end) + 1:
            return word[: -len(end)] + rep
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def unit_key(unit: str | None) -> str:
    if not unit:
        return ""
    raw = " ".join(str(unit).replace(".", " ").split())
    if raw in _CANON_CASED:
        return _CANON_CASED[raw]
    low = raw.lower()
    if low in _CANON:
        return _CANON[low]
    words = [w for w in low.split() if w not in _SIZE_WORDS and w not in {"of", "-"}]
    for n in (2, 1):
        if len(words) >= n:
            tail = " ".join(words[-n:])
            if tail in _CANON:
                return _CANON[tail]
            if singular(tail) in _CANON:
                return _CANON[singular(tail)]
    return singular(words[-1]) if words else ""


def label_amounts(token: str) -> tuple[float, float | None] | None:
    """A label's amount and the high end of its range: 2, 1.5, #1$2, 1#1$2, 2-3, #1$4-#1$3, One."""
    token = token.strip().lower()
    if token in _WORDS:
        return float(_WORDS[token]), None
    parts = re.split(r"(?<=\d)-(?=[\d#])|(?<=\$\d)-|(?<=\$\d\d)-", token)
    values = []
    for part in parts[:2]:
        m = re.fullmatch(r"(\d+(?:\.\d+)?)?(?:#(\d+)\$(\d+))?", part)
        if not m or not (m.group(1) or m.group(2)):
            return None
        value = Fraction(m.group(1)) if m.group(1) else Fraction(0)
        if m.group(2):
            value += Fraction(int(m.group(2)), int(m.group(3)))
        values.append(float(value))
    return values[0], (values[1] if len(values) > 1 else None)


def food_words(name: str | None) -> list[str]:
    if not name:
        return []
    text = re.sub(r"[^\w\s-]", " ", str(name).lower())
    return [singular(w) for w in text.split() if w not in {"-", "of"}]


def food_ok(expected: str, got: str | None) -> bool:
    a, b = food_words(expected), food_words(got)
    if a == b:
        return True
    if not a or not b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) * 2 < len(long_):
        return False
    return any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def scorable(row: dict[str, str]) -> float | bool | None:
    """The expected amount of a line that has one (None: a line without amount), or False (not scored)."""
    qty = row["quantity"].split()
    if len(qty) > 1 or not row["name"].strip():
        return False
    if not qty:
        return None
    amounts = label_amounts(qty[0])
    return False if amounts is None else amounts[0]


def _get(item: Any, name: str) -> Any:
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


KINDS = ("amount", "unit", "food", "amount+unit", "line")


@dataclass
class Score:
    lines: int = 0
    right: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("amount", "unit", "food", "amount+unit", "line"), 0)
    )
    misses: dict[str, list[str]] = field(default_factory=lambda: {"amount": [], "unit": [], "food": []})

    def percent(self, kind: str) -> float:
        return 100.0 * self.right[kind] / max(self.lines, 1)

    def summary(self) -> str:
        return "  ".join(f"{k} {self.percent(k):.2f}%" for k in self.right)


def score(rows: list[dict[str, str]], parse: Callable[[str], Any], keep_misses: int = 0) -> Score:
    """How many scorable rows `parse` reads right (amount, unit, food and all three)."""
    result = Score()
    for row in rows:
        want_q = scorable(row)
        if want_q is False:
            continue
        item = parse(row["input"])
        q = _get(item, "quantity")
        q_ok = (want_q is None and q in (None, "")) or (
            want_q is not None and isinstance(q, int | float) and abs(float(q) - want_q) <= 0.01 * max(1, want_q)
        )
        u_ok = unit_key(row["unit"]) == unit_key(_get(item, "unit"))
        f_ok = food_ok(row["name"], _get(item, "food"))
        result.lines += 1
        for kind, ok in (("amount", q_ok), ("unit", u_ok), ("food", f_ok), ("amount+unit", q_ok and u_ok),
                         ("line", q_ok and u_ok and f_ok)):  # fmt: skip
            result.right[kind] += bool(ok)
        for kind, ok, want, have in (("amount", q_ok, want_q, q), ("unit", u_ok, row["unit"], _get(item, "unit")),
                                     ("food", f_ok, row["name"], _get(item, "food"))):  # fmt: skip
            if not ok and len(result.misses[kind]) < keep_misses:
                result.misses[kind].append(f"  {row['input']!r}: want {want!r}, got {have!r}")
    return result
