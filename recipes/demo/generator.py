"""Made-up but realistic recipes, for demos and the benchmark.

`generate(count, seed)` yields `RecipeData` objects: pure (no database, no I/O), fast (50,000 recipes take
about 3 s of CPU) and deterministic (the same seed gives the same recipes, on any machine;
`generate(n, s)` is a prefix of `generate(m, s)` for n < m).

A recipe is put together from tables: a cuisine (Italian, Mexican, Indian, Thai, French, German, ...), a dish
type with its own steps, times and servings (stew, curry, pasta, tacos, cake, cookies, ...), a main
ingredient, vegetables, aromatics and the cuisine's flavourings, or one of the classics ("Crème brûlée",
"Käsespätzle", "Jalapeño poppers", ...). Ingredient lines carry quantities ("2 tbsp olive oil", "400 g
canned chopped tomatoes"), about a fifth of recipes split them into sections ("For the dressing:"), steps
are filled in from templates with the recipe's own ingredients, and tags follow from what is in the recipe
(vegetarian, vegan, gluten-free, quick, the cuisine, the meal).

Word frequencies the benchmark and the search tests can rely on, counted as recipes whose text (title,
description, ingredients, instructions, notes, tags) contains the word as a whole, lower-cased token:

- Common (`COMMON_TERMS`: the share of recipes, within a fifth of it from a few thousand recipes up):
  "salt" 67 %, "garlic" 53 %, "onion" 31 %, "butter" 27 %, "chicken" 24 % (12,000 of 50,000), "lemon" 15 %.
  The prefix "tom" (tomato, tomatoes, tomatillos, Tom yum) matches about 25 %; "chicken" and "garlic"
  both in one recipe about 18 %. "dinner" is a tag of about 45 %.
- Rare (`RARE_TERMS`): "quince", "sumac", "kohlrabi" and "yuzu" appear only in the recipes whose index
  (0-based position in the output) satisfies index % period == offset, so exactly count // period recipes
  (plus one when count % period > offset) contain each: at 50,000 recipes quince 10, sumac 10,
  kohlrabi 20, yuzu 5. They never appear anywhere else, independent of the seed.
- Absent (`ABSENT_TERMS`): "zeppelin", "xylophone", "quokka" and "blorft" never appear, not even as the
  start of a longer word, so they are safe no-hit searches (also as prefixes).
- Accents: "crème" (crème fraîche, crème brûlée), "jalapeño", "crêpes", "Käsespätzle", "Gruyère",
  "Bœuf bourguignon" appear, so accent-folding searches ("creme", "jalapeno") have hits.
- "nuts" appears (pine nuts, mixed nuts) in about 8 % of recipes, for "not nuts" filters.
"""

from __future__ import annotations

import bisect
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ..cookbook.services import RecipeData
from ..models import HOUSEHOLD, PRIVATE, PUBLIC
from .catalogue import (
    _ADJECTIVES,
    _ALTERNATIVES,
    _BREAD_FLAVOURS,
    _CHILLI,
    _CUISINES,
    _EXTRA_TAGS,
    _FRUIT_FLAVOURS,
    _GARLIC,
    _MOODS,
    _OCCASIONS,
    _ONIONS,
    _PAIR_SPECS,
    _PROTEINS,
    _RARE_LINES,
    _SAVOURY_CLASSICS,
    _SAVOURY_DISHES,
    _SEASONING,
    _STOCKS,
    _SWEET_ADJECTIVES,
    _SWEET_ALTERNATIVES,
    _SWEET_CLASSICS,
    _SWEET_DISHES,
    _SWEET_FLAVOURS,
    _T,
    _VEGETABLES,
    _WHEN,
    RARE_TERMS,
    _Classic,
    _Cuisine,
    _Dish,
    _Ing,
)

# --- Building one recipe ------------------------------------------------------------------------

MAX_INGREDIENTS = 15  # not counting section headers


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return words[0] if words else ""
    return ", ".join(words[:-1]) + " and " + words[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _suits(ing: _Ing, dish: str) -> bool:
    """Whether a main suits a dish: its list names the dish, or only names ("-burger") dishes it does not suit."""
    if all(d.startswith("-") for d in ing.dishes):
        return f"-{dish}" not in ing.dishes
    return dish in ing.dishes


_PROTEIN_BY_DISH = {key: [p for p in _PROTEINS if _suits(p, key)] for key in _SAVOURY_DISHES}
# A frittata is made of eggs: its "main" is what goes in with them.
_PROTEIN_BY_DISH["frittata"] = [p for p in _PROTEINS if "frittata" in p.dishes] + [_VEGETABLES[0], _VEGETABLES[2]]
_PROTEIN_WEIGHTS = {key: _cumulative([p.weight for p in items]) for key, items in _PROTEIN_BY_DISH.items()}
_ONION_WEIGHTS = _cumulative([o.weight for o in _ONIONS])
_FLAVOUR_WEIGHTS = _cumulative([f.weight for f in _SWEET_FLAVOURS])
_CUISINE_WEIGHTS = _cumulative([c.weight for c in _CUISINES])
_CUISINE_BY_KEY = {c.key: c for c in _CUISINES}
_SWEET_DISH_LIST = tuple(_SWEET_DISHES.values())
_VEGETABLE_TITLES = {v.step: v.title for v in _VEGETABLES}


class _Dice:
    """Seeded random picks, built on `random.Random.random` alone: quicker than `choice`/`sample`
    for the many small picks a recipe needs, and just as repeatable."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed).random  # noqa: S311 (made-up recipes, not secrets)

    def pick(self, items: Sequence[_T]) -> _T:
        return items[int(self.random() * len(items))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def some(self, items: Sequence[_T], count: int) -> list[_T]:
        """`count` different items (fewer if there are not that many), in random order."""
        if count >= len(items):
            chosen = list(items)
            self.shuffle(chosen)
            return chosen
        picked: dict[int, None] = {}
        while len(picked) < count:
            picked[int(self.random() * len(items))] = None
        return [items[i] for i in picked]

    def shuffle(self, items: list[_T]) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = int(self.random() * (i + 1))
            items[i], items[j] = items[j], items[i]

    def weighted(self, items: Sequence[_T], cumulative: Sequence[float]) -> _T:
        return items[bisect.bisect(cumulative, self.random() * cumulative[-1])]


class _Builder:
    """Collects one recipe's ingredient lines, within a budget, and the names its steps use."""

    def __init__(self, rng: _Dice, limit: int) -> None:
        self.rng = rng
        self.limit = limit
        self.lines: list[str] = []
        self.second: list[str] = []
        self.names: set[str] = set()
        self.roles: dict[str, list[str]] = {}
        self.flags = ""

    def room(self, lines: int = 1) -> bool:
        return len(self.lines) + len(self.second) + lines <= self.limit

    def add(self, ing: _Ing, role: str = "", *, second: bool = False, noun: str = "") -> None:
        name, step = ing.name, ing.step
        if noun:
            name, step = name.replace("{noun}", noun), step.replace("{noun}", noun)
        if name in self.names:
            return
        self.names.add(name)
        rng = self.rng
        amounts, preps = ing.amounts, ing.preps
        amount = amounts[int(rng.random() * len(amounts))] if amounts else ""
        if amount[:1] == "=":
            line = amount[1:]
        elif amount:
            line = f"{amount} {name}"
        else:
            line = name[:1].upper() + name[1:]
        if preps and (not amount or rng.random() < 0.6):
            line = f"{line}, {preps[int(rng.random() * len(preps))]}"
        (self.second if second else self.lines).append(line)
        self.flags += ing.flags
        self.roles.setdefault(role or ing.role, []).append(step)

    def role(self, key: str) -> str:
        return _join(self.roles.get(key, ()))

    def sections(self, dish: _Dish, noun: str) -> list[str]:
        """The ingredient lines, split under headers ("For the dressing:") in some recipes."""
        always_split = bool(dish.first_header)
        if not self.second or self.rng.random() >= (0.8 if always_split else 0.35):
            return self.lines + self.second
        first = dish.first_header or f"For the {noun}:"
        if dish.second_first:
            return [dish.second_header, *self.second, first, *self.lines]
        return [first, *self.lines, dish.second_header, *self.second]


class _Draft(NamedTuple):
    title: str
    noun: str
    main: str  # the main ingredient's title word ("chicken"), for notes
    main_step: str  # as the steps call it ("chicken thighs"), for descriptions
    ingredients: list[str]
    instructions: list[str]
    times: tuple[int | None, int | None, int | None]
    tags: list[str]  # cuisine, dish, diet and "quick"; the meal comes first later


def _minutes(rng: _Dice, low: int, high: int) -> int:
    return max(5 if low >= 5 else 0, round(rng.between(low, high) / 5) * 5)


def _times(rng: _Dice, dish: _Dish) -> tuple[int | None, int | None, int | None]:
    prep = _minutes(rng, *dish.prep)
    cook = _minutes(rng, *dish.cook)
    roll = rng.random()
    if roll < 0.04:
        return None, None, None
    if roll < 0.08:
        return prep, None, None
    total = prep + cook + rng.pick(dish.rest) if rng.random() < 0.3 else None
    return prep, cook, total


def _instructions(rng: _Dice, dish: _Dish, ctx: dict[str, str]) -> list[str]:
    steps = []
    for step in dish.steps:
        if step.probability < 1 and rng.random() >= step.probability:
            continue
        if not all(map(ctx.get, step.needs)) or any(map(ctx.get, step.forbids)):
            continue
        if len(step.parts) == 1:
            text = step.parts[0][0].format_map(ctx)
        else:
            text = "".join(part.format_map(ctx) for part, optional in step.parts if all(map(ctx.get, optional)))
        steps.append(text[:1].upper() + text[1:])
    if len(steps) > 10:
        steps = [*steps[:9], steps[-1]]
    fillers = ("Taste and adjust the seasoning.", "Serve warm.", "Enjoy!")
    while len(steps) < 3:
        steps.append(fillers[len(steps)])
    return steps


def _diet_tags(flags: str) -> list[str]:
    tags = []
    if "m" not in flags and "f" not in flags:
        tags.append("vegetarian")
        if "d" not in flags and "e" not in flags:
            tags.append("vegan")
    if "g" not in flags:
        tags.append("gluten-free")
    if "d" not in flags:
        tags.append("dairy-free")
    return tags


def _common_tags(dish: _Dish, cuisine_tag: str, flags: str, times: tuple[int | None, ...]) -> list[str]:
    prep, cook, _ = times
    quick = "quick" if prep is not None and prep + (cook or 0) <= 30 else ""
    return [cuisine_tag, dish.tag, quick, *_diet_tags(flags)]


def _savoury(rng: _Dice, cuisine: _Cuisine, dish: _Dish, classic: _Classic | None, rare: list[str]) -> _Draft:
    b = _Builder(rng, MAX_INGREDIENTS - len(rare))
    if classic is not None:
        noun = classic.noun
        main = classic.ingredients[0]
        for ing in classic.ingredients:
            b.add(ing, "main" if ing is main else "")
    else:
        noun = rng.pick(dish.nouns)
        main = rng.weighted(_PROTEIN_BY_DISH[dish.key], _PROTEIN_WEIGHTS[dish.key])
        b.add(main, "main")
    if dish.pick_one_extra:
        b.add(rng.pick(dish.extras), noun=noun)
    else:
        for extra in dish.extras:
            b.add(extra, noun=noun)
    if dish.liquid:
        kind = main.title if main.title in ("chicken", "beef") else "veg"
        if "f" in main.flags and rng.random() < 0.5:
            kind = "fish"
        b.add(_STOCKS[kind], "L")
    b.add(rng.pick(cuisine.fats))
    if rng.random() < 0.78:
        b.add(rng.weighted(_ONIONS, _ONION_WEIGHTS), "O")
    if rng.random() < 0.72:
        b.add(_GARLIC, "O")
    if "O" not in b.roles:
        b.add(_ONIONS[0], "O")
    for veg in rng.some(_VEGETABLES, rng.pick((0, 0, 1) if classic else (1, 1, 2, 2, 3))):
        if veg.title != main.title and b.room():
            b.add(veg)
    # The optional rest, while there is room for it.
    for extra in dish.optional:
        if rng.random() < 0.5 and b.room():
            b.add(extra)
    for aromatic in cuisine.aromatics:
        if rng.random() < 0.6 and b.room():
            b.add(aromatic, "O")
    if rng.random() < 0.15 and b.room():
        b.add(_CHILLI, "O")
    pair_title = ""
    if classic is None and rng.random() < 0.12 and b.room(2):
        pair_title, pair = rng.pick(_PAIR_SPECS)
        for ing in pair:
            b.add(ing)
    if dish.second and rng.random() < 0.7:
        for ing in rng.some(dish.second, rng.between(2, 4)):
            if b.room():
                b.add(ing, "G", second=True)
    for ing in rng.some(cuisine.garnishes, rng.pick((0, 1, 1, 2))):
        if b.room():
            b.add(ing, "T", second=not dish.second)
    for ing in rng.some(cuisine.flavourings, min(rng.between(1, 4), len(cuisine.flavourings))):
        if b.room(2 if "S" in b.roles or "W" in b.roles else 1):  # keep one line for the seasoning
            b.add(ing)
    if rng.random() < 0.85 and b.room():
        b.lines.append(rng.pick(_SEASONING))
    b.lines.extend(rare)
    while len(b.lines) + len(b.second) < 5:
        b.lines.append(_SEASONING[len(b.lines) % 2])

    times = _times(rng, dish)
    style = next((s for s in "BPL" if s in main.flags), "P")
    ctx = {
        "main": main.step,
        "brown": main.step if style == "B" else "",
        "simmer": main.step if style == "P" else "",
        "late": main.step if style == "L" else "",
        "veg": b.role("V"),
        "aromatics": b.role("O"),
        "spices": b.role("S"),
        "wet": b.role("W"),
        "finish": b.role("H"),
        "liquid": b.role("L"),
        "fat": b.role("F") or "oil",
        "extra": b.role("X"),
        "binder": b.role("D"),
        "dressing": b.role("G"),
        "garnish": b.role("T"),
        "noun": noun,
        "temp": dish.oven,
        "m_soft": str(rng.pick((5, 8, 10))),
        "m_short": str(rng.pick((3, 4, 5, 6, 8))),
        "m_long": _long_minutes(times[1]),
    }
    if classic is not None:
        title = _classic_title(rng, classic.title, ("easy", "weeknight", "my", "quick", "classic", "proper"))
    else:
        vegs = b.roles.get("V", [])
        veg_title = _VEGETABLE_TITLES.get(vegs[0], "") if vegs else ""
        title = _savoury_title(rng, cuisine, dish, noun, main.title, veg_title, pair_title)
    return _Draft(
        title,
        noun,
        main.title,
        main.step,
        b.sections(dish, noun),
        _instructions(rng, dish, ctx),
        times,
        _common_tags(dish, cuisine.tag, b.flags, times),
    )


def _long_minutes(cook: int | None) -> str:
    """The longest step's minutes: most of the cooking time."""
    return str(max(5, round((cook or 30) * 0.8 / 5) * 5))


def _classic_title(rng: _Dice, title: str, prefixes: Sequence[str]) -> str:
    roll = rng.random()
    if roll < 0.6:
        return title
    if roll < 0.85:
        return f"{rng.pick(prefixes)} {title[:1].lower()}{title[1:]}"
    return f"{title} {rng.pick(('for two', 'for a crowd', 'with a twist', '(the easy way)'))}"


def _savoury_title(rng: _Dice, cuisine: _Cuisine, dish: _Dish, noun: str, main: str, veg: str, pair: str) -> str:
    if pair and dish.title_verb:
        return f"{pair} {dish.title_verb} {main}"
    if pair:
        return f"{pair} {main} {noun}"
    roll = rng.random()
    if roll < 0.3 and veg:
        return f"{rng.pick(_ADJECTIVES)} {main} and {veg} {noun}"
    if roll < 0.5 and cuisine.adjective:
        return f"{cuisine.adjective} {main} {noun}"
    if roll < 0.65 and veg:
        return f"{main} {noun} with {veg}"
    if roll < 0.8:
        return f"{rng.pick(_OCCASIONS)} {main} {noun}"
    if roll < 0.9 and veg:
        other = rng.pick(_VEGETABLES).title
        if other != veg:
            return f"{main}, {veg} and {other} {noun}"
    return f"{rng.pick(_ADJECTIVES)} {main} {noun}"


def _sweet(rng: _Dice, cuisine: _Cuisine, dish: _Dish, classic: _Classic | None, rare: list[str]) -> _Draft:
    b = _Builder(rng, MAX_INGREDIENTS - len(rare))
    noun = classic.noun if classic is not None else rng.pick(dish.nouns)
    for extra in dish.extras:
        b.add(extra)
    flavours: Sequence[_Ing]
    if classic is not None:
        flavours = classic.ingredients
    elif dish.flavours == "bread":
        flavours = rng.some(_BREAD_FLAVOURS, rng.pick((1, 1, 2)))
    elif dish.flavours == "R":
        flavours = rng.some(_FRUIT_FLAVOURS, rng.pick((1, 1, 2)))
    else:
        flavours = [rng.weighted(_SWEET_FLAVOURS, _FLAVOUR_WEIGHTS) for _ in range(rng.pick((1, 1, 2)))]
    for ing in flavours:
        b.add(ing, "A")
    if dish.second:
        required = bool(dish.first_header)  # a crumble's topping, a cheesecake's base
        if required or rng.random() < 0.7:
            picks = dish.second if required else rng.some(dish.second, rng.between(1, len(dish.second)))
            for ing in picks:
                if b.room():
                    b.add(ing, "K" if dish.second_first and "g" in ing.flags else "T", second=True)
    b.lines.extend(rare)
    while len(b.lines) + len(b.second) < 5:
        b.lines.append(("1 pinch fine salt", "1 tsp vanilla extract", "1 tbsp milk")[len(b.lines) % 3])

    times = _times(rng, dish)
    ctx = {
        "fat": b.role("F"),
        "sugar": b.role("U"),
        "eggs": b.role("E"),
        "wet": b.role("W"),
        "dry": b.role("D"),
        "melt": b.role("M"),
        "flavour": b.role("A"),
        "topping": b.role("T"),
        "base": b.role("K"),
        "extra": b.role("X"),
        "temp": dish.oven,
        "tin": rng.pick(("a 900 g loaf tin", "a 20 cm round cake tin", "a 20 x 30 cm traybake tin")),
        "m_long": _long_minutes(times[1]),
    }
    flavour_titles = list(dict.fromkeys(f.title for f in flavours))
    first = flavour_titles[0]
    if classic is not None:
        title = _classic_title(rng, classic.title, ("easy", "classic", "Nana's", "best-ever", "foolproof"))
    elif len(flavour_titles) > 1:
        title = f"{first} and {flavour_titles[1]} {noun}"
    elif first in ("lemon", "orange") and noun in ("cake", "loaf cake") and rng.random() < 0.5:
        title = f"{first} drizzle {noun}"
    elif rng.random() < 0.35:
        title = f"{rng.pick(_SWEET_ADJECTIVES)} {first} {noun}"
    else:
        title = f"{first} {noun}"
    tags = _common_tags(dish, cuisine.tag, b.flags, times)
    return _Draft(
        title, noun, first, flavours[0].step, b.sections(dish, noun), _instructions(rng, dish, ctx), times, tags
    )


_DESCRIPTIONS = (
    "{Mood} {noun} with {main_step}, just right for {when}.",
    "Our go-to {noun} for {when}: {mood} and {mood2}.",
    "The kind of recipe that makes the whole kitchen smell wonderful.",
    "Inspired by {place}: {mood}, {mood2} and full of flavour.",
    "{Mood} and {mood2}, and on the table in about {total} minutes.",  # last: only with a total time
)
_DESCRIPTION_ENDINGS = (
    "Easy to double, and the leftovers make a great lunch.",
    "Everyone asks for the recipe.",
    "It is forgiving, so use what you have.",
    "Best made a day ahead.",
)
_SAVOURY_NOTES = (
    "Keeps for {days} days in the fridge.",
    "Freezes well for up to {months} months; thaw overnight in the fridge.",
    "Swap the {main} for {alternative} if you like.",
    "For more heat, add an extra pinch of chilli.",
    "Can be made a day ahead and reheated.",
    "Made this {times} times now; a family favourite.",
    "Leftovers make a great packed lunch.",
    "Doubled the garlic last time, even better.",
    "Halve the recipe for two.",
    "Next time: less salt.",
)
_SWEET_NOTES = (
    "Keeps for {days} days in an airtight tin.",
    "Swap the {main_step} for {alternative} if you like.",
    "Use gluten-free flour if you need to; it works well.",
    "Lovely warm with a scoop of vanilla ice cream.",
    "The kids love helping with this one.",
    "I use a little less sugar.",
    "Made this {times} times now; a family favourite.",
)


def _description(rng: _Dice, cuisine: _Cuisine, draft: _Draft, total: int | None) -> str:
    if rng.random() < 0.1:
        return ""
    mood, mood2 = rng.some(_MOODS, 2)
    values = {
        "Mood": _sentence(mood),
        "mood": mood,
        "mood2": mood2,
        "noun": draft.noun,
        "main_step": draft.main_step,
        "when": rng.pick(_WHEN),
        "place": rng.pick(cuisine.places),
        "total": str(total),
    }
    text = rng.pick(_DESCRIPTIONS if total else _DESCRIPTIONS[:-1]).format_map(values)
    if rng.random() < 0.3:
        text += " " + rng.pick(_DESCRIPTION_ENDINGS)
    return text


def _notes(rng: _Dice, draft: _Draft, sweet: bool) -> str:
    if rng.random() >= 0.45:
        return ""
    alternatives = [a for a in (_SWEET_ALTERNATIVES if sweet else _ALTERNATIVES) if draft.main not in a]
    values = {
        "days": str(rng.between(2, 4)),
        "months": str(rng.between(2, 3)),
        "times": str(rng.between(2, 9)),
        "main": draft.main,
        "main_step": draft.main_step,
        "alternative": rng.pick(alternatives),
    }
    chosen = rng.some(_SWEET_NOTES if sweet else _SAVOURY_NOTES, rng.pick((1, 1, 2)))
    return " ".join(note.format_map(values) for note in chosen)


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def _slug(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title.replace("œ", "oe")).encode("ascii", "ignore").decode()
    return _SLUG_DROP.sub("-", folded.lower()).strip("-")


def _recipe(rng: _Dice, index: int) -> RecipeData:
    rare = [rng.pick(_RARE_LINES[term]) for term, (period, offset) in RARE_TERMS.items() if index % period == offset]
    roll = rng.random()
    classic = None
    if roll < 0.07:
        classic = rng.pick(_SAVOURY_CLASSICS)
    elif roll < 0.1:
        classic = rng.pick(_SWEET_CLASSICS)
    if classic is not None:
        cuisine = _CUISINE_BY_KEY[classic.cuisine]
        sweet = classic.dish in _SWEET_DISHES
        dish = _SWEET_DISHES[classic.dish] if sweet else _SAVOURY_DISHES[classic.dish]
    elif roll < 0.72:
        sweet = False
        cuisine = rng.weighted(_CUISINES, _CUISINE_WEIGHTS)
        dish = _SAVOURY_DISHES[rng.pick(cuisine.dishes)]
    else:
        sweet = True
        cuisine = _CUISINES[0]
        dish = rng.pick(_SWEET_DISH_LIST)
    draft = (_sweet if sweet else _savoury)(rng, cuisine, dish, classic, rare)
    prep, cook, total = draft.times
    title = _sentence(draft.title)
    meal = rng.pick(dish.meals)
    others = [t for t in dict.fromkeys([*draft.tags, *rng.some(_EXTRA_TAGS, rng.pick((0, 1, 1, 2)))]) if t]
    others = [t for t in others if t != meal]
    rng.shuffle(others)
    tags = [meal, *others[: rng.pick((0, 1, 1, 2, 2, 2, 3, 3, 4))]]
    shown_total = total if total is not None else (prep + cook if prep and cook else None)
    return RecipeData(
        title=title,
        description=_description(rng, cuisine, draft, shown_total),
        ingredients=draft.ingredients,
        instructions=draft.instructions,
        servings=rng.pick(dish.servings),
        prep_time=prep,
        cook_time=cook,
        total_time=total,
        source_url=f"https://example.org/recipes/{_slug(title)}-{index + 1}" if rng.random() < 0.35 else "",
        notes=_notes(rng, draft, sweet),
        tags=tags,
        visibility=_visibility(rng.random()),
    )


def _visibility(dice: float) -> str:
    """Three in ten public, three in ten for the household, the rest private (one roll of
    the dice, as when there was only public or private: the same seed, the same recipes)."""
    if dice < 0.3:
        return PUBLIC
    return HOUSEHOLD if dice < 0.6 else PRIVATE


def generate(count: int, seed: int = 0) -> Iterator[RecipeData]:
    """Yield `count` recipes; the same (count, seed) always gives the same recipes, and a smaller
    count the first ones of a larger."""
    if count < 0:
        raise ValueError("count must not be negative")
    rng = _Dice(seed)
    for index in range(count):
        yield _recipe(rng, index)
