"""Stage 6: files on disk (atomic), manifests, and the batch over units."""
