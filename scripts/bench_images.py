"""Time picture processing: `.venv/bin/python scripts/bench_images.py [--runs N] [--heic]`.

Generates photo-like 12 MP pictures (4000 x 3000: colour noise at several scales plus fine grain,
which compress and take as long to encode as photos do): a JPEG at quality 90, a PNG, and with
--heic a HEIC (pillow-heif, x265; one 4000 x 3000 image, where iPhones store a grid of tiles that
libheif decodes in parallel).
Each one is processed in a fresh Python process, so its memory figures are its own:

- cold: the first call (includes Pillow's plugin loading, and pillow-heif's registration);
- median / min: the next --runs calls;
- peak RSS: the process's high-water mark during the first call, and how much that call added
  to the RSS it started from (imports done, input in memory). This is the number that matters:
  Pillow's pixel buffers are allocated in C;
- tracemalloc peak: Python-level allocations only (the input and output bytes, Python objects),
  measured in a separate call because tracing slows Python down. Pixel buffers are not in it.

Prints a Markdown table for docs/benchmarks.md, with the machine and library versions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from io import BytesIO
from pathlib import Path

import PIL
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def photo(width: int, height: int) -> Image.Image:
    """Cloud-like colour at several scales plus fine grain: compresses like a photo, not a drawing."""
    channels = []
    for _ in range(3):
        channel: Image.Image | None = None
        for scale, weight in ((400, 0.45), (100, 0.3), (25, 0.15), (6, 0.1)):
            layer = Image.effect_noise((max(2, width // scale), max(2, height // scale)), 60)
            layer = layer.resize((width, height), Image.Resampling.BICUBIC)
            channel = layer if channel is None else Image.blend(channel, layer, weight)
        assert channel is not None
        channels.append(channel)
    grain = Image.merge("RGB", [Image.effect_noise((width, height), 10)] * 3)
    return Image.blend(Image.merge("RGB", channels), grain, 0.1)


def make_inputs(directory: Path, heic: bool) -> dict[str, Path]:
    im = photo(4000, 3000)
    cases: dict[str, Path] = {}
    for name, fmt, params in [("12 MP JPEG", "JPEG", {"quality": 90}), ("12 MP PNG", "PNG", {})]:
        path = directory / f"{fmt.lower()}.bin"
        buffer = BytesIO()
        im.save(buffer, fmt, **params)
        path.write_bytes(buffer.getvalue())
        cases[name] = path
    if heic:
        import pillow_heif

        buffer = BytesIO()
        pillow_heif.from_pillow(im).save(buffer, quality=80, enc_params={"preset": "ultrafast"})
        path = directory / "heic.bin"
        path.write_bytes(buffer.getvalue())
        cases["12 MP HEIC"] = path
    return cases


def _status_mb(field: str) -> float | None:
    """A memory figure from /proc/self/status (Linux), in MB."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def rss_mb() -> float:
    return _status_mb("VmRSS") or 0.0


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM where there is one: on Linux ru_maxrss is
    carried over from the parent through fork and exec, which would hide the child's own peak."""
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    kilobytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kilobytes / 1024 / (1024 if sys.platform == "darwin" else 1)  # bytes on macOS


def reset_peak_rss() -> None:
    """Start the peak from here (Linux 4.0+: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def child(path: Path, runs: int) -> None:
    """Measure one input in this (fresh) process and print the numbers as JSON."""
    from recipes.images.processing import process_image

    data = path.read_bytes()
    reset_peak_rss()
    rss_before = rss_mb()
    started = time.perf_counter()
    result = process_image(data)
    cold_ms = (time.perf_counter() - started) * 1000
    rss_peak = peak_rss_mb()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process_image(data)
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    process_image(data)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "input_bytes": len(data),
                "full": [result.full.width, result.full.height, len(result.full.data)],
                "thumb": [result.thumb.width, result.thumb.height, len(result.thumb.data)],
                "cold_ms": cold_ms,
                "median_ms": statistics.median(times),
                "min_ms": min(times),
                "rss_before_mb": rss_before,
                "rss_peak_mb": rss_peak,
                "tracemalloc_peak_mb": traced_peak / 1024 / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="timed calls after the first (default 7)")
    parser.add_argument("--heic", action="store_true", help="also a 12 MP HEIC (needs pillow-heif; slow to make)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--markdown", type=Path, help="also write the table into this file's 'pictures' section")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.runs)
        return

    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        cases = make_inputs(Path(tmp), args.heic)
        rows = []
        for name, path in cases.items():
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--runs", str(args.runs)],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            ).stdout
            numbers = json.loads(output.strip().splitlines()[-1])
            rows.append((name, numbers))

    versions = f"Pillow {PIL.__version__}"
    try:
        import pillow_heif

        versions += f", pillow-heif {pillow_heif.__version__} (libheif {pillow_heif.libheif_version()})"
    except ImportError:
        versions += ", no pillow-heif"
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {versions}",
        "",
        "| input | size | cold | median | min | peak RSS (added) | tracemalloc peak | full / thumb WebP |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, n in rows:
        lines.append(
            f"| {name} | {n['input_bytes'] / 1e6:.1f} MB | {n['cold_ms']:.0f} ms | {n['median_ms']:.0f} ms "
            f"| {n['min_ms']:.0f} ms | {n['rss_peak_mb']:.0f} MB (+{n['rss_peak_mb'] - n['rss_before_mb']:.0f} MB) "
            f"| {n['tracemalloc_peak_mb']:.1f} MB "
            f"| {n['full'][0]}x{n['full'][1]} {n['full'][2] / 1e3:.0f} kB / "
            f"{n['thumb'][0]}x{n['thumb'][1]} {n['thumb'][2] / 1e3:.0f} kB |"
        )
    print("\n".join(lines))
    if args.markdown:
        from bench_section import write_section

        intro = "## Pictures\n\n`scripts/bench_images.py`: one upload (decode, orient, sRGB, resize, WebP x2).\n"
        write_section(args.markdown, "pictures", intro + "\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
