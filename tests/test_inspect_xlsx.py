"""`congvan inspect --xlsx`: the analysis as a formatted workbook, read back with openpyxl."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from e2e_support import JULY, PHU_THO, july

from generator.cli import main
from generator.output import workbook_bytes

KIND_SHEETS = ["Sở, ban, ngành", "Quận, huyện, thị xã"]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The July workbook, written by the command line as staff would run it."""
    path = tmp_path_factory.mktemp("xlsx") / "phan-tich.xlsx"
    assert main(["inspect", str(JULY), "--xlsx", str(path)]) == 0
    return openpyxl.load_workbook(path)


def _rows(sheet: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]


def test_sheets_are_the_authority_each_kind_and_the_series(book: openpyxl.Workbook) -> None:
    """One sheet per kind of unit, named as documents name the kind, between the authority and the series."""
    assert book.sheetnames == ["Địa phương", *KIND_SHEETS, "Chuỗi thời gian"]


def test_kind_sheet_lists_units_in_rank_order_with_their_figures(book: openpyxl.Workbook) -> None:
    """Departments: 21 rows, rank 1 Sở Quy hoạch - Kiến trúc 80,53; Sở Tư pháp's figures as the analysis has them."""
    analysis = july().analysis
    rows = _rows(book["Sở, ban, ngành"])
    assert len(rows) == 21
    assert [r["Hạng"] for r in rows[:4]] == [1, 2, 2, 4]
    assert rows[0]["Đơn vị"] == "Sở Quy hoạch - Kiến trúc" and rows[0]["Tổng điểm"] == pytest.approx(80.53)
    stp = next(r for r in rows if r["Mã"] == "STP")
    unit = analysis.unit("STP")
    assert stp["Tổng điểm"] == pytest.approx(66.90) and stp["So tháng trước"] == pytest.approx(1.51)
    assert stp["Thay đổi hạng so tháng trước"] == unit.series.rank_change
    assert stp["Xu hướng 3 tháng (điểm/tháng)"] == pytest.approx(float(unit.series.trend_short))
    assert stp["Tháng cao nhất"] == "7/2024" and stp["Tháng thấp nhất"] == "4/2024"
    assert stp["Nhóm chỉ số thấp nhất"] == "Công khai, minh bạch"
    assert stp["Tỷ lệ nhóm thấp nhất"] == pytest.approx(9.92 / 18)
    assert stp["Hồ sơ quá hạn"] == 24130 and stp["Tỷ lệ quá hạn so với toàn địa phương"] == pytest.approx(24130 / 53828)


def test_unranked_units_come_last_with_the_reason(book: openpyxl.Workbook) -> None:
    """UBND huyện Thanh Oai: no rank, no total, an empty MĐHL cell and the reason in the note column."""
    rows = _rows(book["Quận, huyện, thị xã"])
    last = rows[-1]
    assert last["Mã"] == "H-THANHOAI" and last["Hạng"] is None and last["Tổng điểm"] is None
    assert last["Mức độ hài lòng (18)"] is None
    assert last["Ghi chú"] == "thiếu số liệu nhóm “Mức độ hài lòng”"


def test_targets_are_columns_and_a_missed_one_is_bold(book: openpyxl.Workbook) -> None:
    """Each configured target is a percent column; UBND huyện Mỹ Đức misses all four, in bold."""
    sheet = book["Quận, huyện, thị xã"]
    header = [c.value for c in sheet[1]]
    columns = [i for i, h in enumerate(header) if isinstance(h, str) and "(tối thiểu" in h]
    assert len(columns) == 4
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "H-MYDUC")
    assert [row[i].value for i in columns] == pytest.approx([0.45, 0.529, 0.827, 0.772])
    assert all(row[i].font.b for i in columns)
    hoan_kiem = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "Q-HOANKIEM")
    assert not any(hoan_kiem[i].font.b for i in columns)


def test_header_is_frozen_filtered_and_numbers_are_vietnamese_formatted(book: openpyxl.Workbook) -> None:
    """Frozen header and name columns, a filter, numbers stored as numbers with the Vietnamese locale tag."""
    sheet = book["Sở, ban, ngành"]
    assert sheet.freeze_panes == "D2" and sheet.auto_filter.ref.startswith("A1:")
    assert all(c.font.b for c in sheet[1])
    header = [c.value for c in sheet[1]]
    total = sheet.cell(row=2, column=header.index("Tổng điểm") + 1)
    assert isinstance(total.value, float) and total.number_format == "[$-42A]0.00"
    share = sheet.cell(row=2, column=header.index("Tỷ lệ nhóm thấp nhất") + 1)
    assert share.number_format == "[$-42A]0.0%"
    assert sheet.cell(row=2, column=header.index("So tháng trước") + 1).number_format.startswith("[$-42A]+0.00;")


def test_series_sheet_has_every_period_and_leaves_gaps_empty(book: openpyxl.Workbook) -> None:
    """The authority then every unit; one column per month of the series; Thanh Oai's July is empty, not 0."""
    sheet = book["Chuỗi thời gian"]
    header = [c.value for c in sheet[1]]
    assert header[:7] == ["Mã", "Đơn vị", "Loại", "4/2024", "5/2024", "6/2024", "7/2024"]
    rows = _rows(sheet)
    assert rows[0]["Loại"] == "Địa phương"
    assert [rows[0][p] for p in ("4/2024", "5/2024", "6/2024", "7/2024")] == pytest.approx([50.72, 50.76, 57.25, 58.86])
    assert len(rows) == 1 + 51
    thanh_oai = next(r for r in rows if r["Mã"] == "H-THANHOAI")
    assert thanh_oai["7/2024"] is None and thanh_oai["6/2024"] is not None
    assert sheet.freeze_panes == "D2"


def test_authority_sheet_states_its_figures_over_time(book: openpyxl.Workbook) -> None:
    """Total, rank, changes and the series figures of the city."""
    values = {row[0].value: row[1].value for row in book["Địa phương"].iter_rows(min_row=2)}
    assert values["Tổng điểm"] == pytest.approx(58.86) and values["Xếp hạng"] == 58
    assert values["Thay đổi so với tháng trước"] == pytest.approx(1.61)
    assert values["Xu hướng 3 tháng (điểm/tháng)"] == pytest.approx(4.05)
    assert values["Tháng cao nhất"] == "7/2024" and values["Tháng thấp nhất"] == "4/2024"


def test_same_analysis_same_workbook_bytes() -> None:
    """The workbook's content carries no clock: two writings of one analysis are identical."""
    analysis = july().analysis
    assert workbook_bytes(analysis) == workbook_bytes(analysis)


def test_workbook_is_dated_by_the_data_not_by_the_clock() -> None:
    """Created and modified are the data's cut-off, so two writings in different seconds are identical too."""
    import io
    import zipfile

    analysis = july().analysis
    core = zipfile.ZipFile(io.BytesIO(workbook_bytes(analysis))).read("docProps/core.xml").decode()
    stamp = analysis.authority.cutoff.replace(tzinfo=None, microsecond=0).isoformat()
    assert f">{stamp}Z</dcterms:created>" in core and f">{stamp}Z</dcterms:modified>" in core


def test_a_snapshot_without_history_still_gets_its_series_sheet(tmp_path: Path) -> None:
    """Phú Thọ, one month: one period column, trends empty."""
    path = tmp_path / "phu-tho.xlsx"
    assert main(["inspect", str(PHU_THO), "--xlsx", str(path)]) == 0
    sheet = openpyxl.load_workbook(path)["Chuỗi thời gian"]
    header = [c.value for c in sheet[1]]
    assert header[3] == "8/2026" and header[4].startswith("Xu hướng 3")
    assert all(row[4].value is None for row in sheet.iter_rows(min_row=2))


@pytest.mark.parametrize(("name", "message"), [
    ("khong-co-thu-muc/a.xlsx", "không tồn tại"),
    ("bang.csv", "đuôi .xlsx"),
])
def test_a_bad_xlsx_path_is_a_usage_error_and_nothing_is_written(tmp_path: Path, name: str, message: str,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 with a Vietnamese message naming the file; no file appears."""
    target = tmp_path / name
    assert main(["inspect", str(JULY), "--xlsx", str(target)]) == 2
    assert message in capsys.readouterr().err
    assert not target.exists() and list(tmp_path.iterdir()) == []
