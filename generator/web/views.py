"""What the pages show, as plain values: the ranked tables per kind (as `congvan inspect` prints them)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.analysis import Analysis, Delta, KindRanking
from generator.common import formatting

HEADINGS = ("Hạng", "Mã", "Đơn vị", "Tổng điểm", "So tháng trước", "So 2 tháng trước", "Quá hạn", "Ghi chú")
NUMERIC = (0, 3, 4, 5, 6)


@dataclass(frozen=True)
class KindTable:
    title: str
    rows: tuple[tuple[str, ...], ...]


def signed(delta: Delta | None) -> str:
    if delta is None:
        return ""
    sign = "+" if delta.change > 0 else "-" if delta.change < 0 else "±"
    return f"{sign}{formatting.change(delta.change)}"


def kind_table(ranking: KindRanking) -> KindTable:
    rows = tuple(
        (str(u.rank) if u.rank else "-", u.code, u.name, formatting.score(u.total) if u.total is not None else "",
         signed(u.delta_previous), signed(u.delta_before),
         formatting.count(u.overdue) if u.overdue is not None else "", u.excluded_reason or "")
        for u in ranking.ranked + ranking.unranked)
    return KindTable(f"{ranking.label.capitalize()} ({len(ranking.ranked)} đơn vị được xếp hạng)", rows)


def tables(analysis: Analysis) -> tuple[KindTable, ...]:
    return tuple(kind_table(r) for r in analysis.by_kind)


def authority_line(analysis: Analysis) -> str:
    a = analysis.authority
    rank = f", xếp hạng {a.rank}/{a.ranked_count}" if a.rank else ""
    changes = [f"{signed(d)} so với tháng {d.period.label}" for d in (a.delta_previous, a.delta_before) if d]
    extra = f" ({'; '.join(changes)})" if changes else ""
    return f"{a.name} – tháng {a.period.label}: {formatting.score(a.total)}/100 điểm{rank}{extra}"
