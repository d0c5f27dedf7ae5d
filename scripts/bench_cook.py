"""What a cook mode page costs the server, beside the recipe list and the recipe page.

    python scripts/bench_cook.py [--rounds 7] [--requests 200] [--recipes 500]

In one process, on a fresh SQLite database: an account with `--recipes` demo recipes (the list page
shows 24 cards) and a recipe of 12 ingredient lines and 8 steps with 8 timers. Each page is asked
`--requests` times a round through Flask's test client, signed in; the pages take turns, round after
round, and the median CPU time per request (time.process_time: this process only, the database
included, as SQLite runs inside it) is printed for each. The issues' bar (18, 20): cook mode costs
no more CPU per request than the recipe list. Cook mode, as the list, is kept ready once made
(recipes/kept_pages.py): asked again, it answers from what was kept. "made" asks with nothing kept
(what the first visit after a change costs); "first look" also reads the recipe's steps again,
which are otherwise kept for the next request (cooking/services.py).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recipes import create_app, kept_pages
from recipes.auth.services import create_user
from recipes.cooking import services as cooking
from recipes.schema import upgrade

INGREDIENTS = [
    "For the dough:",
    "2 ½ cups all-purpose flour",
    "1 Tbsp. sugar",
    "2 ¼ tsp instant yeast",
    "1 tsp salt",
    "1 cup (240 ml) warm water",
    "3 tablespoons olive oil",
    "For the topping:",
    "1 (28-ounce) can tomatoes",
    "2-3 cloves garlic, minced",
    "1 large onion, diced",
    "8 oz mozzarella, grated",
]
STEPS = [
    "Mix the flour with the sugar, the yeast and the salt.",
    "Add the warm water and the olive oil; knead for 10 minutes, until smooth.",
    "Cover and let rise for 1 hour 15 minutes, or until doubled.",
    "Preheat the oven to 475°F for at least 30 minutes.",
    "Fry the onion in a little oil for 5-7 minutes, then add the garlic and cook 30 seconds.",
    "Add the tomatoes and simmer 15 to 20 minutes, until thick.",
    "Roll the dough out to a 12-inch round and top with the sauce and the mozzarella.",
    "Bake for 12 to 15 minutes, until golden; rest 5 minutes before cutting.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--recipes", type=int, default=500)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as config_dir:
        app = create_app(
            {
                "RECIPES_CONFIG_DIR": config_dir,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{config_dir}/recipes.db",
                "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                "WTF_CSRF_ENABLED": False,
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_COST": 8,
                "ARGON2_PARALLELISM": 1,
            }
        )
        with app.app_context():
            upgrade()
            create_user("cook", "correct horse battery", admin=True)
        done = app.test_cli_runner().invoke(args=["demo-data", "--user", "cook", "--recipes", str(args.recipes)])
        assert done.exit_code == 0, done.output
        client = app.test_client()
        answer = client.post("/auth/login", data={"username": "cook", "password": "correct horse battery"})
        assert answer.status_code == 302, answer.text
        made = client.post(
            "/recipes/new",
            data={
                "title": "Pizza for a crowd",
                "servings": "Serves 4",
                "ingredients": "\n".join(INGREDIENTS),
                "instructions": "\n".join(STEPS),
                "visibility": "private",
            },
        )
        assert made.status_code == 302, made.text
        recipe = made.headers["Location"]
        pages = {
            "recipe list (24 cards)": "/recipes/",
            "recipe page": recipe,
            "cook mode, step 3": f"{recipe}/cook?step=3",
            "cook mode, 8 servings, metric": f"{recipe}/cook?step=3&servings=8&units=metric",
            "recipe page, 8 servings, metric": f"{recipe}?servings=8&units=metric",
            "cook mode, step 3, made": f"{recipe}/cook?step=3&made",
            "cook mode, step 3, first look": f"{recipe}/cook?step=3&first",
        }
        page = client.get(pages["cook mode, step 3"]).text
        assert page.count("data-timer-seconds") == 8, page.count("data-timer-seconds")
        for url in pages.values():  # warm: templates compiled, caches filled
            for _ in range(20):
                assert client.get(url).status_code == 200, url
        # What the warm-up made lives as long as the app: out of the collector's reach, as the
        # server's master leaves it (recipes/preload.py), so no round pays for a full collection.
        gc.collect()
        gc.freeze()
        times: dict[str, list[float]] = {name: [] for name in pages}
        # The pages answered from what was kept take turns among themselves, and the ones made
        # anew among themselves: a "made" round empties every kept page, and the round after it
        # would otherwise pay for making its page again.
        made_anew = {name: url for name, url in pages.items() if url.endswith(("&made", "&first"))}
        kept = {name: url for name, url in pages.items() if name not in made_anew}
        for rotation in (kept, made_anew):
            for _ in range(args.rounds):
                for name, url in rotation.items():
                    start = time.process_time()
                    for _ in range(args.requests):
                        if url.endswith(("&made", "&first")):  # as if it had not been asked for since a change
                            kept_pages.clear_all(app)
                        if url.endswith("&first"):  # as if no step of it had been shown yet
                            cooking._steps.cache_clear()
                        client.get(url)
                    times[name].append((time.process_time() - start) / args.requests * 1000)
        print(f"CPU per request, median of {args.rounds} rounds of {args.requests} (ms):")
        for name, values in times.items():
            print(f"  {name:34} {statistics.median(values):6.2f}   (rounds {min(values):.2f}-{max(values):.2f})")


if __name__ == "__main__":
    main()
