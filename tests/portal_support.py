"""The recorded portal responses, and quarter/year responses built from them, for the import and fetch tests.

Quarter and year samples are held out, so a quarter or a year folder is made here from the month
responses the way the portal would answer those payloads: same departments, counts multiplied by
the period's length, scores lowered (every metric, then each total as the sum of its metrics, so
the answer stays self-consistent), and a capture.json naming the period's own payloads.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from generator.portal import ENDPOINTS
from generator.portal.capture import CapturedFile, CaptureRecord, Province
from generator.portal.endpoints import API_PATH, payload
from generator.snapshot import Period, PeriodKind

ROOT = Path(__file__).resolve().parents[1]
PORTAL = ROOT / "fixtures" / "portal"
MONTH = PORTAL / "2026-month"
MANIFEST = PORTAL / "manifest.m0.json"
PROVINCE = Province(id="019d2be3-6a88-732b-8b17-b68020c8553a", code="H44", name="UBND tỉnh Phú Thọ")
VN = timezone(timedelta(hours=7))
AUGUST = Period(2026, 8)


def month_cutoff() -> datetime:
    """When the last of the six month responses was read, per the recording's manifest (+07:00)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    names = {f"{e.name}/month-all.json" for e in ENDPOINTS}
    times = [datetime.fromisoformat(c["capturedAt"]) for c in manifest["captures"] if c["file"] in names]
    assert len(times) == len(ENDPOINTS)
    return max(times).astimezone(VN)


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


def dump(document: Any) -> bytes:
    """Compact UTF-8 JSON as the portal writes it; Decimals as plain numbers."""
    def number(value: Any) -> Any:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
        if isinstance(value, dict):
            return {k: number(v) for k, v in value.items()}
        if isinstance(value, list):
            return [number(v) for v in value]
        return value
    return json.dumps(number(document), ensure_ascii=False, separators=(",", ":")).encode()


_FACTOR = {PeriodKind.QUARTER: (3, Decimal("0.9")), PeriodKind.YEAR: (12, Decimal("0.8"))}
_COUNTS = ("numerator", "denominator", "totalReceived", "totalOnTime", "totalOverdue", "totalCompleted",
           "totalDossierOnlinePaymentSuccess", "totalDossierFinancialObligation", "totalPetitions",
           "classifiedPetitions", "totalDossiers")


def _lower(value: Any, factor: Decimal) -> Any:
    if value is None:
        return None
    return (Decimal(value) * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _record(record: dict[str, Any], counts: int, factor: Decimal, score_key: str) -> None:
    for key in _COUNTS:
        if isinstance(record.get(key), int):
            record[key] = record[key] * counts
    metrics = record.get("metrics")
    if metrics is not None:
        for metric in metrics:
            for key in ("numerator", "denominator"):
                if isinstance(metric.get(key), int):
                    metric[key] *= counts
            metric["score"] = _lower(metric.get("score"), factor)
        if record.get("totalScore") is not None:
            scored = [m["score"] for m in metrics if m["score"] is not None]
            record["totalScore"] = sum(scored, Decimal(0)) if scored else _lower(record["totalScore"], factor)
    elif record.get(score_key) is not None:
        record[score_key] = _lower(record[score_key], factor)


def period_folder(folder: Path, period: Period, *, captured_at: datetime | None = None) -> Path:
    """`folder` filled with the six responses for `period` (the month ones as they are for August
    2026, transformed otherwise) and a capture.json recording the period's payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    moment = captured_at or datetime(2026, 9, 28, 15, 14, 20, tzinfo=UTC)
    files = []
    for endpoint in ENDPOINTS:
        source = MONTH / endpoint.file_name
        if period == AUGUST:
            raw = source.read_bytes()
        else:
            counts, factor = _FACTOR[period.kind]
            document = load(source)
            data = document["data"]
            nodes = [data["overview"], *data["evaluation"]] if "overview" in data else [data["parent"], *data["children"]]
            for index, node in enumerate(nodes):
                _record(node, counts, factor, "totalScore" if index == 0 else endpoint.score_key)
            raw = dump(document)
        (folder / endpoint.file_name).write_bytes(raw)
        files.append(CapturedFile(
            endpoint=endpoint.name, page=1, file=endpoint.file_name, url="https://dichvucong.gov.vn" + API_PATH +
            endpoint.name, payload=payload(endpoint, PROVINCE.id, period), status=201,
            content_type="application/json; charset=utf-8", captured_at=moment,
            sha256=hashlib.sha256(raw).hexdigest(), bytes=len(raw)))
    record = CaptureRecord(portal="https://dichvucong.gov.vn", province=PROVINCE, period=str(period),
                           started_at=moment - timedelta(minutes=1), complete=True, files=tuple(files))
    (folder / "capture.json").write_bytes(record.to_bytes())
    return folder
