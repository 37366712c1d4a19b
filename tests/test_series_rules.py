"""The figures over time in directive rules: catalogue, conditions, the shipped streak rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from analysis_factories import analysis_of, unit_analysis
from test_series import _analysis

from generator.analysis import analyse
from generator.analysis.model import PeriodTotal, Series, SeriesPoint
from generator.directives import FIGURES, describe_condition, evaluate, load_rules
from generator.directives.conditions import Comparison
from generator.snapshot.model import Period

SHIPPED = Path(__file__).resolve().parents[1] / "generator" / "templates" / "rules" / "directives.yaml"
D = Decimal


def _rules(tmp_path: Path, when: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(f"rules:\n  - id: r\n    title: T\n    when: {when}\n    text: \"{{{{ names }}}}\"\n",
                    encoding="utf-8")
    return path


def _matched(tmp_path: Path, when: str) -> list[str]:
    directives = evaluate(load_rules(_rules(tmp_path, when)), _analysis())
    return [u.code for d in directives for u in d.units]


def test_figures_read_the_series() -> None:
    """Each figure over time reads the unit's series; None where the series has no such figure."""
    july, june = Period(2024, 7), Period(2024, 6)
    series = Series(
        points=(SeriesPoint(june, D(60), 3, 10), SeriesPoint(july, D(58), 5, 10)),
        trend_short=D(-2), trend_long=D("-1.5"), best=PeriodTotal(june, D(60)), worst=PeriodTotal(july, D(58)),
        falling_streak=1, rank_change=-2,
    )
    unit = replace(unit_analysis(total=58), series=series)
    read = {name: FIGURES[name].value_of(unit) for name in (
        "trend_3", "trend_12", "falling_streak", "rank_change", "best_total", "worst_total", "at_best", "at_worst",
        "periods_with_data")}
    assert read == {"trend_3": D(-2), "trend_12": D("-1.5"), "falling_streak": 1, "rank_change": -2,
                    "best_total": D(60), "worst_total": D(58), "at_best": False, "at_worst": True,
                    "periods_with_data": 2}
    empty = unit_analysis(total=58)
    assert [FIGURES[n].value_of(empty) for n in ("trend_3", "best_total", "at_worst", "rank_change")] == [None] * 4
    assert FIGURES["falling_streak"].value_of(empty) == 0


def test_conditions_on_figures_over_time(tmp_path: Path) -> None:
    """Rules select by streak, trend, rank change and extremes on the history with a missing month."""
    assert _matched(tmp_path, '{figure: falling_streak, op: ">=", value: 3}') == ["U2"]
    assert _matched(tmp_path, '{figure: trend_3, op: "<", value: 0}') == ["U2"]
    assert _matched(tmp_path, '{figure: trend_3, op: ">", value: 1}') == ["U3"]
    assert _matched(tmp_path, '{figure: rank_change, op: "<", value: 0}') == ["U1"]
    assert _matched(tmp_path, '{figure: at_worst, op: "==", value: true}') == ["U2"]
    assert _matched(tmp_path, '{figure: at_best, op: "==", value: true}') == ["U3"]
    # U4 has one period only: every comparison on its missing figures is false, even `!=`.
    assert "U4" not in _matched(tmp_path, '{figure: trend_12, op: "!=", value: 0}')
    assert _matched(tmp_path, '{figure: periods_with_data, op: "<", value: 2}') == ["U4"]


def test_shipped_streak_rule_names_the_fall_and_takes_the_unit_out_of_falling_total() -> None:
    """“Giảm điểm 3 tháng liên tiếp”: U2 from 80,50 (4/2024) to 77,00; U1 (one fall) stays in falling_total."""
    directives = {d.rule_id: d for d in evaluate(load_rules(SHIPPED), _analysis())}
    streak = directives["falling_streak"]
    assert streak.unit_codes == ("U2",)
    assert "Sở U2 (từ 80,50 điểm tháng 4/2024 xuống 77,00 điểm tháng 7/2024)" in streak.text
    assert streak.notice_text_for("U2").startswith(
        "Phân tích, làm rõ nguyên nhân tổng điểm giảm 3 tháng liên tiếp (từ 80,50 điểm tháng 4/2024 xuống 77,00 điểm "
        "tháng 7/2024)")
    assert directives["falling_total"].unit_codes == ("U1",)


def test_shipped_rules_without_history_do_not_fire_the_streak() -> None:
    """Hand-built analyses without series (no history) never match the streak rule."""
    analysis = analysis_of([unit_analysis("A", total=50), unit_analysis("B", total=60)])
    assert "falling_streak" not in {d.rule_id for d in evaluate(load_rules(SHIPPED), analysis)}


def test_describe_figures_over_time() -> None:
    """The review pack phrases the new figures with their unit words."""
    assert describe_condition(Comparison("falling_streak", ">=", 3)) == (
        "số kỳ liên tiếp, tính đến kỳ này, tổng điểm giảm so với kỳ trước đó từ 3 kỳ trở lên")
    assert describe_condition(Comparison("trend_3", "<", D(0))) == (
        "xu hướng tổng điểm 3 kỳ gần nhất (số điểm tăng bình quân mỗi kỳ; âm: giảm) dưới 0 điểm mỗi kỳ")


def test_shipped_streak_rule_speaks_of_quarters_for_a_quarter() -> None:
    """A quarterly notice says “giảm 3 quý liên tiếp (từ … quý I/2025 xuống … quý IV/2025)”."""
    from test_series import _quarter_snapshot

    quarters = [Period.parse(p) for p in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")]
    totals = ("70", "69", "68", "66")
    earlier = {p: _quarter_snapshot(p, {"U1": t}) for p, t in zip(quarters[:-1], totals)}
    analysis = analyse(
        _quarter_snapshot(quarters[-1], {"U1": totals[-1]}), earlier, ())
    streak = next(d for d in evaluate(load_rules(SHIPPED), analysis) if d.rule_id == "falling_streak")
    assert "giảm 3 quý liên tiếp (từ 70,00 điểm quý I/2025 xuống 66,00 điểm quý IV/2025)" in streak.notice_text_for("U1")
