"""The parts of an XLSX workbook, read in a stream with limits: sheets, shared strings, cells.

An XLSX file is a zip of XML parts. A 300 KB file can inflate to gigabytes, hold millions of
shared strings or put one cell in row 1.048.576 of column XFD, and a general-purpose reader
pays for all of it before the first row comes out. This reader checks the zip's declared sizes
first (Python's zip module never inflates a member past its declared size), refuses XML with a
DOCTYPE (entity tricks), and streams each worksheet cell by cell, keeping one row in memory and
stopping at the first cell over a limit. It keeps what a snapshot needs of each cell: its value,
a date when the cell's number format is a date, and the formula of a cell whose result was never
stored (which must not read as an empty cell).

openpyxl provides the date conversions and the built-in number formats; the XML is parsed with
lxml directly.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from lxml import etree

from generator.common.bounded import size_text
from generator.common.imports import import_without
from generator.snapshot.limits import (
    MAX_CELL_CHARS,
    MAX_NUMBER_CHARS,
    XLSX_MAX_CELL_ELEMENTS,
    XLSX_MAX_MEMBERS,
    XLSX_MAX_PART_BYTES,
    XLSX_MAX_PART_ELEMENTS,
    XLSX_MAX_ROW_ELEMENTS,
    XLSX_MAX_SHARED_STRINGS,
    XLSX_MAX_SHARED_STRINGS_BYTES,
    XLSX_MAX_SMALL_PART_BYTES,
    XLSX_MAX_TOTAL_BYTES,
    LimitExceeded,
)
from generator.snapshot.raw import FormulaWithoutValue, OversizedNumber, SpreadsheetError
from generator.snapshot.tables import column_letter

import_without("openpyxl", hidden=("numpy",))  # numpy would only slow every start (see imports.py)
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format  # noqa: E402
from openpyxl.utils.datetime import (  # noqa: E402
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
    from_ISO8601,
)

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_PROLOG = 4096  # bytes of each XML part looked at for a DOCTYPE
# What reading a damaged member can raise, from the zip layer or the XML parser.
_STREAM_ERRORS = (etree.XMLSyntaxError, zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                  NotImplementedError, RuntimeError)
# What opening a damaged archive can raise: zipfile refuses a central directory asking for a newer
# ZIP version (a flipped byte) with NotImplementedError, and an oversized one with LargeZipFile.
_OPEN_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError, EOFError)
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData(?:\s[^>]*)?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")
_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)worksheet(?:\s+[^\s=>/]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*>")


class Damaged(Exception):
    """The workbook is not a readable XLSX; `reason` says why in Vietnamese, `where` names a cell."""

    def __init__(self, reason: str, where: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.where = where


@dataclass(frozen=True)
class SheetRef:
    """One sheet as the workbook lists it."""

    name: str
    state: str  # "visible", "hidden" or "veryHidden"
    part: str  # its member in the zip


_LOCAL_NAMES: dict[object, str] = {}


def _local(tag: object) -> str:
    """An element's name without its namespace (Excel's transitional and strict XML alike)."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        text = tag if isinstance(tag, str) else ""
        name = text[text.rfind("}") + 1:]
        if len(_LOCAL_NAMES) < 1024:
            _LOCAL_NAMES[tag] = name
    return name


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x)."""
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


class Workbook:
    """An open XLSX: its sheets, and a stream of rows for any of them."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
        except _OPEN_ERRORS:
            raise Damaged("không phải tệp nén ZIP hợp lệ") from None
        try:
            self._members = self._check_members()
            self._main = self._main_part()
            folder, _, name = self._main.rpartition("/")
            self._workbook_rels = self._relationships(f"{folder}/_rels/{name}.rels" if folder else
                                                      f"_rels/{name}.rels", folder)
            self._date_styles, self._timedelta_styles = self._styles()
            self.sheets, self._epoch = self._workbook()
        except BaseException:
            self._zip.close()
            raise
        self._strings: list[str] | None = None

    def close(self) -> None:
        self._zip.close()

    # ---- the zip -------------------------------------------------------------------------------

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > XLSX_MAX_MEMBERS:
            raise Damaged(f"tệp nén có {len(infos)} phần, quá giới hạn {XLSX_MAX_MEMBERS} phần")
        total = 0
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            total += info.file_size
            if info.file_size > XLSX_MAX_PART_BYTES:
                raise Damaged(f"phần {info.filename} giải nén ra {size_text(info.file_size)}, quá giới hạn "
                              f"{size_text(XLSX_MAX_PART_BYTES)} (tệp nén bất thường)")
            members[info.filename] = info
        if total > XLSX_MAX_TOTAL_BYTES:
            raise Damaged(f"tệp giải nén ra {size_text(total)}, quá giới hạn {size_text(XLSX_MAX_TOTAL_BYTES)} "
                          "(tệp nén bất thường)")
        return members

    def _member(self, name: str, limit: int) -> bytes:
        """A member's bytes (at most `limit` once inflated), after checking it declares no DOCTYPE."""
        info = self._members.get(name.lstrip("/"))
        if info is None:
            raise Damaged(f"thiếu phần {name} trong tệp nén")
        if info.file_size > limit:
            raise Damaged(f"phần {name} giải nén ra {size_text(info.file_size)}, quá giới hạn {size_text(limit)}")
        try:
            data = self._zip.read(info)
        except _STREAM_ERRORS as exc:
            raise Damaged(f"không giải nén được phần {name} ({type(exc).__name__})") from None
        head = data[:_PROLOG]
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise Damaged(f"phần {name} có khai báo DOCTYPE/ENTITY, không được phép trong tệp XLSX")
        return data

    def _tree(self, name: str) -> Any:
        """A small part (workbook, relationships, styles) parsed whole: its element count is bounded,
        since a tree costs hundreds of bytes per element whatever the element's size in the file."""
        data = self._member(name, XLSX_MAX_SMALL_PART_BYTES)
        if data.count(b"<") > XLSX_MAX_PART_ELEMENTS:
            raise Damaged(f"phần {name} có quá {XLSX_MAX_PART_ELEMENTS} phần tử XML (tệp bất thường)")
        try:
            return etree.fromstring(data, _parser())
        except _STREAM_ERRORS as exc:
            raise Damaged(f"phần {name} không phải XML hợp lệ ({_short(exc)})") from None

    # ---- workbook-level parts ------------------------------------------------------------------

    def _workbook(self) -> tuple[tuple[SheetRef, ...], Any]:
        root = self._tree(self._main)
        targets = {rel_id: target for rel_id, _, target in self._workbook_rels}
        epoch = CALENDAR_WINDOWS_1900
        sheets: list[SheetRef] = []
        for element in root.iter():
            tag = _local(element.tag)
            if tag == "workbookPr" and element.get("date1904") in ("1", "true"):
                epoch = CALENDAR_MAC_1904
            elif tag == "sheet":
                rel = element.get(f"{{{_REL_NS}}}id") or element.get(f"{{{_STRICT_REL_NS}}}id")
                name = element.get("name") or ""
                target = targets.get(rel or "")
                if target is not None and target in self._members:
                    sheets.append(SheetRef(name, element.get("state") or "visible", target))
        return tuple(sheets), epoch

    def _main_part(self) -> str:
        for _, rel_type, target in self._relationships("_rels/.rels", ""):
            if rel_type.endswith("/officeDocument"):
                return target
        if "xl/workbook.xml" in self._members:
            return "xl/workbook.xml"
        raise Damaged("không tìm thấy phần workbook trong tệp nén")

    def _part_of_type(self, kind: str) -> str | None:
        """The workbook's related part of a type ("styles", "sharedStrings"), if present."""
        return next((t for _, rel_type, t in self._workbook_rels
                     if rel_type.endswith("/" + kind) and t in self._members), None)

    def _relationships(self, rels: str, folder: str) -> list[tuple[str, str, str]]:
        """(id, type, member path) of each internal relationship in a .rels part."""
        if rels not in self._members:
            return []
        found = []
        for element in self._tree(rels).iter():
            if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
                continue
            target = element.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else _join(folder, target)
            found.append((element.get("Id") or "", element.get("Type") or "", path))
        return found

    def _styles(self) -> tuple[frozenset[int], frozenset[int]]:
        """Which cell style indexes show a number as a date (and which as a duration)."""
        part = self._part_of_type("styles")
        if part is None:
            return frozenset(), frozenset()
        root = self._tree(part)
        custom: dict[int, str] = {}
        dates: set[int] = set()
        durations: set[int] = set()
        for element in root.iter():
            if _local(element.tag) == "numFmt":
                try:
                    custom[int(element.get("numFmtId") or "")] = element.get("formatCode") or ""
                except ValueError:
                    continue
        cell_formats = next((e for e in root.iter() if _local(e.tag) == "cellXfs"), None)
        if cell_formats is None:
            return frozenset(), frozenset()
        for index, xf in enumerate(e for e in cell_formats if _local(e.tag) == "xf"):
            try:
                number_format = int(xf.get("numFmtId") or 0)
            except ValueError:
                continue
            code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, ""))
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return frozenset(dates), frozenset(durations)

    def _shared_strings(self) -> list[str]:
        if self._strings is not None:
            return self._strings
        strings: list[str] = []
        part = self._part_of_type("sharedStrings")
        if part is not None:
            size = self._members[part].file_size
            if size > XLSX_MAX_SHARED_STRINGS_BYTES:
                raise Damaged(f"bảng chuỗi dùng chung (phần {part}) giải nén ra {size_text(size)}, quá giới hạn "
                              f"{size_text(XLSX_MAX_SHARED_STRINGS_BYTES)}")
            data = self._member(part, XLSX_MAX_SHARED_STRINGS_BYTES)
            if _count_tags(data, b"si") > XLSX_MAX_SHARED_STRINGS:
                raise Damaged(f"bảng chuỗi dùng chung có quá {XLSX_MAX_SHARED_STRINGS} chuỗi (tệp bất thường)")
            try:
                for _, element in etree.iterparse(BytesIO(data), events=("end",), tag="{*}si", **_PARSE_OPTIONS):
                    strings.append(_text_of(element))
                    element.clear()
                    _drop_previous(element)
            except _STREAM_ERRORS as exc:
                raise Damaged(f"bảng chuỗi dùng chung không phải XML hợp lệ ({_short(exc)})") from None
        self._strings = strings
        return strings

    # ---- worksheets ----------------------------------------------------------------------------

    def rows(self, sheet: SheetRef, max_columns: int, max_rows: int) -> Iterator[tuple[int, tuple[object, ...]]]:
        """(spreadsheet row number, values from column A) for every row holding a value.

        LimitExceeded (located) for a value past `max_columns`, a `max_rows`-th row with values, or an
        over-long cell; Damaged for content that is not a worksheet. Only the sheetData element is
        parsed: what a sheet holds around it (merged ranges, validations, formats) is skipped unread.
        """
        strings = self._shared_strings()
        document = _sheet_data(self._member(sheet.part, XLSX_MAX_PART_BYTES), sheet.name)
        try:
            yield from _SheetReader(self, strings, max_columns, max_rows).rows(document)
        except _STREAM_ERRORS as exc:
            raise Damaged(f"trang tính “{sheet.name}” không phải XML hợp lệ ({_short(exc)})") from None

    def number(self, raw: str, style: int) -> object:
        """A numeric cell's value: int, float, or a date when its style is a date format."""
        if len(raw) > MAX_NUMBER_CHARS:
            return OversizedNumber(raw)
        try:
            value: float | int = float(raw) if any(c in raw for c in ".eE") or raw.lower() in ("inf", "nan") \
                else int(raw)
        except ValueError:
            return raw  # not a number after all: validation says so, with the text
        if style in self._date_styles:
            try:
                return from_excel(value, self._epoch, timedelta=style in self._timedelta_styles)
            except (OverflowError, ValueError, TypeError):
                return value
        return value


class _SheetReader:
    """One pass over one worksheet's XML; memory holds one row."""

    def __init__(self, workbook: Workbook, strings: list[str], max_columns: int, max_rows: int) -> None:
        self.workbook = workbook
        self.strings = strings
        self.max_columns = max_columns
        self.max_rows = max_rows

    def rows(self, document: bytes) -> Iterator[tuple[int, tuple[object, ...]]]:
        row_element: Any = None
        row_number = 0
        column = 0
        values: dict[int, object] = {}
        rows_with_values = 0
        events = etree.iterparse(BytesIO(document), events=("end",), tag=("{*}c", "{*}row"), **_PARSE_OPTIONS)
        for _, element in events:
            if _local(element.tag) == "c":
                parent = element.getparent()
                if parent is not row_element:  # the first cell of a new row
                    row_element, column = parent, 0
                    row_number = _row_number(parent, row_number)
                column = self._cell(element, row_number, column, values)
                element.clear()
                _drop_previous(element)
            else:  # the end of a row
                if element is not row_element:  # a row without cells
                    row_number = _row_number(element, row_number)
                if values:
                    rows_with_values += 1
                    if rows_with_values > self.max_rows:
                        raise LimitExceeded(f"trang tính có quá {self.max_rows} dòng có số liệu", row=row_number)
                    yield row_number, tuple(values.get(i) for i in range(max(values) + 1))
                values = {}
                row_element = None
                element.clear()
                _drop_previous(element)

    def _cell(self, element: Any, row: int, previous: int, values: dict[int, object]) -> int:
        """Read one cell into `values` (index from 0); returns its column number (from 1)."""
        reference = element.get("r")
        column = previous + 1
        if reference:
            match = _CELL_REFERENCE.match(reference)
            if match is None:
                raise Damaged(f"ô có địa chỉ “{reference[:20]}” không hợp lệ ở dòng {row}")
            column = _column_number(match.group(1))
            row = int(match.group(2))
        value = self._value(element, row, column)
        if value is None or value == "":
            return column
        if column > self.max_columns:
            raise LimitExceeded(
                f"ô nằm ngoài vùng đọc: bảng chỉ được dùng tối đa {self.max_columns} cột "
                f"(đến cột {column_letter(self.max_columns - 1)})", row=row, column=column_letter(column - 1))
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise LimitExceeded(f"ô dài {len(value)} ký tự, quá giới hạn {MAX_CELL_CHARS} ký tự",
                                row=row, column=column_letter(column - 1))
        values[column - 1] = value
        return column

    def _value(self, element: Any, row: int, column: int) -> object:
        kind = element.get("t") or "n"
        value_element = formula = inline = None
        for child in element:
            tag = _local(child.tag)
            if tag == "v":
                value_element = child
            elif tag == "f":
                formula = child
            elif tag == "is":
                inline = child
        if kind == "inlineStr":
            return _text_of(inline) if inline is not None else None
        if value_element is None:
            if formula is not None:
                return FormulaWithoutValue(_unescape(formula.text or "")[:200])
            return None
        raw = value_element.text or ""
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise Damaged(f"ô trỏ tới chuỗi dùng chung số “{raw[:20]}” không có",
                              where=f"{column_letter(column - 1)}{row}") from None
        if kind == "str":
            return _unescape(raw)
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            return SpreadsheetError(raw[:20])
        if kind == "d":
            try:
                return from_ISO8601(raw)
            except (ValueError, TypeError, OverflowError):
                return raw
        if not raw.strip():
            return None
        try:
            style = int(element.get("s") or 0)
        except ValueError:
            style = 0
        return self.workbook.number(raw.strip(), style)


_PARSE_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _count_tags(data: bytes, name: bytes) -> int:
    """How many elements named `name` start in `data` (with or without a namespace prefix), in C."""
    return sum(data.count(b"<" + name + end) + data.count(b":" + name + end) for end in (b" ", b">", b"/"))


def _sheet_data(data: bytes, name: str) -> bytes:
    """A worksheet reduced to its root and its sheetData: the only XML the rows come from.

    The element counts are checked first, in C, so a sheet of a million empty rows or cells is
    refused before any of it is parsed.
    """
    root = _ROOT.search(data)
    start = _SHEET_DATA.search(data, root.end()) if root else None
    if root is None or start is None:
        raise Damaged(f"trang tính “{name}” không có phần dữ liệu (sheetData)")
    prefix = root.group(1).decode("ascii", "replace")
    if start.group(2):  # <sheetData/>: no rows
        return data[: root.end()] + f"</{prefix}worksheet>".encode()
    end = _SHEET_DATA_END.search(data, start.end())
    if end is None:
        raise Damaged(f"trang tính “{name}” bị cắt cụt (thiếu thẻ đóng sheetData)")
    region = data[start.start(): end.end()]
    if _count_tags(region, b"row") > XLSX_MAX_ROW_ELEMENTS:
        raise LimitExceeded(f"trang tính có quá {XLSX_MAX_ROW_ELEMENTS} dòng (kể cả dòng trống có định dạng)")
    if _count_tags(region, b"c") > XLSX_MAX_CELL_ELEMENTS:
        raise LimitExceeded(f"trang tính có quá {XLSX_MAX_CELL_ELEMENTS} ô (kể cả ô trống có định dạng)")
    return data[: root.end()] + region + f"</{prefix}worksheet>".encode()


def _parser() -> Any:
    return etree.XMLParser(**_PARSE_OPTIONS)


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its <t> pieces, without phonetic runs."""
    pieces = []
    for node in element.iter():
        if _local(node.tag) == "t" and node.text and not any(
                _local(a.tag) == "rPh" for a in node.iterancestors()):
            pieces.append(node.text)
    return _unescape("".join(pieces))


def _drop_previous(element: Any) -> None:
    """Free what was already read: the siblings before `element` in its parent."""
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _row_number(row: Any, previous: int) -> int:
    text = row.get("r")
    if text is None:
        return previous + 1
    if not text.isdigit() or len(text) > 7:
        raise Damaged(f"dòng có số “{text[:20]}” không hợp lệ")
    return int(text)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _join(folder: str, target: str) -> str:
    parts = [p for p in folder.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
