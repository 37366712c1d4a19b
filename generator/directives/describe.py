"""Conditions and rules in plain Vietnamese, for the legal reviewers' review pack."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from generator.analysis import Target
from generator.common import formatting
from generator.directives.conditions import (
    AllOf,
    Always,
    AnyOf,
    Comparison,
    Condition,
    Direction,
    MissesAnyTarget,
    MissesCurrentTarget,
    MissesTarget,
    Not,
    Ranked,
    Scope,
)
from generator.directives.figures import (
    AUTHORITY_FIGURES,
    FIGURES,
    GROUP_LOOP_FIGURES,
    AuthorityFigure,
    Figure,
    FigureType,
    LoopFigure,
)
from generator.directives.loader import Rule
from generator.snapshot import GROUPS

_OP_WORDING = {
    ">=": "từ {} trở lên",
    "<=": "từ {} trở xuống",
    ">": "trên {}",
    "<": "dưới {}",
    "==": "bằng {}",
    "!=": "khác {}",
}


def describe_condition(condition: Condition, targets: Sequence[Target] | None = None) -> str:
    """The condition as a Vietnamese phrase; `targets` lets `misses_target` name the target's label."""
    if isinstance(condition, Comparison):
        return _comparison(condition)
    if isinstance(condition, AllOf):
        return " và ".join(_part(c, targets) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return " hoặc ".join(_part(c, targets) for c in condition.conditions)
    if isinstance(condition, Not):
        return f"không thuộc trường hợp {_part(condition.condition, targets)}"
    if isinstance(condition, Ranked):
        return _ranked(condition)
    if isinstance(condition, MissesTarget):
        return f"chưa đạt chỉ tiêu {_target(condition.target_id, targets)}"
    if isinstance(condition, MissesAnyTarget):
        return "chưa đạt ít nhất một chỉ tiêu"
    if isinstance(condition, MissesCurrentTarget):
        return "chưa đạt chỉ tiêu đang xét"
    if isinstance(condition, Always):
        return "luôn áp dụng"
    raise TypeError(f"not a condition: {condition!r}")


def describe_rule(rule: Rule, targets: Sequence[Target] | None = None) -> str:
    """Whom the rule concerns and when, for the review pack: "Đối tượng: ... Điều kiện: ..."."""
    if rule.about_authority:
        return ("Đối tượng: toàn địa phương (một đoạn, không nêu đơn vị). "
                f"Điều kiện: {describe_condition(rule.when, targets)}.")
    who = "; ".join(kind.label for kind in rule.applies_to) if rule.applies_to else "tất cả các đơn vị"
    loop = {"target": " (xét lần lượt từng chỉ tiêu được cấu hình", "group": " (xét lần lượt từng nhóm chỉ số"}.get(
        rule.for_each or "", "")
    if loop:
        loop += "; gộp thành một đoạn)" if rule.combine else ")"
    extra = ""
    if rule.annex is not None:
        extra += f" Quá {rule.annex.over} đơn vị thì không nêu tên trong văn bản mà lập danh sách tại Phụ lục."
    if rule.widespread is not None:
        share = formatting.number(rule.widespread.share * 100, 2, trim=True)
        extra += (f" Khi từ {share}% số đơn vị được xét trở lên cùng thỏa điều kiện, đây là hạn chế chung: "
                  "không nêu từng đơn vị mà chuyển cho quy tắc về toàn địa phương.")
    return f"Đối tượng: {who}. Điều kiện: {describe_condition(rule.when, targets)}{loop}.{extra}"


def format_value(figure: Figure | LoopFigure | AuthorityFigure, value: Decimal | int | bool | str) -> str:
    """A condition's value as a reviewer reads it: "20%", "50 điểm", "1.000 hồ sơ", "“Công khai, minh bạch”"."""
    if figure.type is FigureType.GROUP or isinstance(value, str):
        label = next((g.label for g in GROUPS if g.code == value), str(value))
        return f"“{label}”"
    if figure.type is FigureType.SHARE:
        text = formatting.number(Decimal(value) * 100, 2, trim=True) + "%"
    elif figure.type is FigureType.PERCENT:
        text = formatting.number(value, 2, trim=True) + "%"
    elif figure.type is FigureType.INTEGER:
        text = formatting.count(int(value))
    else:
        text = formatting.number(value, 2, trim=True)
    if figure.unit_word and figure.type not in (FigureType.SHARE, FigureType.PERCENT):
        return f"{text} {figure.unit_word}"
    return text


def _comparison(condition: Comparison) -> str:
    catalogue: dict[str, Figure | LoopFigure | AuthorityFigure] = {**FIGURES, **GROUP_LOOP_FIGURES,
                                                                   **AUTHORITY_FIGURES}
    figure = catalogue[condition.figure]
    if figure.type is FigureType.BOOLEAN:
        positive = (condition.op == "==") == bool(condition.value)
        return figure.meaning if positive else f"không {figure.meaning}"
    return f"{figure.meaning} {_OP_WORDING[condition.op].format(format_value(figure, condition.value))}"


def _ranked(condition: Ranked) -> str:
    meaning = FIGURES[condition.by].meaning
    extreme = "cao nhất" if condition.direction is Direction.TOP else "thấp nhất"
    among = "cùng loại" if condition.scope is Scope.KIND else "trong tất cả các đơn vị"
    if condition.count == 1:
        return f"là đơn vị có {meaning} {extreme} {among}"
    return f"thuộc {condition.count} đơn vị có {meaning} {extreme} {among}"


def _target(target_id: str, targets: Sequence[Target] | None) -> str:
    for target in targets or ():
        if target.id == target_id:
            minimum = formatting.number(target.minimum, 2, trim=True)
            return f"“{target.label}” (tối thiểu {minimum}%)"
    return f"“{target_id}”"


def _part(condition: Condition, targets: Sequence[Target] | None) -> str:
    text = describe_condition(condition, targets)
    return f"({text})" if isinstance(condition, (AllOf, AnyOf)) else text
