"""Typed, immutable values for one month's snapshot (the input contract, version 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path


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


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse `YYYY-MM`; raises ValueError otherwise."""
        parts = text.strip().split("-")
        if len(parts) != 2 or len(parts[0]) != 4 or not (1 <= len(parts[1]) <= 2):
            raise ValueError(text)
        year, month = int(parts[0]), int(parts[1])
        if not 1 <= month <= 12 or year < 1900:
            raise ValueError(text)
        return cls(year, month)

    def shift(self, months: int) -> Period:
        """The period `months` later (negative: earlier)."""
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    @property
    def label(self) -> str:
        """Vietnamese short form, e.g. `7/2024` (used as "tháng 7/2024")."""
        return f"{self.month}/{self.year}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


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
        return self.groups[GROUPS.index(GROUP_BY_CODE[group_code])]

    @property
    def missing_groups(self) -> tuple[Group, ...]:
        """Groups whose cell is empty."""
        return tuple(g for g, s in zip(GROUPS, self.groups) if s is None)

    @property
    def total(self) -> Decimal | None:
        """Sum of the six groups, or None when any group has no data."""
        if self.missing_groups:
            return None
        return sum((s for s in self.groups if s is not None), Decimal(0))

    def rate(self, name: str) -> Decimal | None:
        """One of RATE_FIELDS by name."""
        if name not in RATE_FIELDS:
            raise KeyError(name)
        value: Decimal | None = getattr(self, name)
        return value


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
    """A validated snapshot: what the portal published for one authority for one month."""

    meta: SnapshotMeta
    units: tuple[UnitResult, ...]
    path: Path
    sha256: str
    warnings: tuple[str, ...] = field(default=())

    @property
    def overdue_total(self) -> int | None:
        """Authority-wide overdue dossiers: meta value, else the sum over units that report one."""
        if self.meta.overdue_total is not None:
            return self.meta.overdue_total
        counts = [u.overdue for u in self.units if u.overdue is not None]
        return sum(counts) if counts else None
