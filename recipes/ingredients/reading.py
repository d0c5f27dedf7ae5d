"""From a line's labelled tokens to the fields of its detail: the rules that read what the tagger labelled.

The tagger says which tokens are amounts (QTY), units (UNIT), sizes (SIZE), the food (NAME) and notes
(PREP, COMMENT, PURPOSE); this module reads the numbers and units those labels point at. It pairs
metric and imperial measures ("150g/5oz", "1 cup (240 ml)": the first is the amount, the second the
other measure), tells package sizes from amounts ("1 (28-ounce) can", "2 x 400g tins", "400g tin"),
adds ounces to pounds ("1lb 9oz"), and finds the unit of a count written after the food ("10 garlic
cloves"). What no field takes goes to the note, so no word of the line is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .numbers import NUMBER_WORDS
from .tokens import SIZE_WORDS, Token
from .unit_names import UNIT_KINDS, canonical_unit

# Kinds of unit that measure: only these pair as the other measure of a line, or give a package its size.
_MEASURING = frozenset({"volume", "mass", "length"})
# "a" or "an" counts one of these ("a cup", "an ounce", "a tin"); "a pinch", "a handful", "a bunch" keep
# no amount: they are as much as they are whatever the number (the labelled lines read them so too).
_COUNTED_AFTER_A = frozenset({"volume", "mass", "length", "package"})
# What a measure can be the size of: "400g tin", "3-inch piece".
_PACKAGES = frozenset((
    "piece", "chunk", "block", "slice", "stick", "strip", "branch", "can", "tin", "jar", "bottle", "package", "bag",
    "box", "carton", "sachet", "envelope", "tub", "punnet", "container", "loaf",
))  # fmt: skip
# What may stand between a measure and its other measure ("150g/5oz", "1 cup (240 ml)", "1 cup or 240 ml").
_PAIRING = frozenset({"/", "(", "[", ",", "or", "about", "approx", "approx.", "approximately", "around", "-", "="})
# What may stand between a count and its package size ("1 (28-ounce) can", "2 x 400g tins", "One 28-ounce").
_BEFORE_SIZE = frozenset({"(", "[", "-", "x", "×"})
_AFTER_SIZE = frozenset({")", "]", "-"})
# Words that join foods, never what one starts or ends with.
_JOINING = frozenset({"or", "and", "and/or", "&", "+"})
# Words that say nothing on their own: not a note by themselves ("a pinch of salt").
_FILLER = frozenset({"a", "an", "of", "the", "x", "and", "or", "some"})
_EDGES = " ,;:.-–—/"


@dataclass(slots=True)
class _Measure:
    """An amount and/or a unit as they stand in the line (token positions, first to last)."""

    first: int
    last: int
    value: float | None = None
    high: float | None = None
    amount: bool = False  # a number stands here (value None: one that is not an amount, "1/0")
    times: bool = False  # followed by "x": a count of what the next measure measures ("2 x 400g tins")
    unit: str | None = None
    unit_first: int = -1
    unit_last: int = -1
    sizes: list[int] = field(default_factory=list)  # "large" in "1 large handful"


@dataclass(slots=True)
class Fields:
    """What a line was read as (the detail's fields but the text and section)."""

    quantity: float | None = None
    quantity_max: float | None = None
    unit: str | None = None
    unit_text: str | None = None
    food: str | None = None
    note: str | None = None
    size: str | None = None
    alt_quantity: float | None = None
    alt_unit: str | None = None
    unsure: bool = False


class LineReading:
    """One line's tokens and their labels, read into fields."""

    def __init__(self, line: str, tokens: list[Token], labels: list[str], name_odds: list[float] | None) -> None:
        self.line = line
        self.tokens = tokens
        self.labels = labels
        self.name_odds = name_odds  # P(NAME) of each token, when the tagger labelled no token NAME
        self.used: set[int] = set()  # tokens read into the amount, unit, size or food
        self.doubtful = False
        self.sizes: list[str] = []
        self.out = Fields()

    def read(self) -> Fields:
        out = self.out
        measures = self._measures()
        primary = next((m for m in measures if m.amount), None)
        if primary is not None and primary.value is None:
            primary = None  # a number that is no amount ("1/0", "99999999999"): none, rather than a wrong one
            self.doubtful = True
        if primary is not None:
            self._read_amount(primary, [m for m in measures if m.first > primary.last])
        else:
            self._read_unit_alone(measures)
        for i, label in enumerate(self.labels):
            if label == "SIZE" and i not in self.used:
                self.sizes.append(self.tokens[i].text)  # "2 large eggs"
                self.used.add(i)
        out.food = self._food()
        if out.food is None and out.unit is not None and UNIT_KINDS.get(out.unit) == "piece":
            words = [t for t in self.tokens if t.kind == "word"]
            if words and out.unit_text == words[-1].text:
                out.food, out.unit, out.unit_text = out.unit_text, None, None  # "30 cloves": the food itself
        out.note = self._note()
        out.size = " ".join(self.sizes) or None
        has_words = any(t.kind == "word" for t in self.tokens)
        out.unsure = self.doubtful or (out.food is None and has_words)
        return out

    # --- amounts and units --------------------------------------------------------------------------

    def _span(self, first: int, last: int) -> str:
        return self.line[self.tokens[first].start : self.tokens[last].end]

    def _between(self, a: int, b: int) -> set[str]:
        """The lower-case texts of the tokens strictly between positions a and b."""
        return {t.text.lower() for t in self.tokens[a + 1 : b]}

    def _take(self, m: _Measure) -> None:
        self.used.update(range(m.first, m.last + 1))

    def _set_unit(self, m: _Measure) -> None:
        self.out.unit, self.out.unit_text = m.unit, " ".join(self._span(m.unit_first, m.unit_last).split())
        self.sizes += [self.tokens[k].text for k in m.sizes]
        self.used.update(range(m.unit_first, m.unit_last + 1))
        self.used.update(m.sizes)

    def _read_amount(self, primary: _Measure, after: list[_Measure]) -> None:
        out = self.out
        out.quantity, out.quantity_max = primary.value, primary.high
        self._take(primary)
        if primary.unit is None:
            self.sizes += [self.tokens[k].text for k in primary.sizes]
            self._read_count(primary, after)
        elif (package := self._package_after(primary, after)) is not None:
            # "400g tin", "1½-inch piece": one of them, that big.
            out.quantity, out.quantity_max = 1.0, None
            self.sizes.append(self._span(primary.first, primary.unit_last))
            self._set_unit(package)
        else:
            self._set_unit(primary)
            out.quantity = self._plus_ounces(primary, after)
            other = self._other_measure(primary, after)
            if other is not None:
                self._take(other)
                out.alt_quantity, out.alt_unit = self._plus_ounces(other, after), other.unit

    def _read_count(self, primary: _Measure, after: list[_Measure]) -> None:
        """A number without a unit of its own: "1 (28-ounce) can", "2 x 400g tins", "10 garlic cloves", "2 eggs"."""
        if not after:
            return
        size = after[0]
        if (
            size.amount
            and size.unit is not None
            and (primary.times or self._between(primary.last, size.first) <= _BEFORE_SIZE)
        ):
            self.sizes.append(self._span(size.first, size.unit_last))
            self._take(size)
            container = after[1] if len(after) > 1 else None
            if (
                container is not None
                and not container.amount
                and container.unit is not None
                and self._between(size.last, container.first) <= _AFTER_SIZE
            ):
                self._set_unit(container)
            return
        # The unit of a count, right after it or after the food: "2 cloves garlic", "10 garlic cloves".
        counted = next((m for m in after if not m.amount and m.unit is not None), None)
        if counted is not None:
            self._set_unit(counted)

    def _read_unit_alone(self, measures: list[_Measure]) -> None:
        """No amount: the first unit still counts ("Pinch of salt"); "a cup of milk" is one cup."""
        free = next((m for m in measures if m.unit is not None and not m.amount), None)
        if free is None:
            return
        self._set_unit(free)
        article = self._article_before(free)
        if article is not None and UNIT_KINDS.get(free.unit or "") in _COUNTED_AFTER_A:
            self.out.quantity = 1.0
            self.used.add(article)

    def _package_after(self, primary: _Measure, after: list[_Measure]) -> _Measure | None:
        """A package or piece right after a measure: "400g tin", "3-inch piece", "10-ounce bag"."""
        if UNIT_KINDS.get(primary.unit or "") not in _MEASURING or not after:
            return None
        m = after[0]
        if m.amount or m.unit not in _PACKAGES or m.unit_first != primary.unit_last + 1:
            return None
        return m

    def _other_measure(self, primary: _Measure, after: list[_Measure]) -> _Measure | None:
        """The second measure of a pair: "150g/5oz", "1 cup (240 ml)", "4 oz cheese, softened (125 g)"."""
        if UNIT_KINDS.get(primary.unit or "") not in _MEASURING:
            return None
        for m in after:
            if not m.amount or m.value is None or m.unit == primary.unit or m.first in self.used:
                continue
            if UNIT_KINDS.get(m.unit or "") not in _MEASURING:
                return None
            bracketed = m.first > 0 and self.tokens[m.first - 1].text in "(["
            if self._between(primary.last, m.first) <= _PAIRING or bracketed:
                return m
            return None
        return None

    def _plus_ounces(self, m: _Measure, after: list[_Measure]) -> float | None:
        """ "1lb 9oz" is 1.5625 lb: ounces right after pounds add to them."""
        if m.value is None or m.unit != "pound":
            return m.value
        for other in after:
            if other.first == m.last + 1 and other.amount and other.value is not None and other.unit == "ounce":
                self._take(other)
                return m.value + other.value / 16
        return m.value

    def _article_before(self, m: _Measure) -> int | None:
        """Where "a" or "an" stands just before a unit (size words between): "a cup", "a large tin"."""
        k = m.first - 1
        while k >= 0 and self.tokens[k].text.lower() in SIZE_WORDS:
            k -= 1
        if k >= 0 and self.tokens[k].text.lower() in ("a", "an") and (k == 0 or self.tokens[k - 1].kind == "punct"):
            return k
        return None

    def _measures(self) -> list[_Measure]:
        """Every amount and unit of the line, in order."""
        labels = self.labels
        measures: list[_Measure] = []
        i, n = 0, len(self.tokens)
        while i < n:
            if labels[i] == "QTY":
                i = self._read_numbers(i, measures)
                if measures and measures[-1].amount and measures[-1].unit is None:
                    i = self._read_units(i, measures[-1], measures)
            elif labels[i] == "UNIT":
                free = _Measure(i, i)
                measures.append(free)
                j = self._read_units(i, free, measures)
                if free.unit is None:
                    measures.remove(free)
                i = max(j, i + 1)
            else:
                i += 1
        return measures

    def _read_numbers(self, i: int, measures: list[_Measure]) -> int:
        """The run of QTY tokens from i: numbers, ranges, number words, "dozen", "x". Returns where it ends."""
        tokens, labels = self.tokens, self.labels
        current: _Measure | None = None
        while i < len(tokens) and labels[i] == "QTY":
            token = tokens[i]
            word = token.text.lower()
            if word == "dozen" and current is not None and current.value is not None:
                current.value *= 12  # "2 dozen"
                current.high = current.high * 12 if current.high is not None else None
                current.last = i
            elif word in ("x", "×") and current is not None:
                current.times = True
                current.last = i
            elif token.kind in ("num", "range"):
                if token.value is None:
                    self.doubtful = True
                current = _Measure(i, i, token.value, token.high, amount=True)
                measures.append(current)
            elif word in NUMBER_WORDS:
                current = _Measure(i, i, NUMBER_WORDS[word], amount=True)  # "one", "half", "dozen"
                measures.append(current)
            i += 1
        return i

    def _read_units(self, i: int, measure: _Measure, measures: list[_Measure]) -> int:
        """The unit words from i: "tbsp", "fl oz", "large handful", "g tin" (two units: the second is a
        measure of its own). Returns where they end."""
        tokens, labels = self.tokens, self.labels
        n = len(tokens)
        while i < n:
            token = tokens[i]
            if token.kind == "punct" and token.text in "-." and i + 1 < n and labels[i + 1] == "UNIT":
                i += 1  # "28-ounce", "fl. oz"
                continue
            if token.kind != "word" or labels[i] not in ("UNIT", "SIZE"):
                break
            if labels[i] == "SIZE" and not (i + 1 < n and labels[i + 1] == "UNIT"):
                break  # "2 large eggs": the size of the food, not of a unit
            two = canonical_unit(self._span(i, i + 1)) if i + 1 < n and tokens[i + 1].kind == "word" else None
            last = i + 1 if two is not None else i
            name = two or canonical_unit(token.text)
            more = i + 1 < n and labels[i + 1] == "UNIT" and tokens[i + 1].kind == "word"
            if name is None and (more or token.text.lower() in SIZE_WORDS or labels[i] == "SIZE"):
                measure.sizes.append(i)  # what says how big: "large handful", "thumb-sized piece"
                i += 1
                continue
            if name is None:
                name = _unknown_unit(token.text)
                self.doubtful = True
            if measure.unit is not None:  # a second unit: "400g tin", "28-ounce can"
                measure = _Measure(i, last)
                measures.append(measure)
            measure.unit, measure.unit_first, measure.unit_last = name, i, last
            measure.last = last
            i = last + 1
        return i

    # --- food and notes ----------------------------------------------------------------------------

    def _food(self) -> str | None:
        names = [i for i, label in enumerate(self.labels) if label == "NAME" and i not in self.used]
        if not names:
            names = self._likeliest_food()
        if not names:
            return None
        # An amount after the food starts an alternative ("1 egg or 2 egg whites"): the food is the first.
        depth = 0
        for k in range(names[0] + 1, names[-1]):
            text = self.tokens[k].text
            depth += (text in "([") - (text in ")]")
            if not depth and self.tokens[k].kind in ("num", "range") and self.labels[k] != "NAME":
                names = [i for i in names if i < k]
                break
        while names and self.tokens[names[-1]].text.lower() in _JOINING:
            names.pop()  # "egg or" of "1 egg or 2 egg whites"
        while names and self.tokens[names[0]].text.lower() in _JOINING:
            names.pop(0)
        if not names:
            return None
        self.used.update(names)
        # Runs of food words, joined as written across brackets and hyphens, with a space across the rest
        # ("mixed, boned, diced game meat" -> "mixed game meat").
        parts = self._runs(names, lambda k: self.labels[k] == "PUNC" and self.tokens[k].text not in ",;")
        return " ".join(" ".join(_balanced(p) for p in parts).strip(_EDGES).split()) or None

    def _likeliest_food(self) -> list[int]:
        """When the tagger labelled nothing as the food: the run of words it found likeliest to be it."""
        odds = self.name_odds
        if odds is None:
            return []
        words = [i for i, t in enumerate(self.tokens) if t.kind == "word" and i not in self.used]
        if not words:
            return []
        best = max(words, key=lambda i: odds[i])
        run = [best]
        for step in (-1, 1):
            k = best + step
            while 0 <= k < len(self.tokens) and k in words and odds[k] >= odds[best] / 2:
                run.append(k)
                k += step
        self.doubtful = True
        return sorted(run)

    def _note(self) -> str | None:
        notes = [i for i, t in enumerate(self.tokens) if i not in self.used and t.kind != "punct"]
        if not notes:
            return None
        parts = self._runs(notes, lambda k: k not in self.used)
        kept = [
            p for p in (" ".join(_balanced(p).strip(_EDGES).split()) for p in parts) if p and p.lower() not in _FILLER
        ]
        return ", ".join(kept) or None

    def _runs(self, positions: list[int], joins: Callable[[int], bool]) -> list[str]:
        """The text of each run of positions, a run going on across tokens for which `joins` holds."""
        parts: list[str] = []
        start = previous = positions[0]
        for i in positions[1:]:
            if all(joins(k) for k in range(previous + 1, i)):
                previous = i
                continue
            parts.append(self._span(start, previous))
            start = previous = i
        parts.append(self._span(start, previous))
        return parts


def _balanced(text: str) -> str:
    """Drop a bracket that lost its partner when the text was cut out of the line."""
    text = text.strip()
    opened, closed = text.count("("), text.count(")")
    if opened > closed:
        text = text.replace("(", "", opened - closed) if text.startswith("(") else text + ")"
    elif closed > opened:
        text = text[::-1].replace(")", "", closed - opened)[::-1]
    return text.strip()


def _unknown_unit(word: str) -> str:
    """A word the tagger calls a unit that the table does not know ("nests"): its lower-case singular."""
    lower = word.lower().rstrip(".")
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 3:
        return lower[:-1]
    return lower
