"""Tests for the analysis stage on hand-built snapshots with hand-computed expectations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.analysis import analyse
from generator.analysis.model import Target
from generator.common import formatting
from generator.snapshot.model import GROUPS, Period, Snapshot, SnapshotMeta, UnitKind, UnitResult

D = Decimal
ICT = timezone(timedelta(hours=7))
JULY = Period(2024, 7)
JUNE = Period(2024, 6)
MAY = Period(2024, 5)

TARGETS = (
    Target("thanh_toan", "online_payment_rate", D(55), "tỷ lệ thanh toán trực tuyến"),
    Target("truc_tuyen", "online_dossier_rate", D(60), "tỷ lệ hồ sơ trực tuyến"),
    Target("so_hoa", "digitization_rate", D(100), "tỷ lệ số hóa hồ sơ"),
    Target("ket_qua_dien_tu", "e_result_rate", D(100), "tỷ lệ cấp kết quả điện tử"),
)


def unit(
    code: str,
    groups: tuple[str | None, ...],
    kind: UnitKind = UnitKind.SO_NGANH,
    overdue: int | None = None,
    rates: tuple[str | None, str | None, str | None, str | None] = (None, None, None, None),
) -> UnitResult:
    """A unit row; group scores and rates given as decimal strings (None = empty cell)."""
    payment, dossier, digitization, e_result = (None if r is None else D(r) for r in rates)
    return UnitResult(
        code=code,
        name=f"Đơn vị {code}",
        kind=kind,
        row=2,
        groups=tuple(None if g is None else D(g) for g in groups),
        overdue=overdue,
        online_payment_rate=payment,
        online_dossier_rate=dossier,
        digitization_rate=digitization,
        e_result_rate=e_result,
    )


def snapshot(
    period: Period,
    score: str,
    units: tuple[UnitResult, ...],
    meta_groups: tuple[str | None, ...] = (None,) * len(GROUPS),
    overdue_total: int | None = None,
) -> Snapshot:
    """A snapshot of the fictional authority for one month."""
    meta = SnapshotMeta(
        authority_name="UBND Thành phố Hà Nội",
        authority_code="H26",
        period=period,
        cutoff=datetime(period.year, period.month, 28, 10, 0, tzinfo=ICT),
        score=D(score),
        groups=tuple(None if g is None else D(g) for g in meta_groups),
        overdue_total=overdue_total,
    )
    return Snapshot(meta=meta, units=units, path=Path(f"{period}.json"), sha256="0" * 64)


def july_units() -> tuple[UnitResult, ...]:
    """The July units used by most tests (totals noted beside each)."""
    return (
        unit("A", ("15", "15", "9", "8", "13", "0"), overdue=5000),  # 60
        unit("B", ("10", "15", "9", "8", "13", "0"), overdue=24130),  # 55
        unit("C", ("12", "13", "9", "8", "13", "0"), overdue=24130),  # 55, ties B on overdue too
        unit("D", ("5", "15", "9", "8", "13", "0"), overdue=568),  # 50
        unit("E", ("10", "15", "9", "8", None, "10"), overdue=0),  # no mdhl → unranked
        unit("X", ("9", "10", "6", "5", "9", "6"), kind=UnitKind.HUYEN, overdue=0),  # 45
        unit("Y", ("9", "12", "6", "5", "9", "6"), kind=UnitKind.HUYEN),  # 47, no overdue figure
    )


def july(units: tuple[UnitResult, ...] | None = None, overdue_total: int | None = 53828) -> Snapshot:
    """July 2024: authority 58.86 with group scores summing to it, CKMB the weakest share."""
    return snapshot(
        JULY,
        "58.86",
        july_units() if units is None else units,
        meta_groups=("4.20", "14.86", "8.40", "6.10", "13.50", "11.80"),
        overdue_total=overdue_total,
    )


def june() -> Snapshot:
    """June 2024: A 58 (so A rose 2), B 57 (so B fell 2), C absent, D unranked, E 40."""
    return snapshot(
        JUNE,
        "57.25",
        (
            unit("A", ("13", "15", "9", "8", "13", "0")),
            unit("B", ("12", "15", "9", "8", "13", "0")),
            unit("D", ("5", "15", "9", "8", None, "0")),
            unit("E", ("10", "0", "9", "8", "13", "0")),
        ),
    )


def may() -> Snapshot:
    """May 2024: only A, at 50.9."""
    return snapshot(MAY, "50.76", (unit("A", ("5.9", "15", "9", "8", "13", "0")),))


def test_competition_ranks_share_a_rank_and_skip_the_next() -> None:
    """Equal totals share a rank and the next rank is skipped (1, 2, 2, 4) within the kind."""
    result = analyse(july(), {}, ())
    assert [result.unit(c).rank for c in "ABCD"] == [1, 2, 2, 4]
    assert [result.unit(c).total for c in "ABCD"] == [D(60), D(55), D(55), D(50)]


def test_ranks_are_computed_within_each_kind() -> None:
    """District units are ranked among themselves, with their own ranked_count."""
    result = analyse(july(), {}, ())
    assert result.unit("Y").rank == 1 and result.unit("X").rank == 2
    assert result.unit("X").ranked_count == 2
    assert result.unit("A").ranked_count == 4


def test_unit_with_empty_group_is_unranked_with_reason() -> None:
    """An empty group gives no total, no rank and a Vietnamese reason naming the group."""
    e = analyse(july(), {}, ()).unit("E")
    assert e.total is None and e.rank is None
    assert e.excluded_reason == "thiếu số liệu nhóm “Mức độ hài lòng”"
    assert e.ranked_count == 4


def test_reason_lists_every_missing_group() -> None:
    """Several empty groups are all named, separated by semicolons."""
    lone = unit("Z", (None, "10", "6", "5", None, "10"))
    z = analyse(july((lone,)), {}, ()).unit("Z")
    assert z.excluded_reason == "thiếu số liệu các nhóm “Công khai, minh bạch”, “Mức độ hài lòng”"
    assert z.ranked_count == 0


def test_ranked_units_have_no_reason() -> None:
    """A unit with every group has no exclusion reason."""
    assert analyse(july(), {}, ()).unit("A").excluded_reason is None


def test_by_kind_orders_ranked_then_unranked() -> None:
    """by_kind lists kinds in UnitKind order, ranked units by rank, then the unranked ones."""
    result = analyse(july(), {}, ())
    assert [k.kind for k in result.by_kind] == [UnitKind.SO_NGANH, UnitKind.HUYEN]
    departments = result.by_kind[0]
    assert [u.code for u in departments.ranked] == ["A", "B", "C", "D"]
    assert [u.code for u in departments.unranked] == ["E"]
    assert [u.code for u in result.by_kind[1].ranked] == ["Y", "X"]


def test_authority_deltas_match_the_published_figures() -> None:
    """58.86 vs 57.25 is +1.61 and vs 50.76 is +8.10, as in Văn bản 2562/UBND-KSTTHC."""
    authority = analyse(july(), {JUNE: june(), MAY: may()}, ()).authority
    assert authority.delta_previous is not None and authority.delta_before is not None
    assert authority.delta_previous.change == D("1.61")
    assert authority.delta_previous.period == JUNE
    assert authority.delta_previous.previous == D("57.25")
    assert authority.delta_before.change == D("8.10")
    assert authority.delta_before.period == MAY
    assert formatting.change(authority.delta_before.change) == "8,10"


def test_missing_month_gives_no_delta_rather_than_zero() -> None:
    """Without a May snapshot the two-month comparison is absent (None), not a zero change."""
    result = analyse(july(), {JUNE: june()}, ())
    assert result.authority.delta_before is None
    assert result.unit("A").delta_before is None
    assert result.history_periods == (JUNE,)


def test_unit_deltas_can_be_positive_or_negative() -> None:
    """A rose from 58 to 60 (+2); B fell from 57 to 55 (-2)."""
    result = analyse(july(), {JUNE: june(), MAY: may()}, ())
    a, b = result.unit("A"), result.unit("B")
    assert a.delta_previous is not None and a.delta_previous.change == D(2)
    assert b.delta_previous is not None and b.delta_previous.change == D(-2)
    assert a.delta_before is not None and a.delta_before.change == D("9.1")


def test_unit_delta_absent_when_unit_missing_or_unranked_then_or_now() -> None:
    """No delta for a unit absent in June (C), unranked in June (D) or unranked now (E)."""
    result = analyse(july(), {JUNE: june()}, ())
    assert result.unit("C").delta_previous is None
    assert result.unit("D").delta_previous is None
    assert result.unit("E").delta_previous is None


def test_later_or_same_period_snapshots_are_not_history() -> None:
    """Snapshots for the same or a later month are ignored as history."""
    august = snapshot(Period(2024, 8), "60.00", ())
    result = analyse(july(), {JULY: july(), Period(2024, 8): august, JUNE: june()}, ())
    assert result.history_periods == (JUNE,)


def test_overdue_share_of_the_authority_total() -> None:
    """24.130 of 53.828 overdue dossiers is 0.44828…, written 44,8%."""
    b = analyse(july(), {}, ()).unit("B")
    assert b.overdue_share == D(24130) / D(53828)
    assert b.overdue_share is not None and formatting.share(b.overdue_share) == "44,8%"


def test_overdue_share_absent_without_count_or_total() -> None:
    """No share when the unit reports no count, or the authority total is zero."""
    assert analyse(july(), {}, ()).unit("Y").overdue_share is None
    zero_total = analyse(july(overdue_total=0), {}, ())
    assert zero_total.unit("A").overdue_share is None


def test_overdue_total_falls_back_to_the_sum_over_units() -> None:
    """Without meta overdue_total the share is taken of the units' sum (5000+24130+24130+568)."""
    result = analyse(july(overdue_total=None), {}, ())
    assert result.authority.overdue_total == 53828
    assert result.unit("A").overdue_share == D(5000) / D(53828)


def test_most_overdue_is_first_in_file_order_on_a_tie() -> None:
    """B and C both hold 24.130; B comes first in the file, so B holds the most."""
    result = analyse(july(), {}, ())
    assert result.most_overdue is not None and result.most_overdue.code == "B"
    assert [u.code for u in result.units if u.holds_most_overdue] == ["B"]


def test_no_most_overdue_when_no_unit_has_overdue_dossiers() -> None:
    """Units reporting nothing or zero give no 'most overdue' unit."""
    units = (unit("P", ("1",) * 6, overdue=0), unit("Q", ("1",) * 6))
    result = analyse(july(units), {}, ())
    assert result.most_overdue is None
    assert not any(u.holds_most_overdue for u in result.units)


def test_weakest_group_is_the_lowest_share_of_its_maximum() -> None:
    """D's MDSH 0/22 is its lowest share; X's MDSH 6/22 is below its other groups' 0.5."""
    result = analyse(july(), {}, ())
    d = result.unit("D").weakest_group
    assert d is not None and d.group.code == "mdsh" and d.share == 0
    x = result.unit("X").weakest_group  # 9/18 = 6/12 = 5/10 = 0.5, 10/20 = 0.5, 6/22 ≈ 0.27
    assert x is not None and x.group.code == "mdsh" and x.shortfall == D(16)


def test_weakest_group_ties_go_to_the_first_group() -> None:
    """Equal shares pick the group that comes first in GROUPS order."""
    halves = unit("H", ("9", "10", "6", "5", "9", "11"))
    weakest = analyse(july((halves,)), {}, ()).unit("H").weakest_group
    assert weakest is not None and weakest.group.code == "ckmb" and weakest.share == D("0.5")


def test_weakest_group_skips_empty_groups() -> None:
    """E has no MDHL; its weakest group is chosen among the groups with data."""
    weakest = analyse(july(), {}, ()).unit("E").weakest_group
    assert weakest is not None and weakest.group.code == "mdsh"
    assert weakest.share == D(10) / D(22)


def test_authority_weakest_group_from_meta() -> None:
    """The authority's weakest group is CKMB (4.20/18), as the seeds report; none without meta groups."""
    result = analyse(july(), {}, ())
    assert result.authority.weakest_group is not None
    assert result.authority.weakest_group.group.code == "ckmb"
    assert result.authority.weakest_group.share == D("4.20") / D(18)
    assert analyse(june(), {}, ()).authority.weakest_group is None


def test_target_checks_one_per_target_with_actual_figures() -> None:
    """Each unit gets one check per target, in target order, with the unit's own figure."""
    rated = unit("R", ("1",) * 6, rates=("54.9", "60", "99.5", None))
    checks = analyse(july((rated,)), {}, TARGETS).unit("R").targets
    assert [c.target.id for c in checks] == [t.id for t in TARGETS]
    assert [c.actual for c in checks] == [D("54.9"), D(60), D("99.5"), None]
    assert [c.missed for c in checks] == [True, False, True, False]


def test_missed_targets_and_gap() -> None:
    """Missed targets are listed with their gap; missing_target finds the units."""
    units = (
        unit("R", ("1",) * 6, rates=("54.9", "60", "99.5", "100")),
        unit("S", ("1",) * 6, rates=("70", "80", "100", "100")),
    )
    result = analyse(july(units), {}, TARGETS)
    missed = result.unit("R").missed_targets
    assert [c.target.id for c in missed] == ["thanh_toan", "so_hoa"]
    assert [c.gap for c in missed] == [D("0.1"), D("0.5")]
    assert result.unit("S").missed_targets == ()
    assert [u.code for u in result.missing_target("so_hoa")] == ["R"]
    assert result.targets == TARGETS


def test_authority_carries_meta_figures() -> None:
    """The authority part copies the meta: name, code, period, cutoff, score, rank, source."""
    result = analyse(july(), {}, ())
    authority = result.authority
    assert (authority.name, authority.code, authority.period) == ("UBND Thành phố Hà Nội", "H26", JULY)
    assert authority.total == D("58.86")
    assert authority.cutoff == datetime(2024, 7, 28, 10, 0, tzinfo=ICT)
    assert authority.source == "Cổng Dịch vụ công quốc gia"
    assert authority.overdue_total == 53828
    assert [u.code for u in result.units] == ["A", "B", "C", "D", "E", "X", "Y"]


# --- the O(n log n) analysis against its definitions --------------------------------------------

# Few distinct scores, so ties are common; None leaves a group empty (no total, no rank).
_SCORE = st.one_of(st.none(), st.sampled_from(["0", "1", "1.0", "2.5", "3"]))
_UNIT_ROW = st.tuples(st.sampled_from(list(UnitKind)), st.tuples(*(_SCORE,) * len(GROUPS)))


def _units_of(rows: list[tuple[UnitKind, tuple[str | None, ...]]], prefix: str = "U") -> tuple[UnitResult, ...]:
    return tuple(unit(f"{prefix}{i}", groups, kind=kind) for i, (kind, groups) in enumerate(rows))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(_UNIT_ROW, max_size=30), june_rows=st.lists(_UNIT_ROW, max_size=30))
def test_ranks_counts_and_deltas_match_their_definitions(rows, june_rows) -> None:
    """Rank = 1 + units of the same kind with a strictly higher total; the delta is against the
    same code's June total; both as a plain scan over every pair would find them."""
    units = _units_of(rows)
    june_units = _units_of(june_rows)  # same codes U0, U1 ... : some present in both months
    result = analyse(july(units), {JUNE: snapshot(JUNE, "50", june_units)}, ())
    for mine, analysed in zip(units, result.units):
        total = mine.total
        same_kind = [u.total for u in units if u.kind is mine.kind and u.total is not None]
        assert analysed.rank == (None if total is None else 1 + sum(1 for t in same_kind if t > total))
        assert analysed.ranked_count == len(same_kind)
        old = next((u.total for u in june_units if u.code == mine.code), None)
        expected = None if total is None or old is None else total - old
        assert (analysed.delta_previous.change if analysed.delta_previous else None) == expected
    for ranking in result.by_kind:
        assert [u.rank for u in ranking.ranked] == sorted(u.rank for u in ranking.ranked)


def test_each_total_is_summed_once(monkeypatch) -> None:
    """The analysis sums a unit's groups once (the quadratic version summed them n times per unit)."""
    calls = []
    original = UnitResult.total

    def counted(self: UnitResult):
        calls.append(self.code)
        return original.fget(self)

    monkeypatch.setattr(UnitResult, "total", property(counted))
    units = _units_of([(UnitKind.XA, ("1", "2", "3", "1", "2", "3"))] * 40)
    analyse(july(units), {JUNE: snapshot(JUNE, "50", units)}, ())
    assert sorted(calls) == sorted([u.code for u in units] * 2)  # July once, June once


def test_unit_lookup_by_code_finds_each_unit() -> None:
    """Analysis.unit finds every unit by its code and refuses an unknown one."""
    result = analyse(july(), {}, ())
    assert all(result.unit(u.code) is u for u in result.units)
    with pytest.raises(KeyError):
        result.unit("không có")
