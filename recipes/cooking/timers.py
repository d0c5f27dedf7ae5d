"""The timers a step's text names: "bake for 25 minutes", "10-12 min", "1 hour 15 minutes", "1½ hours".

`find_timers(text)` gives each duration written in the text with where it is, so the step can be
shown with a button around those very words. What counts as a timer is a number (digits, a
fraction, "1½", a number word, "a"/"an" before a singular unit, "half an hour") followed by a unit
of time (seconds, minutes, hours, and their abbreviations "sec", "min", "hr", "h"), perhaps with "more"
between ("2 more minutes", "another minute", "a couple of minutes"); several units in
a row add up ("1 hour 15 minutes", "1h30"); two durations joined by "-", "to" or "or" are a range
("10-12 min", "45 minutes to an hour"), whose timer is the low end, with the high end kept.

Not timers: anything without a unit of time ("350°F", "a 5-inch pan", "a 9x13 dish"), waits with no
number ("overnight", "a few minutes", "for hours"), a zero, and anything over `MAX_SECONDS`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..ingredients.numbers import VULGAR_FRACTIONS, read_number

# Longer waits are plans, not timers ("marinate 3 days").
MAX_SECONDS = 48 * 3600
# Longer steps are not searched (a real step is a paragraph; the page still shows them).
MAX_TEXT = 20_000

_UNITS: dict[str, int] = {
    "second": 1,
    "seconds": 1,
    "sec": 1,
    "secs": 1,
    "minute": 60,
    "minutes": 60,
    "min": 60,
    "mins": 60,
    "hour": 3600,
    "hours": 3600,
    "hr": 3600,
    "hrs": 3600,
    "h": 3600,
}
# Units "a"/"an"/"another" may count: "an hour", "a minute" (not "a minutes", and not "a second",
# which is far more often the ordinal: "a second time", "a second bowl").
_SINGULAR = frozenset({"minute", "min", "hour", "hr"})
_ARTICLES = ("a", "an", "another")
# Words between a count and its unit that leave the duration as it is: "2 more minutes", "an
# additional minute", "10 further minutes".
_MORE = ("more", "additional", "further", "extra")
# Units that follow only a number written in digits ("2 h", "1h30"; never "an h").
_AFTER_DIGITS_ONLY = frozenset({"h"})

_ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_RANGE_WORDS = frozenset({"to", "or"})
_DASHES = frozenset("-–—")

_FRACTION_CLASS = f"[{VULGAR_FRACTIONS}]"
_TOKEN = re.compile(
    # A number in digits: "1 1/2", "1/2", "1.5", "1,5", "1½", "1 ½", "½". Not part of a word or
    # of another number ("9x13", "v2", "3.14.1").
    rf"(?P<number>(?:(?<![\w.,/⁄])|(?<=\d[hH]))(?:\d{{1,4}}[\s-]+\d{{1,3}}\s*[/⁄]\s*\d{{1,3}}|\d{{1,3}}\s*[/⁄]\s*\d{{1,3}}"
    rf"|\d{{1,6}}(?:[.,]\d{{1,3}})?(?:[ \t]?{_FRACTION_CLASS})?|{_FRACTION_CLASS})(?![\d/⁄]|[.,]\d))"
    r"|(?P<word>[^\W\d_]+(?:-(?=[^\W\d_])[^\W\d_]+)*)"
    r"|(?P<other>\S)"
)


@dataclass(frozen=True, slots=True)
class Timer:
    """A duration written in a step: `text[start:end]`, `seconds` long (a range's low end)."""

    start: int
    end: int
    seconds: int
    max_seconds: int | None = None  # a range's high end ("10-12 min": 720)

    @property
    def label(self) -> str:
        """How the timer is named on its button and in the timers tray: "25 min", "1 h 15 min", and
        for a range both ends with an en dash between, the unit once when they share it ("10 to 12
        min" with the dash; "45 min" to "1 h" with the dash and both units)."""
        if self.max_seconds is None:
            return format_duration(self.seconds)
        low, high = format_duration(self.seconds), format_duration(self.max_seconds)
        low_number, _, low_unit = low.rpartition(" ")
        high_number, _, high_unit = high.rpartition(" ")
        if low_unit == high_unit and " " not in low_number and " " not in high_number:
            return f"{low_number}–{high}"  # the unit once
        return f"{low}–{high}"


def format_duration(seconds: int) -> str:
    """ "1 h 15 min", "25 min", "1 min 30 s", "45 s"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours} h"] * bool(hours) + [f"{minutes} min"] * bool(minutes) + [f"{secs} s"] * bool(secs)
    return " ".join(parts) or "0 s"


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "number", "word", "other"
    text: str  # lower case for words
    start: int
    end: int
    glued: bool  # nothing between it and the token before (as "1h30")


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    last_end = -1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        value = match.group()
        text_value = value.lower() if kind == "word" else value
        found.append(_Token(kind, text_value, match.start(), match.end(), match.start() == last_end))
        last_end = match.end()
    return found


@dataclass(frozen=True, slots=True)
class _Span:
    seconds: float
    end: int  # the index of the token after it
    unit: int = 0  # the seconds of its first unit (a duration) / 0 (a bare number)


class _Reader:
    """A small recursive-descent reader over the tokens of one text."""

    def __init__(self, tokens: Sequence[_Token]) -> None:
        self.tokens = tokens

    def _word(self, i: int, *words: str) -> bool:
        return i < len(self.tokens) and self.tokens[i].kind == "word" and self.tokens[i].text in words

    def _number_word(self, i: int) -> _Span | None:
        if i >= len(self.tokens) or self.tokens[i].kind != "word":
            return None
        word = self.tokens[i].text
        if "-" in word:  # "twenty-five"
            tens, _, ones = word.partition("-")
            if tens in _TENS and ones in _ONES:
                return _Span(_TENS[tens] + _ONES[ones], i + 1)
            return None
        if word in _TENS:
            if self._word(i + 1, *_ONES):  # "forty five"
                return _Span(_TENS[word] + _ONES[self.tokens[i + 1].text], i + 2)
            return _Span(_TENS[word], i + 1)
        value = _ONES.get(word) or _TEENS.get(word)
        return None if value is None else _Span(value, i + 1)

    def quantity(self, i: int) -> tuple[_Span, bool] | None:
        """A count at token i, and whether it is an article ("a"/"an": singular units only)."""
        if i >= len(self.tokens):
            return None
        token = self.tokens[i]
        article = False
        if token.kind == "number":
            value = read_number(token.text)
            if value is None:
                return None
            found = _Span(value, i + 1)
        elif (self._word(i, "half") and self._word(i + 1, "a", "an")) or (
            self._word(i, "a", "an") and self._word(i + 1, "half")
        ):  # "half an hour", "a half hour"
            found, article = _Span(0.5, i + 2), True
        elif self._word(i, "a") and self._word(i + 1, "couple") and self._word(i + 2, "of"):  # "a couple of minutes"
            found = _Span(2, i + 3)
        elif self._word(i, *_ARTICLES):
            found, article = _Span(1, i + 1), True
        else:
            word_value = self._number_word(i)
            if word_value is None:
                return None
            found = word_value
        if self._and_a_half(found.end):  # "1 and a half hours", "one and a half hours"
            found = _Span(found.seconds + 0.5, found.end + 3)
            article = False
        return found, article

    def _and_a_half(self, i: int) -> bool:
        return self._word(i, "and") and self._word(i + 1, "a") and self._word(i + 2, "half")

    def part(self, i: int) -> _Span | None:
        """A count and its unit: "25 minutes", "an hour and a half", "30-second"."""
        counted = self.quantity(i)
        if counted is None:
            return None
        count, article = counted
        j = count.end
        if (j < len(self.tokens) and self.tokens[j].text == "-" and self.tokens[j].glued) or self._word(
            j, *_MORE
        ):  # "30-minute"
            j += 1
        if j >= len(self.tokens) or self.tokens[j].kind != "word" or self.tokens[j].text not in _UNITS:
            return None
        unit_word = self.tokens[j].text
        if article and unit_word not in _SINGULAR:
            return None
        if unit_word in _AFTER_DIGITS_ONLY and self.tokens[i].kind != "number":
            return None
        unit = _UNITS[unit_word]
        seconds, end = count.seconds * unit, j + 1
        if self._and_a_half(end):  # "an hour and a half"
            seconds, end = seconds + unit / 2, end + 3
        return _Span(seconds, end, unit)

    def duration(self, i: int) -> _Span | None:
        """Parts with smaller and smaller units: "1 hour 15 minutes", "1 hour and 15 minutes", "1h30"."""
        first = self.part(i)
        if first is None:
            return None
        seconds, end, unit = first.seconds, first.end, first.unit
        while True:
            if unit == 3600 and self._glued_minutes(end):  # "1h30"
                seconds, end = seconds + float(self.tokens[end].text) * 60, end + 1
                break
            j = end + 1 if self._word(end, "and") else end
            following = self.part(j)
            if following is None or following.unit >= unit or self._word(j, *_ARTICLES, "half"):
                break
            seconds, end, unit = seconds + following.seconds, following.end, following.unit
        return _Span(seconds, end, first.unit)

    def _glued_minutes(self, i: int) -> bool:
        if i >= len(self.tokens):
            return False
        token = self.tokens[i]
        return token.kind == "number" and token.glued and token.text.isdigit() and int(token.text) < 60

    def _range_word(self, i: int) -> bool:
        if i >= len(self.tokens):
            return False
        token = self.tokens[i]
        return token.text in _DASHES if token.kind == "other" else token.kind == "word" and token.text in _RANGE_WORDS

    def timer(self, i: int) -> tuple[float, float | None, int] | None:
        """A duration or a range of two at token i: (low, high or None, the token after it)."""
        low = self.duration(i)
        if low is not None:
            if self._range_word(low.end):
                high = self.duration(low.end + 1)
                if high is not None and high.seconds > low.seconds:
                    return low.seconds, high.seconds, high.end
            return low.seconds, None, low.end
        # "10-12 min", "1 1/2 to 2 hours", "two to three minutes": a bare count, then a duration.
        counted = self.quantity(i)
        if counted is None or counted[1]:
            return None
        count = counted[0]
        if not self._range_word(count.end):
            return None
        if self._word(count.end + 1, *_ARTICLES, "half"):
            return None  # "1 to an hour" says nothing clear
        high = self.duration(count.end + 1)
        if high is None:
            return None
        low_seconds = count.seconds * high.unit
        if not low_seconds < high.seconds:
            return None
        return low_seconds, high.seconds, high.end


def _starts_timer(token: _Token) -> bool:
    return token.kind == "number" or token.kind == "word"


def find_timers(text: str) -> list[Timer]:
    """Every duration written in `text`, in order, none overlapping."""
    if len(text) > MAX_TEXT:
        return []
    tokens = _tokens(text)
    reader = _Reader(tokens)
    found: list[Timer] = []
    i = 0
    while i < len(tokens):
        read = reader.timer(i) if _starts_timer(tokens[i]) else None
        if read is None:
            i += 1
            continue
        low, high, end = read
        seconds = round(low)
        longest = round(high) if high is not None else seconds
        if seconds >= 1 and longest <= MAX_SECONDS:
            found.append(Timer(tokens[i].start, tokens[end - 1].end, seconds, None if high is None else round(high)))
        i = end
    return found
