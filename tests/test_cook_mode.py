"""Cook mode's page, `/recipes/<id>/cook` (recipes/cooking/): every step in the page, the one the
address names shown (each step a page of its own without JavaScript), its timers as buttons, the
ingredients it uses marked, at the servings and in the units asked for; the step's bounds; who may
cook what. The browser side (steps in place, timers, check-offs) is tests/browser/test_cook_browser.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from flask import Flask

from recipes.cooking.services import DONE, StepInvalid, carried, chosen_step

from .conftest import Client, create_recipe
from .hostile import XSS_PAYLOADS, assert_clean
from .test_households import invite as household_invite

STEPS = (
    "Preheat the oven to 350°F.\n"
    "Fry the onions in the butter for 5 minutes.\n"
    "Add the tomatoes and simmer 10-12 min, then bake 1 hour 15 minutes.\n"
    "Serve."
)
INGREDIENTS = "Soup:\n1 kg tomatoes\n2 onions\n30 g butter\nTo serve:\nbasil"


class Page(HTMLParser):
    """What a cook page shows: the steps (shown or hidden), the timers, the marked ingredients, links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: dict[str, bool] = {}  # data-step -> shown
        self.timers: list[dict[str, str]] = []
        self.marked: list[str] = []
        self.links: dict[str, str] = {}  # data-go / class -> href
        self._in_marked = False
        self._timer: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and "data-step" in a:
            self.sections[a["data-step"]] = "hidden" not in a
        if tag == "button" and "data-timer-seconds" in a:
            self._timer = {**a, "text": ""}
            self.timers.append(self._timer)
        if tag == "li" and "in-step" in a.get("class", "").split():
            self._in_marked = True
            self.marked.append("")
        if tag == "a" and "data-go" in a:
            self.links[a["data-go"]] = a["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._timer = None
        if tag == "li":
            self._in_marked = False

    def handle_data(self, data: str) -> None:
        if self._timer is not None:
            self._timer["text"] += data
        if self._in_marked and data.strip() and not self.marked[-1]:
            self.marked[-1] = data.strip()

    @property
    def shown(self) -> list[str]:
        return [step for step, shown in self.sections.items() if shown]


@pytest.fixture
def soup(alice: Client) -> int:
    return create_recipe(alice, ingredients=INGREDIENTS, instructions=STEPS)


def cook(client: Client, recipe_id: int, query: str = "") -> tuple[int, str]:
    response = client.get(f"/recipes/{recipe_id}/cook{query}")
    return response.status_code, response.text


def test_the_first_step_is_shown_and_every_step_is_in_the_page(alice: Client, soup: int) -> None:
    status, html = cook(alice, soup)
    assert status == 200
    page = Page(html)
    assert page.sections == {"1": True, "2": False, "3": False, "4": False, "5": False}  # 5: the end screen
    assert "Step 1 <span>of 4</span>" in html
    assert page.links == {"-1": f"/recipes/{soup}", "1": f"/recipes/{soup}/cook?step=2"}
    assert '<script src="/static/cook.js" defer></script>' in html


def test_each_step_is_a_page_of_its_own_without_javascript(alice: Client, soup: int) -> None:
    for step, previous, following in (("2", "1", "3"), ("3", "2", "4"), ("4", "3", DONE)):
        status, html = cook(alice, soup, f"?step={step}")
        page = Page(html)
        assert status == 200 and page.shown == [step]
        assert page.links == {
            "-1": f"/recipes/{soup}/cook?step={previous}",
            "1": f"/recipes/{soup}/cook?step={following}",
        }
    status, html = cook(alice, soup, "?step=done")
    page = Page(html)
    assert status == 200 and page.shown == ["5"]
    assert "Done: all 4 steps" in html
    assert page.links == {"-1": f"/recipes/{soup}/cook?step=4", "1": f"/recipes/{soup}"}
    assert ">Finish<" in cook(alice, soup, "?step=4")[1]


def test_timers_are_buttons_with_their_seconds_around_their_own_words(alice: Client, soup: int) -> None:
    page = Page(cook(alice, soup, "?step=3")[1])
    timers = [
        (t["text"], t["data-timer-seconds"], t.get("data-timer-max-seconds"), t["data-timer-name"]) for t in page.timers
    ]
    assert timers == [
        ("Timer: 5 minutes", "300", None, "Fry"),
        ("Timer: 10-12 min", "600", "720", "Simmer"),
        ("Timer: 1 hour 15 minutes", "4500", None, "Bake"),
    ]
    assert [t["data-timer-label"] for t in page.timers] == ["5 min", "10–12 min", "1 h 15 min"]
    assert all(t["type"] == "button" for t in page.timers)
    assert len({t["data-timer-key"] for t in page.timers}) == 3
    # "350°F" in step 1 is a temperature, not a timer: its text has no button.
    assert "Preheat the oven to 350°F.</p>" in cook(alice, soup)[1]


def test_the_ingredients_this_step_uses_are_marked(alice: Client, soup: int) -> None:
    page = Page(cook(alice, soup, "?step=2")[1])
    assert page.marked == ["2 onions", "30 g butter"]
    html = cook(alice, soup, "?step=2")[1]
    assert re.search(r'<li data-line="1" data-steps="3">', html)  # the tomatoes: step 3
    assert re.search(r'<li data-line="5" data-steps="">', html)  # the basil: no step names it
    uses = re.search(r'<section class="cook-step" id="step-2".*?</section>', html, re.DOTALL)
    assert uses and "<li>2 onions</li><li>30 g butter</li>" in uses.group()
    assert 'type="checkbox" data-check="2"' in html
    assert Page(cook(alice, soup, "?step=1")[1]).marked == []


def test_servings_and_units_are_honoured_and_carried_through_every_link(alice: Client, soup: int) -> None:
    status, html = cook(alice, soup, "?step=2&servings=8&units=metric")
    assert status == 200
    page = Page(html)
    assert page.links == {
        "-1": f"/recipes/{soup}/cook?step=1&servings=8&units=metric",
        "1": f"/recipes/{soup}/cook?step=3&servings=8&units=metric",
    }
    assert "2 kg tomatoes" in html and "4 onions" in html and "60 g butter" in html
    assert "for 8 servings" in html
    assert f'href="/recipes/{soup}?servings=8&amp;units=metric"' in html  # leave, back to the recipe as asked
    assert "Preheat the oven to 175°C." in cook(alice, soup, "?units=metric")[1]  # steps are converted too


def test_the_accounts_unit_system_is_the_default(alice: Client, soup: int) -> None:
    assert alice.post("/recipes/units", data={"units": "metric", "next": "/"}).status_code == 303
    assert "Preheat the oven to 175°C." in cook(alice, soup)[1]
    assert "Preheat the oven to 350°F." in cook(alice, soup, "?units=original")[1]


def test_a_scale_that_cannot_be_used_is_said_and_the_recipe_shown_as_written(alice: Client, soup: int) -> None:
    status, html = cook(alice, soup, "?servings=lots")
    assert status == 400
    assert "The servings must be a number." in html and "1 kg tomatoes" in html


@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("?step=0", "?step=1"),
        ("?step=-3", "?step=1"),
        ("?step=999", "?step=4"),
        ("?step=99999999999", None),  # too long to be a number of steps: a 400 (below)
        ("?step=+2", "?step=2"),
        ("?step=%202", "?step=2"),
        ("?step=DONE", "?step=done"),
        ("?step=5", "?step=4"),
        ("?step=0&servings=8&units=us", "?step=1&servings=8&units=us"),
    ],
)
def test_a_step_past_either_end_goes_to_the_nearest_one(
    alice: Client, soup: int, query: str, where: str | None
) -> None:
    response = alice.get(f"/recipes/{soup}/cook{query}")
    if where is None:
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.headers["Location"] == f"/recipes/{soup}/cook{where}"


@pytest.mark.parametrize("step", ["x", "1.5", "two", "٣", "1e3", "<b>1</b>"])
def test_a_step_that_is_not_a_number_is_a_clear_400(alice: Client, soup: int, step: str) -> None:
    response = alice.get(f"/recipes/{soup}/cook", query_string={"step": step})
    assert response.status_code == 400
    assert "steps are numbered 1 to 4" in response.text
    assert "<b>1</b>" not in response.text


def test_a_recipe_without_steps_opens_on_its_end_screen(alice: Client) -> None:
    recipe_id = create_recipe(alice, instructions="")
    status, html = cook(alice, recipe_id)
    assert status == 200
    assert Page(html).sections == {"1": True}
    assert "No steps written yet" in html and "1 kg tomatoes" in html
    assert alice.get(f"/recipes/{recipe_id}/cook?step=3").headers["Location"] == f"/recipes/{recipe_id}/cook?step=done"
    assert "no steps written yet" in alice.get(f"/recipes/{recipe_id}/cook?step=x").text


def test_the_recipe_page_links_to_cook_mode_with_its_scale(alice: Client, soup: int) -> None:
    assert f'href="/recipes/{soup}/cook"' in alice.get(f"/recipes/{soup}").text
    page = alice.get(f"/recipes/{soup}?servings=8&units=metric&q=ignored").text
    assert f'href="/recipes/{soup}/cook?servings=8&amp;units=metric"' in page


def test_step_text_and_ingredients_are_escaped(alice: Client) -> None:
    payloads = XSS_PAYLOADS
    steps = "\n".join(f"Bake 5 minutes{p} then 10 min{p}" for p in payloads)
    recipe_id = create_recipe(alice, instructions=steps, ingredients="\n".join(f"1 cup {p}" for p in payloads))
    for step in range(1, len(payloads) + 2):
        status, html = cook(alice, recipe_id, f"?step={step}" if step <= len(payloads) else "?step=done")
        assert status == 200
        assert_clean(html, payloads, f"cook mode step {step}")
    assert len(Page(cook(alice, recipe_id)[1]).timers) == 2 * len(payloads)


# ---- who may cook what -----------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_log_in(client: Client, alice: Client, soup: int) -> None:
    response = client.get(f"/recipes/{soup}/cook?step=2")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_someone_elses_private_recipe_is_not_found(alice: Client, bob: Client, soup: int) -> None:
    for query in ("", "?step=2", "?step=x", "?step=0", "?step=done"):
        assert bob.get(f"/recipes/{soup}/cook{query}").status_code == 404
    assert bob.get("/recipes/99999/cook").status_code == 404


def test_a_household_member_cooks_a_household_recipe(alice: Client, login_as: Callable[[str], Client]) -> None:
    shared = create_recipe(alice, instructions=STEPS, visibility="household")
    private = create_recipe(alice, instructions=STEPS, visibility="private")
    carol = login_as("carol")
    assert carol.get(f"/recipes/{shared}/cook").status_code == 404  # not yet in the household
    assert carol.post(f"/join/{household_invite(alice)}").status_code == 302
    assert carol.get(f"/recipes/{shared}/cook?step=3").status_code == 200
    assert carol.get(f"/recipes/{private}/cook").status_code == 404


def test_a_public_recipe_is_cooked_by_everyone_signed_in(alice: Client, bob: Client) -> None:
    recipe_id = create_recipe(alice, instructions=STEPS, visibility="public")
    assert bob.get(f"/recipes/{recipe_id}/cook?step=2").status_code == 200


def test_the_page_is_private_to_caches_and_has_no_inline_script(app: Flask, alice: Client, soup: int) -> None:
    response = alice.get(f"/recipes/{soup}/cook")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)


# ---- the step parameter, as a function ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "count", "step"),
    [
        (None, 4, 1),
        ("", 4, 1),
        ("3", 4, 3),
        ("done", 4, 5),
        (" Done ", 4, 5),
        ("0", 4, 1),
        ("-1", 4, 1),
        ("5", 4, 4),
        ("999999999", 4, 4),
        (None, 0, 1),
        ("done", 0, 1),
        ("7", 0, 1),
    ],
)
def test_chosen_step(value: str | None, count: int, step: int) -> None:
    assert chosen_step(value, count) == step


@pytest.mark.parametrize("value", ["x", "1.5", "1e3", "0x2", "1 2", "٣", "9999999999"])
def test_chosen_step_refuses_what_is_not_a_number(value: str) -> None:
    with pytest.raises(StepInvalid, match="steps are numbered 1 to 4"):
        chosen_step(value, 4)


def test_only_the_scale_parameters_are_carried() -> None:
    args = {"servings": "8", "units": "metric", "scale": "", "step": "3", "q": "x", "have": "300 g", "line": "1"}
    assert carried(args) == {"servings": "8", "units": "metric", "have": "300 g", "line": "1"}


def test_an_edited_recipe_is_cooked_as_it_is_now(alice: Client, soup: int) -> None:
    """The steps read for timers and ingredients are kept between requests: by their text, so a
    change shows at once."""
    assert len(Page(cook(alice, soup, "?step=3")[1]).timers) == 3
    form = {"title": "Soup", "ingredients": INGREDIENTS, "instructions": "Chop.\nStew the onions 2 hours.\nServe."}
    assert alice.post(f"/recipes/{soup}/edit", data=form).status_code == 302
    page = Page(cook(alice, soup, "?step=2")[1])
    assert [(t["data-timer-seconds"], t["data-timer-name"]) for t in page.timers] == [("7200", "Stew")]
    assert page.marked == ["2 onions"] and len(page.sections) == 4
