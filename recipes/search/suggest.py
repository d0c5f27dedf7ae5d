"""“Did you mean lentil soup?”: corrections for misspelled search words.

Looked for only when a search finds few recipes (at most FEW; service.search decides), so a
search that finds enough costs nothing more. A word is a suspect when, on its own, it finds
few of the recipes the person can see; its candidates are the index's words a small edit away
(vocabulary.py). Each corrected search is counted like the real one (the person's recipes and
filters), and one is offered only if it finds more than the search as typed: a word that only
someone else's private recipes hold is never suggested.

This module only decides; counting is handed in (`count_typed`, `count_alone`), so it knows
nothing of the search request or the database beyond the vocabulary.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .query_text import WordSpan, included_words
from .vocabulary import Lookup

FEW = 3  # a search finding at most this many recipes may get a suggestion
SHORTEST = 4  # shorter words are taken as typed
WORDS_CHECKED = 3  # suspect words corrected at most, per search
CANDIDATES = 3  # spellings tried per suspect word
SEARCHES_TRIED = 6  # corrected searches counted at most

Parts = tuple[tuple[str, bool], ...]  # a search text in pieces, each marked if it was corrected


def max_distance(word: str) -> int:
    """Edits allowed: one in a short word, two from six letters on ("brocolli")."""
    return 1 if len(word) <= 5 else 2


@dataclass(frozen=True)
class Correction:
    q: str  # the search text with the misspelled words corrected, the rest as typed
    found: int  # how many recipes it finds (as counted: up to the counter's limit)
    parts: Parts


@dataclass(frozen=True)
class _Option:
    span: WordSpan
    word: str
    distance: int
    recipes: int


def correct(
    typed: str,
    found: int,
    lookup: Lookup,
    count_typed: Callable[[str], int],
    count_alone: Callable[[str], int],
    most: int | None = None,
) -> Correction | None:
    """A correction of the search text `typed` (which finds `found` recipes) that finds more.

    `count_typed(q)`: how many recipes the search finds with `q` for its text (its filters
    kept); `count_alone(word)`: how many the person can see that hold `word`, filters aside.
    `most`: where the counts stop (a count that reaches it cannot be beaten), if they do.
    """
    suspects = _suspects(typed, count_alone)
    if not suspects:
        return None
    # Every word of a search must be found, so a search keeping a word that alone finds none of
    # the person's recipes finds none: not worth counting.
    nowhere = {span.word for span, alone in suspects if alone == 0}
    choices: list[list[_Option]] = []
    for span, _ in suspects:
        near = lookup.near(span.word, max_distance(span.word))[:CANDIDATES]
        as_typed = _Option(span, span.word, 0, 0)
        choices.append([*(_Option(span, c.word, c.distance, c.recipes) for c in near), as_typed])
    combinations = [
        combo
        for combo in itertools.product(*choices)
        if any(option.distance for option in combo)
        and not any(option.distance == 0 and option.word in nowhere for option in combo)
    ]
    combinations.sort(key=lambda combo: (sum(o.distance for o in combo), -sum(o.recipes for o in combo)))
    best: Correction | None = None
    best_edits = 0
    for combo in combinations[:SEARCHES_TRIED]:
        edits = sum(option.distance for option in combo)
        if best is not None and edits > best_edits:
            break  # the fewest edits that find more win; among those, the one finding most
        parts = _parts(typed, combo)
        q = "".join(text for text, _ in parts)
        count = count_typed(q)
        if count > found and (best is None or count > best.found):
            best, best_edits = Correction(q, count, parts), edits
            if most is not None and count >= most:
                break  # as many as a count says: no other can find more
    return best


def _suspects(typed: str, count_alone: Callable[[str], int]) -> list[tuple[WordSpan, int]]:
    """The words of the search that, alone, find few of the recipes this person can see, each
    with how many it finds."""
    suspects: list[tuple[WordSpan, int]] = []
    seen: set[str] = set()
    for span in included_words(typed):
        if len(span.word) < SHORTEST or not span.word.isalpha() or span.word in seen:
            continue
        seen.add(span.word)
        alone = count_alone(span.word)
        if alone <= FEW:
            suspects.append((span, alone))
            if len(suspects) == WORDS_CHECKED:
                break
    return suspects


def _parts(typed: str, combo: Sequence[_Option]) -> Parts:
    """`typed` with the corrected words put in (wherever they stand), in pieces."""
    replacement = {option.span.word: option.word for option in combo if option.distance}
    parts: list[tuple[str, bool]] = []
    position = 0
    for span in included_words(typed):
        if span.word in replacement:
            parts += [(typed[position : span.start], False), (replacement[span.word], True)]
            position = span.end
    parts.append((typed[position:], False))
    return tuple((text, changed) for text, changed in parts if text)
