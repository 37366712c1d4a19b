"""Stage 1: read and validate a snapshot file into a typed, immutable value."""
