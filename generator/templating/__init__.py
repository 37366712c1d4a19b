"""Template registry: manifests, approval status, review (for legal reviewers)."""
