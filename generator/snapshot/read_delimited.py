"""CSV and TSV: the `units` table as text; the delimiter is detected from the header line."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence

from generator.snapshot.fields import Field, unit_field
from generator.snapshot.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS, LimitExceeded
from generator.snapshot.raw import Findings, RawRecord, RawUnits
from generator.snapshot.tables import Header, column_letter, map_header, record_from_row, row_has_data
from generator.snapshot.values import is_blank

DELIMITERS = (",", ";", "\t")


def decode_utf8(file: str, data: bytes, findings: Findings) -> str | None:
    """The text of a UTF-8 file (BOM allowed), or None with a problem naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        findings.error(
            file,
            f"tệp không phải văn bản mã UTF-8 (byte 0x{data[exc.start]:02x} không hợp lệ); "
            "hãy lưu lại với mã hóa UTF-8",
            row=line,
        )
        return None


def detect_delimiter(header_line: str, default: str = ",") -> str:
    """The delimiter under which the header line names the most known columns."""
    best, best_score = default, (-1, -1)
    for delimiter in DELIMITERS:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        known = sum(1 for f in fields if f.strip() and unit_field(f) is not None)
        score = (known, len(fields))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def first_line(text: str) -> str | None:
    """The first line holding anything but spaces (the header), or None for a blank text."""
    stripped = text.lstrip()
    if not stripped:
        return None
    ends = [i for i in (stripped.find("\n"), stripped.find("\r")) if i >= 0]
    return stripped[: min(ends)] if ends else stripped


# Every line costs a loop turn even when blank: a file may hold twice as many lines as data rows.
MAX_LINES = 2 * MAX_ROWS
_CSV_REASONS = {
    "field larger than field limit": f"có ô dài quá {MAX_CELL_CHARS} ký tự",
    "new-line character seen in unquoted field": "có ký tự xuống dòng lẻ trong ô không có ngoặc kép",
    "unexpected end of data": "tệp kết thúc giữa chừng một ô trong ngoặc kép",
    "line contains NUL": "có ký tự NUL (U+0000)",
}


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    return next((v for k, v in _CSV_REASONS.items() if text.startswith(k)), f"lỗi định dạng CSV ({text})")


def check_row(values: Sequence[str], row: int) -> None:
    """LimitExceeded for a row using a column past MAX_COLUMNS or holding an over-long cell."""
    if len(values) > MAX_COLUMNS:
        beyond = next((i for i in range(MAX_COLUMNS, len(values)) if values[i].strip()), None)
        if beyond is not None:
            raise LimitExceeded(
                f"ô nằm ngoài vùng đọc: bảng chỉ được dùng tối đa {MAX_COLUMNS} cột "
                f"(đến cột {column_letter(MAX_COLUMNS - 1)})", row=row, column=column_letter(beyond))
    for index, value in enumerate(values[:MAX_COLUMNS]):
        if len(value) > MAX_CELL_CHARS:
            raise LimitExceeded(f"ô dài {len(value)} ký tự, quá giới hạn {MAX_CELL_CHARS} ký tự",
                                row=row, column=column_letter(index))


def read_delimited(file: str, text: str, findings: Findings, default: str = ",",
                   lookup: Callable[[str], Field | None] = unit_field) -> RawUnits | None:
    """The units table (or the table `lookup` names) of a CSV/TSV text; problems go to `findings`."""
    header_line = first_line(text)
    if header_line is None:
        findings.error(file, "tệp rỗng, không có dữ liệu")
        return None
    delimiter = detect_delimiter(header_line[: MAX_CELL_CHARS * 4], default)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: Header | None = None
    header_row = 0
    records: list[RawRecord] = []
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_LINES:
                raise LimitExceeded(f"tệp có quá {MAX_LINES} dòng", row=number)
            check_row(values, number)
            values = values[:MAX_COLUMNS]
            if header is None:
                if all(is_blank(v) for v in values):
                    continue
                header_row = number
                header = map_header(values, file, number, findings, lookup)
            elif row_has_data(values, header):
                if len(records) >= MAX_ROWS:
                    raise LimitExceeded(f"bảng có quá {MAX_ROWS} dòng số liệu", row=number)
                records.append(record_from_row(values, header, file, number))
    except csv.Error as exc:
        findings.error(file, f"dòng không đọc được theo định dạng CSV: {_csv_reason(exc)}", row=number + 1)
        return None
    except LimitExceeded as exc:
        findings.error(file, exc.message, row=exc.row, column=exc.column)
        return None
    if header is None:  # pragma: no cover - a non-blank header line always yields a row
        findings.error(file, "tệp rỗng, không có dữ liệu")
        return None
    return RawUnits(file, header_row, header.keys, tuple(records))
