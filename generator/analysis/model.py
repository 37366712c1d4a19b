"""Typed results of the analysis stage (pure values; no formatting here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from generator.snapshot import GROUPS, RATE_FIELDS, Group, Indicator, Period, UnitKind, UnitResult


@pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Target:
    """A configured target for one rate, e.g. online payment ≥ 55 %. Declared in the issuer profile."""

    id: str
    figure: str  # one of snapshot.model.RATE_FIELDS
    minimum: Annotated[Decimal, Field(ge=0, le=100)]  # percent 0-100
    label: str  # Vietnamese, e.g. "tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán"

    @field_validator("figure")
    @classmethod
    def _known_figure(cls, value: str) -> str:
        if value not in RATE_FIELDS:
            raise ValueError(f"chỉ tiêu “{value}” không có trong số liệu; dùng một trong: {', '.join(RATE_FIELDS)}")
        return value


@dataclass(frozen=True)
class TargetCheck:
    """One target checked against one unit. `actual` None means the unit reports no figure."""

    target: Target
    actual: Decimal | None

    @property
    def missed(self) -> bool:
        """True when the unit reports the figure and it is below the minimum."""
        return self.actual is not None and self.actual < self.target.minimum

    @property
    def gap(self) -> Decimal | None:
        """How many percentage points below the target (None when not missed)."""
        return self.target.minimum - self.actual if self.missed and self.actual is not None else None


@dataclass(frozen=True)
class Delta:
    """Change of a total since an earlier period of the same kind. Never built when it is missing."""

    period: Period
    previous: Decimal
    change: Decimal  # current - previous; sign gives the direction


@dataclass(frozen=True)
class GroupShare:
    """A group's score as a share of its maximum (0-1)."""

    group: Group
    score: Decimal
    share: Decimal

    @property
    def shortfall(self) -> Decimal:
        """Points below the group's maximum."""
        return self.group.max_score - self.score


@dataclass(frozen=True)
class SeriesPoint:
    """One period of a time series. None is a gap (no snapshot, unit absent, group empty), never zero."""

    period: Period
    total: Decimal | None
    rank: int | None = None  # competition rank within the unit's kind that period (the authority's own rank)
    ranked_count: int | None = None
    groups: tuple[Decimal | None, ...] = (None,) * len(GROUPS)


@dataclass(frozen=True)
class PeriodTotal:
    """A total and the period it was reached in (the best or the worst of a series)."""

    period: Period
    total: Decimal


@dataclass(frozen=True)
class Series:
    """A total over the last periods (up to SERIES_LENGTH, oldest first, current last) and what it shows.

    Every figure leaves gaps out and reads None when fewer than two periods have a total.
    """

    points: tuple[SeriesPoint, ...] = ()
    trend_short: Decimal | None = None  # least-squares slope over the last 3 periods, points per period
    trend_long: Decimal | None = None  # the same over the last 12 periods
    best: PeriodTotal | None = None  # highest total (the latest period on a tie)
    worst: PeriodTotal | None = None  # lowest total (the latest period on a tie)
    falling_streak: int = 0  # periods in a row, up to the current one, whose total fell from the one before
    rank_change: int | None = None  # previous period's rank minus the current one: positive = moved up

    @property
    def periods_with_data(self) -> int:
        """How many periods of the series have a total."""
        return sum(1 for p in self.points if p.total is not None)

    @property
    def totals(self) -> tuple[Decimal | None, ...]:
        """The totals, oldest first; None for a gap."""
        return tuple(p.total for p in self.points)

    @property
    def current(self) -> SeriesPoint | None:
        """The last point: the period the documents are about."""
        return self.points[-1] if self.points else None

    @property
    def at_best(self) -> bool | None:
        """Whether the current period is the best of the series (None without a best)."""
        current = self.current
        return None if self.best is None or current is None else self.best.period == current.period

    @property
    def at_worst(self) -> bool | None:
        """Whether the current period is the worst of the series (None without a worst)."""
        current = self.current
        return None if self.worst is None or current is None else self.worst.period == current.period


NO_SERIES = Series()


@dataclass(frozen=True)
class UnitAnalysis:
    """Everything the documents and directive rules need to know about one unit."""

    unit: UnitResult
    total: Decimal | None
    rank: int | None  # competition rank within the unit's kind; None when unranked
    ranked_count: int  # how many units of that kind were ranked
    delta_previous: Delta | None  # since the previous period (month, quarter or year)
    delta_before: Delta | None  # since two periods before
    weakest_group: GroupShare | None
    overdue_share: Decimal | None  # share (0-1) of the authority's overdue total
    holds_most_overdue: bool
    targets: tuple[TargetCheck, ...]
    excluded_reason: str | None  # why the unit has no total/rank (Vietnamese), None when ranked
    series: Series = NO_SERIES  # the unit's total over the last periods (analysis.series)
    indicators: tuple[Indicator, ...] = ()  # the unit's sub-indicators, when the snapshot has them
    weakest_indicators: tuple[Indicator, ...] = ()  # lowest share of their maximum first (see compute)
    kind_label: str = ""  # how documents name the unit's kind in its period ("xã, phường"); default: kind.label

    def __post_init__(self) -> None:
        if not self.kind_label:
            object.__setattr__(self, "kind_label", self.unit.kind.label)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def name(self) -> str:
        return self.unit.name

    @property
    def kind(self) -> UnitKind:
        return self.unit.kind

    @property
    def overdue(self) -> int | None:
        return self.unit.overdue

    @property
    def missed_targets(self) -> tuple[TargetCheck, ...]:
        return tuple(t for t in self.targets if t.missed)


@dataclass(frozen=True)
class KindRanking:
    """The units of one kind: ranked ones in rank order, then those without a total."""

    kind: UnitKind
    ranked: tuple[UnitAnalysis, ...]
    unranked: tuple[UnitAnalysis, ...]
    average_total: Decimal | None = None  # mean total of the ranked units
    average_shares: tuple[Decimal | None, ...] = ()  # per group: mean share (0-1) of its maximum, units with data
    average_series: tuple[Decimal | None, ...] = ()  # mean total of the kind's ranked units, per period of the window
    label: str = ""  # how documents name this kind in the period ("xã, phường"); default: kind.label

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.kind.label)


@dataclass(frozen=True)
class AuthorityAnalysis:
    """The evaluated authority's own figures."""

    name: str
    code: str | None
    period: Period
    cutoff: datetime
    total: Decimal
    rank: int | None
    ranked_count: int | None
    delta_previous: Delta | None
    delta_before: Delta | None
    weakest_group: GroupShare | None  # from meta group scores; None when meta has none
    overdue_total: int | None
    source: str
    source_url: str
    series: Series = NO_SERIES  # the authority's total (and rank) over the last periods
    indicators: tuple[Indicator, ...] = ()  # the authority's own sub-indicators
    weakest_indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Analysis:
    """Result of the analysis stage for one snapshot (plus its history)."""

    authority: AuthorityAnalysis
    units: tuple[UnitAnalysis, ...]  # in snapshot order
    by_kind: tuple[KindRanking, ...]  # kinds present, in UnitKind order
    most_overdue: UnitAnalysis | None  # the unit holding the most overdue dossiers
    history_periods: tuple[Period, ...]  # earlier periods that were found
    targets: tuple[Target, ...]
    window: tuple[Period, ...] = ()  # the periods of every series, oldest first, the current one last

    def unit(self, code: str) -> UnitAnalysis:
        """The analysis of one unit by code (KeyError when unknown)."""
        return self._by_code[code]

    @cached_property
    def _by_code(self) -> Mapping[str, UnitAnalysis]:
        """Units by code, built on first use (a batch looks up every unit once)."""
        index: dict[str, UnitAnalysis] = {}
        for u in self.units:
            index.setdefault(u.code, u)  # the first, as a scan in snapshot order would find
        return index

    def missing_target(self, target_id: str) -> tuple[UnitAnalysis, ...]:
        """Units that miss the given target."""
        return tuple(
            u for u in self.units if any(t.missed and t.target.id == target_id for t in u.targets)
        )
