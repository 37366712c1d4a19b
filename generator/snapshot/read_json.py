"""JSON: `{"meta": {...}, "units": [{...}, ...]}`, and the `.meta.json` sidecar of a CSV."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from decimal import Decimal

from generator.snapshot.fields import Field, indicator_field, unit_field
from generator.snapshot.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_DEPTH,
    MAX_KEY_CHARS,
    MAX_NUMBER_CHARS,
    MAX_ROWS,
)
from generator.snapshot.raw import (
    Cell,
    Findings,
    OversizedNumber,
    RawMeta,
    RawRecord,
    RawSnapshot,
    RawUnits,
)
from generator.snapshot.read_delimited import decode_utf8
from generator.snapshot.tables import MetaEntry, collect_meta
from generator.snapshot.values import show_value

_TOP_LEVEL = frozenset({"meta", "units", "indicators"})
_JSON_TYPES = {
    list: "một danh sách",
    str: "một chuỗi",
    bool: "một giá trị đúng/sai",
    int: "một số",
    Decimal: "một số",
    type(None): "null",
}


def _keep_constant(name: str) -> str:
    # NaN / Infinity are not JSON; keep them as text so validation says "không phải là số".
    return name


def _integer(text: str) -> int | OversizedNumber:
    # Python refuses to turn more than 4.300 digits into an int (and is slow well before that).
    return int(text) if len(text) <= MAX_NUMBER_CHARS else OversizedNumber(text)


def _decimal(text: str) -> Decimal | OversizedNumber:
    return Decimal(text) if len(text) <= MAX_NUMBER_CHARS else OversizedNumber(text)


class _Object(dict[str, object]):
    """A JSON object that remembers the keys it met more than once (the last would win silently)."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    result = _Object(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        repeated: dict[str, None] = {}
        for key, _ in pairs:
            if key in seen:
                repeated[key] = None
            seen.add(key)
        result.repeated = tuple(repeated)
    return result


NOT_PARSED = object()


def parse_json(file: str, data: bytes, findings: Findings) -> object:
    """The parsed document (floats as Decimal), or NOT_PARSED with a problem naming the place.

    Refused with their location: syntax errors (line and column), nesting deeper than MAX_DEPTH,
    repeated keys, over-long strings and over-long arrays or objects (JSON path).
    """
    text = decode_utf8(file, data, findings)
    if text is None:
        return NOT_PARSED
    try:
        document = json.loads(text, parse_float=_decimal, parse_int=_integer,
                              parse_constant=_keep_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        findings.error(
            file, f"nội dung không phải JSON hợp lệ: {_json_reason(exc.msg)} (cột {exc.colno})",
            row=exc.lineno,
        )
        return NOT_PARSED
    except RecursionError:
        line, column = _too_deep_at(text)
        findings.error(file, f"dữ liệu JSON lồng nhau quá {MAX_DEPTH} tầng (cột {column})", row=line)
        return NOT_PARSED
    before = findings.count
    if not _check_tree(file, document, findings) or findings.count > before:
        return NOT_PARSED
    return document


_JSON_REASONS = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên khóa phải đặt trong ngoặc kép",
    "Expecting ':' delimiter": "thiếu dấu “:” sau tên khóa",
    "Expecting ',' delimiter": "thiếu dấu phẩy giữa hai phần tử",
    "Unterminated string starting at": "chuỗi chưa được đóng ngoặc kép",
    "Invalid control character at": "chuỗi chứa ký tự điều khiển (hãy viết \\n, \\t)",
    "Invalid \\escape": "chuỗi có ký tự thoát “\\” không hợp lệ",
    "Invalid \\uXXXX escape": "chuỗi có mã \\uXXXX không hợp lệ",
    "Extra data": "có dữ liệu thừa sau phần JSON chính",
}


def _json_reason(message: str) -> str:
    """The JSON parser's English reason in Vietnamese (the English kept for what is not listed)."""
    for english, vietnamese in _JSON_REASONS.items():
        if message.startswith(english):
            return vietnamese
    return message


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column of the bracket that first goes deeper than MAX_DEPTH (after a RecursionError)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                start = match.start()
                line_start = text.rfind("\n", 0, start) + 1
                return text.count("\n", 0, start) + 1, start - line_start + 1
        elif token in "]}":
            depth -= 1
    return 1, 1  # pragma: no cover - only called when the parser found the nesting too deep


def json_path(parts: tuple[str | int, ...]) -> str:
    """`units[3].name` from ("units", 3, "name"); indexes counted from 1, as the messages say."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _walk(value: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], object]]:
    stack: list[tuple[tuple[str | int, ...], object]] = [(path, value)]
    while stack:
        here, item = stack.pop()
        yield here, item
        if len(here) >= MAX_DEPTH:
            continue  # reported by _check_tree, not descended into
        if isinstance(item, dict):
            stack.extend(((*here, str(k)), v) for k, v in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend(((*here, i), v) for i, v in reversed(list(enumerate(item, start=1))))


def _check_tree(file: str, document: object, findings: Findings) -> bool:
    """Report repeated keys; refuse (False) a document over a limit, naming the first place."""
    for path, value in _walk(document):
        where = json_path(path[:-1]) or None
        last = str(path[-1]) if path and not isinstance(path[-1], int) else None
        place = json_path(path) or None
        if len(path) >= MAX_DEPTH and isinstance(value, (dict, list)) and value:
            findings.error(file, f"dữ liệu JSON lồng nhau quá {MAX_DEPTH} tầng", row=place)
            return False
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            findings.error(file, f"chuỗi dài {len(value)} ký tự, quá giới hạn {MAX_CELL_CHARS} ký tự",
                           row=where if last else place, column=last)
            return False
        if isinstance(value, list) and len(value) > MAX_ROWS:
            findings.error(file, f"danh sách có {len(value)} phần tử, quá giới hạn {MAX_ROWS} phần tử",
                           row=place)
            return False
        if isinstance(value, dict):
            if len(value) > MAX_COLUMNS:
                findings.error(file, f"đối tượng có {len(value)} khóa, quá giới hạn {MAX_COLUMNS} khóa",
                               row=place)
                return False
            long_key = next((k for k in value if len(k) > MAX_KEY_CHARS), None)
            if long_key is not None:
                findings.error(file, f"tên khóa {show_value(long_key)} dài {len(long_key)} ký tự, quá giới "
                               f"hạn {MAX_KEY_CHARS} ký tự", row=place)
                return False
            for key in getattr(value, "repeated", ()):
                findings.error(
                    file,
                    f"khóa {show_value(key)} lặp lại trong cùng một đối tượng (chỉ một giá trị được "
                    "đọc, giá trị kia sẽ bị bỏ qua mà không ai biết); hãy giữ lại một",
                    row=place, column=key,
                )
    return True


def describe_json(value: object) -> str:
    """How a message names a JSON value's type ("một danh sách")."""
    return _JSON_TYPES.get(type(value), "một giá trị")


def read_json(
    file: str, data: bytes, findings: Findings, *, with_units: bool = True
) -> RawSnapshot:
    """Both parts of a JSON snapshot (or only meta)."""
    document = parse_json(file, data, findings)
    if document is NOT_PARSED:
        return RawSnapshot(None, None)
    if not isinstance(document, dict):
        findings.error(
            file,
            'nội dung JSON phải là một đối tượng {"meta": {...}, "units": [...]}, '
            f"không phải {describe_json(document)}",
        )
        return RawSnapshot(None, None)
    for key in document:
        if key not in _TOP_LEVEL:
            findings.warn(file, f'khóa {show_value(key)} không thuộc mẫu số liệu, bỏ qua')
    meta = read_meta_object(file, document.get("meta"), findings, "meta")
    units = _read_units(file, document, findings) if with_units else None
    indicators = None
    if with_units and document.get("indicators") is not None:
        indicators = _read_table(file, document["indicators"], "indicators", findings, indicator_field)
    return RawSnapshot(meta, units, indicators)


def read_meta_object(file: str, value: object, findings: Findings, where: str) -> RawMeta | None:
    """The meta object located as `where` (`meta`); a missing or non-object meta is a problem."""
    if value is None:
        findings.error(file, 'thiếu khóa "meta" (thông tin chung của kỳ đánh giá)')
        return None
    if not isinstance(value, dict):
        findings.error(
            file, f'"meta" phải là một đối tượng, không phải {describe_json(value)}', row=where
        )
        return None
    entries = (MetaEntry(k, v, where, str(k), where, str(k)) for k, v in value.items())
    return RawMeta(file, where, collect_meta(entries, file, findings))


def _read_units(file: str, document: dict[str, object], findings: Findings) -> RawUnits | None:
    items = document.get("units")
    if items is None:
        findings.error(file, 'thiếu khóa "units" (danh sách đơn vị)')
        return None
    if not isinstance(items, list):
        findings.error(
            file, f'"units" phải là một danh sách, không phải {describe_json(items)}', row="units"
        )
        return None
    if not items:
        findings.error(file, "danh sách units không có đơn vị nào", row="units")
    return _read_table(file, items, "units", findings, unit_field)


def _read_table(file: str, items: object, key: str, findings: Findings,
                lookup: Callable[[str], Field | None]) -> RawUnits | None:
    """A list of objects (`units` or `indicators`), each located as `key[N]` and its keys."""
    if not isinstance(items, list):
        findings.error(
            file, f'"{key}" phải là một danh sách, không phải {describe_json(items)}', row=key
        )
        return None
    columns: set[str] = set()
    warned: set[str] = set()
    records: list[RawRecord] = []
    for number, item in enumerate(items, start=1):
        where = f"{key}[{number}]"
        if not isinstance(item, dict):
            what = "mỗi đơn vị" if key == "units" else "mỗi dòng chỉ số"
            findings.error(
                file,
                f"{what} phải là một đối tượng, không phải {describe_json(item)}",
                row=where,
            )
            continue
        cells: dict[str, Cell] = {}
        for name, value in item.items():
            field = lookup(str(name))
            if field is None:
                if name not in warned and len(warned) < MAX_COLUMNS:
                    warned.add(name)
                    findings.warn(
                        file,
                        f'khóa {show_value(name)} không thuộc mẫu số liệu, bỏ qua',
                        row=where,
                        column=str(name),
                    )
                continue
            if field.key in cells:
                findings.error(
                    file,
                    f"khóa {show_value(name)} ({field.label}) trùng với khóa "
                    f"{show_value(cells[field.key].column)}",
                    row=where,
                    column=str(name),
                )
                continue
            columns.add(field.key)
            cells[field.key] = Cell(value, file, where, str(name))
        records.append(RawRecord(where, number, cells))
    return RawUnits(file, key, frozenset(columns), tuple(records), header_known=False)
