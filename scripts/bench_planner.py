"""What the planner's week page, a shopping list and the household page cost, next to the recipe
list page (issue 18's bar: a week of ~28 entries costs no more CPU than the list; issue 20's: each
of them, kept ready as the list is, no more than the list either).

    python scripts/bench_planner.py [--rounds N] [--database-url URL]

Makes a throwaway SQLite database (or uses an empty PostgreSQL one), an account with 60 recipes
and a week planned with 28 entries (a recipe or a note in each meal of each day, some recipes of
a household member, one private), a calendar feed, a shopping list of 200 rows (recipes added,
rows by hand, a fifth checked off) and a live invite; then asks for each page N times in-process
(Flask's test client, no network) and prints the CPU milliseconds per request (median of 7
batches), and the feed's and the list's unchanged poll (a 304, issue 18's bar: 1 ms) too. The
pages kept ready (recipes/kept_pages.py) answer from what they kept; "made" asks for the same
page with nothing kept (what the first visit after a change costs).
"""

from __future__ import annotations

import argparse
import gc
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from recipes import create_app, kept_pages
from recipes.auth.services import create_user
from recipes.cookbook.services import RecipeData, create_recipe
from recipes.extensions import db
from recipes.households import invites
from recipes.models import Recipe, User
from recipes.planner import feeds, services
from recipes.schema import upgrade
from recipes.shopping import services as shopping

MEALS = ("breakfast", "lunch", "dinner", "snack")
BATCHES = 7
SHOWN_ROWS = re.compile(r'<li class="item[ "]')


def build(app: object, *, recipes: int = 60, items: int = 200) -> tuple[str, int]:
    """The account, its recipes, a planned week, a shopping list, an invite; the feed's path and
    the list's id."""
    with app.app_context():  # type: ignore[attr-defined]
        upgrade()
        alice = create_user("alice", "correct horse", admin=True)
        bob = create_user("bob", "battery staple")
        bob.household_id = alice.household_id
        db.session.commit()
        ids = []
        for n in range(recipes):
            owner = bob if n % 5 == 0 else alice
            data = RecipeData(
                title=f"Recipe {n} with a longer title",
                ingredients=["2 onions", "400 g tomatoes", "1 tbsp oil"],
                instructions=["Chop.", "Simmer."],
                servings="4",
                tags=["dinner", f"tag{n % 7}"],
                visibility="private" if n == 6 else "household",
            )
            ids.append(create_recipe(owner, data).id)
        user = db.session.scalar(db.select(User).where(User.username == "alice"))
        assert user is not None
        start = services.week_start_of(date.today(), "monday")
        for offset in range(7):
            for number, meal in enumerate(MEALS):
                day = start + timedelta(days=offset)
                if number == 3 and offset % 2:
                    services.add_entry(user, services.EntryData(day=day, meal=meal, title="Leftovers"))
                else:
                    recipe = ids[(offset * 4 + number) % len(ids)]
                    services.add_entry(user, services.EntryData(day=day, meal=meal, recipe_id=recipe, servings=3))
        _, secret = feeds.create_feed(user)
        invites.create_invite(user, 7, single_use=False)
        groceries = shopping.create_list(user, "Groceries")
        picked = db.session.scalars(db.select(Recipe).where(Recipe.id.in_(ids[:20]))).all()
        shopping.add_recipes(user, groceries.id, [(recipe, 4.0) for recipe in picked])
        count = len(shopping.contents(groceries).items)
        for n in range(items - count):  # a food of its own each: "2 packs of brandab biscuits"
            brand = f"brand{chr(97 + n // 26 % 26)}{chr(97 + n % 26)}"
            shopping.add_item(user, groceries.id, f"2 packs of {brand} biscuits")
        rows = shopping.contents(groceries).items
        for row in rows[::5]:
            shopping.update_item(user, groceries.id, row.id, checked=True)
        return f"/plan/{secret}.ics", groceries.id


def cpu_ms(pages: dict[str, Callable[[], object]], rounds: int, batches: int = 5) -> dict[str, float]:
    """Each page's CPU milliseconds per request: the median of `batches` batches of `rounds`
    requests, the pages taking turns batch after batch (so a busier moment of the machine weighs
    on all of them alike)."""
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(batches):
        for name, call in pages.items():
            start = time.process_time()
            for _ in range(rounds):
                call()
            times[name].append((time.process_time() - start) / rounds * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as config_dir:
        url = args.database_url or f"sqlite:///{config_dir}/bench.db"
        app = create_app(
            {
                "RECIPES_CONFIG_DIR": config_dir,
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_COST": 8,
                "ARGON2_PARALLELISM": 1,
                "WTF_CSRF_ENABLED": False,  # the login form, posted by this script
            }
        )
        feed, list_id = build(app)
        client = app.test_client()
        assert client.post("/auth/login", data={"username": "alice", "password": "correct horse"}).status_code == 302
        anonymous = app.test_client()
        state = client.get(f"/lists/{list_id}/state")
        etag = {"If-None-Match": state.headers["ETag"]}

        def made(path: str) -> Callable[[], object]:
            def call() -> object:
                kept_pages.clear_all(app)
                return client.get(path)

            return call

        pages = {
            "recipe list (/recipes/, 24 cards)": lambda: client.get("/recipes/"),
            "week (/plan, 28 entries)": lambda: client.get("/plan"),
            "week, made": made("/plan"),
            "add page (/plan/add?q=onion)": lambda: client.get("/plan/add?q=onion"),
            "API week (/api/v1/plan)": lambda: client.get("/api/v1/plan"),
            "calendar feed (.ics)": lambda: anonymous.get(feed),
            f"shopping list (/lists/{list_id}, {len(SHOWN_ROWS.findall(client.get(f'/lists/{list_id}').text))} rows)": (
                lambda: client.get(f"/lists/{list_id}")
            ),
            "shopping list, made": made(f"/lists/{list_id}"),
            "list poll, unchanged (304)": lambda: client.get(f"/lists/{list_id}/state", headers=etag),
            "household (/household)": lambda: client.get("/household"),
            "household, made": made("/household"),
        }
        for name, call in pages.items():
            response = call()
            expected = 304 if "304" in name else 200
            assert getattr(response, "status_code", 0) == expected, name
            for _ in range(10):  # warm: templates compiled, statements cached
                call()
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
        # What the warm-up made lives as long as the app: out of the collector's reach, as the
        # server's master leaves it (recipes/preload.py), so no batch pays for a full collection.
        gc.collect()
        gc.freeze()
        # The pages answered from what was kept take turns among themselves, and the ones made
        # anew among themselves: a "made" batch empties every kept page, and the batch after it
        # would otherwise pay for making its page again (a list page made is 10x one kept).
        kept = {name: call for name, call in pages.items() if not name.endswith(", made")}
        times = cpu_ms(kept, args.rounds, BATCHES)
        times.update(cpu_ms({name: pages[name] for name in pages if name not in kept}, args.rounds, BATCHES))
        print(f"CPU per request, median of {BATCHES} batches of {args.rounds}, taking turns ({backend}):")
        for name in pages:
            print(f"  {name:40s} {times[name]:6.2f} ms")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
