"""Writing a snapshot in the project's own format: JSON, or XLSX when the name ends in .xlsx.

The file is written to a temporary folder beside the target, read back with the snapshot reader
(so what is written is exactly what `validate` accepts), and only then moved into place: a
refused or interrupted import leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from generator.common.errors import SnapshotError
from generator.output import make_folder
from generator.portal.errors import PortalError
from generator.snapshot import INDICATOR_FIELDS, META_FIELDS, UNIT_FIELDS, Snapshot, load_snapshot

WRITABLE_SUFFIXES = (".json", ".xlsx")


def snapshot_bytes(suffix: str, meta: Mapping[str, Any], units: Sequence[Mapping[str, Any]],
                   indicators: Sequence[Mapping[str, Any]]) -> bytes:
    """The snapshot file's content, in canonical key order, empty values left out (JSON) or blank (XLSX)."""
    unit_keys = [f.key for f in UNIT_FIELDS if any(u.get(f.key) is not None for u in units)]
    indicator_keys = [f.key for f in INDICATOR_FIELDS if any(i.get(f.key) is not None for i in indicators)]
    meta_rows = [(f.key, meta[f.key]) for f in META_FIELDS if meta.get(f.key) is not None]
    if suffix == ".json":
        document: dict[str, Any] = {
            "meta": {k: _json(v) for k, v in meta_rows},
            "units": [{k: _json(u[k]) for k in unit_keys if u.get(k) is not None} for u in units],
        }
        if indicators:
            document["indicators"] = [{k: _json(i[k]) for k in indicator_keys if i.get(k) is not None}
                                      for i in indicators]
        return _json_lines(document)
    return _xlsx(meta_rows, units, unit_keys, indicators, indicator_keys, meta.get("cutoff"))


def _json_lines(document: dict[str, Any]) -> bytes:
    """Readable and quick: the meta, then one unit or indicator per line."""
    parts = ["{\n \"meta\": " + json.dumps(document["meta"], ensure_ascii=False)]
    for key in ("units", "indicators"):
        if key in document:
            rows = ",\n  ".join(json.dumps(row, ensure_ascii=False) for row in document[key])
            parts.append(f' "{key}": [\n  {rows}\n ]')
    return (",\n".join(parts) + "\n}\n").encode()


def _json(value: Any) -> Any:
    """Decimals as JSON numbers (read back exactly: the reader parses numbers as Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _xlsx(meta_rows: list[tuple[str, Any]], units: Sequence[Mapping[str, Any]], unit_keys: list[str],
          indicators: Sequence[Mapping[str, Any]], indicator_keys: list[str], cutoff: Any) -> bytes:
    import openpyxl

    labels = {f.key: f.label for f in UNIT_FIELDS}
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("meta")
    sheet.append(["key", "value"])
    for key, value in meta_rows:
        sheet.append([key, value])
    sheet = book.create_sheet("units")
    sheet.append([labels[k] for k in unit_keys])
    for unit in units:
        sheet.append([unit.get(k) for k in unit_keys])
    if indicators:
        sheet = book.create_sheet("indicators")
        sheet.append([_indicator_label(k) for k in indicator_keys])
        for row in indicators:
            sheet.append([row.get(k) for k in indicator_keys])
    moment = datetime.fromisoformat(cutoff).replace(tzinfo=None) if isinstance(cutoff, str) else None
    if moment is not None:  # the workbook says when the data was read, not when it was written
        book.properties.created = book.properties.modified = moment
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _indicator_label(key: str) -> str:
    return next(f.label for f in INDICATOR_FIELDS if f.key == key)


def write_snapshot(path: Path, data: bytes) -> Snapshot:
    """Write `data` to `path` only when the snapshot reader accepts it; returns what it read."""
    if path.suffix.lower() not in WRITABLE_SUFFIXES:
        raise PortalError(f"Tên tệp kết quả “{path}” phải có đuôi .json hoặc .xlsx")
    folder = make_folder(path.parent)
    scratch = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder))
    try:
        trial = scratch / path.name
        trial.write_bytes(data)
        try:
            snapshot = load_snapshot(trial)
        except SnapshotError as error:  # a bug of the import: the portal's data passed its own checks
            raise PortalError("Bản số liệu dựng từ phản hồi của Cổng không qua được kiểm tra", error.problems) from None
        with trial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(trial, path)
    except OSError as error:
        raise PortalError(f"Không ghi được tệp {path}: {error.strerror or error}") from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)
    return snapshot
