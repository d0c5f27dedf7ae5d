"""Amounts as written in ingredient lines, read as numbers.

"2", "2.5", "2,5" (a decimal comma), "1,000" (thousands), "½", "1½", "1 ½", "1 1/2", ".5", fractions
written with the fraction slash (U+2044), and the number words ("one", "half", "a dozen"). A value that
is not a usable amount (a zero denominator, not finite, above ``MAX_AMOUNT``) reads as None: "1/0 cup"
and "99999999999 kg" have no amount.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

# Above this an amount is not an amount (a phone number, a product code, a typo).
MAX_AMOUNT = 1_000_000.0

VULGAR_FRACTIONS = "¼½¾⅐⅑⅒⅓⅔⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞↉"
FRACTION_SLASHES = "/⁄∕"

NUMBER_WORDS: dict[str, float] = {
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
    "fifteen": 15.0,
    "twenty": 20.0,
    "half": 0.5,
    "quarter": 0.25,
    "dozen": 12.0,
}

_MIXED = re.compile(rf"(\d+)\s*([{VULGAR_FRACTIONS}])")
_MIXED_SLASH = re.compile(rf"(\d+)[\s-]+(\d+)\s*[{FRACTION_SLASHES}]\s*(\d+)")
_FRACTION = re.compile(rf"(\d+)\s*[{FRACTION_SLASHES}]\s*(\d+)")
_DECIMAL = re.compile(r"(\d*)(?:[.,](\d+))?")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+")


def _bounded(value: float) -> float | None:
    if not math.isfinite(value) or value < 0 or value > MAX_AMOUNT:
        return None
    return value


def _fraction(numerator: str, denominator: str) -> float | None:
    if len(numerator) > 7 or len(denominator) > 7:
        return None
    den = int(denominator)
    return None if den == 0 else int(numerator) / den


def _decimal(text: str) -> float | None:
    if _THOUSANDS.fullmatch(text) and not text.startswith("0"):
        return float(text.replace(",", ""))  # "1,000" (a decimal comma has other than three digits after it)
    match = _DECIMAL.fullmatch(text)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    whole, part = match.group(1) or "0", match.group(2)
    if len(whole) > 12:
        return None
    return float(f"{whole}.{part}") if part else float(whole)


@lru_cache(maxsize=1024)
def read_number(text: str) -> float | None:
    """The value of one amount as written ("1 1/2" -> 1.5, "2,5" -> 2.5, "⅓" -> 0.333...), or None."""
    text = text.strip()
    if not text:
        return None
    word = NUMBER_WORDS.get(text.lower())
    if word is not None:
        return word
    if len(text) == 1 and text in VULGAR_FRACTIONS:
        return unicodedata.numeric(text)
    if match := _MIXED.fullmatch(text):
        return _bounded(int(match.group(1)) + unicodedata.numeric(match.group(2)))
    if match := _MIXED_SLASH.fullmatch(text):
        part = _fraction(match.group(2), match.group(3))
        return None if part is None or part >= 1 else _bounded(int(match.group(1)) + part)
    if match := _FRACTION.fullmatch(text):
        value = _fraction(match.group(1), match.group(2))
        return None if value is None else _bounded(value)
    value = _decimal(text)
    return None if value is None else _bounded(value)
