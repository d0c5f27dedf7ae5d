"""Cook mode in a real browser (issue 19): a cook follows a recipe on a phone, upright (390x844) and on
its side (844x390): steps by the buttons, the arrow keys and a swipe, with no reload; two timers at
once, named after their step, that go on across a reload and a change of step (their end times are
kept in localStorage), show in the page title, and ring (a beep, a notification) when they are up;
the ingredients one tap away, this step's marked, check-offs kept; the screen kept on (taken again
when the tab comes back, a note where it cannot be); the same steps without JavaScript; the end
screen: "Cooked it", and "Add what's missing" leaving out what was checked off (with and without
JavaScript). Screenshots go to test-artifacts/issue-19/ (those in docs/screenshots/issue-19/ were made here).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user
from .test_shell_browser import sideways_scroll

SHOTS = ARTIFACTS / "issue-19"
PORTRAIT = {"width": 390, "height": 844}
LANDSCAPE = {"width": 844, "height": 390}
VIEWS = {"portrait": PORTRAIT, "landscape": LANDSCAPE}

TITLE = "Weeknight tomato soup"
INGREDIENTS = [
    "2 tbsp olive oil",
    "1 onion, chopped",
    "2 cloves garlic, crushed",
    "800 g tomatoes",
    "500 ml vegetable stock",
    "1 tsp sugar",
    "salt and pepper",
]
STEPS = [
    "Heat the olive oil in a large pot over a medium heat.",
    "Fry the onion for 5 minutes, then add the garlic and cook 30 seconds more, until it smells sweet.",
    "Add the tomatoes, the stock and the sugar, bring to the boil and simmer 20-25 minutes.",
    "Blend until smooth; season with salt and pepper.",
    "Let the soup rest 2 minutes before serving.",
]

# Run before the page's own scripts: a notification and a beep are recorded where a test can read
# them (a headless browser shows and plays neither), and, when asked, the Wake Lock API is replaced
# by one that counts its requests.
RECORDERS = """
window.__notes = [];
window.__beeps = 0;
class RecordedNotification {
  constructor(title, options) { window.__notes.push(title + " | " + ((options && options.body) || "")); }
  static get permission() { return "granted"; }
  static requestPermission() { return Promise.resolve("granted"); }
}
window.Notification = RecordedNotification;
const createOscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.__beeps += 1; return createOscillator.call(this); };
"""
COUNTED_WAKE_LOCK = """
window.__wakeRequests = 0;
window.__sentinels = [];
Object.defineProperty(navigator, "wakeLock", { configurable: true, value: {
  request(type) {
    window.__wakeRequests += 1;
    const sentinel = new EventTarget();
    sentinel.type = type;
    sentinel.released = false;
    window.__sentinels.push(sentinel);
    return Promise.resolve(sentinel);
  },
}});
"""
NO_WAKE_LOCK = "delete Navigator.prototype.wakeLock;"


@dataclass(frozen=True)
class Site:
    base: str
    recipe_id: int
    cookies: Any

    @property
    def cook(self) -> str:
        return f"{self.base}/recipes/{self.recipe_id}/cook"


@pytest.fixture(scope="module")
def site(browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Site]:
    """A server with alice's soup, typed into the recipe form."""
    config_dir = tmp_path_factory.mktemp("cook-live")
    with served_app(config_dir, f"recipes_cook_browser_{worker_id}") as base:
        context = browser.new_context(viewport=PORTRAIT)
        try:
            page = context.new_page()
            register_first_user(page, base, config_dir)
            page.goto(base + "/recipes/new")
            page.get_by_label("Title").fill(TITLE)
            page.get_by_label("Servings / yield").fill("Serves 4")
            page.get_by_label("Ingredients").fill("\n".join(INGREDIENTS))
            page.get_by_label("Instructions").fill("\n".join(STEPS))
            page.get_by_role("button", name="Save recipe").click()
            expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
            recipe_id = int(page.url.rsplit("/", 1)[1])
            cookies = context.cookies()
        finally:
            context.close()
        yield Site(base, recipe_id, cookies)


Opener = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, site: Site) -> Iterator[Opener]:
    """A signed-in page in a context of its own (size, scheme, touch, JavaScript, scripts run first);
    at the end, nothing may have been logged as an error (CSP violations included)."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_one(
        view: dict[str, int] = PORTRAIT, *, scheme: str = "light", javascript: bool = True, first: str = ""
    ) -> Page:
        context = browser.new_context(
            viewport=view,
            has_touch=True,
            is_mobile=True,
            device_scale_factor=2,
            color_scheme=scheme,  # type: ignore[arg-type]
            java_script_enabled=javascript,
        )
        contexts.append(context)
        context.add_cookies(site.cookies)
        if first:
            context.add_init_script(first)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield open_one
    for context in contexts:
        context.close()
    assert errors == [], errors


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def step_heading(page: Page) -> str:
    return page.locator("section.cook-step:not([hidden]) h2").inner_text()


def swipe(page: Page, dx: int) -> None:
    """A finger moved sideways across the step, as a touch screen reports it (through CDP)."""
    # Across the middle of the step shown, once it is in view and still (a step change may scroll
    # the page: a fixed point on the screen could then miss the step on a busy machine).
    step = page.locator("section.cook-step:not([hidden]) .cook-text")
    step.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
    )
    box = step.bounding_box()
    assert box is not None
    y = int(box["y"] + min(box["height"] / 2, 40))
    x0 = int(box["x"] + box["width"] / 2 - dx / 2)
    cdp = page.context.new_cdp_session(page)
    points = [x0 + dx * i // 5 for i in range(6)]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": points[0], "y": y}]})
    for x in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.mark.parametrize("view", list(VIEWS))
def test_steps_by_button_keyboard_and_swipe_without_a_reload(site: Site, open_page: Opener, view: str) -> None:
    page = open_page(VIEWS[view])
    page.goto(site.cook)
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 1 of 5")
    page.evaluate("window.__samePage = true")
    text = page.locator("section.cook-step:not([hidden]) .cook-text")
    # Big type, readable at arm's length, black on white; nothing wider than the screen.
    assert float(text.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    assert text.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    shot(page, f"cook-step-{view}")
    assert sideways_scroll(page) == 0

    page.get_by_role("link", name="Next", exact=True).click()
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 2 of 5")
    expect(page).to_have_url(re.compile(r"/cook\?step=2$"))
    page.keyboard.press("ArrowRight")
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 3 of 5")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 2 of 5")
    swipe(page, -150)  # to the left: the next step
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 3 of 5")
    swipe(page, 150)
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 2 of 5")
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 1 of 5")
    assert page.evaluate("window.__samePage") is True, "a step change reloaded the page"
    assert page.locator("section.cook-step:not([hidden])").count() == 1

    # Each link is a real address: a reload opens the step it names.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"/cook\?step=3$"))
    page.reload()
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 3 of 5")
    assert sideways_scroll(page) == 0
    dock = page.locator(".cook-dock").bounding_box()
    assert dock is not None and dock["y"] + dock["height"] <= VIEWS[view]["height"] + 1, "step buttons off screen"


def test_two_timers_run_at_once_survive_a_reload_and_a_step_change_and_ring(site: Site, open_page: Opener) -> None:
    page = open_page(first=RECORDERS)
    page.clock.install()
    page.goto(site.cook + "?step=2")
    timers = page.locator("section.cook-step:not([hidden]) button[data-timer-seconds]")
    expect(timers).to_have_count(2)
    assert timers.evaluate_all("bs => bs.map(b => [b.dataset.timerSeconds, b.dataset.timerName])") == [
        ["300", "Fry"],
        ["30", "Cook"],
    ]
    timers.nth(0).click()
    timers.nth(1).click()
    tray = page.locator("[data-timer-list] li")
    expect(tray).to_have_count(2)
    expect(tray.nth(0).locator(".cook-timer-name")).to_have_text("Fry 5 min · step 2")
    expect(tray.nth(1).locator(".cook-timer-name")).to_have_text("Cook 30 s · step 2")
    expect(timers.nth(0)).to_have_class(re.compile(r"\bis-running\b"))
    page.clock.run_for(2000)
    # The soonest one is in the title.
    expect(page).to_have_title(re.compile(r"^0:2[89] · Cook · Cook: Weeknight tomato soup · Recipes$"))
    kept = json.loads(page.evaluate("localStorage.getItem('recipes:cook:timers')"))
    assert [t["name"] for t in kept] == ["Fry", "Cook"]
    assert all(t["ends"] > page.evaluate("Date.now()") for t in kept)  # end times, not countdowns
    shot(page, "cook-timers-portrait")

    page.reload()  # a reload keeps them: they are end times in localStorage
    expect(tray).to_have_count(2)
    page.clock.run_for(1000)
    expect(page.locator(".cook-timer-left").nth(0)).to_have_text(re.compile(r"^4:5\d$"))
    page.get_by_role("link", name="Next", exact=True).click()  # another step: the tray stays
    page.goto(site.cook + "?step=4")  # another page load, as without JavaScript
    expect(tray).to_have_count(2)
    expect(page).to_have_title(re.compile(r"^0:2\d · Cook · "))

    page.clock.run_for(30_000)  # the 30 seconds are up
    expect(tray.nth(1)).to_have_class(re.compile(r"\bis-done\b"))
    expect(tray.nth(1).locator(".cook-timer-left")).to_have_text("Done")
    expect(page).to_have_title(re.compile(r"^Done · Cook · "))
    page.wait_for_function("window.__notes.length === 1")
    assert page.evaluate("window.__notes") == ["Cook: time is up | 30 s · Weeknight tomato soup"]
    page.locator("body").click(position={"x": 5, "y": 200})  # a tap: sound may start
    page.clock.run_for(2000)
    page.wait_for_function("window.__beeps > 0")
    expect(page.locator("[data-announce]")).to_have_text("Cook: time is up")
    shot(page, "cook-timer-done-portrait")

    page.get_by_role("button", name="Dismiss Cook").click()
    expect(tray).to_have_count(1)
    page.get_by_role("button", name="One minute more for Fry").click()
    expect(page.locator(".cook-timer-left").nth(0)).to_have_text(re.compile(r"^5:2\d$"))
    page.get_by_role("button", name="Stop Fry").click()
    expect(tray).to_have_count(0)
    expect(page.locator("[data-timer-tray]")).to_be_hidden()
    expect(page).to_have_title("Cook: Weeknight tomato soup · Recipes")
    page.reload()
    expect(page.locator("[data-timer-tray]")).to_be_hidden()


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_ingredients_are_one_tap_away_this_steps_marked_and_check_offs_kept(
    site: Site, open_page: Opener, view: str
) -> None:
    page = open_page(VIEWS[view])
    page.goto(site.cook + "?step=2")
    page.get_by_text("Ingredients", exact=True).click()
    panel = page.locator(".cook-panel")
    expect(panel).to_be_visible()
    marked = panel.locator("li.in-step")
    expect(marked).to_have_text([re.compile(r"1 onion, chopped\s+this step"), re.compile(r"2 cloves garlic")])
    panel.get_by_label("2 tbsp olive oil").check()
    shot(page, f"cook-ingredients-{view}")
    page.keyboard.press("Escape")  # closes the panel
    expect(panel).to_be_hidden()
    page.keyboard.press("ArrowRight")
    page.get_by_text("Ingredients", exact=True).click()
    expect(marked).to_have_count(3)  # step 3: tomatoes, stock, sugar
    expect(marked).to_contain_text(["800 g tomatoes", "500 ml vegetable stock", "1 tsp sugar"])
    page.reload()
    page.get_by_text("Ingredients", exact=True).click()
    expect(panel.get_by_label("2 tbsp olive oil")).to_be_checked()
    expect(panel.get_by_label("1 onion, chopped")).not_to_be_checked()


def test_servings_and_units_from_the_recipe_page_come_along(site: Site, open_page: Opener) -> None:
    page = open_page()
    page.goto(f"{site.base}/recipes/{site.recipe_id}")
    page.get_by_label("Servings", exact=True).fill("8")  # (not "Servings to shop for")
    page.locator("select[name=units]").select_option("us")
    expect(page.get_by_role("button", name="Cook", exact=True)).to_have_attribute(
        "href", re.compile(r"servings=8&units=us$")
    )
    page.get_by_role("button", name="Cook", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cook\?servings=8&units=us$"))
    page.get_by_role("link", name="Next", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cook\?servings=8&units=us&step=2$|/cook\?step=2&servings=8&units=us$"))
    page.get_by_text("Ingredients", exact=True).click()
    expect(page.locator(".cook-panel h2")).to_contain_text("for 8 servings")
    expect(page.locator(".cook-panel")).to_contain_text("¼ cup olive oil")  # 4 tbsp, in US units
    expect(page.locator(".cook-panel")).to_contain_text("3 ½ lb tomatoes")


def test_the_screen_is_kept_on_and_taken_again_when_the_tab_comes_back(site: Site, open_page: Opener) -> None:
    page = open_page(first=COUNTED_WAKE_LOCK)
    page.goto(site.cook)
    page.wait_for_function("window.__wakeRequests === 1")
    expect(page.locator("[data-cook]")).to_have_attribute("data-wake", "on")
    expect(page.locator("[data-wake-note]")).to_be_hidden()
    # The browser lets the lock go when the tab is hidden; back in view, the page takes it again.
    page.evaluate("window.__sentinels[0].dispatchEvent(new Event('release'))")
    expect(page.locator("[data-cook]")).to_have_attribute("data-wake", "off")
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("window.__wakeRequests === 2")
    expect(page.locator("[data-cook]")).to_have_attribute("data-wake", "on")


def test_where_the_screen_cannot_be_kept_on_a_note_says_so(site: Site, open_page: Opener) -> None:
    page = open_page(first=NO_WAKE_LOCK)
    page.goto(site.cook)
    expect(page.locator("[data-wake-note]")).to_have_text(re.compile("cannot keep the screen on"))
    shot(page, "cook-no-wake-lock-portrait")


def test_without_javascript_each_step_is_a_page(site: Site, open_page: Opener) -> None:
    page = open_page(javascript=False)
    page.goto(site.cook)
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 1 of 5")
    page.get_by_role("link", name="Next", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cook\?step=2$"))
    expect(page.locator("section.cook-step:not([hidden]) h2")).to_have_text("Step 2 of 5")
    page.get_by_text("Ingredients", exact=True).click()
    expect(page.locator(".cook-panel li.in-step")).to_have_count(2)
    # A <noscript> note says what needs JavaScript. (Playwright turns scripts off by emulation, and
    # Chromium's parser still reads <noscript> as raw text then: so it is read from the page source.)
    assert "Without JavaScript the timers do not run" in page.content()
    shot(page, "cook-nojs-portrait")
    page.goto(site.cook + "?step=5")
    page.get_by_role("link", name="Finish").click()
    expect(page).to_have_url(re.compile(r"/cook\?step=done$"))
    expect(page.get_by_role("heading", name="Done: all 5 steps")).to_be_visible()


@pytest.mark.parametrize("scheme", ["dark"])
def test_dark_and_the_end_screen(site: Site, open_page: Opener, scheme: str) -> None:
    page = open_page(scheme=scheme)
    page.goto(site.cook + "?step=3")
    text = page.locator("section.cook-step:not([hidden]) .cook-text")
    assert text.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    shot(page, f"cook-step-{scheme}-portrait")
    page.goto(site.cook + "?step=5")
    page.get_by_role("link", name="Finish").click()
    expect(page.get_by_role("heading", name="Done: all 5 steps")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cook\?step=done$"))
    expect(page.get_by_role("link", name="Back to the recipe")).to_be_visible()
    shot(page, f"cook-end-{scheme}-portrait")


def test_the_end_screen_adds_whats_missing_and_logs_cooking(site: Site, open_page: Opener) -> None:
    """What was checked off while cooking (at 8 servings) is left out of "Add what's missing"; the
    rest goes on a new list at 8 servings; "Cooked it" logs today; both come back to the end screen."""
    page = open_page()
    page.goto(site.cook + "?servings=8")
    page.get_by_text("Ingredients", exact=True).click()
    panel = page.locator(".cook-panel")
    had = {0: "olive oil", 1: "onion", 3: "tomatoes"}  # lines checked off: in the kitchen already
    for line in had:
        panel.locator(f'[data-check="{line}"]').check()
    page.keyboard.press("Escape")
    page.goto(site.cook + "?step=done&servings=8")  # a reload: the check-offs are kept
    page.get_by_text("Add what’s missing to the shopping list").click()
    form = page.locator("#missing")
    for line in range(len(INGREDIENTS)):
        box = form.locator(f"#missing-{line}")
        if line in had:
            expect(box).not_to_be_checked()
        else:
            expect(box).to_be_checked()
    form.get_by_label("List").select_option(value="new")
    shot(page, "cook-end-missing-portrait")
    form.get_by_role("button", name="Add to the list").click()
    expect(page).to_have_url(re.compile(r"/cook\?step=done&servings=8#missing$"))
    expect(page.locator(".flashes")).to_contain_text("Added what’s missing of “Weeknight tomato soup” to “Groceries")
    expect(page.locator(".flashes")).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Done: all 5 steps")).to_be_visible()
    page.get_by_role("button", name="Cooked it").click()
    expect(page).to_have_url(re.compile(r"/cook\?step=done&servings=8#cooking-log$"))
    expect(page.locator(".flashes")).to_contain_text("Logged: you cooked it today.")
    expect(page.locator(".flashes")).to_be_in_viewport()  # not scrolled past, to the form
    expect(page.get_by_role("heading", name="Done: all 5 steps")).to_be_in_viewport()
    shot(page, "cook-end-cooked-portrait")
    # The list: the lines not checked off, at twice the recipe (it serves 4), and nothing else.
    page.goto(site.base + "/lists")
    page.get_by_role("link", name=re.compile(r"^Groceries")).first.click()
    items = page.locator("#items li.item")
    expect(items.filter(has_text="4 cloves garlic")).to_have_count(1)
    expect(items.filter(has_text="2 tsp sugar")).to_have_count(1)
    for left_out in ("onion", "tomatoes", "olive oil"):
        expect(items.filter(has_text=left_out)).to_have_count(0)
    expect(page.locator("#recipes")).to_contain_text("Weeknight tomato soup")
    expect(page.locator("#recipes")).to_contain_text("8 servings")


def test_the_end_screen_works_without_javascript(site: Site, open_page: Opener) -> None:
    page = open_page(javascript=False)
    page.goto(site.cook + "?step=done")
    page.get_by_text("Add what’s missing to the shopping list").click()
    form = page.locator("#missing")
    expect(form.locator("input[name=missing]:checked")).to_have_count(len(INGREDIENTS))  # all ticked
    form.locator("#missing-1").uncheck()  # the onion: there is one
    form.get_by_label("List").select_option(value="new")
    form.get_by_role("button", name="Add to the list").click()
    expect(page.locator(".flashes")).to_contain_text("Added what’s missing of “Weeknight tomato soup”")
    page.get_by_role("button", name="Cooked it").click()
    expect(page.locator(".flashes")).to_contain_text("Logged: you cooked it today.")
    expect(page).to_have_url(re.compile(r"/cook\?step=done#cooking-log$"))
