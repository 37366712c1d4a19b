"""Checking raw cells against the contract and building the typed values.

Every rule adds a problem and goes on, so one run lists everything that is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from generator.snapshot.fields import (
    HUNDRED,
    META_FIELDS,
    UNIT_FIELD_BY_KEY,
    UNIT_FIELDS,
    Field,
    ValueKind,
    group_named,
    unit_kind,
)
from generator.snapshot.model import GROUPS, Group, Period, SnapshotMeta, UnitKind, UnitResult
from generator.snapshot.raw import Cell, Findings, RawMeta, RawRecord, RawUnits
from generator.snapshot.text import same_name_key, suspicious_character
from generator.snapshot.values import (
    Invalid,
    is_blank,
    period_start,
    read_cutoff,
    read_decimal,
    read_integer,
    read_period,
    read_text,
    show_number,
    show_value,
)

TOTAL_TOLERANCE = Decimal("0.05")
_KIND_HINT = (
    "dùng so_nganh (sở, ban, ngành), huyen (quận, huyện, thị xã) hoặc xa (xã, phường, thị trấn)"
)


Converter = Callable[[object], object]
# Each field with its canonical key and the conversion of its non-empty cells (the field's bounds
# bound in), chosen once per table instead of once per cell (a 10.000-unit file has 160.000 cells).
Converters = tuple[tuple[str, Field, Converter], ...]


def converters(fields: tuple[Field, ...]) -> Converters:
    """`fields` with the conversion of each one's cells: the typed value of one non-empty cell, or
    Invalid saying why not (range checks included)."""
    return tuple((field.key, field, _converter(field)) for field in fields)


def _converter(field: Field) -> Converter:
    kind = field.kind
    if kind is ValueKind.TEXT:
        return partial(_checked_text, field.max_length)
    if kind is ValueKind.KIND:
        return _kind
    if kind is ValueKind.SCORE:
        assert field.max_score is not None
        return partial(_score, field.max_score)
    if kind is ValueKind.COUNT:
        return _count
    if kind is ValueKind.RATE:
        return _rate
    if kind is ValueKind.PERIOD:
        return read_period
    if kind is ValueKind.GROUP:
        return _group
    if kind is ValueKind.POINTS:
        return _points
    return read_cutoff


def _kind(value: object) -> UnitKind:
    text = read_text(value)
    found = unit_kind(text) if text else None
    if found is None:
        raise Invalid(f"không phải loại đơn vị hợp lệ; {_KIND_HINT}")
    return found


def _score(maximum: Decimal, value: object) -> Decimal:
    score = read_decimal(value)
    assert score is not None
    if score < 0:
        raise Invalid("là số âm", show_number(score))
    if score > maximum:
        raise Invalid(f"vượt quá điểm tối đa {show_number(maximum)}", show_number(score))
    return score


def _count(value: object) -> int | None:
    count = read_integer(value)
    if count is not None and count < 0:
        raise Invalid("là số âm", show_number(count))
    return count


def _rate(value: object) -> Decimal:
    rate = read_decimal(value, percent=True)
    assert rate is not None
    if not 0 <= rate <= HUNDRED:
        raise Invalid("nằm ngoài khoảng 0–100 (%)", show_number(rate))
    return rate


def _group(value: object) -> Group:
    text = read_text(value)
    group = group_named(text) if text else None
    if group is None:
        raise Invalid("không phải nhóm chỉ số; dùng một trong " + ", ".join(g.code for g in GROUPS))
    return group


def _points(value: object) -> Decimal:
    points = read_decimal(value)
    assert points is not None
    if points < 0:
        raise Invalid("là số âm", show_number(points))
    return points


def _checked_text(max_length: int, value: object) -> str:
    text = read_text(value)
    assert text is not None
    if max_length and len(text) > max_length:
        raise Invalid(f"dài {len(text)} ký tự, quá giới hạn {max_length} ký tự")
    bad = suspicious_character(text)
    if bad is not None:
        raise Invalid(bad)
    return text


def read_cells(
    table: Converters, raw: Mapping[str, object], cells: Mapping[str, Cell], findings: Findings
) -> tuple[dict[str, object], set[str]]:
    """Typed values of the non-empty valid cells (`raw`: their values as read), and the keys whose
    cell was invalid (a problem located at the cell)."""
    values: dict[str, object] = {}
    invalid: set[str] = set()
    for key, field, convert in table:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):  # absent, or is_blank inlined
            continue
        try:
            values[key] = convert(value)
        except Invalid as exc:
            invalid.add(key)
            findings.add(
                cells[key].problem(f"{field.label} = {exc.shown or show_value(value)} {exc.reason}")
            )
    return values, invalid


_META_CONVERTERS = converters(META_FIELDS)
_UNIT_CONVERTERS = converters(UNIT_FIELDS)


def validate_meta(raw: RawMeta, findings: Findings) -> SnapshotMeta | None:
    """The authority's own result, or None when any meta rule fails (problems recorded)."""
    before = findings.count
    values, invalid = read_cells(_META_CONVERTERS, {k: c.value for k, c in raw.cells.items()}, raw.cells, findings)
    for field in META_FIELDS:
        if field.required and field.key not in values and field.key not in invalid:
            cell = raw.cells.get(field.key)
            if cell is not None:
                findings.add(cell.problem(f"{field.label} bị trống"))
            else:
                findings.error(
                    raw.file, f'thiếu khóa bắt buộc "{field.key}" ({field.label})', row=raw.row
                )
    _check_cutoff(raw, values, findings)
    _check_rank(raw, values, findings)
    if findings.count > before:
        return None
    return SnapshotMeta(
        authority_name=_str(values["authority_name"]),
        authority_code=_optional_str(values.get("authority_code")),
        period=_period(values["period"]),
        cutoff=_datetime(values["cutoff"]),
        score=_decimal(values["score"]),
        rank=_optional_int(values.get("rank")),
        ranked_count=_optional_int(values.get("ranked_count")),
        groups=tuple(_optional_decimal(values.get(g.code)) for g in GROUPS),
        overdue_total=_optional_int(values.get("overdue_total")),
        **{k: _str(values[k]) for k in ("source", "source_url") if k in values},
    )


def _check_cutoff(raw: RawMeta, values: dict[str, object], findings: Findings) -> None:
    period, cutoff = values.get("period"), values.get("cutoff")
    if not isinstance(period, Period) or not isinstance(cutoff, datetime):
        return
    start = period_start(period)
    if cutoff < start:
        findings.add(
            raw.cells["cutoff"].problem(
                f"Thời điểm lấy số liệu {cutoff.isoformat()} sớm hơn ngày đầu của kỳ đánh giá "
                f"{period} ({start.strftime('%d/%m/%Y')})"
            )
        )


def _check_rank(raw: RawMeta, values: dict[str, object], findings: Findings) -> None:
    rank, count = values.get("rank"), values.get("ranked_count")
    if isinstance(count, int) and count < 1:
        findings.add(
            raw.cells["ranked_count"].problem(f"Số đơn vị được xếp hạng = {count} phải lớn hơn 0")
        )
        return
    if not isinstance(rank, int):
        return
    if count is None and "ranked_count" not in raw.cells:
        findings.add(
            raw.cells["rank"].problem(
                'có Thứ hạng nhưng thiếu "ranked_count" (Số đơn vị được xếp hạng)'
            )
        )
    elif count is None and is_blank(raw.cells["ranked_count"].value):
        findings.add(
            raw.cells["rank"].problem("có Thứ hạng nhưng Số đơn vị được xếp hạng bị trống")
        )
    elif isinstance(count, int) and not 1 <= rank <= count:
        findings.add(
            raw.cells["rank"].problem(f"Thứ hạng = {rank} nằm ngoài khoảng 1–{count}")
        )


def _where(record: RawRecord) -> str:
    return f"dòng {record.row}" if isinstance(record.row, int) else str(record.row)


def validate_units(raw: RawUnits, findings: Findings) -> tuple[UnitResult, ...]:
    """The units in file order; an empty tuple when any unit rule fails (problems recorded)."""
    before = findings.count
    missing = [
        f
        for f in UNIT_FIELDS
        if f.required and f.key not in raw.columns and (raw.header_known or raw.records)
    ]
    for field in missing:
        findings.error(
            raw.file,
            f'thiếu cột bắt buộc "{field.label}" ({field.key})',
            row=raw.header_row,
        )
    if not raw.records and raw.header_known:
        findings.error(
            raw.file, "có dòng tiêu đề nhưng không có dòng đơn vị nào", row=raw.header_row
        )
    first_code: dict[str, RawRecord] = {}
    first_name: dict[str, RawRecord] = {}
    units: list[UnitResult] = []
    for record in raw.records:
        values, invalid = read_cells(_UNIT_CONVERTERS, record.values, record.cells, findings)
        for key in ("code", "name", "kind"):
            if key in raw.columns and key not in values and key not in invalid:
                cell = record.cells.get(key)
                label = UNIT_FIELD_BY_KEY[key].label
                if cell is not None:
                    findings.add(cell.problem(f"{label} bị trống"))
                else:
                    findings.error(raw.file, f"{label} bị trống", row=record.row, column=key)
        _check_duplicate(record, values, "code", first_code, findings)
        _check_duplicate(record, values, "name", first_name, findings)
        _check_counts(record, values, findings)
        _check_total(record, values, invalid, findings)
        if not missing and findings.count == before:
            units.append(_unit(record, values))
    if findings.count > before:
        return ()
    return tuple(units)


def _check_duplicate(
    record: RawRecord,
    values: dict[str, object],
    key: str,
    seen: dict[str, RawRecord],
    findings: Findings,
) -> None:
    value = values.get(key)
    if not isinstance(value, str):
        return
    identity = same_name_key(value)
    first = seen.setdefault(identity, record)
    if first is not record:
        label = "Mã đơn vị" if key == "code" else "Tên đơn vị"
        findings.add(
            record.cells[key].problem(f'{label} "{value}" trùng với {_where(first)}')
        )


def _check_counts(record: RawRecord, values: dict[str, object], findings: Findings) -> None:
    received, on_time = values.get("received"), values.get("on_time")
    if isinstance(received, int) and isinstance(on_time, int) and on_time > received:
        findings.add(
            record.cells["on_time"].problem(
                f"Hồ sơ đúng hạn = {on_time} lớn hơn Hồ sơ tiếp nhận = {received}"
            )
        )


def _check_total(
    record: RawRecord, values: dict[str, object], invalid: set[str], findings: Findings
) -> None:
    total = values.get("total")
    if not isinstance(total, Decimal) or any(g.code in invalid for g in GROUPS):
        return
    scores = [values.get(g.code) for g in GROUPS]
    missing = [g.label for g, s in zip(GROUPS, scores, strict=True) if s is None]
    if missing:
        cell = record.cells["total"]
        findings.warn(
            cell.file,
            f"có Tổng điểm nhưng thiếu số liệu nhóm {', '.join(missing)}: "
            "đơn vị này không có tổng điểm và không được xếp hạng",
            row=cell.row,
            column=cell.column,
        )
        return
    computed = sum((s for s in scores if isinstance(s, Decimal)), Decimal(0))
    if abs(total - computed) > TOTAL_TOLERANCE:
        findings.add(
            record.cells["total"].problem(
                f"Tổng điểm = {show_number(total)} khác tổng điểm các nhóm "
                f"({show_number(computed)}) quá 0,05"
            )
        )


def _unit(record: RawRecord, values: dict[str, object]) -> UnitResult:
    kind = values["kind"]
    assert isinstance(kind, UnitKind)
    # Each value has its field's type (the converters made it so): read without a check per cell.
    get: Callable[[str], Any] = values.get
    return UnitResult(
        _str(values["code"]),
        _str(values["name"]),
        kind,
        record.number,
        tuple([get(key) for key in _GROUP_KEYS]),
        get("received"),
        get("on_time"),
        get("overdue"),
        get("online_payment_rate"),
        get("online_dossier_rate"),
        get("digitization_rate"),
        get("e_result_rate"),
    )


_GROUP_KEYS = tuple(g.code for g in GROUPS)


# Narrowing helpers: `values` holds objects; these make the types explicit for the checker.
def _str(value: object) -> str:
    assert isinstance(value, str)
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else _str(value)


def _period(value: object) -> Period:
    assert isinstance(value, Period)
    return value


def _datetime(value: object) -> datetime:
    assert isinstance(value, datetime)
    return value


def _decimal(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else _decimal(value)


def _optional_int(value: object) -> int | None:
    if value is None:
        return None
    assert isinstance(value, int)
    return value
