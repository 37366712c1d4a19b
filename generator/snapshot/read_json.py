"""JSON: `{"meta": {...}, "units": [{...}, ...]}`, and the `.meta.json` sidecar of a CSV."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from generator.common.jsonfile import JsonLimits
from generator.common.jsonfile import parse_json as parse_json_text
from generator.snapshot.fields import Field, indicator_field, unit_field
from generator.snapshot.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_DEPTH,
    MAX_KEY_CHARS,
    MAX_NUMBER_CHARS,
    MAX_ROWS,
)
from generator.snapshot.raw import Findings, JsonCells, RawMeta, RawRecord, RawSnapshot, RawUnits
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


NOT_PARSED = object()
_LIMITS = JsonLimits(max_depth=MAX_DEPTH, max_string=MAX_CELL_CHARS, max_key=MAX_KEY_CHARS, max_items=MAX_ROWS,
                     max_keys=MAX_COLUMNS, max_number_chars=MAX_NUMBER_CHARS)


def parse_json(file: str, data: bytes, findings: Findings) -> object:
    """The parsed document (floats as Decimal), or NOT_PARSED with a problem naming the place.

    Refused with their location: syntax errors (line and column), nesting deeper than MAX_DEPTH,
    repeated keys, over-long strings and over-long arrays or objects (JSON path, indexes from 1).
    """
    text = decode_utf8(file, data, findings)
    if text is None:
        return NOT_PARSED
    document, issues = parse_json_text(text, _LIMITS)
    for issue in issues:
        if issue.line is not None:
            findings.error(file, f"{issue.message} (cột {issue.column})", row=issue.line)
        elif issue.key is not None and issue.message.startswith("lặp lại"):
            findings.error(file, f"khóa {show_value(issue.key)} {issue.message}", row=json_path(issue.path) or None,
                           column=issue.key)
        else:
            findings.error(file, issue.message, row=json_path(issue.path) or None, column=issue.key)
    return NOT_PARSED if issues else document


def json_path(parts: tuple[str | int, ...]) -> str:
    """`units[3].name` from ("units", 2, "name"): indexes counted from 1, as the messages say."""
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


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
    return read_json_document(file, document, findings, with_units=with_units)


def read_json_document(file: str, document: object, findings: Findings, *, with_units: bool = True) -> RawSnapshot:
    """Both parts (or only meta) of a parsed JSON snapshot; the document is kept in the result."""
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
    return RawSnapshot(meta, units, indicators, document)


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
    fields: dict[str, Field | None] = {}  # every record names the same keys: each is looked up once
    layouts: dict[tuple[str, ...], _Layout | None] = {}  # the records mostly name them in one order too
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
        names = tuple(item)
        layout = layouts[names] if names in layouts else layouts.setdefault(names, _layout(names, lookup))
        if layout is not None:  # each key names a field of its own: the values are read from the object
            values = item if layout.as_is else {canonical: item[name] for name, canonical in layout.pairs}
            records.append(RawRecord(where, number, JsonCells(values, file, where, layout.names), values))
            continue
        values = {}
        written: dict[str, str] = {}  # canonical key → the key as written
        for name, value in item.items():
            name = str(name)
            field = fields[name] if name in fields else fields.setdefault(name, lookup(name))
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
            if field.key in values:
                findings.error(
                    file,
                    f"khóa {show_value(name)} ({field.label}) trùng với khóa "
                    f"{show_value(written[field.key])}",
                    row=where,
                    column=str(name),
                )
                continue
            values[field.key] = value
            written[field.key] = name
        columns.update(values)
        records.append(RawRecord(where, number, JsonCells(values, file, where, written), values))
    for layout in layouts.values():
        columns.update(layout.names if layout is not None else ())
    return RawUnits(file, key, frozenset(columns), tuple(records), header_known=False)


class _Layout(NamedTuple):
    """The keys of a record that each name a field of their own, with its canonical key."""

    pairs: tuple[tuple[str, str], ...]  # (key as written, canonical key), in the record's order
    names: dict[str, str]  # canonical key → key as written
    as_is: bool  # every key is written as its canonical key


def _layout(names: tuple[str, ...], lookup: Callable[[str], Field | None]) -> _Layout | None:
    """How a record with these keys reads; None when a key names no field, or the field of another
    key (the record is then read key by key, and each such key reported)."""
    found = [lookup(name) for name in names]
    canonical = [field.key for field in found if field is not None]
    if len(canonical) < len(names) or len(set(canonical)) < len(canonical):
        return None
    pairs = tuple(zip(names, canonical, strict=True))
    return _Layout(pairs, {c: n for n, c in pairs}, all(n == c for n, c in pairs))
