"""The timers of cook mode, read from a step's words (recipes/cooking/timers.py), and the names
they go by (recipes/cooking/steps.py). The real steps are sentences of the recipe pages in
/work/shared/corpus/recipe-pages (their expected extractions), each with the site it is from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recipes.cooking.steps import StepPart, step_parts, timer_name
from recipes.cooking.timers import MAX_SECONDS, MAX_TEXT, Timer, find_timers, format_duration

Found = list[tuple[str, int, int | None]]


def found(text: str) -> Found:
    """(the words, seconds, a range's high end) of every timer in `text`."""
    return [(text[t.start : t.end], t.seconds, t.max_seconds) for t in find_timers(text)]


# The cases the issue names, and their neighbours.
NAMED: list[tuple[str, Found]] = [
    ("bake for 25 minutes", [("25 minutes", 1500, None)]),
    ("10-12 min", [("10-12 min", 600, 720)]),
    ("10 to 12 minutes", [("10 to 12 minutes", 600, 720)]),
    ("10–12 minutes", [("10–12 minutes", 600, 720)]),
    ("10 - 12 mins.", [("10 - 12 mins", 600, 720)]),
    ("1 hour 15 minutes", [("1 hour 15 minutes", 4500, None)]),
    ("1 hour and 15 minutes", [("1 hour and 15 minutes", 4500, None)]),
    ("1 hr 15 min", [("1 hr 15 min", 4500, None)]),
    ("1h30", [("1h30", 5400, None)]),
    ("2h", [("2h", 7200, None)]),
    ("1½ hours", [("1½ hours", 5400, None)]),
    ("1 ½ hours", [("1 ½ hours", 5400, None)]),
    ("1 1/2 hours", [("1 1/2 hours", 5400, None)]),
    ("1.5 hours", [("1.5 hours", 5400, None)]),
    ("1,5 hours", [("1,5 hours", 5400, None)]),
    ("½ hour", [("½ hour", 1800, None)]),
    ("half an hour", [("half an hour", 1800, None)]),
    ("a half hour", [("a half hour", 1800, None)]),
    ("an hour and a half", [("an hour and a half", 5400, None)]),
    ("one and a half hours", [("one and a half hours", 5400, None)]),
    ("90 secs", [("90 secs", 90, None)]),
    ("45 sec", [("45 sec", 45, None)]),
    ("2 hrs", [("2 hrs", 7200, None)]),
    ("10min", [("10min", 600, None)]),
    ("forty-five minutes", [("forty-five minutes", 2700, None)]),
    ("forty five minutes", [("forty five minutes", 2700, None)]),
    ("twelve minutes", [("twelve minutes", 720, None)]),
    ("two to three minutes", [("two to three minutes", 120, 180)]),
    ("5 or 6 minutes", [("5 or 6 minutes", 300, 360)]),
    ("an hour", [("an hour", 3600, None)]),
    ("a minute or two", [("a minute", 60, None)]),
    ("another minute", [("another minute", 60, None)]),
    ("an additional minute", [("an additional minute", 60, None)]),
    ("5 more minutes", [("5 more minutes", 300, None)]),
    ("a couple of minutes", [("a couple of minutes", 120, None)]),
    ("a 30-minute rest", [("30-minute", 1800, None)]),
    ("17 minutes 30 seconds", [("17 minutes 30 seconds", 1050, None)]),
    ("45 minutes to one hour", [("45 minutes to one hour", 2700, 3600)]),
    ("30 minutes to an hour", [("30 minutes to an hour", 1800, 3600)]),
    ("1 to 1½ hours", [("1 to 1½ hours", 3600, 5400)]),
    ("1 1/2 to 2 hours", [("1 1/2 to 2 hours", 5400, 7200)]),
    ("BAKE 1 HOUR", [("1 HOUR", 3600, None)]),
    ("Freeze for 24 hours.", [("24 hours", 86400, None)]),
    ("Cook 1 hour, then 20 minutes more.", [("1 hour", 3600, None), ("20 minutes", 1200, None)]),
    ("1 to an hour", [("an hour", 3600, None)]),  # no range to an article: the hour alone
    # Not timers.
    ("overnight", []),
    ("Let rise overnight.", []),
    ("350°F", []),
    ("Preheat the oven to 350°F (175°C).", []),
    ("Preheat the oven to 200C / 390F.", []),
    ("a 5-inch pan", []),
    ("Grease a 9x13 dish.", []),
    ("a 9 x 13 dish", []),
    ("a few minutes", []),
    ("several hours", []),
    ("for hours", []),
    ("every hour", []),
    ("every other minute", []),
    ("Add a second egg.", []),
    ("Repeat a second time.", []),
    ("0 minutes", []),
    ("Marinate for 3 days.", []),  # days: a plan, not a timer
    ("Chill 72 hours.", []),  # longer than MAX_SECONDS
    ("Add 2 eggs and 1 cup milk.", []),
    ("Step 2: stir.", []),
    ("Version 1.2.3 minutes", []),
]

# Real steps, from the corpus of recipe pages.
CORPUS: list[tuple[str, str, Found]] = [
    (
        "aflavorjournal.com",
        "Bake the bagel croutons at 350 F for 8-10 minutes until golden brown and crunchy.",
        [("8-10 minutes", 480, 600)],
    ),
    (
        "goldnplump.com",
        "Gradually whisk in broth until smooth; stir in Worcestershire and simmer about 3 minutes or until thick.",
        [("3 minutes", 180, None)],
    ),
    (
        "aberlehome.com",
        "Cinnamon-sugar topping: Allow muffins to cool in the pan for 10 minutes.",
        [("10 minutes", 600, None)],
    ),
    (
        "vegansociety.com",
        "When bubbles pop and the glossiness of the pancake becomes matte (about two minutes), flip over.",
        [("two minutes", 120, None)],
    ),
    (
        "homeandplate.com",
        "Place the baking dish in the oven and bake at 425° F for 20 minutes or until the breadcrumbs and feta "
        "cheese has turned a golden brown.",
        [("20 minutes", 1200, None)],
    ),
    (
        "tasteatlas.com",
        "Let the dough rest for 10-15 minutes and generously sprinkle your working surface with flour.",
        [("10-15 minutes", 600, 900)],
    ),
    (
        "theguardian.com",
        "When the oil is really hot, add the sliced leek and cook without stirring for five minutes, so that some "
        "strands blacken and caramelise.",
        [("five minutes", 300, None)],
    ),
    (
        "wellplated.com",
        "Stir in the garlic and cook until fragrant, about 30 seconds (do not let the garlic burn!",
        [("30 seconds", 30, None)],
    ),
    (
        "sundaysuppermovement.com",
        "Smoke the ribs for 4 hours, spritzing it every hour with apple cider vinegar to keep it moist.",
        [("4 hours", 14400, None)],
    ),
    (
        "thesaltymarshmallow.com",
        "Remove the pan from the heat and continue whisking gently for 5 more minutes then pour it over the pie "
        "crust and LET THE PIE SIT AT ROOM TEMPERATURE FOR 1 HOUR TO COOL BEFORE MOVING TO THE REFRIGERATOR.",
        [("5 more minutes", 300, None), ("1 HOUR", 3600, None)],
    ),
    (
        "garlicandzest.com",
        "Bake for 45-55 minutes or until a toothpick inserted into the center of the cake comes out clean.",
        [("45-55 minutes", 2700, 3300)],
    ),
    (
        "365daysofbakingandmore.com",
        "Cover the bowl with some plastic wrap and refrigerate for a minimum of an hour or up to two days.",
        [("an hour", 3600, None)],
    ),
    (
        "bigoven.com",
        "For the second rise, drizzle another ¼ cup olive oil on a 18x13 sheet pan (or two half size pans at 13x9).",
        [],
    ),
    (
        "cooking.nytimes.com",
        "Add the Cheddar, Asiago and butter, and pulse several times, then let the mixer run until the dough comes "
        "mostly together around the blade, 1 to 3 minutes.",
        [("1 to 3 minutes", 60, 180)],
    ),
    (
        "mollybaz.com",
        "Bake until dry to the touch on the outside, and they easily peel back from the parchment paper, 60 to 90 "
        "minutes, depending how big your meringues are and how marshmallow-y you like them.",
        [("60 to 90 minutes", 3600, 5400)],
    ),
    (
        "sugarspunrun.com",
        "Heat on your stovetop over medium/low heat, stirring frequently, until mixture boils and reaches a "
        "temperature between 236-240F (113-116C) (softball stage, this usually takes 5-10 minutes).",
        [("5-10 minutes", 300, 600)],
    ),
    (
        "ahealthysliceoflife.com",
        "Reduce to a simmer and let cook for 45 minutes to one hour, until the barley is soft and ready to eat.",
        [("45 minutes to one hour", 2700, 3600)],
    ),
    (
        "mykidslickthebowl.com",
        "If the pasta is not quite tender when you remove the lid, pop the lid back on and cook for a further "
        "couple of minutes.",
        [],
    ),
    (
        "platingsandpairings.com",
        "Cook for 1 hour, up to four hours.",
        [("1 hour", 3600, None), ("four hours", 14400, None)],
    ),
    (
        "garnishandglaze.com",
        "Cover the bowl with a lid or towel and let rise for 1 1/2 to 2 hours or until double in bulk.",
        [("1 1/2 to 2 hours", 5400, 7200)],
    ),
    (
        "errenskitchen.com",
        "Place in a greased bowl, cover, and let rise for 1 to 1½ hours, or until doubled in size.",
        [("1 to 1½ hours", 3600, 5400)],
    ),
    (
        "kennethtemple.com",
        "Evenly pour batter between 2 greased 9-inch cake pans and bake for 35 minutes, rotating the pans halfway "
        "at 17 minutes 30 seconds.",
        [("35 minutes", 2100, None), ("17 minutes 30 seconds", 1050, None)],
    ),
    (
        "blogghetti.com",
        "Melt the candy melts: In separate microwave-safe bowls, melt the pink and white candy melts in 30-second "
        "intervals, stirring in between until smooth.",
        [("30-second", 30, None)],
    ),
    (
        "tasteatlas.com",
        "Wrap each roll separately in cling film, and refrigerate for at least a couple of hours, but preferably, "
        "overnight.",
        [("a couple of hours", 7200, None)],
    ),
    (
        "food52.com",
        "Arrange the wings on the wire rack and refrigerate uncovered at least 6 hours or preferably overnight, "
        "flipping the wings halfway through.",
        [("6 hours", 21600, None)],
    ),
    ("theclevercarrot.com", "Make the dough in the evening and let rise overnight.", []),
    (
        "theclevercarrot.com",
        "Let rise overnight until double in size, about 8-12 + hrs. @ 67-68 F, depending on temperature.",
        [],
    ),
    (
        "theicecreamconfectionals.com",
        "Place 1 tbsp cream cheese in a medium bowl and microwave for 5-10 seconds.",
        [("5-10 seconds", 5, 10)],
    ),
    (
        "indianhealthyrecipes.com",
        "Preheat the oven to 170 C or 340 F for at least 15 minutes.",
        [("15 minutes", 900, None)],
    ),
    (
        "hilahcooking.com",
        "Marinate the chicken in the maple syrup, Tabasco, salt, pepper, and thyme for 30 minutes to an hour.",
        [("30 minutes to an hour", 1800, 3600)],
    ),
    (
        "thecookingguy.com",
        "Season chicken with salt & pepper, and cook skin-side down until the skin is golden brown, flip over and "
        "cook 2-3 more minutes then remove",
        [("2-3 more minutes", 120, 180)],
    ),
    (
        "allsavoryrecipes.com",
        "Cook for another minute until heated through.",
        [("another minute", 60, None)],
    ),
    (
        "baking-sense.com",
        "Cool for 10 minutes in the pan.",
        [("10 minutes", 600, None)],
    ),
    (
        "realsimple.com",
        "Add bell pepper and onion; cook, stirring occasionally, until starting to soften, 3 to 4 minutes.",
        [("3 to 4 minutes", 180, 240)],
    ),
    (
        "bakewithzoha.com",
        "Use the balloon whisk attachment (or standard paddle beaters of an electric mixer) to whisk on medium "
        "speed for a few minutes until the egg whites look frothy and white",
        [],
    ),
    (
        "blogghetti.com",
        "Bake for 14–15 minutes until golden (check at 10 minutes).",
        [("14–15 minutes", 840, 900), ("10 minutes", 600, None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), NAMED, ids=[text for text, _ in NAMED])
def test_durations_written_in_a_step(text: str, expected: Found) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("site", "text", "expected"), CORPUS, ids=[f"{site}-{i}" for i, (site, _, _) in enumerate(CORPUS)]
)
def test_durations_in_real_steps(site: str, text: str, expected: Found) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("timer", "label"),
    [
        (Timer(0, 1, 1500), "25 min"),
        (Timer(0, 1, 600, 720), "10–12 min"),
        (Timer(0, 1, 4500), "1 h 15 min"),
        (Timer(0, 1, 90), "1 min 30 s"),
        (Timer(0, 1, 45), "45 s"),
        (Timer(0, 1, 2700, 3600), "45 min–1 h"),
        (Timer(0, 1, 3600, 7200), "1–2 h"),
        (Timer(0, 1, 5400, 7200), "1 h 30 min–2 h"),
        (Timer(0, 1, 5, 10), "5–10 s"),
    ],
)
def test_labels(timer: Timer, label: str) -> None:
    assert timer.label == label


def test_format_duration_of_nothing() -> None:
    assert format_duration(0) == "0 s"
    assert format_duration(86400) == "24 h"


def test_a_range_the_wrong_way_round_is_the_one_duration() -> None:
    assert found("Cook 20 minutes to 5 minutes") == [("20 minutes", 1200, None), ("5 minutes", 300, None)]
    assert found("Cook 12-10 minutes") == [("10 minutes", 600, None)]


def test_the_longest_waits_are_not_timers() -> None:
    assert found(f"Rest {MAX_SECONDS // 3600} hours") == [(f"{MAX_SECONDS // 3600} hours", MAX_SECONDS, None)]
    assert found(f"Rest {MAX_SECONDS // 3600 + 1} hours") == []
    assert found("Rest 24 to 72 hours") == []  # its high end is too long: no half a range


def test_a_text_too_long_is_not_searched() -> None:
    assert find_timers("Bake 5 minutes. " * (MAX_TEXT // 16 + 1)) == []
    assert len(find_timers("Bake 5 minutes. " * (MAX_TEXT // 16 - 1))) == MAX_TEXT // 16 - 1


# ---- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bake for 25 minutes.", "Bake"),
        ("Preheat the oven. Bake for 25 minutes, until golden.", "Bake"),
        ("Roast, stirring halfway through, until the gnocchi are plump, about 20 minutes total.", "Roast"),
        ("Cook until softened, about 5 minutes.", "Cook"),
        ("Cover and let rise for 1 hour.", "Rise"),
        ("Add the stock, then simmer 20 minutes.", "Simmer"),
        ("About 4 hours before dinner, marinate the beef.", "Marinate"),
        ("After 10 minutes, it is ready.", "Step 3"),
        ("Fry the onions. After 10 minutes, it is ready.", "Step 3"),  # another sentence's word: not this one's
    ],
)
def test_a_timer_is_named_after_what_it_times(text: str, name: str) -> None:
    (timer,) = find_timers(text)
    assert timer_name(text, timer, 3) == name


def test_a_step_is_cut_around_its_timers_and_stays_whole() -> None:
    text = "Bake <b>for</b> 25 minutes, then rest 10-12 min.\nServe."
    parts = step_parts(text, 2)
    assert "".join(part.text for part in parts) == text
    assert [(part.text, part.name) for part in parts if part.timer] == [("25 minutes", "Bake"), ("10-12 min", "Rest")]
    assert parts[0].text == "Bake <b>for</b> " and parts[0].timer is None
    assert step_parts("", 1) == (StepPart(""),)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_reads_without_error_and_the_timers_are_its_own_words(text: str) -> None:
    timers = find_timers(text)
    end = 0
    for timer in timers:
        assert end <= timer.start < timer.end <= len(text)
        assert 1 <= timer.seconds <= MAX_SECONDS
        assert timer.max_seconds is None or timer.seconds < timer.max_seconds <= MAX_SECONDS
        end = timer.end
    assert "".join(part.text for part in step_parts(text, 1)) == text


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 500), st.sampled_from(["minutes", "min", "mins", "seconds", "secs", "hours", "hrs"]))
def test_any_count_of_any_unit(count: int, unit: str) -> None:
    seconds = count * {"m": 60, "s": 1, "h": 3600}[unit[0]]
    expected = [(f"{count} {unit}", seconds, None)] if seconds <= MAX_SECONDS else []
    assert found(f"Cook for {count} {unit}.") == expected
