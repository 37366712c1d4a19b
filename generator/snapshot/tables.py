"""Shared by the readers: header rows, rows of cells and key/value meta entries into raw values."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from generator.snapshot.fields import Field, meta_field, unit_field
from generator.snapshot.raw import Cell, Findings, Location, RawRecord
from generator.snapshot.values import is_blank, show_value


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True)
class Header:
    """Which position holds which canonical column."""

    positions: dict[int, str]

    @property
    def keys(self) -> frozenset[str]:
        """The canonical columns present."""
        return frozenset(self.positions.values())


def map_header(values: Sequence[object], file: str, row: Location, findings: Findings,
               lookup: Callable[[str], Field | None] = unit_field) -> Header:
    """Match each header cell to a column (of `units` by default, or the table `lookup` names);
    unknown ones warned about, repeated ones refused."""
    positions: dict[int, str] = {}
    first_position: dict[str, int] = {}
    for index, value in enumerate(values):
        if is_blank(value):
            continue
        text = str(value).strip()
        letter = column_letter(index)
        field = lookup(text)
        if field is None:
            findings.warn(
                file, f'cột {show_value(text)} không thuộc mẫu số liệu, bỏ qua', row=row, column=letter
            )
            continue
        if field.key in first_position:
            findings.error(
                file,
                f'cột {show_value(text)} ({field.label}) trùng với cột '
                f"{column_letter(first_position[field.key])}",
                row=row,
                column=letter,
            )
            continue
        first_position[field.key] = index
        positions[index] = field.key
    return Header(positions)


def row_has_data(values: Sequence[object], header: Header) -> bool:
    """True when any recognised column of the row holds something (notes elsewhere don't count)."""
    width = len(values)
    return any(index < width and not is_blank(values[index]) for index in header.positions)


def record_from_row(values: Sequence[object], header: Header, file: str, row: int) -> RawRecord:
    """One spreadsheet-like row (XLSX or CSV) as a record located by row and column letter."""
    cells: dict[str, Cell] = {}
    width = len(values)
    for index, key in header.positions.items():
        value = values[index] if index < width else None
        cells[key] = Cell(value, file, row, column_letter(index))
    return RawRecord(row, row, cells)


@dataclass(frozen=True)
class MetaEntry:
    """One key/value pair of meta with where the key and the value are."""

    key: object
    value: object
    key_row: Location
    key_column: str | None
    value_row: Location
    value_column: str | None


def collect_meta(entries: Iterable[MetaEntry], file: str, findings: Findings) -> dict[str, Cell]:
    """Canonical key → value cell; unknown keys warned about, repeated keys refused."""
    cells: dict[str, Cell] = {}
    for entry in entries:
        if is_blank(entry.key):
            continue
        text = str(entry.key).strip()
        field = meta_field(text)
        if field is None:
            findings.warn(
                file,
                f'khóa {show_value(text)} không thuộc mẫu số liệu, bỏ qua',
                row=entry.key_row,
                column=entry.key_column,
            )
            continue
        if field.key in cells:
            first = cells[field.key]
            findings.error(
                file,
                f'khóa {show_value(text)} ({field.label}) lặp lại, đã có ở {_place(first)}',
                row=entry.key_row,
                column=entry.key_column,
            )
            continue
        cells[field.key] = Cell(entry.value, file, entry.value_row, entry.value_column)
    return cells


def _place(cell: Cell) -> str:
    if isinstance(cell.row, int):
        return f"dòng {cell.row}"
    return f"khóa {show_value(cell.column)}"
