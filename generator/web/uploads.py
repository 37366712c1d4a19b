"""Uploads: files kept under names of our own, validated by the snapshot reader, kept only when valid.

A user's file name is shown (escaped) but never used as a path: each upload goes to a fresh staging
folder under the data folder, as `snapshot.<suffix>` (and `snapshot.meta.yaml` for a CSV's sidecar),
with the suffix taken from a fixed list. Problems come back as rows (file, row, column, message)
naming the user's file; on any refusal the staging folder is removed, so nothing is kept.

The portal's own responses (a ZIP, or several JSON files named as `congvan fetch` saves them) go
through `from_portal`: recognised by name (portal_files), imported by the library's `import_portal`
into a snapshot, which then follows the same path as any other upload.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path, PurePosixPath, PureWindowsPath

from generator.common.errors import CongvanError, Problem, SnapshotError
from generator.common.textfold import fold
from generator.portal import ENDPOINTS, CaptureRecord, ImportRequest, import_portal, read_capture
from generator.register import Register, StoredSnapshot
from generator.snapshot import GROUPS, Period, Snapshot, load_snapshot
from generator.web.portal_files import NotPortal, PortalFile, canonical_name, expected_names, read_zip, recognise

TABLE_SUFFIXES = (".csv", ".tsv")
SINGLE_SUFFIXES = (".xlsx", ".json")
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")
PORTAL_SUFFIXES = (".zip",)
ACCEPTED = ".xlsx,.csv,.tsv,.json,.yaml,.yml,.zip"
SNAPSHOTS_DIR = "snapshots"
STAGING_DIR = "tmp"
STEM = "snapshot"
VIETNAM = timezone(timedelta(hours=7))
GROUP_LABELS = {g.code: g.label for g in GROUPS}


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


@dataclass(frozen=True)
class PortalDetails:
    """What the upload form says about portal responses, as typed: used when there is no capture.json."""

    period: str = ""
    cutoff: str = ""


@dataclass(frozen=True)
class Staged:
    """The snapshot written in the staging folder, the user's name for each staged file, notes to show."""

    path: Path
    names: dict[Path, str]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Accepted:
    """A kept upload and what its import changed (said once to the user)."""

    stored: StoredSnapshot
    notes: tuple[str, ...]


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


def accept(register: Register, files: list[Incoming], uploaded_by: str,
           details: PortalDetails | None = None) -> Accepted:
    """Validate the upload and keep it; UploadRefused (nothing kept) otherwise."""
    files = [f for f in files if f.data or f.name]
    if not files:
        raise UploadRefused("Chưa chọn tệp nào để tải lên.")
    staging = register.data / STAGING_DIR / uuid.uuid4().hex
    staging.mkdir(parents=True)
    try:
        staged = _stage(staging, files, details or PortalDetails())
        loaded = _validate(staged.path, staged.names)
        return Accepted(_keep(register, loaded, staged.path, staged.names, uploaded_by), staged.notes)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _stage(staging: Path, files: list[Incoming], details: PortalDetails) -> Staged:
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
    if portal or len(singles) > 1 or any(canonical_name(shown_name(f.name)) for f in singles):
        return from_portal(staging, files, details)
    if len(tables) == 1 and not singles and len(sidecars) <= 1:
        table = tables[0]
        path = staging / (STEM + (_suffix(shown_name(table.name), TABLE_SUFFIXES) or ".csv"))
        path.write_bytes(table.data)
        names = {path: shown_name(table.name)}
        for sidecar in sidecars:
            side = staging / (STEM + (_suffix(shown_name(sidecar.name), SIDECAR_SUFFIXES) or ".meta.yaml"))
            side.write_bytes(sidecar.data)
            names[side] = shown_name(sidecar.name)
        return Staged(path, names)
    if len(singles) == 1 and not tables and not sidecars:
        single = singles[0]
        path = staging / (STEM + (_suffix(shown_name(single.name), SINGLE_SUFFIXES) or ".json"))
        path.write_bytes(single.data)
        return Staged(path, {path: shown_name(single.name)})
    raise UploadRefused("Mỗi lần tải lên một bộ số liệu: một tệp .xlsx hoặc .json; hoặc một tệp .csv/.tsv cùng "
                        "tệp .meta.yaml đi kèm.")


def from_portal(staging: Path, files: list[Incoming], details: PortalDetails) -> Staged:
    """The portal's responses (a ZIP, or the endpoint JSON files) imported as `staging/snapshot.json`.

    Each file is recognised by its name (portal_files), written under that fixed name in
    `staging/portal/`, then the library's import reads, checks and joins them. The period and the cutoff
    come from capture.json when the upload has it, else from the form (both then required).
    """
    recognised = _portal_files(files)
    folder = staging / "portal"
    folder.mkdir()
    for found in recognised:
        (folder / found.name).write_bytes(found.data)
    names = {folder / f.name: f.shown for f in recognised}
    missing = [e for e in ENDPOINTS if not (folder / e.file_name).is_file()]
    if missing:
        raise UploadRefused(
            f"Thiếu phản hồi của {len(missing)} nhóm chỉ số: {', '.join(e.file_name for e in missing)}. Bộ chỉ số "
            "thiếu một nhóm không phải là Bộ chỉ số; hãy tải lên đủ 6 phản hồi (chưa có gì được lưu).",
            tuple(ProblemRow(e.file_name, "", "", f"thiếu phản hồi {e.name} (nhóm {GROUP_LABELS[e.group]})")
                  for e in missing))
    target = staging / f"{STEM}.json"
    try:
        capture = read_capture(folder)
        period, cutoff = _period_and_cutoff(details, capture)
        result = import_portal(ImportRequest(folder, target, period, cutoff))
    except CongvanError as error:
        names[folder] = "các tệp tải lên"
        rows = tuple(ProblemRow(_portal_shown(p.file, folder, names), "" if p.row is None else str(p.row),
                                p.column or "", _rename(p.message, names)) for p in error.problems)
        raise UploadRefused(_rename(error.message, names) + ". Chưa có gì được lưu.", rows) from None
    gaps = f", {len(result.gaps)} nhóm để trống vì Cổng không có số liệu" if result.gaps else ""
    notes = (f"nhập từ phản hồi của Cổng: {len(result.snapshot.units)} đơn vị, {len(result.renamed)} tên đã chuẩn "
             f"hóa theo NĐ 30{gaps}",)
    return Staged(target, {target: _portal_label(files)}, notes)


def _portal_shown(file: str, folder: Path, names: dict[Path, str]) -> str:
    """A problem's file as the user knows it: the member or file they uploaded, else the name expected."""
    path = Path(file) if "/" in file else folder / file
    return names.get(path, path.name)


def _portal_files(files: list[Incoming]) -> list[PortalFile]:
    found: list[PortalFile] = []
    try:
        for item in files:
            shown = shown_name(item.name)
            if _suffix(shown, PORTAL_SUFFIXES):
                found += read_zip(shown, item.data)
            else:
                found.append(recognise(shown, shown, item.data))
    except NotPortal as refused:
        raise UploadRefused("Không nhận các tệp phản hồi của Cổng tải lên; chưa có gì được lưu.",
                            (ProblemRow(refused.where, "", "", refused.message),)) from None
    seen: dict[str, PortalFile] = {}
    for response in found:
        if response.name in seen:
            raise UploadRefused("Một phản hồi của Cổng có hai tệp; chưa có gì được lưu.", (ProblemRow(
                response.shown, "", "", f"trùng với “{seen[response.name].shown}”: cùng là {response.name}"),))
        seen[response.name] = response
    if not found:
        raise UploadRefused(f"Không tìm thấy phản hồi nào của Cổng trong tệp tải lên; cần {expected_names()}.")
    return found


def _period_and_cutoff(details: PortalDetails, capture: CaptureRecord | None) -> tuple[Period | None, datetime | None]:
    """The form's period and cutoff: required without a capture record (as `congvan import` requires them)."""
    period = _form_period(details.period)
    cutoff = _form_cutoff(details.cutoff)
    if capture is not None:
        if period is not None and period != capture.period_value:
            raise UploadRefused(f"Kỳ đánh giá đã ghi ({period}) khác kỳ {capture.period} trong capture.json của bản "
                                "thu; hãy để trống ô kỳ hoặc ghi đúng kỳ. Chưa có gì được lưu.")
        return period, cutoff
    lacking = [label for label, value in (("Kỳ đánh giá", period), ("Thời điểm lấy số liệu", cutoff))
               if value is None]
    if lacking:
        raise UploadRefused(
            "Các tệp phản hồi không kèm bản ghi thu thập (capture.json) nên không biết kỳ và thời điểm lấy số liệu: "
            f"hãy ghi {' và '.join(lacking)} ở mẫu tải lên (ví dụ kỳ 2026-08, thời điểm 26/9/2026 10:00). "
            "Chưa có gì được lưu.")
    return period, cutoff


def _form_period(value: str) -> Period | None:
    if not value.strip():
        return None
    try:
        return Period.parse(value.strip())
    except ValueError:
        raise UploadRefused(f"Kỳ đánh giá “{value}” không hợp lệ: ghi tháng YYYY-MM, quý YYYY-Qn hoặc năm YYYY, "
                            "ví dụ 2026-08, 2026-Q3, 2026.") from None


def _form_cutoff(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UploadRefused(f"Thời điểm lấy số liệu “{value}” không hợp lệ: chọn ngày và giờ, ví dụ "
                            "2026-09-26T10:00.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _portal_label(files: list[Incoming]) -> str:
    """How the kept snapshot is called: the ZIP's name, or how many response files made it."""
    if len(files) == 1:
        return shown_name(files[0].name)
    return f"{len(files)} tệp phản hồi của Cổng"


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

