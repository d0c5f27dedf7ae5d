"""The version of Recipes: shown in the footer and `GET /`, sent in the fetcher's User-Agent,
written into backups. Its own module, so nothing inside the package imports the package's
top (`recipes/__init__.py`, which builds the app)."""

__version__ = "0.1.0"
