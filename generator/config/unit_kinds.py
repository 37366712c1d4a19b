"""Labels of the kinds of unit by era (unit_kinds.yaml), so documents say "xã, phường, thị trấn"
before 1/7/2025 and "xã, phường" after, and a profile may adjust them for its authority."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from generator.common.errors import ConfigError
from generator.common.resources import package_path
from generator.common.yamlfile import load_yaml
from generator.snapshot import Period, UnitKind

KINDS_PATH = package_path("config", "unit_kinds.yaml")


class Era(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    from_period: str | None = None
    until_period: str | None = None
    labels: dict[UnitKind, str]

    @field_validator("from_period", "until_period", mode="before")
    @classmethod
    def _month(cls, value: object) -> str | None:
        if value is None:
            return None
        period = Period.parse(str(value))
        if period.month is None:
            raise ValueError(f"“{value}” không phải một tháng dạng YYYY-MM")
        return str(period)

    def covers(self, period: Period) -> bool:
        """By the period's last month, as profiles are chosen."""
        month = Period(period.year, period.last_month)
        if self.from_period and month < Period.parse(self.from_period):
            return False
        return not (self.until_period and month > Period.parse(self.until_period))


class _KindsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    eras: tuple[Era, ...]


@lru_cache(maxsize=4)
def load_eras(path: Path = KINDS_PATH) -> tuple[Era, ...]:
    document = load_yaml(path, "tệp tên loại đơn vị")
    try:
        return _KindsFile.model_validate(document.data).eras
    except ValidationError as exc:
        raise ConfigError(f"Tệp {path} không hợp lệ", tuple(
            document.problem(tuple(e["loc"]), f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}")
            for e in exc.errors())) from None


def kind_labels(period: Period, overrides: Mapping[UnitKind, str] | None = None,
                path: Path = KINDS_PATH) -> dict[UnitKind, str]:
    """The label of every kind for `period`: the era's, then the profile's overrides.

    A kind the era does not know (a district after 2025) keeps its historic label, so an old or
    unusual snapshot still reads; `import` never produces one.
    """
    labels = {kind: kind.label for kind in UnitKind}
    for era in load_eras(path):
        if era.covers(period):
            labels.update(era.labels)
    labels.update(overrides or {})
    return labels
