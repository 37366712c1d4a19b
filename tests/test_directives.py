"""Directive conditions, evaluation, wording and descriptions on hand-built analyses."""

from __future__ import annotations

import json
import pickle
from decimal import Decimal
from pathlib import Path

import pytest
from analysis_factories import HA_NOI_TARGETS, analysis_of, unit_analysis
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.common.errors import ConfigError, TemplateError
from generator.directives import (
    FIGURES,
    FigureType,
    check_notices,
    describe_condition,
    describe_rule,
    directives_for_unit,
    evaluate,
    join_names,
    load_rules,
)
from generator.directives.conditions import (
    OPERATORS,
    AllOf,
    Always,
    AnyOf,
    Comparison,
    Direction,
    EvaluationContext,
    MissesAnyTarget,
    MissesCurrentTarget,
    MissesTarget,
    Not,
    Ranked,
    Scope,
    select,
)
from generator.snapshot.model import GROUPS, RATE_FIELDS

SHIPPED = Path(__file__).resolve().parents[1] / "generator" / "templates" / "rules" / "directives.yaml"


def holds(condition, unit, analysis=None) -> bool:
    return condition.holds(unit, EvaluationContext(analysis or analysis_of([unit])))


def rule_file(tmp_path: Path, *rules: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text("version: 1\nrules:\n" + "".join(rules), encoding="utf-8")
    return path


def rule(rule_id: str, when: str, text: str = "{{ names }}", extra: str = "") -> str:
    return f"  - id: {rule_id}\n    title: T\n    when: {when}\n    text: {json.dumps(text, ensure_ascii=False)}\n{extra}"


# --- figures ---------------------------------------------------------------------------------


def test_catalogue_covers_groups_rates_and_required_figures():
    """Every group score and share, every rate and the figures the rules need are in FIGURES."""
    required = {
        "total", "rank", "ranked_count", "rank_from_bottom", "delta_previous", "delta_before",
        "weakest_group_share", "weakest_group_shortfall", "overdue", "overdue_share",
        "holds_most_overdue", "missed_target_count", "has_data",
    }
    names = set(FIGURES)
    assert required <= names
    assert {g.code for g in GROUPS} | {f"{g.code}_share" for g in GROUPS} | set(RATE_FIELDS) <= names
    assert all(f.meaning and f.name == name for name, f in FIGURES.items())


def test_figures_read_the_unit_analysis():
    """Derived figures read the right numbers: rank from bottom, group share, delta, shortfall."""
    unit = unit_analysis(groups=[9, 20, 12, 10, 18, 22], rank=4, ranked_count=21, delta_previous="-1.5", overdue=7)
    assert FIGURES["rank_from_bottom"].value_of(unit) == 18
    assert FIGURES["ckmb_share"].value_of(unit) == Decimal("0.5")
    assert FIGURES["ckmb"].value_of(unit) == Decimal(9)
    assert FIGURES["delta_previous"].value_of(unit) == Decimal("-1.5")
    assert FIGURES["delta_before"].value_of(unit) is None
    assert FIGURES["weakest_group_shortfall"].value_of(unit) == Decimal(9)
    assert FIGURES["weakest_group_share"].value_of(unit) == Decimal("0.5")
    assert FIGURES["total"].value_of(unit) == Decimal(91)
    assert FIGURES["has_data"].value_of(unit) is True


def test_missed_target_count_and_rates():
    """Missed targets count only reported rates below the minimum."""
    unit = unit_analysis(total=70, rates={"online_payment_rate": 40, "online_dossier_rate": 60}, targets=HA_NOI_TARGETS)
    assert FIGURES["missed_target_count"].value_of(unit) == 1
    assert FIGURES["online_payment_rate"].value_of(unit) == Decimal(40)
    assert FIGURES["digitization_rate"].value_of(unit) is None


# --- comparisons -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "expected"),
    [("<", False), ("<=", True), (">", False), (">=", True), ("==", True), ("!=", False)],
)
def test_comparison_operators_at_equality(op, expected):
    """Each operator compares the figure with the value (here equal: 0,2 against 0,2)."""
    unit = unit_analysis(total=60, overdue_share="0.2")
    assert holds(Comparison("overdue_share", op, Decimal("0.2")), unit, analysis=_kept(unit)) is expected


@pytest.mark.parametrize(("op", "expected"), [("<", True), ("<=", True), (">", False), (">=", False), ("==", False), ("!=", True)])
def test_comparison_operators_below(op, expected):
    """Each operator compares the figure with the value (here below: 45 against 50)."""
    unit = unit_analysis(total=45)
    assert holds(Comparison("total", op, Decimal(50)), unit) is expected


@pytest.mark.parametrize("op", ["<", "<=", ">", ">=", "==", "!="])
def test_none_figure_makes_every_comparison_false(op):
    """A unit without the figure never satisfies a comparison on it, not even `!=`."""
    unit = unit_analysis(groups=[10, None, 10, 10, 10, 10])
    assert FIGURES["total"].value_of(unit) is None
    assert holds(Comparison("total", op, Decimal(50)), unit) is False
    assert holds(Not(Comparison("total", op, Decimal(50))), unit) is True


def test_boolean_figures():
    """`has_data == false` picks units without a total; `holds_most_overdue` reads the flag."""
    without = unit_analysis(groups=[None] * 6)
    with_data = unit_analysis(total=50, holds_most_overdue=True)
    no_data = Comparison("has_data", "==", False)
    assert holds(no_data, without) and not holds(no_data, with_data)
    assert holds(Comparison("holds_most_overdue", "==", True), with_data, analysis=_kept(with_data))


def _kept(*units):
    """An analysis that keeps the units' own hand-set flags (no re-derivation)."""
    base = analysis_of(units)
    return type(base)(base.authority, tuple(units), base.by_kind, None, base.history_periods, base.targets)


# --- combinations ----------------------------------------------------------------------------


def test_all_any_not():
    """all needs every part, any needs one, not inverts."""
    unit = unit_analysis(total=45, overdue=10)
    low = Comparison("total", "<", Decimal(50))
    many = Comparison("overdue", ">", 100)
    assert not holds(AllOf((low, many)), unit)
    assert holds(AllOf((low, Not(many))), unit)
    assert holds(AnyOf((low, many)), unit)
    assert not holds(AnyOf((Not(low), many)), unit)


# --- top / bottom ----------------------------------------------------------------------------


def _sở_and_huyện():
    return analysis_of(
        [
            unit_analysis("S1", total=90, overdue=5),
            unit_analysis("S2", total=70, overdue=50),
            unit_analysis("S3", total=60, overdue=50),
            unit_analysis("S4", total=60, overdue=1),
            unit_analysis("S5", total=80),
            unit_analysis("S6", groups=[None] * 6, overdue=400),
            unit_analysis("H1", "Huyện 1", "huyen", total=40, overdue=3),
            unit_analysis("H2", "Huyện 2", "huyen", total=95, overdue=2),
        ]
    )


def _matching(condition, analysis) -> list[str]:
    context = EvaluationContext(analysis)
    return [u.code for u in analysis.units if condition.holds(u, context)]


def test_bottom_within_kind_includes_ties_and_excludes_none():
    """Bottom 2 by total among sở: 60 and the tie at 60; the unit without a total is left out."""
    analysis = _sở_and_huyện()
    assert _matching(Ranked(Direction.BOTTOM, 2, "total"), analysis) == ["S3", "S4", "H1", "H2"]


def test_bottom_with_scope_all_compares_every_unit():
    """With scope all, the two lowest of all units are chosen regardless of kind."""
    analysis = _sở_and_huyện()
    assert _matching(Ranked(Direction.BOTTOM, 2, "total", Scope.ALL), analysis) == ["S3", "S4", "H1"]


def test_top_by_overdue_with_tie_at_boundary():
    """Top 2 by overdue among sở: 400 and the tie at 50 (three units); huyện rank on their own."""
    analysis = _sở_and_huyện()
    assert _matching(Ranked(Direction.TOP, 2, "overdue"), analysis) == ["S2", "S3", "S6", "H1", "H2"]
    assert _matching(Ranked(Direction.TOP, 1, "overdue", Scope.ALL), analysis) == ["S6"]


def test_top_larger_than_pool_takes_everyone_with_a_value():
    """Top 10 of a kind with fewer units takes all of them that have the figure."""
    analysis = _sở_and_huyện()
    assert _matching(Ranked(Direction.TOP, 10, "total"), analysis) == ["S1", "S2", "S3", "S4", "S5", "H1", "H2"]


# --- targets ---------------------------------------------------------------------------------


def test_misses_target_and_misses_any_target():
    """A unit below the minimum misses; one without the rate does not."""
    below = unit_analysis("A", total=60, rates={"online_payment_rate": 30})
    above = unit_analysis("B", total=60, rates={"online_payment_rate": 55})
    silent = unit_analysis("C", total=60)
    analysis = analysis_of([below, above, silent], targets=HA_NOI_TARGETS)
    assert _matching(MissesTarget("online_payment"), analysis) == ["A"]
    assert _matching(MissesAnyTarget(), analysis) == ["A"]


def test_unknown_target_at_evaluation_is_config_error_with_line(tmp_path):
    """A rule naming a target the analysis lacks is refused at evaluation, at the line of the id."""
    path = rule_file(tmp_path, rule("r", "{misses_target: e_result}"))
    rules = load_rules(path)
    analysis = analysis_of([unit_analysis(total=50)], targets=HA_NOI_TARGETS[:2])
    with pytest.raises(ConfigError) as caught:
        evaluate(rules, analysis)
    (problem,) = caught.value.problems
    assert problem.row == 5 and "e_result" in problem.message


def test_for_each_target_gives_one_directive_per_missed_target(tmp_path):
    """A `for_each: target` rule yields a directive per configured target that someone misses."""
    path = rule_file(
        tmp_path,
        rule(
            "below",
            "{misses_current_target: true}",
            "{{ target.label }}: {{ names }}",
            "    for_each: target\n    notice: '{{ unit.name }} {{ check.actual|percent }} < {{ target.minimum|percent }}'\n",
        ),
    )
    analysis = analysis_of(
        [
            unit_analysis("A", "Sở A", total=60, rates={"online_payment_rate": 30, "online_dossier_rate": 10}),
            unit_analysis("B", "Sở B", total=60, rates={"online_payment_rate": 20}),
        ],
        targets=HA_NOI_TARGETS,
    )
    directives = evaluate(load_rules(path), analysis)
    assert [d.id for d in directives] == ["below:online_payment", "below:online_dossier"]
    assert directives[0].text == f"{HA_NOI_TARGETS[0].label}: Sở A và Sở B"
    assert directives[0].notice_text_for("B") == "Sở B 20,0% < 55,0%"
    assert directives[1].unit_codes == ("A",)


# --- evaluation ------------------------------------------------------------------------------


def test_rule_without_match_gives_no_directive_and_applies_to_filters(tmp_path):
    """applies_to limits the units a rule looks at; a rule matching nobody gives no directive."""
    path = rule_file(
        tmp_path,
        rule("low_huyen", "{figure: total, op: '<', value: 50}", extra="    applies_to: [huyen]\n"),
        rule("very_low", "{figure: total, op: '<', value: 10}"),
    )
    directives = evaluate(load_rules(path), _sở_and_huyện())
    assert [d.rule_id for d in directives] == ["low_huyen"]
    assert directives[0].unit_codes == ("H1",)


def test_units_are_ordered_by_kind_then_rank(tmp_path):
    """Matched units come by kind, then rank (unranked last), then snapshot order."""
    path = rule_file(tmp_path, rule("any", "{figure: overdue, op: '>=', value: 0}"))
    (directive,) = evaluate(load_rules(path), _sở_and_huyện())
    assert directive.unit_codes == ("S1", "S2", "S3", "S4", "S6", "H2", "H1")


def test_names_and_notice_fallback(tmp_path):
    """`names` joins Vietnamese-style; without `notice` each unit gets the text rendered for itself."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "Đề nghị {{ names }} rà soát."))
    directives = evaluate(load_rules(path), _sở_and_huyện())
    (directive,) = directives
    assert directive.text == "Đề nghị Đơn vị S3, Đơn vị S4 và Huyện 1 rà soát."
    assert directive.notice_text_for("S4") == "Đề nghị Đơn vị S4 rà soát."
    with pytest.raises(KeyError):
        directive.notice_text_for("S1")
    assert directives_for_unit(directives, "H1") == directives
    assert directives_for_unit(directives, "S1") == ()


def test_join_names():
    """One name alone, two with “và”, more with commas and a final “và”."""
    assert join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A và B"
    assert join_names(["A", "B", "C"]) == "A, B và C"


def test_special_characters_in_names_stay_literal(tmp_path):
    """Plain-text rendering keeps `&` and `<` as they are (the document layer escapes)."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "{{ names }}"))
    analysis = analysis_of([unit_analysis("X", "Sở A & <B>", total=50), unit_analysis("Y", "Ban \"C\"", total=40)])
    (directive,) = evaluate(load_rules(path), analysis)
    assert directive.text == 'Sở A & <B> và Ban "C"'


def test_paragraphs_and_whitespace_are_normalised(tmp_path):
    """Spaces collapse inside a paragraph; a blank line in the source starts a new paragraph."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "Một   {{ names }}\n\n  Hai  ba "))
    (directive,) = evaluate(load_rules(path), analysis_of([unit_analysis("X", "Sở X", total=50)]))
    assert directive.paragraphs == ("Một Sở X", "Hai ba")


def test_attr_filter_is_refused_at_load(tmp_path):
    """`attr('__class__')` used to slip past the load check to the sandbox: the filter no longer exists,
    so loading refuses it with the rule's line (issue 14: check refuses what render refuses)."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "{{ units|attr('__class__') }}"))
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    (problem,) = caught.value.problems
    assert problem.row == 6 and "low" in problem.message and "không có bộ lọc “attr”" in problem.message


def test_a_method_call_is_refused_at_load(tmp_path):
    """`.append()` (refused by the sandbox at render) is refused when the rule file loads."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "{{ units.append(1) }}"))
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    (problem,) = caught.value.problems
    assert problem.row == 6 and "không gọi phương thức “append” trong mẫu văn bản" in problem.message


def test_render_failure_is_template_error_with_line(tmp_path):
    """A text that formats a missing figure (no previous month) fails as TemplateError, not a crash."""
    path = rule_file(
        tmp_path,
        rule("low", "{figure: total, op: '<', value: 65}", "x", "    notice: '{{ unit.delta_previous.change|change }}'\n"),
    )
    with pytest.raises(TemplateError) as caught:
        evaluate(load_rules(path), analysis_of([unit_analysis(total=50)]))
    assert caught.value.problems[0].row == 7


def test_evaluate_does_no_io(tmp_path):
    """Once loaded, rules evaluate even after the file is gone, with identical results each time."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}"))
    rules = load_rules(path)
    path.unlink()
    analysis = _sở_and_huyện()
    assert evaluate(rules, analysis) == evaluate(rules, analysis) != ()


# --- shipped rules ---------------------------------------------------------------------------


def _ha_noi_july():
    return analysis_of(
        [
            unit_analysis("TP", "Sở Tư pháp", total="48.2", overdue=24130, delta_previous="-2.5",
                          rates={"online_payment_rate": "32.5", "online_dossier_rate": 70, "digitization_rate": 100, "e_result_rate": 100}),
            unit_analysis("YT", "Sở Y tế", total="80.1", overdue=100, rates={"online_payment_rate": 60, "online_dossier_rate": 65}),
            unit_analysis("XD", "Sở Xây dựng", groups=[17, 19, 11, 1, 17, 20], overdue=500),
            unit_analysis("NV", "Sở Nội vụ", total=55, delta_previous="1.2"),
            unit_analysis("TC", "Sở Tài chính", total=75),
            unit_analysis("CT", "Sở Công Thương", groups=[17, None, 11, 9, 17, 20]),
            unit_analysis("BD", "UBND quận Ba Đình", "huyen", total=70),
            unit_analysis("HK", "UBND quận Hoàn Kiếm", "huyen", total=72),
            unit_analysis("ST", "UBND thị xã Sơn Tây", "huyen", total=52, delta_previous="-0.4"),
            unit_analysis("BV", "UBND huyện Ba Vì", "huyen", total=52),
            unit_analysis("MD", "UBND huyện Mỹ Đức", "huyen", total=66),
        ],
        targets=HA_NOI_TARGETS,
        overdue_total=53828,
    )


def test_shipped_rules_fire_sensibly_on_ha_noi_month():
    """The shipped rules name the right units with Văn bản 2562's figures and wording."""
    directives = {d.id: d for d in evaluate(load_rules(SHIPPED, HA_NOI_TARGETS), _ha_noi_july())}
    assert list(directives) == [
        "most_overdue", "apology", "below_target", "lowest_total", "weak_group", "falling_total", "missing_data",
        "commendation",
    ]
    overdue = directives["most_overdue"]
    assert overdue.unit_codes == ("TP",)
    assert "24.130 hồ sơ, chiếm 44,8% số hồ sơ quá hạn" in overdue.text
    assert "rà soát, xác định nguyên nhân, xử lý dứt điểm" in overdue.text
    assert set(directives["apology"].unit_codes) == {"TP", "YT", "XD"}  # every unit with overdue dossiers
    below = directives["below_target"]  # one passage for every missed target
    assert below.unit_codes == ("TP",)
    assert "Tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán: 1/2 đơn vị chưa đạt mức tối thiểu 55% " \
           "(Sở Tư pháp)." in below.text
    assert below.notice_text_for("TP").startswith("Nâng tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán lên")
    # bottom 3 of each kind: ties at the boundary included (Sơn Tây and Ba Vì share 52).
    lowest = directives["lowest_total"]
    assert lowest.unit_codes == ("TC", "NV", "TP", "MD", "ST", "BV")
    assert "Sở Tài chính, Sở Nội vụ, Sở Tư pháp (sở, ban, ngành)" in lowest.text
    assert "nhóm chỉ số “Thanh toán trực tuyến” (1,00/10 điểm)" in directives["weak_group"].notice_text_for("XD")
    assert "Nhóm “Thanh toán trực tuyến”: Sở Xây dựng và Sở Tư pháp." in directives["weak_group"].text
    assert directives["falling_total"].unit_codes == ("TP", "ST")
    assert "Sở Tư pháp (giảm 2,50 điểm)" in directives["falling_total"].text
    assert "so với tháng 6/2024" in directives["falling_total"].text
    assert directives["missing_data"].unit_codes == ("CT",)
    assert "kết nối số liệu" in directives["missing_data"].notice_text_for("CT")
    assert "trước Chủ tịch Ủy ban nhân dân về" not in " ".join(d.text for d in directives.values())


def test_shipped_rules_fit_a_profile_with_fewer_targets():
    """With only two configured targets the shipped rules still evaluate (no unknown target ids)."""
    analysis = analysis_of(_ha_noi_july().units, targets=HA_NOI_TARGETS[:2], overdue_total=53828)
    below = next(d for d in evaluate(load_rules(SHIPPED), analysis) if d.rule_id == "below_target")
    assert "Tỷ lệ thanh toán trực tuyến" in below.text and "bản điện tử" not in below.text


def test_shipped_texts_are_single_clean_paragraphs():
    """Every shipped wording renders as one paragraph without doubled spaces or space before punctuation."""
    for directive in evaluate(load_rules(SHIPPED), _ha_noi_july()):
        for wording in (directive.text, *(n.text for n in directive.notices)):
            assert "\n" not in wording and "  " not in wording
            assert " ," not in wording and " ." not in wording and " )" not in wording
            assert wording.endswith(".")


# --- descriptions ----------------------------------------------------------------------------


def test_describe_comparisons_in_vietnamese():
    """Comparisons read as plain Vietnamese with formatted values."""
    assert describe_condition(Comparison("overdue_share", ">=", Decimal("0.2"))) == (
        "tỷ lệ hồ sơ quá hạn so với toàn địa phương từ 20% trở lên"
    )
    assert describe_condition(Comparison("total", "<", Decimal("50.5"))) == "tổng điểm dưới 50,5 điểm"
    assert describe_condition(Comparison("overdue", ">", 1000)) == "số hồ sơ quá hạn trên 1.000 hồ sơ"
    assert describe_condition(Comparison("online_payment_rate", "<", Decimal(55))) == "tỷ lệ thanh toán trực tuyến dưới 55%"
    assert describe_condition(Comparison("has_data", "==", False)) == "không có đủ số liệu để tính tổng điểm"
    assert describe_condition(Comparison("holds_most_overdue", "!=", False)) == "có số hồ sơ quá hạn cao nhất"


def test_describe_ranked_and_targets():
    """Top/bottom, targets and combinations read naturally; nested groups get parentheses."""
    assert describe_condition(Ranked(Direction.BOTTOM, 3, "total")) == "thuộc 3 đơn vị có tổng điểm thấp nhất cùng loại"
    assert describe_condition(Ranked(Direction.TOP, 1, "overdue", Scope.ALL)) == (
        "là đơn vị có số hồ sơ quá hạn cao nhất trong tất cả các đơn vị"
    )
    assert describe_condition(MissesTarget("online_payment"), HA_NOI_TARGETS) == (
        "chưa đạt chỉ tiêu “Tỷ lệ thanh toán trực tuyến trên tổng số giao dịch thanh toán” (tối thiểu 55%)"
    )
    assert describe_condition(MissesTarget("online_payment")) == "chưa đạt chỉ tiêu “online_payment”"
    nested = AllOf((Comparison("total", "<", Decimal(50)), AnyOf((MissesAnyTarget(), Not(Comparison("has_data", "==", True))))))
    assert describe_condition(nested) == (
        "tổng điểm dưới 50 điểm và (chưa đạt ít nhất một chỉ tiêu hoặc không thuộc trường hợp có đủ số liệu để tính tổng điểm)"
    )


def test_every_figure_can_be_described():
    """Each figure in the catalogue yields a description that contains its meaning."""
    for figure in FIGURES.values():
        value = True if figure.type is FigureType.BOOLEAN else (1 if figure.type is FigureType.INTEGER else Decimal("0.5"))
        assert figure.meaning in describe_condition(Comparison(figure.name, "==", value))


def test_describe_rule_states_scope_and_condition():
    """A rule description names the unit kinds and the condition."""
    rule_ = load_rules(SHIPPED).rule("lowest_total")
    assert describe_rule(rule_) == (
        "Đối tượng: tất cả các đơn vị. Điều kiện: thuộc 3 đơn vị có tổng điểm thấp nhất cùng loại "
        "và số đơn vị cùng loại được xếp hạng trên 3."
    )


def test_rules_doc_lists_every_figure():
    """docs/rules.md names every figure of the catalogue, so reviewers see the whole vocabulary."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert [name for name in FIGURES if f"`{name}`" not in doc] == []


# --- notices rendered on first use ------------------------------------------------------------


def _failing_for(code: str) -> str:
    """A notice wording that fails (an unknown attribute) for one unit only."""
    return f"    notice: \"{{% if unit.code == '{code}' %}}{{{{ unit.no_such_figure }}}}{{% endif %}}Rà soát.\"\n"


def test_notices_are_rendered_on_first_use_and_fail_located(tmp_path):
    """Without all_notices, evaluate renders each directive's first notice only; a wording failing for a
    later unit fails when that unit's notice is asked for, or in check_notices, with the rule's line."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "x", _failing_for("H1")))
    rules = load_rules(path)
    with pytest.raises(TemplateError):  # the default renders every notice, as before
        evaluate(rules, _sở_and_huyện())
    (directive,) = evaluate(rules, _sở_and_huyện(), all_notices=False)
    assert directive.unit_codes == ("S3", "S4", "H1")
    assert directive.notice_text_for("S3") == "Rà soát."
    with pytest.raises(TemplateError) as caught:
        directive.notice_text_for("H1")
    (problem,) = caught.value.problems
    assert problem.row == 7 and problem.file == str(path) and "no_such_figure" in problem.message
    check_notices([directive], ["S3", "S4"])  # the units chosen render
    with pytest.raises(TemplateError) as caught:
        check_notices([directive])
    assert [p.row for p in caught.value.problems] == [7]
    assert str(path) in caught.value.message


def test_a_notice_failing_for_every_unit_fails_in_evaluate(tmp_path):
    """The first notice is rendered in evaluate: a wording that cannot work fails before any document."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "x",
                                    "    notice: '{{ unit.delta_previous.change|change }}'\n"))
    with pytest.raises(TemplateError) as caught:
        evaluate(load_rules(path), _sở_and_huyện(), all_notices=False)
    assert caught.value.problems[0].row == 7


def test_a_pickled_directive_carries_every_notice(tmp_path):
    """A batch worker receives the directives pickled: every text rendered, equal to the original."""
    path = rule_file(tmp_path, rule("low", "{figure: total, op: '<', value: 65}", "Đề nghị {{ names }} rà soát."))
    (directive,) = evaluate(load_rules(path), _sở_and_huyện(), all_notices=False)
    copy = pickle.loads(pickle.dumps(directive))
    assert copy == directive
    assert [n.text for n in copy.notices] == ["Đề nghị Đơn vị S3 rà soát.", "Đề nghị Đơn vị S4 rà soát.",
                                              "Đề nghị Huyện 1 rà soát."]


def test_an_annex_detail_reading_the_unit_is_rendered_for_each_unit(tmp_path):
    """Details that read only the score and share are rendered once per figures; one that reads the
    unit is not taken for another unit's with the same figures."""
    annex = ("    for_each: group\n    annex_over: 1\n    annex_title: 'Phụ lục'\n"
             "    annex_detail: '{detail}'\n")
    analysis = analysis_of([unit_analysis("A", "Sở A", groups=[1, 20, 12, 10, 18, 22]),
                            unit_analysis("B", "Sở B", groups=[1, 20, 12, 10, 18, 22]),
                            unit_analysis("C", "Sở C", groups=[2, 20, 12, 10, 18, 22])])
    rows = {}
    for name, detail in (("figures", "{{ score|score }} ({{ share|share }})"), ("unit", "{{ unit.name }}: {{ score }}")):
        path = rule_file(tmp_path, rule("weak", "{figure: current_group_share, op: '<', value: 0.2}", "x",
                                        annex.format(detail=detail)))
        (directive,) = evaluate(load_rules(path), analysis)
        (listed,) = directive.annex
        rows[name] = listed.rows
    assert rows["figures"] == (("Sở C", "2,00 (11,1%)"), ("Sở A", "1,00 (5,6%)"), ("Sở B", "1,00 (5,6%)"))
    assert rows["unit"] == (("Sở C", "Sở C: 2"), ("Sở A", "Sở A: 1"), ("Sở B", "Sở B: 1"))


def test_an_annex_detail_is_rendered_for_each_way_a_score_is_written(tmp_path):
    """A detail rendered once per figures tells apart scores equal in value but written apart
    (1.8, 1.80, 1.800 of 18 points): each unit's row shows its own score and share as written."""
    path = rule_file(tmp_path, rule("weak", "{figure: current_group_share, op: '<', value: 0.2}", "x",
                                    "    for_each: group\n    annex_over: 1\n    annex_title: 'Phụ lục'\n"
                                    "    annex_detail: '{{ score }} {{ share }}'\n"))
    assert GROUPS[0].max_score == 18
    analysis = analysis_of([unit_analysis(code, f"Sở {code}", groups=[Decimal(score), 20, 12, 10, 18, 22])
                            for code, score in (("A", "1.8"), ("B", "1.80"), ("C", "1.800"), ("D", "1.80"))])
    (directive,) = evaluate(load_rules(path), analysis)
    (listed,) = directive.annex
    assert listed.rows == (("Sở A", "1.8 0.1"), ("Sở B", "1.80 0.10"), ("Sở C", "1.800 0.100"), ("Sở D", "1.80 0.10"))


_NUMBER_FIGURES = ("total", "overdue", "rank", "rank_from_bottom", "ckmb", "tdgq_share", "current_group_share",
                   "weakest_group_share", "online_payment_rate", "missed_target_count", "authority_total",
                   "units_with_overdue", "widespread_count")
_COMPARISONS = st.builds(Comparison, st.sampled_from(_NUMBER_FIGURES), st.sampled_from(sorted(OPERATORS)),
                         st.decimals(min_value=-2, max_value=120, places=2))
_LEAVES = st.one_of(
    _COMPARISONS,
    st.builds(Comparison, st.sampled_from(["has_data", "holds_most_overdue"]), st.sampled_from(["==", "!="]),
              st.booleans()),
    st.builds(Ranked, st.sampled_from(Direction), st.integers(1, 4), st.sampled_from(["total", "overdue", "ckmb"]),
              st.sampled_from(Scope)),
    st.builds(MissesTarget, st.sampled_from([t.id for t in HA_NOI_TARGETS])),
    st.builds(MissesCurrentTarget), st.builds(MissesAnyTarget), st.builds(Always),
)
_CONDITIONS = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.builds(AllOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
    st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
    st.builds(Not, inner)), max_leaves=6)
_SCORES = st.one_of(st.none(), st.decimals(min_value=0, max_value=18, places=2))
_UNITS = st.lists(st.tuples(st.sampled_from(["so_nganh", "huyen", "xa"]), st.lists(_SCORES, min_size=6, max_size=6),
                            st.one_of(st.none(), st.integers(0, 30)), st.decimals(min_value=0, max_value=100, places=1)),
                  max_size=12)


@settings(max_examples=300, deadline=None)
@given(_CONDITIONS, _UNITS, st.sampled_from([None, *GROUPS]), st.sampled_from([None, *HA_NOI_TARGETS]))
def test_select_keeps_the_units_a_condition_holds_for(condition, rows, group, target):
    """select(), which runs comparisons inline and `all` as filters in turn, keeps exactly the units
    for which holds() is true, in their order, for any condition, loop value and units."""
    units = [unit_analysis(f"U{i}", kind=kind, groups=scores, overdue=overdue,
                           rates=dict.fromkeys(RATE_FIELDS, rate)) for i, (kind, scores, overdue, rate) in enumerate(rows)]
    analysis = analysis_of(units, targets=HA_NOI_TARGETS)
    expected = [u for u in analysis.units if condition.holds(u, EvaluationContext(analysis, target, group, len(rows) % 3))]
    assert select(condition, analysis.units, EvaluationContext(analysis, target, group, len(rows) % 3)) == expected
