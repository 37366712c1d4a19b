"""Typed, immutable values for one period's snapshot (the input contract, version 1)."""

from __future__ import annotations

import calendar
import operator
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import partial
from pathlib import Path
from typing import cast


@dataclass(frozen=True)
class Group:
    """One of the six groups of the QĐ 766 index as the portal shows them."""

    code: str
    label: str
    max_score: Decimal


GROUPS: tuple[Group, ...] = (
    Group("ckmb", "Công khai, minh bạch", Decimal(18)),
    Group("tdgq", "Tiến độ giải quyết", Decimal(20)),
    Group("clgq", "Dịch vụ công trực tuyến", Decimal(12)),
    Group("tttt", "Thanh toán trực tuyến", Decimal(10)),
    Group("mdhl", "Mức độ hài lòng", Decimal(18)),
    Group("mdsh", "Số hóa hồ sơ", Decimal(22)),
)
GROUP_BY_CODE: dict[str, Group] = {g.code: g for g in GROUPS}
_GROUP_INDEX: dict[str, int] = {g.code: i for i, g in enumerate(GROUPS)}  # a group's place in UnitResult.groups

# Rates a unit may carry, as percentages 0-100; targets in the profile refer to these names.
RATE_FIELDS: tuple[str, ...] = (
    "online_payment_rate",
    "online_dossier_rate",
    "digitization_rate",
    "e_result_rate",
)


class UnitKind(str, Enum):
    """Kind of unit inside an authority; ranks are computed within a kind."""

    SO_NGANH = "so_nganh"
    HUYEN = "huyen"
    XA = "xa"

    @property
    def label(self) -> str:
        """Vietnamese plural label, as used in "xếp hạng 5/21 sở, ban, ngành"."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    UnitKind.SO_NGANH: "sở, ban, ngành",
    UnitKind.HUYEN: "quận, huyện, thị xã",
    UnitKind.XA: "xã, phường, thị trấn",
}


class PeriodKind(str, Enum):
    """How long a reporting period is: the portal publishes results by month, quarter and year."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def noun(self) -> str:
        """The Vietnamese noun: "tháng", "quý", "năm"."""
        return _PERIOD_NOUNS[self]


_PERIOD_NOUNS = {PeriodKind.MONTH: "tháng", PeriodKind.QUARTER: "quý", PeriodKind.YEAR: "năm"}
_ROMAN = ("I", "II", "III", "IV")
_PERIOD_TEXT = re.compile(r"^([0-9]{4})(?:-(?:([0-9]{1,2})|[Qq]([1-4])))?$")


@dataclass(frozen=True)
class Period:
    """A reporting period: a month (`Period(2024, 7)`), a quarter (`Period(2026, quarter=3)`) or a
    year (`Period(2026)`). Periods of one kind follow each other through `shift`; any two periods
    are ordered by their first day, then by length (a month before the quarter it opens)."""

    year: int
    month: int | None = None
    quarter: int | None = None

    def __post_init__(self) -> None:
        if not 1900 <= self.year <= 9999:
            raise ValueError(f"năm {self.year} ngoài khoảng 1900–9999")
        if self.month is not None and self.quarter is not None:
            raise ValueError("một kỳ là tháng hoặc quý, không thể là cả hai")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"tháng {self.month} ngoài khoảng 1–12")
        if self.quarter is not None and not 1 <= self.quarter <= 4:
            raise ValueError(f"quý {self.quarter} ngoài khoảng 1–4")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse `YYYY-MM`, `YYYY-Qn` or `YYYY`; raises ValueError otherwise."""
        found = _PERIOD_TEXT.match(text.strip())
        if not found:
            raise ValueError(text)
        year, month, quarter = found.groups()
        return cls(int(year), int(month) if month else None, int(quarter) if quarter else None)

    @property
    def kind(self) -> PeriodKind:
        """Month, quarter or year."""
        if self.month is not None:
            return PeriodKind.MONTH
        if self.quarter is not None:
            return PeriodKind.QUARTER
        return PeriodKind.YEAR

    @property
    def first_month(self) -> int:
        """The period's first month (1-12)."""
        if self.month is not None:
            return self.month
        return 3 * self.quarter - 2 if self.quarter is not None else 1

    @property
    def last_month(self) -> int:
        """The period's last month (1-12)."""
        if self.month is not None:
            return self.month
        return 3 * self.quarter if self.quarter is not None else 12

    @property
    def start(self) -> date:
        """The period's first day."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """The period's last day."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    def shift(self, steps: int) -> Period:
        """The period `steps` periods of the same kind later (negative: earlier)."""
        if self.month is not None:
            index = self.year * 12 + (self.month - 1) + steps
            return Period(index // 12, index % 12 + 1)
        if self.quarter is not None:
            index = self.year * 4 + (self.quarter - 1) + steps
            return Period(index // 4, quarter=index % 4 + 1)
        return Period(self.year + steps)

    def month_periods(self) -> tuple[Period, ...]:
        """The months the period is made of."""
        return tuple(Period(self.year, m) for m in range(self.first_month, self.last_month + 1))

    @property
    def label(self) -> str:
        """Vietnamese short form after the noun: `7/2024` (tháng), `III/2026` (quý), `2026` (năm)."""
        if self.month is not None:
            return f"{self.month}/{self.year}"
        if self.quarter is not None:
            return f"{_ROMAN[self.quarter - 1]}/{self.year}"
        return str(self.year)

    @property
    def noun(self) -> str:
        """"tháng", "quý" or "năm", as in "so với quý trước"."""
        return self.kind.noun

    @property
    def phrase(self) -> str:
        """The period as documents name it: "tháng 7/2024", "quý III/2026", "năm 2026"."""
        return f"{self.noun} {self.label}"

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.first_month, self.last_month)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() >= other._key()

    def __str__(self) -> str:
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        if self.quarter is not None:
            return f"{self.year:04d}-Q{self.quarter}"
        return f"{self.year:04d}"


# `None in scores` compares each Decimal with None (Decimal's == asks whether None is a Rational, an
# ABC check): four times slower than asking each score whether it is None.
_IS_NONE = partial(operator.is_, None)


@dataclass(frozen=True)
class UnitResult:
    """One row of the `units` table, validated. A group score of None means "no data" (not zero)."""

    code: str
    name: str
    kind: UnitKind
    row: int
    groups: tuple[Decimal | None, ...]
    received: int | None = None
    on_time: int | None = None
    overdue: int | None = None
    online_payment_rate: Decimal | None = None
    online_dossier_rate: Decimal | None = None
    digitization_rate: Decimal | None = None
    e_result_rate: Decimal | None = None

    def score(self, group_code: str) -> Decimal | None:
        """The score of one group by its code (`ckmb` ...)."""
        return self.groups[_GROUP_INDEX[group_code]]

    @property
    def missing_groups(self) -> tuple[Group, ...]:
        """Groups whose cell is empty."""
        if not any(map(_IS_NONE, self.groups)):  # the common case, without a generator
            return ()
        return tuple(g for g, s in zip(GROUPS, self.groups) if s is None)

    @property
    def total(self) -> Decimal | None:
        """Sum of the six groups, or None when any group has no data."""
        if any(map(_IS_NONE, self.groups)):
            return None
        return sum(cast("tuple[Decimal, ...]", self.groups), Decimal(0))  # no None among them

    def rate(self, name: str) -> Decimal | None:
        """One of RATE_FIELDS by name."""
        if name not in RATE_FIELDS:
            raise KeyError(name)
        value: Decimal | None = getattr(self, name)
        return value


AUTHORITY_ROW = "authority"  # the `unit_code` of an indicator row about the authority itself


@dataclass(frozen=True)
class Indicator:
    """One sub-indicator (metric) behind a group score, as the portal publishes it.

    `unit_code` None means the evaluated authority's own figure. A score of None means "no data"
    (the portal's null), not zero; a `max_score` of 0 marks an indicator shown for information only.
    """

    unit_code: str | None
    group: Group
    code: str
    name: str
    max_score: Decimal
    numerator: int | None = None
    denominator: int | None = None
    ratio: Decimal | None = None  # percent 0-100
    score: Decimal | None = None
    quality_status: str | None = None
    quality_message: str | None = None

    @property
    def share(self) -> Decimal | None:
        """The score as a share (0-1) of the maximum; None without a score or a maximum."""
        if self.score is None or self.max_score <= 0:
            return None
        return self.score / self.max_score

    @property
    def shortfall(self) -> Decimal | None:
        """Points below the maximum; None without a score."""
        return None if self.score is None else self.max_score - self.score


@dataclass(frozen=True)
class SnapshotMeta:
    """The `meta` part: the evaluated authority's own result."""

    authority_name: str
    period: Period
    cutoff: datetime
    score: Decimal
    authority_code: str | None = None
    rank: int | None = None
    ranked_count: int | None = None
    groups: tuple[Decimal | None, ...] = (None,) * len(GROUPS)
    overdue_total: int | None = None
    source: str = "Cổng Dịch vụ công quốc gia"
    source_url: str = "https://dichvucong.gov.vn"


@dataclass(frozen=True)
class Snapshot:
    """A validated snapshot: what the portal published for one authority for one period."""

    meta: SnapshotMeta
    units: tuple[UnitResult, ...]
    path: Path
    sha256: str
    warnings: tuple[str, ...] = field(default=())
    indicators: tuple[Indicator, ...] = field(default=())  # optional table, in file order

    @property
    def overdue_total(self) -> int | None:
        """Authority-wide overdue dossiers: meta value, else the sum over units that report one."""
        if self.meta.overdue_total is not None:
            return self.meta.overdue_total
        counts = [u.overdue for u in self.units if u.overdue is not None]
        return sum(counts) if counts else None
