"""Every page of the app, in a real browser, at a phone's size (390x844) and a desk's
(1280x900), in light and in dark. A page fails if it scrolls sideways, if a visible form
field (or its label) is narrower than the longest word of its label, if the phone's header
takes more than one row, if anything is logged to the console as an error (CSP violations
included), or if an asset fails to load. Screenshots of every page go to
test-artifacts/page-walk/.

The pages are read from app.url_map: every rule that answers GET with an HTML page, its
address filled from real data (see `world.py`). A page added tomorrow is walked tomorrow; one
whose address needs a value this test does not know fails, saying where to add it.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Response

from .conftest import ARTIFACTS, serving
from .world import World, build_world, csrf_token, post

SCREENSHOTS = ARTIFACTS / "page-walk"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SIZES = {"390": PHONE, "1280": DESK}
SCHEMES = ("light", "dark")

# GET rules that answer with something other than a page: files, JSON, redirects.
NOT_PAGES = {
    "static",
    "home.index",  # JSON, or (to a browser) a redirect to the recipes
    "home.healthz",
    "api-docs.openapi_json",
    "exporting.export_all",
    "exporting.export_recipe",
    "backups.download",
    "images.picture",
    "sharing.picture",
    "images.kept_picture",  # a picture kept between two submits of the recipe form
    "planner.feed",  # the plan as an iCalendar file
    "shopping_poll.state",  # JSON (or a 304) for the list page's script
    "offline.manifest",  # the web app manifest (JSON)
    "offline.service_worker",  # the service worker's script
}
NOT_PAGE_PREFIXES = ("/api/v1/",)

# What fills each part of an address: by (endpoint, argument) first, then by argument.
FILL: dict[tuple[str, str] | str, Callable[[World], object]] = {
    "recipe_id": lambda w: w.recipe_id,
    "user_id": lambda w: w.bob_id,
    "token_id": lambda w: w.api_token_id,
    "reset_token": lambda w: w.reset_token,
    ("sharing.page", "token"): lambda w: w.share_token,
    ("backups.restore", "name"): lambda w: w.backup_name,
    "results_key": lambda w: w.results_key,
    "invite_token": lambda w: w.invite_token,
    "line": lambda w: 1,  # an ingredient line of the recipe ("200 g red lentils"), from 0
    "entry_id": lambda w: w.entry_id,
    "list_id": lambda w: w.list_id,
    "item_id": lambda w: w.item_id,
    ("shopping_shared.page", "list_token"): lambda w: w.list_token,
}

# Pages seen with a query too (the list's filters open on a tag or a search).
VARIANTS = {
    "cookbook.index": ["?tag=soup", "?q=lentil", "?favourite=1&min_rating=3&sort=rating"],
    "cooking.cook": ["?step=3", "?step=done", "?step=done&servings=8"],
    "planner.add": ["?meal=dinner&q=soup"],
    "planner.suggest": ["?meal=dinner&tag=fruit"],
    "shopping.page": ["?q=soup"],
}
# Pages that look different signed out, walked both ways (pages that send a signed-in
# visitor elsewhere, such as the login page, are walked signed out on their own).
ALSO_SIGNED_OUT = {"sharing.page", "joining.join", "shopping_shared.page"}


def _before_share_created(context: BrowserContext, world: World) -> None:
    """The new link's page shows a link made just now (once)."""
    csrf = csrf_token(context, world.base)
    post(context, f"{world.base}/recipes/{world.recipe_id}/shares", form={"csrf_token": csrf, "expiry": "1d"})


# Pages that show something only right after an action: the action, done first each time.
BEFORE = {"sharing.created": _before_share_created}


@dataclass(frozen=True)
class Target:
    """One page to walk: an endpoint, the query (or the 404 page), and who looks at it."""

    endpoint: str
    rule: str
    arguments: tuple[str, ...]
    query: str = ""
    signed_out: bool = False

    @property
    def id(self) -> str:
        return self.endpoint + self.query + (" signed out" if self.signed_out else "")


def _rules() -> list[tuple[str, str, tuple[str, ...]]]:
    """(endpoint, rule, arguments) of every GET rule of the app, read from its url_map."""
    from recipes import create_app

    with tempfile.TemporaryDirectory() as config_dir:
        app = create_app({"RECIPES_CONFIG_DIR": config_dir, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
        return sorted(
            (rule.endpoint, rule.rule, tuple(sorted(rule.arguments)))
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ())
        )


def targets() -> list[Target]:
    found = []
    for endpoint, rule, arguments in _rules():
        if endpoint in NOT_PAGES or rule.startswith(NOT_PAGE_PREFIXES):
            continue
        found.append(Target(endpoint, rule, arguments))
        found += [Target(endpoint, rule, arguments, query=q) for q in VARIANTS.get(endpoint, [])]
        if endpoint in ALSO_SIGNED_OUT:
            found.append(Target(endpoint, rule, arguments, signed_out=True))
    found.append(Target("404", "/no/such/page", ()))  # the error page
    return found


def address(target: Target, world: World) -> str:
    if target.endpoint == "404":
        return target.rule
    values = {}
    for argument in target.arguments:
        fill = FILL.get((target.endpoint, argument)) or FILL.get(argument)
        if fill is None:
            pytest.fail(
                f"{target.rule} ({target.endpoint}) is a new page whose <{argument}> this walk cannot fill: "
                f"add a value to FILL in {Path(__file__).name} (and its data to world.py)"
            )
        values[argument] = fill(world)
    path = target.rule
    for argument, value in values.items():
        path = re.sub(rf"<(?:[^<>]*:)?{argument}>", str(value), path)
    return path + target.query


# --- what is checked on each page ---------------------------------------------------------

# Run in the page: the problems it has now (and, with `phone`, the header's rows).
CHECKS = """
({phone, width}) => {
  // `width` is the window's: a phone browser widens its layout to fit content that is too
  // wide (and innerWidth with it), so the page is measured against the window itself.
  const problems = [];
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // checkVisibility() is false inside a closed <details> (its content is laid out but not shown).
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none" &&
      el.checkVisibility({ visibilityProperty: true });
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "");

  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const page = Math.max(document.documentElement.scrollWidth, window.innerWidth);
  if (page > width) {
    // The outermost elements that reach past the right edge.
    const wide = [...document.body.querySelectorAll("*")].filter((el) => {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement && el.parentElement.getBoundingClientRect().right;
      return right > width + 1 && !(parent > width + 1) && visible(el) && !clipped(el);
    });
    problems.push(`scrolls sideways: ${page}px wide in a ${width}px window (${wide.slice(0, 4).map(name).join(", ")})`);
  }
  // A part of the page that scrolls sideways hides what is off its edge (a table's last columns).
  for (const el of document.body.querySelectorAll("*")) {
    if (!scrolls(el) || !visible(el) || el.closest("pre, textarea")) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      const inside = el.firstElementChild ? ` (${name(el.firstElementChild)})` : "";
      problems.push(`${name(el)}${inside} scrolls sideways: ${el.scrollWidth}px wide in ${el.clientWidth}px`);
    }
  }

  const ruler = document.createElement("canvas").getContext("2d");
  const widestWord = (el) => {
    ruler.font = getComputedStyle(el).font;
    let widest = ["", 0];
    for (const word of el.innerText.split(/\\s+/)) {
      const size = ruler.measureText(word).width;
      if (size > widest[1]) widest = [word, size];
    }
    return widest;
  };
  const controls = document.querySelectorAll(
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]):not([type=button])" +
    ":not([type=reset]):not([type=image]), select, textarea");
  for (const control of controls) {
    if (!visible(control)) continue;
    for (const label of control.labels || []) {
      if (!visible(label) || label.contains(control)) continue;
      const [word, size] = widestWord(label);
      const field = control.getBoundingClientRect().width;
      if (field + 1 < size) {
        problems.push(`${name(control)} is ${Math.round(field)}px wide, narrower than "${word}" ` +
          `(${Math.round(size)}px) of its label`);
      }
      const own = label.getBoundingClientRect().width;
      if (own + 1 < size) {
        problems.push(`the label "${label.innerText.trim()}" is ${Math.round(own)}px wide: "${word}" ` +
          `(${Math.round(size)}px) breaks inside`);
      }
    }
  }

  if (phone) {
    // Cook mode has its own bar in place of the site's header (all of the screen is for the step):
    // the same one-row rule holds for it.
    const header = document.querySelector("header.site") || document.querySelector("body > header") ||
      document.querySelector("header.cook-bar");
    if (!header) {
      problems.push("no site header");
    } else {
      const items = [...header.querySelectorAll("a, button, summary, input, select, img, [role=button]")]
        .filter(visible).map((el) => [el, el.getBoundingClientRect()]);
      const lowestTop = Math.max(...items.map(([, box]) => box.top));
      const highestBottom = Math.min(...items.map(([, box]) => box.bottom));
      if (items.length && lowestTop >= highestBottom) {
        const rows = [...new Set(items.map(([, box]) => Math.round(box.top)))].sort((a, b) => a - b);
        const high = Math.round(header.getBoundingClientRect().height);
        problems.push(`the phone header takes more than one row (${high}px high; items start at ${rows.join(", ")}px)`);
      }
    }
  }
  return problems;
}
"""

SENT_ELSEWHERE = "sent to"

OPEN_DETAILS = """() => {
  let opened = 0;
  for (const details of document.querySelectorAll("main details:not([open])")) { details.open = true; opened++; }
  return opened;
}"""


class Walker:
    """The browser contexts of the walk (one per size, scheme and visitor), kept open."""

    def __init__(self, browser: Browser, world: World) -> None:
        self.browser = browser
        self.world = world
        self.contexts: dict[tuple[str, str, bool], BrowserContext] = {}

    def context(self, size: str, scheme: str, signed_out: bool) -> BrowserContext:
        key = (size, scheme, signed_out)
        if key not in self.contexts:
            self.contexts[key] = self.browser.new_context(
                base_url=self.world.base,
                viewport=SIZES[size],  # type: ignore[arg-type]
                color_scheme=scheme,  # type: ignore[arg-type]
                is_mobile=size == "390",
                has_touch=size == "390",
                storage_state=None if signed_out else self.world.state,
            )
        return self.contexts[key]

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()

    def walk(self, target: Target, path: str, size: str, scheme: str) -> list[str]:
        """The problems of the page at `path`, seen by the target's visitor; a page that sends
        the signed-in visitor elsewhere (the login page) is seen signed out instead."""
        problems = self._walk(target, path, size, scheme, target.signed_out)
        if not target.signed_out and problems and problems[0].startswith(SENT_ELSEWHERE):
            problems = self._walk(target, path, size, scheme, signed_out=True)
        return problems

    def _walk(self, target: Target, path: str, size: str, scheme: str, signed_out: bool) -> list[str]:
        context = self.context(size, scheme, signed_out)
        if target.endpoint in BEFORE:
            BEFORE[target.endpoint](context, self.world)
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            # A page answered 404 (the error page) logs "Failed to load resource" for itself;
            # failed assets are caught by on_response instead.
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                errors.append(f"console: {message.text}")

        def on_response(response: Response) -> None:
            if response.status >= 400 and response.request.resource_type != "document":
                errors.append(f"{response.status} for {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("pageerror", lambda exc: errors.append(f"script error: {exc}"))
        try:
            return self._look(page, target, path, size, scheme) + errors
        finally:
            page.close()

    def _look(self, page: Page, target: Target, path: str, size: str, scheme: str) -> list[str]:
        response = page.goto(path, wait_until="load")
        assert response is not None
        expected = 404 if target.endpoint == "404" else 200
        problems = []
        landed = page.url.split("#")[0].removeprefix(self.world.base)
        if landed != path:
            return [f"{SENT_ELSEWHERE} {landed}: walk it as another visitor, or prepare it in BEFORE"]
        if response.status != expected:
            problems.append(f"answered {response.status}, not {expected}")
        if "text/html" not in response.headers.get("content-type", ""):
            problems.append(
                f"answered {response.headers.get('content-type')}, not a page: add {target.endpoint} to NOT_PAGES"
            )
            return problems
        window = SIZES[size]["width"]
        problems += page.evaluate(CHECKS, {"phone": size == "390", "width": window})
        if page.evaluate(OPEN_DETAILS):  # folded parts (the filters): their fields too
            problems += [f"(opened) {p}" for p in page.evaluate(CHECKS, {"phone": False, "width": window})]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9.=-]+", "_", target.id).strip("_")
        page.screenshot(path=str(SCREENSHOTS / f"{slug}-{size}-{scheme}.png"), full_page=True)
        return problems


@pytest.fixture(scope="module")
def walker(browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[Walker]:
    config_dir = tmp_path_factory.mktemp("walk")
    with serving(config_dir, f"recipes_walk_{worker_id}") as (base, env):
        walker = Walker(browser, build_world(browser, base, config_dir, env))
        try:
            yield walker
        finally:
            walker.close()


@pytest.mark.parametrize("target", targets(), ids=lambda t: t.id)
def test_page(walker: Walker, target: Target) -> None:
    path = address(target, walker.world)
    problems = [
        f"{size} {scheme}: {problem}"
        for size in SIZES
        for scheme in SCHEMES
        for problem in walker.walk(target, path, size, scheme)
    ]
    assert not problems, f"{path}:\n" + "\n".join(problems)


def test_the_walk_reads_every_page_from_the_url_map() -> None:
    walked = {t.endpoint for t in targets()}
    for endpoint, rule, _ in _rules():
        assert endpoint in walked or endpoint in NOT_PAGES or rule.startswith(NOT_PAGE_PREFIXES), endpoint
    assert {"cookbook.index", "cookbook.detail", "auth.account", "sharing.page", "backups.restore"} <= walked
    assert {"households.page", "joining.join", "household_admin.index"} <= walked
    assert {"planner.week", "planner.add", "planner.suggest", "planner.show_entry"} <= walked
    assert {"shopping.index", "shopping.page", "shopping.print_view", "shopping.edit_item"} <= walked
    assert {"shopping.settings", "shopping_shared.page"} <= walked
    assert not walked & NOT_PAGES
