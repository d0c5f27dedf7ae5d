"""How long showing a recipe's ingredients (and steps) at a scale and in a unit system takes.

    python scripts/bench_ingredient_display.py [--rounds N]

Prints CPU microseconds per recipe (15 ingredient lines, 6 steps) for each way a page can ask, and what
pint costs a fresh process (import and registry: milliseconds and MiB of PSS). The issue's target: a
recipe page at ?servings=8&units=metric costs at most 1.2x the plain page, so this must stay far
below a millisecond.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.display import _present_cached, present
from recipes.ingredients.steps import _scale_steps_cached, scale_steps
from recipes.ingredients.units import warm

D = IngredientDetail
RECIPE = [
    D("For the dough:", section=True),
    D("2 ½ cups all-purpose flour", quantity=2.5, unit="cup", unit_text="cups", food="all-purpose flour"),
    D("1 Tbsp. sugar", quantity=1, unit="tablespoon", unit_text="Tbsp.", food="sugar"),
    D("2 ¼ tsp instant yeast", quantity=2.25, unit="teaspoon", unit_text="tsp", food="instant yeast"),
    D("1 tsp salt", quantity=1, unit="teaspoon", unit_text="tsp", food="salt"),
    D("1 cup (240 ml) warm water", quantity=1, unit="cup", unit_text="cup", alt_quantity=240, alt_unit="millilitre"),
    D("3 tablespoons olive oil", quantity=3, unit="tablespoon", unit_text="tablespoons", food="olive oil"),
    D("For the topping:", section=True),
    D("1 (28-ounce) can tomatoes", quantity=1, unit="can", unit_text="can", size="28-ounce", food="tomatoes"),
    D("2-3 cloves garlic, minced", quantity=2, quantity_max=3, unit="clove", food="garlic", note="minced"),
    D("1 large onion, diced", quantity=1, size="large", food="onion", note="diced"),
    D("8 oz mozzarella, grated", quantity=8, unit="ounce", unit_text="oz", food="mozzarella", note="grated"),
    D("150g/5oz butter", quantity=150, unit="gram", unit_text="g", alt_quantity=5, alt_unit="ounce", food="butter"),
    D("1 lb sausage", quantity=1, unit="pound", unit_text="lb", food="sausage"),
    D("salt and pepper to taste", food="salt and pepper", note="to taste"),
]
STEPS = [
    "Preheat the oven to 475°F.",
    "Mix 2 ½ cups flour with the sugar, 2 ¼ tsp yeast and 1 tsp salt.",
    "Add 1 cup warm water and 3 tablespoons olive oil; knead for 10 minutes.",
    "Let rise for 1 hour, then roll out to a 12-inch round.",
    "Top with the tomatoes, garlic, onion, 8 oz mozzarella and the sausage.",
    "Bake for 12 to 15 minutes, until golden.",
]


def _per_recipe(rounds: int, factor: float, system: str, with_steps: bool, cached: bool) -> float:
    elapsed = 0.0
    for _ in range(rounds):
        if not cached:  # a recipe this worker has not shown at this scale yet
            _present_cached.cache_clear()
            _scale_steps_cached.cache_clear()
        start = time.process_time()
        present(RECIPE, factor, system)
        if with_steps:
            scale_steps(STEPS, RECIPE, factor, system)
        elapsed += time.process_time() - start
    return elapsed / rounds * 1e6


PINT_COST = """
import time
def pss():
    for line in open('/proc/self/smaps_rollup'):
        if line.startswith('Pss:'):
            return int(line.split()[1]) / 1024
import recipes.ingredients.units as units
before, start = pss(), time.process_time()
import pint
imported = time.process_time()
units.warm()
done = time.process_time()
print(f"{(imported - start) * 1000:.0f} {(done - imported) * 1000:.0f} {pss() - before:.1f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    rounds = parser.parse_args().rounds
    warm()
    present(RECIPE, 2, "metric")  # fill the caches a warm worker has
    print(f"{len(RECIPE)} ingredient lines, {len(STEPS)} steps, {rounds} rounds")
    print("                first view: ingredients, with steps     seen before: with steps")
    for factor, system in ((1, "original"), (2, "original"), (2, "metric"), (2, "us"), (1, "metric")):
        ingredients = _per_recipe(rounds, factor, system, with_steps=False, cached=False)
        both = _per_recipe(rounds, factor, system, with_steps=True, cached=False)
        again = _per_recipe(rounds, factor, system, with_steps=True, cached=True)
        print(f"  x{factor} {system:<8}  {ingredients:7.1f} µs {both:7.1f} µs/recipe           {again:6.1f} µs/recipe")
    costs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", PINT_COST], capture_output=True, text=True, check=True)
        costs.append([float(x) for x in out.stdout.split()])
    imported, registry, mib = (sorted(column)[1] for column in zip(*costs, strict=True))
    print(
        f"pint in a fresh process (median of 3): import {imported:.0f} ms, registry {registry:.0f} ms,"
        f" +{mib:.1f} MiB PSS"
    )


if __name__ == "__main__":
    main()
