"""Recipe pages: list, view, create, edit, delete."""

from .views import bp

__all__ = ["bp"]
