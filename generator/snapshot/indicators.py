"""The optional `indicators` table: the sub-indicators behind each group score.

One row per unit (or the authority, `unit_code` = `authority`) and indicator, as the portal publishes
them. A row is refused when it names an unknown unit, repeats an indicator, has a score above its
maximum or a maximum above its group's; the scores of one unit's indicators in one group must add
up to that unit's group score within 0,05 (checked only when the group has a score).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from generator.common.textfold import fold
from generator.snapshot.fields import INDICATOR_FIELD_BY_KEY, INDICATOR_FIELDS
from generator.snapshot.model import AUTHORITY_ROW, GROUPS, Group, Indicator, SnapshotMeta, UnitResult
from generator.snapshot.raw import Findings, RawRecord, RawUnits
from generator.snapshot.text import same_name_key
from generator.snapshot.validate import TOTAL_TOLERANCE, converters, read_cells
from generator.snapshot.values import show_number

INDICATOR_SUFFIXES = (".indicators.csv", ".indicators.tsv")


_CONVERTERS = converters(INDICATOR_FIELDS)


def indicators_file(table: Path) -> Path | None:
    """The `<stem>.indicators.csv` (or `.tsv`) beside a CSV/TSV table, when there is one."""
    for suffix in INDICATOR_SUFFIXES:
        candidate = table.with_name(table.stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def is_indicators_file(path: Path) -> bool:
    """True for a `*.indicators.csv` file (part of a CSV snapshot, never one of its own)."""
    return path.name.lower().endswith(INDICATOR_SUFFIXES)


def validate_indicators(
    raw: RawUnits, meta: SnapshotMeta | None, units: tuple[UnitResult, ...], findings: Findings
) -> tuple[Indicator, ...]:
    """The indicator rows in file order; an empty tuple when any rule fails (problems recorded).

    The cross-checks against units and groups need valid units and meta; without them only the
    rows themselves are checked (the units' own problems are already reported).
    """
    before = findings.count
    missing = [
        f for f in INDICATOR_FIELDS
        if f.required and f.key not in raw.columns and (raw.header_known or raw.records)
    ]
    for field in missing:
        findings.error(raw.file, f'bảng chỉ số thiếu cột bắt buộc "{field.label}" ({field.key})',
                       row=raw.header_row)
    unit_by_code = {same_name_key(u.code): u for u in units}
    seen: dict[tuple[str | None, str], RawRecord] = {}
    rows: list[tuple[RawRecord, Indicator]] = []
    for record in raw.records:
        values, invalid = read_cells(_CONVERTERS, record.values, record.cells, findings)
        for key in ("unit_code", "group", "code", "name", "max_score"):
            if key in raw.columns and key not in values and key not in invalid:
                label = INDICATOR_FIELD_BY_KEY[key].label
                findings.add(record.cells[key].problem(f"{label} bị trống"))
        if missing or not {"unit_code", "group", "code", "name", "max_score"} <= values.keys():
            continue
        indicator = _indicator(values, unit_by_code)
        if indicator is None:
            cell = record.cells["unit_code"]
            findings.add(cell.problem(
                f'Mã đơn vị "{values["unit_code"]}" không có trong bảng units '
                f'(dùng "{AUTHORITY_ROW}" cho chỉ số của chính cơ quan được đánh giá)'))
            continue
        if not units and indicator.unit_code is not None:
            continue  # units invalid: they are reported already
        _check_row(record, indicator, findings)
        identity = (indicator.unit_code, same_name_key(indicator.code))
        first = seen.setdefault(identity, record)
        if first is not record:
            findings.add(record.cells["code"].problem(
                f'Chỉ số "{indicator.code}" của {_whose(indicator)} lặp lại, đã có ở {_where(first)}'))
        rows.append((record, indicator))
    if findings.count == before:
        _check_sums(rows, meta, unit_by_code, findings)
    if findings.count > before:
        return ()
    return tuple(indicator for _, indicator in rows)


def _indicator(values: dict[str, object], unit_by_code: dict[str, UnitResult]) -> Indicator | None:
    code = str(values["unit_code"])
    unit_code: str | None
    if fold(code) == AUTHORITY_ROW:
        unit_code = None
    else:
        unit = unit_by_code.get(same_name_key(code))
        if unit is None and unit_by_code:
            return None
        unit_code = unit.code if unit is not None else code
    group = values["group"]
    assert isinstance(group, Group)
    return Indicator(
        unit_code=unit_code,
        group=group,
        code=str(values["code"]),
        name=str(values["name"]),
        max_score=_decimal(values["max_score"]),
        numerator=_int(values.get("numerator")),
        denominator=_int(values.get("denominator")),
        ratio=_optional_decimal(values.get("ratio")),
        score=_optional_decimal(values.get("score")),
        quality_status=_optional_str(values.get("quality_status")),
        quality_message=_optional_str(values.get("quality_message")),
    )


def _check_row(record: RawRecord, indicator: Indicator, findings: Findings) -> None:
    group = indicator.group
    if indicator.max_score > group.max_score:
        findings.add(record.cells["max_score"].problem(
            f"Điểm tối đa = {show_number(indicator.max_score)} lớn hơn điểm tối đa của nhóm "
            f"“{group.label}” ({show_number(group.max_score)})"))
    if indicator.score is not None and indicator.score > indicator.max_score:
        findings.add(record.cells["score"].problem(
            f"Điểm = {show_number(indicator.score)} vượt quá điểm tối đa {show_number(indicator.max_score)}"))


def _check_sums(rows: list[tuple[RawRecord, Indicator]], meta: SnapshotMeta | None,
                unit_by_code: dict[str, UnitResult], findings: Findings) -> None:
    """Each unit's indicator scores in one group add up to its group score within 0,05."""
    sums: dict[tuple[str | None, str], tuple[RawRecord, Decimal, bool]] = {}
    for record, indicator in rows:
        key = (indicator.unit_code, indicator.group.code)
        first, total, scored = sums.get(key, (record, Decimal(0), False))
        if indicator.score is not None:
            total, scored = total + indicator.score, True
        sums[key] = (first, total, scored)
    for (unit_code, group_code), (first, total, scored) in sums.items():
        index = [g.code for g in GROUPS].index(group_code)
        if unit_code is None:
            group_score = meta.groups[index] if meta is not None else None
        else:
            unit = unit_by_code.get(same_name_key(unit_code))
            group_score = unit.groups[index] if unit is not None else None
        if group_score is None or not scored or abs(total - group_score) <= TOTAL_TOLERANCE:
            continue
        group = GROUPS[index]
        cell = first.cells.get("score") or first.cells["code"]
        whose = "cơ quan được đánh giá" if unit_code is None else f'đơn vị "{unit_code}"'
        findings.add(cell.problem(
            f"Tổng điểm các chỉ số nhóm “{group.label}” của {whose} = {show_number(total)} khác điểm "
            f"nhóm ({show_number(group_score)}) quá 0,05"))


def _whose(indicator: Indicator) -> str:
    return "cơ quan được đánh giá" if indicator.unit_code is None else f'đơn vị "{indicator.unit_code}"'


def _where(record: RawRecord) -> str:
    return f"dòng {record.row}" if isinstance(record.row, int) else str(record.row)


def _decimal(value: object) -> Decimal:
    assert isinstance(value, Decimal)
    return value


def _optional_decimal(value: object) -> Decimal | None:
    return None if value is None else _decimal(value)


def _int(value: object) -> int | None:
    if value is None:
        return None
    assert isinstance(value, int)
    return value


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)
