"""Backups of the whole database and restoring one: `recipes backup`, `recipes restore`,
the admin's "Back up now" button, and the entrypoint's backup before migrating."""
