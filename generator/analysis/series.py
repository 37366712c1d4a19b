"""Time series over the history snapshots: each unit's and the authority's total over the last periods.

The window is the current period and up to SERIES_LENGTH - 1 periods of the same kind before it,
starting at the earliest one a snapshot was found for. A period without a snapshot, a unit missing
from one, or a unit with an empty group that period is a gap (None), never a zero: every figure
below leaves gaps out.

The table work (one tidy frame of every unit and period, ranks within each kind and period, the
slopes, streaks and extremes of every unit at once) is done with pandas, imported only when there
is an earlier period to look at: a snapshot without history needs none of it. Scores are carried
as integer millionths (snapshots keep at most 6 decimals), so sums and slopes are exact in float64
and the figures handed on are exact Decimals, as everywhere else in the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from generator.analysis.model import PeriodTotal, Series, SeriesPoint
from generator.snapshot import GROUPS, Period, Snapshot, UnitKind, UnitResult

if TYPE_CHECKING:
    import pandas as pd

SERIES_LENGTH = 12  # periods in a series, the current one included
TREND_SHORT = 3  # periods of the short trend
TREND_LONG = 12  # periods of the long trend
_SCALE = 10**6  # scores as integer millionths
_AUTHORITY = "\0authority"  # the authority's row key in the frames: no unit code can be this


@dataclass(frozen=True)
class _Figures:
    """What a series shows, for one row (unit or authority)."""

    trend_short: Decimal | None
    trend_long: Decimal | None
    best: PeriodTotal | None
    worst: PeriodTotal | None
    falling_streak: int
    rank_change: int | None


def series_window(current: Period, available: Sequence[Period], length: int = SERIES_LENGTH) -> tuple[Period, ...]:
    """The periods of the series: from the earliest available of the last `length`, to `current`."""
    last = [current.shift(-back) for back in range(length - 1, -1, -1)]
    found = set(available)
    first = next((index for index, period in enumerate(last) if period in found), len(last) - 1)
    return tuple(last[first:])


@dataclass(frozen=True)
class SeriesSet:
    """Every series of one analysis: per unit code, the authority's, and per kind the mean total of
    its ranked units in each period of the window."""

    window: tuple[Period, ...]
    units: Mapping[str, Series]
    authority: Series
    kinds: Mapping[str, tuple[Decimal | None, ...]]


def series_of(snapshot: Snapshot, earlier: Mapping[Period, Snapshot], totals: Sequence[Decimal | None],
              ranks: Sequence[int | None], ranked_counts: Mapping[UnitKind, int]) -> SeriesSet:
    """The series of every unit and of the authority; `totals` and `ranks` are the current units'
    (in snapshot order) and `ranked_counts` how many of each kind were ranked, as the analysis found them.
    Computed before the analysis's units are built, so that each is built once, series included."""
    window = series_window(snapshot.meta.period, tuple(earlier))
    snapshots = {p: earlier[p] for p in window[:-1] if p in earlier}
    snapshots[window[-1]] = snapshot
    if len(snapshots) > 1:
        units, authority, kinds = _over_time(window, snapshots)
    else:
        units, authority, kinds = _single_period(window[-1], snapshot, totals, ranks, ranked_counts)
    return SeriesSet(window, units, authority, kinds)


def kind_average_shares(units: Sequence[UnitResult]) -> tuple[Decimal | None, ...]:
    """Per group, the mean of score / maximum over the units that have a score for it."""
    shares: list[Decimal | None] = []
    for index, group in enumerate(GROUPS):
        scores = [score for u in units if (score := u.groups[index]) is not None]
        shares.append(sum(scores, Decimal(0)) / len(scores) / group.max_score if scores else None)
    return tuple(shares)


# ---- one period only: nothing to compare, no pandas --------------------------------------------

def _single_period(
    period: Period, snapshot: Snapshot, totals: Sequence[Decimal | None], ranks: Sequence[int | None],
    ranked_counts: Mapping[UnitKind, int],
) -> tuple[dict[str, Series], Series, dict[str, tuple[Decimal | None, ...]]]:
    """The one point of each series, from the analysis's own totals and ranks (computed once)."""
    units = {}
    of_kinds: dict[str, list[Decimal]] = {}
    for u, total, rank in zip(snapshot.units, totals, ranks, strict=True):
        count = ranked_counts.get(u.kind, 0) if rank is not None else None
        units[u.code] = Series(points=(SeriesPoint(period, total, rank, count, u.groups),))
        if total is not None:
            of_kinds.setdefault(u.kind.value, []).append(total)
    meta = snapshot.meta
    authority = Series(points=(SeriesPoint(period, meta.score, meta.rank, meta.ranked_count, meta.groups),))
    kinds: dict[str, tuple[Decimal | None, ...]] = {}
    for kind in dict.fromkeys(u.kind for u in snapshot.units):
        of_kind = of_kinds.get(kind.value)
        kinds[kind.value] = (sum(of_kind, Decimal(0)) / len(of_kind) if of_kind else None,)
    return units, authority, kinds


# ---- several periods: the frame work ------------------------------------------------------------

def _scaled(value: Decimal | None) -> float:
    return float("nan") if value is None else float(int(value * _SCALE))


def _unscaled(value: Any) -> Decimal:
    return Decimal(round(float(value))) / _SCALE


def _over_time(
    window: tuple[Period, ...], snapshots: Mapping[Period, Snapshot]
) -> tuple[dict[str, Series], Series, dict[str, tuple[Decimal | None, ...]]]:
    import pandas as pd

    position = {p: i for i, p in enumerate(window)}
    group_codes = [g.code for g in GROUPS]
    # Some 200.000 scores of a few thousand distinct values: each converted once, to integer millionths
    # and back (dicts keyed by value: equal values convert alike whatever their representation).
    scaled: dict[Decimal | None, float] = {}
    exact: dict[Decimal | None, Decimal | None] = {}
    for snap in snapshots.values():
        for u in snap.units:
            for score in u.groups:
                if score not in scaled:
                    scaled[score] = _scaled(score)
                    exact[score] = _optional(scaled[score])
    entries = [(position[period], u) for period, snap in snapshots.items() for u in snap.units]
    rows = [(pos, u.code, u.kind.value, *[scaled[s] for s in u.groups]) for pos, u in entries]
    frame = pd.DataFrame(rows, columns=["pos", "code", "kind", *group_codes])
    # A total only when all six groups have a score (min_count), as UnitResult.total.
    frame["total"] = frame[group_codes].sum(axis=1, min_count=len(group_codes))
    by_period_kind = frame.groupby(["pos", "kind"])["total"]
    frame["rank"] = by_period_kind.rank(method="min", ascending=False)
    frame["ranked_count"] = by_period_kind.transform("count")

    columns = range(len(window))
    totals = frame.pivot(index="code", columns="pos", values="total").reindex(columns=columns)
    ranks = frame.pivot(index="code", columns="pos", values="rank").reindex(columns=columns)
    totals.loc[_AUTHORITY] = [_scaled(snapshots[p].meta.score) if p in snapshots else float("nan") for p in window]
    ranks.loc[_AUTHORITY] = [_rank_or_nan(snapshots.get(p)) for p in window]
    figures = _figures(totals, ranks, window)

    points: dict[str, list[SeriesPoint]] = {}
    # The frame's rows are `entries`, in order: its computed columns are read as arrays beside them.
    computed = (frame[name].to_numpy() for name in ("total", "rank", "ranked_count"))
    for (pos, unit), total, rank, count in zip(entries, *computed, strict=True):
        own = points.get(unit.code)
        if own is None:  # the unit's first row: every period empty until its row comes
            own = points[unit.code] = [SeriesPoint(p, None) for p in window]
        # A group score as the frame holds it, read back (without reading 200.000 cells out of the frame).
        own[pos] = _point(window[pos], total, rank, count, tuple([exact[score] for score in unit.groups]))
    units = {code: _series(tuple(own), figures[code]) for code, own in points.items()}
    authority = _series(tuple(_authority_point(snapshots.get(p), p) for p in window), figures[_AUTHORITY])

    sums = frame.groupby(["kind", "pos"])["total"].agg(["sum", "count"])
    kinds: dict[str, list[Decimal | None]] = {}
    for (kind, index), total, count in zip(sums.index, sums["sum"], sums["count"]):
        kinds.setdefault(str(kind), [None] * len(window))[int(index)] = _unscaled(total) / count if count else None
    return units, authority, {kind: tuple(values) for kind, values in kinds.items()}


def _rank_or_nan(snapshot: Snapshot | None) -> float:
    return float("nan") if snapshot is None or snapshot.meta.rank is None else float(snapshot.meta.rank)


def _optional(value: float) -> Decimal | None:
    return None if value != value else _unscaled(value)  # NaN is the only value unequal to itself


def _point(period: Period, total: Any, rank: Any, count: Any, groups: tuple[Decimal | None, ...]) -> SeriesPoint:
    place = None if rank != rank else int(rank)  # NaN: no rank
    return SeriesPoint(period, _optional(total), place, int(count) if place is not None else None, groups)


def _authority_point(snapshot: Snapshot | None, period: Period) -> SeriesPoint:
    if snapshot is None:
        return SeriesPoint(period, None)
    meta = snapshot.meta
    return SeriesPoint(period, meta.score, meta.rank, meta.ranked_count, meta.groups)


def _series(points: tuple[SeriesPoint, ...], figures: _Figures) -> Series:
    return Series(points=points, trend_short=figures.trend_short, trend_long=figures.trend_long,
                  best=figures.best, worst=figures.worst, falling_streak=figures.falling_streak,
                  rank_change=figures.rank_change)


def _figures(totals: pd.DataFrame, ranks: pd.DataFrame, window: tuple[Period, ...]) -> dict[str, _Figures]:
    """Every row's figures at once: slopes, extremes, the falling streak and the change in rank."""
    short = _slopes(totals, TREND_SHORT)
    long = _slopes(totals, TREND_LONG)
    streaks = _falling_streaks(totals).to_dict()
    # Extremes of rows with at least two totals; ties go to the latest period (columns read backwards).
    enough = totals[totals.notna().sum(axis=1) >= 2]
    backwards = enough[enough.columns[::-1]]
    best = {k: (int(c), v) for k, c, v in zip(enough.index, backwards.idxmax(axis=1), backwards.max(axis=1))}
    worst = {k: (int(c), v) for k, c, v in zip(enough.index, backwards.idxmin(axis=1), backwards.min(axis=1))}
    change = (ranks[ranks.columns[-2]] - ranks[ranks.columns[-1]]).to_dict() if len(window) > 1 else {}
    result = {}
    for key in totals.index:
        moved = change.get(key)
        result[str(key)] = _Figures(
            trend_short=short.get(key),
            trend_long=long.get(key),
            best=_extreme(best.get(key), window),
            worst=_extreme(worst.get(key), window),
            falling_streak=int(streaks[key]),
            rank_change=None if moved is None or moved != moved else int(moved),
        )
    return result


def _extreme(found: tuple[int, float] | None, window: tuple[Period, ...]) -> PeriodTotal | None:
    return None if found is None else PeriodTotal(window[found[0]], _unscaled(found[1]))


def _slopes(totals: pd.DataFrame, periods: int) -> dict[object, Decimal]:
    """Least-squares slope of each row over its last `periods` columns, gaps left out; rows with fewer
    than two values have none. Σ sums of integers are exact, so the Decimal division is exact."""
    part = totals[totals.columns[-periods:]]
    x = part.columns.to_numpy(dtype=float)
    present = part.notna()
    n = present.sum(axis=1)
    sx = present.mul(x, axis=1).sum(axis=1)
    sxx = present.mul(x * x, axis=1).sum(axis=1)
    sy = part.sum(axis=1)
    sxy = part.mul(x, axis=1).sum(axis=1)
    numerator = n * sxy - sx * sy
    denominator = n * sxx - sx * sx
    result = {}
    # Arrays, not a label look-up per row (several µs each); the same numpy scalars either way.
    for key, count, top, bottom in zip(part.index, n.to_numpy(), numerator.to_numpy(), denominator.to_numpy(),
                                       strict=True):
        if count >= 2:
            result[key] = Decimal(round(top)) / Decimal(round(bottom)) / _SCALE
    return result


def _falling_streaks(totals: pd.DataFrame) -> pd.Series:
    """Per row: how many periods in a row, ending with the last, fell from the period before.

    A gap on either side of a step breaks the streak (its change is unknown).
    """
    fell = totals.diff(axis=1).lt(0)  # NaN compares False: a gap is not a fall
    fell = fell[fell.columns[1:]] if len(fell.columns) > 1 else fell.iloc[:, :0]
    # Reading back from the last period, the streak is the count before the first non-fall.
    backwards = fell[fell.columns[::-1]].astype(int)
    return backwards.cumprod(axis=1).sum(axis=1)
