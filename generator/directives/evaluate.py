"""Evaluate loaded rules against an analysis: which units are told to do what. Pure (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType

from jinja2.exceptions import SecurityError, UndefinedError

from generator.analysis import Analysis, Target, TargetCheck, UnitAnalysis
from generator.common.errors import ConfigError, Problem, TemplateError
from generator.common.jinja_env import BudgetExceeded, budget_scope
from generator.config import Issuer
from generator.directives.conditions import EvaluationContext
from generator.directives.loader import Rule, RuleSet
from generator.directives.parsing import suggestion
from generator.directives.texts import RENDER_ERRORS, RuleText
from generator.snapshot import GROUPS, Group, UnitKind

_KIND_ORDER = {kind: index for index, kind in enumerate(UnitKind)}


@dataclass(frozen=True)
class UnitNotice:
    """The rendered per-unit wording of one directive."""

    unit_code: str
    text: str


@dataclass(frozen=True)
class Item:
    """One value of a rule's loop (a target, a group, or the rule itself) and the units it matched."""

    target: Target | None
    group: Group | None
    units: tuple[UnitAnalysis, ...]  # by kind, then rank (unranked last), then snapshot order
    considered: int  # how many units the rule looked at for it (those with the figure in question)
    annexed: bool  # more units than the rule's annex_over: listed in the annex, not named in the text

    @property
    def names(self) -> str:
        """The units' names: "A, B và C"."""
        return join_names([u.name for u in self.units])

    @property
    def count(self) -> int:
        return len(self.units)

    @cached_property
    def codes(self) -> frozenset[str]:
        return frozenset(u.code for u in self.units)


@dataclass(frozen=True)
class UnitItem:
    """One item as a unit's notice sees it: the target or group, and the unit's own figures for it."""

    target: Target | None
    group: Group | None
    check: TargetCheck | None  # the unit's rate against the target (target loops)
    score: Decimal | None  # the unit's score in the group (group loops)
    share: Decimal | None  # that score as a share of the group's maximum


@dataclass(frozen=True)
class WidespreadProblem:
    """A rule's items that matched (nearly) every unit they looked at: problems of the authority as a
    whole, set aside for the authority rules (`widespread`) instead of naming every unit."""

    rule_id: str
    items: tuple[Item, ...]
    phrase: str  # the rule's own words for them: "nhóm chỉ số “…” (163/163 cơ quan, đơn vị) đạt dưới 50% …"


@dataclass(frozen=True)
class AnnexList:
    """Units a directive does not name in its text, listed in the dispatch's annex."""

    title: str
    column: str  # heading of the detail column ("" when there is none)
    rows: tuple[tuple[str, str], ...]  # (unit name, detail)


# The names a rule's wording uses when no profile is given (a library caller, a test): generic, never
# an authority's own.
GENERIC_ISSUER = Issuer(issuing_body=("ỦY BAN NHÂN DÂN",), self_name="Ủy ban nhân dân", short_name="UBND",
                        area_term="địa phương", place="", symbol="UBND", drafting_unit="KSTTHC")


@dataclass(frozen=True)
class RuleSettings:
    """What an authority's profile gives the rules: its names, the plan behind the year's targets,
    and the rules it switches off."""

    issuer: Issuer = GENERIC_ISSUER
    plan: str | None = None
    switched_off: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Directive:
    """One rule that matched (for a `for_each` rule without `combine`: one per target or group)."""

    rule_id: str
    title: str
    text: str  # dispatch wording; one paragraph per line
    units: tuple[UnitAnalysis, ...]  # by kind, then rank (unranked last), then snapshot order
    notices: tuple[UnitNotice, ...]  # one per unit, same order as `units`
    target: Target | None = None  # the target at hand in a `for_each: target` rule
    group: Group | None = None  # the group at hand in a `for_each: group` rule
    annex: tuple[AnnexList, ...] = field(default=())  # units listed in the annex instead of the text

    @property
    def id(self) -> str:
        """Unique among the directives of one evaluation: `rule_id`, `rule_id:target_id` or `rule_id:group`."""
        if self.target is not None:
            return f"{self.rule_id}:{self.target.id}"
        return f"{self.rule_id}:{self.group.code}" if self.group is not None else self.rule_id

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


def evaluate(rules: RuleSet, analysis: Analysis, settings: RuleSettings | None = None) -> tuple[Directive, ...]:
    """Directives in rule order; rules matching no unit give none; rules the profile switches off are skipped.

    Raises ConfigError when a rule names a target the analysis does not have, and TemplateError
    (with every failing rule and line) when a text cannot be rendered for this analysis.
    """
    settings = settings or RuleSettings()
    _check_targets(rules, analysis)
    run = _Run(rules, analysis, settings)
    try:
        with budget_scope():  # one time budget for every text of the evaluation, not a timer per snippet
            for rule in rules.rules:
                if rule.id not in settings.switched_off:
                    run.rule(rule)
    except BudgetExceeded as exceeded:  # the time ran out between two snippets
        run.problems.append(Problem(str(rules.path), exceeded.reason))
    if run.problems:
        # A text that fails for the dispatch usually fails again for each unit's notice: say it once.
        raise TemplateError(f"Không soạn được nội dung chỉ đạo từ {rules.path}", tuple(dict.fromkeys(run.problems)))
    return tuple(run.directives)


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


def _looks_at(unit: UnitAnalysis, target: Target | None, group: Group | None) -> bool:
    """Whether the unit has the figure an item is about (a reported rate, a group score)."""
    if target is not None:
        check = _check_of(unit, target)
        return check is not None and check.actual is not None
    if group is not None:
        return unit.unit.score(group.code) is not None
    return True


class _Run:
    """One evaluation: the directives so far, the widespread problems set aside, the problems met."""

    def __init__(self, rules: RuleSet, analysis: Analysis, settings: RuleSettings) -> None:
        self.file = str(rules.path)
        self.analysis = analysis
        self.settings = settings
        self.position = {u.code: index for index, u in enumerate(analysis.units)}
        self.shared: dict[str, object] = {"analysis": analysis, "targets": MappingProxyType(
            {t.id: t for t in analysis.targets}), "issuer": settings.issuer, "plan": settings.plan}
        self.directives: list[Directive] = []
        self.widespread: list[WidespreadProblem] = []
        self.problems: list[Problem] = []

    def rule(self, rule: Rule) -> None:
        if rule.about_authority:
            context = EvaluationContext(self.analysis, widespread_count=len(self.widespread))
            if rule.when.holds(None, context):
                text = self.render(rule, rule.text, {**self.shared, "widespread": tuple(self.widespread)})
                if text is not None:
                    self.directives.append(Directive(rule.id, rule.title, text, (), ()))
            return
        targets: tuple[Target | None, ...] = self.analysis.targets if rule.for_each == "target" else (None,)
        groups: tuple[Group | None, ...] = GROUPS if rule.for_each == "group" else (None,)
        found = [item for target in targets for group in groups
                 if (item := self.item(rule, target, group)) is not None]
        spread = rule.widespread
        shared = [i for i in found if spread is not None and i.count >= spread.share * i.considered]
        items = [i for i in found if all(i is not s for s in shared)]
        if shared and spread is not None:
            phrase = self.render(rule, spread.phrase, {"items": tuple(shared), "analysis": self.analysis,
                                                       "issuer": self.settings.issuer})
            if phrase is not None:
                self.widespread.append(WidespreadProblem(rule.id, tuple(shared), phrase))
        if not items:
            return
        if rule.combine or rule.for_each is None:
            self.add(rule, tuple(items))
        else:
            for item in items:
                self.add(rule, (item,), {"target": item.target} if item.target else {"group": item.group})

    def item(self, rule: Rule, target: Target | None, group: Group | None) -> Item | None:
        """The units the rule matches for one loop value (None when none)."""
        context = EvaluationContext(self.analysis, target, group)
        looked_at = [u for u in self.analysis.units if rule.applies(u.kind) and _looks_at(u, target, group)]
        matched = [u for u in looked_at if rule.when.holds(u, context)]
        if not matched:
            return None
        units = tuple(sorted(matched, key=lambda u: _unit_order(u, self.position)))
        annexed = rule.annex is not None and len(units) > rule.annex.over
        return Item(target, group, units, len(looked_at), annexed)

    def item_context(self, item: Item) -> dict[str, object]:
        return {"item": item, "analysis": self.analysis, "issuer": self.settings.issuer}

    def add(self, rule: Rule, items: tuple[Item, ...], loop: Mapping[str, object] | None = None) -> None:
        """One directive from `items`: the text once, a notice per unit, the annexed items' lists."""
        loop = loop or {}
        by_code = {u.code: u for item in items for u in item.units}
        units = tuple(sorted(by_code.values(), key=lambda u: _unit_order(u, self.position)))
        context = {**self.shared, **loop, "items": items, "units": units,
                   "names": join_names([u.name for u in units]), "annexed": any(i.annexed for i in items)}
        text = self.render(rule, rule.text, context)
        notices: list[UnitNotice] = []
        for unit in units:
            wording = self.notice(rule, unit, tuple(i for i in items if unit.code in i.codes), loop)
            if wording is not None:
                notices.append(UnitNotice(unit.code, wording))
        annex = tuple(a for item in items if item.annexed and (a := self.annex_list(rule, item)) is not None)
        if text is None or len(notices) != len(units):
            return
        target = loop.get("target")
        group = loop.get("group")
        self.directives.append(Directive(rule.id, rule.title, text, units, tuple(notices),
                                         target if isinstance(target, Target) else None,
                                         group if isinstance(group, Group) else None, annex))

    def notice(self, rule: Rule, unit: UnitAnalysis, items: tuple[Item, ...], loop: Mapping[str, object]) -> str | None:
        if rule.notice is None:
            own = tuple(Item(i.target, i.group, (unit,), i.considered, False) for i in items)
            return self.render(rule, rule.text, {**self.shared, **loop, "items": own, "units": (unit,),
                                                 "names": unit.name, "annexed": False})
        unit_items = tuple(_unit_item(unit, i) for i in items)
        context: dict[str, object] = {**self.shared, "unit": unit, "items": unit_items}
        if "target" in loop:
            context["target"] = loop["target"]
            context["check"] = unit_items[0].check
        if "group" in loop:
            context.update(group=loop["group"], score=unit_items[0].score, share=unit_items[0].share)
        return self.render(rule, rule.notice, context)

    def annex_list(self, rule: Rule, item: Item) -> AnnexList | None:
        spec = rule.annex
        assert spec is not None
        title = self.render(rule, spec.title, self.item_context(item))
        rows = []
        for unit in item.units:
            own = _unit_item(unit, item)
            detail = "" if spec.detail is None else self.render(rule, spec.detail, {
                **self.item_context(item), "unit": unit, "check": own.check, "score": own.score, "share": own.share})
            rows.append((unit.name, detail or ""))
        return AnnexList(title, spec.column, tuple(rows)) if title is not None else None

    def render(self, rule: Rule, text: RuleText, context: Mapping[str, object]) -> str | None:
        try:
            return text.render(context)
        except RENDER_ERRORS as exc:
            self.problems.append(Problem(self.file, f"quy tắc “{rule.id}”, “{text.key}”: {_reason(exc)}",
                                         row=text.line))
            return None


def _unit_item(unit: UnitAnalysis, item: Item) -> UnitItem:
    score = unit.unit.score(item.group.code) if item.group is not None else None
    share = score / item.group.max_score if score is not None and item.group is not None else None
    check = _check_of(unit, item.target) if item.target is not None else None
    return UnitItem(item.target, item.group, check, score, share)


def _check_of(unit: UnitAnalysis, target: Target) -> TargetCheck | None:
    return next((c for c in unit.targets if c.target.id == target.id), None)


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
