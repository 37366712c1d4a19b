"""XLSX: sheet `meta` (key, value) and sheet `units` (header row, one row per unit).

A sheet is found by its name, case-, space- and accent-insensitively. A name that only looks like
the wanted one (an invisible character, a Cyrillic letter), two sheets that both answer to it
(`units` and a hidden `units `), or a hidden sheet are refused: the program must read the table
the person sees in Excel, or say why it cannot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator.common.textfold import fold
from generator.snapshot.fields import Field, indicator_field, unit_field
from generator.snapshot.limits import MAX_COLUMNS, MAX_META_ROWS, MAX_ROWS, LimitExceeded
from generator.snapshot.raw import Findings, RawMeta, RawSnapshot, RawUnits
from generator.snapshot.tables import (
    MetaEntry,
    collect_meta,
    map_header,
    record_from_row,
    row_has_data,
)
from generator.snapshot.text import skeleton
from generator.snapshot.values import is_blank, show_value
from generator.snapshot.xlsx_parts import Damaged, SheetRef, Workbook

META_SHEET = "meta"
UNITS_SHEET = "units"
INDICATORS_SHEET = "indicators"  # optional
_META_HEADER_VALUES = frozenset({"value", "gia tri"})
_HIDDEN = {"hidden": "bị ẩn", "veryHidden": "bị ẩn sâu (chỉ hiện lại được bằng VBA)"}


def read_xlsx(
    file: str, data: bytes, findings: Findings, *, with_units: bool = True
) -> RawSnapshot:
    """Both parts of a workbook (or only meta); problems go to `findings`."""
    try:
        workbook = Workbook(data)
    except Damaged as damage:
        findings.error(file, _damaged(damage))
        return RawSnapshot(None, None)
    try:
        return _read(file, workbook, findings, with_units)
    finally:
        workbook.close()


def _read(file: str, workbook: Workbook, findings: Findings, with_units: bool) -> RawSnapshot:
    sheets: dict[str, SheetRef] = {}
    for wanted in (META_SHEET, UNITS_SHEET) if with_units else (META_SHEET,):
        found = find_sheet(file, workbook.sheets, wanted, findings)
        if found is not None:
            sheets[wanted] = found
    if with_units:
        found = find_sheet(file, workbook.sheets, INDICATORS_SHEET, findings, optional=True)
        if found is not None:
            sheets[INDICATORS_SHEET] = found
    meta = units = indicators = None
    try:
        if META_SHEET in sheets:
            meta = _read_meta(f"{file}[{sheets[META_SHEET].name}]", workbook, sheets[META_SHEET], findings)
        if UNITS_SHEET in sheets:
            units = _read_units(f"{file}[{sheets[UNITS_SHEET].name}]", workbook, sheets[UNITS_SHEET], findings)
        if INDICATORS_SHEET in sheets:
            sheet = sheets[INDICATORS_SHEET]
            indicators = _read_units(f"{file}[{sheet.name}]", workbook, sheet, findings, indicator_field)
    except Damaged as damage:
        findings.error(file, _damaged(damage))
        return RawSnapshot(None, None)
    return RawSnapshot(meta, units, indicators)


def _damaged(damage: Damaged) -> str:
    where = f", ô {damage.where}" if damage.where else ""
    return f"không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: {damage.reason}{where})"


def find_sheet(file: str, sheets: tuple[SheetRef, ...], wanted: str, findings: Findings, *,
               optional: bool = False) -> SheetRef | None:
    """The one visible sheet named `wanted` (loosely), or None with the problem recorded (an
    `optional` sheet may be absent; if present, it answers to the same rules)."""
    named = [s for s in sheets if fold(s.name) == wanted]
    lookalike = [s for s in sheets if s not in named and skeleton(s.name) == wanted]
    candidates = named + lookalike
    if not candidates:
        if not optional:
            findings.error(file, f'thiếu trang tính "{wanted}"')
        return None
    if len(candidates) > 1:
        listed = ", ".join(show_value(s.name) + (f" ({_HIDDEN[s.state]})" if s.state in _HIDDEN else "")
                           for s in candidates)
        findings.error(file, f'có {len(candidates)} trang tính cùng được hiểu là "{wanted}": {listed}; '
                             "chương trình không biết đọc trang nào — hãy xóa hoặc đổi tên các trang thừa")
        return None
    sheet = candidates[0]
    if sheet in lookalike:
        findings.error(file, f'trang tính {show_value(sheet.name)} trông giống "{wanted}" nhưng có ký tự khác '
                             f'(ký tự vô hình hoặc chữ của bảng chữ khác); hãy đặt lại tên đúng là "{wanted}"')
        return None
    if sheet.state in _HIDDEN:
        findings.error(file, f'trang tính {show_value(sheet.name)} {_HIDDEN[sheet.state]}: số liệu đọc được sẽ khác '
                             "những gì người xem thấy; hãy bỏ ẩn trang (chuột phải vào thanh tên trang → "
                             "Unhide/Bỏ ẩn) hoặc xóa nó")
        return None
    return sheet


def _rows(file: str, workbook: Workbook, sheet: SheetRef, max_rows: int,
          findings: Findings) -> Iterator[tuple[int, tuple[object, ...]]]:
    """The sheet's rows holding a value; a limit met is recorded as a problem and ends the rows."""
    try:
        yield from workbook.rows(sheet, MAX_COLUMNS, max_rows)
    except LimitExceeded as exceeded:
        findings.error(file, exceeded.message, row=exceeded.row, column=exceeded.column)
        raise _Stopped from None


class _Stopped(Exception):
    """A limit ended the reading of a sheet (the problem is already recorded)."""


def _read_meta(file: str, workbook: Workbook, sheet: SheetRef, findings: Findings) -> RawMeta | None:
    entries: list[MetaEntry] = []
    try:
        for number, values in _rows(file, workbook, sheet, MAX_META_ROWS, findings):
            key = values[0] if values else None
            value = values[1] if len(values) > 1 else None
            if is_blank(key):
                continue
            if not entries and isinstance(value, str) and fold(value) in _META_HEADER_VALUES:
                continue  # a "key | value" header row
            entries.append(MetaEntry(key, value, number, "A", number, "B"))
    except _Stopped:
        return None
    return RawMeta(file, None, collect_meta(entries, file, findings))


def _read_units(file: str, workbook: Workbook, sheet: SheetRef, findings: Findings,
                lookup: Callable[[str], Field | None] = unit_field) -> RawUnits | None:
    """The units table (or the table `lookup` names: the indicators)."""
    try:
        rows = _rows(file, workbook, sheet, MAX_ROWS + 1, findings)
        for number, values in rows:
            if any(not is_blank(v) for v in values):
                header_row = number
                header = map_header(values, file, number, findings, lookup)
                break
        else:
            findings.error(file, "trang tính trống, không có dòng tiêu đề")
            return None
        records = tuple(
            record_from_row(values, header, file, number)
            for number, values in rows
            if row_has_data(values, header)
        )
    except _Stopped:
        return None
    return RawUnits(file, header_row, header.keys, records)
