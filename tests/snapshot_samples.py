"""Small valid snapshots written on the fly (XLSX, CSV + sidecar, JSON) for the snapshot tests."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import yaml

UNIT_HEADER: tuple[str, ...] = (
    "code",
    "name",
    "kind",
    "ckmb",
    "tdgq",
    "clgq",
    "tttt",
    "mdhl",
    "mdsh",
    "total",
    "received",
    "on_time",
    "overdue",
    "online_payment_rate",
)

VIETNAMESE_HEADER: tuple[str, ...] = (
    "Mã đơn vị",
    "TÊN ĐƠN VỊ",
    "loai don vi",
    "Công khai, minh bạch",
    "TIẾN ĐỘ GIẢI QUYẾT",
    "Dịch vụ công trực tuyến",
    "thanh toan truc tuyen",
    "Mức độ hài lòng",
    "Số hóa hồ sơ",
    "Tổng điểm",
    "Hồ sơ tiếp nhận",
    "Hồ sơ đúng hạn",
    "Hồ sơ quá hạn",
    "Tỷ lệ thanh toán trực tuyến (%)",
)

# Row 2 onwards of the units sheet; the last unit has no data for "Số hóa hồ sơ".
UNIT_ROWS: tuple[tuple[object, ...], ...] = (
    ("S01", "Sở Tư pháp", "so_nganh", 10.5, 15.2, 8.1, 6, 16.4, 12.3, 68.5, 1000, 900, 24130, 55.3),
    ("S02", "Sở Y tế", "sở, ban, ngành", 17, 19.5, 11, 9.25, 17.75, 20, 94.5, 500, 480, 12, 80),
    ("H01", "Quận Ba Đình", "quận, huyện, thị xã", 12, 18, 10, 7, 15, 18, 80, 2000, 1990, 3, 60),
    ("X01", "Phường Phúc Xá", "xã", 9, 14, 6, 5, 12, None, None, None, None, None, None),
)


def meta_values(**overrides: object) -> dict[str, object]:
    """A valid meta mapping; overrides replace keys, None removes one."""
    meta: dict[str, object] = {
        "authority_name": "UBND Thành phố Hà Nội",
        "authority_code": "H26",
        "period": "2024-07",
        "cutoff": "2024-08-02T10:00:00+07:00",
        "score": 58.86,
        "rank": 58,
        "ranked_count": 63,
        "overdue_total": 53828,
    }
    for key, value in overrides.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return meta


def write_xlsx(
    path: Path,
    meta: dict[str, object] | None = None,
    header: Sequence[object] = UNIT_HEADER,
    rows: Sequence[Sequence[object]] = UNIT_ROWS,
    *,
    with_meta: bool = True,
    with_units: bool = True,
) -> Path:
    """An XLSX snapshot: sheet `meta` (key, value) and sheet `units`."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if with_meta:
        sheet = workbook.create_sheet("meta")
        for key, value in (meta if meta is not None else meta_values()).items():
            sheet.append([key, value])
    if with_units:
        sheet = workbook.create_sheet("units")
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def _csv_text(value: object, decimal_comma: bool) -> str:
    if value is None:
        return ""
    text = str(value)
    return text.replace(".", ",") if decimal_comma and isinstance(value, float) else text


def write_csv(
    path: Path,
    meta: dict[str, object] | None = None,
    header: Sequence[object] = UNIT_HEADER,
    rows: Sequence[Sequence[object]] = UNIT_ROWS,
    *,
    delimiter: str = ",",
    bom: bool = False,
    decimal_comma: bool = False,
    sidecar: str | None = "yaml",
) -> Path:
    """A CSV/TSV table plus its `<stem>.meta.yaml` (or `.meta.json`, or none) sidecar."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_text(v, decimal_comma) for v in row])
    meta = meta if meta is not None else meta_values()
    if sidecar == "yaml":
        path.with_name(path.stem + ".meta.yaml").write_text(
            yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    elif sidecar == "json":
        path.with_name(path.stem + ".meta.json").write_text(
            json.dumps(meta, ensure_ascii=False), encoding="utf-8"
        )
    return path


def write_json(
    path: Path,
    meta: dict[str, object] | None = None,
    header: Sequence[str] = UNIT_HEADER,
    rows: Sequence[Sequence[object]] = UNIT_ROWS,
) -> Path:
    """A JSON snapshot; None cells are left out of each unit object."""
    units = [{k: v for k, v in zip(header, row, strict=True) if v is not None} for row in rows]
    document = {"meta": meta if meta is not None else meta_values(), "units": units}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
