"""Recipe pages: list, view, create, edit, delete (blueprint in views.py)."""
