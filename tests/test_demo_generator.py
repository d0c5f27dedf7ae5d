"""The demo-data generator: repeatable, valid, varied, and with the word frequencies it promises.

The benchmark and the search tests pick their search terms from the generator's documented
common, rare and absent words, so those promises are checked here.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import astuple
from functools import cache

import pytest

from recipes.cookbook.recipe_text import is_section_header, normalize_tag
from recipes.cookbook.services import RecipeData
from recipes.demo import ABSENT_TERMS, COMMON_TERMS, RARE_TERMS, generate

WORD = re.compile(r"[^\W_]+")
SAMPLE = 2_000
LARGE = 10_000


def text_of(recipe: RecipeData) -> str:
    """Every searchable field, as one lower-cased text."""
    parts = [recipe.title, recipe.description, *recipe.ingredients, *recipe.instructions, recipe.notes, *recipe.tags]
    return "\n".join(parts).lower()


@cache
def sample(count: int = SAMPLE, seed: int = 0) -> tuple[RecipeData, ...]:
    return tuple(generate(count, seed))


@cache
def word_sets(count: int, seed: int = 0) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(WORD.findall(text_of(r))) for r in sample(count, seed))


def recipes_with(word: str, count: int, seed: int = 0) -> int:
    return sum(word in words for words in word_sets(count, seed))


def expected_rare(count: int, period: int, offset: int) -> int:
    return count // period + (1 if count % period > offset else 0)


# --- repeatable ---------------------------------------------------------------------------------


def test_same_seed_gives_the_same_recipes() -> None:
    assert list(generate(300, seed=5)) == list(generate(300, seed=5))


def test_other_seeds_give_other_recipes() -> None:
    first = [astuple(r) for r in generate(50, seed=1)]
    second = [astuple(r) for r in generate(50, seed=2)]
    assert sum(a != b for a, b in zip(first, second, strict=True)) >= 45


def test_a_smaller_count_is_a_prefix_of_a_larger_one() -> None:
    assert list(generate(40, seed=3)) == list(generate(400, seed=3))[:40]


def test_default_seed_is_zero() -> None:
    assert list(generate(20)) == list(generate(20, seed=0))


# --- count --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 7, 250])
def test_count_is_respected(count: int) -> None:
    recipes = list(generate(count))
    assert len(recipes) == count
    assert all(isinstance(r, RecipeData) for r in recipes)


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        list(generate(-1))


def test_it_is_lazy() -> None:
    """A generator, so `demo-data` can insert in batches without holding 50,000 recipes."""
    recipes = generate(10**9)
    assert next(recipes).title


# --- every recipe is valid ----------------------------------------------------------------------


def problems_with(recipe: RecipeData) -> list[str]:
    """What is wrong with one recipe (nothing, for a valid one)."""
    problems = []

    def check(condition: object, what: str) -> None:
        if not condition:
            problems.append(what)

    check(recipe.title == recipe.title.strip() and 0 < len(recipe.title) <= 200, "title length")
    check(not recipe.title[:1].islower(), "title starts with a capital")
    check(recipe.ingredients and all(line and line == line.strip() for line in recipe.ingredients), "ingredients")
    real = [line for line in recipe.ingredients if not is_section_header(line)]
    check(5 <= len(real) <= 15, f"{len(real)} ingredients")
    # A section header is followed by its ingredients, never by another header or the end.
    for line, following in zip(recipe.ingredients, [*recipe.ingredients[1:], ""], strict=True):
        if is_section_header(line):
            check(following and not is_section_header(following), f"empty section {line!r}")
    check(3 <= len(recipe.instructions) <= 10, f"{len(recipe.instructions)} steps")
    for step in recipe.instructions:
        check(step and step == step.strip() and step[0].isupper(), f"step {step!r}")
        check(not any(mark in step for mark in ("{", "}", "[", "]", "  ")), f"template left in {step!r}")
    for minutes in (recipe.prep_time, recipe.cook_time, recipe.total_time):
        check(minutes is None or 0 <= minutes <= 100_000, f"time {minutes}")
    check(recipe.prep_time is None or 5 <= recipe.prep_time <= 60, "prep time")
    check(recipe.cook_time is None or 0 <= recipe.cook_time <= 240, "cook time")
    if recipe.total_time is not None:
        at_least = (recipe.prep_time or 0) + (recipe.cook_time or 0)
        check(recipe.prep_time is not None and recipe.total_time >= at_least, "total time")
    check(recipe.servings.strip(), "servings")
    check(1 <= len(recipe.tags) <= 5 and len(set(recipe.tags)) == len(recipe.tags), f"tags {recipe.tags}")
    check(all(tag and tag == normalize_tag(tag) for tag in recipe.tags), f"tags lower-case {recipe.tags}")
    check(isinstance(recipe.is_public, bool), "is_public")
    url_ok = re.fullmatch(r"https://example\.org/recipes/[a-z0-9-]+", recipe.source_url)
    check(recipe.source_url == "" or url_ok, f"source {recipe.source_url!r}")
    for text in (recipe.title, recipe.description, recipe.notes, recipe.servings, *recipe.ingredients):
        check(all(ch.isprintable() for ch in text), f"unprintable {text!r}")
    return problems


def test_every_recipe_is_valid() -> None:
    invalid = {f"{i} {r.title}": p for i, r in enumerate(sample(LARGE)) if (p := problems_with(r))}
    assert not invalid


def test_the_validity_check_catches_problems() -> None:
    bad = RecipeData(title=" x" * 150, ingredients=["For the sauce:"], instructions=["do {it}"], tags=["Dinner"])
    assert len(problems_with(bad)) >= 5


def test_source_urls_are_unique() -> None:
    urls = [r.source_url for r in sample() if r.source_url]
    assert len(urls) == len(set(urls))


# --- variety ------------------------------------------------------------------------------------


def test_titles_vary() -> None:
    titles = Counter(r.title for r in sample())
    assert len(titles) >= SAMPLE // 2
    assert titles.most_common(1)[0][1] <= 15  # even the classics ("Coq au vin") stay rare


def test_cuisines_meals_and_diets_are_all_there() -> None:
    tags = Counter(tag for r in sample() for tag in r.tags)
    for tag in ("dinner", "lunch", "breakfast", "dessert", "baking", "soup", "salad", "quick", "vegetarian", "vegan"):
        assert tags[tag] >= 20, tag
    for cuisine in ("italian", "mexican", "indian", "thai", "french", "german", "japanese", "greek"):
        assert tags[cuisine] >= 10, cuisine
    assert tags["gluten-free"] >= 100


def test_shares_of_optional_parts() -> None:
    recipes = sample()

    def share(found: int) -> float:
        return found / len(recipes)

    assert 0.25 <= share(sum(r.is_public for r in recipes)) <= 0.35
    assert 0.1 <= share(sum(any(map(is_section_header, r.ingredients)) for r in recipes)) <= 0.4
    assert 0.25 <= share(sum(bool(r.source_url) for r in recipes)) <= 0.45
    assert 0.3 <= share(sum(bool(r.notes) for r in recipes)) <= 0.6
    assert 0.8 <= share(sum(bool(r.description) for r in recipes)) <= 0.95
    assert 0.15 <= share(sum(r.total_time is not None for r in recipes)) <= 0.4
    assert 0.01 <= share(sum(r.prep_time is None for r in recipes)) <= 0.1


def test_ingredient_lines_have_quantities() -> None:
    lines = [line for r in sample() for line in r.ingredients if not is_section_header(line)]
    with_number = [line for line in lines if re.match(r"[0-9½¼¾]", line)]
    assert len(with_number) >= 0.7 * len(lines)
    units = Counter(m.group(1) for line in lines if (m := re.match(r"[0-9½¼¾.]+ (g|ml|tbsp|tsp|kg|pinch)\b", line)))
    assert set(units) >= {"g", "ml", "tbsp", "tsp", "kg", "pinch"}


def test_steps_use_the_recipes_own_ingredients() -> None:
    for recipe in sample()[:300]:
        steps = " ".join(recipe.instructions).lower()
        ingredients = " ".join(recipe.ingredients).lower()
        named = [w for w in WORD.findall(steps) if len(w) >= 5 and w in ingredients]
        assert named, recipe.title


def test_accented_words_appear() -> None:
    words = Counter(w for ws in word_sets(LARGE) for w in ws)
    for word in ("crème", "jalapeño", "crêpes", "käsespätzle", "gruyère"):
        assert words[word] >= 5, word


# --- the documented frequencies -----------------------------------------------------------------


@pytest.mark.parametrize(("word", "share"), sorted(COMMON_TERMS.items()))
def test_common_terms_have_the_documented_share(word: str, share: float) -> None:
    found = recipes_with(word, LARGE)
    assert share * 0.8 <= found / LARGE <= share * 1.2, found
    assert found >= 1000  # "thousands" at 50,000 recipes


@pytest.mark.parametrize(("count", "seed"), [(LARGE, 0), (3_000, 7)])
@pytest.mark.parametrize("word", sorted(RARE_TERMS))
def test_rare_terms_appear_exactly_where_documented(word: str, count: int, seed: int) -> None:
    period, offset = RARE_TERMS[word]
    having = [i for i, words in enumerate(word_sets(count, seed)) if word in words]
    assert having == [i for i in range(count) if i % period == offset]
    assert len(having) == expected_rare(count, period, offset)


def test_rare_terms_at_fifty_thousand() -> None:
    counts = {word: expected_rare(50_000, *place) for word, place in RARE_TERMS.items()}
    assert counts == {"quince": 10, "sumac": 10, "kohlrabi": 20, "yuzu": 5}


@pytest.mark.parametrize("word", ABSENT_TERMS)
def test_absent_terms_never_appear_even_as_a_prefix(word: str) -> None:
    for words in word_sets(LARGE):
        assert not any(w.startswith(word[:4]) for w in words)


def test_prefix_and_two_word_queries_have_hits() -> None:
    sets = word_sets(LARGE)
    prefixed = sum(any(w.startswith("tom") for w in words) for words in sets)
    assert 0.15 * LARGE <= prefixed <= 0.35 * LARGE
    both = sum("chicken" in words and "garlic" in words for words in sets)
    assert 0.1 * LARGE <= both <= 0.25 * LARGE
    assert 0.04 * LARGE <= recipes_with("nuts", LARGE) <= 0.12 * LARGE


# --- fast enough --------------------------------------------------------------------------------


def test_fast_enough_for_fifty_thousand() -> None:
    """50,000 recipes must take well under 10 s of CPU: 5,000 get a tenth of that, with room to spare."""
    started = time.process_time()
    for _ in generate(5_000, seed=11):
        pass
    assert time.process_time() - started < 1.0
