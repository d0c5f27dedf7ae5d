"""The old home of the access logger. Copies of gunicorn.conf.py seeded before the logger
moved to recipes/access_log.py still name `recipes.access_log.AccessLogWithoutSecrets`, and
that copy is the user's (never overwritten): this name keeps them starting."""

from .access_log import AccessLogWithoutSecrets

__all__ = ["AccessLogWithoutSecrets"]
