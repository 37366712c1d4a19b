"""`import`: a folder of the portal's six responses → one snapshot file (JSON or XLSX).

The period and the cutoff come from the capture record `fetch` wrote, or from the caller when the
folder has none (both are then required). Names are made official by the rules and the authority
profile's overrides; every renamed unit and every empty group is reported.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from generator.common.errors import ConfigError
from generator.config import Profile, find_profile, load_profile
from generator.portal.capture import VIETNAM, CaptureRecord, read_capture
from generator.portal.endpoints import PORTAL_URL
from generator.portal.errors import PortalError
from generator.portal.join import join
from generator.portal.responses import Responses, read_responses
from generator.portal.rules import load_rules
from generator.portal.writer import snapshot_bytes, write_snapshot
from generator.snapshot import GROUPS, Period, Snapshot, SnapshotMeta

SOURCE = "Cổng Dịch vụ công quốc gia"


@dataclass(frozen=True)
class ImportRequest:
    folder: Path
    out: Path
    period: Period | None = None  # required when the folder has no capture record
    cutoff: datetime | None = None  # likewise
    profile: Path | None = None  # default: chosen by the authority's code or name


@dataclass(frozen=True)
class ImportResult:
    snapshot: Snapshot
    renamed: tuple[tuple[str, str], ...]
    gaps: tuple[str, ...]
    warnings: tuple[str, ...]
    profile_id: str | None


def import_portal(request: ImportRequest) -> ImportResult:
    """Read, check and join the responses, then write the snapshot (atomically, validated)."""
    capture = read_capture(request.folder)
    if capture is not None and not capture.complete:
        raise PortalError(f"Bản thu trong {request.folder} chưa hoàn tất (congvan fetch bị dừng giữa chừng): hãy chạy "
                          "lại đúng lệnh fetch đó để thu nốt phần còn thiếu")
    period, cutoff = _period_and_cutoff(request, capture)
    responses = read_responses(request.folder, capture)
    warnings: list[str] = []
    if capture is not None and capture.ranking is None and capture.ranking_note:
        warnings.append(f"Không có thứ hạng toàn quốc: {capture.ranking_note}")
    rules = load_rules()
    first = next(iter(responses.answers.values())).root
    provisional = SnapshotMeta(authority_name=first.departmentName, period=period, cutoff=cutoff,
                               score=Decimal(0), authority_code=_code(responses))
    profile = _profile(request.profile, provisional, warnings)
    joined = join(responses, rules, profile.unit_names if profile else {})
    missing = [g.label for g, s in zip(GROUPS, joined.group_scores, strict=True) if s is None]
    if missing:
        raise PortalError(f"Cổng không có điểm của chính {joined.authority_name} ở nhóm {', '.join(missing)}: "
                          "không tính được tổng điểm của địa phương")
    meta = {
        "authority_name": joined.authority_name,
        "authority_code": joined.authority_code,
        "period": str(period),
        "cutoff": cutoff.isoformat(),
        "score": sum((s for s in joined.group_scores if s is not None), Decimal(0)),
        "rank": joined.rank,
        "ranked_count": joined.ranked_count,
        **{g.code: s for g, s in zip(GROUPS, joined.group_scores, strict=True)},
        "source": SOURCE,
        "source_url": capture.portal if capture is not None else PORTAL_URL,
    }
    data = snapshot_bytes(request.out.suffix.lower(), meta, joined.units, joined.indicators)
    snapshot = write_snapshot(request.out, data)
    return ImportResult(dataclasses.replace(snapshot, path=request.out), joined.renamed, joined.gaps,
                        tuple(warnings) + snapshot.warnings, profile.id if profile else None)


def _period_and_cutoff(request: ImportRequest, capture: CaptureRecord | None) -> tuple[Period, datetime]:
    if capture is not None:
        period, cutoff = capture.period_value, capture.cutoff()
        if request.period is not None and request.period != period:
            raise PortalError(f"--period {request.period} khác kỳ {period} ghi trong capture.json của bản thu")
        chosen = request.cutoff or cutoff
        return period, (chosen if chosen.tzinfo else chosen.replace(tzinfo=VIETNAM)).astimezone(VIETNAM)
    if request.period is None or request.cutoff is None:
        lacking = " và ".join(o for o, v in (("--period", request.period), ("--cutoff", request.cutoff)) if v is None)
        raise PortalError(
            f"Thư mục {request.folder} không có bản ghi thu thập (capture.json) nên không biết kỳ và thời điểm lấy "
            f"số liệu: hãy ghi {lacking}, ví dụ --period 2026-08 --cutoff 2026-09-26T10:00:00+07:00")
    cutoff = request.cutoff if request.cutoff.tzinfo else request.cutoff.replace(tzinfo=VIETNAM)
    return request.period, cutoff.astimezone(VIETNAM)


def _code(responses: Responses) -> str | None:
    return next((a.root.departmentCode for a in responses.answers.values() if a.root.departmentCode), None)


def _profile(path: Path | None, meta: SnapshotMeta, warnings: list[str]) -> Profile | None:
    if path is not None:
        return load_profile(path)
    try:
        return find_profile(meta)
    except ConfigError as error:
        warnings.append(f"{error.message} Tên đơn vị chỉ được chuẩn hóa theo quy tắc chung.")
        return None
