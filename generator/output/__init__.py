"""Stage 6: files on disk (atomic), manifests, and the batch over units."""
from __future__ import annotations

from generator.output.files import (
    TEMPORARY_SUFFIX,
    atomic_target,
    make_folder,
    sha256_file,
    write_atomic,
)
from generator.output.folder import STATE_DIR, SafeFolder, Transaction, run_folder_for_writing
from generator.output.layout import (
    NOTICE_DIR,
    dispatch_stem,
    notice_stem,
    notice_stems,
    run_folder,
    run_folder_parts,
)
from generator.output.manifest import (
    MANIFEST_NAME,
    DocumentRecord,
    FailureRecord,
    FileRecord,
    Manifest,
    TemplateRecord,
    keep_other_documents,
)
from generator.output.workbook import workbook_bytes, write_workbook

__all__ = [
    "MANIFEST_NAME",
    "NOTICE_DIR",
    "STATE_DIR",
    "TEMPORARY_SUFFIX",
    "DocumentRecord",
    "FailureRecord",
    "FileRecord",
    "Manifest",
    "SafeFolder",
    "TemplateRecord",
    "Transaction",
    "atomic_target",
    "dispatch_stem",
    "keep_other_documents",
    "make_folder",
    "notice_stem",
    "notice_stems",
    "run_folder",
    "run_folder_for_writing",
    "run_folder_parts",
    "sha256_file",
    "workbook_bytes",
    "write_atomic",
    "write_workbook",
]
