"""Typed results of the analysis stage (pure values; no formatting here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import ConfigDict, Field, field_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from generator.snapshot import RATE_FIELDS, Group, Period, UnitKind, UnitResult


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


@dataclass(frozen=True)
class Analysis:
    """Result of the analysis stage for one snapshot (plus its history)."""

    authority: AuthorityAnalysis
    units: tuple[UnitAnalysis, ...]  # in snapshot order
    by_kind: tuple[KindRanking, ...]  # kinds present, in UnitKind order
    most_overdue: UnitAnalysis | None  # the unit holding the most overdue dossiers
    history_periods: tuple[Period, ...]  # earlier periods that were found
    targets: tuple[Target, ...]

    def unit(self, code: str) -> UnitAnalysis:
        """The analysis of one unit by code (KeyError when unknown)."""
        for u in self.units:
            if u.code == code:
                return u
        raise KeyError(code)

    def missing_target(self, target_id: str) -> tuple[UnitAnalysis, ...]:
        """Units that miss the given target."""
        return tuple(
            u for u in self.units if any(t.missed and t.target.id == target_id for t in u.targets)
        )
