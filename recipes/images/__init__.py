"""Recipe pictures: checking, decoding, resizing and re-encoding uploaded or downloaded images."""
