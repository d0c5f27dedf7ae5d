"""Demo data: realistic, varied recipes made up on the spot (see `generator`), from the
tables and word lists in `catalogue`."""

from .catalogue import ABSENT_TERMS, COMMON_TERMS, RARE_TERMS
from .generator import generate

__all__ = ["ABSENT_TERMS", "COMMON_TERMS", "RARE_TERMS", "generate"]
