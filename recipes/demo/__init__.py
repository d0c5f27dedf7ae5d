"""Demo data: realistic, varied recipes made up on the spot (see `generator`)."""

from .generator import ABSENT_TERMS, COMMON_TERMS, RARE_TERMS, generate

__all__ = ["ABSENT_TERMS", "COMMON_TERMS", "RARE_TERMS", "generate"]
