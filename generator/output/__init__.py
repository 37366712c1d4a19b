"""Stage 6: files on disk (atomic), manifests, and the batch over units."""
from __future__ import annotations

from generator.output.files import (
    TEMPORARY_SUFFIX,
    atomic_target,
    make_folder,
    remove_stale_temporaries,
    sha256_file,
    write_atomic,
)
from generator.output.layout import dispatch_stem, notice_stem, notice_stems, run_folder
from generator.output.manifest import (
    DocumentRecord,
    FailureRecord,
    FileRecord,
    Manifest,
    TemplateRecord,
    keep_other_documents,
)

__all__ = [
    "TEMPORARY_SUFFIX",
    "DocumentRecord",
    "FailureRecord",
    "FileRecord",
    "Manifest",
    "TemplateRecord",
    "atomic_target",
    "dispatch_stem",
    "keep_other_documents",
    "make_folder",
    "notice_stem",
    "notice_stems",
    "remove_stale_temporaries",
    "run_folder",
    "sha256_file",
    "write_atomic",
]
