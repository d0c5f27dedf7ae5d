"""Reading an ingredient line: amount, unit, food, size and notes, beside the line as written.

``parse_line("1 (28-ounce) can tomatoes, drained")`` gives quantity 1, unit "can", size "28-ounce",
food "tomatoes", note "drained". The line is cut into tokens (tokens.py), a trained tagger labels
each token (tagger.py: QTY, UNIT, SIZE, NAME, PREP, COMMENT, PURPOSE, PUNC), and rules read the
numbers and units the labels point at (reading.py). Bad input never raises: what cannot be read is
left out, and the line is marked ``unsure`` when the tagger was not confident or a rule fell through.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from .detail import IngredientDetail
from .reading import LineReading
from .tagger import tagger
from .tokens import features, tokenize

log = logging.getLogger(__name__)

# Longer lines are read up to here (a pasted paragraph is not an ingredient); the line itself is kept.
MAX_PARSED_CHARS = 400
# Below this probability of its whole labelling, a line is marked unsure.
SURE_PROBABILITY = 0.6
# Lines up to this long are remembered, this many of them (real libraries repeat "1 tsp salt" a lot).
_CACHED_CHARS = 200
REMEMBERED_LINES = 2048

_CONTROL = [*range(0x20), *range(0x7F, 0xA0), 0x200B, 0x200C, 0x200D, 0x2028, 0x2029, 0xFEFF]
_SPACES = [0xA0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
# One character for one, so positions in the cleaned line are positions in the line.
_CLEAN = str.maketrans({**dict.fromkeys(_CONTROL, " "), **dict.fromkeys(_SPACES, " "), 0xAD: "-"})
_UNCLEAN = re.compile("[" + "".join(re.escape(chr(c)) for c in (*_CONTROL, *_SPACES, 0xAD)) + "]")


def parse_line(text: str) -> IngredientDetail:
    """The structured reading of one ingredient line. Never raises for a line (only MemoryError passes);
    what it cannot read it leaves out."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    try:
        if len(text) <= _CACHED_CHARS:
            return _parse_remembered(text)
        return parse_uncached(text)
    except MemoryError:
        raise  # not the line's fault: the caller fails, nothing is stored
    except Exception:
        # A fault of ours a line brings out: the line with no reading, marked unsure, so the recipe
        # is saved, shown and backfilled all the same. (Not remembered: said each time it is read.)
        log.exception("could not read the ingredient line %r", text[:80])
        return IngredientDetail(text=text, unsure=True)


def parse_lines(lines: list[str]) -> list[IngredientDetail]:
    """Each line's reading, in order."""
    return [parse_line(line) for line in lines]


@lru_cache(maxsize=REMEMBERED_LINES)
def _parse_remembered(text: str) -> IngredientDetail:
    return parse_uncached(text)


def parse_uncached(text: str) -> IngredientDetail:
    """parse_line without the memory of lines already read (what the benchmark measures)."""
    line = text.translate(_CLEAN) if _UNCLEAN.search(text) else text
    stripped = line.strip()
    if not stripped:
        return IngredientDetail(text=text)
    if stripped.endswith(":"):
        return IngredientDetail(text=text, section=True)  # "For the sauce:"
    truncated = len(line) > MAX_PARSED_CHARS
    tokens = tokenize(line[:MAX_PARSED_CHARS])
    if not tokens:
        return IngredientDetail(text=text)
    tagging = tagger().tag(features(tokens))
    fields = LineReading(line, tokens, tagging.labels, tagging.name_odds).read()
    return IngredientDetail(
        text=text,
        quantity=fields.quantity,
        quantity_max=fields.quantity_max,
        unit=fields.unit,
        unit_text=fields.unit_text,
        food=fields.food,
        note=fields.note,
        size=fields.size,
        alt_quantity=fields.alt_quantity,
        alt_unit=fields.alt_unit,
        unsure=fields.unsure or truncated or tagging.probability < SURE_PROBABILITY,
    )
