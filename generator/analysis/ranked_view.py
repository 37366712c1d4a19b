"""The ranked tables per kind as staff read them (`congvan inspect`, the web page): plain strings.

One place builds them so the command line and the page say the same thing. A column with nothing to
say in any table (no earlier period to compare with, no overdue figures, no notes) is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.analysis.model import Analysis, Delta, KindRanking, UnitAnalysis
from generator.common import formatting


@dataclass(frozen=True)
class RankedTable:
    """One kind's units, ranked first, then the unranked with their reason."""

    title: str
    headings: tuple[str, ...]
    numeric: tuple[bool, ...]  # per column: right-aligned figures
    rows: tuple[tuple[str, ...], ...]


def signed(delta: Delta | None) -> str:
    """"+1,61", "-0,34", "±0,00"; empty without a comparison."""
    if delta is None:
        return ""
    sign = "+" if delta.change > 0 else "-" if delta.change < 0 else "±"
    return f"{sign}{formatting.change(delta.change)}"


def authority_line(analysis: Analysis) -> str:
    """"UBND Thành phố Hà Nội – tháng 7/2024: 58,86/100 điểm, xếp hạng 58/63 (+1,61 so với tháng 6/2024)"."""
    a = analysis.authority
    rank = f", xếp hạng {a.rank}/{a.ranked_count}" if a.rank else ""
    changes = [f"{signed(d)} so với {d.period.phrase}" for d in (a.delta_previous, a.delta_before) if d]
    extra = f" ({'; '.join(changes)})" if changes else ""
    return f"{a.name} – {a.period.phrase}: {formatting.score(a.total)}/100 điểm{rank}{extra}"


def ranked_tables(analysis: Analysis) -> tuple[RankedTable, ...]:
    """Every kind's table, with the same columns in each: those that have a value somewhere."""
    noun = analysis.authority.period.noun
    columns: tuple[tuple[str, bool, Callable[[UnitAnalysis], str]], ...] = (
        ("Hạng", True, lambda u: str(u.rank) if u.rank else "-"),
        ("Mã", False, lambda u: u.code),
        ("Đơn vị", False, lambda u: u.name),
        ("Tổng điểm", True, lambda u: formatting.score(u.total) if u.total is not None else ""),
        (f"So {noun} trước", True, lambda u: signed(u.delta_previous)),
        (f"So 2 {noun} trước", True, lambda u: signed(u.delta_before)),
        ("Quá hạn", True, lambda u: formatting.count(u.overdue) if u.overdue is not None else ""),
        ("Ghi chú", False, lambda u: u.excluded_reason or ""),
    )
    everyone = [u for ranking in analysis.by_kind for u in _units(ranking)]
    always = {"Hạng", "Mã", "Đơn vị", "Tổng điểm"}
    kept = [c for c in columns if c[0] in always or any(c[2](u) for u in everyone)]
    return tuple(
        RankedTable(
            title=f"{ranking.label.capitalize()} ({len(ranking.ranked)} đơn vị được xếp hạng)",
            headings=tuple(c[0] for c in kept),
            numeric=tuple(c[1] for c in kept),
            rows=tuple(tuple(c[2](u) for c in kept) for u in _units(ranking)),
        )
        for ranking in analysis.by_kind
    )


def _units(ranking: KindRanking) -> tuple[UnitAnalysis, ...]:
    return ranking.ranked + ranking.unranked
