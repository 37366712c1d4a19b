"""manifest.json: what was read, which template version made what, and the hash of every file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from generator.output.files import sha256_file, write_atomic
from generator.templating.manifest import TemplateInfo


@dataclass(frozen=True)
class FileRecord:
    path: str  # relative to the manifest's folder
    format: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class DocumentRecord:
    kind: str
    unit_code: str | None
    files: tuple[FileRecord, ...]
    skipped: bool = False  # unchanged output kept from an earlier run


@dataclass(frozen=True)
class FailureRecord:
    kind: str
    unit_code: str | None
    reason: str


@dataclass(frozen=True)
class TemplateRecord:
    id: str
    version: int
    sha256: str
    status: str

    @classmethod
    def of(cls, info: TemplateInfo) -> TemplateRecord:
        return cls(info.id, info.version, info.sha256, info.status)


@dataclass(frozen=True)
class Manifest:
    snapshot_path: str
    snapshot_sha256: str
    profile_id: str
    templates: tuple[TemplateRecord, ...]
    documents: tuple[DocumentRecord, ...]
    failures: tuple[FailureRecord, ...] = ()
    options: dict[str, object] = field(default_factory=dict)
    run: dict[str, object] = field(default_factory=dict)  # how the run went: time, workers, memory
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        data = asdict(self)
        data = {
            "snapshot": {"path": data.pop("snapshot_path"), "sha256": data.pop("snapshot_sha256")},
            **data,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def write(self, folder: Path) -> Path:
        path = folder / "manifest.json"
        write_atomic(path, self.to_json().encode("utf-8"))
        return path


def file_record(folder: Path, path: Path, fmt: str) -> FileRecord:
    return FileRecord(path.relative_to(folder).as_posix(), fmt, sha256_file(path), path.stat().st_size)
