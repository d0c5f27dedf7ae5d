"""Shopping lists: a household's lists, what recipes need merged into rows by food (merging.py),
aisles (aisles.py, data/aisles.csv), pantry staples (staples.py), check-off that never loses a
change (services.py: versions and op_ids), read-only links (sharing.py), the pages (views.py)."""
