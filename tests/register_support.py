"""Shared pieces of the register and web tests: an approved copy of the templates, accounts."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from generator.common.resources import TEMPLATES_DIR
from generator.content import all_templates
from generator.review import approve

REVIEWER_NAME = "Nguyễn Thị Hoa"
PASSWORD = "mat-khau-thu-nghiem"


def approved_templates(folder: Path, approve_all: bool = True) -> Path:
    """A copy of the package's templates under `folder`, every template approved (unless told not to)."""
    root = folder / "templates"
    shutil.copytree(TEMPLATES_DIR, root)
    if approve_all:
        for info in all_templates(root):
            approve(info, REVIEWER_NAME, date(2024, 8, 5))
    return root
