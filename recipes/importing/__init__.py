"""The import wing: recipes from web pages (`pages/`) and from other apps' export files (`files/`);
the import page and its forms are shared by both."""
