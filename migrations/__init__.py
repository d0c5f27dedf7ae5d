"""Alembic migrations, shipped inside the package as recipes._migrations."""
