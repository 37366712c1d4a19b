"""Uploads: files kept under names of our own, validated by the snapshot reader, kept only when valid.

A user's file name is shown (escaped) but never used as a path: each upload goes to a fresh staging
folder under the data folder, as `snapshot.<suffix>` (and `snapshot.meta.yaml` for a CSV's sidecar),
with the suffix taken from a fixed list. Problems come back as rows (file, row, column, message)
naming the user's file; on any refusal the staging folder is removed, so nothing is kept.

The portal's own responses (a ZIP, or several JSON files) go through `from_portal`: the one call to
make when the portal import (issue 9) is in the library.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from generator.common.errors import CongvanError, Problem, SnapshotError
from generator.common.textfold import fold
from generator.register import Register, StoredSnapshot
from generator.snapshot import Snapshot, load_snapshot

TABLE_SUFFIXES = (".csv", ".tsv")
SINGLE_SUFFIXES = (".xlsx", ".json")
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")
PORTAL_SUFFIXES = (".zip",)
ACCEPTED = ".xlsx,.csv,.tsv,.json,.yaml,.yml,.zip"
SNAPSHOTS_DIR = "snapshots"
STAGING_DIR = "tmp"
STEM = "snapshot"


@dataclass(frozen=True)
class Incoming:
    """One uploaded file: the name as the user gave it (to show) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class ProblemRow:
    """One row of the error table."""

    file: str
    row: str
    column: str
    message: str


class UploadRefused(Exception):
    """The upload is refused: a general message and the located problems, nothing kept."""

    def __init__(self, message: str, rows: tuple[ProblemRow, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.rows = message, rows


def shown_name(name: str) -> str:
    """The last part of the name as the browser sent it (either slash), without control characters."""
    last = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = "".join(c for c in last if c.isprintable()).strip()
    return cleaned[:200] or "(không tên)"


def _suffix(name: str, choices: tuple[str, ...]) -> str | None:
    lower = name.lower()
    return next((s for s in sorted(choices, key=len, reverse=True) if lower.endswith(s)), None)


def accept(register: Register, files: list[Incoming], uploaded_by: str) -> StoredSnapshot:
    """Validate the upload and keep it; UploadRefused (nothing kept) otherwise."""
    files = [f for f in files if f.data or f.name]
    if not files:
        raise UploadRefused("Chưa chọn tệp nào để tải lên.")
    staging = register.data / STAGING_DIR / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        snapshot, names = _stage(staging, files)
        loaded = _validate(snapshot, names)
        return _keep(register, loaded, snapshot, names, uploaded_by)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage(staging: Path, files: list[Incoming]) -> tuple[Path, dict[Path, str]]:
    """Write the files under our own names; which is the snapshot and how each was called."""
    sidecars = [f for f in files if _suffix(shown_name(f.name), SIDECAR_SUFFIXES)]
    tables = [f for f in files if _suffix(shown_name(f.name), TABLE_SUFFIXES)]
    singles = [f for f in files if f not in sidecars and _suffix(shown_name(f.name), SINGLE_SUFFIXES)]
    portal = [f for f in files if _suffix(shown_name(f.name), PORTAL_SUFFIXES)]
    others = [f for f in files if f not in sidecars + tables + singles + portal]
    if others:
        refused = ", ".join(f"“{shown_name(f.name)}”" for f in others)
        raise UploadRefused(f"Không nhận tệp {refused}: chỉ nhận bảng tính .xlsx, .csv hoặc .tsv kèm tệp "
                            ".meta.yaml, tệp .json, hoặc tệp .zip phản hồi của Cổng Dịch vụ công.")
    if portal or len(singles) > 1:
        return from_portal(staging, files), {}
    if len(tables) == 1 and not singles and len(sidecars) <= 1:
        table = tables[0]
        path = staging / (STEM + (_suffix(shown_name(table.name), TABLE_SUFFIXES) or ".csv"))
        path.write_bytes(table.data)
        names = {path: shown_name(table.name)}
        for sidecar in sidecars:
            side = staging / (STEM + (_suffix(shown_name(sidecar.name), SIDECAR_SUFFIXES) or ".meta.yaml"))
            side.write_bytes(sidecar.data)
            names[side] = shown_name(sidecar.name)
        return path, names
    if len(singles) == 1 and not tables and not sidecars:
        single = singles[0]
        path = staging / (STEM + (_suffix(shown_name(single.name), SINGLE_SUFFIXES) or ".json"))
        path.write_bytes(single.data)
        return path, {path: shown_name(single.name)}
    raise UploadRefused("Mỗi lần tải lên một bộ số liệu: một tệp .xlsx hoặc .json; hoặc một tệp .csv/.tsv cùng "
                        "tệp .meta.yaml đi kèm.")


def from_portal(staging: Path, files: list[Incoming]) -> Path:
    """The portal's responses (a ZIP, or the endpoint JSON files) turned into a snapshot in `staging`.

    The import of the portal's responses is issue 9's; until it is in the library this refuses
    the upload with a clear message. Once it lands, this is the one place that calls it.
    """
    raise UploadRefused("Chưa nhập được phản hồi của Cổng Dịch vụ công (tệp .zip hoặc nhiều tệp .json) trên trang "
                        "này. Hãy tải lên tệp số liệu (.xlsx, .csv kèm .meta.yaml, hoặc .json).")


def _validate(path: Path, names: dict[Path, str]) -> Snapshot:
    try:
        return load_snapshot(path)
    except SnapshotError as error:
        shown = dict(names)
        if path.suffix in TABLE_SUFFIXES:  # the sidecar the reader looked for, named after the user's table
            user_stem = names[path][: -len(path.suffix)] if names[path].lower().endswith(path.suffix) else names[path]
            for suffix in SIDECAR_SUFFIXES:
                shown.setdefault(path.with_name(STEM + suffix), user_stem + suffix)
        rows = tuple(_row(problem, shown) for problem in error.problems)
        raise UploadRefused(f"Tệp số liệu không hợp lệ: {len(rows)} lỗi. Hãy sửa rồi tải lên lại; "
                            "chưa có gì được lưu.", rows) from None


def _row(problem: Problem, names: dict[Path, str]) -> ProblemRow:
    return ProblemRow(_rename(problem.file, names), "" if problem.row is None else str(problem.row),
                      problem.column or "", _rename(problem.message, names))


def _rename(text: str, names: dict[Path, str]) -> str:
    """Our staging paths in a message, back to the names the user knows."""
    for path, name in sorted(names.items(), key=lambda item: len(str(item[0])), reverse=True):
        text = text.replace(str(path), name)
    return text


def authority_folder(snapshot: Snapshot) -> str:
    """One folder per authority, so earlier months are found as history (by content, not by name)."""
    key = fold(snapshot.meta.authority_code or snapshot.meta.authority_name)
    return re.sub(r"[^a-z0-9]+", "-", key).strip("-") or "co-quan"


def _keep(register: Register, snapshot: Snapshot, path: Path, names: dict[Path, str],
          uploaded_by: str) -> StoredSnapshot:
    existing = register.snapshot(snapshot.sha256)
    if existing is not None and existing.path.is_file():
        return existing
    folder = register.data / SNAPSHOTS_DIR / authority_folder(snapshot)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{snapshot.meta.period}-{snapshot.sha256[:12]}"
    moved: list[Path] = []
    try:
        for staged in names:
            target = folder / (stem + staged.name.removeprefix(STEM))
            if target.is_file():  # the same bytes kept by an earlier (or a simultaneous) upload
                continue
            temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
            shutil.copyfile(staged, temporary)
            temporary.replace(target)
            moved.append(target)
        kept = folder / (stem + path.name.removeprefix(STEM))
        return register.keep_snapshot(snapshot.sha256, names[path], kept, snapshot.meta.authority_name,
                                      str(snapshot.meta.period), uploaded_by)
    except BaseException:
        for target in moved:
            target.unlink(missing_ok=True)
        raise


def refuse_other(error: CongvanError) -> UploadRefused:
    """A project error met while accepting an upload, as a refusal with its located problems."""
    rows = tuple(ProblemRow(p.file, "" if p.row is None else str(p.row), p.column or "", p.message)
                 for p in error.problems)
    return UploadRefused(error.message, rows)

