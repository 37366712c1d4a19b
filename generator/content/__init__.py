"""Stage 4: document content, built from one Jinja template per document kind."""
