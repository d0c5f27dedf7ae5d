"""URL import: one web page fetched (through net.py), its site chosen, its recipe read."""
