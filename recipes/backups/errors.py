"""The errors a backup or a restore raises, and the one line of a database error they quote."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore could not be made; the message is one line a person can act on."""


class RestoreRefused(BackupError):
    """The file given to restore is not one this Recipes can restore; nothing was changed."""


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [orig.__class__.__name__])[0]
