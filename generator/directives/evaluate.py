"""Evaluate loaded rules against an analysis: which units are told to do what. Pure (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from jinja2.exceptions import SecurityError, UndefinedError

from generator.analysis import Analysis, Target, TargetCheck, UnitAnalysis
from generator.common.errors import ConfigError, Problem, TemplateError
from generator.common.jinja_env import BudgetExceeded, budget_scope
from generator.directives.conditions import EvaluationContext
from generator.directives.loader import Rule, RuleSet
from generator.directives.parsing import suggestion
from generator.directives.texts import RENDER_ERRORS, RuleText
from generator.snapshot import UnitKind

_KIND_ORDER = {kind: index for index, kind in enumerate(UnitKind)}


@dataclass(frozen=True)
class UnitNotice:
    """The rendered per-unit wording of one directive."""

    unit_code: str
    text: str


@dataclass(frozen=True)
class Directive:
    """One rule that matched at least one unit (for a `for_each: target` rule: one per target)."""

    rule_id: str
    title: str
    text: str  # dispatch wording; one paragraph per line
    units: tuple[UnitAnalysis, ...]  # by kind, then rank (unranked last), then snapshot order
    notices: tuple[UnitNotice, ...]  # one per unit, same order as `units`
    target: Target | None = None  # the target at hand in a `for_each: target` rule

    @property
    def id(self) -> str:
        """Unique among the directives of one evaluation: `rule_id` or `rule_id:target_id`."""
        return f"{self.rule_id}:{self.target.id}" if self.target is not None else self.rule_id

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The dispatch wording split into paragraphs."""
        return tuple(self.text.split("\n"))

    @property
    def unit_codes(self) -> tuple[str, ...]:
        return tuple(u.code for u in self.units)

    def concerns(self, unit_code: str) -> bool:
        """Whether `unit_code` is one of `units`."""
        return unit_code in self._unit_code_set

    @cached_property
    def _unit_code_set(self) -> frozenset[str]:
        return frozenset(u.code for u in self.units)

    def notice_text_for(self, unit_code: str) -> str:
        """The per-unit notice wording for `unit_code` (KeyError when the unit is not concerned)."""
        return self._notice_texts[unit_code]

    @cached_property
    def _notice_texts(self) -> Mapping[str, str]:
        """Notice wording by unit code, built on first use: a batch asks once per unit and directive."""
        texts: dict[str, str] = {}
        for notice in self.notices:
            texts.setdefault(notice.unit_code, notice.text)
        return texts


def join_names(names: Sequence[str]) -> str:
    """Vietnamese list: "A", "A và B", "A, B và C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} và {names[-1]}"


def evaluate(rules: RuleSet, analysis: Analysis) -> tuple[Directive, ...]:
    """Directives in rule order; rules matching no unit give none.

    Raises ConfigError when a rule names a target the analysis does not have, and TemplateError
    (with every failing rule and line) when a text cannot be rendered for this analysis.
    """
    _check_targets(rules, analysis)
    problems: list[Problem] = []
    directives: list[Directive] = []
    position = {u.code: index for index, u in enumerate(analysis.units)}
    targets_by_id = MappingProxyType({t.id: t for t in analysis.targets})
    try:
        with budget_scope():  # one time budget for every text of the evaluation, not a timer per snippet
            for rule in rules.rules:
                loop: tuple[Target | None, ...] = analysis.targets if rule.for_each == "target" else (None,)
                for target in loop:
                    context = EvaluationContext(analysis, target)
                    matched = [u for u in analysis.units if rule.applies(u.kind) and rule.when.holds(u, context)]
                    if not matched:
                        continue
                    units = tuple(sorted(matched, key=lambda u: _unit_order(u, position)))
                    directive = _directive(rule, units, analysis, targets_by_id, target, str(rules.path), problems)
                    if directive is not None:
                        directives.append(directive)
    except BudgetExceeded as exceeded:  # the time ran out between two snippets
        problems.append(Problem(str(rules.path), exceeded.reason))
    if problems:
        # A text that fails for the dispatch usually fails again for each unit's notice: say it once.
        raise TemplateError(f"Không soạn được nội dung chỉ đạo từ {rules.path}", tuple(dict.fromkeys(problems)))
    return tuple(directives)


def directives_for_unit(directives: Sequence[Directive], unit_code: str) -> tuple[Directive, ...]:
    """The directives that concern one unit, in the same order."""
    return tuple(d for d in directives if d.concerns(unit_code))


def _unit_order(unit: UnitAnalysis, position: Mapping[str, int]) -> tuple[int, int, int, int]:
    return (_KIND_ORDER[unit.kind], unit.rank is None, unit.rank or 0, position[unit.code])


def _check_targets(rules: RuleSet, analysis: Analysis) -> None:
    known = tuple(t.id for t in analysis.targets)
    problems = [
        Problem(
            str(rules.path),
            f"quy tắc “{rule.id}”: chỉ tiêu “{target_id}” không có trong cấu hình{suggestion(target_id, known)}; "
            f"các chỉ tiêu: {', '.join(known) or '(chưa cấu hình chỉ tiêu nào)'}",
            row=condition_line,
        )
        for rule in rules.rules
        for target_id, condition_line in rule.target_lines()
        if target_id not in known
    ]
    if problems:
        raise ConfigError(f"Tệp quy tắc chỉ đạo {rules.path} nêu chỉ tiêu chưa được cấu hình", tuple(problems))


def _directive(
    rule: Rule,
    units: tuple[UnitAnalysis, ...],
    analysis: Analysis,
    targets_by_id: Mapping[str, Target],
    target: Target | None,
    file: str,
    problems: list[Problem],
) -> Directive | None:
    shared: dict[str, object] = {"analysis": analysis, "targets": targets_by_id}
    if target is not None:
        shared["target"] = target
    text_context = {**shared, "units": units, "names": join_names([u.name for u in units])}
    text = _render(rule, rule.text, text_context, file, problems)
    notices: list[UnitNotice] = []
    for unit in units:
        if rule.notice is not None:
            context = {**shared, "unit": unit}
            if target is not None:
                context["check"] = _check_of(unit, target)
            wording = _render(rule, rule.notice, context, file, problems)
        else:
            wording = _render(rule, rule.text, {**shared, "units": (unit,), "names": unit.name}, file, problems)
        if wording is not None:
            notices.append(UnitNotice(unit.code, wording))
    if text is None or len(notices) != len(units):
        return None
    return Directive(rule.id, rule.title, text, units, tuple(notices), target)


def _check_of(unit: UnitAnalysis, target: Target) -> TargetCheck | None:
    return next((c for c in unit.targets if c.target.id == target.id), None)


def _render(
    rule: Rule, text: RuleText, context: Mapping[str, object], file: str, problems: list[Problem]
) -> str | None:
    try:
        return text.render(context)
    except RENDER_ERRORS as exc:
        problems.append(Problem(file, f"quy tắc “{rule.id}”, “{text.key}”: {_reason(exc)}", row=text.line))
        return None


def _reason(exc: Exception) -> str:
    """A Vietnamese explanation of a render failure, keeping Jinja's own detail in brackets."""
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, BudgetExceeded):
        return exc.reason
    if isinstance(exc, SecurityError):
        return f"truy cập không được phép trong mẫu ({detail})"
    if isinstance(exc, UndefinedError):
        return f"biến hoặc thuộc tính không có giá trị ({detail}); số liệu có thể vắng thì kiểm tra bằng “is not none”"
    return f"không soạn được nội dung ({type(exc).__name__}: {detail})"
