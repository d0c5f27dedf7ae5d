"""Ratings, favourites and the cooking log: what each account keeps about the recipes it can see.

Plain services and queries over the models, below the pages and the API (which are in
cookbook/marks_views.py and api/views.py): `services` changes an account's marks, `marks`
reads them for a page, a card, the API's recipe object or the export, `queries` gives search
its filters and orders, `transfer` carries them through an export file and back.
"""
