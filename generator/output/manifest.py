"""manifest.json: what was read, which template version made what, and the hash of every file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from generator.content import TemplateInfo
from generator.output.files import write_atomic

MANIFEST_NAME = "manifest.json"


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
    generated_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        data = asdict(self)
        data = {
            "snapshot": {"path": data.pop("snapshot_path"), "sha256": data.pop("snapshot_sha256")},
            **data,
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def to_bytes(self) -> bytes:
        return self.to_json().encode("utf-8")

    def write(self, folder: Path) -> Path:
        path = folder / MANIFEST_NAME
        write_atomic(path, self.to_bytes())
        return path


def keep_other_documents(manifest: Manifest, earlier_manifest: bytes | None) -> Manifest:
    """Carry over what an earlier run (e.g. a batch) recorded for other documents of the same snapshot.

    `generate` rewrites only the dispatch; without this, it would drop the notices a batch listed
    in the same folder. Records of another snapshot are stale and are not carried over.
    """
    if earlier_manifest is None:
        return manifest  # no earlier manifest: describe this run only
    try:
        earlier = json.loads(earlier_manifest.decode("utf-8"))
        if earlier["snapshot"]["sha256"] != manifest.snapshot_sha256:
            return manifest
        mine = {(d.kind, d.unit_code) for d in manifest.documents}
        kept = tuple(
            DocumentRecord(d["kind"], d["unit_code"], tuple(FileRecord(**f) for f in d["files"]),
                           d.get("skipped", False))
            for d in earlier["documents"] if (d["kind"], d["unit_code"]) not in mine
        )
        failures = tuple(FailureRecord(**f) for f in earlier.get("failures", ())
                         if (f["kind"], f["unit_code"]) not in mine)
        known = {t.id for t in manifest.templates}
        templates = tuple(TemplateRecord(**t) for t in earlier.get("templates", ()) if t["id"] not in known)
    except (ValueError, KeyError, TypeError, AttributeError):
        return manifest  # an earlier manifest we cannot trust: describe this run only
    return replace(manifest, documents=manifest.documents + kept, failures=manifest.failures + failures,
                   templates=manifest.templates + templates)
