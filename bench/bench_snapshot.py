"""Benchmark: read and validate a 5.000-unit XLSX snapshot; prints the median of several runs.

Run: .venv/bin/python bench/bench_snapshot.py [--units N] [--runs N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.snapshot import load_snapshot
from generator.snapshot.model import GROUPS

HEADER = (
    "Mã đơn vị",
    "Tên đơn vị",
    "Loại đơn vị",
    *(g.label for g in GROUPS),
    "Tổng điểm",
    "Hồ sơ tiếp nhận",
    "Hồ sơ đúng hạn",
    "Hồ sơ quá hạn",
    "Tỷ lệ thanh toán trực tuyến",
    "Tỷ lệ hồ sơ trực tuyến",
    "Tỷ lệ số hóa hồ sơ",
    "Tỷ lệ cấp kết quả điện tử",
)
KINDS = ("sở, ban, ngành", "quận, huyện, thị xã", "xã, phường, thị trấn")


def write_workbook(path: Path, units: int, seed: int = 766) -> None:
    """A valid snapshot with `units` rows of plausible random figures (write-only mode)."""
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    meta = workbook.create_sheet("meta")
    for row in (
        ("authority_name", "UBND Thành phố Hà Nội"),
        ("authority_code", "H26"),
        ("period", "2024-07"),
        ("cutoff", "2024-08-02T10:00:00+07:00"),
        ("score", 58.86),
        ("rank", 58),
        ("ranked_count", 63),
    ):
        meta.append(row)
    sheet = workbook.create_sheet("units")
    sheet.append(HEADER)
    for index in range(units):
        scores = [round(rng.uniform(0, float(g.max_score)), 2) for g in GROUPS]
        received = rng.randint(0, 20_000)
        sheet.append(
            [
                f"DV{index:05d}",
                f"Đơn vị số {index + 1}",
                KINDS[index % 3],
                *scores,
                round(sum(scores), 2),
                received,
                rng.randint(0, received),
                rng.randint(0, 5_000),
                *(round(rng.uniform(0, 100), 1) for _ in range(4)),
            ]
        )
    workbook.save(path)


def main() -> None:
    """Generate the workbook once, then time `load_snapshot` (read + validate) several times."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "2024-07.xlsx"
        write_workbook(path, args.units)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            snapshot = load_snapshot(path)
            timings.append(time.perf_counter() - start)
        assert len(snapshot.units) == args.units
    median = statistics.median(timings)
    print(
        f"load_snapshot, {args.units} units (XLSX, read + validate): median {median:.3f} s "
        f"over {args.runs} runs (min {min(timings):.3f} s, max {max(timings):.3f} s)"
    )


if __name__ == "__main__":
    main()
