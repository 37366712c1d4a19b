"""Template registry: manifests, approval status, review (for legal reviewers)."""
from __future__ import annotations

from generator.review.approve import approval_line, approve
from generator.review.catalogue_doc import CATALOGUE_PATH, catalogue_markdown, write_catalogue
from generator.review.check import check_template, require_clean
from generator.review.diff import Line, Revision, approval_revision, report, revisions, template_diffs
from generator.review.pack import build_review, default_output, write_review
from generator.review.samples import SAMPLES_DIR

__all__ = [
    "CATALOGUE_PATH",
    "SAMPLES_DIR",
    "Line",
    "Revision",
    "approval_line",
    "approval_revision",
    "approve",
    "build_review",
    "catalogue_markdown",
    "check_template",
    "default_output",
    "report",
    "require_clean",
    "revisions",
    "template_diffs",
    "write_catalogue",
    "write_review",
]
