"""Hand-built analysis values for tests of the stages after analysis (directives, content ...).

`unit_analysis()` builds one UnitAnalysis whose fields agree with each other (total from the
group scores, weakest group, target checks); `analysis_of()` puts units together and derives what
depends on the others (ranks within a kind, overdue shares, the unit holding the most overdue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from generator.analysis.model import (
    Analysis,
    AuthorityAnalysis,
    Delta,
    GroupShare,
    KindRanking,
    Target,
    TargetCheck,
    UnitAnalysis,
)
from generator.snapshot.model import GROUPS, Period, UnitKind, UnitResult

Number = Decimal | int | float | str
PERIOD = Period(2024, 7)

HA_NOI_TARGETS: tuple[Target, ...] = (
    Target("online_payment", "online_payment_rate", Decimal(55), "Tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán"),
    Target("online_dossier", "online_dossier_rate", Decimal(60), "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận và giải quyết"),
    Target("digitization", "digitization_rate", Decimal(100), "Tỷ lệ số hóa hồ sơ, kết quả giải quyết thủ tục hành chính"),
    Target("e_result", "e_result_rate", Decimal(100), "Tỷ lệ cấp kết quả giải quyết thủ tục hành chính bản điện tử"),
)


def dec(value: Number | None) -> Decimal | None:
    """Decimal from a literal, keeping None (floats go through str to stay exact)."""
    return None if value is None else Decimal(str(value))


def groups_for_total(total: Number) -> tuple[Decimal, ...]:
    """Six group scores in proportion to their maxima that add up to `total` exactly."""
    value = Decimal(str(total))
    scores = [(g.max_score * value / 100).quantize(Decimal("0.01")) for g in GROUPS]
    scores[-1] += value - sum(scores)
    return tuple(scores)


def weakest(groups: Sequence[Decimal | None]) -> GroupShare | None:
    """The group with the lowest share of its maximum (first on a tie); None without data."""
    found: GroupShare | None = None
    for group, score in zip(GROUPS, groups):
        if score is not None and (found is None or score / group.max_score < found.share):
            found = GroupShare(group, score, score / group.max_score)
    return found


def unit_analysis(
    code: str = "S01",
    name: str | None = None,
    kind: UnitKind | str = UnitKind.SO_NGANH,
    *,
    total: Number | None = None,
    groups: Sequence[Number | None] | None = None,
    rank: int | None = None,
    ranked_count: int = 0,
    delta_previous: Number | None = None,
    delta_before: Number | None = None,
    overdue: int | None = None,
    overdue_share: Number | None = None,
    holds_most_overdue: bool = False,
    received: int | None = None,
    on_time: int | None = None,
    rates: Mapping[str, Number] | None = None,
    targets: Sequence[Target] = (),
) -> UnitAnalysis:
    """One unit. `groups` wins over `total`; neither means "no data" (no total, no rank)."""
    if groups is not None:
        scores: tuple[Decimal | None, ...] = tuple(dec(g) for g in groups)
    elif total is not None:
        scores = groups_for_total(total)
    else:
        scores = (None,) * len(GROUPS)
    rate_values = {k: dec(v) for k, v in (rates or {}).items()}
    result = UnitResult(
        code=code,
        name=name or f"Đơn vị {code}",
        kind=UnitKind(kind),
        row=0,
        groups=scores,
        received=received,
        on_time=on_time,
        overdue=overdue,
        **rate_values,
    )
    unit_total = result.total
    missing = result.missing_groups
    return UnitAnalysis(
        unit=result,
        total=unit_total,
        rank=rank if unit_total is not None else None,
        ranked_count=ranked_count,
        delta_previous=_delta(unit_total, delta_previous, 1),
        delta_before=_delta(unit_total, delta_before, 2),
        weakest_group=weakest(scores),
        overdue_share=dec(overdue_share),
        holds_most_overdue=holds_most_overdue,
        targets=checks(result, targets),
        excluded_reason=f"thiếu số liệu nhóm “{missing[0].label}”" if missing else None,
    )


def checks(unit: UnitResult, targets: Sequence[Target]) -> tuple[TargetCheck, ...]:
    """The unit's rates checked against `targets`."""
    return tuple(TargetCheck(t, unit.rate(t.figure)) for t in targets)


def _delta(total: Decimal | None, change: Number | None, months_back: int) -> Delta | None:
    if total is None or change is None:
        return None
    value = Decimal(str(change))
    return Delta(PERIOD.shift(-months_back), total - value, value)


def analysis_of(
    units: Sequence[UnitAnalysis],
    *,
    targets: Sequence[Target] = (),
    overdue_total: int | None = None,
    authority_total: Number = "58.86",
) -> Analysis:
    """An analysis of `units` (snapshot order kept) with ranks, overdue shares and target checks derived.

    `overdue_total` defaults to the sum of the units' overdue counts.
    """
    totals = [u for u in units if u.total is not None]
    counted = [u.overdue for u in units if u.overdue is not None]
    overdue_sum = overdue_total if overdue_total is not None else (sum(counted) if counted else None)
    most = max((u for u in units if u.overdue), key=lambda u: u.overdue or 0, default=None)
    derived = tuple(
        replace(
            u,
            rank=None if u.total is None else 1 + sum(1 for o in totals if o.kind is u.kind and o.total > u.total),  # type: ignore[operator]
            ranked_count=sum(1 for o in totals if o.kind is u.kind),
            overdue_share=Decimal(u.overdue) / overdue_sum if u.overdue is not None and overdue_sum else None,
            holds_most_overdue=most is not None and u.code == most.code,
            targets=checks(u.unit, targets),
        )
        for u in units
    )
    return Analysis(
        authority=authority(total=authority_total, overdue_total=overdue_sum),
        units=derived,
        by_kind=_by_kind(derived),
        most_overdue=next((u for u in derived if u.holds_most_overdue), None),
        history_periods=(PERIOD.shift(-1),),
        targets=tuple(targets),
    )


def authority(total: Number = "58.86", overdue_total: int | None = None) -> AuthorityAnalysis:
    """Hà Nội, July 2024, as Văn bản 2562 reports it."""
    return AuthorityAnalysis(
        name="Thành phố Hà Nội",
        code="H26",
        period=PERIOD,
        cutoff=datetime(2024, 8, 2, 10, 0),
        total=Decimal(str(total)),
        rank=58,
        ranked_count=63,
        delta_previous=Delta(PERIOD.shift(-1), Decimal("57.25"), Decimal(str(total)) - Decimal("57.25")),
        delta_before=Delta(PERIOD.shift(-2), Decimal("50.76"), Decimal(str(total)) - Decimal("50.76")),
        weakest_group=None,
        overdue_total=overdue_total,
        source="Cổng Dịch vụ công quốc gia",
        source_url="https://dichvucong.gov.vn",
    )


def _by_kind(units: Sequence[UnitAnalysis]) -> tuple[KindRanking, ...]:
    result = []
    for kind in UnitKind:
        own = [u for u in units if u.kind is kind]
        if own:
            ranked = tuple(sorted((u for u in own if u.rank is not None), key=lambda u: u.rank or 0))
            result.append(KindRanking(kind, ranked, tuple(u for u in own if u.rank is None)))
    return tuple(result)
