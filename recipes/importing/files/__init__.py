"""File import: other apps' export files (and ours), read through a capped archive reader, one module per format."""
