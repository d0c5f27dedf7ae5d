"""The trained tagger (a CRF, python-crfsuite) that labels each token of an ingredient line.

Loaded on first use, once per process: importing this module loads nothing. The model file ships in
the package beside this module (scripts/train_ingredient_model.py writes it).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("model.crfsuite")

# The labels the model gives tokens.
LABELS = ("QTY", "UNIT", "SIZE", "NAME", "PREP", "COMMENT", "PURPOSE", "PUNC")


class Tagger:
    """A typed face for pycrfsuite.Tagger: labels and how sure the model is of the whole labelling."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        import pycrfsuite

        self._tagger: Any = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._lock = threading.Lock()  # one labelling at a time: the C tagger keeps state between calls

    def tag(self, xseq: list[list[str]]) -> Tagging:
        """The labels of a line's tokens, the model's probability of that whole labelling, and when no
        token is labelled NAME, how likely each token is the food all the same."""
        with self._lock:
            labels: list[str] = self._tagger.tag(xseq)
            probability = float(self._tagger.probability(labels))
            name_odds = None
            if "NAME" not in labels:
                name_odds = [float(self._tagger.marginal("NAME", i)) for i in range(len(labels))]
        return Tagging(labels, probability, name_odds)


@dataclass(frozen=True, slots=True)
class Tagging:
    labels: list[str]
    probability: float
    name_odds: list[float] | None  # P(NAME) of each token, when no token got the label


_loaded: Tagger | None = None
_loading = threading.Lock()


def tagger() -> Tagger:
    """The process's tagger, loaded the first time it is asked for."""
    global _loaded
    if _loaded is None:
        with _loading:
            if _loaded is None:
                _loaded = Tagger()
    return _loaded


def _fresh_locks() -> None:
    """In a forked child (a backfill's reading process, a worker of a master that had loaded the
    parser): locks of its own, since one another thread held at the fork would never be let go."""
    global _loading
    _loading = threading.Lock()
    if _loaded is not None:
        _loaded._lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks)
