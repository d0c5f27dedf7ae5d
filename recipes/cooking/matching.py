"""Which of a recipe's ingredients a step uses, read from the words of the step.

An ingredient is used by a step that names its food: the food as its line was read, or any name
the food is known by (`foods.spellings`: "scallions" is "green onions" is "spring onion"), in the
singular or the plural ("Add the onions" uses "1 onion, chopped"). The longest name wins where two
overlap: "brown sugar" in a step is the brown sugar, not the sugar too.

A step often says less than the line: "the lentils" for "red lentils", "the vanilla" for "vanilla
extract", "the flour" for "all-purpose flour". A word of a food's name that is not a describing
word ("red", "fresh", "all-purpose", see `DESCRIBING`) names the food alone when no other ingredient
of the recipe has it; a word several foods share names the one food whose last word it is ("the
cream" with "heavy cream" and "cream cheese" is the heavy cream), or none when that is not one
("the oil" with "olive oil" and "vegetable oil"; "the chicken" with "chicken breasts" and "chicken
stock"): better no mark than a wrong one. Nor does the first word of a food made from another
(`MADE_FROM`: "the chicken" is not the chicken stock).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Sequence

from ..ingredients.detail import IngredientDetail
from ..ingredients.foods import food_key, normalise, singular, spellings

# Words that say which or what state a food is in, not what it is: they never name a food alone.
DESCRIBING = frozenset((
    "a", "an", "and", "or", "of", "the", "with", "without", "for", "to", "in", "into", "on", "at", "from", "by",
    "as", "all", "purpose", "plain", "self", "raising", "rising", "strong", "red", "green", "yellow", "white",
    "black", "brown", "orange", "pink", "purple", "golden", "dark", "light", "fresh", "dried", "dry", "frozen",
    "canned", "tinned", "jarred", "raw", "cooked", "leftover", "large", "small", "medium", "big", "little", "baby",
    "young", "mature", "extra", "jumbo", "thick", "thin", "whole", "ground", "chopped", "minced", "sliced", "diced",
    "grated", "shredded", "crushed", "cubed", "halved", "quartered", "torn", "toasted", "roasted", "smoked",
    "melted", "softened", "beaten", "peeled", "pitted", "seeded", "cored", "trimmed", "salted", "unsalted",
    "sweetened", "unsweetened", "sweet", "sour", "hot", "cold", "warm", "room", "temperature", "iced", "low",
    "reduced", "fat", "free", "full", "skim", "skimmed", "lean", "boneless", "skinless", "range", "organic",
    "virgin", "fine", "finely", "coarse", "coarsely", "granulated", "powdered", "packed", "heavy", "double",
    "single", "mild", "sharp", "ripe", "firm", "soft", "good", "quality", "best", "store", "bought", "homemade",
    "optional", "taste", "needed", "serving", "garnish", "more", "plus", "about", "some", "few", "vegetable",
))  # fmt: skip
# Foods made from another: their other words name what they are made from, not them ("chicken
# stock" is not "the chicken", "coconut milk" not "the coconut", "sesame oil" not "the sesame").
MADE_FROM = frozenset({"stock", "broth", "bouillon", "sauce", "oil", "water", "milk", "vinegar", "juice"})


def words(text: str) -> list[str]:
    """The words of a text as food names are compared: lower case, no punctuation, each singular."""
    text = unicodedata.normalize("NFKC", text).casefold()
    found: list[str] = []
    for chunk in text.split():
        found.extend(singular(word) for word in normalise(chunk).split())
    return found


class StepIngredients:
    """The ingredient lines of one recipe, ready to be looked for in each of its steps."""

    def __init__(self, readings: Sequence[IngredientDetail]) -> None:
        self.keys: list[str | None] = []
        self.phrases: dict[tuple[str, ...], set[str]] = defaultdict(set)
        naming: dict[str, set[str]] = defaultdict(set)  # a word -> the foods (keys) it may name
        heads: dict[str, set[str]] = defaultdict(set)  # a word -> the foods whose last word it is
        for reading in readings:
            key = None if reading.section or not reading.food else reading.food_key or food_key(reading.food)
            self.keys.append(key)
            if key is None:
                continue
            assert reading.food is not None
            for name in (reading.food, key, *spellings(reading.food)):
                phrase = tuple(words(name))
                if phrase:
                    self.phrases[phrase].add(key)
            own = [word for word in words(reading.food) if word not in DESCRIBING and not word.isdigit()]
            if own and own[-1] in MADE_FROM:
                own = own[-1:]
            for word in own:
                naming[word].add(key)
            if own:
                heads[own[-1]].add(key)
        self.longest = max((len(phrase) for phrase in self.phrases), default=0)
        self.by_word: dict[str, str] = {}
        for word, keys in naming.items():
            if len(keys) == 1:
                self.by_word[word] = next(iter(keys))
            elif len(heads.get(word, ())) == 1:
                self.by_word[word] = next(iter(heads[word]))

    def used_in(self, step: str) -> frozenset[int]:
        """The indices (in the readings given) of the ingredient lines `step` uses."""
        if not self.phrases:
            return frozenset()
        step_words = words(step)
        taken = [False] * len(step_words)
        named: set[str] = set()
        for start in range(len(step_words)):
            for length in range(min(self.longest, len(step_words) - start), 0, -1):
                span = range(start, start + length)
                keys = self.phrases.get(tuple(step_words[start : start + length]))
                if keys and not any(taken[i] for i in span):
                    named |= keys
                    for i in span:
                        taken[i] = True
                    break
        for i, word in enumerate(step_words):
            if not taken[i] and word in self.by_word:
                named.add(self.by_word[word])
        return frozenset(index for index, key in enumerate(self.keys) if key in named)


def ingredients_used(step: str, readings: Sequence[IngredientDetail]) -> frozenset[int]:
    """The indices of the ingredient lines (`readings`) that `step` uses."""
    return StepIngredients(readings).used_in(step)
