"""Hostile and faulty snapshots: every limit and every silently-wrong case is refused, located, fast.

Each test names the class of issue 14 it covers: (1) limits, (2) silently wrong data, (3) time
zones, (4) crashes that are user errors. Messages are asserted exactly, with their location.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hostile_samples import (
    UNITS,
    UNITS_HEADER,
    billion_laughs_yaml,
    meta_rows,
    row,
    sheet,
    snapshot_xlsx,
    units_rows,
    write_workbook,
)
from snapshot_samples import UNIT_ROWS, meta_values, write_csv, write_json

from generator.common.errors import SnapshotError
from generator.common.formatting import cutoff_time
from generator.snapshot import limits, load_history, load_meta, load_snapshot, xlsx_parts

VIETNAM = timezone(timedelta(hours=7))


def problems_of(path: Path) -> list[str]:
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    return [str(p) for p in info.value.problems]


def json_snapshot(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def valid_json_text() -> str:
    units = [dict(zip(("code", "name", "kind", "ckmb", "tdgq", "clgq", "tttt", "mdhl", "mdsh"), u, strict=True))
             for u in UNITS]
    return json.dumps({"meta": meta_values(), "units": units}, ensure_ascii=False)


@pytest.fixture
def quick() -> Iterator[None]:
    """Fails a test whose reading takes more than a few seconds (a hang would be a timeout)."""
    started = time.perf_counter()
    yield
    assert time.perf_counter() - started < 20


# --- (1) limits: JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize(("literal", "shown"), [("1e999999", "1E+999999"), ("1e99999999", "1E+99999999")])
def test_json_huge_exponent_is_refused_quickly(tmp_path: Path, literal: str, shown: str, quick: None) -> None:
    """A number like 1e999999 is refused as too large (it used to take 51 s, then pass)."""
    path = json_snapshot(tmp_path / "s.json", valid_json_text().replace('"score": 58.86', f'"score": {literal}'))
    assert problems_of(path) == [
        f"{path}:meta:score: Tổng điểm = {shown} là số quá lớn (quá 15 chữ số trước dấu thập phân)"
    ]


def test_json_integer_with_thousands_of_digits(tmp_path: Path, quick: None) -> None:
    """An integer over Python's 4.300-digit limit is a located problem, not a ValueError."""
    path = json_snapshot(tmp_path / "s.json", valid_json_text().replace('"score": 58.86', '"score": ' + "9" * 5000))
    assert problems_of(path) == [
        f"{path}:meta:score: Tổng điểm = {'9' * 40}… là số quá dài (số liệu thật không quá 15 chữ số)"
    ]


def test_json_count_of_sixteen_digits_is_too_large(tmp_path: Path) -> None:
    """A count over 15 digits is refused (it cannot be a real figure and breaks formatting)."""
    path = json_snapshot(tmp_path / "s.json",
                         valid_json_text().replace('"ranked_count": 63', '"ranked_count": 1234567890123456'))
    assert problems_of(path) == [
        f"{path}:meta:ranked_count: Số đơn vị được xếp hạng = 1234567890123456 là số quá lớn "
        "(quá 15 chữ số trước dấu thập phân)"
    ]


def test_json_deep_nesting_past_the_recursion_limit(tmp_path: Path, quick: None) -> None:
    """100.000 nested brackets: refused with line and column, not a bare RecursionError."""
    path = json_snapshot(tmp_path / "s.json", '{"meta": {},\n "units": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert problems_of(path) == [f"{path}:2: dữ liệu JSON lồng nhau quá 16 tầng (cột 26)"]


def test_json_nesting_deeper_than_the_limit(tmp_path: Path) -> None:
    """Nesting that Python parses but no snapshot needs is refused at its JSON path."""
    path = json_snapshot(tmp_path / "s.json", '{"meta": {"x": ' + "[" * 20 + "]" * 20 + "}}")
    assert problems_of(path) == [
        f"{path}:meta.x{'[1]' * 14}: dữ liệu JSON lồng nhau quá 16 tầng"
    ]


def test_json_over_long_string(tmp_path: Path) -> None:
    """A string over the cell limit is refused where it is."""
    text = valid_json_text().replace('"Sở Y tế"', '"' + "x" * 10_001 + '"')
    path = json_snapshot(tmp_path / "s.json", text)
    assert problems_of(path) == [f"{path}:units[2]:name: chuỗi dài 10001 ký tự, quá giới hạn 10000 ký tự"]


def test_json_file_over_the_size_limit(tmp_path: Path, quick: None) -> None:
    """A file over 20 MB is refused before it is read (a sparse file: nothing is written)."""
    path = tmp_path / "s.json"
    with path.open("wb") as handle:
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    assert problems_of(path) == [f"{path}: tệp quá lớn (20 MB; tối đa 20 MB)"]


def test_fifo_named_like_a_snapshot_does_not_hang(tmp_path: Path, quick: None) -> None:
    """A named pipe is refused at once (opening it for reading would wait for a writer)."""
    path = tmp_path / "s.csv"
    os.mkfifo(path)
    assert problems_of(path) == [f"{path}: không phải tệp thông thường (thiết bị, đường ống hoặc socket)"]


# --- (2) silently wrong: JSON and YAML duplicate keys ----------------------------------------------


def test_json_duplicate_meta_key(tmp_path: Path) -> None:
    """`meta.score` twice: the last used to win silently."""
    path = json_snapshot(tmp_path / "s.json", valid_json_text().replace('"score": 58.86', '"score": 99, "score": 58.86'))
    assert problems_of(path) == [
        f'{path}:meta:score: khóa "score" lặp lại trong cùng một đối tượng (chỉ một giá trị được đọc, '
        "giá trị kia sẽ bị bỏ qua mà không ai biết); hãy giữ lại một"
    ]


def test_json_duplicate_units_key(tmp_path: Path) -> None:
    """`units` twice: 2 units used to become the last list."""
    text = valid_json_text()[:-1] + ', "units": []}'
    path = json_snapshot(tmp_path / "s.json", text)
    assert problems_of(path) == [
        f'{path}:units: khóa "units" lặp lại trong cùng một đối tượng (chỉ một giá trị được đọc, '
        "giá trị kia sẽ bị bỏ qua mà không ai biết); hãy giữ lại một"
    ]


def test_json_duplicate_key_inside_a_unit(tmp_path: Path) -> None:
    text = valid_json_text().replace('"code": "S02"', '"code": "S02", "code": "S03"')
    path = json_snapshot(tmp_path / "s.json", text)
    assert problems_of(path) == [
        f'{path}:units[2]:code: khóa "code" lặp lại trong cùng một đối tượng (chỉ một giá trị được đọc, '
        "giá trị kia sẽ bị bỏ qua mà không ai biết); hãy giữ lại một"
    ]


def sidecar_csv(tmp_path: Path, yaml_text: str | bytes) -> tuple[Path, Path]:
    table = write_csv(tmp_path / "s.csv")
    sidecar = tmp_path / "s.meta.yaml"
    if isinstance(yaml_text, bytes):
        sidecar.write_bytes(yaml_text)
    else:
        sidecar.write_text(yaml_text, encoding="utf-8")
    return table, sidecar


META_YAML = (
    "authority_name: UBND Thành phố Hà Nội\nperiod: '2024-07'\ncutoff: '2024-08-02T10:00:00+07:00'\n"
    "score: 58.86\n"
)


def test_yaml_duplicate_key(tmp_path: Path) -> None:
    """A sidecar key written twice is refused at the second, naming the first line."""
    table, sidecar = sidecar_csv(tmp_path, META_YAML + "score: 12\n")
    assert problems_of(table) == [
        f"{sidecar}:5: khóa “score” lặp lại (đã có ở dòng 4); chỉ một giá trị được đọc, hãy giữ lại một"
    ]


# --- (1) limits and (4) crashes: YAML sidecars -----------------------------------------------------


def test_yaml_billion_laughs_is_refused_at_once(tmp_path: Path, quick: None) -> None:
    """The 815-byte alias bomb: refused at its first alias (it used to hang validate and generate)."""
    table, sidecar = sidecar_csv(tmp_path, billion_laughs_yaml())
    assert problems_of(table) == [f"{sidecar}:2: không dùng tham chiếu YAML “*a0”; hãy viết thẳng giá trị"]


def test_yaml_merge_key_is_a_clear_refusal(tmp_path: Path) -> None:
    """`<<` used to fail as a ConstructorError."""
    table, sidecar = sidecar_csv(tmp_path, META_YAML + "<<: {rank: 1}\n")
    assert problems_of(table) == [f"{sidecar}:5: không dùng khóa gộp YAML “<<”; hãy viết thẳng từng khóa"]


def test_yaml_windows_1258_sidecar(tmp_path: Path) -> None:
    """A sidecar saved in a Vietnamese code page is refused in Vietnamese, with its line."""
    text = META_YAML.replace("UBND Thành phố Hà Nội", "UBND Th\u00e0nh ph\u00f4\u0301 Ha\u0300 N\u00f4\u0323i")
    table, sidecar = sidecar_csv(tmp_path, text.encode("cp1258"))
    assert problems_of(table) == [
        f"{sidecar}:1: tệp không phải văn bản mã UTF-8 (byte 0xe0 không hợp lệ, có thể là mã Windows-1258 "
        "hoặc TCVN3); hãy lưu lại với mã hóa UTF-8"
    ]


def test_yaml_control_character_names_its_line(tmp_path: Path) -> None:
    """PyYAML's reader error (no mark, English) becomes a Vietnamese problem with the line."""
    table, sidecar = sidecar_csv(tmp_path, META_YAML + "source: a\x01b\n")
    assert problems_of(table) == [f"{sidecar}:5: có ký tự không được phép trong YAML (U+0001)"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("period: 2024-07\n\tscore: 1\n", 2, "có ký tự tab; YAML chỉ thụt lề bằng dấu cách"),
        ("period: 2024-07\nscore: a: b\n", 2,
         "không được đặt dấu “:” ở đây (thụt lề sai, hoặc giá trị có dấu “: ” cần đặt trong ngoặc kép)"),
        ('period: "2024-07\n', 2, "tệp kết thúc khi một chuỗi trong ngoặc kép chưa đóng"),
    ],
)
def test_yaml_syntax_errors_in_vietnamese(tmp_path: Path, text: str, line: int, reason: str) -> None:
    table, sidecar = sidecar_csv(tmp_path, text)
    assert problems_of(table) == [f"{sidecar}:{line}: lỗi cú pháp YAML: {reason}"]


def test_yaml_huge_integer(tmp_path: Path) -> None:
    """An integer of 5.000 digits is refused by the loader (int() would raise ValueError)."""
    table, sidecar = sidecar_csv(tmp_path, META_YAML + "rank: " + "9" * 5000 + "\n")
    assert problems_of(table) == [f"{sidecar}:5: số “{'9' * 40}…” quá dài"]


def test_yaml_impossible_date(tmp_path: Path) -> None:
    """A timestamp the YAML grammar accepts and the calendar does not."""
    table, sidecar = sidecar_csv(tmp_path, META_YAML + "rank: 2024-02-30\n")
    assert problems_of(table) == [
        f"{sidecar}:5: giá trị “2024-02-30” không đọc được (ngày giờ hoặc số không hợp lệ)"
    ]


def test_yaml_deep_nesting(tmp_path: Path, quick: None) -> None:
    table, sidecar = sidecar_csv(tmp_path, "source: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problems_of(table) == [f"{sidecar}:1: dữ liệu lồng nhau quá 24 tầng"]


def test_yaml_sidecar_over_the_size_limit(tmp_path: Path) -> None:
    table, sidecar = sidecar_csv(tmp_path, META_YAML + "# " + "x" * limits.MAX_SIDECAR_BYTES + "\n")
    assert problems_of(table) == [f"{sidecar}: tệp quá lớn (1 MB; tối đa 1 MB)"]


def test_json_sidecar_over_the_size_limit(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "s.csv", sidecar="json")
    sidecar = tmp_path / "s.meta.json"
    sidecar.write_text(" " * (limits.MAX_SIDECAR_BYTES + 1) + "{}", encoding="utf-8")
    assert problems_of(table) == [f"{sidecar}: không đọc được tệp meta: tệp quá lớn (1 MB; tối đa 1 MB)"]


# --- (1) limits and (2) silently wrong: XLSX ----------------------------------------------------------


def test_xlsx_one_cell_in_column_xfd(tmp_path: Path, quick: None) -> None:
    """A value in the last column of the last row: refused at once (it used to take 163 s)."""
    path = snapshot_xlsx(tmp_path / "s.xlsx", [*units_rows(), row(1_048_576, [None] * 16_383 + [1])])
    assert problems_of(path) == [
        f"{path}[units]:1048576:XFD: ô nằm ngoài vùng đọc: bảng chỉ được dùng tối đa 200 cột (đến cột GR)"
    ]


def test_xlsx_cell_that_inflates_to_300_mb(tmp_path: Path, quick: None) -> None:
    """A 300 MB cell compressed into a few hundred KB is refused from the zip's declared size."""
    big = ('<row r="9"><c r="B9" t="inlineStr"><is><t>', *(["x" * 1_000_000] * 300), "</t></is></c></row>")
    path = write_workbook(tmp_path / "s.xlsx", [("meta", "", sheet(meta_rows())),
                                                ("units", "", sheet([*units_rows(), *big]))])
    assert path.stat().st_size < 1_000_000
    assert problems_of(path) == [
        f"{path}: không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: phần "
        "xl/worksheets/sheet2.xml giải nén ra 286 MB, quá giới hạn 64 MB (tệp nén bất thường))"
    ]


def test_xlsx_millions_of_shared_strings(tmp_path: Path, quick: None) -> None:
    """5 million tiny shared strings: refused before any is held in memory."""
    strings = (f'<?xml version="1.0"?><sst xmlns="{xlsx_parts._REL_NS.replace("officeDocument/2006/relationships", "spreadsheetml/2006/main")}">',
               *(["<si><t>a</t></si>" * 100_000] * 50), "</sst>")
    path = write_workbook(tmp_path / "s.xlsx", [("meta", "", sheet(meta_rows())),
                                                ("units", "", sheet(units_rows()))], strings)
    assert problems_of(path) == [
        f"{path}: không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: phần xl/sharedStrings.xml "
        "giải nén ra 81 MB, quá giới hạn 64 MB (tệp nén bất thường))"
    ]


def test_xlsx_shared_strings_over_their_own_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the part limit but over the shared-strings count: refused by count."""
    monkeypatch.setattr(xlsx_parts, "XLSX_MAX_SHARED_STRINGS", 1000)
    strings = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
               "<si><t>a</t></si>" * 1001, "</sst>")
    path = write_workbook(tmp_path / "s.xlsx", [("meta", "", sheet(meta_rows())),
                                                ("units", "", sheet(units_rows()))], strings)
    assert problems_of(path) == [
        f"{path}: không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: bảng chuỗi dùng chung có "
        "quá 1000 chuỗi (tệp bất thường))"
    ]


def test_xlsx_a_million_blank_formatted_rows(tmp_path: Path, quick: None) -> None:
    """Rows that hold only formatting still cost a parse: their number is limited."""
    blank = (f'<row r="{i}"><c r="A{i}" s="0"/></row>' for i in range(3, 500_000))
    path = snapshot_xlsx(tmp_path / "s.xlsx", [*units_rows(), *blank])
    assert problems_of(path) == [
        f"{path}[units]: trang tính có quá 400000 dòng (kể cả dòng trống có định dạng)"
    ]


def test_xlsx_asking_for_a_newer_zip_version_is_a_damaged_file(tmp_path: Path) -> None:
    """(4) One flipped byte in the central directory (version needed 6.4): zipfile raises
    NotImplementedError, which must be the damaged-file message, not a crash (found by hypothesis)."""
    path = snapshot_xlsx(tmp_path / "s.xlsx")
    data = path.read_bytes()
    at = data.index(b"PK\x01\x02") + 6  # signature, version made by, then version needed
    path.write_bytes(data[:at] + (64).to_bytes(2, "little") + data[at + 2:])
    assert problems_of(path) == [
        f"{path}: không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: không phải tệp nén ZIP hợp lệ)"]


def test_xlsx_junk_around_the_data_is_not_parsed(tmp_path: Path, quick: None) -> None:
    """Two million merged ranges after the data: skipped unread, the snapshot loads."""
    junk = "<mergeCells>" + '<mergeCell ref="A1:B2"/>' * 2_000_000 + "</mergeCells>"
    path = snapshot_xlsx(tmp_path / "s.xlsx", after_units=junk)
    assert [u.code for u in load_snapshot(path).units] == ["S01", "S02"]


def test_xlsx_too_many_data_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More data rows than MAX_ROWS: refused at the first row past the limit."""
    import generator.snapshot.read_xlsx as read_xlsx

    monkeypatch.setattr(read_xlsx, "MAX_ROWS", 3)
    rows = [*units_rows(), row(4, ("S03", "Sở A", "so_nganh")), row(5, ("S04", "Sở B", "so_nganh"))]
    path = snapshot_xlsx(tmp_path / "s.xlsx", rows)
    assert problems_of(path) == [f"{path}[units]:5: trang tính có quá 4 dòng có số liệu"]


def test_xlsx_over_long_cell(tmp_path: Path) -> None:
    path = snapshot_xlsx(tmp_path / "s.xlsx", [*units_rows(), row(4, ("S03", "x" * 10_001, "so_nganh"))])
    assert problems_of(path) == [f"{path}[units]:4:B: ô dài 10001 ký tự, quá giới hạn 10000 ký tự"]


def test_xlsx_doctype_is_refused(tmp_path: Path) -> None:
    """Entity declarations (expansion bombs, external files) have no place in a spreadsheet."""
    def with_doctype() -> Iterator[str]:
        prolog, *rest = list(sheet(units_rows()))
        yield '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        yield prolog.split("?>", 1)[1]
        yield from rest

    path = write_workbook(tmp_path / "s.xlsx", [("meta", "", sheet(meta_rows())), ("units", "", with_doctype())])
    assert problems_of(path) == [
        f"{path}: không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: phần "
        "xl/worksheets/sheet2.xml có khai báo DOCTYPE/ENTITY, không được phép trong tệp XLSX)"
    ]


def test_xlsx_hidden_lookalike_sheet_is_ambiguous(tmp_path: Path) -> None:
    """A hidden `units ` beside the real `units`: refused, naming both (it used to be read instead)."""
    path = snapshot_xlsx(tmp_path / "s.xlsx", extra=[("units ", "hidden", sheet(units_rows(UNITS[:1])))])
    assert problems_of(path) == [
        f'{path}: có 2 trang tính cùng được hiểu là "units": "units", "units " (bị ẩn); chương trình không '
        "biết đọc trang nào — hãy xóa hoặc đổi tên các trang thừa"
    ]


def test_xlsx_only_units_sheet_is_hidden(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "s.xlsx", [("meta", "", sheet(meta_rows())),
                                                ("units", "veryHidden", sheet(units_rows()))])
    assert problems_of(path) == [
        f'{path}: trang tính "units" bị ẩn sâu (chỉ hiện lại được bằng VBA): số liệu đọc được sẽ khác những gì '
        "người xem thấy; hãy bỏ ẩn trang (chuột phải vào thanh tên trang → Unhide/Bỏ ẩn) hoặc xóa nó"
    ]


def test_xlsx_sheet_name_with_a_cyrillic_letter(tmp_path: Path) -> None:
    """`unіts` (Cyrillic і) alone: refused as a look-alike, not read and not reported missing."""
    path = write_workbook(tmp_path / "s.xlsx", [("meta", "", sheet(meta_rows())),
                                                ("un\u0456ts", "", sheet(units_rows()))])
    assert problems_of(path) == [
        f'{path}: trang tính "un\u0456ts" trông giống "units" nhưng có ký tự khác (ký tự vô hình hoặc chữ của '
        'bảng chữ khác); hãy đặt lại tên đúng là "units"'
    ]


def test_xlsx_formula_without_cached_value(tmp_path: Path) -> None:
    """A formula never calculated is not "no data": refused with how to fix it in Excel."""
    rows = units_rows()
    rows[1] = rows[1].replace('<c r="D2"><v>10</v></c>', '<c r="D2"><f>SUM(E2:F2)</f></c>')
    path = snapshot_xlsx(tmp_path / "s.xlsx", rows)
    assert problems_of(path) == [
        f'{path}[units]:2:D: Công khai, minh bạch = "=SUM(E2:F2)" là công thức chưa có kết quả lưu trong tệp '
        "(tệp được tạo hoặc sửa bằng chương trình không tính công thức), không phải ô trống; hãy mở tệp bằng "
        "Excel, nhấn Ctrl+Alt+F9 để tính lại toàn bộ rồi lưu (Ctrl+S), hoặc chép và dán giá trị (Paste Values)"
    ]


def test_xlsx_formula_with_cached_value_is_read(tmp_path: Path) -> None:
    """The same formula with its stored result reads as that result."""
    rows = units_rows()
    rows[1] = rows[1].replace('<c r="D2"><v>10</v></c>', '<c r="D2"><f>SUM(E2:F2)</f><v>10.5</v></c>')
    units = load_snapshot(snapshot_xlsx(tmp_path / "s.xlsx", rows)).units
    assert str(units[0].groups[0]) == "10.5"


def test_xlsx_escaped_control_character_in_a_name(tmp_path: Path) -> None:
    """Excel's _x0007_ escape is decoded, so the control character is seen and refused."""
    path = snapshot_xlsx(tmp_path / "s.xlsx", [*units_rows(), row(4, ("S03", "Sở_x0007_A", "so_nganh"))])
    assert problems_of(path) == [f'{path}[units]:4:B: Tên đơn vị = "Sở\\u0007A" chứa ký tự điều khiển U+0007']


# --- (1) limits: CSV ------------------------------------------------------------------------------


def test_csv_value_past_the_column_limit(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv")
    path.write_text(path.read_text(encoding="utf-8") + "," * 300 + "x\n", encoding="utf-8")
    assert problems_of(path) == [
        f"{path}:6:KO: ô nằm ngoài vùng đọc: bảng chỉ được dùng tối đa 200 cột (đến cột GR)"
    ]


def test_csv_over_long_cell(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", rows=[*UNIT_ROWS, ("X9", "y" * 10_001, "xa")])
    assert problems_of(path) == [f"{path}:6:B: ô dài 10001 ký tự, quá giới hạn 10000 ký tự"]


def test_csv_cell_past_the_csv_module_limit(tmp_path: Path) -> None:
    """Over 131.072 characters the csv module itself stops: said in Vietnamese, with the line."""
    path = write_csv(tmp_path / "s.csv", rows=[*UNIT_ROWS, ("X9", "y" * 200_000, "xa")])
    assert problems_of(path) == [
        f"{path}:6: dòng không đọc được theo định dạng CSV: có ô dài quá 10000 ký tự"
    ]


def test_csv_too_many_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick: None) -> None:
    import generator.snapshot.read_delimited as read_delimited

    monkeypatch.setattr(read_delimited, "MAX_LINES", 100)
    path = write_csv(tmp_path / "s.csv")
    path.write_text(path.read_text(encoding="utf-8") + "\n" * 200, encoding="utf-8")
    assert problems_of(path) == [f"{path}:101: tệp có quá 100 dòng"]


# --- (2) silently wrong and (4) crashes: names ---------------------------------------------------------


@pytest.mark.parametrize(("character", "code"), [("\u034f", "U+034F"), ("\ufe0f", "U+FE0F"), ("\u3164", "U+3164")])
def test_invisible_character_in_a_name(tmp_path: Path, character: str, code: str) -> None:
    """Names that look identical or blank because of an invisible character are refused."""
    name = "Sở Y tế" + character
    path = write_json(tmp_path / "s.json", rows=[UNIT_ROWS[0], (UNIT_ROWS[1][0], name, *UNIT_ROWS[1][2:])])
    assert problems_of(path) == [
        f'{path}:units[2]:name: Tên đơn vị = "Sở Y tế\\u{code[2:].lower()}" chứa ký tự vô hình {code} '
        "(không nhìn thấy khi in, dễ làm hai tên trông như nhau)"
    ]


def test_name_made_only_of_a_hangul_filler(tmp_path: Path) -> None:
    """A name that looks blank is not blank to Python: refused, not printed as an empty name."""
    path = write_json(tmp_path / "s.json", rows=[UNIT_ROWS[0], (UNIT_ROWS[1][0], "\u3164", *UNIT_ROWS[1][2:])])
    assert problems_of(path) == [
        f'{path}:units[2]:name: Tên đơn vị = "\\u3164" chứa ký tự vô hình U+3164 '
        "(không nhìn thấy khi in, dễ làm hai tên trông như nhau)"
    ]


def test_cyrillic_letter_in_a_name(tmp_path: Path) -> None:
    path = write_json(tmp_path / "s.json", rows=[UNIT_ROWS[0], (UNIT_ROWS[1][0], "Sở Y t\u0435", *UNIT_ROWS[1][2:])])
    assert problems_of(path) == [
        f'{path}:units[2]:name: Tên đơn vị = "Sở Y t\u0435" chứa chữ “\u0435” (U+0435) của bảng chữ khác, '
        "trông giống chữ “e”"
    ]


def test_name_over_the_length_limit(tmp_path: Path, quick: None) -> None:
    """A 1 MB name (it hung the PDF) and a 213-character one (it broke python-docx) stop here."""
    for length in (151, 1_000_000):
        name = "Sở " + "a" * (length - 3)
        path = write_json(tmp_path / f"s{length}.json",
                          rows=[UNIT_ROWS[0], (UNIT_ROWS[1][0], name, *UNIT_ROWS[1][2:])])
        lines = problems_of(path)
        if length > limits.MAX_CELL_CHARS:
            assert lines == [f"{path}:units[2]:name: chuỗi dài {length} ký tự, quá giới hạn 10000 ký tự"]
        else:
            assert lines == [
                f'{path}:units[2]:name: Tên đơn vị = "Sở {"a" * 37}…" dài 151 ký tự, quá giới hạn 150 ký tự'
            ]


def test_line_separator_in_a_cell_keeps_the_message_on_one_line(tmp_path: Path) -> None:
    """U+2028 used to split the error line in two."""
    path = write_csv(tmp_path / "s.csv", rows=[*UNIT_ROWS[:1], ("S02", "Sở\u2028Y tế", "so_nganh", 99)])
    lines = problems_of(path)
    assert lines == [
        f'{path}:3:B: Tên đơn vị = "Sở\\u2028Y tế" chứa ký tự điều khiển U+2028',
        f"{path}:3:D: Công khai, minh bạch = 99 vượt quá điểm tối đa 18",
    ]
    assert all(len(line.splitlines()) == 1 for line in lines)


def test_problem_list_is_capped_and_counted(tmp_path: Path) -> None:
    """A file wrong on every row lists the first 1.000 problems and counts the rest."""
    rows = [(f"C{i}", f"Đơn vị {i}", "xa", 99, 1, 1, 1, 1, 1) for i in range(1500)]
    path = write_csv(tmp_path / "s.csv", header=UNITS_HEADER, rows=rows)
    with pytest.raises(SnapshotError) as info:
        load_snapshot(path)
    assert info.value.message == f'Tệp số liệu "{path}" không hợp lệ: 1500 lỗi'
    assert len(info.value.problems) == 1001
    assert str(info.value.problems[0]) == f"{path}:2:D: Công khai, minh bạch = 99 vượt quá điểm tối đa 18"
    assert str(info.value.problems[-1]) == f"{path}: … và 500 lỗi khác không hiện ra (chỉ hiện 1000 lỗi đầu)"


# --- (3) time zones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "vietnam"),
    [
        ("2024-08-02T03:00:00Z", datetime(2024, 8, 2, 10, 0, tzinfo=VIETNAM)),
        ("2024-08-02T03:00:00+00:00", datetime(2024, 8, 2, 10, 0, tzinfo=VIETNAM)),
        ("2024-08-01T20:00:00-12:00", datetime(2024, 8, 2, 15, 0, tzinfo=VIETNAM)),  # across the date line
        ("2024-08-02T03:00:00+14:00", datetime(2024, 8, 1, 20, 0, tzinfo=VIETNAM)),  # Kiribati, a day ahead
        ("2024-08-01T23:30:00+05:30", datetime(2024, 8, 2, 1, 0, tzinfo=VIETNAM)),
        ("2024-08-02T10:00:00", datetime(2024, 8, 2, 10, 0, tzinfo=VIETNAM)),  # no offset: Vietnam time
    ],
)
def test_cutoff_is_converted_to_vietnam_time(tmp_path: Path, written: str, vietnam: datetime) -> None:
    """The cutoff is a moment; a dispatch prints it as the clock in Hà Nội read it."""
    for path in (write_json(tmp_path / "s.json", meta=meta_values(cutoff=written)),
                 write_csv(tmp_path / "s.csv", meta=meta_values(cutoff=written))):
        cutoff = load_meta(path).cutoff
        assert cutoff == vietnam
        assert cutoff.utcoffset() == timedelta(hours=7)
        assert cutoff_time(cutoff) == f"{vietnam.hour:02d}h{vietnam.minute:02d} ngày {vietnam.day:02d}/8/2024"


def test_yaml_timestamp_with_an_offset_is_converted(tmp_path: Path) -> None:
    """A cutoff written as a YAML timestamp (not quoted) is read with its offset, then converted."""
    table, _ = sidecar_csv(tmp_path, META_YAML.replace("'2024-08-02T10:00:00+07:00'", "2024-08-01 23:00:00 -05:00"))
    assert load_meta(table).cutoff == datetime(2024, 8, 2, 11, 0, tzinfo=VIETNAM)


def test_cutoff_time_filter_converts_any_offset() -> None:
    """The formatting filter converts too, whatever gave it the moment."""
    assert cutoff_time(datetime(2024, 8, 2, 3, 0, tzinfo=UTC)) == "10h00 ngày 02/8/2024"


# --- history: the same limits, skipped with a warning ----------------------------------------------------


def test_history_skips_a_bomb_beside_the_snapshot(tmp_path: Path, quick: None) -> None:
    """An alias bomb sidecar in the folder no longer hangs every generate: it is skipped, named."""
    current = write_json(tmp_path / "2024-07.json")
    bomb = write_csv(tmp_path / "2024-06.csv")
    (tmp_path / "2024-06.meta.yaml").write_text(billion_laughs_yaml(), encoding="utf-8")
    history = load_history(load_snapshot(current))
    assert history.snapshots == ()
    assert history.warnings == (
        f'Bỏ qua tệp "{bomb}" khi tìm số liệu các kỳ trước: {tmp_path / "2024-06.meta.yaml"}:2: '
        "không dùng tham chiếu YAML “*a0”; hãy viết thẳng giá trị",
    )


def test_history_scan_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.snapshot.history as history_module

    monkeypatch.setattr(history_module, "MAX_HISTORY_FILES", 2)
    current = write_json(tmp_path / "2024-07.json")
    for month in ("2024-03", "2024-04", "2024-05", "2024-06"):
        write_json(tmp_path / f"{month}.json", meta=meta_values(period=month, cutoff=f"{month}-28T10:00:00"))
    history = load_history(load_snapshot(current))
    assert [str(p) for p in history.periods] == ["2024-05", "2024-06"]
    assert history.warnings == (
        f'Thư mục "{tmp_path}" có 4 tệp số liệu; chỉ xét 2 tệp đứng cuối theo tên (thường là các kỳ gần nhất) '
        "khi tìm số liệu các kỳ trước",
    )


def test_units_header_constant_matches_the_samples() -> None:
    """The raw samples use the canonical keys the reader knows (guards the helpers themselves)."""
    assert UNITS_HEADER[:3] == ("code", "name", "kind")


# --- the optional indicators table: the same limits and rules ------------------------------------------

INDICATOR_HEADER = ("unit_code", "group", "code", "name", "score", "max_score")


def test_indicators_sheet_formula_without_value(tmp_path: Path) -> None:
    """The indicators sheet is read by the same streaming reader: an uncalculated formula is refused."""
    indicators = [row(1, INDICATOR_HEADER),
                  row(2, ("S01", "ckmb", "PUBLISH_ON_TIME", "Công bố đúng hạn", None, 6)).replace(
                      '</row>', '<c r="E2"><f>F2*0.5</f></c></row>')]
    path = snapshot_xlsx(tmp_path / "s.xlsx", extra=[("indicators", "", sheet(indicators))])
    assert problems_of(path) == [
        f'{path}[indicators]:2:E: Điểm = "=F2*0.5" là công thức chưa có kết quả lưu trong tệp (tệp được tạo hoặc '
        "sửa bằng chương trình không tính công thức), không phải ô trống; hãy mở tệp bằng Excel, nhấn Ctrl+Alt+F9 "
        "để tính lại toàn bộ rồi lưu (Ctrl+S), hoặc chép và dán giá trị (Paste Values)"
    ]


def test_hidden_indicators_sheet_is_refused(tmp_path: Path) -> None:
    path = snapshot_xlsx(tmp_path / "s.xlsx", extra=[("indicators", "hidden", sheet([row(1, INDICATOR_HEADER)]))])
    assert problems_of(path) == [
        f'{path}: trang tính "indicators" bị ẩn: số liệu đọc được sẽ khác những gì người xem thấy; hãy bỏ ẩn trang '
        "(chuột phải vào thanh tên trang → Unhide/Bỏ ẩn) hoặc xóa nó"
    ]


def test_indicators_csv_over_long_cell(tmp_path: Path) -> None:
    table = write_csv(tmp_path / "s.csv")
    side = tmp_path / "s.indicators.csv"
    side.write_text(",".join(INDICATOR_HEADER) + "\nS01,ckmb,X," + "n" * 10_001 + ",1,6\n", encoding="utf-8")
    assert problems_of(table) == [f"{side}:2:D: ô dài 10001 ký tự, quá giới hạn 10000 ký tự"]


def test_indicators_json_duplicate_key(tmp_path: Path) -> None:
    document = json.loads(valid_json_text())
    document["indicators"] = [{"unit_code": "S01", "group": "ckmb", "code": "X", "name": "Chỉ số", "max_score": 6}]
    text = json.dumps(document, ensure_ascii=False).replace('"max_score": 6', '"max_score": 6, "max_score": 1')
    path = json_snapshot(tmp_path / "s.json", text)
    assert problems_of(path) == [
        f'{path}:indicators[1]:max_score: khóa "max_score" lặp lại trong cùng một đối tượng (chỉ một giá trị được '
        "đọc, giá trị kia sẽ bị bỏ qua mà không ai biết); hãy giữ lại một"
    ]


# --- the portal's responses (congvan import / fetch): the same JSON limits ------------------------------


def _portal_copy(tmp_path: Path) -> Path:
    import shutil

    from portal_support import MONTH

    folder = tmp_path / "raw"
    shutil.copytree(MONTH, folder)
    return folder


def _import_refused(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    from generator.cli import main

    out = tmp_path / "out"
    assert main(["import", str(folder), "--out", str(out / "s.json"), "--period", "2026-08",
                 "--cutoff", "2026-09-28"]) == 2
    assert not out.exists() or list(out.iterdir()) == []
    return capsys.readouterr().err


def test_portal_response_with_a_repeated_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A recorded response holding `totalScore` twice is refused at its JSON path, not silently read."""
    folder = _portal_copy(tmp_path)
    path = folder / "transparency.json"
    path.write_bytes(path.read_bytes().replace(b'"totalScore":', b'"totalScore":0,"totalScore":', 1))
    err = _import_refused(folder, tmp_path, capsys)
    assert "  transparency.json:$.data.overview.totalScore: khóa lặp lại trong cùng một đối tượng (chỉ một giá trị " \
           "được đọc, giá trị kia sẽ bị bỏ qua mà không ai biết); hãy giữ lại một\n" in err, err


@pytest.mark.parametrize(("raw", "expected"), [
    (b'{"code": "OK", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
     "transparency.json:dòng 1:cột 55: dữ liệu JSON lồng nhau quá 32 tầng"),
])
def test_portal_response_nesting_and_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes,
                                            expected: str) -> None:
    """Deep nesting and a 5.000-digit number are located problems (they were RecursionError and ValueError)."""
    folder = _portal_copy(tmp_path)
    (folder / "transparency.json").write_bytes(raw)
    err = _import_refused(folder, tmp_path, capsys)
    assert expected in err and "Traceback" not in err, err


def test_portal_number_of_thousands_of_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 5.000-digit score (a ValueError in the parser before) is refused at its JSON path."""
    import re

    folder = _portal_copy(tmp_path)
    path = folder / "transparency.json"
    path.write_bytes(re.sub(rb'"totalScore":[0-9.]+', b'"totalScore":' + b"9" * 5000, path.read_bytes(), count=1))
    err = _import_refused(folder, tmp_path, capsys)
    assert "transparency.json:$.data.overview.totalScore:" in err and "Traceback" not in err, err


def test_portal_reply_over_the_size_limit_stops_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A portal reply larger than the limit is refused while it streams, not read whole into memory."""
    from portal_replay import ReplayServer
    from portal_support import AUGUST, MONTH, PROVINCE

    import generator.portal.fetch as fetch_module
    from generator.portal import FetchSettings, PortalError, fetch_portal

    monkeypatch.setattr(fetch_module, "MAX_RESPONSE_BYTES", 10_000)
    with ReplayServer(MONTH) as portal, pytest.raises(PortalError) as caught:
        fetch_portal(PROVINCE, AUGUST, tmp_path / "raw", FetchSettings(portal=portal.base_url, timeout=5, attempts=1,
                                                                        backoff=0.01, max_backoff=0.05,
                                                                        interval=0.01))
    assert caught.value.message == ("Cổng trả về phản hồi quá lớn (hơn 0 MB); đã dừng đọc. Kiểm tra địa chỉ Cổng "
                                    "(--portal).")
