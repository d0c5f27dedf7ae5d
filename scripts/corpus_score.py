"""Score the recipe extractor on saved real pages with known right answers.

    python scripts/corpus_score.py [DIR] [--min 0.97] [--with-real-url] [--verbose]

DIR (default tests/data/recipe-pages) holds `<host>/<name>.html.gz` pages, each beside
`<name>.expected.json` (see the README there). Every page is fed to `extract_recipe` as if
a server of our own had it: at http://127.0.0.1:8000/<host>/<name>.html, so the
extractor has to find the recipe's site from the page itself (its canonical link or
og:url), as it must for mirrors and saved pages. `--with-real-url` feeds the page's
canonical URL instead, as when the site itself is fetched.

Compared exactly, per page: the title, the ingredient lines and the instruction steps.
Ingredient groups are stored as a header line ending in ":" before each group's lines;
those are not in the expected flat list, so lines ending in ":" are left out on both
sides before comparing (on both, so a source line that itself ends in ":" is treated
alike). Whether the headers themselves are right is scored apart ("groups"): the stored
lines against the expected groups written out the same way. A page whose expected data
has no instruction steps expects none. A page counts as a match when title, ingredients
and instructions all match.

Prints the share of exact matches per field and overall, every failing page with a short
diff, the time per page, and exits 1 when the overall share is below --min.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import gzip
import json
import re
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recipes.cookbook.recipe_text import is_section_header  # noqa: E402
from recipes.importing.pages.extract import NoRecipeFound, extract_recipe  # noqa: E402

DEFAULT_DIR = ROOT / "tests" / "data" / "recipe-pages"
FIELDS = ("title", "ingredients", "instructions")


@dataclass
class PageResult:
    name: str
    seconds: float
    matches: dict[str, bool] = field(default_factory=dict)
    diffs: dict[str, str] = field(default_factory=dict)
    groups_match: bool | None = None  # None: the page has no named groups
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and all(self.matches.get(name, False) for name in FIELDS)


def pages(directory: Path) -> list[tuple[Path, Path]]:
    """(page, expected) pairs, sorted."""
    pairs = []
    for expected in sorted(directory.glob("*/*.expected.json")):
        page = expected.with_name(expected.name.removesuffix(".expected.json") + ".html.gz")
        if page.is_file():
            pairs.append((page, expected))
    return pairs


def neutral_url(page: Path) -> str:
    return f"http://127.0.0.1:8000/{page.parent.name}/{page.name.removesuffix('.gz')}"


def real_page_url(expected: dict[str, Any]) -> str:
    """The page's own address: its canonical URL (for a page without a canonical link the
    expected data holds just the host, which is given a scheme here)."""
    url = str(expected.get("canonical_url") or expected.get("host") or "")
    return url if "://" in url else f"https://{url}/"


def without_headers(lines: list[str]) -> list[str]:
    return [line for line in lines if not is_section_header(line)]


def grouped_lines(expected: dict[str, Any]) -> list[str] | None:
    """The expected ingredients written as the extractor writes groups; None without named groups."""
    groups = expected.get("ingredient_groups") or []
    if len(groups) < 2 or not any(group.get("purpose") for group in groups):
        return None
    lines: list[str] = []
    for group in groups:
        purpose = group.get("purpose")
        if purpose and group.get("ingredients"):
            lines.append(purpose if purpose.endswith(":") else f"{purpose}:")
        lines.extend(group.get("ingredients") or [])
    return lines


def short_diff(expected: Any, actual: Any, limit: int = 8) -> str:
    if isinstance(expected, list) and isinstance(actual, list):
        lines = list(difflib.unified_diff(expected, actual, "expected", "stored", n=0, lineterm=""))[2:]
        shown = [f"      {line!r}" if line.startswith("@@") else f"      {line[0]} {line[1:]!r}" for line in lines]
        if len(shown) > limit:
            shown = [*shown[:limit], f"      ... {len(shown) - limit} more diff lines"]
        return "\n".join(shown)
    return f"      - {expected!r}\n      + {actual!r}"


_ADDRESS_HINT = re.compile(
    r"<link\b[^>]*\brel\s*=\s*[\"']?canonical[^>]*>|<meta\b[^>]*\b(?:og|twitter):url\b[^>]*>", re.IGNORECASE
)


def score_page(page: Path, expected_path: Path, real_url: bool, hide_address: bool = False) -> PageResult:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    html = gzip.decompress(page.read_bytes()).decode("utf-8")
    if hide_address:
        html = _ADDRESS_HINT.sub("", html)
    url = real_page_url(expected) if real_url else neutral_url(page)
    name = f"{page.parent.name}/{page.name.removesuffix('.html.gz')}"
    started = time.perf_counter()
    try:
        extracted = extract_recipe(html, url)
    except NoRecipeFound as error:
        return PageResult(name, time.perf_counter() - started, error=f"NoRecipeFound: {error.message}")
    seconds = time.perf_counter() - started
    return compare(name, expected, extracted.data, seconds, extracted.scraper_host)


def compare(name: str, expected: dict[str, Any], stored: Any, seconds: float, scraper: str = "") -> PageResult:
    """Score what was extracted or stored (anything with title, ingredients and
    instructions: RecipeData or a saved Recipe) against a page's expected data."""
    result = PageResult(name, seconds)
    wanted: dict[str, Any] = {
        "title": expected.get("title", ""),
        "ingredients": without_headers(expected.get("ingredients") or []),
        "instructions": expected.get("instructions_list") or [],
    }
    got: dict[str, Any] = {
        "title": stored.title,
        "ingredients": without_headers(stored.ingredients),
        "instructions": stored.instructions,
    }
    for name_ in FIELDS:
        result.matches[name_] = wanted[name_] == got[name_]
        if not result.matches[name_]:
            result.diffs[name_] = short_diff(wanted[name_], got[name_])
    grouped = grouped_lines(expected)
    if grouped is not None:
        result.groups_match = grouped == stored.ingredients
        if not result.groups_match:
            result.diffs["groups"] = short_diff(grouped, stored.ingredients)
    result.diffs["scraper"] = scraper
    return result


class _CorpusHandler(BaseHTTPRequestHandler):
    directory: Path

    def do_GET(self) -> None:
        parts = self.path.split("?")[0].strip("/").split("/")
        page = None
        if len(parts) == 2 and parts[1].endswith(".html") and ".." not in parts:
            candidate = self.directory / parts[0] / f"{parts[1]}.gz"
            page = candidate if candidate.is_file() else None
        if page is None:
            self.send_error(404)
            return
        body = gzip.decompress(page.read_bytes())
        self.send_response(200)
        # No charset: like many real servers, the page itself has to say what it is.
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextlib.contextmanager
def serve_corpus(directory: Path) -> Iterator[str]:
    """Serve the pages on loopback at <base>/<host>/<name>.html; yields the base URL."""
    handler = type("Handler", (_CorpusHandler,), {"directory": directory})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def served_url(base: str, page: Path) -> str:
    return f"{base}/{page.parent.name}/{page.name.removesuffix('.gz')}"


def run(directory: Path, real_url: bool, hide_address: bool = False) -> list[PageResult]:
    return [score_page(page, expected, real_url, hide_address) for page, expected in pages(directory)]


def share(count: int, total: int) -> str:
    return f"{count}/{total} = {100 * count / total:.1f}%" if total else "0/0"


def report(results: list[PageResult], verbose: bool = False) -> float:
    total = len(results)
    print(f"{total} pages")
    for name in FIELDS:
        print(f"  {name:<13} {share(sum(r.matches.get(name, False) for r in results), total)}")
    grouped = [r for r in results if r.groups_match is not None]
    print(
        f"  {'groups':<13} {share(sum(bool(r.groups_match) for r in grouped), len(grouped))} (pages with named groups)"
    )
    ok = sum(r.ok for r in results)
    print(f"  {'overall':<13} {share(ok, total)}")
    times = [r.seconds * 1000 for r in results]
    if times:
        print(f"  time per page: mean {statistics.mean(times):.0f} ms, max {max(times):.0f} ms")
    for r in results:
        group_failure = verbose and r.groups_match is False
        if r.ok and not group_failure:
            continue
        if r.error:
            print(f"FAIL {r.name}: {r.error}")
            continue
        failed = [name for name in FIELDS if not r.matches.get(name)] + (["groups"] if group_failure else [])
        print(f"FAIL {r.name} ({', '.join(failed)}; scraper {r.diffs.get('scraper')})")
        for name in failed:
            print(f"    {name}:\n{r.diffs[name]}")
    return ok / total if total else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--min", type=float, default=0.0, help="fail below this overall share (0-1)")
    parser.add_argument("--with-real-url", action="store_true", help="feed the canonical URL, not a neutral one")
    parser.add_argument(
        "--hide-address",
        action="store_true",
        help="remove the pages' canonical links and og:url/twitter:url first (a harder test of the scraper choice)",
    )
    parser.add_argument("--verbose", action="store_true", help="also list pages whose group headers differ")
    args = parser.parse_args(argv)
    if not pages(args.directory):
        print(f"no pages in {args.directory}", file=sys.stderr)
        return 2
    overall = report(run(args.directory, args.with_real_url, args.hide_address), args.verbose)
    if overall < args.min:
        print(f"overall {overall:.3f} is below --min {args.min}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
