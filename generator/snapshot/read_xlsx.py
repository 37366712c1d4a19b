"""XLSX: sheet `meta` (key, value) and sheet `units` (header row, one row per unit)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import Any, TypeVar

from generator.common.imports import import_without
from generator.common.textfold import fold
from generator.snapshot.fields import Field, indicator_field, unit_field
from generator.snapshot.raw import Findings, RawMeta, RawSnapshot, RawUnits
from generator.snapshot.tables import (
    MetaEntry,
    collect_meta,
    map_header,
    record_from_row,
    row_has_data,
)
from generator.snapshot.values import is_blank

META_SHEET = "meta"
UNITS_SHEET = "units"
INDICATORS_SHEET = "indicators"  # optional
_META_HEADER_VALUES = frozenset({"value", "gia tri"})
_T = TypeVar("_T")

openpyxl = import_without("openpyxl", hidden=("numpy",))  # numpy would only slow every start (see imports.py)


class _Damaged(Exception):
    """openpyxl failed on the file's content (not a bug of ours)."""


def _guarded(action: Callable[[], _T]) -> _T:
    # openpyxl raises a wide variety of exception types on damaged files (zip, XML, KeyError,
    # TypeError ...); all of them mean the same thing to the user. Only calls into openpyxl are
    # guarded, so a bug in this package still shows as one.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Data Validation extension is not supported"
            return action()
    except Exception as exc:
        raise _Damaged(type(exc).__name__) from exc


def read_xlsx(
    file: str, data: bytes, findings: Findings, *, with_units: bool = True
) -> RawSnapshot:
    """Both parts of a workbook (or only meta); problems go to `findings`."""
    try:
        workbook = _guarded(
            lambda: openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
        )
        try:
            return _read(file, workbook, findings, with_units)
        finally:
            workbook.close()
    except _Damaged as damage:
        findings.error(
            file,
            f"không đọc được bảng tính XLSX (tệp hỏng hoặc không đúng định dạng: {damage})",
        )
        return RawSnapshot(None, None)


def _read(file: str, workbook: Any, findings: Findings, with_units: bool) -> RawSnapshot:
    by_name = {fold(name): name for name in workbook.sheetnames}
    sheets: dict[str, Any] = {}
    for wanted in (META_SHEET, UNITS_SHEET) if with_units else (META_SHEET,):
        if wanted in by_name:
            name = by_name[wanted]
            sheets[wanted] = _guarded(lambda: workbook[name])  # noqa: B023 - called at once
        else:
            findings.error(file, f'thiếu trang tính "{wanted}"')
    meta = units = indicators = None
    if META_SHEET in sheets:
        meta = _read_meta(f"{file}[{META_SHEET}]", sheets[META_SHEET], findings)
    if UNITS_SHEET in sheets:
        units = _read_units(f"{file}[{UNITS_SHEET}]", sheets[UNITS_SHEET], findings)
    if with_units and INDICATORS_SHEET in by_name:
        name = by_name[INDICATORS_SHEET]
        sheet = _guarded(lambda: workbook[name])
        indicators = _read_units(f"{file}[{name}]", sheet, findings, indicator_field)
    return RawSnapshot(meta, units, indicators)


def _rows(sheet: Any) -> Iterator[tuple[int, tuple[object, ...]]]:
    """(spreadsheet row number, values) for every row, gaps included."""
    _guarded(sheet.reset_dimensions)  # a wrong stored dimension would otherwise cut rows off
    iterator = _guarded(lambda: iter(sheet.iter_rows(values_only=True)))
    number = 0
    while (values := _guarded(lambda: next(iterator, None))) is not None:
        number += 1
        yield number, tuple(values)


def _read_meta(file: str, sheet: Any, findings: Findings) -> RawMeta:
    entries: list[MetaEntry] = []
    for number, values in _rows(sheet):
        key = values[0] if values else None
        value = values[1] if len(values) > 1 else None
        if is_blank(key):
            continue
        if not entries and isinstance(value, str) and fold(value) in _META_HEADER_VALUES:
            continue  # a "key | value" header row
        entries.append(MetaEntry(key, value, number, "A", number, "B"))
    return RawMeta(file, None, collect_meta(entries, file, findings))


def _read_units(file: str, sheet: Any, findings: Findings,
                lookup: Callable[[str], Field | None] = unit_field) -> RawUnits | None:
    rows = _rows(sheet)
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
    return RawUnits(file, header_row, header.keys, records)
