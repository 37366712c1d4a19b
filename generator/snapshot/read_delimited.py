"""CSV and TSV: the `units` table as text; the delimiter is detected from the header line."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from generator.snapshot.fields import Field, unit_field
from generator.snapshot.raw import Findings, RawUnits
from generator.snapshot.tables import map_header, record_from_row, row_has_data
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


def read_delimited(file: str, text: str, findings: Findings, default: str = ",",
                   lookup: Callable[[str], Field | None] = unit_field) -> RawUnits | None:
    """The units table (or the table `lookup` names) of a CSV/TSV text; problems go to `findings`."""
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        findings.error(file, "tệp rỗng, không có dữ liệu")
        return None
    delimiter = detect_delimiter(header_line, default)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = None
    header_row = 0
    records = []
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if header is None:
                if all(is_blank(v) for v in values):
                    continue
                header_row = number
                header = map_header(values, file, number, findings, lookup)
            elif row_has_data(values, header):
                records.append(record_from_row(values, header, file, number))
    except csv.Error as exc:
        findings.error(file, f"dòng không đọc được theo định dạng CSV: {exc}", row=number + 1)
        return None
    if header is None:  # pragma: no cover - a non-blank header line always yields a row
        findings.error(file, "tệp rỗng, không có dữ liệu")
        return None
    return RawUnits(file, header_row, header.keys, tuple(records))
