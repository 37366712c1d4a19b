"""Issuing a number: the official dispatch made by the conductor, then one line in the register.

Only staff issue; only approved templates are used (the conductor's `official`); a number already
used in the same year and symbol is refused, first by a look-up (a quick, clear answer) and then by
the database's unique constraint (two clerks pressing at once). Files are made in a staging folder
and moved into place in the same transaction that records them: either both happen or neither.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from generator.build import BuildRequest, generate
from generator.common import formatting
from generator.common.errors import UsageError
from generator.config import Profile, find_profile
from generator.output import DocumentRecord, sha256_file
from generator.register.schema import IssuedFileRow, IssuedRow, IssuedTemplateRow
from generator.register.store import Register, now
from generator.register.values import IssuedDocument, Match, Role, User
from generator.snapshot import load_meta

ISSUED_DIR = "issued"
MAX_NUMBER = 9_999_999


@dataclass(frozen=True)
class IssueRequest:
    snapshot: Path
    number: str
    issue_date: date | None
    issuer: User
    snapshot_name: str = ""  # as the user named the upload; the file's own name otherwise
    history: Path | None = None
    formats: tuple[str, ...] = ("docx", "pdf")
    signer: str | None = None  # the name of one of the profile's signers; None: its default signer


def parse_number(text: str) -> int:
    """The document number as digits (NĐ 30 numbers from 01 each year); UsageError otherwise."""
    value = text.strip()
    if not value.isdigit() or not 0 < int(value) <= MAX_NUMBER:
        raise UsageError(f"Số văn bản “{text.strip()}” không hợp lệ: chỉ gồm chữ số, lớn hơn 0, ví dụ 2562")
    return int(value)


def signer_text(profile: Profile) -> str:
    """Who signs, as the profile names them: "Hà Minh Hải (KT. CHỦ TỊCH, PHÓ CHỦ TỊCH)"."""
    return profile.signer.describe()


def duplicate_message(holder: IssuedDocument) -> str:
    return (f"Số {holder.reference} năm {holder.year} đã được cấp cho văn bản ngày "
            f"{formatting.short_date(holder.issue_date)} (sổ văn bản đi, dòng {holder.id}); hãy chọn số khác")


def issue(register: Register, request: IssueRequest) -> IssuedDocument:
    """Make the official dispatch with this number and date, and record it; refuse a number in use."""
    if request.issuer.role is not Role.STAFF:
        raise UsageError("Chỉ cán bộ nghiệp vụ (vai trò staff) được cấp số và phát hành văn bản")
    if request.issue_date is None:
        raise UsageError("Thiếu ngày ban hành: văn bản phát hành phải có cả số và ngày")
    number = parse_number(request.number)
    meta = load_meta(request.snapshot)
    profile = find_profile(meta).with_signer(request.signer)
    symbol, year = profile.issuer.symbol, request.issue_date.year
    holder = register.number_holder(year, symbol, number)
    if holder is not None:
        raise UsageError(duplicate_message(holder))

    root = register.data / ISSUED_DIR
    staging = root / f".staging-{uuid.uuid4().hex}"
    final = root / str(year) / _safe(symbol) / str(number)
    moved = False
    try:
        result = generate(BuildRequest(request.snapshot, staging, request.formats, str(number), request.issue_date,
                                       request.history, None, official=True, signer=request.signer))
        manifest: dict[str, Any] = json.loads(result.manifest.read_text(encoding="utf-8"))
        folder = register.relative(root) + "/" + final.relative_to(root).as_posix()
        row = IssuedRow(
            number=number, symbol=symbol, year=year, issue_date=request.issue_date, period=str(meta.period),
            profile_id=manifest["profile_id"], authority=meta.authority_name, signer=signer_text(profile),
            snapshot_sha256=manifest["snapshot"]["sha256"],
            snapshot_name=(request.snapshot_name or request.snapshot.name)[:255], issued_by=request.issuer.name,
            issued_by_name=request.issuer.display_name, issued_at=now(), folder=folder,
        )
        row.templates = [IssuedTemplateRow(template_id=t["id"], version=int(t["version"]), sha256=t["sha256"],
                                           status=t["status"]) for t in manifest["templates"]]
        dispatch = next(d for d in manifest["documents"] if d["unit_code"] is None)
        row.files = [IssuedFileRow(path=f"{folder}/{f['path']}", format=f["format"], kind=dispatch["kind"],
                                   unit_code=None, sha256=f["sha256"], bytes=int(f["bytes"]))
                     for f in dispatch["files"]]
        with register.session() as session:
            session.add(row)
            session.flush()  # the unique number is checked here, before any file moves
            if final.exists():  # left by a run killed between the move and the commit: no row holds it
                shutil.rmtree(final)
            final.parent.mkdir(parents=True, exist_ok=True)
            result.folder.replace(final)
            moved = True
            issued_id = row.id
    except IntegrityError:
        if moved:
            shutil.rmtree(final, ignore_errors=True)
        holder = register.number_holder(year, symbol, number)
        raise UsageError(duplicate_message(holder) if holder else
                         f"Số {number:02d}/{symbol} năm {year} vừa được cấp cho văn bản khác") from None
    except BaseException:
        if moved:  # recorded nothing: take the files back out
            shutil.rmtree(final, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    document = register.issued(issued_id)
    assert document is not None
    return document


def attach_files(register: Register, issued_id: int, folder: Path, records: Iterable[DocumentRecord]) -> int:
    """Add a batch's files (made with the document's number and date) to its line; returns how many."""
    added = 0
    with register.session() as session:
        row = session.get(IssuedRow, issued_id)
        if row is None:
            raise UsageError(f"Không có văn bản số thứ tự {issued_id} trong sổ")
        # The same bytes for the same document are one registered file (a batch's dispatch PDF is the
        # issued one again); DOCX bytes may differ between runs, and then both are registered.
        known = {(f.kind, f.unit_code, f.format, f.sha256) for f in row.files}
        for record in records:
            for f in record.files:
                key = (record.kind, record.unit_code, f.format, f.sha256)
                if key in known:
                    continue
                row.files.append(IssuedFileRow(path=register.relative(folder / f.path), format=f.format,
                                               kind=record.kind, unit_code=record.unit_code, sha256=f.sha256,
                                               bytes=f.bytes))
                known.add(key)
                added += 1
    return added


def verify(register: Register, path: Path) -> tuple[Match, ...]:
    """Whether the file is, byte for byte, one the register recorded; the matches (none: not registered)."""
    try:
        digest = sha256_file(path)
    except FileNotFoundError:
        raise UsageError(f"Không tìm thấy tệp {path}") from None
    except IsADirectoryError:
        raise UsageError(f"{path} là một thư mục, không phải tệp") from None
    except OSError as error:
        raise UsageError(f"Không đọc được tệp {path}: {error.strerror or error}") from None
    return register.find_sha256(digest)


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]+", "_", text) or "_"
