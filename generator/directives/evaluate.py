"""Evaluate loaded rules against an analysis: which units are told to do what. Pure (no I/O)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType

from jinja2.exceptions import SecurityError, UndefinedError

from generator.analysis import Analysis, Target, TargetCheck, UnitAnalysis
from generator.common.errors import ConfigError, Problem, TemplateError
from generator.common.jinja_env import BudgetExceeded, budget_scope
from generator.config import Issuer
from generator.directives.conditions import EvaluationContext, select
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


class NoticeTexts:
    """A directive's per-unit notice wording, each rendered the first time it is asked for.

    A dispatch needs none of them and a batch or a single notice only those of its units, so
    `evaluate` renders one (the first unit's, catching a wording that fails for every unit) and
    leaves the others to their first use: at 10.000 units they were 40 % of `prepare`. A wording
    that fails later raises TemplateError naming the rule and line, as `evaluate` would have;
    `check_notices` renders them all up front where every failure must be known before a file is
    written (the batch). Pickled (sent to a batch worker), it carries every text, rendered.
    """

    __slots__ = ("_codes", "_known", "_make", "_texts", "file")

    def __init__(self, file: str, codes: tuple[str, ...], make: Callable[[str], str] | None,
                 texts: Mapping[str, str] | None = None) -> None:
        self.file = file  # the rule file, as messages name it
        self._codes = codes
        self._known = frozenset(codes)
        self._texts: dict[str, str] = dict(texts or {})
        self._make = make

    @property
    def codes(self) -> tuple[str, ...]:
        return self._codes

    def text_for(self, unit_code: str) -> str:
        """The wording for one of `codes` (KeyError for any other unit); TemplateError when it fails."""
        text = self._texts.get(unit_code)
        if text is None:
            if unit_code not in self._known or self._make is None:
                raise KeyError(unit_code)
            text = self._texts[unit_code] = self._make(unit_code)
        return text

    def all(self) -> tuple[UnitNotice, ...]:
        """Every unit's notice, in `codes` order."""
        return tuple(UnitNotice(code, self.text_for(code)) for code in self._codes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NoticeTexts):
            return NotImplemented
        return self._codes == other._codes and self.all() == other.all()

    def __hash__(self) -> int:
        return hash(self._codes)

    def __repr__(self) -> str:
        return f"NoticeTexts({len(self._codes)} units, {len(self._texts)} rendered)"

    def __getstate__(self) -> tuple[str, tuple[str, ...], dict[str, str]]:
        return self.file, self._codes, {n.unit_code: n.text for n in self.all()}

    def __setstate__(self, state: tuple[str, tuple[str, ...], dict[str, str]]) -> None:
        self.file, self._codes, self._texts = state
        self._known = frozenset(self._codes)
        self._make = None


_NO_NOTICES = NoticeTexts("", (), None)


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
    notice_texts: NoticeTexts  # one wording per unit, rendered on first use (see NoticeTexts)
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

    @property
    def notices(self) -> tuple[UnitNotice, ...]:
        """One notice per unit, same order as `units` (renders those not rendered yet)."""
        return self.notice_texts.all()

    def notice_text_for(self, unit_code: str) -> str:
        """The per-unit notice wording for `unit_code` (KeyError when the unit is not concerned;
        TemplateError, located at the rule's line, when the wording cannot be rendered for it)."""
        return self.notice_texts.text_for(unit_code)


def join_names(names: Sequence[str]) -> str:
    """Vietnamese list: "A", "A và B", "A, B và C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} và {names[-1]}"


def evaluate(rules: RuleSet, analysis: Analysis, settings: RuleSettings | None = None, *,
             all_notices: bool = True) -> tuple[Directive, ...]:
    """Directives in rule order; rules matching no unit give none; rules the profile switches off are skipped.

    Raises ConfigError when a rule names a target the analysis does not have, and TemplateError
    (with every failing rule and line) when a text cannot be rendered for this analysis. Without
    `all_notices`, only each directive's first notice is rendered here, the others on first use
    (see NoticeTexts; `check_notices` renders them all).
    """
    settings = settings or RuleSettings()
    _check_targets(rules, analysis)
    run = _Run(rules, analysis, settings, all_notices)
    try:
        with budget_scope():  # one time budget for every text of the evaluation, not a timer per snippet
            for rule in rules.rules:
                if rule.id not in settings.switched_off:
                    run.rule(rule)
    except BudgetExceeded as exceeded:  # the time ran out between two snippets
        run.problems.append(Problem(str(rules.path), exceeded.reason))
    if run.problems:
        # A text that fails for the dispatch usually fails again for each unit's notice: say it once.
        raise TemplateError(_failed(str(rules.path)), tuple(dict.fromkeys(run.problems)))
    return tuple(run.directives)


def _failed(file: str) -> str:
    return f"Không soạn được nội dung chỉ đạo từ {file}"


def check_notices(directives: Sequence[Directive], unit_codes: Iterable[str] | None = None) -> None:
    """Render every notice not rendered yet (only those of `unit_codes` when given), so that a
    wording failing for some unit stops the caller before it writes anything: TemplateError with
    every failing rule and line, as `evaluate` gives."""
    wanted = None if unit_codes is None else frozenset(unit_codes)
    problems: list[Problem] = []
    file = next((d.notice_texts.file for d in directives if d.notice_texts.file), "")
    try:
        with budget_scope():  # one time budget for them all, as in `evaluate`
            for directive in directives:
                for code in directive.notice_texts.codes:
                    if wanted is None or code in wanted:
                        try:
                            directive.notice_text_for(code)
                        except TemplateError as failed:
                            problems.extend(failed.problems)
    except BudgetExceeded as exceeded:  # the time ran out between two snippets
        problems.append(Problem(file, exceeded.reason))
    if problems:
        raise TemplateError(_failed(file), tuple(dict.fromkeys(problems)))


def directives_for_unit(directives: Sequence[Directive], unit_code: str) -> tuple[Directive, ...]:
    """The directives that concern one unit, in the same order."""
    return tuple(d for d in directives if d.concerns(unit_code))


def _unit_order(unit: UnitAnalysis) -> tuple[int, bool, int]:
    """By kind, then rank (unranked last); sorted() is stable, so snapshot order after that."""
    return (_KIND_ORDER[unit.unit.kind], unit.rank is None, unit.rank or 0)


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


class _Run:
    """One evaluation: the directives so far, the widespread problems set aside, the problems met."""

    def __init__(self, rules: RuleSet, analysis: Analysis, settings: RuleSettings, all_notices: bool) -> None:
        self.file = str(rules.path)
        self.all_notices = all_notices
        self.analysis = analysis
        self.settings = settings
        # The units in the order every list of them takes, sorted once: a rule's matches come out in it.
        self.ordered = tuple(sorted(analysis.units, key=_unit_order))
        self.order = {u.code: index for index, u in enumerate(self.ordered)}
        self._of_kinds: dict[frozenset[UnitKind], list[UnitAnalysis]] = {}
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
                    self.directives.append(Directive(rule.id, rule.title, text, (), _NO_NOTICES))
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

    def of_kinds(self, kinds: Iterable[UnitKind]) -> list[UnitAnalysis]:
        """The units of these kinds, in order (once per set of kinds, not per rule and loop value)."""
        key = frozenset(kinds)
        if key not in self._of_kinds:
            self._of_kinds[key] = [u for u in self.ordered if u.kind in key]
        return self._of_kinds[key]

    def item(self, rule: Rule, target: Target | None, group: Group | None) -> Item | None:
        """The units the rule matches for one loop value (None when none)."""
        context = EvaluationContext(self.analysis, target, group)
        pool = self.ordered if not rule.applies_to else self.of_kinds(rule.applies_to)
        # The units that have the figure the item is about: a group score, a reported rate.
        looked_at: Sequence[UnitAnalysis]
        if group is not None and target is None:
            index = GROUPS.index(group)
            looked_at = [u for u in pool if u.unit.groups[index] is not None]
        elif target is not None:
            looked_at = [u for u in pool if (check := _check_of(u, target)) is not None and check.actual is not None]
        else:
            looked_at = pool
        units = tuple(select(rule.when, looked_at, context))  # in order already
        if not units:
            return None
        annexed = rule.annex is not None and len(units) > rule.annex.over
        return Item(target, group, units, len(looked_at), annexed)

    def item_context(self, item: Item) -> dict[str, object]:
        return {"item": item, "analysis": self.analysis, "issuer": self.settings.issuer}

    def add(self, rule: Rule, items: tuple[Item, ...], loop: Mapping[str, object] | None = None) -> None:
        """One directive from `items`: the text once, the annexed items' lists, and the notices (each
        rendered on first use, but the first now: a wording that fails for every unit fails here)."""
        loop = loop or {}
        by_code = {u.code: u for item in items for u in item.units}  # a unit's code is unique
        if len(items) == 1:
            units, codes = items[0].units, tuple(by_code)
        else:
            codes = tuple(sorted(by_code, key=self.order.__getitem__))
            units = tuple([by_code[code] for code in codes])
        context = {**self.shared, **loop, "items": items, "units": units,
                   "names": join_names([u.name for u in units]), "annexed": any(i.annexed for i in items)}
        text = self.render(rule, rule.text, context)

        def make(code: str) -> str:
            unit = by_code[code]
            return self.notice(rule, unit, tuple(i for i in items if code in i.codes), loop)

        notices = NoticeTexts(self.file, codes, make)
        failed = len(self.problems)
        for code in codes if self.all_notices else codes[:1]:
            try:
                notices.text_for(code)
            except TemplateError as error:
                self.problems.extend(error.problems)
        annex = tuple(a for item in items if item.annexed and (a := self.annex_list(rule, item)) is not None)
        if text is None or len(self.problems) > failed:
            return
        target = loop.get("target")
        group = loop.get("group")
        self.directives.append(Directive(rule.id, rule.title, text, units, notices,
                                         target if isinstance(target, Target) else None,
                                         group if isinstance(group, Group) else None, annex))

    def notice(self, rule: Rule, unit: UnitAnalysis, items: tuple[Item, ...], loop: Mapping[str, object]) -> str:
        """One unit's wording; TemplateError (located) when it cannot be rendered."""
        if rule.notice is None:
            own = tuple(Item(i.target, i.group, (unit,), i.considered, False) for i in items)
            return self.render_or_raise(rule, rule.text, {**self.shared, **loop, "items": own, "units": (unit,),
                                                          "names": unit.name, "annexed": False})
        unit_items = tuple(_unit_item(unit, i) for i in items)
        context: dict[str, object] = {**self.shared, "unit": unit, "items": unit_items}
        if "target" in loop:
            context["target"] = loop["target"]
            context["check"] = unit_items[0].check
        if "group" in loop:
            context.update(group=loop["group"], score=unit_items[0].score, share=unit_items[0].share)
        return self.render_or_raise(rule, rule.notice, context)

    def annex_list(self, rule: Rule, item: Item) -> AnnexList | None:
        spec = rule.annex
        assert spec is not None
        context = self.item_context(item)
        title = self.render(rule, spec.title, context)
        detail = spec.detail
        # A detail that reads only a unit's score and share (not the unit nor its check) is the same
        # text for the same figures: rendered once per figures (thousands of rows share a few hundred).
        # The share is the score over the item's group maximum: the score as written decides both.
        figures_only = detail is not None and not detail.reads & {"unit", "check"}
        index = GROUPS.index(item.group) if item.group is not None else None
        seen: dict[str, str | None] = {}
        rows = []
        for unit in item.units:
            if detail is None:
                text: str | None = ""
            else:
                key = str(unit.unit.groups[index] if index is not None else None) if figures_only else None
                if key is not None and key in seen:
                    text = seen[key]
                else:
                    own = _unit_item(unit, item)
                    text = self.render(rule, detail, {**context, "unit": unit, "check": own.check, "score": own.score,
                                                      "share": own.share})
                    if key is not None:
                        seen[key] = text
            rows.append((unit.name, text or ""))
        return AnnexList(title, spec.column, tuple(rows)) if title is not None else None

    def render(self, rule: Rule, text: RuleText, context: Mapping[str, object]) -> str | None:
        """The wording, or None with the problem recorded."""
        try:
            return self.render_or_raise(rule, text, context)
        except TemplateError as error:
            self.problems.extend(error.problems)
            return None

    def render_or_raise(self, rule: Rule, text: RuleText, context: Mapping[str, object]) -> str:
        """The wording, or TemplateError with the problem (rule, key and line)."""
        try:
            return text.render(context)
        except RENDER_ERRORS as exc:
            problem = Problem(self.file, f"quy tắc “{rule.id}”, “{text.key}”: {_reason(exc)}", row=text.line)
            raise TemplateError(_failed(self.file), (problem,)) from None


def _unit_item(unit: UnitAnalysis, item: Item) -> UnitItem:
    score = unit.unit.score(item.group.code) if item.group is not None else None
    share = score / item.group.max_score if score is not None and item.group is not None else None
    check = _check_of(unit, item.target) if item.target is not None else None
    return UnitItem(item.target, item.group, check, score, share)


def _check_of(unit: UnitAnalysis, target: Target) -> TargetCheck | None:
    wanted = target.id
    for check in unit.targets:  # a handful: a loop, not a generator (called for every unit and target)
        if check.target.id == wanted:
            return check
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
