"""One module per file format; each turns an opened file into ParsedRecipes (see ..parsed)."""
