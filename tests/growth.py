"""How work grows with its input, for "linear time" tests that must hold on a busy machine.

An absolute bound ("under 2 s") fails whenever the machine is loaded, and a fast machine
can hide a quadratic reader under it. `growth(work, small, large)` instead compares two
sizes of the same input on the same machine: for an input 4 times larger, linear work
takes about 4 times longer and quadratic work 16 times. Each size is timed in CPU time of
the calling thread (time spent waiting for a busy CPU does not count), several times,
interleaved, and the fastest run of each is taken, so one descheduled or cache-cold run
does not decide. The garbage collector is off while a run is timed: its full collections
walk every object alive, which makes a reader building a large tree look a little worse
than linear (a ratio of 5.5 instead of 4 for 4 times the recipes) without saying anything
of the reader.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def growth(work: Callable[[T], object], small: T, large: T, *, repeats: int = 3) -> float:
    """How many times longer `work(large)` takes than `work(small)` (the best of `repeats` each)."""
    best = [float("inf"), float("inf")]
    collecting = gc.isenabled()
    try:
        for _ in range(repeats):
            for which, data in enumerate((small, large)):
                gc.disable()
                started = time.thread_time()
                work(data)
                best[which] = min(best[which], time.thread_time() - started)
                if collecting:
                    gc.enable()
    finally:
        if collecting:
            gc.enable()
    return best[1] / max(best[0], 1e-6)
