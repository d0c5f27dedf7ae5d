"""A step of cook mode: its text cut around the timers it names, each timer named after what it times.

A timer is named by the cooking word nearest before it in its sentence ("Bake for 25 minutes" is
"Bake"; "Roast, stirring halfway, until tender, about 20 minutes" is "Roast"), else the nearest
after it ("20 minutes more, then cool": "Cool"), else "Step N". The name is what the timers tray
and the page title show ("4:59 · Bake").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .timers import Timer, find_timers

# What a cook times, in the imperative a step is written in.
COOKING_WORDS = frozenset((
    "bake", "roast", "simmer", "boil", "cook", "fry", "deep-fry", "stir-fry", "pan-fry", "saute", "sauté", "sear",
    "brown", "grill", "broil", "toast", "steam", "poach", "blanch", "braise", "stew", "smoke", "microwave",
    "reduce", "caramelize", "caramelise", "melt", "heat", "warm", "preheat", "rest", "rise", "prove", "proof",
    "stand", "sit", "set", "chill", "cool", "refrigerate", "freeze", "thaw", "defrost", "soak", "marinate", "brine",
    "steep", "infuse", "knead", "mix", "beat", "whisk", "whip", "blend", "process", "pulse", "stir", "fold",
    "churn", "mash", "cure", "dry", "dehydrate", "pressure-cook", "air-fry", "char", "scald", "reheat", "drain",
    "wait", "leave", "cover",
))  # fmt: skip
_SENTENCE_END = re.compile(r"[.!?;\n]+(?=\s|$)")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MAX_NAME = 40


@dataclass(frozen=True, slots=True)
class StepPart:
    """A piece of a step's text: plain text, or a timer's words (with its timer and name)."""

    text: str
    timer: Timer | None = None
    name: str = ""


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    begin, finish = 0, len(text)
    for match in _SENTENCE_END.finditer(text):
        if match.end() <= start:
            begin = match.end()
        elif match.start() >= end:
            finish = match.start()
            break
    return begin, finish


def _cooking_word(words: list[str]) -> str | None:
    for word in words:
        lower = word.lower()
        if lower in COOKING_WORDS:
            return lower
    return None


def timer_name(text: str, timer: Timer, step_number: int) -> str:
    """What the timer at `timer` in step `step_number`'s `text` is called: "Bake", "Let rest", "Step 3"."""
    begin, finish = _sentence_around(text, timer.start, timer.end)
    before = [m.group() for m in _WORD.finditer(text, begin, timer.start)]
    after = [m.group() for m in _WORD.finditer(text, timer.end, finish)]
    word = _cooking_word(before[::-1]) or _cooking_word(after)
    if word is None:
        return f"Step {step_number}"
    return word[:MAX_NAME].capitalize()


def step_parts(text: str, step_number: int) -> tuple[StepPart, ...]:
    """`text` cut into plain pieces and timers, in order; joined, the pieces are `text` again."""
    parts: list[StepPart] = []
    at = 0
    for timer in find_timers(text):
        if timer.start > at:
            parts.append(StepPart(text[at : timer.start]))
        parts.append(StepPart(text[timer.start : timer.end], timer, timer_name(text, timer, step_number)))
        at = timer.end
    if at < len(text) or not parts:
        parts.append(StepPart(text[at:]))
    return tuple(parts)
