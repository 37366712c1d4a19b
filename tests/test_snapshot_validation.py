"""Every validation rule, each asserting the exact FILE:ROW:COLUMN location and message."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from snapshot_samples import UNIT_HEADER, UNIT_ROWS, meta_values, write_csv, write_json, write_xlsx

from generator.common.errors import Problem, SnapshotError
from generator.snapshot import Period, load_snapshot
from generator.snapshot.values import Invalid, read_decimal, read_text

COLUMN = {key: chr(ord("A") + i) for i, key in enumerate(UNIT_HEADER)}


def problems_of(path: Path) -> list[str]:
    """The problem lines load_snapshot reports for `path` (it must refuse it)."""
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert info.value.problems, "a refusal always says why"
    return [str(p) for p in info.value.problems]


def changed(
    rows: Sequence[Sequence[object]], index: int, key: str, value: object
) -> list[tuple[object, ...]]:
    """`rows` with one cell replaced (index 0 is spreadsheet row 2)."""
    result = [tuple(r) for r in rows]
    row = list(result[index])
    row[UNIT_HEADER.index(key)] = value
    result[index] = tuple(row)
    return result


def xlsx_with(tmp_path: Path, index: int, key: str, value: object) -> Path:
    """A valid XLSX except for one units cell."""
    return write_xlsx(tmp_path / "s.xlsx", rows=changed(UNIT_ROWS, index, key, value))


# --- whole-file problems -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv", "empty.json", "blank.csv"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    """An empty (or whitespace-only) file is refused as empty, whatever its form."""
    path = tmp_path / name
    path.write_bytes(b"" if name.startswith("empty") else b"\xef\xbb\xbf \r\n\n")
    assert problems_of(path) == [f"{path}: tệp rỗng, không có dữ liệu"]


def test_csv_named_xlsx(tmp_path: Path) -> None:
    """A CSV text saved as .xlsx is refused as not being what its extension says."""
    path = tmp_path / "s.xlsx"
    shutil.copy(write_csv(tmp_path / "s.csv"), path)
    assert problems_of(path) == [
        f"{path}: tệp có đuôi .xlsx nhưng nội dung là văn bản (có thể là CSV)"
    ]


def test_xlsx_named_csv(tmp_path: Path) -> None:
    """An XLSX (a ZIP) saved as .csv is refused."""
    path = tmp_path / "s.csv"
    shutil.copy(write_xlsx(tmp_path / "s.xlsx"), path)
    write_csv(tmp_path / "other.csv")  # a sidecar would not help
    assert problems_of(path) == [
        f"{path}: tệp có đuôi .csv nhưng nội dung là tệp nén ZIP (có thể là bảng tính XLSX)"
    ]


def test_json_named_csv(tmp_path: Path) -> None:
    """A JSON document saved as .csv is refused."""
    path = tmp_path / "s.csv"
    shutil.copy(write_json(tmp_path / "s.json"), path)
    assert problems_of(path) == [f"{path}: tệp có đuôi .csv nhưng nội dung là dữ liệu JSON"]


def test_json_named_xlsx(tmp_path: Path) -> None:
    """A JSON document saved as .xlsx is refused."""
    path = tmp_path / "s.xlsx"
    shutil.copy(write_json(tmp_path / "s.json"), path)
    assert problems_of(path) == [f"{path}: tệp có đuôi .xlsx nhưng nội dung là dữ liệu JSON"]


def test_xlsx_named_json(tmp_path: Path) -> None:
    """An XLSX saved as .json is refused."""
    path = tmp_path / "s.json"
    shutil.copy(write_xlsx(tmp_path / "s.xlsx"), path)
    assert problems_of(path) == [
        f"{path}: tệp có đuôi .json nhưng nội dung là tệp nén ZIP (có thể là bảng tính XLSX)"
    ]


def test_old_xls_content_named_xlsx(tmp_path: Path) -> None:
    """An old binary .xls saved as .xlsx is told apart and the fix suggested."""
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert problems_of(path) == [
        f"{path}: tệp có đuôi .xlsx nhưng nội dung là bảng tính Excel cũ (.xls); hãy lưu lại dạng .xlsx"
    ]


@pytest.mark.parametrize(
    ("content", "kind"),
    [("[1, 2]", "một danh sách"), ('"meta"', "một chuỗi"), ("42", "một số"), ("null", "null")],
)
def test_json_that_is_not_an_object(tmp_path: Path, content: str, kind: str) -> None:
    """A JSON document that is not an object is refused, naming what it is."""
    path = tmp_path / "s.json"
    path.write_text(content, encoding="utf-8")
    assert problems_of(path) == [
        f'{path}: nội dung JSON phải là một đối tượng {{"meta": {{...}}, "units": [...]}}, '
        f"không phải {kind}"
    ]


def test_json_syntax_error_names_line(tmp_path: Path) -> None:
    """Broken JSON is refused with the line (row) and column of the syntax error."""
    path = tmp_path / "s.json"
    path.write_text('{"meta": {},\n "units": [1,, 2]}', encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:2: nội dung không phải JSON hợp lệ: thiếu giá trị (cột 14)"
    ]


def test_damaged_xlsx(tmp_path: Path) -> None:
    """A truncated XLSX is refused as damaged (never an openpyxl exception)."""
    path = write_xlsx(tmp_path / "s.xlsx")
    path.write_bytes(path.read_bytes()[:300])
    lines = problems_of(path)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}: không đọc được bảng tính XLSX (tệp hỏng")


@pytest.mark.parametrize("name", ["s.xls", "s.txt", "s"])
def test_unknown_extension(tmp_path: Path, name: str) -> None:
    """An extension other than .xlsx .csv .tsv .json is refused before reading."""
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    shown = path.suffix or "(không có)"
    assert problems_of(path) == [
        f'{path}: đuôi tệp "{shown}" không được hỗ trợ; chỉ nhận .xlsx, .csv, .tsv hoặc .json'
    ]


def test_missing_file(tmp_path: Path) -> None:
    """A path that does not exist is a SnapshotError too."""
    path = tmp_path / "absent.xlsx"
    assert problems_of(path) == [f"{path}: không tìm thấy tệp"]


@pytest.mark.parametrize("sheet", ["meta", "units"])
def test_missing_sheet(tmp_path: Path, sheet: str) -> None:
    """A workbook without the `meta` or `units` sheet is refused naming the sheet."""
    path = write_xlsx(tmp_path / "s.xlsx", with_meta=sheet != "meta", with_units=sheet != "units")
    assert problems_of(path) == [f'{path}: thiếu trang tính "{sheet}"']


def test_csv_without_sidecar_names_expected_path(tmp_path: Path) -> None:
    """A CSV without its meta sidecar is refused, naming the sidecar expected beside it."""
    path = write_csv(tmp_path / "2024-07.csv", sidecar=None)
    assert problems_of(path) == [
        f'{path}: không tìm thấy tệp meta đi kèm "{tmp_path / "2024-07.meta.yaml"}" '
        f'(hoặc "{tmp_path / "2024-07.meta.json"}")'
    ]


def test_csv_not_utf8(tmp_path: Path) -> None:
    """A CSV in a legacy encoding is refused, naming the line of the first bad byte."""
    path = write_csv(tmp_path / "s.csv")
    path.write_bytes(
        path.read_bytes().replace("Quận Ba Đình".encode(), "Quan Ba \xd0inh".encode("latin-1"))
    )
    assert problems_of(path) == [
        f"{path}:4: tệp không phải văn bản mã UTF-8 (byte 0xd0 không hợp lệ); "
        "hãy lưu lại với mã hóa UTF-8"
    ]


def test_header_but_no_units(tmp_path: Path) -> None:
    """A units table with a header and no unit row is refused."""
    path = write_xlsx(tmp_path / "s.xlsx", rows=[])
    assert problems_of(path) == [f"{path}[units]:1: có dòng tiêu đề nhưng không có dòng đơn vị nào"]


def test_units_sheet_without_header(tmp_path: Path) -> None:
    """An empty units sheet is refused."""
    path = write_xlsx(tmp_path / "s.xlsx", header=(), rows=[])
    assert problems_of(path) == [f"{path}[units]: trang tính trống, không có dòng tiêu đề"]


# --- columns and keys --------------------------------------------------------------------

REQUIRED_COLUMNS = [
    ("code", "Mã đơn vị"),
    ("name", "Tên đơn vị"),
    ("kind", "Loại đơn vị"),
    ("ckmb", "Công khai, minh bạch"),
    ("tdgq", "Tiến độ giải quyết"),
    ("clgq", "Dịch vụ công trực tuyến"),
    ("tttt", "Thanh toán trực tuyến"),
    ("mdhl", "Mức độ hài lòng"),
    ("mdsh", "Số hóa hồ sơ"),
]


@pytest.mark.parametrize(("key", "label"), REQUIRED_COLUMNS)
def test_missing_required_column(tmp_path: Path, key: str, label: str) -> None:
    """Each required units column, when absent, is named with its label at the header row."""
    drop = UNIT_HEADER.index(key)
    header = [h for i, h in enumerate(UNIT_HEADER) if i != drop and h != "total"]
    rows = [
        [v for i, v in enumerate(r) if i != drop and UNIT_HEADER[i] != "total"] for r in UNIT_ROWS
    ]
    path = write_xlsx(tmp_path / "s.xlsx", header=header, rows=rows)
    assert problems_of(path) == [f'{path}[units]:1: thiếu cột bắt buộc "{label}" ({key})']


def test_missing_required_column_in_json(tmp_path: Path) -> None:
    """In JSON a column no unit carries is missing, located at `units`."""
    header = [h for h in UNIT_HEADER if h != "tdgq"]
    rows = [[v for h, v in zip(UNIT_HEADER, r, strict=True) if h != "tdgq"] for r in UNIT_ROWS]
    path = write_json(tmp_path / "s.json", header=header, rows=rows)
    problems = problems_of(path)
    assert f'{path}:units: thiếu cột bắt buộc "Tiến độ giải quyết" (tdgq)' in problems


def test_repeated_column(tmp_path: Path) -> None:
    """Two headers naming the same column are refused at the second one."""
    header = (*UNIT_HEADER, "Tên đơn vị")
    rows = [(*r, r[1]) for r in UNIT_ROWS]
    path = write_xlsx(tmp_path / "s.xlsx", header=header, rows=rows)
    assert problems_of(path) == [
        f'{path}[units]:1:O: cột "Tên đơn vị" (Tên đơn vị) trùng với cột B'
    ]


REQUIRED_META = [
    ("authority_name", "Tên cơ quan được đánh giá"),
    ("period", "Kỳ đánh giá"),
    ("cutoff", "Thời điểm lấy số liệu"),
    ("score", "Tổng điểm"),
]


@pytest.mark.parametrize(("key", "label"), REQUIRED_META)
def test_missing_meta_key_xlsx(tmp_path: Path, key: str, label: str) -> None:
    """A required meta key absent from the meta sheet is named."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(**{key: None}))
    assert problems_of(path) == [f'{path}[meta]: thiếu khóa bắt buộc "{key}" ({label})']


@pytest.mark.parametrize(("key", "label"), REQUIRED_META)
def test_missing_meta_key_json(tmp_path: Path, key: str, label: str) -> None:
    """In JSON a missing meta key is located at `meta`."""
    path = write_json(tmp_path / "s.json", meta_values(**{key: None}))
    assert problems_of(path) == [f'{path}:meta: thiếu khóa bắt buộc "{key}" ({label})']


def test_missing_meta_key_sidecar(tmp_path: Path) -> None:
    """In a YAML sidecar a missing key is reported on the sidecar file."""
    path = write_csv(tmp_path / "s.csv", meta_values(score=None))
    assert problems_of(path) == [
        f'{tmp_path / "s.meta.yaml"}: thiếu khóa bắt buộc "score" (Tổng điểm)'
    ]


def test_empty_required_meta_value(tmp_path: Path) -> None:
    """A required meta key with an empty value is refused at its value cell."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(authority_name="  "))
    assert problems_of(path) == [f"{path}[meta]:1:B: Tên cơ quan được đánh giá bị trống"]


def test_missing_meta_part_in_json(tmp_path: Path) -> None:
    """A JSON snapshot without `meta` is refused."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"units": []}), encoding="utf-8")
    assert problems_of(path) == [
        f'{path}: thiếu khóa "meta" (thông tin chung của kỳ đánh giá)',
        f"{path}:units: danh sách units không có đơn vị nào",
    ]


# --- unit values -------------------------------------------------------------------------


def test_group_score_above_max(tmp_path: Path) -> None:
    """A group score above its maximum is refused at its cell, naming the group and the max."""
    path = xlsx_with(tmp_path, 3, "tdgq", 21)
    assert problems_of(path) == [
        f"{path}[units]:5:E: Tiến độ giải quyết = 21 vượt quá điểm tối đa 20"
    ]


def test_group_score_below_zero(tmp_path: Path) -> None:
    """A negative group score is refused."""
    path = xlsx_with(tmp_path, 0, "ckmb", -0.5)
    assert problems_of(path) == [f"{path}[units]:2:D: Công khai, minh bạch = -0,5 là số âm"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("abc", '"abc"'), ("1e5", '"1e5"'), (True, "TRUE")],
)
def test_group_score_not_a_number(tmp_path: Path, value: object, shown: str) -> None:
    """A group cell that is not a number is refused, showing what was there."""
    path = xlsx_with(tmp_path, 1, "clgq", value)
    assert problems_of(path) == [
        f"{path}[units]:3:F: Dịch vụ công trực tuyến = {shown} không phải là số"
    ]


def test_group_score_spreadsheet_error(tmp_path: Path) -> None:
    """A cell holding an Excel error (#DIV/0!) is refused as a formula's error, not as text."""
    path = xlsx_with(tmp_path, 1, "clgq", "#DIV/0!")
    assert problems_of(path) == [
        f"{path}[units]:3:F: Dịch vụ công trực tuyến = #DIV/0! là kết quả lỗi của công thức trong Excel; "
        "hãy sửa công thức hoặc nhập số"
    ]


def test_total_differs_from_sum(tmp_path: Path) -> None:
    """A total more than 0,05 away from the sum of the groups is refused."""
    path = xlsx_with(tmp_path, 0, "total", 68.56)
    assert problems_of(path) == [
        f"{path}[units]:2:J: Tổng điểm = 68,56 khác tổng điểm các nhóm (68,5) quá 0,05"
    ]


def test_total_within_tolerance_is_accepted(tmp_path: Path) -> None:
    """A total 0,05 away from the sum (publication rounding) is accepted."""
    assert load_snapshot(xlsx_with(tmp_path, 0, "total", 68.55)).units[0].total is not None


@pytest.mark.parametrize("key", ["received", "on_time", "overdue"])
def test_negative_count(tmp_path: Path, key: str) -> None:
    """Negative counts are refused."""
    path = xlsx_with(tmp_path, 0, key, -3)
    label = {
        "received": "Hồ sơ tiếp nhận",
        "on_time": "Hồ sơ đúng hạn",
        "overdue": "Hồ sơ quá hạn",
    }[key]
    assert problems_of(path) == [f"{path}[units]:2:{COLUMN[key]}: {label} = -3 là số âm"]


def test_non_integer_count(tmp_path: Path) -> None:
    """A count with decimals is refused."""
    path = xlsx_with(tmp_path, 2, "overdue", 12.5)
    assert problems_of(path) == [f"{path}[units]:4:M: Hồ sơ quá hạn = 12,5 không phải là số nguyên"]


def test_on_time_above_received(tmp_path: Path) -> None:
    """More on-time dossiers than received is refused at the on_time cell."""
    path = xlsx_with(tmp_path, 1, "on_time", 501)
    assert problems_of(path) == [
        f"{path}[units]:3:L: Hồ sơ đúng hạn = 501 lớn hơn Hồ sơ tiếp nhận = 500"
    ]


@pytest.mark.parametrize(("value", "shown"), [(100.5, "100,5"), (-1, "-1"), ("120%", "120")])
def test_rate_outside_percent_range(tmp_path: Path, value: object, shown: str) -> None:
    """Rates outside 0–100 are refused."""
    path = xlsx_with(tmp_path, 0, "online_payment_rate", value)
    assert problems_of(path) == [
        f"{path}[units]:2:N: Tỷ lệ thanh toán trực tuyến = {shown} nằm ngoài khoảng 0–100 (%)"
    ]


def test_duplicate_code_names_first_row(tmp_path: Path) -> None:
    """A repeated code is refused at its second occurrence, naming the row of the first."""
    path = xlsx_with(tmp_path, 2, "code", "s01")
    assert problems_of(path) == [f'{path}[units]:4:A: Mã đơn vị "s01" trùng với dòng 2']


def test_duplicate_name_names_first_row(tmp_path: Path) -> None:
    """A repeated name (case and spacing aside) is refused at its second occurrence."""
    path = xlsx_with(tmp_path, 3, "name", "sở  y TẾ")
    assert problems_of(path) == [f'{path}[units]:5:B: Tên đơn vị "sở  y TẾ" trùng với dòng 3']


def test_names_differing_by_a_diacritic_are_distinct(tmp_path: Path) -> None:
    """ "Tân An" and "Tân Ân" are two communes, not a duplicate."""
    rows = changed(changed(UNIT_ROWS, 2, "name", "Tân An"), 3, "name", "Tân Ân")
    snapshot = load_snapshot(write_xlsx(tmp_path / "s.xlsx", rows=rows))
    assert [u.name for u in snapshot.units][2:] == ["Tân An", "Tân Ân"]


def test_duplicate_code_in_json_names_first_index(tmp_path: Path) -> None:
    """In JSON the first occurrence is named as `units[N]`."""
    path = write_json(tmp_path / "s.json", rows=changed(UNIT_ROWS, 3, "code", "S02"))
    assert problems_of(path) == [f'{path}:units[4]:code: Mã đơn vị "S02" trùng với units[2]']


def test_unknown_kind(tmp_path: Path) -> None:
    """A kind that is none of the three is refused, listing the accepted words."""
    path = xlsx_with(tmp_path, 0, "kind", "tỉnh")
    assert problems_of(path) == [
        f'{path}[units]:2:C: Loại đơn vị = "tỉnh" không phải loại đơn vị hợp lệ; dùng so_nganh '
        "(sở, ban, ngành), huyen (quận, huyện, thị xã) hoặc xa (xã, phường, thị trấn)"
    ]


@pytest.mark.parametrize(
    ("name", "code_point"),
    [("Sở\tTư pháp", "U+0009"), ("Sở Tư\x00 pháp", "U+0000"), ("Sở\u202eTư pháp", "U+202E")],
)
def test_control_character_in_name(tmp_path: Path, name: str, code_point: str) -> None:
    """A control or format character inside a name is refused, naming the code point (JSON)."""
    path = write_json(tmp_path / "s.json", rows=changed(UNIT_ROWS, 0, "name", name))
    lines = problems_of(path)
    assert len(lines) == 1
    assert lines[0].startswith(f"{path}:units[1]:name: Tên đơn vị = ")
    assert lines[0].endswith(f" chứa ký tự điều khiển {code_point}")


def test_control_character_in_csv_name(tmp_path: Path) -> None:
    """The same in a CSV, located by line and column letter."""
    path = write_csv(tmp_path / "s.csv", rows=changed(UNIT_ROWS, 1, "name", "Sở Y\x07 tế"))
    assert problems_of(path) == [
        f'{path}:3:B: Tên đơn vị = "Sở Y\\u0007 tế" chứa ký tự điều khiển U+0007'
    ]


@pytest.mark.parametrize(
    ("key", "label", "letter"),
    [("code", "Mã đơn vị", "A"), ("name", "Tên đơn vị", "B"), ("kind", "Loại đơn vị", "C")],
)
def test_empty_code_name_or_kind(tmp_path: Path, key: str, label: str, letter: str) -> None:
    """An empty code, name or kind cell is refused."""
    path = xlsx_with(tmp_path, 1, key, None)
    assert problems_of(path) == [f"{path}[units]:3:{letter}: {label} bị trống"]


def test_empty_group_cell_is_valid(tmp_path: Path) -> None:
    """An empty group cell is not a problem: it means no data."""
    snapshot = load_snapshot(xlsx_with(tmp_path, 0, "tdgq", None))
    assert snapshot.units[0].groups[1] is None


# --- meta values -------------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2024-13", "2024/07", "July", "07/2024", "2024-00", "1899-12",
                                    "2026-Q5", "2026-Q0", "2026-Q", "Q3/2026", "2026-3Q", "26", "1899"])
def test_period_not_a_period(tmp_path: Path, period: str) -> None:
    """A period that is not `YYYY-MM`, `YYYY-Qn` or `YYYY` is refused at its meta cell."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(period=period))
    assert problems_of(path) == [
        f'{path}[meta]:3:B: Kỳ đánh giá = "{period}" không phải là tháng YYYY-MM, quý YYYY-Qn hay năm YYYY '
        "(ví dụ 2024-07, 2026-Q3, 2026)"
    ]


@pytest.mark.parametrize(("cell", "expected"), [
    ("2026-Q3", Period(2026, quarter=3)), ("2026-q1", Period(2026, quarter=1)), ("2026", Period(2026)),
    (2026, Period(2026)), (2026.0, Period(2026)), ("2024-7", Period(2024, 7)),
])
def test_period_quarter_and_year(tmp_path: Path, cell: object, expected: Period) -> None:
    """A quarter or a year is a period too; a whole-number cell (Excel typed 2026) is a year."""
    cutoff = f"{expected.end.year + (expected.end.month == 12)}-{expected.end.month % 12 + 1:02d}-05T10:00:00+07:00"
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(period=cell, cutoff=cutoff))
    assert load_snapshot(path).meta.period == expected


def test_cutoff_before_a_quarter_is_refused(tmp_path: Path) -> None:
    """The cutoff may not be earlier than the first day of the quarter."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(period="2026-Q3", cutoff="2026-06-30T10:00:00+07:00"))
    assert problems_of(path) == [
        f"{path}[meta]:4:B: Thời điểm lấy số liệu 2026-06-30T10:00:00+07:00 sớm hơn ngày đầu của kỳ đánh giá "
        "2026-Q3 (01/07/2026)"
    ]


@pytest.mark.parametrize("cutoff", ["02/08/2024 10:00", "hôm qua", "2024-08-32T10:00:00"])
def test_cutoff_not_iso(tmp_path: Path, cutoff: str) -> None:
    """A cutoff that is not ISO 8601 is refused."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(cutoff=cutoff))
    assert problems_of(path) == [
        f'{path}[meta]:4:B: Thời điểm lấy số liệu = "{cutoff}" không đúng dạng ISO 8601 '
        "(ví dụ 2024-08-02T10:00:00+07:00)"
    ]


@pytest.mark.parametrize(
    ("cutoff", "shown"),
    [
        ("2024-06-30T23:59:00", "2024-06-30T23:59:00+07:00"),
        ("2024-07-01T00:00:00+08:00", "2024-06-30T23:00:00+07:00"),
        ("2024-06-30T16:59:59Z", "2024-06-30T23:59:59+07:00"),
    ],
)
def test_cutoff_before_period(tmp_path: Path, cutoff: str, shown: str) -> None:
    """A cutoff before the period's first day (at +07:00) is refused, shown in Vietnam's time."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(cutoff=cutoff))
    assert problems_of(path) == [
        f"{path}[meta]:4:B: Thời điểm lấy số liệu {shown} sớm hơn ngày đầu của kỳ đánh giá "
        "2024-07 (01/07/2024)"
    ]


def test_cutoff_on_first_day_midnight_is_accepted(tmp_path: Path) -> None:
    """Midnight of the period's first day, Vietnam time, is not "before" it."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(cutoff="2024-07-01T00:00:00"))
    assert load_snapshot(path).meta.cutoff.isoformat() == "2024-07-01T00:00:00+07:00"


@pytest.mark.parametrize(
    ("score", "message"), [(101, "101 vượt quá điểm tối đa 100"), (-1, "-1 là số âm")]
)
def test_meta_score_outside_range(tmp_path: Path, score: int, message: str) -> None:
    """The authority's score must be 0–100."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(score=score))
    assert problems_of(path) == [f"{path}[meta]:5:B: Tổng điểm = {message}"]


def test_rank_without_ranked_count(tmp_path: Path) -> None:
    """A rank without ranked_count is refused at the rank cell."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(ranked_count=None))
    assert problems_of(path) == [
        f'{path}[meta]:6:B: có Thứ hạng nhưng thiếu "ranked_count" (Số đơn vị được xếp hạng)'
    ]


@pytest.mark.parametrize("rank", [0, 64])
def test_rank_outside_ranked_count(tmp_path: Path, rank: int) -> None:
    """A rank outside 1..ranked_count is refused."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(rank=rank))
    assert problems_of(path) == [f"{path}[meta]:6:B: Thứ hạng = {rank} nằm ngoài khoảng 1–63"]


def test_meta_group_scores_within_max(tmp_path: Path) -> None:
    """The authority's own group scores must be within each group's max."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(ckmb=18, mdhl=18.5))
    assert problems_of(path) == [
        f"{path}[meta]:10:B: Mức độ hài lòng = 18,5 vượt quá điểm tối đa 18"
    ]


def test_overdue_total_negative(tmp_path: Path) -> None:
    """A negative authority-wide overdue count is refused."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(overdue_total=-5))
    assert problems_of(path) == [f"{path}[meta]:8:B: Tổng số hồ sơ quá hạn = -5 là số âm"]


def test_repeated_meta_key(tmp_path: Path) -> None:
    """The same meta key twice (by key and by label) is refused at the second."""
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(**{"Kỳ đánh giá": "2024-06"}))
    assert problems_of(path) == [
        f'{path}[meta]:9:A: khóa "Kỳ đánh giá" (Kỳ đánh giá) lặp lại, đã có ở dòng 3'
    ]


# --- locations in the other forms ---------------------------------------------------------


def test_yaml_sidecar_locates_by_line_and_key(tmp_path: Path) -> None:
    """Sidecar problems name the sidecar, the line of the key and the key."""
    path = write_csv(tmp_path / "s.csv", meta_values(period="2024/07", rank=70))
    sidecar = tmp_path / "s.meta.yaml"
    lines = yaml.safe_dump(
        meta_values(period="2024/07", rank=70), allow_unicode=True, sort_keys=False
    )
    assert lines.splitlines()[2].startswith("period:")
    assert problems_of(path) == [
        f'{sidecar}:3:period: Kỳ đánh giá = "2024/07" không phải là tháng YYYY-MM, quý YYYY-Qn hay năm YYYY (ví dụ 2024-07, 2026-Q3, 2026)',
        f"{sidecar}:6:rank: Thứ hạng = 70 nằm ngoài khoảng 1–63",
    ]


def test_yaml_sidecar_syntax_error(tmp_path: Path) -> None:
    """A sidecar that is not YAML is refused with its line."""
    path = write_csv(tmp_path / "s.csv")
    (tmp_path / "s.meta.yaml").write_text("period: 2024-07\nscore: [1,\n", encoding="utf-8")
    lines = problems_of(path)
    assert len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 's.meta.yaml'}:3: lỗi cú pháp YAML")


def test_json_sidecar_locates_by_key(tmp_path: Path) -> None:
    """A JSON sidecar's problems are located as `meta` and the key."""
    path = write_csv(tmp_path / "s.csv", meta_values(score="abc"), sidecar="json")
    assert problems_of(path) == [
        f'{tmp_path / "s.meta.json"}:meta:score: Tổng điểm = "abc" không phải là số'
    ]


def test_two_sidecars_are_ambiguous(tmp_path: Path) -> None:
    """Both a YAML and a JSON sidecar: refused, naming both."""
    path = write_csv(tmp_path / "s.csv", sidecar="yaml")
    write_csv(tmp_path / "s.csv", sidecar="json")
    assert problems_of(path) == [
        f'{path}: có nhiều tệp meta đi kèm: "{tmp_path / "s.meta.yaml"}", '
        f'"{tmp_path / "s.meta.json"}"; chỉ giữ lại một tệp'
    ]


def test_csv_locates_by_line_and_letter(tmp_path: Path) -> None:
    """CSV problems give the spreadsheet row (header = 1) and the column letter."""
    path = write_csv(tmp_path / "s.csv", rows=changed(UNIT_ROWS, 2, "mdsh", "22,5"), delimiter=";")
    assert problems_of(path) == [f"{path}:4:I: Số hóa hồ sơ = 22,5 vượt quá điểm tối đa 22"]


def test_json_locates_by_index_and_key(tmp_path: Path) -> None:
    """JSON problems give `units[N]` and the key as written."""
    path = write_json(tmp_path / "s.json", rows=changed(UNIT_ROWS, 1, "received", "nhiều"))
    assert problems_of(path) == [
        f'{path}:units[2]:received: Hồ sơ tiếp nhận = "nhiều" không phải là số'
    ]


def test_json_unit_that_is_not_an_object(tmp_path: Path) -> None:
    """A unit entry that is not an object is refused at its index."""
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"meta": meta_values(), "units": [42]}), encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:units[1]: mỗi đơn vị phải là một đối tượng, không phải một số"
    ]


def test_every_problem_is_reported(tmp_path: Path) -> None:
    """Several problems in one file are all reported, in file order, meta first."""
    rows = changed(changed(UNIT_ROWS, 0, "tdgq", 25), 2, "kind", "?")
    path = write_xlsx(tmp_path / "s.xlsx", meta_values(period="2024-13", score=200), rows=rows)
    lines = problems_of(path)
    assert [line.split(": ")[0] for line in lines] == [
        f"{path}[meta]:3:B",
        f"{path}[meta]:5:B",
        f"{path}[units]:2:E",
        f"{path}[units]:4:C",
    ]


def test_error_message_counts_problems(tmp_path: Path) -> None:
    """The SnapshotError message names the file and the number of problems."""
    path = xlsx_with(tmp_path, 0, "tdgq", 25)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert info.value.message == f'Tệp số liệu "{path}" không hợp lệ: 1 lỗi'
    assert info.value.problems == (
        Problem(f"{path}[units]", "Tiến độ giải quyết = 25 vượt quá điểm tối đa 20", 2, "E"),
    )


def test_more_than_six_places_reads_the_exponent_from_the_text() -> None:
    """The text-based test for a number kept to 6 decimals agrees with the exponent itself, on
    every notation str() uses (plain, E+, E-) and on zeros."""
    import random
    from decimal import Decimal

    from generator.snapshot.values import _more_than_six_places, read_decimal

    rng = random.Random(13)
    numbers = [Decimal(s) for s in ("0", "-0", "0.0000000", "0E-7", "0E+3", "1.000000", "1.0000000", "1E-7", "1E+2")]
    for _ in range(20000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 18)))
        number = Decimal(f"{rng.choice('+-')}{digits}E{rng.randint(-25, 12)}")
        numbers += [number, number.normalize()]
    for number in numbers:
        assert _more_than_six_places(number) == (number.as_tuple().exponent < -6), number  # type: ignore[operator]
    assert str(read_decimal(58.860000000000007)) == "58.86"
    assert str(read_decimal(Decimal("1.0000000"))) == "1"
    assert str(read_decimal(Decimal("12.340"))) == "12.340"


class _Decimal(Decimal):
    """A Decimal that read_decimal takes through its general branch (the fast one wants Decimal itself)."""


class _Text(str):
    """A str that read_text takes through its general branch (the fast one wants str itself)."""


def _outcome(read: Callable[[object], object], value: object) -> tuple[str, object]:
    try:
        result = read(value)
    except Invalid as invalid:
        return "invalid", (invalid.reason, invalid.shown)
    if result is None:
        return "none", None
    return ("number" if isinstance(result, Decimal) else "text" if isinstance(result, str) else "other"), str(result)


DECIMALS = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True),
    st.builds(lambda sign, digits, exponent: Decimal(f"{sign}{digits}E{exponent}"),
              st.sampled_from("+-"), st.integers(0, 10**18), st.integers(-25, 20)),
)


@settings(max_examples=500, deadline=None)
@given(DECIMALS)
def test_a_json_number_is_read_as_any_decimal_is(number: Decimal) -> None:
    """read_decimal's short branch for a Decimal cell (a JSON number) gives what its general checks
    give: the same number written the same way (str), or the same refusal."""
    assert _outcome(read_decimal, number) == _outcome(read_decimal, _Decimal(number))
    assert _outcome(partial(read_decimal, percent=True), number) == _outcome(read_decimal, _Decimal(number))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_a_text_cell_is_read_as_any_text_is(text: str) -> None:
    """read_text's short branch for a str cell gives what its general checks give."""
    assert _outcome(read_text, text) == _outcome(read_text, _Text(text))


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from("a  Ởở\t\n\u00a0\u2003\u2028\u0301"), max_size=12) | st.text(max_size=12))
@example("Xã  Tân An")
@example("Xã\u00a0Tân\tAn")
def test_a_name_key_collapses_white_space_as_the_pattern_does(text: str) -> None:
    """same_name_key skips the white-space pattern for a printable text without two spaces in a row
    (its only white space is then single spaces): the key is what the pattern gives."""
    import re
    import unicodedata

    from generator.snapshot.text import same_name_key

    assert same_name_key(text) == re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()
