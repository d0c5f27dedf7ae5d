"""Default files copied into the config directory (shipped as package data)."""
