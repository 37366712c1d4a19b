"""Bounded in time and memory, proved: each hostile input of issue 14 is refused by `congvan` running
under an address-space limit (ulimit -v 512 MB) and a CPU limit, in seconds, with exit 2 and its
Vietnamese message (exit 0 for the two files that are only large, not wrong)."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_samples import billion_laughs_yaml, meta_rows, row, sheet, snapshot_xlsx, units_rows, write_workbook
from snapshot_samples import meta_values, write_csv, write_json

ROOT = Path(__file__).resolve().parents[1]
CONGVAN = Path(sys.executable).with_name("congvan")
MEMORY = 512 * 1024 * 1024  # ulimit -v: the cases took 0,9 to 1,6 GB and rising
CPU_SECONDS = 60
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def _shared_strings(folder: Path) -> Path:
    strings = (f'<?xml version="1.0"?><sst xmlns="{MAIN}">', *(["<si><t>a</t></si>" * 100_000] * 50), "</sst>")
    return write_workbook(folder / "strings.xlsx", [("meta", "", sheet(meta_rows())), ("units", "", sheet(units_rows()))],
                          strings)


def _big_cell(folder: Path) -> Path:
    big = ('<row r="9"><c r="B9" t="inlineStr"><is><t>', *(["x" * 1_000_000] * 300), "</t></is></c></row>")
    return write_workbook(folder / "cell.xlsx", [("meta", "", sheet(meta_rows())),
                                                 ("units", "", sheet([*units_rows(), *big]))])


def _xfd(folder: Path) -> Path:
    return snapshot_xlsx(folder / "xfd.xlsx", [*units_rows(), row(1_048_576, [None] * 16_383 + [1])])


def _blank_rows(folder: Path) -> Path:
    blank = (f'<row r="{i}"><c r="A{i}" s="0"/></row>' for i in range(3, 1_000_000))
    return snapshot_xlsx(folder / "rows.xlsx", [*units_rows(), *blank])


def _merged(folder: Path) -> Path:
    return snapshot_xlsx(folder / "merged.xlsx",
                         after_units="<mergeCells>" + '<mergeCell ref="A1:B2"/>' * 2_500_000 + "</mergeCells>")


def _laughs(folder: Path) -> Path:
    table = write_csv(folder / "laughs.csv")
    (folder / "laughs.meta.yaml").write_text(billion_laughs_yaml(), encoding="utf-8")
    return table


def _json(folder: Path, name: str, replace: str, by: str) -> Path:
    path = write_json(folder / f"{name}.json")
    path.write_text(path.read_text(encoding="utf-8").replace(replace, by, 1), encoding="utf-8")
    return path


def _commas(folder: Path) -> Path:
    path = write_csv(folder / "commas.csv")
    path.write_text(path.read_text(encoding="utf-8") + "," * 19_000_000 + "x\n", encoding="utf-8")
    return path


def _deep(folder: Path) -> Path:
    path = folder / "deep.json"
    path.write_text('{"meta": ' + "[" * 2_000_000 + "]" * 2_000_000 + "}", encoding="utf-8")
    return path


CASES: dict[str, tuple[Callable[[Path], Path], int, str]] = {
    "5 million shared strings": (_shared_strings, 2, "phần xl/sharedStrings.xml giải nén ra 81 MB"),
    "a 300 MB cell": (_big_cell, 2, "phần xl/worksheets/sheet2.xml giải nén ra 286 MB"),
    "a cell in XFD1048576": (_xfd, 2, "[units]:1048576:XFD: ô nằm ngoài vùng đọc"),
    "a million blank rows": (_blank_rows, 2, "[units]: trang tính có quá 400000 dòng"),
    "2,5 million merged ranges": (_merged, 0, "Tệp hợp lệ"),
    "billion laughs sidecar": (_laughs, 2, "laughs.meta.yaml:2: không dùng tham chiếu YAML “*a0”"),
    "1e99999999": (lambda f: _json(f, "exp", '"score": 58.86', '"score": 1e99999999'), 2,
                   ":meta:score: Tổng điểm = 1E+99999999 là số quá lớn"),
    "100.000 digits": (lambda f: _json(f, "digits", '"score": 58.86', '"score": ' + "7" * 100_000), 2,
                       ":meta:score: Tổng điểm = " + "7" * 40 + "… là số quá dài"),
    "2 million brackets": (_deep, 2, "deep.json:1: dữ liệu JSON lồng nhau quá 16 tầng (cột 25)"),
    "19 million commas": (_commas, 2, "ô nằm ngoài vùng đọc: bảng chỉ được dùng tối đa 200 cột"),
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {name: make(folder) for name, (make, _, _) in CASES.items()}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_in_seconds_within_512_mb(hostile: dict[str, Path], name: str) -> None:
    _, code, expected = CASES[name]
    started = time.perf_counter()
    done = subprocess.run([str(CONGVAN), "validate", str(hostile[name])], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, preexec_fn=_limited)
    elapsed = time.perf_counter() - started
    output = done.stdout + done.stderr
    assert done.returncode == code, output[-3000:]
    assert expected in output, output[-3000:]
    assert "Traceback" not in output and "MemoryError" not in output
    assert elapsed < 30, f"{name}: {elapsed:.1f} s"


def test_history_beside_a_bomb_within_512_mb(tmp_path: Path) -> None:
    """The snapshot's folder is the default history: a bomb there is skipped with a warning, and
    `inspect` (which reads the history) finishes normally under the same limits."""
    current = write_json(tmp_path / "2024-07.json")
    _laughs(tmp_path)
    (tmp_path / "laughs.meta.yaml").rename(tmp_path / "2024-06.meta.yaml")
    (tmp_path / "laughs.csv").rename(tmp_path / "2024-06.csv")
    write_json(tmp_path / "2024-05.json", meta=meta_values(period="2024-05", cutoff="2024-06-02T10:00:00"))
    done = subprocess.run([str(CONGVAN), "inspect", str(current)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, preexec_fn=_limited)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2024-06.csv\" khi tìm số liệu các kỳ trước" in done.stderr
    assert "không dùng tham chiếu YAML" in done.stderr
    assert json.loads(current.read_text(encoding="utf-8"))["meta"]["period"] == "2024-07"
