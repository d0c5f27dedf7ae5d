"""Ingredients that know their amounts: parsing lines, units and conversion, scaling, foods.

Nothing here loads at import of the app: the parser's model loads on first use.
"""
