"""Make the installable app's icons from static/favicon.svg: run once, the PNGs are committed.

    .venv/bin/python scripts/make_icons.py

Debian's Chromium (through Playwright, the test suite's) draws the SVG at each size; Pillow puts it
on its background and keeps the files small (128 colours). What it makes, in recipes/static/icons/:

- icon-192.png, icon-512.png: the bowl on a see-through background, a little margin round it
  (the manifest's "any" icons: a desktop's app list, a browser's tab strip);
- maskable-192.png, maskable-512.png: full bleed on the light theme colour, the bowl inside the
  middle 80% circle every launcher's mask keeps (the manifest's "maskable" icons: Android);
- apple-touch-icon.png (180x180): opaque (iOS turns see-through pixels black), for the iOS home screen.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "recipes" / "static"
BACKGROUND = (255, 255, 255)  # the light theme colour (recipes/offline/views.py)
CHROMIUM = os.environ.get("RECIPES_CHROMIUM", "/usr/bin/chromium")


def drawn(svg: bytes, size: int) -> Image.Image:
    """The SVG drawn by Chromium at `size` x `size` pixels, on a see-through background."""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": size, "height": size})
        page.set_content(
            f'<html><body style="margin:0;background:transparent"><img src="{source}" '
            f'width="{size}" height="{size}" style="display:block"></body></html>'
        )
        shot = page.screenshot(omit_background=True)
        browser.close()
    return Image.open(io.BytesIO(shot)).convert("RGBA")


def placed(svg: bytes, size: int, share: float, background: tuple[int, int, int] | None) -> Image.Image:
    """The drawing, `share` of the side, in the middle of a `size` square."""
    inner = round(size * share)
    art = drawn(svg, inner)
    canvas = Image.new("RGBA", (size, size), (*background, 255) if background else (0, 0, 0, 0))
    offset = (size - inner) // 2
    canvas.alpha_composite(art, (offset, offset))
    return canvas


def save(image: Image.Image, path: Path, opaque: bool) -> None:
    """128 colours: the icons have a handful, and stay a few kilobytes."""
    if opaque:
        image.convert("RGB").quantize(colors=128, dither=Image.Dither.NONE).convert("RGB").save(path, optimize=True)
    else:
        image.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=STATIC / "icons")
    args = parser.parse_args()
    svg = (STATIC / "favicon.svg").read_bytes()
    args.out.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        save(placed(svg, size, 0.9, None), args.out / f"icon-{size}.png", opaque=False)
        # The safe zone is the middle circle, 80% of the side across. The bowl's farthest points (the
        # rim's ends) are 0.45 of the drawing's side from its middle: drawn at 0.8, they are inside.
        save(placed(svg, size, 0.8, BACKGROUND), args.out / f"maskable-{size}.png", opaque=True)
    save(placed(svg, 180, 0.85, BACKGROUND), args.out / "apple-touch-icon.png", opaque=True)
    for path in sorted(args.out.glob("*.png")):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
