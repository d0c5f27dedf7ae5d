"""The ingredient parser's numbers: accuracy on the held-out labelled lines, cost per line, memory.

    python scripts/bench_ingredient_parser.py [--corpus DIR] [--markdown docs/benchmarks.md]

DIR holds the labelled CSV files (default: ../shared/corpus/ingredients beside the repository, else
the held-out sample in tests/data/ingredients). Prints:
  - the score on the held-out lines (never trained or tuned on; scripts/ingredient_corpus.py) and,
    for reference, on all lines (training lines included);
  - parse cost per line in a warm process, without the cache of repeated lines (the process's CPU
    time, time.process_time, over every corpus line, best of three passes after a warm-up: CPU time,
    so that other work on the machine does not count) and with it;
  - the memory the parser adds to a process (RSS and PSS from /proc/self/smaps_rollup, in a fresh
    interpreter: before importing the parser, after its first line, after every corpus line);
  - what backfilling 500,000 lines would cost at those rates.
Targets (issue 16): held-out amount+unit >= 98%, whole line >= 95%; <= 0.2 ms a line; <= 10 MiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_section import write_section  # noqa: E402
from ingredient_corpus import corpus_files, held_out, read_rows, score  # noqa: E402

SAMPLE = ROOT / "tests" / "data" / "ingredients"
BACKFILL_LINES = 500_000

_MEMORY_PROBE = r"""
import json, sys
def smaps():
    fields = {}
    with open("/proc/self/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3 and parts[-1] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields["Rss"], fields["Pss"]
lines = json.load(sys.stdin)
import recipes, recipes.ingredients
before = smaps()
from recipes.ingredients.parser import parse_line
parse_line(lines[0])
first = smaps()
for line in lines:
    parse_line(line)
full = smaps()
print(json.dumps({"before": before, "first": first, "full": full}))
"""


def default_corpus() -> Path:
    for candidate in (ROOT.parent / "shared" / "corpus" / "ingredients", Path("/work/shared/corpus/ingredients")):
        if corpus_files(candidate):
            return candidate
    return SAMPLE


def per_line_ms(parse: Callable[[str], object], lines: list[str], passes: int = 3) -> float:
    best = float("inf")
    for _ in range(passes):
        started = time.process_time()
        for line in lines:
            parse(line)
        best = min(best, time.process_time() - started)
    return 1000 * best / len(lines)


def memory(lines: list[str]) -> dict[str, list[int]]:
    """RSS and PSS (kB) of a fresh interpreter: before the parser, after its first line, after them all."""
    probe = subprocess.run(
        [sys.executable, "-c", _MEMORY_PROBE],
        input=json.dumps(lines),
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    data: dict[str, list[int]] = json.loads(probe.stdout)
    return data


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=None, help="folder of labelled CSV files")
    ap.add_argument("--markdown", type=Path, help="write the numbers into this file's ingredient-parser section")
    args = ap.parse_args()
    corpus = args.corpus or default_corpus()
    files = corpus_files(corpus)
    if not files:
        ap.error(f"no labelled CSV files in {corpus}")
    rows = read_rows(files)
    held = [row for row in rows if held_out(row["input"])]
    lines = [row["input"] for row in rows]

    from recipes.ingredients import parser

    cached_lines = parser.REMEMBERED_LINES
    started = time.perf_counter()
    parser.parse_uncached(lines[0])
    load_ms = 1000 * (time.perf_counter() - started)
    held_score = score(held, parser.parse_uncached)
    all_score = score(rows, parser.parse_uncached)
    for line in lines[:2000]:
        parser.parse_uncached(line)
    uncached = per_line_ms(parser.parse_uncached, lines)
    common = lines[:1000]  # a library's repeated lines ("1 tsp salt"): read once, then remembered
    for line in common:
        parser.parse_line(line)
    cached = per_line_ms(parser.parse_line, common)
    mem = memory(lines)
    mib = 1024.0
    added_first = [(mem["first"][k] - mem["before"][k]) / mib for k in (0, 1)]
    added_full = [(mem["full"][k] - mem["before"][k]) / mib for k in (0, 1)]

    report = [
        f"Corpus: {corpus} ({len(rows)} lines; {len(held)} held out, never trained or tuned on)",
        f"Held-out ({held_score.lines} scored lines): {held_score.summary()}",
        f"All lines ({all_score.lines} scored, training lines included): {all_score.summary()}",
        f"Model load and first line: {load_ms:.0f} ms",
        f"Parse cost, warm, uncached: {uncached:.3f} ms of CPU a line (best of 3 passes over {len(lines)} lines)",
        f"Parse cost of a line read before (parse_line remembers up to {cached_lines} lines): {cached:.4f} ms",
        f"Memory added by the parser: after its first line RSS {added_first[0]:.1f} MiB, PSS {added_first[1]:.1f} MiB;"
        f" after every corpus line (cache full) RSS {added_full[0]:.1f} MiB, PSS {added_full[1]:.1f} MiB",
        f"Backfill of {BACKFILL_LINES:,} lines, parsing alone: {BACKFILL_LINES * uncached / 1000:.0f} s if every line"
        f" is new, {BACKFILL_LINES * cached / 1000:.1f} s if every line was read before (one process; the whole"
        " backfill, measured: scripts/bench_ingredient_backfill.py)",
    ]
    print("\n".join(report))
    ok = (
        held_score.percent("amount+unit") >= 98
        and held_score.percent("line") >= 95
        and uncached <= 0.2
        and added_full[1] <= 10
    )
    print("targets met" if ok else "TARGETS MISSED")
    if args.markdown:
        body = "## Ingredient parser\n\n" + "\n".join(f"- {line}" for line in report)
        write_section(args.markdown, "ingredient-parser", body)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
