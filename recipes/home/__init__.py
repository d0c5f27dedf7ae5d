"""The JSON hello at `/` and the health check at `/healthz`."""

from .views import bp

__all__ = ["bp"]
