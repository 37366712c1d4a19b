"""Condition values (the parsed `when:` of a rule) and how they hold for one unit.

Conditions are immutable trees built by the loader; they never run code from the rule file. A
figure that reads None makes every comparison on it false; top/bottom leave such units out.

A rule looks at thousands of units for each value of its loop: `predicate(context)` resolves
what a condition reads (the figure, the group or target at hand, the operator) once for that
context and gives the test to run per unit; `holds` is that test for one unit.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import partial

from generator.analysis import Analysis, Target, UnitAnalysis
from generator.directives.figures import AUTHORITY_FIGURES, FIGURES, GROUP_LOOP_FIGURES, FigureValue
from generator.snapshot import Group, UnitKind

# What a comparison sets a figure's value against (a figure reading None is never compared).
Operand = Decimal | int | bool | str
# Whether a condition holds for a unit (None: in an authority rule), within one evaluation context.
Predicate = Callable[[UnitAnalysis | None], bool]
Reader = Callable[[UnitAnalysis | None], FigureValue]

OPERATORS: dict[str, Callable[[Operand, Operand], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class Scope(str, Enum):
    """Which units a top/bottom condition compares a unit with."""

    KIND = "kind"  # units of the same kind (sở, ban, ngành with sở, ban, ngành ...)
    ALL = "all"  # every unit of the authority


class Direction(str, Enum):
    TOP = "top"  # the highest values
    BOTTOM = "bottom"  # the lowest values


@dataclass(frozen=True)
class Comparison:
    """`{figure: overdue_share, op: ">=", value: 0.2}`."""

    figure: str
    op: str
    value: Operand
    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        read, compare, value = context.reader(self.figure), OPERATORS[self.op], self.value

        def holds(unit: UnitAnalysis | None) -> bool:
            actual = read(unit)
            return actual is not None and compare(actual, value)

        return holds


@dataclass(frozen=True)
class Always:
    """`{always: true}`: holds for every unit (or, in an authority rule, always)."""

    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return True

    def predicate(self, context: EvaluationContext) -> Predicate:
        return lambda unit: True


@dataclass(frozen=True)
class AllOf:
    """`{all: [...]}`: every condition holds."""

    conditions: tuple[Condition, ...]
    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        parts = [c.predicate(context) for c in self.conditions]

        return lambda unit: all(part(unit) for part in parts)


@dataclass(frozen=True)
class AnyOf:
    """`{any: [...]}`: at least one condition holds."""

    conditions: tuple[Condition, ...]
    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        parts = [c.predicate(context) for c in self.conditions]

        return lambda unit: any(part(unit) for part in parts)


@dataclass(frozen=True)
class Not:
    """`{not: ...}`: the condition does not hold (so a None figure inside makes `not` true)."""

    condition: Condition
    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        inner = self.condition.predicate(context)
        return lambda unit: not inner(unit)


@dataclass(frozen=True)
class Ranked:
    """`{top: 3, by: overdue}` / `{bottom: 3, by: total, scope: all}`; ties at the boundary count."""

    direction: Direction
    count: int
    by: str
    scope: Scope = Scope.KIND
    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        read, top = FIGURES[self.by].read, self.direction is Direction.TOP
        boundaries: dict[UnitKind, FigureValue] = {}  # the context's, by kind, without its key per unit

        def holds(unit: UnitAnalysis | None) -> bool:
            if unit is None:
                return False
            value = read(unit)
            if value is None:
                return False
            kind = unit.unit.kind
            boundary = boundaries[kind] if kind in boundaries else boundaries.setdefault(
                kind, context.boundary(self, kind))
            if boundary is None:
                return False
            return value >= boundary if top else value <= boundary  # type: ignore[operator]

        return holds

    def boundary_in(self, pool: tuple[UnitAnalysis, ...]) -> FigureValue:
        """The value of the Nth unit of `pool` in this direction (None when nobody has a value)."""
        read = FIGURES[self.by].value_of
        values = sorted(
            (v for v in (read(u) for u in pool) if v is not None),
            reverse=self.direction is Direction.TOP,
        )
        return values[min(self.count, len(values)) - 1] if values else None


@dataclass(frozen=True)
class MissesTarget:
    """`{misses_target: online_payment}`: the unit reports the rate and it is below the target."""

    target_id: str
    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        return partial(_misses, self.target_id)


@dataclass(frozen=True)
class MissesAnyTarget:
    """`{misses_any_target: true}`: at least one configured target is missed."""

    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return unit is not None and bool(unit.missed_targets)

    def predicate(self, context: EvaluationContext) -> Predicate:
        return lambda unit: unit is not None and bool(unit.missed_targets)


@dataclass(frozen=True)
class MissesCurrentTarget:
    """`{misses_current_target: true}`, inside a `for_each: target` rule: misses the target at hand."""

    line: int = field(default=0, compare=False)

    def holds(self, unit: UnitAnalysis | None, context: EvaluationContext) -> bool:
        return self.predicate(context)(unit)

    def predicate(self, context: EvaluationContext) -> Predicate:
        target = context.current_target
        return (lambda unit: False) if target is None else partial(_misses, target.id)


def _misses(target_id: str, unit: UnitAnalysis | None) -> bool:
    """Whether the unit reports the target's rate and it is below the target."""
    return unit is not None and any(check.target.id == target_id and check.missed for check in unit.targets)


Condition = Comparison | AllOf | AnyOf | Not | Ranked | MissesTarget | MissesAnyTarget | MissesCurrentTarget | Always


class EvaluationContext:
    """What conditions may look at besides the unit: the whole analysis, the target or group at hand,
    and (for authority rules) how many widespread problems earlier rules set aside.

    Top/bottom boundaries are computed once per (condition, kind) and remembered for the run.
    """

    def __init__(self, analysis: Analysis, current_target: Target | None = None,
                 current_group: Group | None = None, widespread_count: int = 0) -> None:
        self.analysis = analysis
        self.current_target = current_target
        self.current_group = current_group
        self.widespread_count = widespread_count
        self._boundaries: dict[tuple[Ranked, UnitKind | None], FigureValue] = {}

    def reader(self, figure: str) -> Reader:
        """A figure's value for a unit: of the authority, of the unit for the group at hand, or of the
        unit (None for no unit). Resolved once per context, then called for every unit."""
        if figure in AUTHORITY_FIGURES:
            of_authority, analysis, count = AUTHORITY_FIGURES[figure].read, self.analysis, self.widespread_count
            return lambda unit: of_authority(analysis, count)
        of_unit = self.unit_reader(figure)
        return lambda unit: None if unit is None else of_unit(unit)

    def unit_reader(self, figure: str) -> Callable[[UnitAnalysis], FigureValue]:
        """`reader` for a figure of the unit (not of the authority), given a unit."""
        if figure in GROUP_LOOP_FIGURES:
            group = self.current_group
            return (lambda unit: None) if group is None else GROUP_LOOP_FIGURES[figure].reader(group)
        return FIGURES[figure].read

    def boundary(self, condition: Ranked, kind: UnitKind) -> FigureValue:
        scope_kind = kind if condition.scope is Scope.KIND else None
        key = (condition, scope_kind)
        if key not in self._boundaries:
            pool = tuple(u for u in self.analysis.units if scope_kind is None or u.kind is scope_kind)
            self._boundaries[key] = condition.boundary_in(pool)
        return self._boundaries[key]


def select(condition: Condition, units: Sequence[UnitAnalysis], context: EvaluationContext) -> list[UnitAnalysis]:
    """The units for which `condition` holds, in order: [u for u in units if condition.holds(u, context)],
    with a comparison run inline (no call per unit but the figure's) and `all` as one filter after
    another (its conditions read nothing but the unit and the context)."""
    if isinstance(condition, AllOf):
        for part in condition.conditions:
            units = select(part, units, context)
        return list(units)
    if isinstance(condition, Comparison) and condition.figure not in AUTHORITY_FIGURES:
        read, compare, value = context.unit_reader(condition.figure), OPERATORS[condition.op], condition.value
        return [u for u in units if (actual := read(u)) is not None and compare(actual, value)]
    holds = condition.predicate(context)
    return [u for u in units if holds(u)]


def walk(condition: Condition) -> tuple[Condition, ...]:
    """The condition and every condition nested in it, depth first."""
    if isinstance(condition, (AllOf, AnyOf)):
        return (condition, *(c for child in condition.conditions for c in walk(child)))
    if isinstance(condition, Not):
        return (condition, *walk(condition.condition))
    return (condition,)
