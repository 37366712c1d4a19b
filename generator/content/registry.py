"""Template manifests: id, version, title, status and the hash of the files at approval.

A template whose files changed after approval is a draft again, automatically: the effective
status compares the recorded hash with the files as they are now.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from generator.common.errors import Problem, TemplateError
from generator.common.resources import TEMPLATES_DIR
from generator.common.yamlfile import load_yaml

MANIFEST_NAME = "manifest.yaml"


@dataclass(frozen=True)
class TemplateInfo:
    """One reviewed unit: a document template or a rule file, with its approval record."""

    id: str
    version: int
    title: str
    directory: Path
    files: tuple[Path, ...]
    recorded_status: str  # "draft" or "approved" as written in the manifest
    approved_by: str | None
    approved_on: date | None
    approved_sha256: str | None
    sha256: str  # of the files as they are now
    root: Path = TEMPLATES_DIR  # the templates root the Jinja loader searches (a copy in tests)

    @property
    def changed_since_approval(self) -> bool:
        return self.approved_sha256 is not None and self.approved_sha256 != self.sha256

    @property
    def status(self) -> str:
        """"approved" only when recorded so and the files still hash to the approved value."""
        if self.recorded_status == "approved" and self.approved_sha256 == self.sha256:
            return "approved"
        return "draft"

    @property
    def is_draft(self) -> bool:
        return self.status != "approved"

    @property
    def main_file(self) -> Path:
        return self.files[0]

    @property
    def manifest_path(self) -> Path:
        return self.directory / MANIFEST_NAME

    @property
    def is_rule_file(self) -> bool:
        """A directive rule file (YAML) rather than a document template (Jinja markup)."""
        return self.main_file.suffix in (".yaml", ".yml")

    def template_name(self, root: Path | None = None) -> str:
        """The main file's name for the Jinja loader (relative to the templates root, '/'-separated)."""
        return self.main_file.resolve().relative_to((root or self.root).resolve()).as_posix()


def files_sha256(files: tuple[Path, ...], base: Path) -> str:
    """One hash over the files' names (relative to `base`) and bytes, in manifest order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.resolve().relative_to(base.resolve().parent).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load_template_info(directory: Path) -> TemplateInfo:
    """Read `directory/manifest.yaml`; TemplateError naming FILE:LINE for any problem."""
    manifest = directory / MANIFEST_NAME
    document = load_yaml(manifest, "tệp mô tả mẫu")
    data = document.data if isinstance(document.data, dict) else {}
    problems: list[Problem] = []
    for key in ("id", "version", "title", "files", "status"):
        if key not in data:
            problems.append(document.problem((), f"thiếu mục “{key}”"))
    status = data.get("status", "draft")
    if status not in ("draft", "approved"):
        problems.append(document.problem(("status",), "status phải là “draft” hoặc “approved”"))
    files = tuple(directory / str(f) for f in data.get("files") or ())
    for i, path in enumerate(files):
        if not path.is_file():
            problems.append(document.problem(("files", i), f"không tìm thấy tệp {path.name}"))
    if problems:
        raise TemplateError(f"Tệp mô tả mẫu {manifest} không hợp lệ", tuple(problems))
    approved_on = data.get("approved_on")
    return TemplateInfo(
        id=str(data["id"]),
        version=int(data["version"]),
        title=str(data["title"]),
        directory=directory,
        files=files,
        recorded_status=status,
        approved_by=data.get("approved_by"),
        approved_on=approved_on if isinstance(approved_on, date) else None,
        approved_sha256=data.get("approved_sha256"),
        sha256=files_sha256(files, directory),
        root=directory.parent,
    )


def templates_root() -> Path:
    """The templates root used when none is given, read at call time.

    The environment variable CONGVAN_TEMPLATES names another folder (an office keeping its approved
    templates outside the installed package, or a test's copy); it reaches batch and preview worker
    processes too, which a variable in this module would not.
    """
    override = os.environ.get(TEMPLATES_ENV, "").strip()
    return Path(override) if override else TEMPLATES_ROOT


TEMPLATES_ENV = "CONGVAN_TEMPLATES"
TEMPLATES_ROOT = TEMPLATES_DIR


def find_template(template_id: str, root: Path | None = None) -> TemplateInfo:
    """The template or rule file with this id; TemplateError listing the known ids otherwise."""
    known = all_templates(root)
    for info in known:
        if info.id == template_id:
            return info
    names = ", ".join(i.id for i in known) or "(không có)"
    raise TemplateError(f"Không có mẫu “{template_id}”. Các mẫu hiện có: {names}")


def all_templates(root: Path | None = None) -> tuple[TemplateInfo, ...]:
    """Every template and rule file under `root` (default: the project's templates/), by folder name."""
    base = root or templates_root()
    return tuple(load_template_info(m.parent) for m in sorted(base.glob(f"*/{MANIFEST_NAME}")))
