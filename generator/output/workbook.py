"""The analysis as an Excel workbook for staff (`congvan inspect --xlsx FILE`).

Sheets: "Địa phương" (the authority's figures), one sheet per kind of unit (rank order, then the
units without a total), and "Chuỗi thời gian" (every unit's total in each period of the series,
gaps left empty). Every table has a bold, frozen, filtered header; numbers are stored as numbers
(never text) with Vietnamese number formats: the `[$-42A]` locale tag makes LibreOffice and a
Vietnamese Excel show a decimal comma and a thousands dot. Shares and rates are stored as fractions
under a percent format. A missed target is bold. Column headers are the wording of this module, as
for the `inspect` table: staff read them, the documents never do.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.analysis import Analysis, KindRanking, Series, UnitAnalysis
from generator.common import formatting
from generator.common.errors import UsageError
from generator.common.imports import import_without
from generator.output.files import write_atomic
from generator.snapshot import GROUPS

VI = "[$-42A]"  # Vietnamese: decimal comma, thousands dot
SCORE = VI + "0.00"
CHANGE = VI + "+0.00;-0.00;0.00"
TREND = VI + "+0.000;-0.000;0.000"
COUNT = VI + "#,##0"
RANK_CHANGE = VI + "+0;-0;0"
SHARE = VI + "0.0%"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One column of a kind's sheet: its header, width, number format and how a unit fills it."""

    header: str
    width: float
    read: Callable[[UnitAnalysis], object]
    number_format: str | None = None
    bold: Callable[[UnitAnalysis], bool] | None = None


def _float(value: Decimal | int | None) -> float | int | None:
    """A cell value: Excel keeps binary doubles; Decimals are converted, gaps stay empty."""
    if value is None:
        return None
    return value if isinstance(value, int) else float(value)


def _change(series_delta: object) -> float | None:
    change = getattr(series_delta, "change", None)
    return None if change is None else float(change)


def _period(point: object) -> str | None:
    return None if point is None else point.period.label  # type: ignore[attr-defined]


def kind_columns(analysis: Analysis) -> tuple[Column, ...]:
    """The columns of a kind's sheet: ranks, groups, total, changes, series figures, weak points, targets."""
    noun = analysis.authority.period.noun
    columns = [
        Column("Hạng", 7, lambda u: u.rank, COUNT),
        Column("Mã", 12, lambda u: u.code),
        Column("Đơn vị", 38, lambda u: u.name),
        *(Column(f"{g.label} ({g.max_score:f})", 12, _group_reader(i), SCORE) for i, g in enumerate(GROUPS)),
        Column("Tổng điểm", 10, lambda u: _float(u.total), SCORE),
        Column(f"So {noun} trước", 10, lambda u: _change(u.delta_previous), CHANGE),
        Column(f"So 2 {noun} trước", 10, lambda u: _change(u.delta_before), CHANGE),
        Column(f"Thay đổi hạng so {noun} trước", 12, lambda u: u.series.rank_change, RANK_CHANGE),
        Column(f"Xu hướng 3 {noun} (điểm/{noun})", 13, lambda u: _float(u.series.trend_short), TREND),
        Column(f"Xu hướng 12 {noun} (điểm/{noun})", 13, lambda u: _float(u.series.trend_long), TREND),
        Column(f"{noun.capitalize()} cao nhất", 11, lambda u: _period(u.series.best)),
        Column("Điểm cao nhất", 10, lambda u: _float(u.series.best.total) if u.series.best else None, SCORE),
        Column(f"{noun.capitalize()} thấp nhất", 11, lambda u: _period(u.series.worst)),
        Column("Điểm thấp nhất", 10, lambda u: _float(u.series.worst.total) if u.series.worst else None, SCORE),
        Column(f"Số {noun} giảm liên tiếp", 10, lambda u: u.series.falling_streak, COUNT),
        Column("Nhóm chỉ số thấp nhất", 24, lambda u: u.weakest_group.group.label if u.weakest_group else None),
        Column("Tỷ lệ nhóm thấp nhất", 11,
               lambda u: _float(u.weakest_group.share) if u.weakest_group else None, SHARE),
        Column("Chỉ số thành phần thấp nhất", 40, _indicators),
    ]
    for index, target in enumerate(analysis.targets):
        columns.append(Column(
            f"{target.label} (tối thiểu {formatting.percent(target.minimum, 0)})", 16,
            (lambda i: lambda u: _rate(u, i))(index), SHARE,
            bold=(lambda i: lambda u: u.targets[i].missed)(index),
        ))
    columns += [
        Column("Hồ sơ quá hạn", 11, lambda u: u.overdue, COUNT),
        Column("Tỷ lệ quá hạn so với toàn địa phương", 13, lambda u: _float(u.overdue_share), SHARE),
        Column("Ghi chú", 36, lambda u: u.excluded_reason),
    ]
    return tuple(columns)


def _group_reader(index: int) -> Callable[[UnitAnalysis], object]:
    return lambda u: _float(u.unit.groups[index])


def _rate(unit: UnitAnalysis, index: int) -> float | None:
    actual = unit.targets[index].actual
    return None if actual is None else float(actual) / 100


def _indicators(unit: UnitAnalysis) -> str | None:
    """The weakest sub-indicators as a line of text: "Tỷ lệ TTHC công bố đúng hạn: 0/12; ..."."""
    parts = []
    for indicator in unit.weakest_indicators:
        detail = ""
        if indicator.numerator is not None and indicator.denominator is not None:
            detail = f": {formatting.count(indicator.numerator)}/{formatting.count(indicator.denominator)}"
        elif indicator.ratio is not None:
            detail = f": {formatting.percent(indicator.ratio)}"
        parts.append(indicator.name + detail)
    return "; ".join(parts) or None


def workbook_bytes(analysis: Analysis) -> bytes:
    """The workbook, as the bytes of an .xlsx file."""
    openpyxl = import_without("openpyxl", hidden=("numpy",))
    book = openpyxl.Workbook()
    _authority_sheet(book.active, analysis)
    used: set[str] = {book.active.title}
    for ranking in analysis.by_kind:
        sheet = book.create_sheet(_sheet_name(ranking.label.capitalize(), used))
        _kind_sheet(sheet, ranking, kind_columns(analysis))
    _series_sheet(book.create_sheet(_sheet_name("Chuỗi thời gian", used)), analysis)
    cutoff = analysis.authority.cutoff.replace(tzinfo=None, microsecond=0)
    book.properties.creator = "congvan"
    book.properties.title = f"Kết quả Bộ chỉ số {analysis.authority.period.phrase} - {analysis.authority.name}"
    book.properties.created = book.properties.modified = cutoff  # the data's time: the same input, the same file
    out = io.BytesIO()
    # openpyxl's `save` stamps `modified` with the clock; its writer, called directly, keeps ours.
    from openpyxl.writer.excel import ExcelWriter

    ExcelWriter(book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)).save()  # (closes the archive)
    return _with_fixed_times(out.getvalue(), cutoff.timetuple()[:6])


def _with_fixed_times(data: bytes, when: tuple[int, ...]) -> bytes:
    """The same archive with every member dated `when` (openpyxl stamps the clock): same input, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=when)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member))
    return out.getvalue()


def write_workbook(analysis: Analysis, path: Path) -> Path:
    """Write the workbook atomically to `path` (an .xlsx whose folder exists); UsageError otherwise."""
    if path.suffix.lower() != ".xlsx":
        raise UsageError(f"--xlsx cần tên tệp có đuôi .xlsx: “{path}”.")
    if not path.parent.is_dir():
        raise UsageError(f"Không ghi được “{path}”: thư mục “{path.parent}” không tồn tại.")
    if path.is_dir():
        raise UsageError(f"Không ghi được “{path}”: đó là một thư mục.")
    write_atomic(path, workbook_bytes(analysis))
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = _SHEET_FORBIDDEN.sub("-", name)[:31]
    candidate, number = base, 2
    while candidate in used:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate)
    return candidate


def _printable(sheet: Any, orientation: str = "landscape") -> None:
    """Printed on A4, one page wide, the header row on every page."""
    sheet.page_setup.orientation = orientation
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"


def _header(sheet: Any, headers: Sequence[str], widths: Sequence[float], row: int = 1, height: float = 45) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    for column, (text, width) in enumerate(zip(headers, widths), start=1):
        cell = sheet.cell(row=row, column=column, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = Border(bottom=thin)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[row].height = height


def _kind_sheet(sheet: Any, ranking: KindRanking, columns: Sequence[Column]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    _header(sheet, [c.header for c in columns], [c.width for c in columns], height=80)  # targets' long names
    bold = Font(bold=True)
    row = 1
    for unit in ranking.ranked + ranking.unranked:
        row += 1
        for number, column in enumerate(columns, start=1):
            cell = sheet.cell(row=row, column=number, value=column.read(unit))
            if column.number_format:
                cell.number_format = column.number_format
            if column.bold is not None and column.bold(unit):
                cell.font = bold
    sheet.freeze_panes = "D2"  # the header row and rank, code, name stay in view
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(row, 1)}"
    _printable(sheet)


def _authority_sheet(sheet: Any, analysis: Analysis) -> None:
    authority = analysis.authority
    series: Series = authority.series
    noun = authority.period.noun
    sheet.title = "Địa phương"
    rows: list[tuple[str, object, str | None]] = [
        ("Cơ quan được đánh giá", authority.name, None),
        ("Kỳ báo cáo", authority.period.phrase, None),
        ("Số liệu tính tại", formatting.cutoff_time(authority.cutoff), None),
        ("Tổng điểm", _float(authority.total), SCORE),
        ("Xếp hạng", authority.rank, COUNT),
        ("Số tỉnh, thành phố được xếp hạng", authority.ranked_count, COUNT),
        (f"Thay đổi so với {noun} trước", _change(authority.delta_previous), CHANGE),
        (f"Thay đổi so với 2 {noun} trước", _change(authority.delta_before), CHANGE),
        (f"Thay đổi hạng so với {noun} trước", series.rank_change, RANK_CHANGE),
        (f"Xu hướng 3 {noun} (điểm/{noun})", _float(series.trend_short), TREND),
        (f"Xu hướng 12 {noun} (điểm/{noun})", _float(series.trend_long), TREND),
        (f"{noun.capitalize()} cao nhất", _period(series.best), None),
        ("Điểm cao nhất", _float(series.best.total) if series.best else None, SCORE),
        (f"{noun.capitalize()} thấp nhất", _period(series.worst), None),
        ("Điểm thấp nhất", _float(series.worst.total) if series.worst else None, SCORE),
        (f"Số {noun} giảm liên tiếp", series.falling_streak, COUNT),
        ("Nhóm chỉ số thấp nhất", authority.weakest_group.group.label if authority.weakest_group else None, None),
        ("Hồ sơ quá hạn (lũy kế)", authority.overdue_total, COUNT),
        ("Nguồn", f"{authority.source} ({authority.source_url})", None),
    ]
    _header(sheet, ("Nội dung", "Giá trị"), (40, 36))
    for number, (label, value, number_format) in enumerate(rows, start=2):
        sheet.cell(row=number, column=1, value=label)
        cell = sheet.cell(row=number, column=2, value=value)
        if number_format:
            cell.number_format = number_format
    sheet.freeze_panes = "A2"
    _printable(sheet, "portrait")


def _series_sheet(sheet: Any, analysis: Analysis) -> None:
    """Totals per period, the authority first, then each kind in rank order; an empty cell is a gap."""
    from openpyxl.utils import get_column_letter

    periods = analysis.window
    noun = analysis.authority.period.noun
    headers = ["Mã", "Đơn vị", "Loại", *(p.label for p in periods),
               f"Xu hướng 3 {noun}", f"Xu hướng 12 {noun}", f"Số {noun} giảm liên tiếp"]
    widths = [12, 38, 18, *(9 for _ in periods), 11, 11, 10]
    _header(sheet, headers, widths)
    rows: list[tuple[str, str, str, Series]] = [("", analysis.authority.name, "Địa phương", analysis.authority.series)]
    for ranking in analysis.by_kind:
        rows += [(u.code, u.name, ranking.label, u.series) for u in ranking.ranked + ranking.unranked]
    for number, (code, name, kind, series) in enumerate(rows, start=2):
        totals = series.totals if len(series.totals) == len(periods) else (None,) * len(periods)
        values: list[object] = [code or None, name, kind, *(_float(t) for t in totals),
                                _float(series.trend_short), _float(series.trend_long), series.falling_streak]
        formats = [None, None, None, *(SCORE for _ in periods), TREND, TREND, COUNT]
        for column, (value, number_format) in enumerate(zip(values, formats), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if number_format:
                cell.number_format = number_format
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    _printable(sheet)
