"""Time series over the history: hand-computed figures on a history with a missing month.

The authority "A" has three departments over January-July 2024 and no snapshot for March; U4
appears in July only. Totals (each unit's six groups add up to them):

    period   U1     U2     U3               U4    authority (rank)
    2024-01  60     80     70               -     60
    2024-02  62     81     70               -     61
    2024-03  (no snapshot at all)                 -
    2024-04  61     80.5   65               -     62
    2024-05  63     79     (MĐHL empty)     -     61.5
    2024-06  64.5   78.25  64               -     61    (30/63)
    2024-07  63.9   77     70               50    60.5  (32/63)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from analysis_factories import groups_for_total

from generator.analysis import SERIES_LENGTH, analyse, series_window
from generator.analysis.model import PeriodTotal
from generator.snapshot.model import GROUPS, Period, Snapshot, SnapshotMeta, UnitKind, UnitResult

D = Decimal
ICT = timezone(timedelta(hours=7))
MONTHS = {m: Period(2024, m) for m in range(1, 8)}
TOTALS: dict[str, dict[int, str | None]] = {
    "U1": {1: "60", 2: "62", 4: "61", 5: "63", 6: "64.5", 7: "63.9"},
    "U2": {1: "80", 2: "81", 4: "80.5", 5: "79", 6: "78.25", 7: "77"},
    "U3": {1: "70", 2: "70", 4: "65", 5: None, 6: "64", 7: "70"},
    "U4": {7: "50"},
}
AUTHORITY = {1: "60", 2: "61", 4: "62", 5: "61.5", 6: "61", 7: "60.5"}
RANKS = {6: 30, 7: 32}


def _unit(code: str, total: str | None, kind: UnitKind = UnitKind.SO_NGANH) -> UnitResult:
    """A unit whose groups add up to `total`; None leaves MĐHL empty (no total that month)."""
    if total is None:
        groups: tuple[Decimal | None, ...] = (D(10), D(15), D(9), D(8), None, D(10))
    else:
        groups = groups_for_total(total)
    return UnitResult(code=code, name=f"Sở {code}", kind=kind, row=2, groups=groups)


def _snapshot(month: int) -> Snapshot:
    period = MONTHS[month]
    rank = RANKS.get(month)
    meta = SnapshotMeta(
        authority_name="UBND tỉnh Thử Nghiệm", authority_code="T97", period=period,
        cutoff=datetime(2024, month, 28, 10, tzinfo=ICT), score=D(AUTHORITY[month]),
        rank=rank, ranked_count=63 if rank else None,
    )
    units = tuple(_unit(code, values[month]) for code, values in TOTALS.items() if month in values)
    return Snapshot(meta=meta, units=units, path=Path(f"{period}.json"), sha256="0" * 64)


def _analysis():  # type: ignore[no-untyped-def]
    earlier = {MONTHS[m]: _snapshot(m) for m in (1, 2, 4, 5, 6)}
    return analyse(_snapshot(7), earlier, ())


def test_window_runs_from_the_earliest_snapshot_and_keeps_the_missing_month() -> None:
    """The window covers January-July; March, with no snapshot, stays in it as a gap."""
    result = _analysis()
    assert result.window == tuple(MONTHS[m] for m in range(1, 8))
    assert result.authority.series.totals == (D(60), D(61), None, D(62), D("61.5"), D(61), D("60.5"))


def test_gaps_are_gaps_never_zeros() -> None:
    """No snapshot (March), an empty group (U3 in May) or a unit absent (U4 before July) is None."""
    result = _analysis()
    assert result.unit("U1").series.totals == (D(60), D(62), None, D(61), D(63), D("64.5"), D("63.9"))
    u3 = result.unit("U3").series
    assert u3.totals == (D(70), D(70), None, D(65), None, D(64), D(70))
    may = u3.points[4]
    assert may.total is None and may.rank is None and may.groups[4] is None and may.groups[0] == D(10)
    assert result.unit("U4").series.totals == (None,) * 6 + (D(50),)


def test_trends_are_least_squares_slopes_over_the_available_periods() -> None:
    """Short trend: last 3 periods; long: all 12 (here 7, March left out), in points per period."""
    result = _analysis()
    u1 = result.unit("U1").series
    assert u1.trend_short == D("0.45")  # (63.9 − 63) / 2
    # x = 0 1 3 4 5 6, y = 60 62 61 63 64.5 63.9: (6·1202.9 − 19·374.4) / (6·87 − 19²) = 103.8 / 161
    assert u1.trend_long == D("103.8") / D(161)
    assert result.unit("U2").series.trend_short == D(-1)  # (77 − 79) / 2
    # U3 has no May total: the short trend is the slope through June and July alone.
    assert result.unit("U3").series.trend_short == D(6)
    # The authority: x = 4 5 6, y = 61.5 61 60.5.
    assert result.authority.series.trend_short == D("-0.5")


def test_best_and_worst_period_with_ties_going_to_the_latest() -> None:
    """U3 reaches 70 in January, February and July: July is its best; April (65) its worst."""
    result = _analysis()
    u1, u2, u3 = (result.unit(c).series for c in ("U1", "U2", "U3"))
    assert u1.best == PeriodTotal(MONTHS[6], D("64.5")) and u1.worst == PeriodTotal(MONTHS[1], D(60))
    assert u2.best == PeriodTotal(MONTHS[2], D(81)) and u2.worst == PeriodTotal(MONTHS[7], D(77))
    assert u2.at_worst is True and u2.at_best is False
    assert u3.best == PeriodTotal(MONTHS[7], D(70)) and u3.at_best is True
    assert u3.worst == PeriodTotal(MONTHS[6], D(64))


def test_falling_streak_counts_consecutive_falls_and_a_gap_breaks_it() -> None:
    """U2 fell April→May→June→July (3); U1 fell in July only; the authority fell 3 times too."""
    result = _analysis()
    assert result.unit("U2").series.falling_streak == 3  # April follows the March gap: the count stops
    assert result.unit("U1").series.falling_streak == 1
    assert result.unit("U3").series.falling_streak == 0
    assert result.authority.series.falling_streak == 3


def test_rank_change_against_the_previous_period() -> None:
    """June ranks U2 1, U1 2, U3 3; July U2 1, U3 2, U1 3 (U4 is 4th): positive means moved up."""
    result = _analysis()
    assert [result.unit(c).series.points[-2].rank for c in ("U1", "U2", "U3")] == [2, 1, 3]
    assert [result.unit(c).rank for c in ("U1", "U2", "U3", "U4")] == [3, 1, 2, 4]
    assert [result.unit(c).series.rank_change for c in ("U1", "U2", "U3")] == [-1, 0, 1]
    assert result.unit("U4").series.rank_change is None
    assert result.authority.series.rank_change == -2  # 30th → 32nd


def test_a_unit_with_one_period_of_data_has_no_figures() -> None:
    """U4 (July only): nothing to compare, so no trend, no extremes, no streak, no rank change."""
    series = _analysis().unit("U4").series
    assert (series.trend_short, series.trend_long, series.best, series.worst) == (None, None, None, None)
    assert series.falling_streak == 0 and series.periods_with_data == 1


def test_kind_average_over_time_leaves_out_units_without_a_total() -> None:
    """The departments' mean total per period; March has none, May counts U1 and U2 only."""
    (ranking,) = _analysis().by_kind
    assert ranking.average_series == (
        D(70), D(71), None, (D(61) + D("80.5") + D(65)) / 3, D(71), (D("64.5") + D("78.25") + D(64)) / 3,
        (D("63.9") + D(77) + D(70) + D(50)) / 4,
    )
    assert ranking.average_total == ranking.average_series[-1]


def test_kind_average_shares_per_group() -> None:
    """Each group's mean share of its maximum over the kind's units (July: U1-U4)."""
    (ranking,) = _analysis().by_kind
    july = _snapshot(7).units
    for index, group in enumerate(GROUPS):
        expected = sum((u.groups[index] for u in july), D(0)) / 4 / group.max_score  # type: ignore[misc]
        assert ranking.average_shares[index] == expected


def test_without_history_the_series_is_the_current_period() -> None:
    """No earlier snapshot: one point, no figures, and the same current averages as with history."""
    alone = analyse(_snapshot(7), {}, ())
    with_history = _analysis()
    assert alone.window == (MONTHS[7],)
    u1 = alone.unit("U1").series
    assert u1.totals == (D("63.9"),) and u1.points[0].rank == 3 and u1.trend_short is None
    assert alone.authority.series.totals == (D("60.5"),)
    assert alone.by_kind[0].average_total == with_history.by_kind[0].average_total
    assert alone.by_kind[0].average_series == (with_history.by_kind[0].average_total,)
    assert alone.by_kind[0].average_shares == with_history.by_kind[0].average_shares


def test_the_window_holds_at_most_twelve_periods() -> None:
    """With 14 earlier months, the series starts 11 months before the current one."""
    current = Period(2025, 3)
    available = [current.shift(-n) for n in range(1, 15)]
    window = series_window(current, available)
    assert len(window) == SERIES_LENGTH and window[0] == Period(2024, 4) and window[-1] == current
    assert series_window(current, []) == (current,)
    assert series_window(current, [Period(2024, 12)]) == (Period(2024, 12), Period(2025, 1), Period(2025, 2), current)


@pytest.mark.parametrize("month", [4, 5, 6])
def test_a_history_of_one_earlier_month_still_gives_a_two_point_series(month: int) -> None:
    """Any earlier month in the window makes a series; the months between are gaps."""
    result = analyse(_snapshot(7), {MONTHS[month]: _snapshot(month)}, ())
    series = result.unit("U2").series
    assert series.points[0].period == MONTHS[month] and series.points[-1].period == MONTHS[7]
    assert series.periods_with_data == 2 and len(series.points) == 8 - month
    assert series.trend_long == (D(77) - D(TOTALS["U2"][month] or 0)) / (7 - month)


def _quarter_snapshot(period: Period, totals: dict[str, str]) -> Snapshot:
    meta = SnapshotMeta(authority_name="UBND tỉnh Thử Nghiệm", authority_code="T97", period=period,
                        cutoff=datetime(period.end.year, period.end.month, period.end.day, 10, tzinfo=ICT),
                        score=D(60))
    units = tuple(_unit(code, total) for code, total in totals.items())
    return Snapshot(meta=meta, units=units, path=Path(f"{period}.json"), sha256="0" * 64)


def test_series_of_quarters_step_by_quarter_and_keep_a_missing_quarter() -> None:
    """Quarters follow quarters across the year (Q4/2025 → Q1/2026); a missing quarter is a gap."""
    q = {n: Period.parse(text) for n, text in enumerate(("2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"))}
    values = {0: "70", 1: "69", 3: "68", 4: "66"}  # 2025-Q4 has no snapshot
    earlier = {q[n]: _quarter_snapshot(q[n], {"U1": values[n]}) for n in (0, 1, 3)}
    result = analyse(_quarter_snapshot(q[4], {"U1": values[4]}), earlier, ())
    assert result.window == tuple(q[n] for n in range(5))
    series = result.unit("U1").series
    assert series.totals == (D(70), D(69), None, D(68), D(66))
    assert series.falling_streak == 1  # I/2026 → II/2026 fell; IV/2025 is a gap, so the count stops there
    assert series.trend_short == D(-2)  # positions 3 and 4 only
    assert [p.period.label for p in series.points] == ["II/2025", "III/2025", "IV/2025", "I/2026", "II/2026"]


def test_years_make_a_series_too() -> None:
    """A year's snapshot is compared with the years before it."""
    years = {y: Period(y) for y in (2023, 2024, 2025)}
    earlier = {years[y]: _quarter_snapshot(years[y], {"U1": t}) for y, t in ((2023, "55"), (2024, "60"))}
    result = analyse(_quarter_snapshot(years[2025], {"U1": "58"}), earlier, ())
    series = result.unit("U1").series
    assert result.window == (years[2023], years[2024], years[2025])
    assert series.best == PeriodTotal(years[2024], D(60)) and series.falling_streak == 1
