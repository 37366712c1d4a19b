"""The analysis stage: ranks, deltas, weakest groups, overdue shares and target checks.

Pure: takes validated snapshots and configured targets, returns an immutable Analysis. No I/O,
no formatting and no rounding (the formatting layer rounds half-up when it writes numbers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from generator.analysis.model import (
    NO_SERIES,
    Analysis,
    AuthorityAnalysis,
    Delta,
    GroupShare,
    KindRanking,
    Series,
    Target,
    TargetCheck,
    UnitAnalysis,
)
from generator.analysis.series import kind_average_shares, series_of
from generator.snapshot import GROUPS, Group, Indicator, Period, Snapshot, UnitKind, UnitResult

# The two comparisons of a dispatch, with the periods of the same kind before it: "so với tháng
# 6/2024" and "so với tháng 5/2024" for July 2024; "so với quý II/2026" and "quý I/2026" for Q3 2026.
PREVIOUS_MONTH = -1  # the previous period (month, quarter or year)
MONTH_BEFORE = -2  # the one before it
WEAKEST_INDICATORS = 3  # how many sub-indicators a unit is told to act on


def analyse(
    snapshot: Snapshot, earlier: Mapping[Period, Snapshot], targets: Sequence[Target],
    kind_labels: Mapping[UnitKind, str] | None = None,
) -> Analysis:
    """Analyse one snapshot against earlier snapshots of the same authority (keyed by period).

    O(n log n) in the number of units: each total is summed once, ranks come from one sort per
    kind, and an earlier month's totals are looked up by code in one table built for it.

    `kind_labels` name the kinds of unit as the period's documents do (the profile's era labels);
    without them each kind keeps its historic label.
    """
    labels = {kind: kind.label for kind in UnitKind} | dict(kind_labels or {})
    period = snapshot.meta.period
    history = {p: s for p, s in earlier.items() if p < period}
    overdue_total = snapshot.overdue_total
    by_unit = _indicators_by_unit(snapshot.indicators)
    totals = tuple(unit.total for unit in snapshot.units)
    by_index, ranked_counts = _competition_ranks(snapshot.units, totals)
    ranks = [by_index.get(index) for index in range(len(totals))]
    most_overdue_unit = _most_overdue(snapshot.units)
    previous = _totals_by_code(history.get(period.shift(PREVIOUS_MONTH)))
    before = _totals_by_code(history.get(period.shift(MONTH_BEFORE)))
    series = series_of(snapshot, history, totals, ranks, ranked_counts)

    units = tuple(
        _analyse_unit(
            unit,
            total=totals[index],
            rank=ranks[index],
            ranked_count=ranked_counts.get(unit.kind, 0),
            previous=previous,
            before=before,
            overdue_total=overdue_total,
            holds_most_overdue=index == most_overdue_unit,
            targets=targets,
            indicators=by_unit.get(unit.code, ()),
            kind_label=labels[unit.kind],
            series=series.units.get(unit.code, NO_SERIES),
        )
        for index, unit in enumerate(snapshot.units)
    )
    return Analysis(
        authority=_analyse_authority(snapshot, history, overdue_total, by_unit.get(None, ()), series.authority),
        units=units,
        by_kind=_by_kind(units, labels, series.kinds),
        most_overdue=units[most_overdue_unit] if most_overdue_unit is not None else None,
        history_periods=tuple(sorted(history)),
        targets=tuple(targets),
        window=series.window,
    )


def weakest_group(scores: Sequence[Decimal | None]) -> GroupShare | None:
    """The group with the lowest score as a share of its maximum; ties go to the first in GROUPS.

    Groups without data are left out; None when no group has data.
    """
    weakest: tuple[Group, Decimal, Decimal] | None = None  # the share built once, for the weakest
    for group, score in zip(GROUPS, scores):
        if score is None:
            continue
        share = score / group.max_score
        if weakest is None or share < weakest[2]:
            weakest = (group, score, share)
    return None if weakest is None else GroupShare(*weakest)


def weakest_indicators(indicators: Sequence[Indicator], limit: int = WEAKEST_INDICATORS) -> tuple[Indicator, ...]:
    """The indicators furthest below their maximum, as a share of it, lowest first.

    Only scored indicators that count towards the index (maximum above 0) and fall short of their
    maximum are candidates: an indicator without data says nothing to act on. Ties go to the one
    worth more points, then to the first in the snapshot.
    """
    if not indicators:  # a snapshot without the indicators table: every unit
        return ()
    scored = [(share, -i.max_score, position, i) for position, i in enumerate(indicators)
              if (share := i.share) is not None and share < 1]
    scored.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in scored[:limit])


def _indicators_by_unit(indicators: Sequence[Indicator]) -> dict[str | None, tuple[Indicator, ...]]:
    grouped: dict[str | None, list[Indicator]] = {}
    for indicator in indicators:
        grouped.setdefault(indicator.unit_code, []).append(indicator)
    return {code: tuple(items) for code, items in grouped.items()}


def excluded_reason(unit: UnitResult) -> str | None:
    """Why a unit has no total and no rank (Vietnamese), or None when it has both."""
    missing = unit.missing_groups
    if not missing:
        return None
    if len(missing) == 1:
        return f"thiếu số liệu nhóm “{missing[0].label}”"
    # Group labels contain commas ("Công khai, minh bạch"), so each is quoted.
    return "thiếu số liệu các nhóm " + ", ".join(f"“{g.label}”" for g in missing)


def _analyse_authority(
    snapshot: Snapshot, history: Mapping[Period, Snapshot], overdue_total: int | None,
    indicators: tuple[Indicator, ...], series: Series,
) -> AuthorityAnalysis:
    meta = snapshot.meta

    def delta(offset: int) -> Delta | None:
        earlier = history.get(meta.period.shift(offset))
        if earlier is None:
            return None
        return _delta(earlier.meta.period, earlier.meta.score, meta.score)

    return AuthorityAnalysis(
        name=meta.authority_name,
        code=meta.authority_code,
        period=meta.period,
        cutoff=meta.cutoff,
        total=meta.score,
        rank=meta.rank,
        ranked_count=meta.ranked_count,
        delta_previous=delta(PREVIOUS_MONTH),
        delta_before=delta(MONTH_BEFORE),
        weakest_group=weakest_group(meta.groups),
        overdue_total=overdue_total,
        source=meta.source,
        source_url=meta.source_url,
        series=series,
        indicators=indicators,
        weakest_indicators=weakest_indicators(indicators),
    )


@dataclass(frozen=True)
class _EarlierTotals:
    """One earlier month's totals by unit code (None: the unit had no total that month)."""

    period: Period
    totals: Mapping[str, Decimal | None]


def _totals_by_code(earlier: Snapshot | None) -> _EarlierTotals | None:
    if earlier is None:
        return None
    totals: dict[str, Decimal | None] = {}
    for old in earlier.units:
        totals.setdefault(old.code, old.total)  # codes are unique; should one repeat, the first counts
    return _EarlierTotals(earlier.meta.period, totals)


def _analyse_unit(
    unit: UnitResult,
    *,
    total: Decimal | None,
    rank: int | None,
    ranked_count: int,
    previous: _EarlierTotals | None,
    before: _EarlierTotals | None,
    overdue_total: int | None,
    holds_most_overdue: bool,
    targets: Sequence[Target],
    indicators: tuple[Indicator, ...],
    kind_label: str,
    series: Series,
) -> UnitAnalysis:
    return UnitAnalysis(
        unit=unit,
        total=total,
        rank=rank,
        ranked_count=ranked_count,
        delta_previous=_unit_delta(unit.code, total, previous),
        delta_before=_unit_delta(unit.code, total, before),
        weakest_group=weakest_group(unit.groups),
        overdue_share=_overdue_share(unit.overdue, overdue_total),
        holds_most_overdue=holds_most_overdue,
        targets=tuple([TargetCheck(t, unit.rate(t.figure)) for t in targets]),
        excluded_reason=excluded_reason(unit),
        indicators=indicators,
        weakest_indicators=weakest_indicators(indicators),
        kind_label=kind_label,
        series=series,
    )


def _delta(period: Period, previous: Decimal, current: Decimal) -> Delta:
    return Delta(period=period, previous=previous, change=current - previous)


def _unit_delta(code: str, total: Decimal | None, earlier: _EarlierTotals | None) -> Delta | None:
    """Change since an earlier period; None when either period has no total for the unit."""
    if total is None or earlier is None:
        return None
    old_total = earlier.totals.get(code)
    return None if old_total is None else _delta(earlier.period, old_total, total)


def _overdue_share(overdue: int | None, overdue_total: int | None) -> Decimal | None:
    if overdue is None or not overdue_total:
        return None
    return Decimal(overdue) / Decimal(overdue_total)


def _competition_ranks(
    units: Sequence[UnitResult], totals: Sequence[Decimal | None]
) -> tuple[dict[int, int], dict[UnitKind, int]]:
    """Rank (1, 2, 2, 4) within each kind by descending total, keyed by the unit's index; and how
    many units of each kind were ranked. One sort per kind: a unit's rank is one more than the
    number of units of its kind with a strictly higher total."""
    by_kind: dict[UnitKind, list[tuple[Decimal, int]]] = {}
    for index, (unit, total) in enumerate(zip(units, totals)):
        if total is not None:
            by_kind.setdefault(unit.kind, []).append((total, index))
    ranks: dict[int, int] = {}
    for ranked in by_kind.values():
        ranked.sort(key=lambda pair: pair[0], reverse=True)
        rank, previous = 0, None
        for position, (total, index) in enumerate(ranked, start=1):
            if total != previous:
                rank, previous = position, total
            ranks[index] = rank
    return ranks, {kind: len(ranked) for kind, ranked in by_kind.items()}


def _most_overdue(units: Sequence[UnitResult]) -> int | None:
    """Index of the unit with the most overdue dossiers (first in file order on a tie).

    None when no unit reports an overdue count above zero: "the most" of nothing says nothing.
    """
    best: int | None = None
    for index, unit in enumerate(units):
        if unit.overdue is None or unit.overdue <= 0:
            continue
        if best is None or unit.overdue > (units[best].overdue or 0):
            best = index
    return best


def _by_kind(units: Sequence[UnitAnalysis], labels: Mapping[UnitKind, str],
             average_series: Mapping[str, tuple[Decimal | None, ...]]) -> tuple[KindRanking, ...]:
    of_kind: dict[UnitKind, list[UnitAnalysis]] = {}
    for unit in units:
        of_kind.setdefault(unit.kind, []).append(unit)
    rankings = []
    for kind in UnitKind:
        members = of_kind.get(kind)
        if not members:
            continue
        # sorted() is stable, so units sharing a rank keep their file order.
        ranked = tuple(sorted((u for u in members if u.rank is not None), key=lambda u: u.rank or 0))
        unranked = tuple(u for u in members if u.rank is None)
        totals = [u.total for u in ranked if u.total is not None]
        rankings.append(KindRanking(
            kind=kind, ranked=ranked, unranked=unranked,
            average_total=sum(totals, Decimal(0)) / len(totals) if totals else None,
            average_shares=kind_average_shares([u.unit for u in members]),
            average_series=average_series.get(kind.value, ()),
            label=labels[kind]))
    return tuple(rankings)
