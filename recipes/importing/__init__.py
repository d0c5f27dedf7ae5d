"""Importing recipes from web pages: fetching (through net), extracting, storing."""
