"""Share links: a read-only page of one recipe, at `/s/<token>`, for people without an account."""
