"""Benchmark: `import` of the portal's six responses, for Phú Thọ (163 units) and a synthetic 1.000-unit province.

The synthetic province repeats Phú Thọ's departments under new ids, codes and names until it has the
wanted number of units, in all six answers, so every figure stays the portal's own shape. Prints the
median of several in-process runs (JSON and XLSX output) and one cold `congvan import` command.

Run: .venv/bin/python bench/bench_import.py [--units N] [--runs N]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.portal import ENDPOINTS, ImportRequest, import_portal  # noqa: E402
from generator.snapshot import Period  # noqa: E402

MONTH = ROOT / "fixtures" / "portal" / "2026-month"
CUTOFF = datetime(2026, 9, 28, 22, 14, 20, tzinfo=timezone(timedelta(hours=7)))


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, dict):
        return {k: _number(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_number(v) for v in value]
    return value


def synthetic(folder: Path, units: int) -> Path:
    """The six August answers grown to `units` departments (copies of the real ones, renamed)."""
    folder.mkdir(parents=True, exist_ok=True)
    for endpoint in ENDPOINTS:
        document = json.loads((MONTH / endpoint.file_name).read_text(encoding="utf-8"), parse_float=Decimal)
        data = document["data"]
        key = "evaluation" if "evaluation" in data else "children"
        real = data[key]
        grown = []
        for n in range(units):
            record = copy.deepcopy(real[n % len(real)])
            if n >= len(real):
                record["departmentId"] = f"synthetic-{n:05d}"
                kind = "UBND xã" if "COMMUNE" in str(record.get("departmentType") or record.get("level")) else "Sở"
                record["departmentName"] = f"{kind} Thử Nghiệm Số {n}"
                if "departmentCode" in record:
                    record["departmentCode"] = f"H44.S{n:05d}"
            grown.append(record)
        data[key] = grown
        if "pagination" in data:
            data["pagination"] = {"total": units, "currentPage": 1, "pageSize": units, "totalPages": 1}
        (folder / endpoint.file_name).write_text(json.dumps(_number(document), ensure_ascii=False,
                                                            separators=(",", ":")), encoding="utf-8")
    return folder


def timed(folder: Path, out: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        import_portal(ImportRequest(folder, out, period=Period(2026, 8), cutoff=CUTOFF))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        timed(MONTH, tmp / "warm.json", 1)  # imports pandas, pydantic models, openpyxl once
        print(f"Phú Thọ, 163 units: JSON {timed(MONTH, tmp / 'a.json', args.runs):.3f} s, "
              f"XLSX {timed(MONTH, tmp / 'a.xlsx', args.runs):.3f} s (median of {args.runs}, in process)")
        big = synthetic(tmp / "big", args.units)
        print(f"synthetic, {args.units} units: JSON {timed(big, tmp / 'b.json', args.runs):.3f} s, "
              f"XLSX {timed(big, tmp / 'b.xlsx', args.runs):.3f} s (median of {args.runs}, in process)")
        command = [str(ROOT / ".venv" / "bin" / "congvan"), "import", str(MONTH), "--out", str(tmp / "c.xlsx"),
                   "--period", "2026-08", "--cutoff", CUTOFF.isoformat()]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        print(f"cold `congvan import` (Phú Thọ, XLSX): {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
