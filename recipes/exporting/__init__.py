"""Taking recipes out: the whole library as a file, and one recipe as JSON-LD, Markdown or text."""
